#!/bin/sh
# Bad input to twin-sim: every data error is reported on stderr as
# "twin-sim: FILE:LINE: message" (FILE is <stdin> or the path given), the
# exit status is 2, and no row of the bad individual reaches stdout, so
# that no wrong number is ever written silently.  Usage errors exit 1;
# --help and --version exit 0 and print to stdout.
. "$(dirname "$0")/lib.sh"

bad="$top/testdata/bad"

# recs FILE: write the lines of stdin to FILE with blanks turned into tabs.
recs() {
	tr ' ' '\t' > "$1"
}

# run ARGS...: twin-sim ARGS, stdout and stderr to $tmp/out and $tmp/err,
# the exit status in $rc.
run() {
	twin-sim "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

# errmsg FILE LINE PHRASE [PHRASE2]: a line of stderr starts with
# "twin-sim: FILE:LINE: " (LINE an extended regular expression) and
# contains PHRASE (and PHRASE2) as fixed strings.
errmsg() {
	awk -v p="twin-sim: $1:" -v l="$2" -v k="$3" -v k2="${4-}" '
	index($0, p) == 1 && match(substr($0, length(p) + 1), "^(" l "): ") &&
	    index($0, k) && index($0, k2) { f = 1 }
	END { exit !f }' "$tmp/err"
}

# rows ID [TIME]: how many data rows of stdout have this ID (and TIME);
# ID "-" counts every data row.
rows() {
	awk -F'\t' -v id="$1" -v t="${2-}" '
	NR == 1 {
		for (i = 1; i <= NF; i++) {
			if ($i == "ID") ci = i
			if ($i == "TIME") ct = i
		}
		next
	}
	id == "-" || (ci && $ci == id && (t == "" || $ct == t)) { n++ }
	END { print n + 0 }' "$tmp/out"
}

# diag: show stderr as TAP comments after a failed check.
diag() {
	[ "$1" -eq 0 ] || sed 's/^/# stderr: /' "$tmp/err"
}

# check DESC FILE LINE PHRASE PHRASE2 ID [TIME]: the three promises for a
# bad input, after run.
check() {
	[ "$rc" -eq 2 ]
	ok $? "$1: exit status 2 (got $rc)"
	errmsg "$2" "$3" "$4" "$5"
	s=$?
	ok $s "$1: stderr has \"$2:$3: ...$4...${5:+$5...}\""
	diag $s
	n=$(rows "$6" "${7-}")
	[ "$n" -eq 0 ]
	s=$?
	if [ "$6" = - ]; then
		ok $s "$1: no data row on stdout (found $n)"
	else
		ok $s "$1: no row for ID $6${7:+ at TIME $7} on stdout (found $n)"
	fi
}

# ---- columns and fields ---------------------------------------------------

recs "$tmp/notime.tsv" <<'EOF'
ID AMT EVID
1 100 1
1 0 0
EOF
run -m pk1cmt "$tmp/notime.tsv"
check "no TIME column" "$tmp/notime.tsv" 1 "column TIME" "" -

recs "$tmp/in.tsv" <<'EOF'
TIME AMT EVID
0 100 1
1 0 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "no ID column" "<stdin>" 1 "column ID" "" -

# Individual 1 is good, individual 2 has the fault (lines 4 and 5).
recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 1O0 1
2 1 . 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "AMT 1O0 (letter O)" "<stdin>" 4 "AMT" '"1O0"' 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 inf 1
2 1 . 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "AMT inf" "<stdin>" 4 "AMT" '"inf"' 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID RATE
1 0 100 1 0
1 1 . 0 .
2 0 100 1 nan
2 1 . 0 .
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "RATE nan" "<stdin>" 4 "RATE" '"nan"' 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 100 1
2 1e999 . 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "TIME 1e999 (overflows)" "<stdin>" 5 "TIME" '"1e999"' 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID WT
1 0 100 1 70
1 1 . 0 70
2 0 100 1 70
2 1 . 0 -inf
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "covariate WT -inf" "<stdin>" 5 "WT" '"-inf"' 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 100 1
2 1
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "too few fields" "<stdin>" 5 "fields" "" 2

recs "$tmp/fields.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 100 1 1
2 1 . 0
EOF
run -m pk1cmt "$tmp/fields.tsv"
check "too many fields" "$tmp/fields.tsv" 4 "fields" "" 2

# ---- order ------------------------------------------------------------------

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 100 1
2 2 . 0
2 1 . 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "TIME goes backwards" "<stdin>" 6 "backwards" "ID 2" 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 100 1
2 1 . 0
1 5 . 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "ID 1 again after ID 2" "<stdin>" 6 "ID 1" "again" 1 5

# ---- dosing -----------------------------------------------------------------

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 -100 1
2 1 . 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "negative AMT" "<stdin>" 4 "AMT" "negative" 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT CMT EVID
1 0 100 depot 1
1 1 . central 0
2 0 100 gut 1
2 1 . central 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "unknown compartment name" "<stdin>" 4 "compartment" '"gut"' 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT CMT EVID
1 0 100 1 1
1 1 . 2 0
2 0 100 3 1
2 1 . 2 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "compartment number 3 of 2" "<stdin>" 4 "compartment" '"3"' 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT CMT EVID RATE
1 0 100 2 1 10
1 1 . 2 0 .
2 0 100 2 1 -2
2 1 . 2 0 .
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "RATE=-2, model has no duration" "<stdin>" 4 "RATE=-2" "duration" 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT CMT EVID RATE
1 0 100 2 1 10
1 1 . 2 0 .
2 0 100 2 1 -1
2 1 . 2 0 .
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "RATE=-1, model has no rate" "<stdin>" 4 "RATE=-1" "rate" 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID II ADDL
1 0 100 1 12 2
1 1 . 0 . .
2 0 100 1 0 2
2 1 . 0 . .
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "ADDL=2 with II=0" "<stdin>" 4 "ADDL" "II" 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID II SS
1 0 100 1 12 1
1 1 . 0 . .
2 0 100 1 0 1
2 1 . 0 . .
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "SS=1 with II=0 and AMT>0" "<stdin>" 4 "SS" "II" 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
2 0 100 7
2 1 . 0
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "EVID 7" "<stdin>" 4 "EVID" "7" 2

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID II SS
1 0 100 1 12 2
1 1 . 0 . .
2 0 100 1 12 3
2 1 . 0 . .
EOF
run -m pk1cmt < "$tmp/in.tsv"
check "SS=3" "<stdin>" 4 "SS" "3" 2

# ---- covariates -------------------------------------------------------------

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID
1 0 100 1
1 1 . 0
EOF
run -m "$bad/needwt.yaml" < "$tmp/in.tsv"
check "required covariate WT has no column" "<stdin>" 1 "WT" "" -

recs "$tmp/in.tsv" <<'EOF'
ID TIME AMT EVID WT
1 0 100 1 80
1 1 . 0 .
2 0 100 1 .
2 1 . 0 .
EOF
run -m "$bad/needwt.yaml" < "$tmp/in.tsv"
check "required covariate WT missing on every record of ID 2" "<stdin>" \
    "4|5" "WT" "ID 2" 2

# ---- empty input ------------------------------------------------------------

: > "$tmp/empty.tsv"
run -m pk1cmt "$tmp/empty.tsv"
check "empty file" "$tmp/empty.tsv" "[0-9]+" "empty" "" -

printf '# only comments\n\n# and a blank line\n' > "$tmp/in.tsv"
run -m pk1cmt < "$tmp/in.tsv"
check "only comments" "<stdin>" "[0-9]+" "header" "" -

# ---- a truncated gzip stream ------------------------------------------------

awk 'BEGIN {
	OFS = "\t"; print "ID", "TIME", "AMT", "EVID"
	for (i = 1; i <= 300; i++) {
		print i, 0, 100 + i, 1
		for (t = 1; t <= 24; t++) print i, t, ".", 0
	}
}' > "$tmp/all.tsv"
twin-sim -m pk1cmt "$tmp/all.tsv" > "$tmp/all.out" 2> "$tmp/err"
ok $? "the complete file runs"
gzip -c "$tmp/all.tsv" > "$tmp/all.tsv.gz"
size=$(wc -c < "$tmp/all.tsv.gz")
# Without the trailer (CRC and length) every record inflates, but the
# stream is incomplete; cut in the middle, a record is cut too.
for cut in 8 $((size / 2)); do
	head -c $((size - cut)) "$tmp/all.tsv.gz" > "$tmp/trunc.tsv.gz"
	run -m pk1cmt "$tmp/trunc.tsv.gz"
	check "gzip cut by $cut bytes" "$tmp/trunc.tsv.gz" "[0-9]+" "gzip" "" 300
	n=$(wc -l < "$tmp/out")
	head -n "$n" "$tmp/all.out" | cmp -s - "$tmp/out" &&
	    [ $(((n - 1) % 25)) -eq 0 ]
	ok $? "gzip cut by $cut bytes: what was written are whole individuals, as in the complete run"
