#!/bin/sh
# twin-sim behaviour: records round trip, carried columns, overrides,
# gzip, threads, random effects, reset, lag and bioavailability,
# time-varying covariates.  Expected values are closed forms computed here
# in awk (double precision), relative tolerance 1e-6 unless stated.
. "$(dirname "$0")/lib.sh"

# awk program fragment: column lookup by header name.
hdr='NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }'
tab=$(printf '\t')

# --- round trip and carried columns --------------------------------------
cat > "$tmp/r.tsv" <<EOF
ID	TIME	EVID	AMT	CMT	WT	FOO	DV	NOTE
1	0	1	100	depot	82	x	.	first dose
1	0.5	0	.	2	82	3.14159	4.2	0.1 exact
1	12	1	100	1	82	y	.	.
1	24.25	0	.	central	90	z	1e-3	CRLF?
2	0	1	50.5	depot	60	.	NA	
2	1e1	0	0	central	60	-0	7	x
EOF
twin-sim -m pk1cmt < "$tmp/r.tsv" > "$tmp/r.out"
ok $? "twin-sim reads a mixed record file"
cut -f1-9 "$tmp/r.out" | cmp -s - "$tmp/r.tsv"
ok $? "round trip: every input field comes back byte for byte"
head -1 "$tmp/r.out" | grep -q "NOTE${tab}IPRED${tab}PRED${tab}CP$"
ok $? "written columns follow the input columns"
twin-sim -m pk1cmt < "$tmp/r.out" > "$tmp/r2.out"
cmp -s "$tmp/r.out" "$tmp/r2.out"
ok $? "twin-sim | twin-sim gives the same stream (written columns replaced)"
tr '\t' ',' < "$tmp/r.tsv" | sed 's/first dose/first_dose/' > "$tmp/r.csv"
sed 's/first dose/first_dose/' "$tmp/r.tsv" | twin-sim -m pk1cmt |
    cut -f10- > "$tmp/a"
twin-sim -m pk1cmt "$tmp/r.csv" | cut -f10- > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b"
ok $? "comma-separated input gives the same predictions"
sed 's/$/\r/' "$tmp/r.tsv" | twin-sim -m pk1cmt | cut -f10- > "$tmp/b"
twin-sim -m pk1cmt < "$tmp/r.tsv" | cut -f10- > "$tmp/a"
cmp -s "$tmp/a" "$tmp/b"
ok $? "CRLF input gives the same predictions"
gzip -c "$tmp/r.tsv" | twin-sim -m pk1cmt > "$tmp/b"
cmp -s "$tmp/r.out" "$tmp/b"
ok $? "gzip input is recognised by its magic bytes"
twin-sim -m pk1cmt -z < "$tmp/r.tsv" | gzip -dc | cmp -s - "$tmp/r.out"
ok $? "-z writes gzip"
twin-sim -m pk1cmt -o "$tmp/o.tsv.gz" < "$tmp/r.tsv" &&
    gzip -dc "$tmp/o.tsv.gz" | cmp -s - "$tmp/r.out"
ok $? "-o FILE.gz writes gzip"

# --- IDs: any order, each once -------------------------------------------
printf 'ID\tTIME\n3\t0\n1\t0\n2\t0\n5\t0\n4\t0\n007\t0\nB\t0\n6\t0\n' |
    twin-sim -m pk1cmt > "$tmp/o" && [ "$(wc -l < "$tmp/o")" -eq 9 ]
ok $? "IDs in any order are accepted when each comes once"
printf 'ID\tTIME\n3\t0\n1\t0\n2\t0\n5\t0\n4\t0\n2\t1\n' |
    twin-sim -m pk1cmt > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "<stdin>:7: ID 2 appears again" "$tmp/err"
ok $? "an ID that comes back after others is caught among runs of integers"
printf 'ID\tTIME\nB\t0\n1\t0\nB\t1\n' | twin-sim -m pk1cmt > /dev/null \
    2> "$tmp/err"
[ $? -eq 2 ] && grep -q "<stdin>:4: ID B appears again" "$tmp/err"
ok $? "... and among other IDs"

# Several input files: one header, same columns required.
printf 'ID\tTIME\tAMT\n9\t0\t100\n' > "$tmp/other.tsv"
twin-sim -m pk1cmt "$tmp/r.tsv" "$tmp/other.tsv" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "other.tsv:1: the columns differ" "$tmp/err"
ok $? "input files with other columns are refused"
awk -F'\t' 'NR == 1 || $1 == 2' "$tmp/r.tsv" > "$tmp/r2.tsv"
awk -F'\t' 'NR == 1 || $1 == 1' "$tmp/r.tsv" > "$tmp/r1.tsv"
twin-sim -m pk1cmt "$tmp/r1.tsv" "$tmp/r2.tsv" | cmp -s - "$tmp/r.out"
ok $? "two files in a row give what one file with both gives"
twin-sim -m pk1cmt "$tmp/r1.tsv" "$tmp/r1.tsv" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "r1.tsv:2: ID 1 appears again" "$tmp/err"
ok $? "an ID that comes back in a later file is caught"

