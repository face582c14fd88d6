#!/usr/bin/perl
# tests/ref/cgm_trace.pl -- a generated CGM trace whose consensus metrics are
# known by construction, for the tests of twin-report (and of cgm.pl).
# Perl 5, core modules only.
#
# Usage: perl tests/ref/cgm_trace.pl [--time-unit h|min]              # the trace
#        perl tests/ref/cgm_trace.pl --expected                       # its metrics
#
# The trace: TSV "ID TIME DV", 2 IDs, one slot every 5 min for 14 days
# (slots k = 0 .. 4031, TIME = k*5 min, printed in hours (k/12, %.17g) by
# default or in minutes with --time-unit min), glucose in mg/dL.  Each ID is
# a list of segments of consecutive slots:
#   [L, n]       n readings at the constant level L mg/dL
#   ['dot', n]   n rows printed with DV '.' (missing, not readings)
#   ['omit', n]  n slots with no row at all (a gap in the stream)
#
# --expected prints the table cgm.pl prints (same header, %.17g), computed
# from the construction in closed form -- counts of readings per level,
# N = sum n_L, MEAN = sum n_L*L/N, SD^2 = sum n_L*(L - MEAN)^2/(N - 1),
# percentages = 100*(sum of n_L over the levels in the range)/N,
# LBGI/HBGI = sum n_L*rl(L)/N, sum n_L*rh(L)/N, COVERAGE = 100*N/(last
# reading's slot - first reading's slot + 1) -- and the episode counts
# stated below (E0..E10), worked out by hand from the rule in cgm.pl:
# a run of consecutive readings < T lasts from its first reading to the
# first reading >= T after it (or last reading + 5 min at the end of the
# record) and counts when that is >= 15 min.  It does not call cgm.pl.
use strict;
use warnings;
use Getopt::Long;

my $expected = 0;
my $tunit    = 'h';
GetOptions('expected' => \$expected, 'time-unit=s' => \$tunit)
    or die "usage: $0 [--expected] [--time-unit h|min]\n";
die "$0: --time-unit must be h or min\n" unless $tunit eq 'h' || $tunit eq 'min';

use constant SLOTS => 14 * 288;    # 14 days of 5-min slots = 4032

my @design = (
  { id => 1,
    segs => [
      [100, 383],
      [40, 3],            # E1: 3 readings < 54, next reading (100) 15 min after
                          #     the first: exactly 15 min -> counts <54 and <70.
                          #     Slot 383 is chosen so that in doubles both
                          #     (t2 - t1)*60 and t2*60 - t1*60, with t = k/12 h,
                          #     give 14.999999999999998 min: an implementation
                          #     comparing ">= 15" without a tolerance misses it.
      [100, 300],
      [40, 2],            # E2: 10 min -> counts for neither
      [100, 300],
      [60, 6],            # E3: 30 min < 70 (not < 54) -> counts <70
      [100, 200],
      [60, 2],            # E4: 10 min < 70 -> does not count
      [200, 400],
      [60, 4], [40, 3], [60, 4],
                          # E5: one run < 70 of 11 readings, 55 min -> counts <70;
                          #     inside it a run < 54 of 3 readings, ended by a
                          #     60 reading 15 min later -> counts <54
      [100, 300],
      [40, 1], [60, 1], [40, 1],
                          # E6: run < 70 of 3 readings, 15 min -> counts <70;
                          #     two runs < 54 of 5 min each -> do not count
      [100, 200],
      ['omit', 288],      # one day without rows (coverage < 100 %)
      [300, 200],
      [100, 1434],
    ],
    hypo54 => 2,          # E1, E5
    hypo70 => 4,          # E1, E3, E5, E6
  },
  { id => 2,
    segs => [
      ['dot', 12],        # leading rows with DV '.': the record starts at slot 12
      [54, 100],          # E0: 54 is not < 54 but is < 70: a run < 70 starting at
                          #     the first reading, 500 min -> counts <70
      [70, 100],          # boundaries: 54 -> TBR1, 70 and 180 -> TIR, 250 -> TAR1
      [180, 100],
      [250, 100],
      [120, 1000],
      [40, 1], ['dot', 4], [40, 1],
                          # E7: two consecutive readings < 54 with 4 missing rows
                          #     between them; the next reading (120) is 30 min
                          #     after the first -> counts <54 and <70
      [120, 500],
      [40, 2], [54, 1], [40, 2],
                          # E8: runs < 54 of 10 min, broken by 54 -> neither
                          #     counts; one run < 70 of 25 min -> counts <70
      [120, 300],
      [60, 2], [70, 1], [60, 2],
                          # E9: runs < 70 of 10 min, broken by 70 -> neither counts
      [120, 300],
      [300, 500],
      [200, 500],
      [120, 501],
      [40, 3],            # E10: the record ends in a run < 54 of 3 readings:
                          #      (last + 5 min) - first = 15 min -> counts both
    ],
    hypo54 => 2,          # E7, E10
    hypo70 => 4,          # E0, E7, E8, E10
  },
);

