#!/bin/sh
# The UVA/Padova type 1 simulator (models/uvapadova.yaml) and its 30
# virtual patients (twin-pop --cohort uva30, data/glucose/uva30.tsv):
#  - the cohort's records;
#  - the basal state of every patient: the model's initial state is
#    simglucose's published one and max |dx/dt| <= 1e-9 there (the right-hand
#    side written out below from simglucose's T1DPatient.model, with the
#    published Vm0, kp1 and m30), and the states stay constant over 24 h on
#    the patient's basal insulin;
#  - conformance with simglucose's published reference run (BG 149.02 mg/dL,
#    basal 0.0139333 U/min, HBGI 2.7552759, the basal BG trace and the
#    response to its first meal and bolus);
#  - carbohydrate and insulin mass balance, closed forms of the stomach and
#    subcutaneous compartments;
#  - twin-pop --cohort uva30 | twin-sim for all 30 patients.
. "$(dirname "$0")/lib.sh"

# the columns of a header line as c[name] = index (awk)
hdr='FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next }'

# --- the cohort -------------------------------------------------------------
twin-pop --cohort uva30 > "$tmp/pop.tsv"
ok $? "twin-pop --cohort uva30 runs"

# a001: the records on the standard input with adolescent#001's columns
# (simglucose's default patient; the model's defaults are the typical
# patient of the 30).
a001() {
	awk -F'\t' -v OFS='\t' -v pop="$tmp/pop.tsv" 'BEGIN {
		getline h < pop; nh = split(h, H, "\t")
		while ((getline l < pop) > 0) {
			split(l, f, "\t")
			if (f[4] == "adolescent#001")
				for (i = 5; i <= nh; i++) { hc = hc OFS H[i]; v = v OFS f[i] }
		} }
	NR == 1 { print $0 hc; next } { print $0 v }'
}
head -1 "$tmp/pop.tsv" | cut -f1-5 > "$tmp/h"
printf 'ID\tTIME\tEVID\tNAME\tBW\n' | cmp -s - "$tmp/h"
ok $? "its columns start ID TIME EVID NAME BW"
awk -F'\t' "$hdr"'
{ n++; if ($1 != n || $2 != 0 || $3 != 2) bad = 1
  g = n <= 10 ? "adolescent" : n <= 20 ? "adult" : "child"
  if ($4 != sprintf("%s#%03d", g, (n - 1) % 10 + 1)) bad = 1 }
END { exit bad || n != 30 }' "$tmp/pop.tsv"
ok $? "30 records, IDs 1-30, TIME 0, EVID 2, adolescent#001-010, adult#001-010, child#001-010"
# published values of simglucose's files (vpatient_params.csv, Quest.csv)
awk -F'\t' "$hdr"'
$4 == "adolescent#001" && $c["BW"] == 68.706 && $c["Gb"] == 149.02 &&
    $c["CR"] == 12 && $c["CF"] == 15.0360283441 { n++ }
$4 == "child#010" && $c["BW"] == 35.21305847 && $c["ksc"] == 0.0947 &&
    $c["CR"] == 18 && $c["AGE"] == 12 { n++ }
END { exit n != 2 }' "$tmp/pop.tsv"
ok $? "adolescent#001 and child#010 carry the files' BW, Gb, ksc, CR, CF, AGE"
twin-pop --cohort uva30 --first-id 101 | awk -F'\t' 'NR > 1 && $1 != NR + 99 { bad = 1 }
    END { exit bad || NR != 31 }'
ok $? "--first-id 101: IDs 101-130"
twin-pop --cohort uva30 -n 5 > "$tmp/o" 2> "$tmp/e"
[ $? -eq 1 ] && [ ! -s "$tmp/o" ] && grep -q '^twin-pop: --cohort takes no -n' "$tmp/e"
ok $? "--cohort with -n: status 1 and a message"
twin-pop --cohort uva31 > "$tmp/o" 2> "$tmp/e"
[ $? -eq 1 ] && [ ! -s "$tmp/o" ] &&
    grep -q '^twin-pop: --cohort: unknown cohort "uva31" (known: uva30)' "$tmp/e"
