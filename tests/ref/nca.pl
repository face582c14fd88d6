#!/usr/bin/perl
# tests/ref/nca.pl -- independent reference noncompartmental analysis (NCA)
# for single-dose data, used by the tests of twin-report.  Perl 5, core
# modules only.  Written from the published definitions, not from the C code.
#
# Usage: perl tests/ref/nca.pl [--method linlog|linear] [--y COLUMN] < records.tsv
#
# Input: NONMEM-style event records, TSV with a header line; lines starting
# with '#' are comments; '.', 'NA' and the empty string are missing values.
# Columns used: ID, TIME, EVID, AMT, MDV and the y column (default DV); any
# others are ignored.  A missing EVID column (or value) means observation.
#
# Output: one TSV row per ID, in order of first appearance, header
#   ID CMAX TMAX CLAST TLAST AUCLAST AUCINF AUCPEXT LAMBDAZ LZN LZR2ADJ THALF MRT CL VZ
# numbers printed with %.17g, '.' when not computable.
#
# ---------------------------------------------------------------------------
# Definitions implemented (references: Gabrielsson J, Weiner D,
# Pharmacokinetic and Pharmacodynamic Data Analysis: Concepts and
# Applications, 4th ed. 2000 / 5th ed. 2016, ch. 2 (NCA, sect. 2.8.4
# "Strategies for estimation of lambda-z"); Phoenix WinNonlin User's Guide,
# "NCA computation rules" / Lambda Z best-fit; PKNCA documentation,
# pk.calc.half.life and the "Half-Life Calculation" vignette):
#
# Selection of records (per ID):
#   observation: EVID is 0 or missing, MDV is not 1, y is not missing;
#   dose:        EVID is 1 or 4; Dose = sum of AMT (missing AMT counts 0);
#   t_dose = time of the first dose.  All times are made relative to t_dose
#   (t - t_dose); observations with t < t_dose are ignored.  With no dose
#   record, t_dose = 0 and CL, VZ are '.'.
#   Extravascular single-dose assumption: if there is no observation at
#   t = 0 (the dose time), a concentration C = 0 at t = 0 is inserted
#   (as Phoenix WinNonlin does for extravascular/infusion single-dose data).
#   Observations are sorted by time (stable: equal times keep file order).
#
# CMAX = max C; TMAX = first time at which C = CMAX.
# CLAST = last C > 0, TLAST its time.  (No C > 0: CLAST, TLAST, AUCLAST and
#   everything after them are '.'.)
#
# AUCLAST = integral of C from 0 to TLAST, summed over consecutive
#   intervals (t1,C1)-(t2,C2), dt = t2 - t1:
#   linear trapezoid:   AUC_i  = (C1 + C2)/2 * dt
#                       AUMC_i = (t1*C1 + t2*C2)/2 * dt
#   log trapezoid, used by --method linlog (default, "linear-up/log-down")
#   when C2 < C1 and C1 > 0 and C2 > 0; otherwise linear:
#                       k      = ln(C1/C2)/dt
#                       AUC_i  = (C1 - C2)/ln(C1/C2) * dt   (= (C1 - C2)/k)
#                       AUMC_i = (t1*C1 - t2*C2)/k + (C1 - C2)/k^2
#   (the exact integrals of C(t) and t*C(t) for C(t) = C1*exp(-k(t - t1))).
#   --method linear uses the linear trapezoid everywhere.
#   Intervals with dt = 0 (duplicate times) contribute 0.
#
# Lambda-z, "best fit" (adjusted R^2) rule:
#   candidate points: observations with t > TMAX (strictly after: the Cmax
#     point and everything before it excluded) and C > 0;
#   candidate sets: the last n of them, n = 3, 4, ..., all;
#   each set: ordinary least squares of ln C on t:
#     slope b = Sxy/Sxx, R^2 = 1 - SSres/SStot,
#     adjR^2 = 1 - (1 - R^2)(n - 1)/(n - 2);
#   only fits with slope b < 0 are kept;
#   best = largest adjR^2 among them; among the fits with
#     adjR^2 >= best - 1e-4 the one with the most points is chosen;
#   LAMBDAZ = -b, LZN = n, LZR2ADJ = its adjR^2.
#   No kept fit: LAMBDAZ and everything derived from it are '.'.
#   (PKNCA takes its maximum over all fits, including those with slope >= 0,
#   and uses a strict '>'; WinNonlin/NonCompart compare within TOL = 1e-4
#   among decreasing fits.  The rule above is the one twin-report specifies.)
#
# THALF   = ln 2 / LAMBDAZ
# AUCINF  = AUCLAST + CLAST/LAMBDAZ                (observed Clast)
# AUCPEXT = 100 * (AUCINF - AUCLAST)/AUCINF
# AUMCINF = AUMCLAST + CLAST*TLAST/LAMBDAZ + CLAST/LAMBDAZ^2
# MRT     = AUMCINF/AUCINF
# CL      = Dose/AUCINF                 (CL/F for an extravascular dose)
# VZ      = Dose/(LAMBDAZ * AUCINF)     (Vz/F for an extravascular dose)
#
# Numbers are parsed with POSIX::strtod (the C library's correctly rounded
# conversion) so that inputs become exactly the doubles a C program reads.
# ---------------------------------------------------------------------------
use strict;
use warnings;
use POSIX ();
use Getopt::Long;