# --- 1-compartment oral closed form, CMT by number and name ----------------
# C = F D KA/(V (KA-k)) (exp(-k t) - exp(-KA t)), k = CL/V; WT 70, eta 0.
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\t1\n' |
    twin-sim -m pk1cmt --grid 0:24:0.25 > "$tmp/o1"
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tdepot\n' |
    twin-sim -m pk1cmt --grid 0:24:0.25 | cut -f6- > "$tmp/o2"
cut -f6- "$tmp/o1" | cmp -s - "$tmp/o2"
ok $? "CMT by number and by name are the same"
awk -F'\t' "$hdr"'
$c["EVID"] == 0 && $c["TIME"] > 0 {
	t = $c["TIME"]; k = 5 / 50; ka = 1.2
	want = 100 * ka / (50 * (ka - k)) * (exp(-k * t) - exp(-ka * t))
	r = ($c["IPRED"] - want) / want; if (r < 0) r = -r
	if (r > m) m = r; n++
}
END { print m, n; exit !(m <= 1e-6 && n == 96) }' "$tmp/o1" > "$tmp/m"
ok $? "pk1cmt oral dose matches the closed form ($(cat "$tmp/m"))"

# Derived quantities that build on each other are inlined in order.
cat > "$tmp/derived.yaml" <<EOF
compartments: [central]
theta: {TVCL: 5, TVV: 50}
individual: {CL: TVCL, V: TVV}
derived:
  C: central/V
  E: CL*C
ode: {central: -E}
output: {CP: C}
EOF
printf 'ID\tTIME\tAMT\n1\t0\t100\n1\t10\t0\n' |
    twin-sim -m "$tmp/derived.yaml" | awk -F'\t' 'END {
    w = 2 * exp(-1); r = ($4 - w) / w; exit !(r * r < 1e-24) }'
ok $? "two derived quantities, one using the other (IV bolus closed form)"

# --- parameter and random-effect overrides ---------------------------------
printf 'ID\tTIME\tEVID\tAMT\tCMT\tCL\n1\t0\t1\t100\tcentral\t2.5\n' |
    twin-sim -m pk1cmt --grid 0:24:1 > "$tmp/ov"
awk -F'\t' "$hdr"'
$c["EVID"] == 0 && $c["TIME"] > 0 {
	t = $c["TIME"]
	w1 = 100 / 50 * exp(-2.5 / 50 * t); w0 = 100 / 50 * exp(-5 / 50 * t)
	r = ($c["IPRED"] - w1) / w1; if (r < 0) r = -r; if (r > m) m = r
	r = ($c["PRED"] - w0) / w0; if (r < 0) r = -r; if (r > p) p = r
}
END { exit !(m <= 1e-6 && p <= 1e-6) }' "$tmp/ov"
ok $? "a CL column overrides clearance for IPRED, PRED stays typical"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tETA_CL\tETA_V\n1\t0\t1\t100\tcentral\t0.3\t-0.2\n' |
    twin-sim -m pk1cmt --grid 0:24:1 > "$tmp/ov"
awk -F'\t' "$hdr"'
$c["EVID"] == 0 && $c["TIME"] > 0 {
	t = $c["TIME"]; cl = 5 * exp(0.3); v = 50 * exp(-0.2)
	w = 100 / v * exp(-cl / v * t)
	r = ($c["IPRED"] - w) / w; if (r < 0) r = -r; if (r > m) m = r
}
END { exit !(m <= 1e-6) }' "$tmp/ov"
ok $? "ETA_CL and ETA_V columns set the random effects"

# --- reset -----------------------------------------------------------------
cat > "$tmp/reset.tsv" <<EOF
ID	TIME	EVID	AMT	CMT
1	0	1	100	central
1	5	0	.	central
1	10	3	.	central
1	12	0	.	central
1	20	4	40	central
1	22	0	.	central
EOF
twin-sim -m pk1cmt < "$tmp/reset.tsv" | awk -F'\t' "$hdr"'
{ v[$c["TIME"]] = $c["IPRED"] }
END {
	w5 = 2 * exp(-0.5); w22 = 40 / 50 * exp(-0.2)
	exit !(v[12] == 0 && (v[5] - w5) / w5 < 1e-6 && (w5 - v[5]) / w5 < 1e-6 &&
	    (v[22] - w22) / w22 < 1e-6 && (w22 - v[22]) / w22 < 1e-6)
}'
ok $? "EVID 3 empties the system; EVID 4 starts afresh with its dose"

# --- infusion with lag time and bioavailability -----------------------------
# nmtest model: lag LAGT and F BIOAV on central; 100 mg at RATE 10 with
# F 0.5 runs 5 h from t = 2: C = R/(k V)(1 - exp(-k s)) during, decay after.
printf 'ID\tTIME\tEVID\tAMT\tCMT\tRATE\tLAGT\tBIOAV\n1\t0\t1\t100\t2\t10\t2\t0.5\n' |
    twin-sim -m "$top/testdata/nmtest.yaml" --grid 0:24:0.25 > "$tmp/lag"