ok $? "an unknown cohort: status 1, the known ones named"

# --- basal steady state, every patient ------------------------------------
# The basal insulin rate the model states (output BASAL = u2ss BW/6000 U/min)
# is simglucose's u2ss BW/6000 (published u2ss) to 1e-10 relative, and the
# initial state is simglucose's x0 (Gp = Gs = Gpb, Gt = Gtb, Ip = Ipb,
# Il = Ilb, Isc1,2 = isc1ss, isc2ss x BW/6000 in U, X = 0, I1 = Id = Ib).
twin-sim -m uvapadova --states --grid 0:0:1 < "$tmp/pop.tsv" > "$tmp/s0" 2> "$tmp/e"
ok $? "twin-sim --states at t = 0 for the 30 patients"
awk -F'\t' -v ref="$top/testdata/simglucose_basal_states.tsv" "$hdr"'
function rel(a, b) { e = b == 0 ? a : a / b - 1; return e < 0 ? -e : e }
function chk(what, a, b) { e = rel(a, b); if (e > worst) { worst = e; w = what " " $c["NAME"] } }
BEGIN { FS = "\t"
	while ((getline l < ref) > 0) {
		if (l ~ /^#/) continue
		split(l, f, "\t")
		if (!nh) { for (i in f) r[f[i]] = i; nh = 1; continue }
		for (k in r) P[f[1], k] = f[r[k]]
	}
}
$c["EVID"] != 2 { next }
{
	nm = $c["NAME"]; bw = $c["BW"]; n++
	chk("Gp", $c["A_Gp"], P[nm, "Gpb"]); chk("Gs", $c["A_Gs"], P[nm, "X0_13"])
	chk("Gt", $c["A_Gt"], P[nm, "Gtb"]); chk("Ip", $c["A_Ip"], P[nm, "Ipb"])
	chk("Il", $c["A_Il"], P[nm, "Ilb"])
	chk("I1", $c["A_I1"], P[nm, "X0_8"]); chk("Id", $c["A_Id"], P[nm, "X0_9"])
	chk("X", $c["A_X"], P[nm, "X0_7"])
	chk("Isc1", $c["A_Isc1"] * 6000 / bw, P[nm, "isc1ss"])
	chk("Isc2", $c["A_Isc2"] * 6000 / bw, P[nm, "isc2ss"])
	chk("BASAL", $c["BASAL"], P[nm, "u2ss"] * bw / 6000)
	chk("GLU", $c["GLU"], $c["Gb"]); chk("CGM", $c["CGM"], $c["Gb"])
	chk("INS", $c["INS"], $c["Ib"])
}
END { printf "# basal state of %d patients against simglucose: worst %.3g (%s)\n", n, worst, w
	exit n != 30 || worst > 1e-10 }' "$tmp/s0"
ok $? "the 30 basal states and basal rates are simglucose's published ones (1e-10 relative)"

# The right-hand side of simglucose's T1DPatient.model (t1dpatient.py) at
# the initial state, no meal (kgut = kmax, Qsto = Qgut = 0), insulin at the
# basal rate, with the file's Vm0, kp1 and m30: every derivative within
# 1e-9 of 0 (mg/kg/min, pmol/kg/min, pmol/L/min; Isc in pmol/kg/min).
awk -F'\t' -v ref="$top/testdata/simglucose_basal_states.tsv" "$hdr"'
function ab(x) { return x < 0 ? -x : x }
function chk(what, d) { if (ab(d) > worst) { worst = ab(d); w = what " " $c["NAME"] } }
BEGIN { FS = "\t"
	while ((getline l < ref) > 0) {
		if (l ~ /^#/) continue
		split(l, f, "\t")
		if (!nh) { for (i in f) r[f[i]] = i; nh = 1; continue }
		for (k in r) P[f[1], k] = f[r[k]]
	}
}
$c["EVID"] != 2 { next }
{
	nm = $c["NAME"]; n++
	for (k in c) v[k] = $c[k]
	bw = v["BW"]; u = v["BASAL"] * 6000 / bw        # pmol/kg/min
	Gp = v["A_Gp"]; Gt = v["A_Gt"]; Ip = v["A_Ip"]; X = v["A_X"]
	I1 = v["A_I1"]; Id = v["A_Id"]; Il = v["A_Il"]; Gs = v["A_Gs"]
	s1 = v["A_Isc1"] * 6000 / bw; s2 = v["A_Isc2"] * 6000 / bw
	egp = P[nm, "kp1"] - v["kp2"] * Gp - v["kp3"] * Id; if (egp < 0) egp = 0
	E = Gp > v["ke2"] ? v["ke1"] * (Gp - v["ke2"]) : 0
	chk("Gp", egp - v["Fsnc"] - E - v["k1"] * Gp + v["k2"] * Gt)
	chk("Gt", -(P[nm, "Vm0"] + v["Vmx"] * X) * Gt / (v["Km0"] + Gt) + v["k1"] * Gp - v["k2"] * Gt)
	chk("Ip", -(v["m2"] + v["m4"]) * Ip + v["m1"] * Il + v["ka1"] * s1 + v["ka2"] * s2)
	It = Ip / v["Vi"]
	chk("X", -v["p2u"] * X + v["p2u"] * (It - v["Ib"]))
	chk("I1", -v["ki"] * (I1 - It)); chk("Id", -v["ki"] * (Id - I1))
	chk("Il", -(v["m1"] + P[nm, "m30"]) * Il + v["m2"] * Ip)
	chk("Isc1", u - (v["ka1"] + v["kd"]) * s1); chk("Isc2", v["kd"] * s1 - v["ka2"] * s2)
	chk("Gs", -v["ksc"] * Gs + v["ksc"] * Gp)
	chk("Qsto1", v["A_Qsto1"]); chk("Qsto2", v["A_Qsto2"]); chk("Qgut", v["A_Qgut"])
}
END { printf "# max |dx/dt| at t = 0 over %d patients: %.3g (%s)\n", n, worst, w
	exit n != 30 || worst > 1e-9 }' "$tmp/s0"
ok $? "simglucose's equations at the model's initial state: max |dx/dt| <= 1e-9 for all 30"

# 24 h on the patient's basal insulin (an infusion at the model's BASAL rate
# into Isc1), no meal: every state but the accumulators stays at its
# initial value within 1e-9 relative (absolute for X, 0 at basal), and
# the insulin degraded, Iout, is the insulin infused (basal balance).
awk -F'\t' -v OFS='\t' '
FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i }
FNR == NR { if (FNR > 1 && $c["EVID"] == 2) basal[$c["ID"]] = $c["BASAL"]; next }
FNR == 1 { print $0, "AMT", "RATE", "CMT"; next }
{ r = basal[$1]; print $0, ".", ".", "."
  $3 = 1; print $0, sprintf("%.17g", r * 1440), sprintf("%.17g", r), "Isc1" }' \
    "$tmp/s0" "$tmp/pop.tsv" > "$tmp/b0"
twin-sim -m uvapadova --states --rtol 1e-12 --atol 1e-14 --grid 0:1440:60 \
    < "$tmp/b0" > "$tmp/b24" 2> "$tmp/e"
ok $? "twin-sim: 24 h of basal insulin for the 30 patients"
awk -F'\t' "$hdr"'
function ab(x) { return x < 0 ? -x : x }
$c["EVID"] == 1 { next }
{	# the EVID 2 record: t = 0; then the grid 60, 120, ..., 1440
	id = $c["ID"]; t = $c["TIME"]
	split("Qsto1 Qsto2 Qgut Gp Gt Ip X I1 Id Il Isc1 Isc2 Gs Qabs", s, " ")
	for (k in s) {
		x = $c["A_" s[k]]
		if (!((id, k) in x0)) { x0[id, k] = x; continue }
		d = ab(x - x0[id, k]); sc = ab(x0[id, k]); if (sc > 1) d /= sc
		if (d > worst) { worst = d; w = s[k] " ID " id " t " t }
	}
	b = $c["A_Iout"] / ($c["BASAL"] * t + 1e-300) - 1
	if (t > 0 && ab(b) > wb) wb = ab(b)
	n++
}
END { printf "# 24 h basal: %d rows, states constant to %.3g (%s), Iout/infused - 1 = %.3g\n", n, worst, w, wb
	exit n != 30 * 25 || worst > 1e-9 || wb > 1e-9 }' "$tmp/b24"
ok $? "24 h on basal insulin: all 30 patients stay at their basal state (1e-9), insulin degraded = infused (1e-9)"

# --- conformance with simglucose's reference run --------------------------
# tests/sim_results.csv: adolescent#001 on the Insulet pump's basal
# 0.013933333333333336 U/min (83.6 pmol/min) until the first meal at 08:34.
# simglucose's pump rounds u2ss BW/6000 x 6000 pmol/min to 0.05 pmol/min
# (pump.py): the model's BASAL rounded so is the published insulin column.
ref="$top/testdata/simglucose_reference.tsv"
b1=$(awk -F'\t' "$hdr"'$c["EVID"] == 2 && $c["ID"] == 1 { printf "%.17g", $c["BASAL"] }' "$tmp/s0")
awk -v b="$b1" -v want=0.013933333333333336 'BEGIN {
	q = b * 6000 / 0.05; q = int(q + 0.5) * 0.05 / 6000
	e = q / want - 1; if (e < 0) e = -e
	printf "# basal %.17g U/min, pump-rounded %.17g\n", b, q; exit e > 1e-12 }'