my $method = 'linlog';
my $ycol   = 'DV';
GetOptions('method=s' => \$method, 'y=s' => \$ycol)
    or die "usage: $0 [--method linlog|linear] [--y COLUMN] < records.tsv\n";
die "$0: --method must be linlog or linear\n"
    unless $method eq 'linlog' || $method eq 'linear';

sub missing { my $v = shift; return !defined $v || $v eq '' || $v eq '.' || $v eq 'NA'; }
sub num {
    my ($v, $what) = @_;
    my ($x, $unparsed) = POSIX::strtod($v);
    die "$0: not a number in $what: '$v'\n" if $unparsed;
    return $x;
}

# ---- read the records ----
my (@header, %col, @ids, %rec);
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
    push @ids, $id unless exists $rec{$id};
    $rec{$id} ||= { obs => [], dose => [] };
    my $evid = $get->('EVID');
    $evid = missing($evid) ? 0 : num($evid, 'EVID');
    my $t = num($get->('TIME'), 'TIME');
    if ($evid == 1 || $evid == 4) {
        my $amt = $get->('AMT');
        push @{ $rec{$id}{dose} }, [ $t, missing($amt) ? 0 : num($amt, 'AMT') ];
    } elsif ($evid == 0) {
        my $mdv = $get->('MDV');
        next if !missing($mdv) && num($mdv, 'MDV') == 1;
        my $y = $get->($ycol);
        next if missing($y);
        push @{ $rec{$id}{obs} }, [ $t, num($y, $ycol) ];
    }
}

my @out_cols = qw(ID CMAX TMAX CLAST TLAST AUCLAST AUCINF AUCPEXT LAMBDAZ LZN
                  LZR2ADJ THALF MRT CL VZ);
print join("\t", @out_cols), "\n";

sub fmt {
    my $x = shift;
    return '.' unless defined $x;
    return '.' if $x != $x || $x == 9**9**9 || $x == -9**9**9;    # NaN, +-Inf
    return sprintf('%.17g', $x);
}

