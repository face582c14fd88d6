#!/bin/sh
# bench/pbpk.sh - whole-body twins (issue 11): predictions against observed
# human PK, and the speed targets.
#
# Usage: sh bench/pbpk.sh [OUTDIR]     (results in OUTDIR/pbpk; BENCH_N
# people for the cohort, default 100000)
#
#  1. For each shipped drug, the ICRP 89 reference man (35 y, 176 cm,
#     73 kg, SCR 0.9 mg/dL) after 1 mg i.v. (twin-sim -m DRUG on 701
#     log-spaced times from 1e-4 to 1e3 h; twin-report nca --iv-bolus):
#     CL (mL/min/kg), Vss = CL x MRT (L/kg) and the terminal half-life,
#     beside the observed i.v. CL and Vss of Lombardo et al. 2018
#     (data/pbpk/kp_reference.tsv), with predicted/observed.
#  2. twin-pop -n N | twin-dose -m midazolam --regimen '5 mg iv' |
#     twin-sim -m midazolam --grid 0:24:1: seconds of the whole pipeline
#     and twin-sim's peak memory, for N and N/10 (memory flat in N).
#  3. One personal twin by MAP from four levels (twin-fit -m
#     examples/pbpk/midazolam_tdm.yaml): seconds of the whole process.
here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
out=${1:-}
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/twin-bench.XXXXXX") || exit 2
out="$out/pbpk"
mkdir -p "$out" || exit 2
N=${BENCH_N:-100000}
cd "$top" && make -s all || exit 2
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
say() { printf 'bench-pbpk: %s\n' "$*" >&2; }

# 1. observed PK
awk 'BEGIN { printf "ID\tTIME\tEVID\tAMT\tCMT\tSEX\tAGE\tHT\tWT\tSCR\n"
    printf "1\t0\t1\t1\tvenous\t1\t35\t176\t73\t0.9\n"
    for (k = 0; k <= 700; k++)
        printf "1\t%.10g\t2\t.\t.\t1\t35\t176\t73\t0.9\n", 1e-4 * 10 ^ (k / 100) }' \
    > "$out/refman.tsv"
{
printf 'drug\tCL_pred\tCL_obs\tCL_ratio\tVss_pred\tVss_obs\tVss_ratio\tthalf_pred_h\n'
for d in midazolam theophylline diazepam propranolol warfarin voriconazole; do
	twin-sim -m "$d" "$out/refman.tsv" 2> /dev/null |
	    twin-report nca -y CP --iv-bolus 2> /dev/null > "$out/$d.nca"
	awk -F'\t' -v d="$d" '
	FILENAME == ARGV[1] { if ($1 == d && $3 == "Vss") {
	    vss = $4; n = split($13, f, ";")
	    for (i = 1; i <= n; i++) if (f[i] ~ /L18 CL=/) {
	        s = f[i]; sub(/.*L18 CL=/, "", s); cl = s + 0 } }
	    next }
	FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	{ c = $h["CL"] * 1000 / 60 / 73; v = $h["CL"] * $h["MRT"] / 73
	  printf "%s\t%.3g\t%s\t%.2f\t%.3g\t%s\t%.2f\t%.3g\n", d, c, cl,
	      c / cl, v, vss, v / vss, $h["THALF"] }' \
	    "$top/data/pbpk/kp_reference.tsv" "$out/$d.nca"
done
} > "$out/observed.tsv"
cat "$out/observed.tsv"

# 2. the cohort pipeline
cohort() {	# N: seconds and twin-sim's peak KB
	s=$(date +%s.%N)
	twin-pop -n "$1" --seed 1 |
	    twin-dose -m midazolam --regimen '5 mg iv' 2> /dev/null |
	    /usr/bin/time -f '%M' -o "$out/mem" \
	    twin-sim -m midazolam --grid 0:24:1 2> /dev/null | wc -l > "$out/rows"
	e=$(date +%s.%N)
	printf '%s\t%s\t%s\n' "$1" "$(awk -v e="$e" -v s="$s" 'BEGIN { print e - s }')" "$(cat "$out/mem")"
}
printf 'people\tseconds\tsim_peak_KB\n' > "$out/cohort.tsv"
cohort $((N / 10)) >> "$out/cohort.tsv"
cohort "$N" >> "$out/cohort.tsv"
cat "$out/cohort.tsv"

# 3. a personal twin
cat > "$out/patient.tsv" <<EOF
ID	TIME	EVID	AMT	CMT	DV	MDV	SEX	AGE	HT	WT	SCR
1	0	1	5	venous	.	1	2	62	165	70	0.8
1	1	0	.	.	0.0214	0	2	62	165	70	0.8
1	2	0	.	.	0.0145	0	2	62	165	70	0.8
1	4	0	.	.	0.00881	0	2	62	165	70	0.8
1	8	0	.	.	0.00465	0	2	62	165	70	0.8
EOF
twin-fit -m "$top/examples/pbpk/midazolam_tdm.yaml" "$out/patient.tsv" \
    > /dev/null 2>&1	# compiles the model once
for r in 1 2 3; do
	s=$(date +%s.%N)
	twin-fit -m "$top/examples/pbpk/midazolam_tdm.yaml" --params \
	    "$out/patient.tsv" > "$out/twin.tsv" 2> /dev/null
	e=$(date +%s.%N)
	awk -v e="$e" -v s="$s" 'BEGIN { print e - s }'
done | sort -n | awk '{ t[NR] = $1 } END {
    printf "personal twin (MAP, 4 levels): %.3f s whole process (median of 3; target < 0.5 s)\n", t[2] }' |
    tee "$out/map.txt"
say "results in $out"