awk -F'\t' "$hdr"'
$c["EVID"] == 0 {
	t = $c["TIME"]; k = 1.1 / 20; s = t - 2; d = 5
	if (s <= 0) w = 0
	else if (s <= d) w = 10 / (k * 20) * (1 - exp(-k * s)) * 1000
	else w = 10 / (k * 20) * (1 - exp(-k * d)) * exp(-k * (s - d)) * 1000
	if (w == 0) { if ($c["IPRED"] != 0) bad++; next }
	r = ($c["IPRED"] - w) / w; if (r < 0) r = -r; if (r > m) m = r
}
END { exit !(m <= 1e-6 && !bad) }' "$tmp/lag"
ok $? "infusion with lag time and bioavailability matches the closed form"

# --- time-varying covariates: last observation carried forward -------------
# pk1cmt IV bolus; WT 70 until t = 12, then 140: CL and V scale with WT.
cat > "$tmp/wt.tsv" <<EOF
ID	TIME	EVID	AMT	CMT	WT
1	0	1	100	central	70
1	12	0	.	central	140
1	18	0	.	central	.
EOF
twin-sim -m pk1cmt < "$tmp/wt.tsv" | awk -F'\t' "$hdr"'
{ v[$c["TIME"]] = $c["IPRED"] }
END {
	a12 = 100 * exp(-0.1 * 12)
	cl2 = 5 * 2 ^ 0.75; v2 = 100
	w12 = a12 / v2; w18 = a12 * exp(-cl2 / v2 * 6) / v2
	r1 = (v[12] - w12) / w12; r2 = (v[18] - w18) / w18
	exit !(r1 * r1 < 1e-12 && r2 * r2 < 1e-12)
}'
ok $? "a covariate change applies from its record on (LOCF), amounts continuous"

# Next observation carried backward, chosen in the model file.
sed 's/^  WT: 70 .*/  WT: {default: 70, interpolate: nocb}/' "$top/models/pk1cmt.yaml" \
    > "$tmp/nocb.yaml"
twin-sim -m "$tmp/nocb.yaml" < "$tmp/wt.tsv" | awk -F'\t' "$hdr"'
{ v[$c["TIME"]] = $c["IPRED"] }
END {
	cl2 = 5 * 2 ^ 0.75; v2 = 100; k2 = cl2 / v2
	w0 = 100 / 50; w12 = 100 * exp(-k2 * 12) / v2
	w18 = 100 * exp(-k2 * 18) / v2
	r0 = (v[0] - w0) / w0; r1 = (v[12] - w12) / w12; r2 = (v[18] - w18) / w18
	exit !(r0 * r0 < 1e-12 && r1 * r1 < 1e-12 && r2 * r2 < 1e-12)
}'
ok $? "interpolate: nocb applies a value over the interval before its record"

# --- steady state added to what is there (SS=2) ----------------------------
# 100 mg IV at 0, then SS=2 100 mg q12h from 6 h: superposition of the first
# dose and the steady-state series, C = 2 e^-0.1t + 2 e^-0.1(t-6)/(1-e^-1.2).
printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\n1\t0\t1\t100\tcentral\t0\t0\n1\t6\t1\t100\tcentral\t12\t2\n' |
    twin-sim -m pk1cmt --grid 6:30:0.5 | awk -F'\t' "$hdr"'
$c["EVID"] == 0 {
	t = $c["TIME"]
	w = 2 * exp(-0.1 * t) + 2 * exp(-0.1 * (t - 6)) / (1 - exp(-1.2))
	r = ($c["IPRED"] - w) / w; if (r < 0) r = -r; if (r > m) m = r; n++
}
END { exit !(m <= 1e-6 && n == 49) }'
ok $? "SS=2 adds the steady state to the amounts already there"

# --- linearly interpolated forcing: Bergman remote insulin action ----------
# INS ramps linearly 10 -> 70 uU/mL over 0..60 min; with G at basal the
# remote action is X(t) = SI (c1 t - c1/P2 (1 - exp(-P2 t))), c1 = 1.
cat > "$tmp/berg.tsv" <<EOF
ID	TIME	EVID	AMT	CMT	INS
1	0	2	.	G	10
1	60	2	.	G	70
EOF
twin-sim -m bergman --states --grid 0:60:5 < "$tmp/berg.tsv" |
    awk -F'\t' "$hdr"'
$c["TIME"] > 0 {
	t = $c["TIME"]; si = 5e-4; p2 = 0.025
	w = si * (t - (1 - exp(-p2 * t)) / p2)
	r = ($c["A_X"] - w) / w; if (r < 0) r = -r; if (r > m) m = r; n++
}
END { exit !(m <= 1e-6 && n >= 12) }'
ok $? "a linearly interpolated covariate drives the ODE (Bergman X closed form)"
# Added times carry a linearly interpolated covariate's interpolated value,
# so the output read again describes the same curve.
twin-sim -m bergman --grid 0:60:5 < "$tmp/berg.tsv" > "$tmp/b1"
awk -F'\t' "$hdr"' $c["TIME"] == 15 { exit !($c["INS"] == 25) }' "$tmp/b1"
ok $? "an added time carries the interpolated insulin (25 at 15 min)"
twin-sim -m bergman < "$tmp/b1" > "$tmp/b2"
paste "$tmp/b1" "$tmp/b2" | awk -F'\t' 'NR > 1 { n = NF / 2
	d = $(n - 2) - $(NF - 2); if (d < 0) d = -d
	if (d > 1e-9 * $(n - 2)) bad++ } END { exit bad > 0 }'