for my $id (@ids) {
    my $r = nca($rec{$id});
    print join("\t", $id, map { fmt($r->{$_}) } @out_cols[1 .. $#out_cols]), "\n";
}

# ---- one subject ----
sub nca {
    my $s = shift;
    my %r;
    my ($tdose, $dose);
    if (@{ $s->{dose} }) {
        $tdose = $s->{dose}[0][0];
        $dose  = 0;
        for my $d (@{ $s->{dose} }) {
            $tdose = $d->[0] if $d->[0] < $tdose;
            $dose += $d->[1];
        }
    } else {
        $tdose = 0;
    }
    my @p = map { [ $_->[0] - $tdose, $_->[1] ] } grep { $_->[0] >= $tdose } @{ $s->{obs} };
    return \%r unless @p;
    # stable sort by time (Perl's sort is a stable mergesort with this pragma)
    use sort 'stable';
    @p = sort { $a->[0] <=> $b->[0] } @p;
    # extravascular single dose: C(0) = 0 when no sample at the dose time
    unshift @p, [ 0, 0 ] unless $p[0][0] == 0;

    # Cmax / Tmax (first occurrence)
    my $im = 0;
    for my $i (1 .. $#p) { $im = $i if $p[$i][1] > $p[$im][1]; }
    $r{CMAX} = $p[$im][1];
    $r{TMAX} = $p[$im][0];

    # Clast / Tlast
    my $il;
    for my $i (reverse 0 .. $#p) { if ($p[$i][1] > 0) { $il = $i; last; } }
    return \%r unless defined $il;
    $r{CLAST} = $p[$il][1];
    $r{TLAST} = $p[$il][0];

    # AUClast, AUMClast
    my ($auc, $aumc) = (0, 0);
    for my $i (1 .. $il) {
        my ($t1, $c1) = @{ $p[ $i - 1 ] };
        my ($t2, $c2) = @{ $p[$i] };
        my $dt = $t2 - $t1;
        next if $dt == 0;
        if ($method eq 'linlog' && $c2 < $c1 && $c1 > 0 && $c2 > 0) {
            my $l = log($c1 / $c2);
            my $k = $l / $dt;
            $auc  += ($c1 - $c2) / $l * $dt;
            $aumc += ($t1 * $c1 - $t2 * $c2) / $k + ($c1 - $c2) / ($k * $k);
        } else {
            $auc  += ($c1 + $c2) / 2 * $dt;
            $aumc += ($t1 * $c1 + $t2 * $c2) / 2 * $dt;
        }
    }
    $r{AUCLAST} = $auc;

    # lambda-z best fit
    my @cand = grep { $_->[0] > $r{TMAX} && $_->[1] > 0 } @p;
    my @fits;
    for my $n (3 .. scalar @cand) {
        my @q = @cand[ $#cand - $n + 1 .. $#cand ];
        my ($mx, $my) = (0, 0);
        for (@q) { $mx += $_->[0]; $my += log($_->[1]); }
        $mx /= $n; $my /= $n;
        my ($sxx, $sxy, $syy) = (0, 0, 0);
        for (@q) {
            my $dx = $_->[0] - $mx;
            my $dy = log($_->[1]) - $my;
            $sxx += $dx * $dx; $sxy += $dx * $dy; $syy += $dy * $dy;
        }
        next unless $sxx > 0;
        my $b = $sxy / $sxx;
        next unless $b < 0;                      # then syy > 0 too
        my $ssres = 0;
        for (@q) {
            my $e = log($_->[1]) - ($my + $b * ($_->[0] - $mx));
            $ssres += $e * $e;
        }
        my $r2 = 1 - $ssres / $syy;
        my $adj = 1 - (1 - $r2) * ($n - 1) / ($n - 2);
        push @fits, { n => $n, lz => -$b, adj => $adj };
    }
    return \%r unless @fits;
    my $best = $fits[0]{adj};
    for (@fits) { $best = $_->{adj} if $_->{adj} > $best; }
    my $pick;
    for (@fits) {
        next unless $_->{adj} >= $best - 1e-4;
        $pick = $_ if !defined $pick || $_->{n} > $pick->{n};
    }
    my $lz = $pick->{lz};
    $r{LAMBDAZ} = $lz;
    $r{LZN}     = $pick->{n};
    $r{LZR2ADJ} = $pick->{adj};
    $r{THALF}   = log(2) / $lz;
    my $aucinf  = $auc + $r{CLAST} / $lz;
    $r{AUCINF}  = $aucinf;
    $r{AUCPEXT} = 100 * ($aucinf - $auc) / $aucinf;
    my $aumcinf = $aumc + $r{CLAST} * $r{TLAST} / $lz + $r{CLAST} / ($lz * $lz);
    $r{MRT}     = $aumcinf / $aucinf;
    if (defined $dose) {
        $r{CL} = $dose / $aucinf;
        $r{VZ} = $dose / ($lz * $aucinf);
    }
    return \%r;
}
