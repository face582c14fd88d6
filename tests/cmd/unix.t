#!/bin/sh
# Behaving like a Unix tool: progress on a terminal only, signals and -o,
# write errors, --help and did-you-mean, finding models, --keep-going.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL
cd "$tmp" || exit 1

# 20000 individuals of 25 records: long enough (about a second) for a
# progress line, which is redrawn at most four times a second.
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "AMT", "EVID", "DV", "WT"
	for (i = 1; i <= 20000; i++) {
		print i, 0, 100, 1, ".", 70
		for (t = 1; t <= 24; t++) print i, t, ".", 0, ".", 70
	} }' > many.tsv
head -n 12501 many.tsv > some.tsv

# ---- progress --------------------------------------------------------------

# onpty LOG COMMAND: run COMMAND with stdin, stdout and stderr on a
# pseudo-terminal (script(1)), what the terminal showed into LOG.
onpty() {
	script -qec "$2" /dev/null > "$1" 2>&1 < /dev/null
}
if command -v script > /dev/null 2>&1 && onpty pty.log true; then
	onpty pty.log "twin-sim -m pk1cmt many.tsv > sim.out"
	grep -q "twin-sim: [0-9]* individuals, [0-9.]*/s, [0-9]*% read, [0-9]* s left" pty.log
	ok $? "twin-sim on a terminal: individuals done, rate, share read, time left"
	tr '\r' '\n' < pty.log | grep -c "individuals" > n
	[ "$(cat n)" -ge 1 ] && [ "$(cat n)" -le 20 ]
	ok $? "twin-sim: the line is redrawn at most a few times a second (got $(cat n))"
	onpty pty.log "twin-sim --quiet -m pk1cmt many.tsv > sim.out"
	! grep -q "individuals" pty.log
	ok $? "twin-sim --quiet on a terminal: no progress"
	# 4000 individuals: about a second of fitting, long enough to draw
	awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "AMT", "EVID", "DV", "WT"
	    for (i = 1; i <= 4000; i++) { print i, 0, 100, 1, ".", 70
	    for (t = 1; t <= 24; t++) print i, t, ".", 0, ".", 70 } }' |
	    twin-sim -m pk1cmt --ruv > fit.in 2> /dev/null
	onpty pty.log "twin-fit -m pk1cmt fit.in > fit.out"
	tr '\r' '\n' < pty.log | grep -q "^twin-fit: [0-9]* individuals"
	ok $? "twin-fit on a terminal: individuals done"
	onpty pty.log "twin-fit -m pk1cmt --population $top/testdata/wang2007.tsv > /dev/null"
	grep -q "twin-fit: reading the cohort" pty.log
	ok $? "twin-fit --population on a terminal: what it is doing"
	onpty pty.log "twin-fit --quiet -m pk1cmt --population $top/testdata/wang2007.tsv > /dev/null"
	! grep -q "reading the cohort" pty.log && ! grep -q "ITERATION" pty.log
	ok $? "twin-fit --quiet: no progress on the terminal"
else
	echo "# no script(1) with a pseudo-terminal: progress untested on a tty"
fi
twin-sim -m pk1cmt many.tsv > sim.out 2> err
[ $? -eq 0 ] && [ ! -s err ]
ok $? "twin-sim: stderr not a terminal, nothing on it"
twin-sim -m pk1cmt --ruv some.tsv 2> err | twin-fit -m pk1cmt > /dev/null 2>> err
[ ! -s err ]
ok $? "twin-fit: stderr not a terminal, nothing on it"

# ---- signals and -o --------------------------------------------------------

