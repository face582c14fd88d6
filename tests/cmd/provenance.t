#!/bin/sh
# --provenance (twin(7), Large cohorts; util/provenance.h): the output
# begins with "#" lines saying what made it, in the documented form; the
# lines of a pipeline's earlier steps come first under "# input: "; every
# program reads such output; the model's hash follows its text byte for
# byte; gzip (-z) works; without the option nothing changes.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL
V=$(twin-sim --version | sed 's/^twin-sim //')

twin-pop -n 6 --seed 5 > "$tmp/pop"
twin-dose -m pk2cmt --regimen '100 mg iv q12h x2' < "$tmp/pop" > "$tmp/dosed"

# 1. The lines and their form.
twin-pop -n 6 --seed 5 --provenance --shard 2/3 > "$tmp/p" 2> "$tmp/err"
ok $? "twin-pop --provenance runs"
printf '# twin-pop %s\n# seed 5\n# shard 2/3\n# options -n 6 --seed 5 --provenance --shard 2/3\n' "$V" > "$tmp/want"
head -n 4 "$tmp/p" | cmp -s - "$tmp/want"
ok $? "twin-pop: program and version, seed, shard, options, one a line"

twin-sim -m pk2cmt --iiv --seed 3 --grid 0:24:12 --provenance "$tmp/dosed" \
    > "$tmp/s" 2> "$tmp/err"
ok $? "twin-sim --provenance runs"
grep '^#' "$tmp/s" > "$tmp/slines"
awk -v v="$V" -v f="$tmp/dosed" '
    NR == 1 { bad += $0 != "# twin-sim " v }
    NR == 2 { bad += $0 !~ /^# model pk2cmt fnv1a64:[0-9a-f]+$/ ||
        length($0) != 39 }
    NR == 3 { bad += $0 != "# seed 3" }
    NR == 4 { bad += $0 != "# options -m pk2cmt --iiv --seed 3 --grid 0:24:12 --provenance " f }
    END { exit bad || NR != 4 }' "$tmp/slines"
ok $? "twin-sim: version, model and hash, seed, options (no shard line without --shard)"
sed -n 5p "$tmp/s" | grep -q '^ID	'
ok $? "twin-sim: the header follows the lines"

# Arguments that need quoting stay one line each, pasteable into a shell.
twin-dose -m pk2cmt --regimen '100 mg iv q12h x2' --provenance \
    < "$tmp/pop" > "$tmp/d" 2> "$tmp/err"
grep -qx "# options -m pk2cmt --regimen '100 mg iv q12h x2' --provenance" "$tmp/d"
ok $? "twin-dose: an argument with spaces in single quotes"
twin-sim -m pk2cmt --grid 0:24:12 --provenance --ignore '@' "$tmp/dosed" > "$tmp/q" &&
    grep -q "^# options .*--ignore @ " "$tmp/q"
ok $? "twin-sim: a plain argument as it is"
twin-fit -m "$top/testdata/theoph.yaml" --provenance \
    < "$top/testdata/theoph.tsv" > "$tmp/f" 2> "$tmp/err" &&
    head -n 1 "$tmp/f" | grep -qx "# twin-fit $V" &&
    grep -q '^# model theoph fnv1a64:[0-9a-f]*$' "$tmp/f"
ok $? "twin-fit: the lines lead its output"

# 2. A pipeline carries its history; every program reads such output.
twin-pop -n 6 --seed 5 --provenance |
    twin-dose -m pk2cmt --regimen '100 mg iv q12h x2' --provenance |
    twin-sim -m pk2cmt --iiv --ruv --seed 3 --grid 0:24:6 --provenance |
    twin-report nca --provenance > "$tmp/r" 2> "$tmp/err"
ok $? "twin-pop | twin-dose | twin-sim | twin-report, all with --provenance"
twin-pop -n 6 --seed 5 | twin-dose -m pk2cmt --regimen '100 mg iv q12h x2' |
    twin-sim -m pk2cmt --iiv --ruv --seed 3 --grid 0:24:6 |
    twin-report nca > "$tmp/r0"
grep -v '^#' "$tmp/r" | cmp -s - "$tmp/r0"
ok $? "the report's table is the one without --provenance"
awk -v v="$V" '
    { l[NR] = $0 }
    END { exit !(l[1] == "# input: input: input: twin-pop " v &&
    l[4] == "# input: input: twin-dose " v &&
    l[5] ~ /^# input: input: model pk2cmt fnv1a64:/ &&
    l[7] == "# input: twin-sim " v &&
    l[8] ~ /^# input: model pk2cmt fnv1a64:[0-9a-f]+$/ &&
    l[9] == "# input: seed 3" &&
    l[11] == "# twin-report " v && l[12] == "# options nca --provenance" &&
    l[13] ~ /^ID\t/) }' \
    "$tmp/r"