done
gzip -c "$tmp/all.tsv" | head -c $((size / 2)) > "$tmp/trunc.tsv.gz"
run -m pk1cmt < "$tmp/trunc.tsv.gz"
check "gzip cut, on stdin" "<stdin>" "[0-9]+" "gzip" "" 300

# ---- solver failure ---------------------------------------------------------

# blowup's amount is D/(1 - D t): ID 2's dose of 1 is infinite at t = 1,
# IDs 1 and 3 (dose 0.1) stay finite until t = 10.
recs "$tmp/blow.tsv" <<'EOF'
ID TIME AMT EVID
1 0 0.1 1
1 1 . 0
2 0 1 1
2 0.5 . 0
2 2 . 0
3 0 0.1 1
3 1 . 0
EOF
grep -v '^2' "$tmp/blow.tsv" > "$tmp/good.tsv"
twin-sim -m "$bad/blowup.yaml" "$tmp/good.tsv" > "$tmp/good.out" 2> "$tmp/err"
ok $? "blowup: the good individuals alone run"
run -m "$bad/blowup.yaml" < "$tmp/blow.tsv"
[ "$rc" -eq 2 ]
ok $? "solver failure: exit status 2 (got $rc)"
grep "ID 2" "$tmp/err" | grep -q "time"
s=$?
ok $s "solver failure: stderr names ID 2 and the time"
diag $s
errmsg "<stdin>" "4|5|6" "ID 2"
s=$?
ok $s "solver failure: stderr has \"<stdin>:LINE: ID 2...\", a line of ID 2"
diag $s
[ "$(rows 2)" -eq 0 ]
ok $? "solver failure: no row for ID 2"
grep -v '^3' "$tmp/good.out" | cmp -s - "$tmp/out"
ok $? "solver failure: ID 1, before it, is written; nothing after it"