# The run is stopped while it computes: -n holds the replicates of the
# one individual in memory, or streams them; either way it is still going.
printf 'ID\tTIME\tAMT\tEVID\n1\t0\t100\t1\n' > one.tsv
for sig in TERM INT HUP; do
	echo "old contents" > keep.tsv
	# A background job of a script ignores SIGINT: perl restores it.
	perl -e '$SIG{INT} = $SIG{TERM} = $SIG{HUP} = "DEFAULT"; exec @ARGV' \
	    twin-sim -m pk2cmt --iiv -n 100000000 --grid 0:168:0.5 \
	    -o keep.tsv one.tsv 2> err &
	pid=$!
	i=0
	while [ ! -e "keep.tsv.tmp$pid" ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	[ -e "keep.tsv.tmp$pid" ]
	ok $? "SIG$sig: the output is written to keep.tsv.tmp$pid meanwhile"
	sleep 0.3
	kill -"$sig" "$pid"
	{ wait "$pid"; } 2> /dev/null
	rc=$?
	sleep 0.1
	[ ! -e "keep.tsv.tmp$pid" ] && [ "$(ls | grep -c 'keep.tsv.tmp')" -eq 0 ]
	ok $? "SIG$sig: no temporary file left"
	[ "$(cat keep.tsv)" = "old contents" ]
	ok $? "SIG$sig: the previous keep.tsv is intact"
	[ $rc -gt 128 ]
	ok $? "SIG$sig: the program ends as killed by the signal (status $rc)"
done

printf 'ID\tTIME\tAMT\tEVID\n1\t0\t100\t1\n1\t1\t.\t0\n' > small.tsv
twin-sim -m pk1cmt small.tsv > expect.tsv
echo old > real.tsv
chmod 640 real.tsv
ln -s real.tsv link.tsv
twin-sim -m pk1cmt -o link.tsv small.tsv
[ -L link.tsv ] && [ "$(readlink link.tsv)" = real.tsv ]
ok $? "-o onto a symbolic link keeps the link"
cmp -s real.tsv expect.tsv
ok $? "-o onto a symbolic link writes the file it names"
[ "$(stat -c %a real.tsv)" = 640 ]
ok $? "-o keeps the mode of the file it replaces (640, got $(stat -c %a real.tsv))"
echo old > plain.tsv
chmod 600 plain.tsv
twin-sim -m pk1cmt -o plain.tsv small.tsv
[ "$(stat -c %a plain.tsv)" = 600 ] && cmp -s plain.tsv expect.tsv
ok $? "-o onto a file of mode 600 replaces it, mode kept (got $(stat -c %a plain.tsv))"
mkdir sub
ln -s ../real.tsv sub/rel.tsv
ln -s sub/rel.tsv chain.tsv
echo old > real.tsv
twin-sim -m pk1cmt -o chain.tsv small.tsv
[ -L chain.tsv ] && [ -L sub/rel.tsv ] && cmp -s real.tsv expect.tsv
ok $? "-o through a chain of relative links writes the file at its end"
ln -s nothere.tsv dangling.tsv
twin-sim -m pk1cmt -o dangling.tsv small.tsv
[ -L dangling.tsv ] && cmp -s nothere.tsv expect.tsv
ok $? "-o onto a dangling link creates the file it names"

# ---- write errors ----------------------------------------------------------

if [ -w /dev/full ]; then
	for p in twin-sim twin-fit twin-report twin-dose; do
		for o in --help --version; do
			$p $o > /dev/full 2> err
			rc=$?
			[ $rc -eq 2 ] && [ "$(wc -l < err)" -eq 1 ] &&
			    grep -q "^$p: <stdout>: write error" err
			ok $? "$p $o > /dev/full: one message, exit 2 (got $rc)"
		done
	done
	twin-sim --list-models > /dev/full 2> err
	[ $? -eq 2 ] && [ "$(wc -l < err)" -eq 1 ]
	ok $? "--list-models > /dev/full: one message, exit 2"
	twin-sim -m pk1cmt many.tsv > /dev/full 2> err
	[ $? -eq 2 ] && [ "$(wc -l < err)" -eq 1 ]
	ok $? "twin-sim > /dev/full: one message, exit 2"
	twin-fit -m pk1cmt fit.in > /dev/full 2> err
	[ $? -eq 2 ] && [ "$(wc -l < err)" -eq 1 ]
	ok $? "twin-fit > /dev/full: one message, exit 2"
	twin-report nca -y CP sim.out > /dev/full 2> err
	[ $? -eq 2 ] && [ "$(wc -l < err)" -eq 1 ]
	ok $? "twin-report > /dev/full: one message, exit 2"
	twin-dose -m pk1cmt --regimen '100 mg po q12h x 2' many.tsv \
	    > /dev/full 2> err
	[ $? -eq 2 ] && [ "$(wc -l < err)" -eq 1 ]
	ok $? "twin-dose > /dev/full: one message, exit 2"
fi

# ---- --help and did you mean -----------------------------------------------

for p in twin-sim twin-fit twin-report twin-dose; do
	$p --help > help 2> err
	[ $? -eq 0 ] && [ ! -s err ] && grep -q "^See $p(1)" help
	ok $? "$p --help: on stdout, points to $p(1)"
	# Every long option the manual gives has its line in --help.
	sed -n 's/\\-/-/g; /^\.It /p' "$top/man/$p.1" |
	    grep -oE -- ' -[a-z][a-z0-9-]*[a-z]' | sed 's/^ /-/' |
	    sort -u > manopts
	missing=
	for o in $(cat manopts); do
		grep -q -- "$o\\b" help || missing="$missing $o"
	done
	[ -z "$missing" ]
	ok $? "$p --help: a line for each long option of $p(1)${missing:+ (missing:$missing)}"
done
twin-sim --itv -m pk1cmt < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'unknown option "--itv"; did you mean "--iiv"?' err
ok $? "twin-sim --itv: did you mean \"--iiv\""
twin-sim --sede 3 -m pk1cmt < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'did you mean "--seed"' err
ok $? "twin-sim --sede (letters swapped): did you mean \"--seed\""
twin-dose --keepgoing -m pk1cmt < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'did you mean "--keep-going"' err
ok $? "twin-dose --keepgoing: did you mean \"--keep-going\""
twin-fit --populaton -m pk1cmt < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'did you mean "--population"' err
ok $? "twin-fit --populaton: did you mean \"--population\""
twin-report nca --lambaz 3 < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'did you mean "--lambdaz"' err
ok $? "twin-report nca --lambaz: did you mean \"--lambdaz\""
twin-report bnads < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'unknown verb "bnads"; did you mean "bands"?' err
ok $? "twin-report bnads: did you mean \"bands\""
twin-report frobnicate < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'unknown verb "frobnicate" (nca,' err
ok $? "twin-report frobnicate: nothing near, the verbs listed"
twin-sim --zzzzzz < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'unknown option "--zzzzzz"$' err
ok $? "twin-sim --zzzzzz: nothing near, no suggestion"
twin-sim --s < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'option "--s" is ambiguous' err
ok $? "twin-sim --s: ambiguous"
twin-sim --iiv=1 -m pk1cmt < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'option "--iiv" takes no argument' err
ok $? "twin-sim --iiv=1: takes no argument"
twin-sim -m < small.tsv > /dev/null 2> err
[ $? -eq 1 ] && grep -q 'option "-m" wants an argument' err
ok $? "twin-sim -m: wants an argument"

# ---- finding models --------------------------------------------------------

mkdir models
sed 's/^name: pk1cmt/name: mine/' "$top/models/pk1cmt.yaml" > models/mine.yml
twin-sim -m models/mine.yml small.tsv > out 2> err && cmp -s out expect.tsv
ok $? "-m FILE.yml is a path, as .yaml"
(cd models && twin-sim -m mine.yml ../small.tsv > ../out 2> ../err) &&
    cmp -s out expect.tsv
ok $? "-m NAME.yml in the current directory"
(cd models && TWIN_MODEL_PATH=/nonexistent twin-sim -m mine ../small.tsv \
    > ../out 2> ../err) && cmp -s out expect.tsv
ok $? "-m NAME: NAME.yml found in the current directory"
TWIN_MODEL_PATH="/nowhere:$tmp/elsewhere" twin-sim -m nosuch small.tsv \
    > /dev/null 2> err
[ $? -eq 2 ] && grep -q 'model "nosuch" not found: no nosuch.yaml or nosuch.yml in /nowhere, .*/elsewhere, \., ' err
ok $? "model not found: the message names the places searched"
TWIN_MODEL_PATH="$top/models:$tmp/models" twin-sim --list-models > list 2> err
s=0
for m in "$top"/models/*.yaml; do
	n=$(basename "$m" .yaml)
	d=$(sed -n 's/^description: //p' "$m")
	grep -qF "$n	$d	$m" list || { s=1; echo "# $n missing"; }
done
grep -q "^mine	One-compartment" list || s=1
[ $(wc -l < list) -eq $(($(ls "$top"/models/*.yaml | wc -l) + 1)) ] || s=1
ok $s "--list-models: every model with its description and path, once"
for p in twin-fit twin-dose twin-report; do
	$p --list-models > list2 2> /dev/null && [ -s list2 ]
	ok $? "$p --list-models lists models"
done

# ---- one individual failing ------------------------------------------------

# blowup's amount is D/(1 - D t): ID 2 (dose 1) is infinite at t = 1;
# IDs 1 and 3 (dose 0.001, and as much again from the candidate) stay
# finite over the window of 2 h.
printf 'ID\tTIME\tAMT\tEVID\n1\t0\t0.001\t1\n1\t1\t.\t0\n2\t0\t1\t1\n2\t0.5\t.\t0\n3\t0\t0.001\t1\n3\t1\t.\t0\n' > blow.tsv
dose() {
	twin-dose -m "$top/testdata/bad/blowup.yaml" -y CP --route central \
	    --target 'cmax 0..5' --amounts 0.001 --intervals 24 \
	    --window 0,2 --table "$@"
}
dose blow.tsv > out 2> err
rc=$?
[ $rc -eq 2 ]
ok $? "twin-dose: an individual that fails: exit 2 (got $rc)"
grep -q "^twin-dose: blow.tsv:4: ID 2: .*solver" err && [ $(wc -l < err) -eq 1 ]
ok $? "twin-dose: the message has FILE:LINE and the ID, once"
cut -f1 out | tr '\n' ' ' | grep -qx "ID 1 "
ok $? "twin-dose: stops there: ID 1 written, ID 3 not"
echo old > kept.tsv
dose -o kept.tsv blow.tsv 2> /dev/null
[ "$(cat kept.tsv)" = old ]
ok $? "twin-dose -o: an existing file is left as it was"
for j in 1 3; do
	dose --keep-going -j $j -o kg.tsv blow.tsv 2> err
	rc=$?
	[ $rc -eq 2 ] && grep -q "blow.tsv:4: ID 2" err &&
	    [ "$(cut -f1 kg.tsv | tr '\n' ' ')" = "ID 1 3 " ]
	ok $? "twin-dose --keep-going -j $j: ID 2 left out, 1 and 3 written, exit 2 (got $rc)"
done
printf 'ID\tTIME\tWT\n1\t0\t70\n2\t0\t.\n3\t0\t80\n' > wt.tsv
twin-dose -m vanco --regimen '15 mg/kg iv q12h x 2' wt.tsv > out 2> err
[ $? -eq 2 ] && grep -q "^twin-dose: wt.tsv:3: ID 2: --regimen: .*weight" err &&
    ! grep -q "^3" out
ok $? "twin-dose --regimen: stops at ID 2 with no weight, FILE:LINE and ID"
twin-dose -m vanco --regimen '15 mg/kg iv q12h x 2' --keep-going wt.tsv \
    > out 2> err
[ $? -eq 2 ] && grep -q "^3	0	80	1	1200	" out && ! grep -q "^2" out
ok $? "twin-dose --regimen --keep-going: ID 3 dosed (15 mg/kg x 80 kg = 1200), ID 2 left out"

# ---- the README's example data ----------------------------------------------

twin-report nca --summary --by ARM "$top/examples/study.tsv" > out 2> err
[ $? -eq 0 ] && [ ! -s err ] &&
    [ "$(awk -F'\t' '$3 == "CMAX" { printf "%s/%s/%s ", $1, $2, $4 }' out)" = "250 mg/central/6 500 mg/central/6 " ]
ok $? "examples/study.tsv: nca --summary --by ARM, two arms of 6"
twin-report cgm --time-unit min "$top/examples/cgm.tsv" > out 2> err
[ $? -eq 0 ] && awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { exit !($c["N"] == 14 * 288 && $c["COVERAGE"] == 100) }' out
ok $? "examples/cgm.tsv: 14 days of 5-min readings (4032), coverage 100%"
twin-report agp -y DV --time-unit min -o agp.svg "$top/examples/cgm.tsv" &&
    grep -q "<svg" agp.svg
ok $? "examples/cgm.tsv: agp draws"

done_testing