ok $? "adolescent#001: basal rate rounded as the Insulet pump = the published 0.0139333 U/min"
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\n1\t0\t1\t%s\t%s\tIsc1\n' \
    $(awk 'BEGIN { r = 83.6 / 6000; printf "%.17g %.17g", r * 600, r }') |
    a001 | twin-sim -m uvapadova --grid 0:516:1 > "$tmp/ref.out" 2> "$tmp/e"
ok $? "twin-sim: adolescent#001 on the pump's basal for 516 min"
# BG at t = 0 is Gb = 149.02; HBGI of it by Kovatchev's risk function
# (simglucose analysis/risk.py: f = 1.509 ((ln BG)^1.084 - 5.381),
# HBGI = 10 f^2 for f > 0) is the published 2.7552758979034984.  Each row
# after is the mean of the CGM output at TIME - 2, TIME - 1, TIME (see the
# data file); they agree to 5e-9 mg/dL for 513 min, while the glucose drifts
# 0.0135 mg/dL under the 1.7e-4 shortfall of the rounded basal.
awk -F'\t' -v ref="$ref" "$hdr"'
function ab(x) { return x < 0 ? -x : x }
BEGIN { FS = "\t"
	while ((getline l < ref) > 0) {
		if (l ~ /^#/ || l ~ /^TIME/) continue
		split(l, f, "\t"); bg[f[1]] = f[2]; hb[f[1]] = f[5]; nref++
	}
}
$c["EVID"] == 0 { g[$c["TIME"]] = $c["CGM"] }
END {
	e0 = ab(g[0] - bg[0])
	fr = 1.509 * (log(g[0]) ^ 1.084 - 5.381); h = 10 * fr * fr
	eh = ab(h / hb[0] - 1)
	for (t = 3; t <= 513; t += 3) {
		m = (g[t - 2] + g[t - 1] + g[t]) / 3
		e = ab(m - bg[t]); if (e > w) { w = e; wt = t }; n++
	}
	printf "# BG(0) %.17g (err %.3g), HBGI %.10g (rel err %.3g); " \
	    "%d rows to 513 min: worst |BG - published| %.3g mg/dL at %d min\n",
	    g[0], e0, h, eh, n, w, wt
	exit nref != 215 || n != 171 || e0 > 1e-12 || eh > 1e-9 || w > 5e-9
}' "$tmp/ref.out"
ok $? "simglucose reference: BG 149.02, HBGI 2.7552759, and the 171 basal rows to 5e-9 mg/dL"

# The first meal of the reference run and its bolus, inputs from the file:
# 56 g (CHO 18.666... g/min x 3 min) eaten at simglucose's 5 g/min from
# minute 517 (11 min of 5 g, then 1 g), each minute a 1-min infusion into
# Qsto1 with DMEAL the carbohydrate eaten so far in mg (simglucose's Dbar:
# stomach content at the start, 0 here, plus what has been eaten); the
# insulin of each row above basal as a 3-min infusion from the row's TIME.
# The minute within the CHO row's block (516-518) is not in the file:
# 517 is the one that reproduces it (516 and 518 miss by 0.63 mg/dL).
# BG rows 516-642 (the response, a 9 mg/dL rise, up to the second meal)
# agree to 1e-4 mg/dL; the difference left is about the tolerance of
# simglucose's integrator (scipy dopri5, rtol 1e-6).
awk -F'\t' -v OFS='\t' '
/^#/ || $1 == "TIME" { next }
BEGIN { print "ID", "TIME", "EVID", "AMT", "RATE", "CMT", "DMEAL"
	b = 0.013933333333333336
	printf "1\t0\t1\t%.17g\t%.17g\tIsc1\t0\n", b * 3000, b }
$3 > 0 && !meal { meal = sprintf("%.0f", $3 * 3); t0 = $1 + 1 }
$4 != 0.013933333333333336 { x = $4 - 0.013933333333333336
	ev[$1] = sprintf("1\t%s\t1\t%.17g\t%.17g\tIsc1\t.", $1, 3 * x, x) }
END {
	for (k = 0; 5 * k < meal; k++) {
		a = meal - 5 * k; if (a > 5) a = 5
		d = 5 * (k + 1); if (d > meal) d = meal
		ev[t0 + k] = ev[t0 + k] (ev[t0 + k] != "" ? "\n" : "") \
		    sprintf("1\t%d\t1\t%d\t%d\tQsto1\t%d", t0 + k, a * 1000, a * 1000, d * 1000)
	}
	for (t = 0; t <= 642; t++) if (t in ev) print ev[t]
}' "$ref" > "$tmp/meal1.tsv"
a001 < "$tmp/meal1.tsv" |
    twin-sim -m uvapadova --rtol 1e-10 --atol 1e-10 --grid 0:642:1 \
    > "$tmp/meal1.out" 2> "$tmp/e"
ok $? "twin-sim: the reference run's first meal and bolus"
awk -F'\t' -v ref="$ref" "$hdr"'
function ab(x) { return x < 0 ? -x : x }
BEGIN { FS = "\t"
	while ((getline l < ref) > 0) {
		if (l ~ /^#/ || l ~ /^TIME/) continue
		split(l, f, "\t"); bg[f[1]] = f[2]
	}
}
$c["EVID"] == 0 { g[$c["TIME"]] = $c["CGM"] }
END {
	for (t = 516; t <= 642; t += 3) {
		m = (g[t - 2] + g[t - 1] + g[t]) / 3
		e = ab(m - bg[t]); if (e > w) { w = e; wt = t }; n++
		if (bg[t] > top) top = bg[t]
	}
	printf "# first meal: %d rows, worst |BG - published| %.3g mg/dL at %d min, peak %.6g\n", n, w, wt, top
	exit n != 43 || w > 1e-4
}' "$tmp/meal1.out"
ok $? "simglucose reference: the response to the first meal and bolus, 43 rows to 1e-4 mg/dL"

# --- a meal and a bolus: mass balance and closed forms --------------------
# adolescent#001: 60 g (60000 mg) eaten at simglucose's 5 g/min (RATE 5000
# mg/min, 12 min) with DMEAL 60000, a 5 U bolus (60 g / CR 12 g/U,
# simglucose's BBController) and the basal infusion.
#  - carbohydrate: Qsto1 + Qsto2 + Qgut + Qabs = what has been eaten,
#    min(5000 t, 60000) mg;
#  - Qsto1 = 5000/kmax (1 - exp(-kmax t)) while eating, then decays at kmax;
#  - insulin (U): Isc1 + Isc2 + (Ip + Il) BW/6000 + Iout = the initial
#    amount + 5 + basal x t;
#  - Isc1 = basal/(ka1 + kd) + 5 exp(-(ka1 + kd) t), Isc2 its closed form.
b=$b1
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tDMEAL\n1\t0\t1\t%.17g\t%.17g\tIsc1\t60000\n1\t0\t1\t60000\t5000\tQsto1\t60000\n1\t0\t1\t5\t0\tIsc1\t60000\n' \
    "$(awk -v b="$b" 'BEGIN { printf "%.17g", b * 1440 }')" "$b" > "$tmp/meal.tsv"
a001 < "$tmp/meal.tsv" |
    twin-sim -m uvapadova --states --rtol 1e-10 --atol 1e-10 --grid 0:1440:1 \
    > "$tmp/meal.out" 2> "$tmp/e"
ok $? "twin-sim: adolescent#001, a 60 g meal and a 5 U bolus on basal insulin"
awk -F'\t' -v b="$b" "$hdr"'
function ab(x) { return x < 0 ? -x : x }
$c["EVID"] != 0 { next }
{
	t = $c["TIME"]; n++
	bw = 68.706; kmax = 0.015865; ka1 = 0.0025; kd = 0.0185; ka2 = 0.0115
	eaten = t < 12 ? 5000 * t : 60000
	cb = $c["A_Qsto1"] + $c["A_Qsto2"] + $c["A_Qgut"] + $c["A_Qabs"]
	e = ab(cb - eaten) / 60000; if (e > wc) wc = e
	q1 = t < 12 ? 5000 / kmax * (1 - exp(-kmax * t)) : \
	    5000 / kmax * (1 - exp(-kmax * 12)) * exp(-kmax * (t - 12))
	e = ab($c["A_Qsto1"] - q1) / 60000; if (e > wq) wq = e
	ins = $c["A_Isc1"] + $c["A_Isc2"] + ($c["A_Ip"] + $c["A_Il"]) * bw / 6000 + $c["A_Iout"]
	if (n == 1) i0 = ins - 5
	e = ab(ins - (i0 + 5 + b * t)) / (i0 + 5 + b * t); if (e > wi) wi = e
	k = ka1 + kd
	s1 = b / k + 5 * exp(-k * t)
	s2 = kd * b / (k * ka2) + 5 * kd / (ka2 - k) * (exp(-k * t) - exp(-ka2 * t))
	e = ab($c["A_Isc1"] - s1) / 5; if (e > ws) ws = e
	e = ab($c["A_Isc2"] - s2) / 5; if (e > ws) ws = e
	if (t == 1440) absorbed = $c["A_Qabs"]
	if ($c["CGM"] > peak) peak = $c["CGM"]
}
END { printf "# meal: %d times; carbohydrate balance %.3g, Qsto1 %.3g, insulin balance %.3g, " \
	    "Isc closed form %.3g; absorbed by 24 h %.6g mg; CGM peak %.4g mg/dL\n",
	    n, wc, wq, wi, ws, absorbed, peak
	exit n != 1441 || wc > 1e-9 || wq > 1e-8 || wi > 1e-9 || ws > 1e-8 ||
	    absorbed < 0.999 * 60000 }' "$tmp/meal.out"
ok $? "carbohydrate and insulin mass balance (1e-9), Qsto1, Isc1, Isc2 closed forms (1e-8)"

# The gastric emptying depends on the meal size: with DMEAL 60000 the stomach
# empties more slowly than at kmax (DMEAL 0) once Qsto has fallen below
# b D (kempt drops towards kmin), so more is left in it at 2 h.
sed 's/\t60000$/\t0/' "$tmp/meal.tsv" | a001 |
    twin-sim -m uvapadova --states --grid 120:120:1 2> /dev/null |
    awk -F'\t' "$hdr"'$c["EVID"] == 0 { print $c["A_Qsto2"] }' > "$tmp/q0"
awk -F'\t' "$hdr"'$c["EVID"] == 0 && $c["TIME"] == 120 { print $c["A_Qsto2"] }' "$tmp/meal.out" > "$tmp/q1"
awk -v a="$(cat "$tmp/q0")" -v b="$(cat "$tmp/q1")" 'BEGIN {
	printf "# Qsto2 at 2 h: %.6g mg with DMEAL 0, %.6g with DMEAL 60000\n", a, b
	exit !(a > 0 && b > a) }'
ok $? "DMEAL slows gastric emptying below kmax"

# --- the typical patient and UBASAL ---------------------------------------
# The model's defaults (the geometric means of the 30) make a basal state
# too: on its own basal rate (output BASAL) 24 h keep CGM at Gb = 141.747
# (1e-9 relative).  With a basal rate UBASAL given, Ib is the one at which
# it holds the basal state: the output BASAL (u2ss BW/6000, computed from
# Ib) is UBASAL again (1e-12), and 24 h on it keep CGM at Gb.
b0=$(printf 'ID\tTIME\n1\t0\n' | twin-sim -m uvapadova --grid 0:0:1 2> /dev/null |
    awk -F'\t' "$hdr"'{ printf "%.17g", $c["BASAL"] }')
printf 'ID\tTIME\tAMT\tRATE\tCMT\n1\t0\t%s\t%s\tIsc1\n' \
    "$(awk -v b="$b0" 'BEGIN { printf "%.17g", b * 1440 }')" "$b0" |
    twin-sim -m uvapadova --rtol 1e-12 --atol 1e-14 --grid 0:1440:60 2> /dev/null |
    awk -F'\t' "$hdr"'{ e = $c["CGM"] / 141.747 - 1; if (e < 0) e = -e
	if (e > w) w = e; n++ }
    END { printf "# typical patient: basal %.6g U/min, CGM off Gb by %.3g\n", b, w
	exit !(n == 26 && w <= 1e-9) }' b="$b0"