ok $? "the simulated stream, simulated again, gives the same glucose"
# Glucose bolus with insulin at basal: G = GB + D exp(-SG t).
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t200\tG\n' |
    twin-sim -m bergman --grid 0:180:10 | awk -F'\t' "$hdr"'
$c["EVID"] == 0 {
	t = $c["TIME"]; w = 90 + 200 * exp(-0.025 * t)
	r = ($c["IPRED"] - w) / w; if (r < 0) r = -r; if (r > m) m = r
}
END { exit !(m <= 1e-6) }'
ok $? "Bergman IVGTT at basal insulin decays with glucose effectiveness SG"

# --- exact and BDF solvers agree on a nonlinear-free model ------------------
printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tSS\n1\t0\t1\t100\tdepot\t12\t3\t1\n' \
    > "$tmp/ss.tsv"
twin-sim -m pk3cmt --grid 0:72:0.5 < "$tmp/ss.tsv" | cut -f9 > "$tmp/a"
twin-sim -m pk3cmt --solver bdf --grid 0:72:0.5 < "$tmp/ss.tsv" |
    cut -f9 > "$tmp/b"
paste "$tmp/a" "$tmp/b" | awk 'NR > 1 && $1 > 0 {
	r = ($1 - $2) / $1; if (r < 0) r = -r; if (r > m) m = r }
	END { print m; exit !(m <= 1e-7) }' > "$tmp/m"
ok $? "exact and CVODES BDF agree within 1e-7 (pk3cmt, SS + ADDL; $(cat "$tmp/m"))"
twin-sim -m pkmm --solver exact < "$tmp/ss.tsv" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "not linear" "$tmp/err"
ok $? "--solver exact refuses a nonlinear model (Michaelis-Menten)"

# --- the integrators agree on a nonlinear model; solver: and --solver ------
# pkmm with SS=1 and ADDL: CVODES BDF is the reference; rk, adams and auto
# (which picks rk here) agree with it within 1e-7 relative.
twin-sim -m pkmm --solver bdf --grid 0:72:0.5 < "$tmp/ss.tsv" > "$tmp/bdf"
for s in rk adams auto; do
	twin-sim -m pkmm --solver $s --grid 0:72:0.5 < "$tmp/ss.tsv" > "$tmp/$s"
	perl "$top/tests/ref/tsvcmp.pl" --rel 1e-7 --abs 1e-12 \
	    "$tmp/$s" "$tmp/bdf" > "$tmp/diff"
	ok $? "pkmm, SS + ADDL: --solver $s agrees with bdf within 1e-7"
done
cmp -s "$tmp/auto" "$tmp/rk"
ok $? "pkmm: auto chose rk at every dose (the same numbers)"
sed 's/^dv: CP$/dv: CP\nsolver: bdf/' "$top/models/pkmm.yaml" > "$tmp/pkmm-bdf.yaml"
twin-sim -m "$tmp/pkmm-bdf.yaml" --grid 0:72:0.5 < "$tmp/ss.tsv" > "$tmp/key"
cmp -s "$tmp/key" "$tmp/bdf"
ok $? "solver: bdf in the model file is --solver bdf"
twin-sim -m "$tmp/pkmm-bdf.yaml" --solver rk --grid 0:72:0.5 \
    < "$tmp/ss.tsv" > "$tmp/key"
cmp -s "$tmp/key" "$tmp/rk"
ok $? "--solver rk overrides the model's solver: bdf"

# --- random effects, replicates, threads ------------------------------------
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tdepot\n2\t0\t1\t100\tdepot\n3\t0\t1\t100\tdepot\n4\t0\t1\t100\tdepot\n' \
    > "$tmp/four.tsv"
twin-sim -m pk1cmt --iiv --seed 7 --grid 0:24:6 < "$tmp/four.tsv" > "$tmp/all"
ok $? "--iiv runs"
{ head -3 "$tmp/four.tsv" | twin-sim -m pk1cmt --iiv --seed 7 --grid 0:24:6
  { head -1 "$tmp/four.tsv"; tail -2 "$tmp/four.tsv"; } |
      twin-sim -m pk1cmt --iiv --seed 7 --grid 0:24:6 | tail -n +2; } > "$tmp/split"
cmp -s "$tmp/all" "$tmp/split"
ok $? "random effects depend on seed and ID only: a split run equals a whole run"
twin-sim -m pk1cmt --iiv --seed 8 --grid 0:24:6 < "$tmp/four.tsv" |
    cmp -s - "$tmp/all"
[ $? -ne 0 ]
ok $? "another seed gives other random effects"
twin-sim -m pk1cmt --iiv --seed 7 -n 50 --grid 0:24:1 < "$tmp/four.tsv" > "$tmp/j1"
twin-sim -m pk1cmt --iiv --seed 7 -n 50 --grid 0:24:1 -j 2 < "$tmp/four.tsv" > "$tmp/j2"
cmp -s "$tmp/j1" "$tmp/j2"
ok $? "-j 2 writes exactly what -j 1 writes, in input order"
awk -F'\t' "$hdr"' { ids[$c["ID"]] = 1; reps[$c["REP"]] = 1 }
END { n = 0; for (i in ids) n++; r = 0; for (i in reps) r++
	exit !(n == 200 && r == 50 && (1 in ids) && (200 in ids)) }' "$tmp/j1"