for j in 1 4; do
	run --keep-going -j $j -m "$bad/blowup.yaml" < "$tmp/blow.tsv"
	[ "$rc" -eq 2 ]
	ok $? "--keep-going -j $j: exit status 2 (got $rc)"
	grep "ID 2" "$tmp/err" | grep -q "time"
	ok $? "--keep-going -j $j: stderr names ID 2 and the time"
	cmp -s "$tmp/good.out" "$tmp/out"
	ok $? "--keep-going -j $j: IDs 1 and 3 written as when run alone, ID 2 not"
done

# ---- usage errors -----------------------------------------------------------

# usage DESC ARGS...: exit status 1, a message on stderr, nothing on stdout.
usage() {
	desc=$1
	shift
	twin-sim "$@" < "$tmp/good.tsv" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]
	ok $? "usage error, $desc: exit status 1 (got $rc), message on stderr only"
}
usage "unknown option" --frobnicate -m pk1cmt
usage "no -m" "$tmp/good.tsv"
usage "-m without argument" -m
usage "-n 0" -m pk1cmt -n 0
usage "-j 0" -m pk1cmt -j 0
usage "--solver rk4" -m pk1cmt --solver rk4
for g in 10:0:1 0:10:0 0:10:-1 abc 0:10 0:10:1x 0:10:1:5 0:10:inf -inf:0:1 \
    0:10:nan; do
	usage "--grid $g" -m pk1cmt --grid "$g"
done

