#!/bin/sh
# twin-fit --population --method saem against references nobody here
# wrote: NONMEM's phenobarbital estimates and standard errors, nlme's
# theophylline fit and standard errors, and recovery of the known
# parameters of a Michaelis-Menten population simulated by twin-sim.
# The OFV that SAEM reports is the FOCE-I objective at its estimates.
. "$(dirname "$0")/lib.sh"

# within_se FILE "NAME REFERENCE SE" ...: each estimate within one SE of
# the reference.
within_se() {
	file=$1 what=$2
	shift 2
	for ref in "$@"; do
		set -- $ref
		awk -F'\t' -v n="$1" -v want="$2" -v se="$3" '$1 == n {
		    z = ($2 - want) / se; if (z < 0) z = -z
		    printf "%s (%.2f SE)", $2, z; exit !(z <= 1) }
		    END { if (NR == 0) exit 1 }' "$file" > "$tmp/v"
		ok $? "$what $1 = $(cat "$tmp/v") from $2 (SE $3)"
	done
}

# --- phenobarbital: NONMEM's FOCE-I estimates and SEs -------------------
# (pharmpy tests/testdata/nonmem/pheno_real.ext and its covariance step,
# as quoted in fit.t).
twin-fit -m "$top/testdata/pheno.yaml" --population --method saem -j 2 \
    --ebe "$tmp/ebe" --table "$tmp/table" "$top/testdata/pheno.tsv" \
    > "$tmp/pheno" 2> "$tmp/err"
ok $? "twin-fit --method saem fits the phenobarbital data"
within_se "$tmp/pheno" "pheno SAEM" "TVCL 0.00469555 0.000210" \
    "TVV 0.984258 0.0269" "TVAPGR 0.158920 0.0838" \
    "OMEGA_CL 0.0293508 0.0134" "OMEGA_V 0.0279060 0.00748" \
    "SIGMA_PROP 0.0132410 0.00228"
# The FOCE-I objective at SAEM's estimates: not below FOCE-I's minimum
# (NONMEM 586.276), and near it.
awk -F'\t' '$1 == "OFV" { printf "%s", $2
    exit !($2 >= 586.276 - 0.01 && $2 <= 586.276 + 2) }' "$tmp/pheno" \
    > "$tmp/v"
ok $? "pheno OFV (FOCE-I at SAEM's estimates) $(cat "$tmp/v"), NONMEM 586.276"
# Standard errors: FOCE-I's covariance step at the SAEM estimates, near
# NONMEM's at its own (within 10%).
for ref in "TVCL 0.000210" "TVV 0.0269" "TVAPGR 0.0838" "OMEGA_CL 0.0134" \
    "OMEGA_V 0.00748" "SIGMA_PROP 0.00228"; do
	set -- $ref
	awk -F'\t' -v n="$1" -v want="$2" '$1 == n { r = ($3 - want) / want
	    if (r < 0) r = -r; printf "%.3g", $3; exit !(r <= 0.10) }
	    END { if (NR == 0) exit 1 }' "$tmp/pheno" > "$tmp/v"
	ok $? "pheno SAEM SE of $1 = $(cat "$tmp/v"), NONMEM $2 (within 10%)"
done
[ "$(tail -n +2 "$tmp/ebe" | wc -l)" -eq 59 ] &&
    [ "$(tail -n +2 "$tmp/table" | wc -l)" -eq 155 ]
ok $? "--ebe and --table after SAEM: 59 individuals, 155 observations"

# --- theophylline: nlme's ML fit (tests/ref/nlme_theoph.R) --------------
# Standard errors from nlme: fixed effects from summary()'s log-scale
# SEs times the estimate, variances from intervals() (the SE of the log
# SD from the 95% interval's width, times 2 omega).
twin-fit -m "$top/testdata/theoph.yaml" --population --method saem -j 2 \
    "$top/testdata/theoph.tsv" > "$tmp/theoph" 2> "$tmp/err"