ok $? "-n 50 on 4 individuals gives IDs 1..200 and a REP column"
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tdepot\n' |
    twin-sim -m pk1cmt --iiv -n 4000 --seed 3 | awk -F'\t' "$hdr"'
$c["EVID"] == 1 { n++; s += $c["ETA_CL"]; q += $c["ETA_CL"] ^ 2
	k += $c["ETA_KA"] ^ 2 }
END { m = s / n; v = q / n - m * m; vk = k / n
	# 4000 draws: SE of a variance w is w sqrt(2/4000); allow 5 SE.
	exit !(m * m < (5 * 0.3 / sqrt(n)) ^ 2 &&
	    (v - 0.09) ^ 2 < (5 * 0.09 * sqrt(2 / n)) ^ 2 &&
	    (vk - 0.25) ^ 2 < (5 * 0.25 * sqrt(2 / n)) ^ 2) }'
ok $? "--iiv draws have the model's variances (4000 replicates, 5 SE)"
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tcentral\n' |
    twin-sim -m pk1cmt --ruv -n 2000 --seed 5 --grid 1:1:1 | awk -F'\t' "$hdr"'
$c["EVID"] == 0 { f = $c["IPRED"]; z = ($c["DV"] - f) / sqrt(0.01 ^ 2 + (0.1 * f) ^ 2)
	n++; s += z; q += z * z }
END { m = s / n; v = q / n - m * m
	exit !(n == 2000 && !bad && m * m < 0.01 && (v - 1) ^ 2 < (5 * sqrt(2 / n)) ^ 2) }'
ok $? "--ruv adds combined residual error with the model's SDs"

# --- bounded work (issue 9) -------------------------------------------------
# -n streams: memory does not grow with the replicates, rows come out at once.
if grep -q __asan "$top/twin-sim"; then
	ok 0 "-n 2000 with a grid runs in 60 MB # SKIP address space limits under ASan"
else
	( ulimit -v 60000
	  twin-sim -m pk2cmt --iiv -n 2000 --grid 0:168:0.5 \
	      "$top/examples/regimen.tsv" | wc -l > "$tmp/n1"
	  twin-sim -m pk2cmt --iiv -n 2000 --grid 0:168:0.5 -j 2 \
	      "$top/examples/regimen.tsv" | wc -l > "$tmp/n2" )
	[ "$(cat "$tmp/n1")" -eq 676001 ] && [ "$(cat "$tmp/n2")" -eq 676001 ]
	ok $? "-n 2000 with a grid runs in 60 MB of address space, -j 1 and -j 2 (held every replicate: 84 MB)"
fi
timeout 20 twin-sim -m pk2cmt --iiv -n 100000000 --grid 0:168:0.5 \
    "$top/examples/regimen.tsv" | head -2 > "$tmp/h"
[ "$(wc -l < "$tmp/h")" -eq 2 ] && grep -q '^1	0	1	500	' "$tmp/h"
ok $? "-n 100000000 | head -2: the first rows come out at once"
twin-sim -m pk1cmt --iiv --ruv --seed 11 -n 3000 --grid 0:2:1 \
    < "$tmp/four.tsv" > "$tmp/j1"
twin-sim -m pk1cmt --iiv --ruv --seed 11 -n 3000 --grid 0:2:1 -j 2 \
    < "$tmp/four.tsv" | cmp -s - "$tmp/j1" &&
    awk -F'\t' "$hdr"' { n++; if ($c["ID"] != id) { k++; id = $c["ID"]
	if (id != k) exit 1 } }
END { exit !(n == 4 * 3000 * 4 && k == 12000) }' "$tmp/j1"
ok $? "-n 3000 in chunks: -j 2 equals -j 1, IDs 1..12000 in order"
# --grid is linear: 2e5 points in well under a second (quadratic: 19 s).
printf 'ID\tTIME\tAMT\tCMT\n1\t0\t100\tcentral\n' |
    timeout 10 twin-sim -m pk1cmt --grid 0:200000:1 | tail -1 |
    awk -F'\t' '{ t = $2; cp = $7 } END { exit !(t == 200000 && cp == 0) }'
ok $? "--grid with 200001 points finishes within 10 s"
# ADDL is expanded only up to the last record: ADDL 1e7 with three records
# is as quick as ADDL 4.  Closed form, k = CL/V = 0.1, C0 = 100/50 = 2.
printf 'ID\tTIME\tAMT\tCMT\tII\tADDL\n1\t0\t100\tcentral\t12\t10000000\n1\t30\t.\tcentral\t.\t.\n1\t50\t.\tcentral\t.\t.\n' |
    timeout 2 twin-sim -m pk1cmt --no-pred | awk -F'\t' "$hdr"'