for a in -h --help; do
	twin-sim $a > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	[ "$rc" -eq 0 ] && grep -q "usage: twin-sim" "$tmp/out" &&
	    [ ! -s "$tmp/err" ]
	ok $? "$a: exit status 0 (got $rc), usage on stdout"
done
for a in -V --version; do
	twin-sim $a > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	[ "$rc" -eq 0 ] && grep -q "^twin-sim [0-9]" "$tmp/out" &&
	    [ ! -s "$tmp/err" ]
	ok $? "$a: exit status 0 (got $rc), version on stdout"
done

# ---- datasets as they come (twin-records(5)) --------------------------------

# perr PROG FILE LINE PHRASE: a line of stderr starts with "PROG: FILE:LINE: "
# and contains PHRASE.
perr() {
	awk -v p="$1: $2:$3: " -v k="$4" '
	index($0, p) == 1 && index($0, k) { f = 1 }
	END { exit !f }' "$tmp/err"
}

# A NONMEM comment row (C column "C") with DV 99 between the samples of a
# 100 mg dose.  By hand, without it: CMAX 8 at TMAX 1; linear AUCLAST
# from (0, 0): 4 + 7 + 10 + 7 + 5 = 33.
recs "$tmp/c.tsv" <<'EOF2'
C ID TIME AMT DV EVID MDV
. 1 0 100 . 1 1
. 1 1 . 8 0 0
. 1 2 . 6 0 0
C 1 3 . 99 0 0
. 1 4 . 4 0 0
. 1 6 . 3 0 0
. 1 8 . 2 0 0
EOF2
grep -v '^C	1' "$tmp/c.tsv" > "$tmp/c-dropped.tsv"
twin-report nca --method linear "$tmp/c.tsv" > "$tmp/out" 2> "$tmp/err"
awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR == 2 { ok = $c["CMAX"] == 8 && $c["TMAX"] == 1 &&
    $c["AUCLAST"] == 33 } END { exit !(ok && NR == 2) }' "$tmp/out"
ok $? "nca: a row flagged C (DV 99) is left out: CMAX 8, TMAX 1, AUCLAST 33"
twin-fit -m pk1cmt "$tmp/c.tsv" > "$tmp/out" 2> "$tmp/err"
rc=$?
twin-fit -m pk1cmt "$tmp/c-dropped.tsv" > "$tmp/want" 2> /dev/null
[ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$tmp/want"
ok $? "twin-fit: a row flagged C is not fitted (same as without the row)"
twin-sim -m pk1cmt "$tmp/c.tsv" > "$tmp/out" 2> "$tmp/err"
[ "$(wc -l < "$tmp/out")" -eq 7 ] && ! grep -q 99 "$tmp/out"
ok $? "twin-sim: a row flagged C is dropped from the output"
twin-report nca --method linear --ignore none "$tmp/c.tsv" > "$tmp/out" 2> "$tmp/err"
awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR == 2 { ok = $c["CMAX"] == 99 && $c["TMAX"] == 3 } END { exit !(ok && NR == 2) }' "$tmp/out"
ok $? "nca --ignore none: the C row counts again (CMAX 99 at 3 h)"
sed 's/^C\t1\t3/@\t1\t3/' "$tmp/c.tsv" > "$tmp/at.tsv"
twin-sim -m pk1cmt --ignore @ "$tmp/at.tsv" > "$tmp/out" 2> /dev/null
[ "$(wc -l < "$tmp/out")" -eq 7 ] && ! grep -q 99 "$tmp/out"
ok $? "twin-sim --ignore @: a row starting with @ is dropped"
twin-fit -m pk1cmt --ignore xy "$tmp/c.tsv" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] && grep -q '^twin-fit: --ignore: bad ignore rule "xy"' "$tmp/err" && [ ! -s "$tmp/out" ]
ok $? "--ignore with a bad rule is a usage error"

