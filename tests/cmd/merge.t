#!/bin/sh
# Summaries of a cohort merged from shards (twin(7), Large cohorts): each
# shard K of N writes its part (target --pta and twin-dose --cohort their
# own tables, with --provenance; bands, agp and nca --summary a --partial
# table of every value), and the same command with --merge and the parts,
# in any order, writes the serial run's output byte for byte: counts add,
# and quantiles come from the same sorted values.  Then what the merge
# refuses: a shard missing or given twice, another seed or model in the
# history, other settings, no provenance lines, a file that is not a part.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

# The cohort: 300 people, 100 mg po q24h for 3 days, two-compartment PK
# with random effects and residual error, every 4 h, and its history.
twin-pop -n 300 --seed 3 --provenance |
    twin-dose -m pk2cmt --regimen '100 mg po q24h x3' --provenance 2> /dev/null |
    twin-sim -m pk2cmt --iiv --ruv --seed 3 --grid 0:72:4 --provenance \
    > "$tmp/sim.tsv" 2> /dev/null
[ "$(awk -F '\t' '!/^#/ && $3 == 0' "$tmp/sim.tsv" | wc -l)" -eq 5400 ]
ok $? "the cohort: 300 people, 18 samples each"

# merges WHAT PART-OPTION OUT-SUFFIX COMMAND...: COMMAND on the cohort
# serially, and as N = 1, 2, 3, 5 shards (COMMAND --shard K/N PART-OPTION)
# merged by COMMAND --merge with the parts last to first; each merge must
# equal the serial output.
merges() {
	what=$1 part=$2 sfx=$3
	shift 3
	"$@" "$tmp/sim.tsv" > "$tmp/serial$sfx" 2> "$tmp/err"
	ok $? "$what: the serial run"
	for n in 1 2 3 5; do
		k=1 r=0 parts=
		while [ $k -le $n ]; do
			"$@" --shard $k/$n $part "$tmp/sim.tsv" > "$tmp/p$k" ||
			    r=1
			parts="$tmp/p$k $parts"
			k=$((k + 1))
		done
		"$@" --merge $parts > "$tmp/merged$sfx" 2> "$tmp/err" || r=1
		cmp -s "$tmp/merged$sfx" "$tmp/serial$sfx" || r=1
		ok $r "$what: $n shards merged = the serial output"
		[ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
	done
}

merges "target --pta --by SEX" --provenance "" \
    twin-report target 'cmin >= 0.3' --after 48 -y CP --pta --by SEX
merges "bands --by SEX --bin 8" --partial "" \
    twin-report bands -y CP --by SEX --bin 8
merges "nca --summary --by SEX" --partial "" \
    twin-report nca --summary --by SEX
merges "agp (an SVG)" --partial .svg \
    twin-report agp -y CP --time-unit h --clock 08:00 -o /dev/stdout
twin-pop -n 90 --seed 4 --provenance > "$tmp/pop.tsv"
cp "$tmp/pop.tsv" "$tmp/sim.tsv"
merges "twin-dose --cohort" --provenance "" \
    twin-dose -m pk2cmt --target 'cmin >= 0.3' --amounts 50,100,200 \
    --intervals 12,24 --day 5 --cohort

# The serial outputs above are what the toolkit computes without shards;
# the PTA's counts, recounted by awk from the per-individual table, tie
# the merge to the data too.
twin-pop -n 300 --seed 3 --provenance |
    twin-dose -m pk2cmt --regimen '100 mg po q24h x3' --provenance 2> /dev/null |
    twin-sim -m pk2cmt --iiv --ruv --seed 3 --grid 0:72:4 --provenance \
    > "$tmp/sim.tsv" 2> /dev/null
twin-report target 'cmin >= 0.3' --after 48 -y CP --by SEX "$tmp/sim.tsv" |
    awk -F '\t' 'NR > 1 { n[$2]++; m[$2] += $4 }
	END { for (s in n) print s, n[s], m[s] }' | sort > "$tmp/count"
k=1 parts=
while [ $k -le 4 ]; do
	twin-report target 'cmin >= 0.3' --after 48 -y CP --pta --by SEX \
	    --provenance --shard $k/4 "$tmp/sim.tsv" > "$tmp/t$k"
	parts="$parts $tmp/t$k"
	k=$((k + 1))
done
twin-report target 'cmin >= 0.3' --after 48 -y CP --pta --by SEX --merge \
    $parts | awk -F '\t' 'NR > 1 { print $1, $2, $3 }' > "$tmp/merged"
cmp -s "$tmp/count" "$tmp/merged"
ok $? "PTA merged from 4 shards: N and MET per SEX as awk counts them"

# ---- what the merge refuses --------------------------------------------

# refused WHAT WORDS COMMAND...: exit 2, nothing written, the message
# containing WORDS.
refused() {
	what=$1 words=$2
	shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"
	s=$?
	[ $s -eq 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$words" "$tmp/err"
	ok $? "$what: refused${s:+ (exit $s)}"
	[ $s -eq 2 ] || sed 's/^/# /' "$tmp/err"
}
B="twin-report bands -y CP --by SEX --bin 8"
k=1
while [ $k -le 3 ]; do
	$B --partial --shard $k/3 "$tmp/sim.tsv" > "$tmp/b$k"
	k=$((k + 1))
done
refused "a shard missing" "--merge: shard 2/3 is missing (2 of 3 given)" \
    $B --merge "$tmp/b1" "$tmp/b3"
refused "a shard twice" "shard 1/3 a second time" \
    $B --merge "$tmp/b1" "$tmp/b2" "$tmp/b1"
refused "other settings" "it has \"--bin 8\" where the merge has \"--bin 4\"" \
    twin-report bands -y CP --by SEX --bin 4 --merge "$tmp/b1" "$tmp/b2" \
    "$tmp/b3"
# shard 2 of another seed: twin-sim's random effects differ
twin-pop -n 300 --seed 3 --provenance |
    twin-dose -m pk2cmt --regimen '100 mg po q24h x3' --provenance 2> /dev/null |
    twin-sim -m pk2cmt --iiv --ruv --seed 4 --grid 0:72:4 --provenance \
    2> /dev/null | $B --partial --shard 2/3 > "$tmp/b2seed"
refused "another seed in the history" "its history has \"# input: seed 4\" where" \
    $B --merge "$tmp/b1" "$tmp/b2seed" "$tmp/b3"
# shard 3 of another model: the same name, one byte changed
sed 's/^name: pk2cmt/name: pk2cmt /' "$top/models/pk2cmt.yaml" > "$tmp/pk2cmt.yaml"
cmp -s "$tmp/pk2cmt.yaml" "$top/models/pk2cmt.yaml" && echo "# sed changed nothing"
twin-pop -n 300 --seed 3 --provenance |
    twin-dose -m "$tmp/pk2cmt.yaml" --regimen '100 mg po q24h x3' --provenance 2> /dev/null |
    twin-sim -m "$tmp/pk2cmt.yaml" --iiv --ruv --seed 3 --grid 0:72:4 --provenance \
    2> /dev/null | $B --partial --shard 3/3 > "$tmp/b3model"
refused "another model's text in the history" "its history has \"# input: input: model pk2cmt fnv1a64:" \
    $B --merge "$tmp/b1" "$tmp/b2" "$tmp/b3model"
twin-report target 'cmin >= 0.3' --after 48 -y CP --pta --by SEX --shard 1/1 \
    "$tmp/sim.tsv" > "$tmp/noprov"
refused "no provenance lines" "no provenance lines: make each shard's output with --provenance" \
    twin-report target 'cmin >= 0.3' --after 48 -y CP --pta --by SEX --merge \
    "$tmp/noprov"
refused "a PTA table given to bands" "it has \"target\" where the merge has \"bands\"" \
    $B --merge "$tmp/t1"
sed '$s/\t[0-9]*\t\([0-9]*\)\t0\t/\t2.5\t\1\t0\t/' "$tmp/t1" > "$tmp/t1bad"
refused "a count that is not whole" "is not a count" \
    twin-report target 'cmin >= 0.3' --after 48 -y CP --pta --by SEX --merge \
    "$tmp/t1bad" "$tmp/t2" "$tmp/t3" "$tmp/t4"

done_testing
