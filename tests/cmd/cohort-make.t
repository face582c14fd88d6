#!/bin/sh
# examples/cohort: a cohort in shards (shard.sh, the one pipeline) merged
# by merge.sh is the serial run: its target attainment byte for byte
# (twin-report --merge) and its records byte for byte (each ID draws its
# own random numbers); with make -j (Makefile) for SHARDS 1, 3 and 4
# (more shards than jobs), and with GNU parallel when it is installed:
# on local cores, through --sshlogin ":" (this machine, no ssh), and
# through ssh to 127.0.0.1 where that works without a password.
. "$(dirname "$0")/lib.sh"
command -v make > /dev/null 2>&1 || { echo "1..0 # SKIP no make"; exit 0; }
ex="$top/examples/cohort"
twin-pop -n 500 --seed 1 | twin-dose -m pk2cmt --regimen '100 mg po q24h x14' \
    2> /dev/null | twin-sim -m pk2cmt --iiv --seed 1 --grid 23.99:335.99:24 \
    2> /dev/null > "$tmp/serial.tsv"
twin-report target 'cmin >= 0.3' --after 300 -y CP --pta "$tmp/serial.tsv" \
    > "$tmp/serial.pta"
# same DIR WHAT: DIR's merged results are the serial run's
same() {
	cmp -s "$tmp/serial.pta" "$1/pta.tsv"
	ok $? "$2: the target attainment is the serial one"
	cmp -s "$tmp/serial.tsv" "$1/cohort.tsv"
	ok $? "$2: the merged records are the serial run's byte for byte"
}
for s in 1 3 4; do
	mkdir "$tmp/s$s"
	(cd "$tmp/s$s" && make -s -f "$ex/Makefile" -j 2 N=500 SHARDS=$s \
	    > /dev/null 2>&1)
	ok $? "make -j 2 SHARDS=$s runs"
	same "$tmp/s$s" "make SHARDS=$s"
done
# every shard holds some IDs, none twice
awk -F'\t' '/^#/ || $1 == "ID" { next } { if (seen[$1, FILENAME]++ == 0) n[$1]++ }
    END { for (i in n) if (n[i] != 1) bad++; exit bad > 0 }' "$tmp"/s4/shard-*.tsv
ok $? "SHARDS=4: each ID in one shard only"
grep -q '^# input: input: input: shard 2/4$' "$tmp/s4/pta-2.tsv" &&
    grep -q '^# input: model pk2cmt fnv1a64:' "$tmp/s4/pta-2.tsv"
ok $? "a shard's PTA names its shard and the model's hash"
# a missing shard stops the merge, and nothing is written
rm "$tmp/s4/pta.tsv" "$tmp/s4/pta-3.tsv"
(cd "$tmp/s4" && bash "$ex/merge.sh" 4 > /dev/null 2> "$tmp/err")
[ $? -ne 0 ] && [ ! -e "$tmp/s4/pta.tsv" ] &&
    grep -q 'pta-3.tsv' "$tmp/err"
ok $? "merge.sh: a missing shard is an error, no pta.tsv"

if command -v parallel > /dev/null 2>&1; then
	export N=500
	# par NAME WHAT OPTIONS...: 3 shards by GNU parallel and the merge
	par() {
		d="$tmp/$1" what=$2
		shift 2
		mkdir "$d"
		(cd "$d" && parallel -j 2 "$@" --workdir "$d" bash "$ex/shard.sh" \
		    {} 3 ::: 1 2 3 > /dev/null 2>&1 &&
		    bash "$ex/merge.sh" 3 > /dev/null 2>&1)
		ok $? "GNU parallel $what: 3 shards and the merge run"
		same "$d" "GNU parallel $what"
	}
	par local "on local cores"
	par sshcolon "--sshlogin 2/: (this machine, no ssh)" --sshlogin 2/:
	# Through ssh for real where this machine takes ssh to itself
	# without a password (.ci/run sets that up): the shards run in
	# remote shells, which get PATH and the settings by --env.
	if ssh -o BatchMode=yes -o ConnectTimeout=5 127.0.0.1 true \
	    > /dev/null 2>&1; then
		par ssh "--sshlogin 2/127.0.0.1 (ssh)" --sshlogin 2/127.0.0.1 \
		    --env PATH --env N --env TWIN_MODEL_PATH
	else
		echo "# no ssh to 127.0.0.1 without a password: --sshlogin through ssh not tried"
	fi
else
	echo "# GNU parallel not installed: its recipe is not tried (apt-get install parallel)"
fi
done_testing
