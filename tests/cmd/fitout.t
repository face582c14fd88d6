#!/bin/sh
# twin-fit --population's output beyond the estimates, against NONMEM
# 7.4.2's own output for the phenobarbital model (pharmpy's
# tests/testdata/nonmem/pheno_real.lst and pheno_real.cor; our
# testdata/pheno.yaml is that model, and its OFV equals NONMEM's, fit.t),
# and the fitted model (--write-model) in a round trip: fit, model,
# simulate, refit.
. "$(dirname "$0")/lib.sh"

# row NAME FILE: the ESTIMATE column of row NAME; se NAME FILE: its SE.
row() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$2"; }
se() { awk -F'\t' -v n="$1" '$1 == n { print $3 }' "$2"; }
# near GOT WANT TOL: |GOT - WANT| <= TOL
near() { awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w
    if (d < 0) d = -d; exit !(g != "" && d <= t) }'; }

twin-fit -m "$top/testdata/pheno.yaml" --population -j 2 --quiet \
    --log "$tmp/log" --correlation "$tmp/cor" --write-model "$tmp/fit.yaml" \
    "$top/testdata/pheno.tsv" > "$tmp/pheno" 2> "$tmp/err"
ok $? "twin-fit --population --log --correlation --write-model"
awk -F'\t' 'NF != 4 { bad++ } END { exit bad > 0 || NR != 21 }' "$tmp/pheno"
ok $? "the output is one table of 4 columns (header, 6 estimates, OFV, 13 diagnostics)"

# --- counts and information criteria (hand: k = 6, n = 155) ------------
ofv=$(row OFV "$tmp/pheno")
[ "$(row NOBS "$tmp/pheno")" = 155 ] && [ "$(row NIND "$tmp/pheno")" = 59 ] &&
    [ "$(row NPARAM "$tmp/pheno")" = 6 ]
ok $? "NOBS 155, NIND 59, NPARAM 6 (NONMEM: 155 observations, 59 individuals)"
near "$(row AIC "$tmp/pheno")" "$(awk -v o="$ofv" 'BEGIN { printf "%.10f", o + 12 }')" 1e-9
ok $? "AIC = OFV + 2 * 6"
near "$(row BIC "$tmp/pheno")" "$(awk -v o="$ofv" 'BEGIN { printf "%.10f", o + 6 * log(155) }')" 1e-9
ok $? "BIC = OFV + 6 log(155)"

# --- NONMEM's ETABAR, SE, P VAL., ETASHRINKSD(%), EPSSHRINKSD(%) --------
# Our estimates equal NONMEM's to about 1e-4 relative, so do the EBEs:
# ETABAR to 2e-5 (1e-3 of its SE), its SE and p to 1e-3 relative,
# shrinkage to 0.01 percentage points.
for ref in "CL 1.6884E-03 1.1692E-02 8.8518E-01 4.7130E+01" \
    "V -1.1976E-03 1.8795E-02 9.4919E-01 1.2839E+01"; do
	set -- $ref
	near "$(row "ETABAR_$1" "$tmp/pheno")" "$2" 2e-5 &&
	    near "$(se "ETABAR_$1" "$tmp/pheno")" "$3" "$(awk -v x="$3" 'BEGIN { print 1e-3 * x }')"
	ok $? "ETABAR_$1 $(row "ETABAR_$1" "$tmp/pheno") SE $(se "ETABAR_$1" "$tmp/pheno"): NONMEM $2 SE $3"
	near "$(row "ETABAR_P_$1" "$tmp/pheno")" "$4" 1e-3
	ok $? "ETABAR_P_$1 $(row "ETABAR_P_$1" "$tmp/pheno"): NONMEM $4 (normal, two-sided)"
	near "$(row "ETASHRINKSD_$1" "$tmp/pheno")" "$5" 0.01
	ok $? "ETASHRINKSD_$1 $(row "ETASHRINKSD_$1" "$tmp/pheno")%: NONMEM $5%"
