#!/bin/sh
# Mistakes in model files (testdata/bad/*.yaml, one mistake each): twin-sim
# exits 2 before writing anything, with "twin-sim: FILE:LINE:COL: message"
# naming the offending name, the column pointing into the expression for
# errors inside one.
. "$(dirname "$0")/lib.sh"

bad="$top/testdata/bad"

printf 'ID\tTIME\tAMT\tEVID\n1\t0\t100\t1\n1\t1\t.\t0\n' > "$tmp/in.tsv"

# errmsg FILE WHERE PHRASE [PHRASE2]: a line of stderr starts with
# "twin-sim: FILE:WHERE: " (WHERE an extended regular expression for
# LINE or LINE:COL) and contains PHRASE (and PHRASE2) as fixed strings.
errmsg() {
	awk -v p="twin-sim: $1:" -v l="$2" -v k="$3" -v k2="${4-}" '
	index($0, p) == 1 && match(substr($0, length(p) + 1), "^(" l "): ") &&
	    index($0, k) && index($0, k2) { f = 1 }
	END { exit !f }' "$tmp/err"
}

# try MODEL WHERE PHRASE [PHRASE2] DESC: run testdata/bad/MODEL.yaml.
try() {
	f="$bad/$1.yaml"
	twin-sim -m "$f" < "$tmp/in.tsv" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ]
	ok $? "$5 ($1.yaml): exit status 2 (got $rc), nothing on stdout"
	errmsg "$f" "$2" "$3" "$4"
	s=$?
	ok $s "$5 ($1.yaml): stderr has \"$1.yaml:$2: ...$3...${4:+$4...}\""
	[ "$s" -eq 0 ] || sed 's/^/# stderr: /' "$tmp/err"
}

# The bracket opened on line 3 is still open when line 4 starts.
try unclosed "(3|4):[0-9]+" "']'" "" "malformed YAML, unclosed bracket"
try section "7:1" '"outputs"' "section" "unknown top-level section"
try unknown-name "9:13" '"CLX"' "" "unknown name in an expression"
try state-in-ind "6:14" '"central"' "compartment" \
    "compartment amount in an individual parameter"
try before-def "6:6" '"CL"' "before" "parameter used before its definition"
# "-TVCL/TVV * * central": the operand after the first '*' is missing.
try syntax "6:(23|24)" "central" "" "syntax error in an expression"
try unknown-func "6:14" '"expp"' "" "unknown function"
# "max(TVCL)" spans columns 7 to 15.
try arity "6:([7-9]|1[0-5])" "max" "2" "wrong number of arguments"
try ode-unknown "7:(3|11)" '"periph"' "" "ode for an unknown compartment"
# depot is declared at line 3, column 16.
try no-ode "3(:16)?" '"depot"' "" "compartment without an ode"
try duplicate "6:(3|7)" '"CL"' "twice" "name defined twice"
try dv-not-output "9:5" '"TVV"' "output" "dv is not an output"
try theta-nan "5:9" '"five"' "number" "theta that is not a number"
try omega-neg "6:3" "CL" "negative" "negative omega variance"
# CL,V: 0.5 at line 8, but |0.5| > sqrt(0.09 * 0.04).
try omega-cov "8(:3)?" "CL" "V" "covariance larger than the variances allow"
try omega-dup "8(:3)?" "CL" "" "random effect given two variances"
try error-kind "9:24" '"poisson"' "" "unknown error model kind"
try error-neg "10:3" "proportional" "negative" "negative error sd"
try error-expo "(10|11)(:3)?" "exponential" "additive" \
    "exponential error combined with additive"
try solver-name "9:9" '"rk4"' "solver" "unknown integrator in solver:"
try solver-exact "9:9" "exact" "not linear" \
    "solver: exact on a model that is not linear"
try lag-unknown "9:(3|8)" '"gut"' "" "lag for an unknown compartment"
try cov-attr "6:8" '"defualt"' "" "unknown covariate attribute"
try interp "6:34" '"spline"' "interpolate" \
    "interpolate not locf, nocb or linear"
