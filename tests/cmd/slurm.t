#!/bin/sh
# examples/slurm on a real Slurm cluster (twin(7), Large cohorts): a cohort
# of 10^5 virtual patients submitted as an 8-task job array (one shard
# each) with a dependent merge job gives the serial run's target
# attainment byte for byte; a failing shard stops the merge (afterok).
# Skipped when no cluster answers: examples/slurm/local-cluster.sh starts
# a one-node one on this machine (as root; .ci/run does).
. "$(dirname "$0")/lib.sh"
if ! command -v sbatch > /dev/null 2>&1 ||
    ! sinfo -h -o %t 2> /dev/null | grep -qE '^(idle|mix|alloc)'; then
	echo "1..0 # SKIP no Slurm cluster (sh examples/slurm/local-cluster.sh starts one)"
	exit 0
fi
# Slurm's jobs read and write $tmp: a folder every node sees (one here).
chmod 755 "$tmp"
N=100000
twin-pop -n $N --seed 1 | twin-dose -m pk2cmt --regimen '100 mg po q24h x14' \
    2> /dev/null | twin-sim -m pk2cmt --iiv --seed 1 --grid 23.99:335.99:24 \
    2> /dev/null | twin-report target 'cmin >= 0.3' --after 300 -y CP --pta \
    > "$tmp/serial.pta"
[ "$(awk 'NR == 2 { print $1 }' "$tmp/serial.pta")" = $N ]
ok $? "the serial run: $N individuals"
mkdir "$tmp/run"
# A cluster that takes the jobs but never runs them (a drained node) must
# not hang the suite: 10 minutes at most, and the jobs cancelled after.
N=$N RECORDS=no WAIT=1 timeout 600 bash "$top/examples/slurm/submit.sh" 8 \
    "$tmp/run" > "$tmp/out" 2> "$tmp/err"
r=$?
ok $r "an 8-task array and its merge job ran (sbatch --wait)"
[ $r -eq 0 ] || { sed 's/^/# /' "$tmp/err" "$tmp/run"/slurm-*.out 2> /dev/null
	scancel --name=twin-shard 2> /dev/null
	scancel --name=twin-merge 2> /dev/null; }
cmp -s "$tmp/serial.pta" "$tmp/run/pta.tsv"
ok $? "the merged PTA is the serial run's byte for byte"
[ "$(ls "$tmp/run"/pta-*.tsv | wc -l)" -eq 8 ] &&
    grep -q '^# input: input: input: shard 8/8$' "$tmp/run/pta-8.tsv"
ok $? "8 shards, each naming its shard"
mkdir "$tmp/bad"
N=1000 MODEL=no-such-model RECORDS=no WAIT=1 \
    timeout 600 bash "$top/examples/slurm/submit.sh" 2 "$tmp/bad" > /dev/null 2>&1
r=$?
[ $r -ne 0 ] && [ ! -e "$tmp/bad/pta.tsv" ]
ok $? "failing shards: the merge job does not run, no pta.tsv (exit $r)"
done_testing
