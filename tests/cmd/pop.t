#!/bin/sh
# twin-pop: the records it writes (columns, one per person, EVID 2),
# determinism, the same person for an ID whatever -n or the split of the
# run (--first-id), other seeds other people, the options --sex and --age,
# option errors (message and exit status 1), and the pipeline into
# twin-dose and twin-sim.  The distributions themselves are tested
# against the published tables in tests/unit/test_people.c.
. "$(dirname "$0")/lib.sh"

twin-pop -n 10 --seed 7 > "$tmp/a.tsv"
ok $? "twin-pop -n 10 runs"
head -1 "$tmp/a.tsv" > "$tmp/head"
printf 'ID\tTIME\tEVID\tSEX\tAGE\tHT\tWT\tBMI\tBSA\tSCR\tCRCL\tEGFR\n' |
    cmp -s - "$tmp/head"
ok $? "the columns: ID TIME EVID SEX AGE HT WT BMI BSA SCR CRCL EGFR"
awk -F'\t' 'NR > 1 { n++; if ($1 != n || $2 != 0 || $3 != 2 ||
    ($4 != 1 && $4 != 2) || $5 < 18 || $5 >= 90) bad = 1 }
    END { exit bad || n != 10 }' "$tmp/a.tsv"
ok $? "ten people, IDs 1-10, TIME 0, EVID 2, SEX 1 or 2, AGE in [18, 90)"
twin-pop -n 10 --seed 7 | cmp -s - "$tmp/a.tsv"
ok $? "the same seed gives the same people"
twin-pop -n 10 --seed 8 | sed 1d | cut -f5- > "$tmp/b"
sed 1d "$tmp/a.tsv" | cut -f5- | cmp -s - "$tmp/b"
[ $? -ne 0 ]
ok $? "another seed gives other people"

# split invariance
{ twin-pop -n 4 --seed 7; twin-pop -n 6 --seed 7 --first-id 5 | sed 1d; } |
    cmp -s - "$tmp/a.tsv"
ok $? "IDs 1-4 and 5-10 from two runs (--first-id 5) are IDs 1-10 of one"
twin-pop -n 1000 --seed 7 | head -11 | cmp -s - "$tmp/a.tsv"
ok $? "IDs 1-10 of -n 1000 are those of -n 10"

# options
twin-pop -n 200 --seed 3 --sex female --age 30:40 > "$tmp/f.tsv"
awk -F'\t' 'NR > 1 { if ($4 != 2 || $5 < 30 || $5 >= 40) bad = 1 }
    END { exit bad || NR != 201 }' "$tmp/f.tsv"
ok $? "--sex female --age 30:40: women aged 30 to 40"
twin-pop -n 200 --seed 3 --sex male --age 20:70 |
    awk -F'\t' 'NR > 1 { if ($4 != 1 || $10 == "." || $11 == "." ||
    $12 == ".") bad = 1 } END { exit bad }'
ok $? "--sex male --age 20:70: men, each with SCR, CRCL and EGFR"
twin-pop -n 50 --seed 3 --age 75:90 |
    awk -F'\t' 'NR > 1 { if ($10 == "." || $11 == "." || $12 == "." ||
    $9 == ".") bad = 1 } END { exit bad }'
ok $? "ages 75-90: SCR (the adult distribution, extrapolated), CRCL, EGFR"
twin-pop -n 3 > "$tmp/p2"; twin-pop -n 3 --population us | cmp -s - "$tmp/p2"
ok $? "--population us is the default"

# errors: message naming the problem, exit status 1
err() {	# err WANT-IN-MESSAGE ARGS...: exit 1, message on stderr
	want=$1
	shift
	twin-pop "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "^twin-pop: .*$want" "$tmp/err" &&
	    [ ! -s "$tmp/out" ]
	s=$?
	ok $s "twin-pop $*: status 1 and \"$want\""
	[ $s -eq 0 ] || { echo "# status $rc"; sed 's/^/# /' "$tmp/err"; }
}
err 'outside the ages the tables cover' -n 5 --age 10:30
err 'outside the ages the tables cover' -n 5 --age 18:95
err '--age wants A:B' -n 5 --age 40:30
err '--age wants A:B' -n 5 --age forty
err '-n' -n 0
err '-n' -n 2.5
err '-n' -n -3
err 'no number of people' --seed 1
err '--sex wants male, female or both' -n 2 --sex other
err '--first-id' -n 2 --first-id 0
err 'unknown population "mars"' -n 2 --population mars
err 'did you mean' -n 2 --agee 20:30

# the pipeline
twin-pop -n 3 --seed 1 | twin-sim -m pk1cmt --grid 0:24:1 > "$tmp/s.tsv"
ok $? "twin-pop | twin-sim -m pk1cmt runs"
awk -F'\t' 'NR > 1 { n[$1]++ } END { exit !(n[1] == 25 && n[2] == 25 &&
    n[3] == 25) }' "$tmp/s.tsv"
ok $? "twin-sim writes 25 records for each of the 3 people"
twin-pop -n 3 --seed 1 --age 20:70 | twin-dose -m pk1cmt --regimen '5 mg iv' |
    twin-sim -m pk1cmt --grid 0:24:1 > "$tmp/d.tsv"
ok $? "twin-pop | twin-dose --regimen '5 mg iv' | twin-sim runs"
# after 5 mg iv into V = 50 L the concentration at 0 is 5/50 x 70/WT
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $(c["EVID"]) == 1 { n++; w = 0.1 * 70 / $(c["WT"]); d = $(c["CP"]) - w
    if (d < 0) d = -d; if (d > 1e-12 * w) bad = 1 }
    END { exit bad || n != 3 }' "$tmp/d.tsv"
ok $? "each person's dose gives CP = 5 mg / (50 L x WT/70) at time 0"

done_testing
