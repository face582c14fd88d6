#!/bin/sh
# bench/replay/diary.sh - a 14-day meal diary for replay validation:
# breakfast 30-70 g between 06:30 and 08:30, lunch 40-80 g between 12:00
# and 13:30, dinner 50-100 g between 18:30 and 20:30 (uniform, 5-min and
# 5-g steps), drawn by the Park-Miller generator (16807 x mod 2^31 - 1,
# exact in an awk double) from seed $1 (default 1), so that every awk
# gives the same diary.  Writes records ID TIME EVID AMT CMT for one
# individual, ID 1, TIME in min (the uvapadova model), AMT in mg.
# Usage: sh bench/replay/diary.sh [SEED] [DAYS]
awk -v seed="${1:-1}" -v days="${2:-14}" 'BEGIN {
	OFS = "\t"; x = seed % 2147483647; if (x <= 0) x = 1
	print "ID", "TIME", "EVID", "AMT", "CMT"
	split("390 30 70 120  720 40 80 90  1110 50 100 120", m, " ")
	for (d = 0; d < days; d++)
		for (k = 0; k < 3; k++) {
			t0 = m[4 * k + 1]; lo = m[4 * k + 2]
			hi = m[4 * k + 3]; span = m[4 * k + 4]
			x = (16807 * x) % 2147483647
			t = t0 + 5 * int(x / 2147483647 * (span / 5 + 1))
			x = (16807 * x) % 2147483647
			g = lo + 5 * int(x / 2147483647 * ((hi - lo) / 5 + 1))
			print 1, 1440 * d + t, 1, 1000 * g, "Qsto1"
		}
}'
