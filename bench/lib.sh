# bench/lib.sh - what bench/run.sh and bench/run-w23.sh share; sourced
# after $out is set.

# GNU time for peak RSS, or empty.
timebin=
if [ -x /usr/bin/time ] && /usr/bin/time -f '%e %M' -o /dev/null true \
    2>/dev/null; then
	timebin=/usr/bin/time
fi

# find_scipy: the first of $PEER_PYTHON, python3, /usr/bin/python3 that
# imports scipy.integrate, on stdout; status 1 if none.
find_scipy() {
	for _p in ${PEER_PYTHON:-python3 /usr/bin/python3}; do
		if "$_p" -c 'import scipy.integrate' >/dev/null 2>&1; then
			echo "$_p"
			return 0
		fi
	done
	return 1
}

# timed IN OUT CMD...: run CMD <IN >OUT; set wall (s, from date +%N),
# rss (peak KB from GNU time, or NA) and rc.
timed() {
	_in=$1 _o=$2
	shift 2
	_t0=$(date +%s.%N)
	if [ -n "$timebin" ]; then
		"$timebin" -f '%e %M' -o "$out/.time" "$@" <"$_in" >"$_o"
		rc=$?
	else
		"$@" <"$_in" >"$_o"
		rc=$?
	fi
	_t1=$(date +%s.%N)
	wall=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.4f", b - a }')
	rss=NA
	if [ -n "$timebin" ]; then
		rss=$(tail -n 1 "$out/.time" | awk '{ print $2 }')
	fi
}

# awk functions for the summaries, put before a program's text:
# median(s) of the space-separated numbers in s (NA if none; lo[s] and
# hi[s] get the extremes); fmt(x) with 3 decimals below 1, else 2.
stats_awk='
function median(s,   a, k, i, j, t, m) {
	k = split(s, a, " ")
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (k == 0) return "NA"
	m = (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	lo[s] = a[1]; hi[s] = a[k]
	return m
}
function fmt(x) {
	if (x == "NA") return "NA"
	return x < 1 ? sprintf("%.3f", x) : sprintf("%.2f", x)
}
'
