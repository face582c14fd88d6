#!/bin/sh
# tests/layers.sh LAYER... - lib/ is layered: every #include "L/x.h" in
# lib/K/ names a layer L that comes no later than K in the list given
# (the Makefile's LAYERS, lowest first), and an existing header.  Prints
# each violation; exit status 1 if any.
bad=0
rank() {
	i=0
	for l in $layers; do
		i=$((i + 1))
		[ "$l" = "$1" ] && { echo $i; return; }
	done
	echo 0
}
layers="$*"
[ -n "$layers" ] || { echo "usage: sh tests/layers.sh LAYER..." >&2; exit 2; }
for d in lib/*/; do
	k=$(basename "$d")
	rk=$(rank "$k")
	[ "$rk" -gt 0 ] || { echo "lib/$k: not a layer ($layers)"; bad=1; continue; }
	for f in "$d"*.c "$d"*.h; do
		[ -e "$f" ] || continue
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			case $h in
			*/*) ;;
			*) echo "$f: #include \"$h\" names no layer"; bad=1
			   continue ;;
			esac
			l=${h%%/*}
			rl=$(rank "$l")
			if [ "$rl" -eq 0 ] || [ ! -f "lib/$h" ]; then
				echo "$f: #include \"$h\": no such header"
				bad=1
			elif [ "$rl" -gt "$rk" ]; then
				echo "$f: #include \"$h\" points up ($k includes $l)"
				bad=1
			fi
		done
	done
done
for f in lib/*.c lib/*.h; do
	[ -e "$f" ] && { echo "$f: outside the layers"; bad=1; }
done
exit $bad
