#!/bin/sh
# make demo: a what-if pipeline on a virtual cohort, and a glucose twin.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== One patient: 500 mg q12h, two-compartment model, first day =="
grep -v '^#' "$here/regimen.tsv" |
    twin-sim -m pk2cmt --grid 0:24:2 | cut -f2,3,9,10 | head -14

echo
echo "== 1000 virtual patients (between-subject variability, seed 7):"
echo "   steady-state trough (t = 156 h) and peak (max over 156-168 h), mg/L =="
twin-sim -m pk2cmt --iiv --seed 7 -n 1000 --grid 156:168:0.5 -j 2 \
    < "$here/regimen.tsv" |
    awk -F'\t' '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["EVID"] == 0 {
		id = $c["ID"]
		if ($c["TIME"] == 156) trough[id] = $c["IPRED"]
		if ($c["IPRED"] > peak[id]) peak[id] = $c["IPRED"]
	}
	END { for (id in trough) print trough[id] "\t" peak[id] }' |
    sort -g | awk -F'\t' '
	{ t[NR] = $1; p[NR] += $2; n = NR }
	END {
		printf "   trough percentiles  5%%: %.2f  50%%: %.2f  95%%: %.2f\n",
		    t[int(0.05 * n) + 1], t[int(0.5 * n) + 1], t[int(0.95 * n)]
		for (i = 1; i <= n; i++) if (t[i] >= 2) above++
		printf "   patients with trough >= 2 mg/L: %d of %d\n", above, n
	}'

echo
echo "== A personal twin: theophylline subject 1's 11 levels -> MAP estimates =="
awk -F'\t' 'NR == 1 || $1 == 1' "$top/testdata/theoph.tsv" |
    twin-fit -m "$top/testdata/theoph.yaml" --params > "$tmp/twin.tsv"
cut -f1,5-7,17-19 "$tmp/twin.tsv"
echo "   what if this patient took 200 mg q8h for two days? (mg/L, 40-48 h)"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tETA_CL\tETA_V\tETA_KA\n"
      printf "1\t0\t1\t200\tdepot\t8\t5\t%s\t%s\t%s\n",
          $c["ETA_CL"], $c["ETA_V"], $c["ETA_KA"] }' "$tmp/twin.tsv" |
    twin-sim -m "$top/testdata/theoph.yaml" --grid 40:48:2 |
    awk -F'\t' 'NR == 1 || $3 == 0' | cut -f2,11,12

echo
echo "== Glucose twin: Bergman minimal model on an IVGTT, glucose mg/dL =="
grep -v '^#' "$here/ivgtt.tsv" |
    twin-sim -m bergman --states --grid 0:180:20 |
    awk -F'\t' 'NR == 1 || $3 != 1' | cut -f2,7,10,11 | head -12