done
near "$(row EPSSHRINKSD "$tmp/pheno")" 21.198 0.01
ok $? "EPSSHRINKSD $(row EPSSHRINKSD "$tmp/pheno")%: NONMEM 21.198%"

# --- the correlation matrix and its condition number --------------------
# pheno_real.cor in our order (TVCL TVV TVAPGR OMEGA_CL OMEGA_V SIGMA_PROP),
# lower triangle.  NONMEM's R and S are its own finite differences; our
# SEs agree with its to 2% (fit.t), the correlations to 0.005.
cat > "$tmp/nmcor" <<'END'
TVV TVCL 7.09865E-03
TVAPGR TVCL -9.46397E-02
TVAPGR TVV -3.56900E-01
OMEGA_CL TVCL -3.88058E-01
OMEGA_CL TVV 1.38062E-01
OMEGA_CL TVAPGR -9.65157E-02
OMEGA_V TVCL 9.79809E-02
OMEGA_V TVV 3.56662E-01
OMEGA_V TVAPGR -6.29909E-02
OMEGA_V OMEGA_CL -1.85111E-01
SIGMA_PROP TVCL 1.70820E-01
SIGMA_PROP TVV 2.38442E-01
SIGMA_PROP TVAPGR 1.53616E-01
SIGMA_PROP OMEGA_CL 1.59170E-01
SIGMA_PROP OMEGA_V -2.74949E-02
END
awk -F'\t' 'NR == FNR { split($0, f, " "); want[f[1] SUBSEP f[2]] = f[3]; n++
    next }
    FNR == 1 { for (i = 2; i <= NF; i++) name[i] = $i; next }
    { for (i = 2; i <= NF; i++) {
	if (name[i] == $1 && $i != 1) bad++
	c[$1 SUBSEP name[i]] = $i } }
    END { for (k in want) { d = c[k] - want[k]; if (d < 0) d = -d
	if (d > big) big = d; split(k, ab, SUBSEP)
	if (c[k] != c[ab[2] SUBSEP ab[1]]) bad++; m++ }
    printf "largest difference %.2g", big; exit bad > 0 || m != 15 || big > 0.005 }' \
    "$tmp/nmcor" "$tmp/cor" > "$tmp/v"
ok $? "--correlation: symmetric, unit diagonal, NONMEM's within 0.005 ($(cat "$tmp/v"))"
# The eigenvalues of NONMEM's matrix (R's eigen(): 1.57718870 ...
# 0.35914408) give 4.3915208.
near "$(row CONDITION "$tmp/pheno")" 4.3915208 0.009
ok $? "CONDITION $(row CONDITION "$tmp/pheno") = that of NONMEM's matrix 4.3915 (0.2%)"

# --- --log ---------------------------------------------------------------
head -n 1 "$tmp/log" | grep -q '^ITERATION	TVCL	TVV	TVAPGR	OMEGA_CL	OMEGA_V	SIGMA_PROP	OFV$'
ok $? "--log header: ITERATION, the parameters, OFV"
awk -F'\t' 'NR > 1 && ($1 != NR - 2 || NF != 8) { bad++ }
    NR == 2 && !($2 == 0.0047 && $3 == 1 && $4 == 0.15 && $5 == 0.03) { bad++ }
    NR > 2 && $8 > last + 1e-6 { bad++ } NR > 1 { last = $8 }
    END { exit bad > 0 || NR < 5 }' "$tmp/log"
ok $? "--log: one row per step from 0 (the model's start values), OFV not rising"
tail -n 1 "$tmp/log" | awk -F'\t' -v o="$ofv" '{ d = $8 - o; if (d < 0) d = -d
    exit !(d < 1e-6) }' && tail -n 1 "$tmp/log" | cut -f 2 |
    grep -qx "$(row TVCL "$tmp/pheno")"
ok $? "--log: the last row is the estimate"

# --- --write-model: the fitted model ------------------------------------
grep -q "^# Estimated by twin-fit --population --method focei on .*pheno.tsv" \
    "$tmp/fit.yaml" && grep -q "^# from model pheno (.*pheno.yaml): OFV 586.27" \
    "$tmp/fit.yaml" && grep -q "^#   OMEGA_CL 0.02935.*, SE 0.013.*(RSE 4[0-9.]*%)" \
    "$tmp/fit.yaml"
