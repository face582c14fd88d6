#!/bin/sh
# Run every compiled unit test (each prints TAP) as one renumbered stream;
# a test program that exits non-zero or crashes adds a failing test.
cd "$(dirname "$0")" || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in test_*; do
	case "$t" in *.c|*.o) continue ;; esac
	[ -x "$t" ] || continue
	./"$t" > "$out" 2>&1
	rc=$?
	sed "s/^\(not \)\{0,1\}ok [0-9]* - /&$t: /" "$out"
	[ $rc -eq 0 ] || echo "not ok 0 - $t exited with status $rc"
done | awk '
/^(not )?ok [0-9]+ / { n++; sub(/ok [0-9]+ /, "ok " n " "); print; next }
/^1\.\./ { next }
{ print }
END { print "1.." n }'
