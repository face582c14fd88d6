#!/usr/bin/perl
# tests/ref/cgm.pl -- independent reference computation of the consensus
# continuous glucose monitoring (CGM) metrics, used by the tests of
# twin-report.  Perl 5, core modules only.  Written from the published
# definitions, not from the C code.
#
# Usage: perl tests/ref/cgm.pl [--y COLUMN] [--unit mg/dL|mmol/L]
#            [--time-unit h|min] [--interval MIN] < records.tsv
#
# Input: NONMEM-style event records, TSV with a header line; '#' lines are
# comments; '.', 'NA' and the empty string are missing.  Columns used: ID,
# TIME, the glucose column (--y, default DV) and, when present, EVID and MDV.
# TIME is in hours (--time-unit h, default) or minutes (--time-unit min);
# it is converted to minutes (h * 60).  Glucose is in mg/dL (default) or
# mmol/L (--unit mmol/L: multiplied by 18.0 to mg/dL, the factor used by
# the consensus, Battelino 2019, e.g. 70 mg/dL = 3.9 mmol/L).
#
# Output: one TSV row per ID (order of first appearance), header
#   ID N MEAN SD CV GMI TBR2 TBR1 TIR TAR1 TAR2 LBGI HBGI HYPO54 HYPO70 COVERAGE
# numbers printed with %.17g, '.' when not computable.
#
# ---------------------------------------------------------------------------
# Definitions implemented.
# References:
#   [B19] Battelino T, Danne T, Bergenstal RM, et al. Clinical Targets for
#         Continuous Glucose Monitoring Data Interpretation: Recommendations
#         From the International Consensus on Time in Range. Diabetes Care
#         2019;42(8):1593-1603.
#   [D17] Danne T, Nimri R, Battelino T, et al. International Consensus on
#         Use of Continuous Glucose Monitoring. Diabetes Care
#         2017;40(12):1631-1640 (hypoglycaemic events: >= 15 consecutive
#         minutes below the threshold).
#   [K97] Kovatchev BP, Cox DJ, Gonder-Frederick LA, Clarke W. Symmetrization
#         of the blood glucose measurement scale and its applications.
#         Diabetes Care 1997;20(11):1655-1658;  [K06] Kovatchev BP et al.,
#         Evaluation of a new measure of blood glucose variability in
#         diabetes. Diabetes Care 2006;29(11):2433-2438.
#   [B18] Bergenstal RM, Beck RW, Close KL, et al. Glucose Management
#         Indicator (GMI): A New Term for Estimating A1C From Continuous
#         Glucose Monitoring. Diabetes Care 2018;41(11):2275-2280.
#
# Readings (per ID): rows with EVID 0 or missing, MDV not 1 (or missing),
#   glucose not missing; sorted by time (stable).  g = glucose in mg/dL.
# N    = number of readings.
# MEAN = sum(g)/N.   SD = sqrt(sum((g - MEAN)^2)/(N - 1)) (sample SD,
#   '.' when N < 2).   CV = 100 * SD/MEAN (%).
# GMI  = 3.31 + 0.02392 * MEAN   (%, [B18], MEAN in mg/dL).
# Percent of readings (each reading weighs equally) [B19]:
#   TBR2 = 100 * #{g < 54}/N            (level 2 hypoglycaemia)
#   TBR1 = 100 * #{54 <= g < 70}/N      (level 1)
#   TIR  = 100 * #{70 <= g <= 180}/N
#   TAR1 = 100 * #{180 < g <= 250}/N    (level 1)
#   TAR2 = 100 * #{g > 250}/N           (level 2)
#   The consensus writes the ranges "54-69", "70-180", "181-250" mg/dL, for
#   integer readings; for real numbers these exact half-open intervals are
#   used: [.,54) [54,70) [70,180] (180,250] (250,.).
# LBGI/HBGI [K97, K06], g in mg/dL (constants for mg/dL):
#   f(g) = 1.509 * ((ln g)^1.084 - 5.381);   r(g) = 10 * f(g)^2;
#   rl = r if f < 0 else 0;   rh = r if f > 0 else 0;
#   LBGI = mean of rl over the readings, HBGI = mean of rh.
#   (f is undefined for g < 1 mg/dL: then LBGI and HBGI are '.'.)
# Hypoglycaemic events [D17], thresholds T = 54 (HYPO54) and T = 70 (HYPO70):
#   an episode is a maximal run of consecutive readings (consecutive in the
#   time-sorted list of readings; rows with a missing glucose are not
#   readings and do not break a run) with g < T.  Its duration is
#     (time of the first reading with g >= T after the run, or, if the run
#      reaches the last reading, the time of the last reading + interval)
#     - (time of the first reading of the run),
#   in minutes.  The episode counts when its duration >= 15 min.
#   HYPO54/HYPO70 = number of episodes that count.
# COVERAGE = 100 * N / expected,
#   expected = floor((t_last - t_first)/interval) + 1, t in minutes,
#   t_first/t_last = times of the first/last reading, interval = --interval
#   (default 5 min).
#
# Floating point: times given in hours (e.g. 5 min = 0.083333... h) are not
# exact in binary, so a duration meant to be 15 min may come out as
# 14.999999999999998.  The two comparisons on times are therefore made with
# an absolute tolerance EPS = 1e-6 min (0.06 ms):
#   episode counts     when duration >= 15 - EPS;
#   expected readings  = floor((t_last - t_first)/interval + EPS) + 1.
#
# Numbers are parsed with POSIX::strtod (the C library's conversion).
# ---------------------------------------------------------------------------
use strict;
use warnings;
use POSIX ();
use Getopt::Long;

