#!/bin/sh
# bench/scale.sh - a large virtual cohort on one machine (issue 13):
#   twin-pop -n N | twin-dose (pk2cmt, 100 mg po q24h x14) |
#   twin-sim --iiv (daily troughs, 14 days) | twin-report target --pta
# for N = 10^4, 10^5 and BENCH_SCALE_MAX (default 10^6): seconds of the
# whole pipeline, seconds per 10^6 individuals, and the peak memory of
# each program (flat: it does not grow with N); then the same N split in
# shards (--shard K/S, S = the machine's cores) run at once, merged with
# twin-report --merge; then, when a Slurm cluster answers (sh
# examples/slurm/local-cluster.sh starts one here), the same N as an
# 8-task job array and its merge job (examples/slurm/submit.sh), whose
# PTA must be the serial one byte for byte.
# Usage: sh bench/scale.sh [OUTDIR]     (results in OUTDIR/scale)
here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
out=${1:-}
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/twin-bench.XXXXXX") || exit 2
out="$out/scale"
mkdir -p "$out" || exit 2
cd "$top" && make -s all || exit 2
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
max=${BENCH_SCALE_MAX:-1000000}
cores=$(getconf _NPROCESSORS_ONLN 2> /dev/null || echo 2)
now() { date +%s.%N; }
# rss NAME COMMAND...: run COMMAND (a pipeline stage), its peak RSS in
# kB to $out/NAME.rss
rss() {
	name=$1; shift
	/usr/bin/time -f %M -o "$out/$name.rss" "$@"
}
# The pipeline of examples/cohort/shard.sh with its defaults (SEED 1),
# so that the Slurm array's PTA compares with it.
pipeline() {	# N [SHARD]: the pipeline, the counts to stdout
	rss pop twin-pop -n "$1" --seed 1 ${2:+--shard "$2" --provenance} |
	    rss dose twin-dose -m pk2cmt --regimen '100 mg po q24h x14' \
		${2:+--provenance} 2> /dev/null |
	    rss sim twin-sim -m pk2cmt --iiv --seed 1 --grid 23.99:335.99:24 \
		${2:+--provenance} 2> /dev/null |
	    rss report twin-report target 'cmin >= 0.3' --after 300 -y CP --pta \
		${2:+--provenance}
}
[ -x /usr/bin/time ] || { echo "scale: needs /usr/bin/time (Debian: time)" >&2; exit 2; }
n=10000
while [ "$n" -le "$max" ]; do
	s=$(now)
	pipeline "$n" > "$out/pta.$n" || exit 1
	e=$(now)
	awk -v n="$n" -v s="$s" -v e="$e" -v pop="$(cat "$out/pop.rss")" \
	    -v dose="$(cat "$out/dose.rss")" -v sim="$(cat "$out/sim.rss")" \
	    -v rep="$(cat "$out/report.rss")" 'NR == 2 {
	    printf "N=%d: %.1f s, %.1f s per 10^6; PTA %s%% (%s of %s); peak MB pop %.1f dose %.1f sim %.1f report %.1f\n",
		n, e - s, (e - s) * 1e6 / n, $4, $2, $1, pop / 1024, dose / 1024,
		sim / 1024, rep / 1024 }' "$out/pta.$n"
	n=$((n * 10))
done | tee "$out/scale.txt"
# The largest N in $cores shards at once: the per-shard counts add.
n=$max
s=$(now)
k=1
while [ "$k" -le "$cores" ]; do
	pipeline "$n" "$k/$cores" > "$out/pta.shard$k" &
	k=$((k + 1))
done
wait
twin-report target 'cmin >= 0.3' --after 300 -y CP --pta --merge \
    "$out"/pta.shard* > "$out/pta.merged" || exit 1
e=$(now)
cmp -s "$out/pta.merged" "$out/pta.$n" && same="= the serial PTA" ||
    same="DIFFERS from the serial PTA"
awk -v n="$n" -v c="$cores" -v s="$s" -v e="$e" -v same="$same" 'NR == 2 {
    printf "N=%d in %d shards at once, merged by twin-report --merge: %.1f s, %.1f s per 10^6; PTA %s%% (%d of %d) %s\n",
	n, c, e - s, (e - s) * 1e6 / n, $4, $2, $1, same }' "$out/pta.merged" |
    tee -a "$out/scale.txt"
# The same N as an 8-task Slurm array (one shard a task) and a merge job.
if command -v sbatch > /dev/null 2>&1 &&
    sinfo -h -o %t 2> /dev/null | grep -qE '^(idle|mix|alloc)'; then
	mkdir -p "$out/slurm" && chmod 755 "$out" "$out/slurm"
	rm -f "$out/slurm"/*
	s=$(now)
	N=$n RECORDS=no WAIT=1 bash "$top/examples/slurm/submit.sh" 8 \
	    "$out/slurm" > /dev/null || exit 1
	e=$(now)
	cmp -s "$out/slurm/pta.tsv" "$out/pta.$n" && same="= the serial PTA" ||
	    same="DIFFERS from the serial PTA"
	awk -v n="$n" -v s="$s" -v e="$e" -v same="$same" \
	    -v cpus="$(sinfo -h -o %c | head -1)" 'NR == 2 {
	    printf "N=%d as an 8-task Slurm array on %d CPUs, with its merge job: %.1f s (submit to merged), %.1f s per 10^6; PTA %s%% (%d of %d) %s\n",
		n, cpus, e - s, (e - s) * 1e6 / n, $4, $2, $1, same }' \
	    "$out/slurm/pta.tsv" | tee -a "$out/scale.txt"
else
	echo "no Slurm cluster answers: the array is not run (sh examples/slurm/local-cluster.sh)" |
	    tee -a "$out/scale.txt"
fi