ok $? "twin-fit --method saem fits the theophylline data"
within_se "$tmp/theoph" "theoph SAEM" "TVCL 2.76912 0.234" \
    "TVV 31.4759 1.46" "TVKA 1.56287 0.300" "OMEGA_CL 0.070082 0.0348" \
    "OMEGA_V 0.0182139 0.0108" "OMEGA_KA 0.386979 0.187" \
    "SIGMA_ADD 0.485372 0.070"
awk -F'\t' '$1 == "OFV" { printf "%s", $2
    exit !($2 >= 116.803 - 0.01 && $2 <= 116.803 + 1) }' "$tmp/theoph" \
    > "$tmp/v"
ok $? "theoph OFV (FOCE-I at SAEM's estimates) $(cat "$tmp/v"), NONMEM 116.803"
awk -F'\t' '$1 == "OFV" { exit } NR > 1 && !($3 > 0) { bad++ } END { exit bad > 0 }' \
    "$tmp/theoph"
ok $? "theoph SAEM: every estimate has a standard error"

# With combined error a variance can collapse toward 0 when few
# individuals make the samples' variance noisy (12 here; one chain per
# individual lost OMEGA_V, 2.5e-11, OFV 111.89): SAEM runs enough chains
# for 50 in all.  FOCE-I's fit of this model: OMEGA_V 0.0158, OFV 104.32.
sed 's/^error: .*/error: {additive: 0.3, proportional: 0.1}/' \
    "$top/testdata/theoph.yaml" > "$tmp/thcomb.yaml"
twin-fit -m "$tmp/thcomb.yaml" --population --method saem -j 2 \
    --no-covariance "$top/testdata/theoph.tsv" > "$tmp/thcomb" 2> "$tmp/err"
awk -F'\t' '$1 == "OMEGA_V" { w = $2 } $1 == "OFV" { o = $2 }
    END { printf "OMEGA_V %.3g, OFV %.2f", w, o
    exit !(w > 0.005 && o > 104.32 - 0.01 && o < 104.32 + 0.5) }' \
    "$tmp/thcomb" > "$tmp/v"
ok $? "theoph, combined error: no variance collapses ($(cat "$tmp/v"))"

# --- the same for a given seed, whatever the threads --------------------
# (short runs: 20 + 10 iterations)
short="--population --method saem --saem-iterations 20,10"
twin-fit -m "$top/testdata/theoph.yaml" $short -j 2 \
    "$top/testdata/theoph.tsv" > "$tmp/s2" 2> "$tmp/err"
ok $? "--saem-iterations 20,10 runs"
twin-fit -m "$top/testdata/theoph.yaml" $short -j 1 \
    "$top/testdata/theoph.tsv" > "$tmp/s1" 2> "$tmp/err"
cmp -s "$tmp/s1" "$tmp/s2"
ok $? "SAEM: the same results (and SEs) on 1 and 2 threads"
# (the estimates and OFV: the diagnostics after them come from the modes
# that the covariance step leaves)
sed '/^NOBS/,$d' "$tmp/s2" | cut -f1,2 > "$tmp/est"
twin-fit -m "$top/testdata/theoph.yaml" $short --seed 1 --no-covariance \
    "$top/testdata/theoph.tsv" | sed '/^NOBS/,$d' | cut -f1,2 |
    cmp -s "$tmp/est" -
ok $? "SAEM: --seed 1 is the default"
twin-fit -m "$top/testdata/theoph.yaml" $short --seed 2 --no-covariance \
    "$top/testdata/theoph.tsv" | cut -f1,2 | cmp -s "$tmp/est" -
[ $? -eq 1 ]
ok $? "SAEM: another seed, other samples"
cut -f1,2 "$tmp/theoph" | cmp -s "$tmp/est" -
[ $? -eq 1 ]
ok $? "--saem-iterations changes the run"

# --- --log: one row per SAEM iteration (man twin-fit: --log) -------------
# 7 burn-in and 3 smoothing iterations: ITERATION -7 (the model's values),
# -6 .. 0 (burn-in), 1 .. 3 (smoothing), the OFV only in the last row.
slog="--population --method saem --saem-iterations 7,3 --no-covariance"
twin-fit -m "$top/testdata/pheno.yaml" $slog -j 2 --log "$tmp/slog" \
    "$top/testdata/pheno.tsv" > "$tmp/sest" 2> "$tmp/err"
