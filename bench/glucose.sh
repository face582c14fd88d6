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
		awk -v e="$e" -v s="$s" 'BEGIN { print e - s }'
	done | sort -n | awk -v j=$j '{ t[NR] = $1 } END {
	    printf "30 patients x 14 days, twin-sim -j %d: %.2f s whole pipeline (median of %d; target < 2 s)\n",
	    j, t[int((NR + 1) / 2)], NR }'
done | tee "$out/speed.txt"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { print $h["TIR"], $h["TBR1"] }' "$out/cgm.tsv" | sort -n |
    awk '{ tir[NR] = $1 } END { printf "cohort median TIR %.1f%% (of %d patients)\n", tir[int((NR + 1) / 2)], NR }' |
    tee -a "$out/speed.txt"

# The cohort what-if: for each carbohydrate ratio from 5 to 30 g/U, the
# share of the 30 patients whose week (the meals above, their basal rate,
# boluses by that ratio) stays 70% in range without going below 70 mg/dL.
MEALS='meal 60 g at 07:00 daily x7; meal 50 g at 12:30 daily x7;
meal 70 g at 19:00 daily x7'
s=$(date +%s.%N)
twin-pop --cohort uva30 | twin-sim -m uvapadova --no-pred 2> /dev/null |
    cut -f1-39,46 | twin-dose -m uvapadova --regimen "$MEALS" 2> /dev/null |
    twin-dose -m uvapadova --regimen 'basal by BASAL U/min sc for 7d;
	bolus by CR sc at meals' --vary CR=5..30/1 \
	--target 'tir(70,180) >= 70' --no-below 70 --window 0,7d --cohort \
	2> /dev/null > "$out/cohort-cr.tsv"
e=$(date +%s.%N)
awk -F'\t' -v t="$(awk -v e="$e" -v s="$s" 'BEGIN { print e - s }')" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["BEST"] == 1 { printf "cohort what-if, 26 ratios x 30 patients x 7 days: %.1f s; best CR %s g/U suits %d of %d (PTA %.1f%%)\n",
        t, $c["CR"], $c["MET"], $c["N"], $c["PTA"] }' "$out/cohort-cr.tsv" |
    tee -a "$out/speed.txt"