ok $? "--write-model: the header says what made it, the OFV and the SEs"
grep -q "^  TVCL: $(row TVCL "$tmp/pheno")  # SE 0.000210.*(RSE 4.4[0-9]%); clearance per kg" \
    "$tmp/fit.yaml"
ok $? "--write-model: the estimate in place, its SE and the old comment after it"
grep -q "^error: {proportional: 0.11506" "$tmp/fit.yaml"
ok $? "--write-model: sigma written as the standard deviation sqrt(0.013241)"
# Everything else is the source's text: after the header, only the 3
# theta, 2 omega and 1 error lines differ.
sed -n '/^# The source model/,$p' "$tmp/fit.yaml" | tail -n +2 > "$tmp/body"
[ "$(wc -l < "$tmp/body")" -eq "$(wc -l < "$top/testdata/pheno.yaml")" ] &&
    [ "$(diff "$tmp/body" "$top/testdata/pheno.yaml" | grep -c '^<')" -eq 6 ]
ok $? "--write-model: every other line of the model carried over unchanged"
twin-fit -m "$tmp/fit.yaml" --evaluate "$top/testdata/pheno.tsv" \
    > "$tmp/eval" 2> "$tmp/err"
near "$(row OFV "$tmp/eval")" "$ofv" 1e-6
ok $? "--evaluate of the written model: OFV $(row OFV "$tmp/eval") = the fit's $ofv (1e-6)"

# --- round trip: the fitted model simulates a population that refits ----
# Five replicates of the pheno design (295 infants, 775 levels) from the
# written model with its random effects and residual error, IDs made
# unique per replicate, refitted from pheno.yaml's start values.  With
# five times the information each estimate's SE shrinks by about sqrt(5);
# each must lie within 3 of the refit's SEs of the value simulated.
twin-sim -m "$tmp/fit.yaml" --iiv --ruv --seed 7 -n 5 --quiet \
    "$top/testdata/pheno.tsv" > "$tmp/sim" 2> "$tmp/err"
ok $? "twin-sim -m the written model --iiv --ruv -n 5"
awk -F'\t' -v OFS='\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
    keep = c["APGR"]; NF = keep; print; next }
    { $1 = $1 "_" $c["REP"]; NF = keep; print }' "$tmp/sim" > "$tmp/sim5"
twin-fit -m "$top/testdata/pheno.yaml" --population -j 2 --quiet \
    "$tmp/sim5" > "$tmp/refit" 2> "$tmp/err"
ok $? "the simulated cohort refits"
[ "$(row NIND "$tmp/refit")" = 295 ] && [ "$(row NOBS "$tmp/refit")" = 775 ]
ok $? "295 individuals, 775 observations"
for p in TVCL TVV TVAPGR OMEGA_CL OMEGA_V SIGMA_PROP; do
	truth=$(row "$p" "$tmp/pheno")
	awk -F'\t' -v n="$p" -v t="$truth" -v s0="$(se "$p" "$tmp/pheno")" '
	    $1 == n { z = ($2 - t) / $3; if (z < 0) z = -z
	    printf "%.4g (SE %.2g, %.2f SE from %.4g)", $2, $3, z, t
	    exit !(z <= 3 && $3 < s0) }' "$tmp/refit" > "$tmp/v"
	ok $? "round trip $p $(cat "$tmp/v")"
done

# --- what goes with what --------------------------------------------------
for opt in "--write-model $tmp/x" "--log $tmp/x" "--correlation $tmp/x"; do
	twin-fit -m "$top/testdata/pheno.yaml" $opt "$top/testdata/pheno.tsv" \
	    > /dev/null 2> "$tmp/err"
	[ $? -ne 0 ] && grep -q "go with --population" "$tmp/err"
	ok $? "${opt%% *} without --population: usage error"
done

done_testing
