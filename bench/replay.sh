#!/bin/sh
# bench/replay.sh - personal type 1 twins and their replay validation
# (issue 12), as ReplayBG reports it (Cappon et al. 2023): each of the 30
# UVA/Padova virtual patients (simglucose's parameters) lives 14 days on
# his basal rate, three meals a day of varying size and time
# (bench/replay/diary.sh) with boluses by his carbohydrate ratio, read by
# a Dexcom (twin-sim --ruv, seeded): bench/replay/records.sh.  From his first week of readings,
# insulin and meals alone (the records' BW and basal rate UBASAL; not his
# parameters) twin-fit makes his twin (MAP, models/uvapadova.yaml); the
# twin then predicts the second week under the recorded inputs, compared
# with the readings and with the noise-free CGM (twin-report accuracy).
# A second run does the same with patients that the twin model can
# represent exactly (the six estimated parameters the patient's, the
# others typical): recovery of the parameters.  And the time of one twin
# from 14 days of readings.
#
# Usage: sh bench/replay.sh [OUTDIR]     (results in OUTDIR/replay)
here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
out=${1:-}
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/twin-bench.XXXXXX") || exit 2
out="$out/replay"
mkdir -p "$out" || exit 2
cd "$top" && make -s all || exit 2
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
EST="Gb Vmx kp3 kabs kmax p2u"	# what the twin estimates (uvapadova.yaml)

# The patients: their columns and basal rate (a first pass's BASAL).
twin-pop --cohort uva30 |
    awk -F'\t' -v only="${REPLAY_PATIENTS:-}" 'NR == 1 || only == "" ||
    index(" " only " ", " " $4 " ")' | twin-sim -m uvapadova --no-pred |
    awk -F'\t' -v OFS='\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    { printf "%s", $1; for (i = 2; i <= c["TDI"]; i++) printf "\t%s", $i
      print "\t" $c["BASAL"] }' > "$out/patients.tsv" || exit 1

# replay NAME DATA: fit, time, accuracy of week 2 and of the fit
replay() {
	s=$(date +%s.%N)
	# status 3: an individual's estimate is flagged (counted below)
	twin-fit -m uvapadova --quiet "$2" > "$out/$1.fit" 2> "$out/$1.err"
	[ $? -le 3 ] ||
	    { echo "replay: twin-fit failed, see $out/$1.err" >&2; exit 1; }
	e=$(date +%s.%N)
	awk -v e="$e" -v s="$s" 'BEGIN { print e - s }' > "$out/$1.time"
	for ref in READ TRUE; do
		twin-report accuracy -y IPRED --ref $ref --after 10080 \
		    --by NAME "$out/$1.fit" > "$out/$1.week2.$ref"
		twin-report accuracy -y IPRED --ref $ref --before 10079 \
		    --by NAME "$out/$1.fit" > "$out/$1.week1.$ref"
		twin-report accuracy -y PRED --ref $ref --after 10080 \
		    --by NAME "$out/$1.fit" > "$out/$1.pop.$ref"
	done
}

# summary NAME WHAT: median and worst RMSE and MARD of a table
summary() {
	awk -F'\t' -v what="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    { r[NR - 1] = $c["RMSE"]; m[NR - 1] = $c["MARD"]; n = NR - 1 }
	    END { asort_r(); }
	    function asort_r(  i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
		    if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
		    if (m[j] < m[i]) { t = m[i]; m[i] = m[j]; m[j] = t } }
		printf "%-44s RMSE median %5.1f worst %5.1f mg/dL, MARD median %4.1f worst %4.1f %%\n",
		    what, (r[int((n + 1) / 2)] + r[int(n / 2) + 1]) / 2, r[n],
		    (m[int((n + 1) / 2)] + m[int(n / 2) + 1]) / 2, m[n] }' "$out/$1"
}

# 1. The 30 patients as simglucose has them.
sh "$here/replay/records.sh" "$out/patients.tsv" 14 1 7 > "$out/real.tsv" ||
    exit 1
replay real "$out/real.tsv"
# 2. Patients the twin can be: the estimated parameters theirs, the rest
# typical (the model's defaults), their basal rate through UBASAL.
awk -F'\t' -v OFS='\t' -v est="$EST" 'BEGIN { n = split(est, e, " ") }
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    { printf "%s\t%s\t%s\t%s\t%s", $1, $2, $3, $4, $c["BW"]
      for (k = 1; k <= n; k++) printf "\t%s", $c[e[k]]
      print "", $c["CR"], $c["CF"], NR == 1 ? "UBASAL" : $c["BASAL"],
          NR == 1 ? "BASAL" : $c["BASAL"] }' "$out/patients.tsv" \
    > "$out/exact-patients.tsv"
