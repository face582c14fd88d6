#!/usr/bin/perl
# tests/ref/tsvcmp.pl -- compare two TSV tables cell by cell.
# Usage: perl tests/ref/tsvcmp.pl [--rel R] [--abs A] GOT.tsv WANT.tsv
# Headers must be equal; rows are matched in order.  Two numeric cells
# agree when |got - want| <= R*max(|got|,|want|) + A (defaults R = 1e-9,
# A = 0); other cells must be equal strings ('.' only matches '.').
# Prints each disagreement; exit status 0 if none, 1 otherwise.
use strict;
use warnings;
use Getopt::Long;
my ($rel, $abs) = (1e-9, 0);
GetOptions('rel=f' => \$rel, 'abs=f' => \$abs) && @ARGV == 2
    or die "usage: $0 [--rel R] [--abs A] GOT.tsv WANT.tsv\n";
sub rows {
    my $f = shift;
    open my $fh, '<', $f or die "$0: $f: $!\n";
    my @r;
    while (<$fh>) { s/\r?\n\z//; next if /^#/; push @r, [ split /\t/, $_, -1 ]; }
    return \@r;
}
my ($g, $w) = (rows($ARGV[0]), rows($ARGV[1]));
my $num = qr/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
my $bad = 0;
if (@$g != @$w) { print "row count: got ", scalar @$g, ", want ", scalar @$w, "\n"; $bad++; }
my @h = @{ $w->[0] || [] };
for my $i (0 .. ($#$g < $#$w ? $#$g : $#$w)) {
    my ($a, $b) = ($g->[$i], $w->[$i]);
    if (@$a != @$b) { print "row $i: got ", scalar @$a, " cells, want ", scalar @$b, "\n"; $bad++; next; }
    for my $j (0 .. $#$b) {
        my ($x, $y) = ($a->[$j], $b->[$j]);
        my $ok;
        if ($x =~ $num && $y =~ $num) {
            my $m = abs($x) > abs($y) ? abs($x) : abs($y);
            $ok = abs($x - $y) <= $rel * $m + $abs;
        } else {
            $ok = $x eq $y;
        }
        next if $ok;
        printf "row %d (%s) %s: got %s, want %s\n", $i, $a->[0], $h[$j] // $j, $x, $y;
        $bad++;
    }
}
exit($bad ? 1 : 0);