function rel(a, b) { return (a - b) / b < 0 ? (b - a) / b : (a - b) / b }
$c["TIME"] == 30 { a = $c["CP"]; e = 0
	for (t = 0; t <= 30; t += 12) e += 2 * exp(-0.1 * (30 - t))
	ok1 = rel(a, e) < 1e-9 }
$c["TIME"] == 50 { a = $c["CP"]; e = 0
	for (t = 0; t <= 50; t += 12) e += 2 * exp(-0.1 * (50 - t))
	ok2 = rel(a, e) < 1e-9 }
END { exit !(ok1 && ok2) }'
ok $? "ADDL 1e7 with three records: within 2 s, superposition to 1e-9"
# ADDL doses are generated as they are given, not stored: ADDL 1e6 with an
# observation at the last dose runs in 50 MB of address space (stored:
# 64 MB resident for a bolus, 121 MB for an infusion).  Closed forms,
# k = CL/V = 0.1: bolus C = 2 sum_j exp(-0.1 j) = 2 / (1 - exp(-0.1)) (the
# dose at 1e6 comes before the observation); infusions of 2 h every hour,
# RATE 50: one has just ended, one runs, so C = 2 RATE / CL = 20.
if grep -q __asan "$top/twin-sim"; then
	ok 0 "ADDL 1e6 runs in 50 MB # SKIP address space limits under ASan"
	ok 0 "ADDL 1e6 infusions run in 50 MB # SKIP address space limits under ASan"
else
	( ulimit -v 50000
	  printf 'ID\tTIME\tAMT\tCMT\tII\tADDL\n1\t0\t100\tcentral\t1\t1000000\n1\t1000000\t.\tcentral\t.\t.\n' |
	      timeout 20 twin-sim -m pk1cmt --no-pred ) | awk -F'\t' "$hdr"'
$c["TIME"] == 1000000 { a = $c["CP"]; e = 2 / (1 - exp(-0.1)); n++
	ok = (a - e) ^ 2 < (1e-9 * e) ^ 2 }
END { exit !(n == 1 && ok) }'
	ok $? "ADDL 1e6 (II 1) bolus, observed at 1e6: 50 MB of address space, geometric sum to 1e-9"
	( ulimit -v 50000
	  printf 'ID\tTIME\tAMT\tRATE\tCMT\tII\tADDL\n1\t0\t100\t50\tcentral\t1\t1000000\n1\t1000000\t.\t.\tcentral\t.\t.\n' |
	      timeout 20 twin-sim -m pk1cmt --no-pred ) | awk -F'\t' "$hdr"'
$c["TIME"] == 1000000 { a = $c["CP"]; n++; ok = (a - 20) ^ 2 < (1e-9 * 20) ^ 2 }
END { exit !(n == 1 && ok) }'
	ok $? "ADDL 1e6 (II 1) overlapping 2 h infusions: 50 MB of address space, 2 RATE/CL to 1e-9"
fi
# A steady-state infusion with bioavailability 0 has no infusion at all
# (sorting its empty period was undefined behaviour: UBSan said so).
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tSS\tBIOAV\n1\t0\t1\t50\t20\t2\t6\t1\t0\n1\t3\t0\t.\t.\t2\t.\t.\t0\n' |
    twin-sim -m nmtest --no-pred 2> "$tmp/err" | awk -F'\t' "$hdr"'
$c["TIME"] == 3 { n++; ok = $c["CP"] == 0 } END { exit !(n == 1 && ok) }' &&
    ! grep -q "runtime error" "$tmp/err"
ok $? "SS=1 infusion with F = 0: CP 0 (no undefined behaviour)"

# --- steady-state constant infusion written with an interval ---------------
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tSS\tCL\tV\n1\t0\t1\t0\t25\tcentral\t10\t1\t1.3\t20\n1\t5\t0\t.\t.\tcentral\t.\t.\t1.3\t20\n' |
    twin-sim -m pk1cmt --no-pred | awk -F'\t' "$hdr"'
# At steady state CL * CP = RATE: CP = 25 / 1.3; then it decays with CL/V.
$c["TIME"] == 0 { a = $c["CP"]
	ok1 = (a - 25 / 1.3) ^ 2 < (1e-9 * 25 / 1.3) ^ 2 }
$c["TIME"] == 5 { a = $c["CP"]; e = 25 / 1.3 * exp(-1.3 / 20 * 5)
	ok2 = (a - e) ^ 2 < (1e-9 * e) ^ 2 }
END { exit !(ok1 && ok2) }'
ok $? "SS=1, AMT=0, RATE=25, II=10: constant-infusion steady state 25/CL (II ignored)"
printf 'ID\tTIME\tAMT\tRATE\tCMT\tII\tSS\tCL\tV\n1\t0\t0\t25\tcentral\t0\t1\t1.3\t20\n' |
    twin-sim -m pk1cmt --no-pred | awk -F'\t' "$hdr"'
{ a = $c["CP"]; exit !((a - 25 / 1.3) ^ 2 < (1e-9 * 25 / 1.3) ^ 2) }'
ok $? "without an EVID column, SS=1 with AMT=0 and RATE > 0 is a dose"
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tADDL\tSS\n1\t0\t1\t0\t25\tcentral\t10\t2\t1\n' |
    twin-sim -m pk1cmt > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "<stdin>:2: ID 1: ADDL=2 on a steady-state constant infusion" "$tmp/err"
