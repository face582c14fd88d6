#!/bin/sh
# bench/glucose.sh - glucose twins (issue 12): the 30 UVA/Padova virtual
# patients (simglucose) for 14 days, each on their own basal rate (the
# model's BASAL output, a first twin-sim pass), three meals a day with
# boluses by their carbohydrate ratio, Dexcom readings every 5 min, CGM
# metrics per patient: seconds of the whole pipeline (medians of
# BENCH_REPS, default 3), single-threaded and twin-sim -j 2; and the
# cohort's median time in range and below range.
#
# Usage: sh bench/glucose.sh [OUTDIR]     (results in OUTDIR/glucose)
here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
out=${1:-}
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/twin-bench.XXXXXX") || exit 2
out="$out/glucose"
mkdir -p "$out" || exit 2
reps=${BENCH_REPS:-3}
cd "$top" && make -s all || exit 2
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
REG='basal by BASAL U/min sc for 14d; meal 60 g at 07:00 daily x14;
meal 50 g at 12:30 daily x14; meal 70 g at 19:00 daily x14;
bolus by CR sc at meals'
pipeline() {	# JOBS: the whole pipeline, CGM metrics to $out/cgm.tsv
	twin-pop --cohort uva30 | twin-sim -m uvapadova --no-pred 2> /dev/null |
	    cut -f1-39,46 |
	    twin-dose -m uvapadova --regimen "$REG" 2> /dev/null |
	    twin-sim -m uvapadova -j "$1" --ruv --seed 1 --grid 0:20160:5 \
	    2> /dev/null | twin-report cgm -y DV --by ID > "$out/cgm.tsv"
}
for j in 1 2; do
	for r in $(seq "$reps"); do
		s=$(date +%s.%N)
		pipeline $j || exit 1
		e=$(date +%s.%N)
		echo "$e - $s" | bc -l
	done | sort -n | awk -v j=$j '{ t[NR] = $1 } END {
	    printf "30 patients x 14 days, twin-sim -j %d: %.2f s whole pipeline (median of %d; target < 2 s)\n",
	    j, t[int((NR + 1) / 2)], NR }'
done | tee "$out/speed.txt"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { print $h["TIR"], $h["TBR1"] }' "$out/cgm.tsv" | sort -n |
    awk '{ tir[NR] = $1 } END { printf "cohort median TIR %.1f%% (of %d patients)\n", tir[int((NR + 1) / 2)], NR }' |
    tee -a "$out/speed.txt"