try cov-optional "6:3" '"WT"' "needs a default" \
    "an optional covariate without a default"
try cov-optional-bool "6:31" '"yes please"' "true or false" \
    "optional neither true nor false"
try tol-range "9:12" "1e-20" "outside" "a model tolerance out of range"
try tol-key "9:37" '"reltol"' "rtol, atol" "an unknown tolerance key"
try tol-half "9:12" "tolerance" "both rtol and atol" "a tolerance without atol"
# The model's tolerances are used unless the command line gives its own:
# a model with tolerance: {rtol: 1e-4, atol: 1e-4} simulates as --rtol 1e-4
# --atol 1e-4 does with the model without it, and --rtol 1e-10 --atol 1e-12
# on it as the model without it does by default.
printf 'ID\tTIME\tAMT\tCMT\n1\t0\t100\tcentral\n' > "$tmp/tol.tsv"
sed 's/^output:/tolerance: {rtol: 1e-4, atol: 1e-4}\noutput:/' \
    "$bad/tol-range.yaml" | grep -v "^tolerance: {rtol: 1e-20" > "$tmp/tolm.yaml"
grep -v '^tolerance' "$bad/tol-range.yaml" > "$tmp/tol0.yaml"
twin-sim -m "$tmp/tolm.yaml" --solver bdf --grid 0:24:1 "$tmp/tol.tsv" > "$tmp/a" 2>&1 &&
twin-sim -m "$tmp/tol0.yaml" --solver bdf --rtol 1e-4 --atol 1e-4 --grid 0:24:1 \
    "$tmp/tol.tsv" > "$tmp/b" 2>&1 && cmp -s "$tmp/a" "$tmp/b" &&
twin-sim -m "$tmp/tol0.yaml" --solver bdf --grid 0:24:1 "$tmp/tol.tsv" > "$tmp/c" 2>&1 &&
! cmp -s "$tmp/a" "$tmp/c" &&
twin-sim -m "$tmp/tolm.yaml" --solver bdf --rtol 1e-10 --atol 1e-12 --grid 0:24:1 \
    "$tmp/tol.tsv" > "$tmp/d" 2>&1 && cmp -s "$tmp/c" "$tmp/d"
ok $? "a model's tolerance: used by default, overridden by --rtol and --atol"
# An optional covariate without a column: no warning; an ordinary one warns.
sed 's/{defualt: 70}/{default: 70, optional: true}/' "$bad/cov-attr.yaml" \
    > "$tmp/opt.yaml"
twin-sim -m "$tmp/opt.yaml" < "$tmp/in.tsv" > "$tmp/out" 2> "$tmp/err" &&
    [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ]
ok $? "an optional covariate without a column: no warning"
sed 's/{defualt: 70}/{default: 70}/' "$bad/cov-attr.yaml" > "$tmp/opt.yaml"
twin-sim -m "$tmp/opt.yaml" < "$tmp/in.tsv" > "$tmp/out" 2> "$tmp/err" &&
    grep -q "no column for these covariates.*WT=70" "$tmp/err"
ok $? "an ordinary covariate without a column: the warning"
# po: gut at line 7; gut is not a compartment.
try route-unknown "7:3" '"po"' '"gut"' "route to an unknown compartment"
# routes: {iv: central, iv: central}: the second iv at column 23.
try route-dup "5:23" '"iv"' "twice" "route given twice"
try route-nocmt "6:9" 'route has' "no compartment" "route mapping without a compartment"

# Model not found, by name and by path.
twin-sim -m nosuchmodel < "$tmp/in.tsv" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ]
ok $? "model not found by name: exit status 2 (got $rc), nothing on stdout"
grep '^twin-sim: ' "$tmp/err" | grep '"nosuchmodel"' | grep -q "not found"
ok $? "model not found by name: stderr names the model"
twin-sim -m "$bad/nosuch.yaml" < "$tmp/in.tsv" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ]
ok $? "model file not found: exit status 2 (got $rc), nothing on stdout"
grep -qF "twin-sim: $bad/nosuch.yaml: " "$tmp/err"
ok $? "model file not found: stderr names the file"