ok $? "ADDL on a steady-state constant infusion is refused"

# --- added records carry no observation's columns --------------------------
awk -F'\t' 'NR == 1 || $1 == 1' "$top/testdata/theoph.tsv" |
    twin-fit -m "$top/testdata/theoph.yaml" 2> /dev/null |
    twin-sim -m "$top/testdata/theoph.yaml" --grid 0:24:0.5 |
    awk -F'\t' "$hdr"'
$c["MDV"] == 1 && $c["EVID"] == 0 { g++
	if ($c["IRES"] != "." || $c["IWRES"] != "." || $c["DV"] != ".") bad++ }
$c["MDV"] == 0 { o++; if ($c["IRES"] == "." || $c["IWRES"] == ".") bad++ }
END { exit !(g >= 40 && o == 11 && !bad) }'
ok $? "twin-fit | twin-sim --grid: grid rows have IRES, IWRES, DV \".\", observations keep theirs"
printf 'ID\tTIME\tAMT\tCMT\tDV\tcwres\tNPDE\tRES\tSTUDY\n1\t0\t100\tcentral\t.\t.\t.\t.\tA\n1\t1\t.\tcentral\t1.5\t0.3\t-0.2\t0.1\tA\n' |
    twin-sim -m pk1cmt --grid 2:2:1 | tail -1 | cut -f1-9 |
    grep -q "^1	2	0	.	.	.	.	.	A$"
ok $? "an added record writes \".\" for per-observation columns (any case) and copies others"

# --- a failing individual: ID, FILE:LINE, time; stop or --keep-going -------
# KA < 0 makes the depot grow as exp(1000 t): the output at the added time 1
# overflows.  The record to blame is an added one: the message names the
# latest input line before it.  pk1cmt without its bounds, so that the
# solve itself fails (with them, KA < 0 is refused before solving).
grep -v '^bounds:' "$top/models/pk1cmt.yaml" > "$tmp/free.yaml"
printf 'ID\tTIME\tAMT\tKA\n7\t0\t100\t-1000\n' |
    twin-sim -m "$tmp/free.yaml" --grid 1:1:1 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "^twin-sim: <stdin>:2: ID 7: .*time" "$tmp/err"
ok $? "a failure at an added time names FILE:LINE, the ID and the time"
printf 'ID\tTIME\tAMT\tCMT\tV\n1\t0\t100\tcentral\t50\n2\t0\t100\tcentral\t0\n3\t0\t100\tcentral\t50\n' \
    > "$tmp/f.tsv"
twin-sim -m "$tmp/free.yaml" "$tmp/f.tsv" > "$tmp/o" 2> "$tmp/err"
[ $? -eq 2 ] && [ "$(cut -f1 "$tmp/o" | tr '\n' ' ')" = "ID 1 " ] &&
    grep -q "f.tsv:3: ID 2: output CP is inf at time 0" "$tmp/err"
ok $? "by default twin-sim stops at the failing individual, after writing those before"
twin-sim -m "$tmp/free.yaml" --keep-going -n 2 "$tmp/f.tsv" > "$tmp/o" 2> "$tmp/err"
[ $? -eq 2 ] && [ "$(cut -f1 "$tmp/o" | tr '\n' ' ')" = "ID 1 2 5 6 " ] &&
    grep -q "f.tsv:3: ID 2, replicate 1: output CP is inf" "$tmp/err" &&
    [ "$(grep -c "ID 2" "$tmp/err")" -eq 1 ]
ok $? "-n 2 --keep-going: the failing individual's replicates are left out, once reported"

# --- covariates the data lack, near misses, theta columns, --strict --------
printf 'ID\tTIME\tAMT\tRATE\tCMT\tWEIGHT\tCrCl\n1\t0\t1000\t1000\tcentral\t120\t20\n2\t0\t1000\t1000\tcentral\t60\t50\n' \
    > "$tmp/v.tsv"
twin-sim -m vanco "$tmp/v.tsv" > /dev/null 2> "$tmp/err"
[ $? -eq 0 ] && [ "$(wc -l < "$tmp/err")" -eq 3 ] &&
    grep -q "v.tsv:1: model vanco: no column for these covariates; every individual gets the model's default: WT=70, CRCL=120, DIAL=0$" "$tmp/err" &&
    grep -q "v.tsv:1: column WEIGHT is not used: did you mean WT (covariate" "$tmp/err" &&
    grep -q "v.tsv:1: column CrCl is not used: did you mean CRCL (covariate" "$tmp/err"
ok $? "defaulted covariates are named with their values, once per run; WEIGHT and CrCl flagged as near misses"
twin-sim -m vanco --strict "$tmp/v.tsv" > "$tmp/o" 2> "$tmp/err"
[ $? -eq 2 ] && [ ! -s "$tmp/o" ] &&
    grep -q "^twin-sim: .*v.tsv:1: model vanco: no column for these covariates" "$tmp/err"
