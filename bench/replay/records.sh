#!/bin/sh
# bench/replay/records.sh - the records of type 1 patients' days, as a
# person's devices would give them: the diary's meals (diary.sh SEED
# DAYS), basal insulin at each patient's BASAL rate and a bolus by his
# carbohydrate ratio CR with each meal, and what a Dexcom reads every
# 5 min (twin-sim --ruv --seed SEED), the patients being simulated with
# all the columns of PATIENTS (twin-pop --cohort uva30 rows with BASAL,
# or any rows the uvapadova model reads).  Writes ID NAME TIME EVID AMT
# RATE CMT II ADDL BW UBASAL CR CF DV READ TRUE: DV the readings up to the
# day FITDAYS (all days if 0), READ all readings, TRUE the noise-free CGM.
# Usage: sh bench/replay/records.sh PATIENTS DAYS SEED [FITDAYS]
here=$(cd "$(dirname "$0")" && pwd) || exit 2
pat=$1 days=$2 seed=$3 fit=${4:-0}
diary=$(mktemp "${TMPDIR:-/tmp}/diary.XXXXXX") || exit 2
trap 'rm -f "$diary"' EXIT
sh "$here/diary.sh" "$seed" "$days" > "$diary" || exit 1
awk -F'\t' -v OFS='\t' -v diary="$diary" '
NR == 1 { print $0, "AMT", "CMT"; next }
{ print $0, ".", "."; n = 0
  while ((getline l < diary) > 0) {
	if (n++ == 0) continue
	split(l, d, "\t"); r = $0; $2 = d[2]; $3 = 1
	print $0, d[4], d[5]; $0 = r
  }
  close(diary) }' "$pat" |
twin-dose -m uvapadova --regimen "basal by BASAL U/min sc for ${days}d;
    bolus by CR sc at meals" |
twin-sim -m uvapadova --ruv --seed "$seed" --grid "0:$((days * 1440)):5" |
awk -F'\t' -v OFS='\t' -v end="$((fit * 1440))" '
function col(name) { return (name in c) ? $c[name] : "." }
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
	print "ID", "NAME", "TIME", "EVID", "AMT", "RATE", "CMT", "II",
	    "ADDL", "BW", "UBASAL", "CR", "CF", "DV", "READ", "TRUE"; next }
$c["EVID"] != 0 || $c["DV"] != "." {
	obs = $c["EVID"] == 0
	print $c["ID"], col("NAME"), $c["TIME"], $c["EVID"], $c["AMT"],
	    $c["RATE"], $c["CMT"], $c["II"], $c["ADDL"], col("BW"),
	    col("BASAL"), col("CR"), col("CF"),
	    obs && (end == 0 || $c["TIME"] < end) ? $c["DV"] : ".",
	    obs ? $c["DV"] : ".", obs ? $c["CGM"] : "." }'
