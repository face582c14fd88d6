#!/bin/sh
# --digits N and --pretty (twin(7), Readable numbers): without them the
# output is the exact stream, byte for byte what the manual pages show;
# with --digits numbers are rounded to N significant digits (values
# rounded by hand here), whole numbers and text kept; --pretty aligns the
# columns and puts the model's units in the header; --pretty and --shard
# together are refused.
. "$(dirname "$0")/lib.sh"

ss='ID\tTIME\tAMT\tII\tSS\tWT\n1\t0\t500\t12\t1\t70\n'

# twin-sim(1), EXAMPLES: pk1cmt at steady state, as the page prints it.
printf "$ss" | twin-sim -m pk1cmt --no-pred --grid 0:12:3 | cut -f2,7 > "$tmp/exact"
cat > "$tmp/want" <<'E'
TIME	IPRED
0	4.7019513087562155
0	4.7019513087562155
3	11.266871885153314
6	8.559380380832955
9	6.346756054742859
12	4.701951308756216
E
cmp -s "$tmp/exact" "$tmp/want"
ok $? "twin-sim without --digits or --pretty: the exact stream of twin-sim(1)"

# The same to 3 digits, rounded by hand from the values above.
printf "$ss" | twin-sim -m pk1cmt --no-pred --grid 0:12:3 --digits 3 |
    cut -f1,2,3,7 > "$tmp/d3"
cat > "$tmp/want" <<'E'
ID	TIME	AMT	IPRED
1	0	500	4.70
1	0	0	4.70
1	3	0	11.3
1	6	0	8.56
1	9	0	6.35
1	12	0	4.70
E
cmp -s "$tmp/d3" "$tmp/want"
ok $? "twin-sim --digits 3: 4.70 11.3 8.56 6.35 4.70, ID, TIME and AMT kept"

# --pretty: every line as long as the header, fields right-aligned under
# it, units in the header, 6 significant digits.
printf "$ss" | twin-sim -m pk1cmt --no-pred --grid 0:12:3 --pretty > "$tmp/p"
head -1 "$tmp/p" | grep -q '^          ID     TIME (h)     AMT (mg) .* IPRED (mg/L)    CP (mg/L)$'
ok $? "twin-sim --pretty: the header names the units of TIME, AMT, IPRED, CP"
awk 'NR == 1 { n = length($0) } length($0) != n { exit 1 }' "$tmp/p"
ok $? "twin-sim --pretty: every row as wide as the header"
sed -n 4p "$tmp/p" | grep -q '^           1            3            0            0            0           70      11.2669      11.2669$'
ok $? "twin-sim --pretty: a row, right-aligned, 6 digits"
printf "$ss" | twin-sim -m pk1cmt --no-pred --grid 0:12:3 --pretty --digits 3 |
    sed -n 2p | grep -q '  4\.70  *4\.70$'
ok $? "twin-sim --pretty --digits 3"

# twin-fit: NONMEM's phenobarbital, TVCL 0.004695545393971477 (twin-fit(1)).
twin-fit -m pheno --population -j 2 --digits 3 "$top/testdata/pheno.tsv" > "$tmp/fit"
cat > "$tmp/want" <<'E'
PARAMETER	ESTIMATE	SE	RSE
TVCL	0.00470	0.000210	4.47
TVV	0.984	0.0269	2.73
TVAPGR	0.159	0.0838	52.7
OMEGA_CL	0.0294	0.0134	45.7
OMEGA_V	0.0279	0.00748	26.8
SIGMA_PROP	0.0132	0.00228	17.2
OFV	586	.	.
E
sed '/^OFV/q' "$tmp/fit" | cmp -s - "$tmp/want"
ok $? "twin-fit --population --digits 3: the estimates of twin-fit(1) rounded by hand"

# twin-report: each number of --digits 3 is the exact one rounded.
twin-report nca "$top/testdata/theoph.tsv" > "$tmp/nca"
twin-report nca --digits 3 "$top/testdata/theoph.tsv" > "$tmp/nca3"
paste "$tmp/nca" "$tmp/nca3" | awk -F'\t' '
NR == 1 { n = NF / 2; next }
{
	for (i = 1; i <= n; i++) {
		e = $i; d = $(i + n)
		if (e == d) continue
		if (e !~ /[.eE]/ || e + 0 == 0) exit 1
		a = e < 0 ? -e : e
		u = 10 ^ (int(log(a) / log(10) + 100) - 100 - 2)
		if ((d - e) > u / 2 * (1 + 1e-9) || (e - d) > u / 2 * (1 + 1e-9))
			exit 1
	}
}'
ok $? "twin-report nca --digits 3: every number within half a unit of its third digit"

twin-dose -m vanco --target 'trough >= 10' --amounts 500..2000/250 \
    --intervals 8,12,24 --table --digits 2 <<'E' > "$tmp/dose" 2>/dev/null
ID	TIME	WT	CRCL
1	0	80	100
E
ok $? "twin-dose --table --digits 2 runs"
twin-pop -n 3 --seed 1 > "$tmp/pop"
twin-pop -n 3 --seed 1 --pretty > "$tmp/popp"
[ "$(wc -l < "$tmp/pop")" -eq "$(wc -l < "$tmp/popp")" ] &&
    awk 'NR == 1 { n = length($0) } length($0) != n { exit 1 }' "$tmp/popp"
ok $? "twin-pop --pretty: aligned"
twin-pbpk --kp --digits 3 voriconazole > "$tmp/kp"
ok $? "twin-pbpk --kp --digits 3"

# Refused: --pretty with --shard, --digits out of range, twin-pbpk's YAML.
printf "$ss" | twin-sim -m pk1cmt --pretty --shard 1/2 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q -- "--pretty aligns the columns" "$tmp/err"
ok $? "twin-sim --pretty --shard: refused"
printf "$ss" | twin-sim -m pk1cmt --digits 3 --shard 1/1 > "$tmp/sh"
ok $? "twin-sim --digits --shard: allowed (row by row)"
twin-sim -m pk1cmt --digits 0 < /dev/null > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q -- '--digits wants a whole number from 1 to 17, got "0"' "$tmp/err"
ok $? "--digits 0: a usage error"
twin-pbpk --pretty voriconazole > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q -- "go with --kp" "$tmp/err"
ok $? "twin-pbpk --pretty without --kp: refused"

done_testing
