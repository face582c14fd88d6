#!/bin/sh
# tests/ref/selfcheck.t -- checks the reference scripts themselves (TAP):
#   nca.pl against published NonCompart (WinNonlin-rule) results for
#   theophylline and against closed-form exponential cases;
#   cgm.pl against the closed-form expectations of cgm_trace.pl.
# Needs only perl (core modules).  Run: prove tests/ref/selfcheck.t
ref=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$ref/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0; fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }

# 1. Theophylline subjects 1-6, linear trapezoid, dose 320 mg as in NonCompart.
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 && $3 == "1" { $4 = 320 } { print }' \
	"$top/testdata/theoph.tsv" | perl "$ref/nca.pl" --method linear | sed -n 1,7p >"$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-13 "$tmp/got" "$ref/nca_noncompart.tsv"
ok $? "nca.pl --method linear = NonCompart on Theoph 1-6 (15 digits)"

# 2. Theophylline subject 1, linear-up/log-down: NonCompart's AUC(..., down="Log")
#    prints AUClast 147.23475 and AUMClast 1499.129085 (AUMClast recovered
#    from MRT*AUCINF - CLAST*TLAST/LAMBDAZ - CLAST/LAMBDAZ^2).
perl "$ref/nca.pl" <"$top/testdata/theoph.tsv" | awk -F'\t' '$1 == "1" {
	aumc = $13 * $7 - $4 * $5 / $9 - $4 / ($9 * $9)
	d1 = $6 - 147.23475; d2 = aumc - 1499.129085
	exit !(d1 * d1 < 1e-10 && d2 * d2 < 1e-10) }'
ok $? "nca.pl linlog AUClast/AUMClast of Theoph 1 = NonCompart (printed digits)"

# 3. Closed form: C = 10 exp(-0.1 t).
#    ID 1: dose 100 at 0, samples at 0 1 2 4 8 12 24 (Cmax at 0).
#    ID 2: dose 60 + 40 at TIME 10, a pre-dose sample (ignored), an MDV=1 row
#    and a '.' row (ignored), samples at 1 2 4 8 12 24 h after the dose and
#    none at the dose time, so C(0) = 0 is inserted: the first interval is a
#    linear-up trapezoid, the rest exact exponential areas.
perl -e '
	my $c = sub { 10 * exp(-0.1 * $_[0]) };
	print "ID\tTIME\tEVID\tAMT\tDV\tMDV\n1\t0\t1\t100\t.\t1\n";
	printf "1\t%s\t0\t.\t%.17g\t0\n", $_, $c->($_) for 0, 1, 2, 4, 8, 12, 24;
	print "2\t8\t0\t.\t0.5\t0\n2\t10\t1\t60\t.\t1\n2\t10\t1\t40\t.\t1\n";
	print "2\t10.5\t0\t.\t7\t1\n2\t10.7\t0\t.\t.\t0\n";
	printf "2\t%s\t0\t.\t%.17g\t0\n", $_ + 10, $c->($_) for 1, 2, 4, 8, 12, 24;
' >"$tmp/exp.tsv"
perl -e '
	my $k = 0.1; my $c = sub { 10 * exp(-$k * $_[0]) };
	my $C24 = $c->(24); my $C1 = $c->(1);
	print join("\t", qw(ID CMAX TMAX CLAST TLAST AUCLAST AUCINF AUCPEXT LAMBDAZ LZN LZR2ADJ THALF MRT CL VZ)), "\n";
	# ID 1: AUC(0,24) = (10 - C24)/k, AUCINF = 10/k, MRT = 1/k, CL = k*Dose/10
	my $auc = (10 - $C24) / $k;
	print join("\t", 1, 10, 0, $C24, 24, $auc, 100, 100 * $C24 / 10, $k, 6, 1,
		log(2) / $k, 1 / $k, 1, 10), "\n";
	# ID 2: [0,1] linear from 0 to C1, then exact exponential from 1 to 24
	my $auc2  = $C1 / 2 + ($C1 - $C24) / $k;
	my $aumc2 = $C1 / 2 + (1 * $C1 - 24 * $C24) / $k + ($C1 - $C24) / $k**2;
	my $inf2  = $auc2 + $C24 / $k;
	my $aumcinf2 = $aumc2 + $C24 * 24 / $k + $C24 / $k**2;
	print join("\t", 2, $C1, 1, $C24, 24, $auc2, $inf2, 100 * ($C24 / $k) / $inf2,
		$k, 5, 1, log(2) / $k, $aumcinf2 / $inf2, 100 / $inf2, 100 / ($k * $inf2)), "\n";
' | perl -pe 's/(\d\S*)/sprintf("%.17g",$1)/ge if $. > 1' >"$tmp/want"
perl "$ref/nca.pl" <"$tmp/exp.tsv" >"$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-12 "$tmp/got" "$tmp/want"
ok $? "nca.pl = closed form for exponential decay (log-down exact, C0 inserted, dose shift)"

# 4. CGM trace: cgm.pl = closed-form expectation, TIME in h and in min.
perl "$ref/cgm_trace.pl" --expected >"$tmp/want"
perl "$ref/cgm_trace.pl" | perl "$ref/cgm.pl" >"$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-9 "$tmp/got" "$tmp/want"
ok $? "cgm.pl = cgm_trace.pl --expected (TIME in h)"
perl "$ref/cgm_trace.pl" --time-unit min | perl "$ref/cgm.pl" --time-unit min >"$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-9 "$tmp/got" "$tmp/want"
ok $? "cgm.pl = cgm_trace.pl --expected (TIME in min)"

echo "1..$n"
[ "$fail" -eq 0 ]