# tryfile FILE WHERE PHRASE PHRASE2 DESC: like try, for a model made
# here, refused within 10 s (the limits are checked while loading).
tryfile() {
	f="$1"
	timeout 10 twin-sim -m "$f" < "$tmp/in.tsv" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ]
	ok $? "$5: exit status 2 within 10 s (got $rc), nothing on stdout"
	errmsg "$f" "$2" "$3" "$4"
	s=$?
	ok $s "$5: stderr has \"$(basename "$f"):$2: ...$3...${4:+$4...}\""
	[ "$s" -eq 0 ] || sed 's/^/# stderr: /' "$tmp/err"
}

# Bounds (twin-model(5)): malformed, on an unknown name, a theta outside.
cat > "$tmp/bounds.yaml" <<'EOF'
compartments: [central]
theta: {TVCL: 5, TVV: 50}
individual: {CL: TVCL, V: TVV}
ode: {central: -CL/V*central}
output: {CP: central/V}
bounds: [CL > 0, V >< 0]
EOF
tryfile "$tmp/bounds.yaml" "6:18" '"V >< 0"' "form" "malformed bound"
sed 's/V >< 0/VV > 0/' "$tmp/bounds.yaml" > "$tmp/bounds2.yaml"
tryfile "$tmp/bounds2.yaml" "6:18" '"VV"' "not a theta" \
    "bound on an unknown name"
sed 's/V >< 0/TVCL < 0/' "$tmp/bounds.yaml" > "$tmp/bounds3.yaml"
tryfile "$tmp/bounds3.yaml" "6:18" "TVCL = 5" "TVCL < 0" \
    "theta outside its bound"
sed 's/V >< 0/0 < CL <= 10/' "$tmp/bounds.yaml" > "$tmp/bounds4.yaml"
tryfile "$tmp/bounds4.yaml" "6:18" '"CL"' "two bounds" \
    "two bounds on one name"
sed 's/V >< 0/1 < V < 1/' "$tmp/bounds.yaml" > "$tmp/bounds5.yaml"
tryfile "$tmp/bounds5.yaml" "6:18" '"1 < V < 1"' "no value" \
    "bound that admits no value"

# Size: 23 nested derived quantities, each using the previous twice
# (2^23 nodes once substituted: 2 GB, refused, before they had slots)
# now load and run at once; 10,000 compartments (3.9 GB of dense
# Jacobian before the limit) are refused.
{
	echo 'compartments: [c]'
	echo 'theta: {K: 1}'
	echo 'derived:'
	echo '  D0: K*c'
	i=1
	while [ $i -le 23 ]; do
		echo "  D$i: D$((i - 1))*D$((i - 1))"
		i=$((i + 1))
	done
	echo 'ode: {c: -D23}'
	echo 'output: {Y: c}'
} > "$tmp/nested.yaml"
# Without a dose c stays 0, and so does every D.
printf 'ID\tTIME\n1\t0\n1\t1\n' |
    timeout 10 twin-sim -m "$tmp/nested.yaml" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && awk -F'\t' 'NR > 1 && $NF != 0 { bad = 1 }
    END { exit bad || NR != 3 }' "$tmp/out"
ok $? "23 nested derived quantities load and run within 10 s (got $rc)"
awk 'BEGIN {
	printf "compartments: [c0"
	for (i = 1; i < 10000; i++) printf ", c%d", i
	print "]"
	print "theta: {K: 1}"
	print "ode:"
	for (i = 0; i < 10000; i++) printf "  c%d: -K*c%d\n", i, i
	print "output: {Y: c0}"
}' > "$tmp/big.yaml"
tryfile "$tmp/big.yaml" "1:[0-9]+" '"c1000"' "more than 1000" \
    "10,000 compartments"

done_testing
