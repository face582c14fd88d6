#!/bin/sh
# bench/dose.sh - how fast twin-dose ranks candidate regimens.
#   vanco (linear, exact solver): 100 patients x 102 candidates
#     (34 strengths x 3 intervals), steady-state AUC24 target
#   ivp (nonlinear, CVODES BDF): 10 patients x 25 bolus sizes at three
#     meals, a day scored with --no-below
# Prints the wall time of each run (best of 3) and per patient.
here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "WT", "CRCL"
    for (i = 1; i <= 100; i++) print i, 0, 50 + i % 50, 30 + i }' > "$tmp/v.tsv"
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "BASAL"
    for (i = 1; i <= 10; i++) print i, 0, 0.015 + 0.001 * i }' |
    twin-dose -m ivp --regimen 'basal 0.02 U/min sc for 1d; meal 60 g at 07:00,12:30,19:00 daily x1' \
    > "$tmp/i.tsv"

best() {	# best of 3 wall times of "$@", seconds
	b=
	for k in 1 2 3; do
		s=$(date +%s.%N)
		"$@" > /dev/null 2>&1
		e=$(date +%s.%N)
		b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s
		    print (b == "" || t < b) ? t : b }')
	done
	echo "$b"
}
t=$(best twin-dose -m vanco --target 'auc24 400..600' --amounts 100..3400/100 \
    --intervals 8,12,24 --over 1 --table "$tmp/v.tsv")
awk -v t="$t" 'BEGIN { printf "vanco, exact:  100 patients x 102 candidates  %.3f s  (%.1f ms per patient)\n", t, 1000 * t / 100 }'
t=$(best twin-dose -j 2 -m vanco --target 'auc24 400..600' --amounts 100..3400/100 \
    --intervals 8,12,24 --over 1 --table "$tmp/v.tsv")
awk -v t="$t" 'BEGIN { printf "vanco, -j 2:    100 patients x 102 candidates  %.3f s  (%.1f ms per patient)\n", t, 1000 * t / 100 }'
t=$(best twin-dose -m ivp --target 'tir(70,180) >= 80' --no-below 70 \
    --amounts 0..12/0.5 --at 07:00,12:30,19:00 --route sc --table "$tmp/i.tsv")
awk -v t="$t" 'BEGIN { printf "ivp, CVODES:    10 patients x 25 candidates   %.3f s  (%.0f ms per patient)\n", t, 1000 * t / 10 }'
