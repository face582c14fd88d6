#!/bin/sh
# bench/ss41/run.sh - issue 10's steady-state target: one individual of a
# 41-state whole-body PBPK model (ss41.yaml, from gen.py: W3 split three
# ways, stiff, saturable liver) with an SS=1 dose, 100 mg i.v. q12h.
#
# Prints the milliseconds per individual, (time for 21 - time for 1) / 20
# (the process's start-up and the model's compilation left out), medians
# of BENCH_REPS (default 3), and checks the steady state against 100
# doses given one by one (relative difference, expected < 1e-8).
here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/../.." && pwd) || exit 2
reps=${BENCH_REPS:-3}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$top" && make -s twin-sim || exit 2
sim="$top/twin-sim"
for n in 1 21; do
	awk -v n=$n -v ss=1 -v addl=0 'BEGIN {
	    print "ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\tADDL\tBW\tHLM_CLint"
	    for (i = 1; i <= n; i++) printf "%d\t0\t1\t100\tAve\t12\t%d\t%d\t%g\t%g\n",
	        i, ss, addl, 60 + i, 6 + i / 5 }' > "$tmp/ss$n.tsv"
done
"$sim" -m "$here/ss41.yaml" --grid 0:12:1 "$tmp/ss1.tsv" > /dev/null 2>&1
t() {	# seconds of one run
	s=$(date +%s.%N)
	"$sim" -m "$here/ss41.yaml" --grid 0:12:1 "$1" > /dev/null 2>&1 || exit 1
	e=$(date +%s.%N)
	awk -v e="$e" -v s="$s" 'BEGIN { print e - s }'
}
for r in $(seq "$reps"); do
	a=$(t "$tmp/ss1.tsv") || exit 1
	b=$(t "$tmp/ss21.tsv") || exit 1
	echo "$a $b"
done | awk '{ print ($2 - $1) / 20 * 1000 }' | sort -n |
    awk '{ d[NR] = $1 } END { printf "ss41 SS=1: %.1f ms per individual " \
    "(median of %d; target <= 50 ms)\n", d[int((NR + 1) / 2)], NR }'
awk 'BEGIN { print "ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tBW\tHLM_CLint"
    printf "1\t0\t1\t100\tAve\t12\t99\t61\t6.2\n" }' > "$tmp/many.tsv"
"$sim" -m "$here/ss41.yaml" --grid 1188:1200:2 "$tmp/many.tsv" 2> /dev/null |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["EVID"] != 1 { print $h["Cp"] }' > "$tmp/a"
"$sim" -m "$here/ss41.yaml" --grid 0:12:2 "$tmp/ss1.tsv" 2> /dev/null |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["EVID"] != 1 { print $h["Cp"] }' > "$tmp/b"
paste "$tmp/a" "$tmp/b" | awk '{ d = ($1 - $2) / $1; if (d < 0) d = -d
    if (d > w) w = d } END { printf "steady state vs 100 doses: worst relative difference %.2g\n", w }'