my $ycol     = 'DV';
my $unit     = 'mg/dL';
my $tunit    = 'h';
my $interval = 5;
GetOptions('y=s' => \$ycol, 'unit=s' => \$unit, 'time-unit=s' => \$tunit,
           'interval=f' => \$interval)
    or die "usage: $0 [--y COLUMN] [--unit mg/dL|mmol/L] [--time-unit h|min] [--interval MIN] < records.tsv\n";
my $gfac = $unit eq 'mg/dL' ? 1 : $unit eq 'mmol/L' ? 18.0
         : die "$0: --unit must be mg/dL or mmol/L\n";
my $tfac = $tunit eq 'h' ? 60 : $tunit eq 'min' ? 1
         : die "$0: --time-unit must be h or min\n";
die "$0: --interval must be > 0\n" unless $interval > 0;

use constant EPS => 1e-6;    # minutes

sub missing { my $v = shift; return !defined $v || $v eq '' || $v eq '.' || $v eq 'NA'; }
sub num {
    my ($v, $what) = @_;
    my ($x, $unparsed) = POSIX::strtod($v);
    die "$0: not a number in $what: '$v'\n" if $unparsed;
    return $x;
}

my (@header, %col, @ids, %rd);
while (my $line = <STDIN>) {
    $line =~ s/\r?\n\z//;
    next if $line =~ /^#/;
    next if $line =~ /^\s*\z/ && @header;
    my @f = split /\t/, $line, -1;
    if (!@header) {
        @header = @f;
        for my $i (0 .. $#f) { $col{ $f[$i] } = $i; }
        for my $need ('ID', 'TIME', $ycol) {
            die "$0: no column $need\n" unless exists $col{$need};
        }
        next;
    }
    my $get = sub { my $c = shift; return exists $col{$c} ? $f[ $col{$c} ] : undef; };
    my $id = $get->('ID');
    push @ids, $id unless exists $rd{$id};
    $rd{$id} ||= [];
    my $evid = $get->('EVID');
    next if !missing($evid) && num($evid, 'EVID') != 0;
    my $mdv = $get->('MDV');
    next if !missing($mdv) && num($mdv, 'MDV') == 1;
    my $y = $get->($ycol);
    next if missing($y);
    push @{ $rd{$id} }, [ num($get->('TIME'), 'TIME') * $tfac, num($y, $ycol) * $gfac ];
}

my @out = qw(ID N MEAN SD CV GMI TBR2 TBR1 TIR TAR1 TAR2 LBGI HBGI HYPO54 HYPO70 COVERAGE);
print join("\t", @out), "\n";

sub fmt {
    my $x = shift;
    return '.' unless defined $x;
    return '.' if $x != $x || $x == 9**9**9 || $x == -9**9**9;
    return sprintf('%.17g', $x);
}

for my $id (@ids) {
    my $m = metrics($rd{$id});
    print join("\t", $id, map { fmt($m->{$_}) } @out[1 .. $#out]), "\n";
}

sub episodes {
    my ($r, $thr) = @_;
    my $count = 0;
    my $i = 0;
    while ($i < @$r) {
        if ($r->[$i][1] >= $thr) { $i++; next; }
        my $start = $r->[$i][0];
        my $j = $i;
        $j++ while $j < @$r && $r->[$j][1] < $thr;
        my $end = $j < @$r ? $r->[$j][0] : $r->[-1][0] + $interval;
        $count++ if $end - $start >= 15 - EPS;
        $i = $j;
    }
    return $count;
}

sub metrics {
    my $r = shift;
    use sort 'stable';
    my @r = sort { $a->[0] <=> $b->[0] } @$r;
    my $n = @r;
    my %m = (N => $n);
    return \%m unless $n;
    my $sum = 0;
    $sum += $_->[1] for @r;
    my $mean = $sum / $n;
    $m{MEAN} = $mean;
    if ($n >= 2) {
        my $ss = 0;
        $ss += ($_->[1] - $mean)**2 for @r;
        $m{SD} = sqrt($ss / ($n - 1));
        $m{CV} = 100 * $m{SD} / $mean;
    }
    $m{GMI} = 3.31 + 0.02392 * $mean;
    my @c = (0) x 5;
    for (@r) {
        my $g = $_->[1];
        if    ($g < 54)   { $c[0]++ }
        elsif ($g < 70)   { $c[1]++ }
        elsif ($g <= 180) { $c[2]++ }
        elsif ($g <= 250) { $c[3]++ }
        else              { $c[4]++ }
    }
    @m{qw(TBR2 TBR1 TIR TAR1 TAR2)} = map { 100 * $_ / $n } @c;
    my ($rl, $rh, $ok) = (0, 0, 1);
    for (@r) {
        my $g = $_->[1];
        if ($g < 1) { $ok = 0; last; }
        my $f = 1.509 * (log($g)**1.084 - 5.381);
        my $risk = 10 * $f * $f;
        $rl += $risk if $f < 0;
        $rh += $risk if $f > 0;
    }
    if ($ok) { $m{LBGI} = $rl / $n; $m{HBGI} = $rh / $n; }
    $m{HYPO54} = episodes(\@r, 54);
    $m{HYPO70} = episodes(\@r, 70);
    my $expected = POSIX::floor(($r[-1][0] - $r[0][0]) / $interval + EPS) + 1;
    $m{COVERAGE} = 100 * $n / $expected;
    return \%m;
}