for my $d (@design) {
    my $n = 0;
    $n += $_->[1] for @{ $d->{segs} };
    die "$0: ID $d->{id} has $n slots, not " . SLOTS . "\n" unless $n == SLOTS;
}

if (!$expected) {
    print "ID\tTIME\tDV\n";
    for my $d (@design) {
        my $k = 0;
        for my $s (@{ $d->{segs} }) {
            my ($what, $n) = @$s;
            for (1 .. $n) {
                my $t = $tunit eq 'h' ? sprintf('%.17g', $k / 12) : $k * 5;
                if    ($what eq 'omit') { }
                elsif ($what eq 'dot')  { print "$d->{id}\t$t\t.\n"; }
                else                    { print "$d->{id}\t$t\t$what\n"; }
                $k++;
            }
        }
    }
    exit 0;
}

# ---- expected metrics, closed form ----
my @out = qw(ID N MEAN SD CV GMI TBR2 TBR1 TIR TAR1 TAR2 LBGI HBGI HYPO54 HYPO70 COVERAGE);
print join("\t", @out), "\n";
for my $d (@design) {
    my (%cnt, $first, $last);
    my $k = 0;
    for my $s (@{ $d->{segs} }) {
        my ($what, $n) = @$s;
        if ($what ne 'omit' && $what ne 'dot') {
            $cnt{$what} += $n;
            $first = $k unless defined $first;
            $last = $k + $n - 1;
        }
        $k += $n;
    }
    my @lv = sort { $a <=> $b } keys %cnt;
    my ($n, $sum) = (0, 0);
    for (@lv) { $n += $cnt{$_}; $sum += $cnt{$_} * $_; }
    my $mean = $sum / $n;
    my $ss = 0;
    $ss += $cnt{$_} * ($_ - $mean)**2 for @lv;
    my $sd = sqrt($ss / ($n - 1));
    my $pct = sub { my $f = shift; my $c = 0; $c += $cnt{$_} for grep { $f->($_) } @lv; 100 * $c / $n };
    my ($rl, $rh) = (0, 0);
    for (@lv) {
        my $f = 1.509 * (log($_)**1.084 - 5.381);
        ($f < 0 ? $rl : $rh) += $cnt{$_} * 10 * $f * $f if $f != 0;
    }
    my %m = (
        N => $n, MEAN => $mean, SD => $sd, CV => 100 * $sd / $mean,
        GMI  => 3.31 + 0.02392 * $mean,
        TBR2 => $pct->(sub { $_[0] < 54 }),
        TBR1 => $pct->(sub { $_[0] >= 54 && $_[0] < 70 }),
        TIR  => $pct->(sub { $_[0] >= 70 && $_[0] <= 180 }),
        TAR1 => $pct->(sub { $_[0] > 180 && $_[0] <= 250 }),
        TAR2 => $pct->(sub { $_[0] > 250 }),
        LBGI => $rl / $n, HBGI => $rh / $n,
        HYPO54 => $d->{hypo54}, HYPO70 => $d->{hypo70},
        COVERAGE => 100 * $n / ($last - $first + 1),
    );
    print join("\t", $d->{id}, map { sprintf('%.17g', $m{$_}) } @out[1 .. $#out]), "\n";
}