ok $? "twin-sim --strict: a defaulted covariate is an error, before any output"
printf 'ID\tTIME\tAMT\tCMT\tDV\tBW\tCRCL\n1\t0\t1000\tcentral\t.\t120\t20\n1\t2\t.\tcentral\t30\t120\t20\n' \
    > "$tmp/v2.tsv"
twin-fit -m vanco --strict "$tmp/v2.tsv" > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q "^twin-fit: .*v2.tsv:1: model vanco: no column for these covariates; .*: WT=70, DIAL=0$" "$tmp/err"
ok $? "twin-fit --strict refuses the same data"
twin-fit -m vanco "$tmp/v2.tsv" > /dev/null 2> "$tmp/err"
grep -q "^twin-fit: warning: .*column BW is not used: did you mean WT" "$tmp/err"
ok $? "twin-fit warns of BW for WT"
twin-dose -m vanco --target 'auc24 400..600' --amounts 500..1500/500 \
    --intervals 12 "$tmp/v2.tsv" > /dev/null 2> "$tmp/err"
grep -q "^twin-dose: warning: .*no column for these covariates" "$tmp/err"
ok $? "twin-dose warns of defaulted covariates"
twin-dose -m vanco --strict --target 'auc24 400..600' \
    --amounts 500..1500/500 --intervals 12 "$tmp/v2.tsv" > "$tmp/o" 2> "$tmp/err"
[ $? -eq 2 ] && [ ! -s "$tmp/o" ] &&
    grep -q "^twin-dose: .*v2.tsv:1: model vanco: no column" "$tmp/err"
ok $? "twin-dose --strict refuses them, before any output"
printf 'ID\tTIME\tAMT\tCMT\tWT\tTVCL\n1\t0\t100\tcentral\t70\t2\n1\t10\t.\tcentral\t70\t2\n' |
    twin-sim -m pk1cmt --no-pred 2> "$tmp/err" | awk -F'\t' "$hdr"'
$c["TIME"] == 10 { e = 2 * exp(-0.1 * 10); exit !(($c["CP"] - e) ^ 2 < (1e-9 * e) ^ 2) }'
[ $? -eq 0 ] && grep -q "column TVCL is ignored: TVCL is a population parameter of model pk1cmt" "$tmp/err"
ok $? "a column named after a theta is ignored, with a warning (CP from TVCL 5)"
printf 'ID\tTIME\tAMT\tCMT\tWT\tTVCL\n1\t0\t100\tcentral\t70\t2\n' |
    twin-sim -m pk1cmt --strict > /dev/null 2>&1
[ $? -eq 2 ]
ok $? "--strict refuses a theta column"
printf 'ID\tTIME\tAMT\tCMT\tWT\tcl\n1\t0\t100\tcentral\t70\t2\n' |
    twin-sim -m pk1cmt 2>&1 > /dev/null |
    grep -q "column cl is not used: did you mean CL (individual parameter of model pk1cmt)"
ok $? "a parameter column in the wrong case is flagged"

# --- installation -----------------------------------------------------------
make -s -C "$top" install DESTDIR="$tmp/stage" PREFIX=/usr > /dev/null 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr"
[ -x "$tmp/stage/usr/bin/twin-sim" ] &&
    [ -f "$tmp/stage/usr/share/twin/models/pk2cmt.yaml" ] &&
    [ -f "$tmp/stage/usr/share/man/man1/twin-sim.1" ]
ok $? "programs, models and man pages are installed"
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tdepot\n' |
    env -u TWIN_MODEL_PATH "$tmp/stage/usr/bin/twin-sim" -m pk2cmt > /dev/null
ok $? "the installed twin-sim finds the installed models"

# Steady state with an accumulator (a compartment nothing reads, here an
# AUC): it starts at 0, and the rest is as 60 doses one by one, on the
# ODE path (Michaelis-Menten) and the exact path (pk1cmt).
for mdl in pkmm pk1cmt; do
	sed -e 's/^compartments: \[\(.*\)\]/compartments: [\1, AUC]/' \
	    -e 's/^ode:/ode:\n  AUC: central/' "$top/models/$mdl.yaml" > "$tmp/acc.yaml"
	printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\tADDL\n1\t0\t1\t100\tdepot\t12\t1\t0\n' |
	    twin-sim -m "$tmp/acc.yaml" --states --grid 0:12:4 2> "$tmp/err" |
	    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	    $3 != 1 { print $h["IPRED"], $h["A_AUC"] }' > "$tmp/ss"
	printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\tADDL\n1\t0\t1\t100\tdepot\t12\t0\t59\n' |
	    twin-sim -m "$tmp/acc.yaml" --grid 708:720:4 2>> "$tmp/err" |
	    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	    $3 != 1 { print $h["IPRED"] }' > "$tmp/many"
	paste -d ' ' "$tmp/ss" "$tmp/many" | awk '{ n++; d = ($1 - $3) / $3
	    if (d < 0) d = -d; if (d > w) w = d; if (NR == 1 && $2 != 0) bad = 1 }
	    END { printf "worst %.2g", w; exit bad || !(n == 4 && w < 1e-7) }' > "$tmp/v"
	ok $? "$mdl + an accumulator: SS=1 starts it at 0, the rest as 60 doses ($(cat "$tmp/v"))"
done

done_testing