sh "$here/replay/records.sh" "$out/exact-patients.tsv" 14 1 7 \
    > "$out/exact.tsv" || exit 1
replay exact "$out/exact.tsv"

{
echo "Replay validation: 30 patients, twin from week 1, prediction of week 2"
echo "(sh bench/replay.sh; criterion: a twin predicts the patient's week 2"
echo "closer to his noise-free CGM than his own Dexcom reads it, RMSE)"
for run in real exact; do
	echo "--- $run patients"
	summary "$run.week1.READ" "fit, week 1, against the readings"
	summary "$run.week2.READ" "replay, week 2, against the readings"
	summary "$run.week2.TRUE" "replay, week 2, against the noise-free CGM"
	summary "$run.pop.TRUE" "typical patient, week 2, noise-free CGM"
	echo "twins flagged (not converged): $(grep -c 'did not converge' "$out/$run.err")"
	printf "seconds per twin (week 1 of 14 days fitted): %.2f\n" \
	    "$(awk -v t="$(cat "$out/$run.time")" -v n="$(($(wc -l < "$out/patients.tsv") - 1))" 'BEGIN { print t / n }')"
done
# the readings' own error
for run in real exact; do
	twin-report accuracy -y READ --ref TRUE --after 10080 --by NAME \
	    "$out/$run.tsv" > "$out/$run.sensor"
done
summary real.sensor "the readings against the noise-free CGM, week 2"
# the criterion, patient by patient: twin against the sensor, and against
# the typical patient
for run in real exact; do
	awk -F'\t' -v run=$run 'FNR == 1 { f++; for (i = 1; i <= NF; i++) c[f, $i] = i; next }
	    f == 1 { s[$1] = $c[1, "RMSE"]; next }
	    f == 2 { p[$1] = $c[2, "RMSE"]; next }
	    { n++; t = $c[3, "RMSE"]; if (t < s[$1]) ok++; else miss = miss sprintf(" %s (%.1f against %.1f)", $1, t, s[$1])
	      if (t < p[$1]) better++ }
	    END { printf "criterion, %s patients: %d of %d twins closer than the sensor%s%s; %d of %d better than the typical patient\n",
	        run, ok, n, miss == "" ? "" : "; not:", miss, better, n }' \
	    "$out/$run.sensor" "$out/$run.pop.TRUE" "$out/$run.week2.TRUE"
done
# recovery: estimated / true - 1, for the exact patients
awk -F'\t' -v est="$EST" 'BEGIN { n = split(est, e, " ") }
    FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
    FILENAME ~ /exact-patients/ { for (k = 1; k <= n; k++)
        tv[$1, e[k]] = $c[FILENAME, e[k]]; next }
    seen[$1]++ { next }
    { for (k = 1; k <= n; k++) {
        r = $c[FILENAME, e[k]] / tv[$1, e[k]] - 1; if (r < 0) r = -r
        v[k, ++m[k]] = r } }
    END { printf "parameter recovery, exact patients, |estimate/true - 1|:"
      for (k = 1; k <= n; k++) {
        for (i = 1; i <= m[k]; i++) for (j = i + 1; j <= m[k]; j++)
            if (v[k, j] < v[k, i]) { t = v[k, i]; v[k, i] = v[k, j]; v[k, j] = t }
        printf " %s median %.1f%% worst %.1f%%;", e[k],
            100 * v[k, int((m[k] + 1) / 2)], 100 * v[k, m[k]] }
      print "" }' "$out/exact-patients.tsv" "$out/exact.fit"
} | tee "$out/summary.txt"

# One twin from 14 days of readings (adult#001), the speed target (< 10 s).
awk -F'\t' -v OFS='\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
    print; next } $c["NAME"] == "adult#001" {
    if ($c["EVID"] == 0) $c["DV"] = $c["READ"]; print }' "$out/real.tsv" \
    > "$out/adult1-14d.tsv"
for r in 1 2 3; do
	s=$(date +%s.%N)
	twin-fit -m uvapadova --quiet "$out/adult1-14d.tsv" > /dev/null 2>&1
	e=$(date +%s.%N)
	awk -v e="$e" -v s="$s" 'BEGIN { print e - s }'
done | sort -n | awk '{ t[NR] = $1 } END {
    printf "a personal twin from 14 days of CGM (adult#001, 4032 readings): %.2f s (median of 3; target < 10 s)\n", t[2] }' |
    tee -a "$out/summary.txt"
