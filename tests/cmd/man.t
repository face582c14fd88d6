#!/bin/sh
# The manual pages as a reader sees them: what mandoc -T lint does not
# catch.
#
# Stray dashes.  In mdoc, Fl puts a dash before every word that follows
# it on the line, up to the next macro, punctuation included: ".Fl -amounts
# : a list" renders "--amounts: -a -list", and ".Fl m , \-model" renders
# "-m, -model".  Two rules catch this class:
#  - in the parse tree (mandoc -T tree) a macro's elements carry the line
#    and column of the macro: a second Fl element at the same place is
#    the same Fl going on after punctuation; its word is meant as an
#    option only if it starts with "\-" (".Fl m , \-model" is "-m,
#    --model"), otherwise it is a plain word made into one;
#  - in the rendered text (mandoc -T utf8), a word of three or more
#    lower-case letters after a single dash ("-list", "-default") is an
#    option name that lost its second dash or a word that gained one:
#    twin's short options are single letters.
# Footers: every page has the same .Os and a .Dd "Month D, YYYY".
# twin(7) FILES names every model the toolkit ships in models/.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

# flwords TREE: "line N: word; " for each plain word a continued Fl takes.
# The text a reader sees: mandoc's rendering without its overstrikes
# (what col -b does; col is not on a minimal Debian).
render() {
	mandoc -T utf8 "$1" 2> /dev/null | perl -pe 's/.\x08//g'
}

flwords() {
	awk '
	fl { fl = 0; if ($1 !~ /^\\-/) printf "line %s: %s; ", line, $1 }
	$1 == "Fl" && $2 == "(elem)" {
		pos = $3; sub(/^\*/, "", pos)
		if (pos in seen) { fl = 1; split(pos, lc, ":"); line = lc[1] }
		seen[pos] = 1
	}' "$1"
}

for page in "$top"/man/*.[1-9]; do
	name=$(basename "$page")
	# Rule 1: one Fl with several words.  (An empty tree or text, from
	# a mandoc that failed, fails the test instead of passing it.)
	mandoc -T tree "$page" > "$tmp/tree" 2> /dev/null
	bad=$(flwords "$tmp/tree")
	[ -s "$tmp/tree" ] && [ -z "$bad" ]
	s=$?
	ok $s "$name: no .Fl makes a plain word an option"
	[ $s -eq 0 ] || echo "# $bad"

	# Rule 2: "-word" in the rendered text.
	render "$page" > "$tmp/text"
	grep -nE '(^|[^-[:alnum:]_])-[a-z]{3,}' "$tmp/text" > "$tmp/dash"
	[ -s "$tmp/text" ] && [ ! -s "$tmp/dash" ]
	s=$?
	ok $s "$name: no option rendered with one dash too few (\"-word\")"
	[ $s -eq 0 ] || sed 's/^/# /' "$tmp/dash"

	# Footers.
	dd=$(sed -n 's/^\.Dd //p' "$page")
	echo "$dd" | grep -Eq '^(January|February|March|April|May|June|July|August|September|October|November|December) [1-9][0-9]?, [0-9]{4}$'
	ok $? "$name: .Dd is \"Month D, YYYY\" (got \"$dd\")"
	os=$(sed -n 's/^\.Os *//p' "$page")
	[ "$os" = "twin" ]
	ok $? "$name: .Os twin (got \"$os\")"
done

# The test's own rules catch what they are for.
printf '.Dd May 1, 2026\n.Dt X 1\n.Os twin\n.Sh NAME\n.Nm x\n.Nd x\n.Sh DESCRIPTION\n.Pq Fl \\-amounts : a list\n.Fl m , \\-model\n' > "$tmp/bad.1"
mandoc -T tree "$tmp/bad.1" > "$tmp/tree" 2> /dev/null
[ "$(flwords "$tmp/tree")" = "line 8: a; line 8: list; " ]
ok $? "rule 1 finds \"a\" and \"list\" on line 8 of a bad page, not line 9"
[ "$(render "$tmp/bad.1" |
    grep -oE '(^|[^-[:alnum:]_])-[a-z]{3,}')" = " -list" ]
ok $? "rule 2 finds \"-list\" in a bad page, not \"--model\""

# twin(7) FILES: every shipped model.
render "$top/man/twin.7" |
    awk '/^FILES/ { f = 1; next } /^[A-Z]/ { f = 0 } f' > "$tmp/files"
for m in "$top"/models/*.yaml; do
	b=$(basename "$m")
	grep -q "$b" "$tmp/files"
	ok $? "twin(7) FILES names $b"
done

done_testing
