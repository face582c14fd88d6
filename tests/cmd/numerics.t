#!/bin/sh
# No silent wrong numbers from the solvers (issue 9): the exact solver on
# stiff systems and huge steps against closed forms, parameters outside
# their declared domain, tolerances outside their range.
. "$(dirname "$0")/lib.sh"

# close GOT WANT: |GOT - WANT| <= 1e-9 |WANT|.
close() {
	awk -v g="$1" -v w="$2" 'BEGIN {
		d = g - w; if (d < 0) d = -d; if (w < 0) w = -w
		exit !(g != "" && d <= 1e-9 * w) }'
}

# cp MODEL [OPTION]: simulate stdin, print CP of each observation.
cp_of() {
	twin-sim -m "$@" --no-pred | awk -F'\t' '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "CP") c = i; next }
	$3 == 0 { print $c }'
}

# 1-cmt oral, KA 1e16, CL/V 0.1, 100 mg in 50 L: CP(10) = 2 e^-1 (the
# Bateman function with e^(-KA t) = 0).
got=$(printf 'ID\tTIME\tEVID\tAMT\tKA\n1\t0\t1\t100\t1e16\n1\t10\t0\t.\t.\n' |
    cp_of pk1cmt)
want=$(awk 'BEGIN { printf "%.17g", 2 * exp(-1) }')
close "$got" "$want"
ok $? "pk1cmt KA 1e16: CP(10) $got = 2 exp(-1) = $want (1e-9)"

# KA 1e14, two observations: 2 e^-0.1 and 2 e^-1.
got=$(printf 'ID\tTIME\tEVID\tAMT\tKA\n1\t0\t1\t100\t1e14\n1\t1\t0\t.\t.\n1\t10\t0\t.\t.\n' |
    cp_of pk1cmt | tr '\n' ' ')
set -- $got
close "$1" "$(awk 'BEGIN { printf "%.17g", 2 * exp(-0.1) }')" &&
    close "$2" "$want"
ok $? "pk1cmt KA 1e14: CP(1), CP(10) $got = 2 exp(-0.1), 2 exp(-1)"

# Transit, MTT 1e-14 (KTR 4e14): the dose reaches transit3 at once, then
# KA 1 and CL/V 0.1: CP = 2 / 0.9 (e^-1 - e^-10) at 10 h.
got=$(printf 'ID\tTIME\tEVID\tAMT\tMTT\n1\t0\t1\t100\t1e-14\n1\t10\t0\t.\t.\n' |
    cp_of transit)
want=$(awk 'BEGIN { printf "%.17g", 2 / 0.9 * (exp(-1) - exp(-10)) }')
close "$got" "$want"
ok $? "transit MTT 1e-14: CP(10) $got = 2/0.9 (exp(-1) - exp(-10)) = $want"

# TIME 1.7e308 is beyond what the reader accepts (REC_NUM_MAX, 1e100): an
# error naming the line.  A step of 1e100 h (the largest accepted) is
# solved, everything eliminated; the exact solver's own handling of a
# 1.7e308 h step is in tests/unit/test_closed.c.
printf 'ID\tTIME\tEVID\tAMT\tWT\n1\t0\t1\t100\t70\n1\t1.7e308\t0\t.\t70\n' |
    twin-sim -m pk1cmt --no-pred > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q '^twin-sim: <stdin>:3: .*out of range' "$tmp/err"
ok $? "TIME 1.7e308: refused (exit $rc), naming line 3"
printf 'ID\tTIME\tEVID\tAMT\tWT\n1\t0\t1\t100\t70\n1\t1e100\t0\t.\t70\n' |
    twin-sim -m pk1cmt --no-pred > "$tmp/out" 2> "$tmp/err"
rc=$?
got=$(awk -F'\t' 'NR == 3 { print $NF }' "$tmp/out")
[ "$rc" -eq 0 ] && [ "$got" = 0 ] && [ ! -s "$tmp/err" ]
ok $? "TIME 1e100: exit 0 (got $rc), CP 0 (got $got), nothing on stderr"

# pkmm with KM -1 (a singularity at C = 1): refused, naming the record.
printf 'ID\tTIME\tEVID\tAMT\tKM\n1\t0\t1\t100\t-1\n1\t10\t0\t.\t.\n' |
    twin-sim -m pkmm > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] &&
    grep -qxF 'twin-sim: <stdin>:2: ID 1: KM = -1 is outside its domain KM > 0' \
    "$tmp/err"
ok $? "pkmm KM -1: exit 2 (got $rc), stderr names the record, value, bound"
[ "$rc" -eq 2 ] || sed 's/^/# stderr: /' "$tmp/err"
# A later record's value is checked too.
printf 'ID\tTIME\tEVID\tAMT\tKM\n1\t0\t1\t100\t4\n1\t10\t0\t.\t-1e-300\n' |
    twin-sim -m pkmm > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF '<stdin>:3: ID 1: KM = -1e-300 is outside' "$tmp/err"
ok $? "pkmm KM -1e-300 at the second record: exit 2 (got $rc), line 3"

# Tolerances: ranges in lib/solve/ode.h.
printf 'ID\tTIME\tEVID\tAMT\tDV\n1\t0\t1\t100\t.\n1\t10\t0\t.\t1\n' > "$tmp/in.tsv"
for opt in "--rtol 10" "--rtol 1e-15" "--atol 1e300" "--atol 0.1"; do
	for prog in twin-sim twin-fit; do
		# shellcheck disable=SC2086
		$prog -m pk1cmt $opt "$tmp/in.tsv" > "$tmp/out" 2> "$tmp/err"
		rc=$?
		[ "$rc" -ne 0 ] && grep -q "^$prog: .*tolerance .* is outside" \
		    "$tmp/err"
		ok $? "$prog $opt: refused (exit $rc) with the range"
		[ "$rc" -ne 0 ] || sed 's/^/# stderr: /' "$tmp/err"
	done
done
twin-sim -m pk1cmt --rtol 1e-2 --atol 1e-2 "$tmp/in.tsv" > /dev/null
ok $? "twin-sim --rtol 1e-2 --atol 1e-2 (the upper limits): accepted"

done_testing
