#!/bin/sh
# Run every compiled unit test (each prints TAP) as one renumbered stream.
cd "$(dirname "$0")" || exit 1
for t in test_*; do
	case "$t" in *.c|*.o|*.dSYM) continue ;; esac
	[ -x "$t" ] || continue
	./"$t" 2>&1 | sed "s/^\(not \)\{0,1\}ok [0-9]* - /&$t: /"
	echo "# exit $t $?"
done | awk '
/^(not )?ok [0-9]+ / { n++; sub(/ok [0-9]+ /, "ok " n " "); print; next }
/^1\.\./ { next }
{ print }
END { print "1.." n }'