ok $? "--method saem --log runs"
head -n 1 "$tmp/slog" | grep -q '^ITERATION	TVCL	TVV	TVAPGR	OMEGA_CL	OMEGA_V	SIGMA_PROP	OFV$'
ok $? "SAEM --log: the FOCE-I log's header"
awk -F'\t' 'NR > 1 { if (NF != 8 || $1 != NR - 9) bad++; n++ }
    NR > 1 && $1 <= 0 { k1++ } NR > 1 && $1 > 0 { k2++ }
    END { exit bad > 0 || n != 11 || k1 != 8 || k2 != 3 }' "$tmp/slog"
ok $? "SAEM --log: k1 + k2 + 1 rows, ITERATION -k1 .. 0 burn-in, 1 .. k2 smoothing"
# the start: pheno.yaml's values, sigma as a variance (0.115^2 = 0.013225)
sed -n 2p "$tmp/slog" | awk -F'\t' '{ exit !($2 == 0.0047 && $3 == 1 &&
    $4 == 0.15 && $5 == 0.03 && $6 == 0.03 && ($7 - 0.013225)^2 < 1e-24 &&
    $8 == ".") }'
ok $? "SAEM --log: the first row is the model's values, OFV ."
awk -F'\t' 'NR > 1 && NR < 12 && $8 != "." { bad++ }
    END { exit bad > 0 }' "$tmp/slog"
ok $? "SAEM --log: OFV . in every row but the last"
# the last row, text for text, is the estimates table (values and OFV)
sed '/^NOBS/,$d' "$tmp/sest" | sed 1d | cut -f2 > "$tmp/sv"
tail -n 1 "$tmp/slog" | cut -f2- | tr '\t' '\n' | cmp -s "$tmp/sv" -
ok $? "SAEM --log: the last row is the estimates and the OFV"
# the parameters move toward the estimates: the end of the burn-in (row 0)
# is closer to them than the start (summed |log ratio|)
awk -F'\t' 'NR > 1 { for (i = 2; i <= 7; i++) v[$1, i] = $i }
    END { for (i = 2; i <= 7; i++) {
	a += (x = log(v[-7, i] / v[3, i])) < 0 ? -x : x
	b += (x = log(v[0, i] / v[3, i])) < 0 ? -x : x }
    printf "%.3f at the start, %.3f at 0", a, b; exit !(b < a) }' \
    "$tmp/slog" > "$tmp/v"
ok $? "SAEM --log: toward the estimates ($(cat "$tmp/v"))"
twin-fit -m "$top/testdata/pheno.yaml" $slog -j 1 --log "$tmp/slog1" \
    "$top/testdata/pheno.tsv" > /dev/null 2> "$tmp/err"
cmp -s "$tmp/slog" "$tmp/slog1"
ok $? "SAEM --log: the same on 1 and 2 threads"
twin-fit -m "$top/testdata/pheno.yaml" --population --method saem \
    --saem-iterations 5,5 --log "$tmp/slog55" "$top/testdata/pheno.tsv" \
    > /dev/null 2> "$tmp/err" &&
    awk -F'\t' 'NR > 1 { n++ } END { exit n != 11 }' "$tmp/slog55" &&
    sed -n 2p "$tmp/slog55" | cut -f1 | grep -qx -- -5 &&
    tail -n 1 "$tmp/slog55" | cut -f1 | grep -qx 5
ok $? "SAEM --log with --saem-iterations 5,5: rows -5 .. 5"

# --- options --------------------------------------------------------------
for bad in "--method sam" "--saem-iterations 10" "--saem-iterations 0,5" \
    "--saem-iterations 5,x"; do
	twin-fit -m "$top/testdata/theoph.yaml" --population $bad \
	    "$top/testdata/theoph.tsv" > /dev/null 2> "$tmp/err"
	[ $? -eq 1 ] && grep -q "^twin-fit: " "$tmp/err"
	ok $? "twin-fit --population $bad: a usage error"
