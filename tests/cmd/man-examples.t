#!/bin/sh
# The EXAMPLES of the manual pages run, and print what the pages say
# (mdoc(7): "Make sure that examples work properly!").  In each literal
# display a line "$ command" (continued by indented lines after a line
# ending in "|" or "\\", or inside a quoted string) is run in a
# scratch folder per page, in order; the lines after it up to the next
# command are its expected output.  "cat FILE" with FILE not yet there
# shows a file's contents: the file is made from them.  The folder holds
# links to the tree's examples/, models/ and testdata/.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

for page in "$top"/man/*.[1-9]; do
	name=$(basename "$page")
	dir="$tmp/$name"
	mkdir -p "$dir"
	# Examples may name the source tree's files, as after a checkout.
	for d in examples models testdata; do ln -s "$top/$d" "$dir/$d"; done
	awk -v dir="$dir" '
	function unesc(l) {
		gsub(/\\e/, "\\", l); gsub(/\\&/, "", l); gsub(/\\-/, "-", l)
		return l
	}
	/^\.Bd -literal/ { inb = 1; cur = 0; next }
	/^\.Ed/ { inb = 0; next }
	!inb { next }
	{ l = unesc($0) }
	function more(l,  c) {	# does the command go on after line l?
		c = l; q += gsub(/\047/, "", c)
		return l ~ /[|\\]$/ || q % 2
	}
	l ~ /^\$ / { cur = ++n; printf "%s\n", substr(l, 3) > (dir "/cmd" n)
	    q = 0; cont = more(l); printf "" > (dir "/exp" n); next }
	cur && cont && l ~ /^    / { print l > (dir "/cmd" n)
	    cont = more(l); next }
	cur { cont = 0; print l > (dir "/exp" n) }
	END { print n + 0 > (dir "/count") }' "$page"
	count=$(cat "$dir/count")
	i=1
	while [ "$i" -le "$count" ]; do
		cmd=$(cat "$dir/cmd$i")
		case "$cmd" in
		"cat "*)
			f=${cmd#cat }
			[ -e "$dir/$f" ] || cp "$dir/exp$i" "$dir/$f"
			;;
		esac
		(cd "$dir" && sh "$dir/cmd$i") > "$dir/got$i" 2> "$dir/err$i"
		cat "$dir/err$i" >> "$dir/got$i"
		rc=$?
		first=$(head -1 "$dir/cmd$i" | cut -c1-60)
		if [ -s "$dir/exp$i" ]; then
			cmp -s "$dir/got$i" "$dir/exp$i"
			ok $? "$name: $first"
		else
			[ $rc -eq 0 ]
			ok $? "$name: $first (runs)"
		fi
		i=$((i + 1))
	done
done
done_testing
