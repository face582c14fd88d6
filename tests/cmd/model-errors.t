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
try lag-unknown "9:(3|8)" '"gut"' "" "lag for an unknown compartment"
try cov-attr "6:8" '"defualt"' "" "unknown covariate attribute"
try interp "6:34" '"spline"' "interpolate" \
    "interpolate not locf, nocb or linear"
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

done_testing