done
twin-fit -m "$top/testdata/theoph.yaml" --method saem \
    "$top/testdata/theoph.tsv" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "goes with --population" "$tmp/err"
ok $? "--method without --population: a usage error"
twin-fit -m "$top/testdata/theoph.yaml" --population --seed 3 \
    "$top/testdata/theoph.tsv" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "go with --method saem" "$tmp/err"
ok $? "--seed with FOCE-I: a usage error"

# --- recovery: an omega block ----------------------------------------------
# fit.t's FOCE-I case, with 50 individuals (one chain each): pk1cmt with
# a CL-V covariance and proportional error; each estimate near the
# cohort's realised truth: 5% for thetas, 35% for omega entries, 15% for
# sigma^2 (about 2 SE: with the covariance step, which takes 15 s here,
# the largest deviation was 0.9 SE, OMEGA_KA at 20%).
sed -e 's/^error: .*/error: {proportional: 0.1}/' \
    -e 's/^  V: 0.04$/  V: 0.04\n  "CL,V": 0.03/' "$top/models/pk1cmt.yaml" \
    > "$tmp/pk1b.yaml"
{
	printf 'ID\tTIME\tEVID\tAMT\tCMT\tDV\tMDV\n1\t0\t1\t100\tdepot\t.\t1\n'
	for t in 0.5 1 2 4 6 8 12 24; do
		printf '1\t%s\t0\t.\tcentral\t0\t0\n' $t
	done
} > "$tmp/rich1"
twin-sim -m "$tmp/pk1b.yaml" --iiv --ruv --seed 5 -n 50 < "$tmp/rich1" \
    > "$tmp/popsim" 2> /dev/null
twin-fit -m "$tmp/pk1b.yaml" --population --method saem -j 2 \
    --no-covariance "$tmp/popsim" > "$tmp/popfit" 2> "$tmp/err"
ok $? "SAEM fits a simulated cohort with an omega block"
awk -F'\t' '
FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
FILENAME == ARGV[1] {
	if ($c[ARGV[1], "EVID"] != 1) next
	n++; a[n] = $c[ARGV[1], "ETA_CL"]; b[n] = $c[ARGV[1], "ETA_V"]
	k[n] = $c[ARGV[1], "ETA_KA"]; next
}
{ est[$1] = $2 }
END {
	for (i = 1; i <= n; i++) { ma += a[i] / n; mb += b[i] / n; mk += k[i] / n }
	for (i = 1; i <= n; i++) {
		va += (a[i] - ma) ^ 2 / n; vb += (b[i] - mb) ^ 2 / n
		vk += (k[i] - mk) ^ 2 / n; cab += (a[i] - ma) * (b[i] - mb) / n
	}
	t["TVCL"] = 5 * exp(ma); t["TVV"] = 50 * exp(mb); t["TVKA"] = 1.2 * exp(mk)
	t["OMEGA_CL"] = va; t["OMEGA_V"] = vb; t["OMEGA_KA"] = vk
	t["OMEGA_CL_V"] = cab; t["SIGMA_PROP"] = 0.01
	for (p in t) {
		tol = p ~ /^OMEGA/ ? 0.35 : p ~ /^SIGMA/ ? 0.15 : 0.05
		r = (est[p] - t[p]) / t[p]; if (r < 0) r = -r
		if (!(r <= tol)) { bad++; printf "%s %g vs %g; ", p, est[p], t[p] }
		if (r > rmax) { rmax = r; worst = p }
	}
	printf "largest relative error %.3f (%s)", rmax, worst
	exit bad > 0
}' "$tmp/popsim" "$tmp/popfit" > "$tmp/v"
ok $? "omega block recovery: $(cat "$tmp/v")"

