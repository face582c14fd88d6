#!/bin/sh
# twin-report accuracy: agreement of a prediction column with a reference,
# values worked out by hand on a small table:
#   ID 1: (IPRED, DV) = (110, 100) at 1, (90, 100) at 2
#   ID 2: (130, 100) at 1, (60, 50) at 2; at 3 an EVID 2 record (left
#         out), at 4 MDV 1 (left out), at 5 a "." (left out); a dose row
#   all:  d = 10, -10, 30, 10: BIAS 10, MAE 15, RMSE sqrt(300), MARD
#         (0.1 + 0.1 + 0.3 + 0.2)/4 = 17.5 %, MAXAE 30,
#         R = sqrt(1875/2675) (deviations from the means 97.5 and 87.5),
#         Clarke A 75 %, B 25 % (130 at 100 is 30 % over)
#   ID 1: BIAS 0, MAE 10, RMSE 10, MARD 10, MAXAE 10, R undefined (the
#         reference is constant); ID 2: BIAS 20, MAE 20, RMSE sqrt(500),
#         MARD 25, MAXAE 30, R 1 (two pairs)
#   --after 1.5: (90, 100), (60, 50): BIAS 0, MAE 10, RMSE 10, MARD 15
. "$(dirname "$0")/lib.sh"

printf 'ID\tTIME\tEVID\tMDV\tAMT\tDV\tIPRED\n' > "$tmp/a.tsv"
printf '1\t0\t1\t1\t100\t.\t.\n1\t1\t0\t0\t.\t100\t110\n1\t2\t0\t0\t.\t100\t90\n' >> "$tmp/a.tsv"
printf '2\t1\t0\t0\t.\t100\t130\n2\t2\t0\t0\t.\t50\t60\n2\t3\t2\t0\t.\t50\t99\n' >> "$tmp/a.tsv"
printf '2\t4\t0\t1\t.\t50\t99\n2\t5\t0\t0\t.\t.\t99\n' >> "$tmp/a.tsv"

twin-report accuracy -y IPRED --clarke < "$tmp/a.tsv" > "$tmp/o" 2> "$tmp/e"
ok $? "accuracy -y IPRED --clarke runs"
awk -F'\t' 'function ab(x) { return x < 0 ? -x : x }
NR == 1 { h = $0; next }
{ n++; ok = $1 == 4 && $2 == 10 && $3 == 15 &&
    ab($4 - sqrt(300)) <= 1e-14 * sqrt(300) && ab($5 - 17.5) <= 1e-13 &&
    $6 == 30 && ab($7 - sqrt(1875 / 2675)) <= 1e-14 &&
    $8 == 75 && $9 == 25 && $10 == 0 && $11 == 0 && $12 == 0 }
END { exit !(n == 1 && ok && h == "N\tBIAS\tMAE\tRMSE\tMARD\tMAXAE\tR\tZONE_A\tZONE_B\tZONE_C\tZONE_D\tZONE_E") }' "$tmp/o"
ok $? "all pairs: N 4, BIAS 10, MAE 15, RMSE sqrt(300), MARD 17.5, MAXAE 30, R sqrt(1875/2675), A 75 B 25"

twin-report accuracy -y IPRED --ref DV --by ID < "$tmp/a.tsv" > "$tmp/o" 2> "$tmp/e"
printf 'ID\tN\tBIAS\tMAE\tRMSE\tMARD\tMAXAE\tR\n1\t2\t0\t10\t10\t10\t10\t.\n' > "$tmp/want"
head -2 "$tmp/o" | cmp -s - "$tmp/want" &&
    awk -F'\t' 'function ab(x) { return x < 0 ? -x : x }
    NR == 3 { ok = $1 == 2 && $2 == 2 && $3 == 20 && $4 == 20 &&
	ab($5 - sqrt(500)) <= 1e-14 * sqrt(500) && $6 == 25 && $7 == 30 &&
	ab($8 - 1) <= 1e-15 }
    END { exit !(NR == 3 && ok) }' "$tmp/o"
ok $? "--by ID: a row per individual (ID 1: R '.', a constant reference; ID 2: R 1)"

twin-report accuracy -y IPRED --after 1.5 < "$tmp/a.tsv" > "$tmp/o" 2> "$tmp/e"
awk -F'\t' 'function ab(x) { return x < 0 ? -x : x }
NR == 2 { ok = $1 == 2 && $2 == 0 && $3 == 10 && $4 == 10 && ab($5 - 15) <= 1e-13 }
END { exit !(NR == 2 && ok) }' "$tmp/o"
ok $? "--after 1.5: the two pairs at TIME 2"

twin-report accuracy -y IPRED --before 0.5 < "$tmp/a.tsv" > "$tmp/o" 2> "$tmp/e"
printf 'N\tBIAS\tMAE\tRMSE\tMARD\tMAXAE\tR\n0\t.\t.\t.\t.\t.\t.\n' | cmp -s - "$tmp/o"
ok $? "no pairs: N 0 and '.'"

# A reference of 0 is in N, BIAS, RMSE but not in MARD.
printf 'ID\tTIME\tDV\tIPRED\n1\t1\t0\t5\n1\t2\t10\t12\n' |
    twin-report accuracy -y IPRED > "$tmp/o" 2> "$tmp/e"
awk -F'\t' 'NR == 2 { ok = $1 == 2 && $2 == 3.5 && $5 == 20 }
END { exit !(NR == 2 && ok) }' "$tmp/o"
ok $? "ref 0: counted in N and BIAS (3.5), left out of MARD (20 % of the other)"

# mmol/L: the zones of the values x 18 (2.78 -> 11.1 mmol/L is zone E).
printf 'ID\tTIME\tDV\tIPRED\n1\t1\t%.17g\t%.17g\n' "$(awk 'BEGIN { printf "%.17g", 50 / 18 }')" "$(awk 'BEGIN { printf "%.17g", 200 / 18 }')" |
    twin-report accuracy -y IPRED --clarke --unit mmol/L > "$tmp/o" 2> "$tmp/e"
awk -F'\t' 'NR == 2 { ok = $12 == 100 } END { exit !(NR == 2 && ok) }' "$tmp/o"
ok $? "--unit mmol/L: Clarke zones of the values in mg/dL"

# Errors.
twin-report accuracy < "$tmp/a.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q 'accuracy: -y and --ref are both "DV"' "$tmp/e"
ok $? "-y and --ref the same column: an error"
twin-report accuracy -y IPRED --ref OBS < "$tmp/a.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q -- '--ref: no column "OBS"' "$tmp/e"
ok $? "--ref naming no column: an error"

done_testing