ok $? "twin-report's output carries each step's lines, one \"input: \" a step back"

# 3. The model's hash: the FNV-1a-64 of the file's bytes, changed by one
# byte and by nothing else.
hash() {	# hash MODEL: the hex digits of twin-sim's model line
	twin-sim -m "$1" --grid 0:24:12 --provenance "$tmp/dosed" |
	    sed -n 's/^# model .* fnv1a64:\([0-9a-f]*\)$/\1/p'
}
cp "$top/models/pk2cmt.yaml" "$tmp/m.yaml"
h1=$(hash "$tmp/m.yaml")
h2=$(hash "$tmp/m.yaml")
[ -n "$h1" ] && [ "$h1" = "$h2" ] && [ "$h1" = "$(hash pk2cmt)" ]
ok $? "the same text, the same hash ($h1), by name or path"
printf ' ' >> "$tmp/m.yaml"
h3=$(hash "$tmp/m.yaml")
[ -n "$h3" ] && [ "$h3" != "$h1" ]
ok $? "one byte more, another hash ($h3)"
if command -v python3 > /dev/null; then
	python3 -c '
import sys
h = 14695981039346656037
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 1099511628211) % 2**64
print("%016x" % h)' "$tmp/m.yaml" > "$tmp/py"
	[ "$(cat "$tmp/py")" = "$h3" ]
	ok $? "the hash is FNV-1a-64 of the file's bytes (computed apart)"
else
	ok 0 "# SKIP no python3 to compute FNV-1a-64 apart"
fi
# A drug's whole-body model: the hash of the generated text, which
# twin-pbpk prints.
ref='ID\tTIME\tEVID\tAMT\tCMT\tSEX\tAGE\tHT\tWT\tSCR\n'
printf "$ref"'1\t0\t1\t5\tvenous\t1\t35\t176\t73\t0.9\n' > "$tmp/man"
twin-pbpk midazolam > "$tmp/mdz.yaml"
a=$(twin-sim -m midazolam --grid 0:2:1 --provenance "$tmp/man" | sed -n 2p)
b=$(twin-sim -m "$tmp/mdz.yaml" --grid 0:2:1 --provenance "$tmp/man" | sed -n 2p)
[ -n "$a" ] && [ "${a##* }" = "${b##* }" ]
ok $? "-m midazolam: the hash of the generated text (${a##* })"

# 4. gzip.
twin-sim -m pk2cmt --ruv --seed 3 --grid 0:24:12 --provenance -z "$tmp/dosed" \
    > "$tmp/s.gz" 2> "$tmp/err" &&
    gzip -dc "$tmp/s.gz" > "$tmp/s.un" &&
    twin-sim -m pk2cmt --ruv --seed 3 --grid 0:24:12 --provenance "$tmp/dosed" |
    sed 's/ --provenance / --provenance -z /' | cmp -s - "$tmp/s.un"
ok $? "-z: the same lines (-z among the options) and table, compressed"
twin-report nca "$tmp/s.gz" > "$tmp/rz0" &&
    twin-report nca --provenance "$tmp/s.gz" > "$tmp/rz" 2> "$tmp/err" &&
    grep -q '^# input: twin-sim ' "$tmp/rz" &&
    grep -v '^#' "$tmp/rz" | cmp -s - "$tmp/rz0"
ok $? "twin-report reads a gzip file with the lines and passes them on"

# 5. Without --provenance nothing changes: no "#" lines, the same table.
twin-sim -m pk2cmt --iiv --seed 3 --grid 0:24:12 "$tmp/dosed" > "$tmp/s0"
! grep -q '^#' "$tmp/s0" && grep -v '^#' "$tmp/s" | cmp -s - "$tmp/s0"
ok $? "twin-sim without --provenance: no lines, the table the same"
twin-pop -n 6 --seed 5 | cmp -s - "$tmp/pop" &&
    grep -v '^#' "$tmp/p" | cmp -s - "$(twin-pop -n 6 --seed 5 --shard 2/3 > "$tmp/p0"; echo "$tmp/p0")"
ok $? "twin-pop without --provenance: the table the same"
# Plots are SVG, which has no "#" comments: nothing added.
twin-report plot -y IPRED --provenance -o "$tmp/svg" "$tmp/s" 2> "$tmp/err" &&
    twin-report plot -y IPRED -o "$tmp/svg0" "$tmp/s" && cmp -s "$tmp/svg" "$tmp/svg0"
ok $? "twin-report plot --provenance: the SVG as ever"

done_testing