# --- recovery: a Michaelis-Menten population ----------------------------
# One compartment, IV bolus, elimination VMAX C / (KM + C), random effects
# on VMAX and V, KM without (estimated by the numeric M-step).  Two dose
# levels (C0 about 2.5 and 10 times KM) so that KM is identified; 50
# subjects (one chain each) with 6 samples each, simulated by twin-sim.  The truth is the
# cohort's realised one: the typical values times the exponential of the
# mean drawn random effect, their sample variances, and the mean squared
# relative residual drawn (DV / IPRED - 1).  Tolerances, about 2 SE: 5% on
# TVVMAX and TVV, 10% on KM, 25% on the variances (SE about
# sqrt(2/50) = 20% for omega against the population value, less against
# the realised one), 15% on sigma^2 (SE sqrt(2/300) = 8%).
cat > "$tmp/mm1.yaml" <<'EOF'
name: mm1
description: one compartment, IV bolus, Michaelis-Menten elimination
units: {time: h, amount: mg, volume: L, concentration: mg/L}
compartments: [central]
theta:
  TVVMAX: 10     # mg/h
  TVV: 20        # L
  KM: 2          # mg/L
omega:
  VMAX: 0.09
  V: 0.04
individual:
  VMAX: TVVMAX * exp(ETA_VMAX)
  V: TVV * exp(ETA_V)
ode:
  central: -VMAX * (central/V) / (KM + central/V)
output:
  CP: central/V
dv: CP
error: {proportional: 0.1}
EOF
{
	printf 'ID\tTIME\tEVID\tAMT\tCMT\tDV\n1\t0\t1\t100\tcentral\t.\n'
	for t in 1 3 6 10 14 20; do printf '1\t%s\t0\t.\tcentral\t.\n' $t; done
	printf '2\t0\t1\t400\tcentral\t.\n'
	for t in 1 4 12 24 36 48; do printf '2\t%s\t0\t.\tcentral\t.\n' $t; done
} > "$tmp/design"
twin-sim -m "$tmp/mm1.yaml" --iiv --ruv --seed 5 -n 25 "$tmp/design" \
    > "$tmp/mmsim"
twin-fit -m "$tmp/mm1.yaml" --population --method saem -j 2 --rtol 1e-6 \
    --saem-iterations 200,100 --no-covariance "$tmp/mmsim" > "$tmp/mmfit" \
    2> "$tmp/err"
ok $? "SAEM fits a simulated Michaelis-Menten population"
awk -F'\t' '
FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
FILENAME == ARGV[1] {
	if ($c[ARGV[1], "EVID"] == 1) {
		n++; a[n] = $c[ARGV[1], "ETA_VMAX"]; b[n] = $c[ARGV[1], "ETA_V"]
	} else {
		r = $c[ARGV[1], "DV"] / $c[ARGV[1], "IPRED"] - 1
		ss += r * r; nobs++
	}
	next
}
{ est[$1] = $2 }
END {
	for (i = 1; i <= n; i++) { ma += a[i] / n; mb += b[i] / n }
	for (i = 1; i <= n; i++) {
		va += (a[i] - ma) ^ 2 / n; vb += (b[i] - mb) ^ 2 / n
	}
	t["TVVMAX"] = 10 * exp(ma); tol["TVVMAX"] = 0.05
	t["TVV"] = 20 * exp(mb); tol["TVV"] = 0.05
	t["KM"] = 2; tol["KM"] = 0.10
	t["OMEGA_VMAX"] = va; tol["OMEGA_VMAX"] = 0.25
	t["OMEGA_V"] = vb; tol["OMEGA_V"] = 0.25
	t["SIGMA_PROP"] = ss / nobs; tol["SIGMA_PROP"] = 0.15
	for (p in t) {
		r = (est[p] - t[p]) / t[p]; if (r < 0) r = -r
		if (!(r <= tol[p])) { bad++; printf "%s %g vs %g; ", p, est[p], t[p] }
		if (r > rmax) { rmax = r; worst = p }
	}
	printf "largest relative error %.3f (%s)", rmax, worst
	exit bad > 0
}' "$tmp/mmsim" "$tmp/mmfit" > "$tmp/v"
ok $? "Michaelis-Menten recovery: $(cat "$tmp/v")"

done_testing