ok $? "the typical patient: its basal state holds for 24 h (1e-9)"
for u in 0.005 0.0139 0.03; do
	printf 'ID\tTIME\tAMT\tRATE\tCMT\tUBASAL\tBW\n1\t0\t%s\t%s\tIsc1\t%s\t60\n' \
	    "$(awk -v b="$u" 'BEGIN { printf "%.17g", b * 1440 }')" "$u" "$u" |
	    twin-sim -m uvapadova --rtol 1e-12 --atol 1e-14 --grid 0:1440:360 \
	    2> /dev/null
done | awk -F'\t' '$1 == "ID" { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { e = $c["BASAL"] / $c["UBASAL"] - 1; if (e < 0) e = -e; if (e > w) w = e
      g = $c["CGM"] / 141.747 - 1; if (g < 0) g = -g; if (g > wg) wg = g; n++ }
    END { printf "# UBASAL: BASAL/UBASAL - 1 at most %.3g, CGM off Gb %.3g\n", w, wg
	exit !(n == 18 && w <= 1e-12 && wg <= 1e-9) }'
ok $? "UBASAL: Ib such that the basal rate is UBASAL (1e-12), and the basal state holds"

# --- the cohort pipeline --------------------------------------------------
twin-pop --cohort uva30 |
    twin-dose -m uvapadova --regimen 'basal 1 U/h sc for 1d; meal 60 g at 07:00 daily x1; meal 50 g at 12:30 daily x1; meal 70 g at 19:00 daily x1' |
    twin-sim -m uvapadova --grid 0:1440:5 > "$tmp/pipe" 2> "$tmp/e"
ok $? "twin-pop --cohort uva30 | twin-dose | twin-sim -m uvapadova runs"
awk -F'\t' "$hdr"'
$c["EVID"] == 0 { n[$c["ID"]]++; g = $c["CGM"]
	if (!(g >= 0 && g < 1000)) bad++ }
END { for (i = 1; i <= 30; i++) if (n[i] != 288) bad++; exit bad }' "$tmp/pipe"
# (1 U/h is an overdose for some children: their glucose reaches 0)
ok $? "all 30 patients simulated for 24 h, CGM finite and not negative"
twin-pop --cohort uva30 | twin-sim -m uvapadova --grid 0:1440:60 > "$tmp/pipe2" 2> "$tmp/e"
ok $? "twin-pop --cohort uva30 | twin-sim -m uvapadova (no doses) runs"

done_testing