# Overflow: a number beyond REC_NUM_MAX (1e100) is an error with its line.
sed 's/	8	0	0$/	1e308	0	0/' "$tmp/c-dropped.tsv" > "$tmp/big.tsv"
for p in "twin-report nca" "twin-fit -m pk1cmt"; do
	$p "$tmp/big.tsv" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ "$rc" -ne 0 ] && perr "${p%% *}" "$tmp/big.tsv" 3 \
	    'column DV: number out of range: "1e308"' &&
	    ! grep -q 'inf\|nan' "$tmp/out"
	ok $? "$p: DV 1e308 is an error at FILE:3 (exit $rc), no inf or nan"
done
sed 's/	0	100	/	0	1e308	/' "$tmp/c-dropped.tsv" > "$tmp/bigamt.tsv"
twin-sim -m pk1cmt "$tmp/bigamt.tsv" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && perr twin-sim "$tmp/bigamt.tsv" 2 \
    'column AMT: number out of range: "1e308"'
ok $? "twin-sim: AMT 1e308 is an error at FILE:2 (exit $rc)"

# A line longer than REC_LINE_MAX (16 MiB): refused.
{ printf 'ID\tTIME\n1\t0\n1\t'; head -c 17000000 /dev/zero | tr '\0' 1
    printf '\n'; } | gzip -1 > "$tmp/long.tsv.gz"
twin-sim -m pk1cmt "$tmp/long.tsv.gz" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && perr twin-sim "$tmp/long.tsv.gz" 3 \
    "line longer than 16777216 bytes"
ok $? "a 17 MB line in a gzip file: FILE:3: line longer than 16777216 bytes (exit $rc)"

# R's write.csv: quoted names and fields, lower case, a comma in a field.
cat > "$tmp/r.csv" <<'EOF2'
"id","time","amt","dv","evid","mdv","note"
1,0,100,NA,1,1,"oral, fasted"
1,1,NA,8,0,0,""
1,2,NA,6,0,0,"said ""fine"""
1,4,NA,4,0,0,""
1,6,NA,3,0,0,""
1,8,NA,2,0,0,""
EOF2
twin-report nca --method linear "$tmp/r.csv" > "$tmp/out" 2> "$tmp/err"
awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR == 2 { ok = $c["DOSE"] == 100 && $c["CMAX"] == 8 &&
    $c["AUCLAST"] == 33 } END { exit !(ok && NR == 2) }' "$tmp/out"
ok $? "nca reads R's write.csv output with lower-case names: DOSE 100, AUCLAST 33"
twin-sim -m pk1cmt "$tmp/r.csv" > "$tmp/out" 2> "$tmp/err"
head -1 "$tmp/out" | grep -q '^ID	TIME	AMT	DV	EVID	MDV	note	' &&
    awk -F '\t' 'NR == 2 && $7 == "oral, fasted" { a = 1 }
    NR == 4 && $7 == "said \"fine\"" { b = 1 } END { exit !(a && b) }' \
    "$tmp/out"
ok $? "twin-sim: names in upper case, quoted fields unquoted"
tr ',' ';' < "$tmp/r.csv" | sed 's/oral; fasted/oral, fasted/' \
    > "$tmp/semi.csv"
twin-report nca --method linear "$tmp/semi.csv" > "$tmp/out2" 2> "$tmp/err"
twin-report nca --method linear "$tmp/r.csv" > "$tmp/out" 2>> "$tmp/err"
[ "$(wc -l < "$tmp/out2")" -eq 2 ] && cmp -s "$tmp/out" "$tmp/out2"
ok $? "semicolon-separated: the same NCA"
tr ',' ' ' < "$tmp/c-dropped.tsv" | tr '\t' ' ' > "$tmp/blank.txt"
twin-report nca --method linear "$tmp/blank.txt" > "$tmp/out2" 2> "$tmp/err"
[ "$(wc -l < "$tmp/out2")" -eq 2 ] && cmp -s "$tmp/out" "$tmp/out2"
ok $? "blank-separated (NONMEM's own layout): the same NCA"
printf 'ID,TIME;DV\n1,0,5\n' > "$tmp/amb.csv"
twin-sim -m pk1cmt "$tmp/amb.csv" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && perr twin-sim "$tmp/amb.csv" 1 \
    "header has both ',' and ';' between names: expected one delimiter"
ok $? "a header with both ',' and ';': refused at FILE:1 before any output"

done_testing
