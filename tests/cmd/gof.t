#!/bin/sh
# twin-report gof and the plot improvements: the content of the SVG files
# (points, panels, ticks, reference lines), worked out by hand from a
# small table of predictions, and the pictures of the pheno fit.
. "$(dirname "$0")/lib.sh"

# five observations of three individuals, as twin-fit --table writes them
printf 'ID\tTIME\tDV\tPRED\tIPRED\tCWRES\tIWRES\tETA_CL\tWT\n' > "$tmp/t.tsv"
printf '1\t1\t10\t8\t9\t0.5\t1\t0.1\t70\n1\t2\t6\t5\t5.5\t-1\t-0.5\t0.1\t70\n' >> "$tmp/t.tsv"
printf '2\t1\t12\t8\t11\t3\t-2.5\t-0.2\t80\n2\t4\t4\t3\t4.2\t-0.2\t0.3\t-0.2\t80\n' >> "$tmp/t.tsv"
printf '3\t2\t7\t6\t7\t0\t0\t0.05\t60\n' >> "$tmp/t.tsv"
npts() { grep -c '<circle clip-path' "$1"; }

twin-report gof dv-pred -o "$tmp/dp.svg" "$tmp/t.tsv" &&
    [ "$(npts "$tmp/dp.svg")" -eq 5 ]
ok $? "gof dv-pred: a point per observation (5)"
# values 3..12, from 0, 5 % headroom: 12.6, ticks of 2 on both axes: 0..14;
# the plot area 66..706 x 54..394 (page 720 x 440 less the margins)
grep -q 'class="identity" x1="66.00" y1="394.00" x2="706.00" y2="54.00"' "$tmp/dp.svg"
ok $? "gof dv-pred: the identity line from (0, 0) to (14, 14), corner to corner"
[ "$(grep -o '>[0-9]*</text>' "$tmp/dp.svg" | tr -d '<>/text' | tr '\n' ' ')" = \
    "0 2 4 6 8 10 12 14 0 2 4 6 8 10 12 14 " ]
ok $? "gof dv-pred: ticks 0, 2, ..., 14 on both axes"
twin-report gof dv-pred -m pk1cmt -o "$tmp/dpu.svg" "$tmp/t.tsv" &&
    grep -q '>PRED (mg/L)<' "$tmp/dpu.svg" && grep -q '>DV (mg/L)<' "$tmp/dpu.svg"
ok $? "gof: the units of the model (-m) on the axes"
twin-report gof dv-ipred --log -o "$tmp/dil.svg" "$tmp/t.tsv" &&
    grep -q 'class="minor"' "$tmp/dil.svg" && grep -q 'class="identity"' "$tmp/dil.svg" &&
    [ "$(npts "$tmp/dil.svg")" -eq 5 ]
ok $? "gof dv-ipred --log: log axes with minor ticks, the identity line"

twin-report gof cwres-time -o "$tmp/ct.svg" "$tmp/t.tsv" &&
    [ "$(npts "$tmp/ct.svg")" -eq 5 ] &&
    [ "$(grep -c 'stroke-dasharray' "$tmp/ct.svg")" -eq 2 ] &&
    grep -q '>-4</text>' "$tmp/ct.svg" && grep -q '>4</text>' "$tmp/ct.svg"
ok $? "gof cwres-time: 5 points, dashed lines at +-2, y symmetric -4..4 (|CWRES| <= 3 with headroom)"
twin-report gof cwres-pred -o "$tmp/cp.svg" "$tmp/t.tsv" &&
    [ "$(npts "$tmp/cp.svg")" -eq 5 ]
ok $? "gof cwres-pred: 5 points"
# |IWRES|: 1, 0.5, 2.5, 0.3, 0; none below the x axis
twin-report gof iwres-ipred -o "$tmp/ii.svg" "$tmp/t.tsv" &&
    [ "$(npts "$tmp/ii.svg")" -eq 5 ] && grep -q '>|IWRES|<' "$tmp/ii.svg" &&
    ! grep -q '>-[0-9.]*</text>' "$tmp/ii.svg"
ok $? "gof iwres-ipred: |IWRES| from 0"

twin-report gof indiv --per-page 2 -o "$tmp/ind.svg" "$tmp/t.tsv" &&
    [ -f "$tmp/ind-1.svg" ] && [ -f "$tmp/ind-2.svg" ] && [ ! -f "$tmp/ind.svg" ] &&
    [ "$(grep -c '<clipPath' "$tmp/ind-1.svg")" -eq 2 ] &&
    [ "$(grep -c '<clipPath' "$tmp/ind-2.svg")" -eq 1 ] &&
    grep -q '>ID 1<' "$tmp/ind-1.svg" && grep -q '>ID 2<' "$tmp/ind-1.svg" &&
    grep -q '>ID 3<' "$tmp/ind-2.svg" && [ "$(npts "$tmp/ind-1.svg")" -eq 4 ] &&
    [ "$(grep -c '<polyline' "$tmp/ind-1.svg")" -eq 4 ]
ok $? "gof indiv --per-page 2: pages ind-1 (IDs 1, 2) and ind-2 (ID 3), DV points, IPRED and PRED lines"
twin-report gof indiv -o "$tmp/one.svg" "$tmp/t.tsv" && [ -f "$tmp/one.svg" ] &&
    [ "$(grep -c '<clipPath' "$tmp/one.svg")" -eq 3 ]
ok $? "gof indiv: one page, the file itself"

# ETA_CL of the IDs: 0.1, -0.2, 0.05; Sturges: ceil(log2 3) + 1 = 3 bins
# over [-0.2, 0.2]: one value in each
twin-report gof eta-hist -o "$tmp/eh.svg" "$tmp/t.tsv" &&
    [ "$(grep -c 'class="bar"' "$tmp/eh.svg")" -eq 3 ] && grep -q '>ETA_CL<' "$tmp/eh.svg"
ok $? "gof eta-hist: 3 bars of one ID each"
twin-report gof eta-cov --cov WT -o "$tmp/ec.svg" "$tmp/t.tsv" &&
    [ "$(npts "$tmp/ec.svg")" -eq 3 ] && grep -q '>ETA_CL vs WT<' "$tmp/ec.svg"
ok $? "gof eta-cov --cov WT: a point per ID"
twin-report gof all --cov WT -o "$tmp/all" "$tmp/t.tsv" &&
    [ "$(ls "$tmp/all" | tr '\n' ' ')" = "cwres-pred.svg cwres-time.svg dv-ipred.svg dv-pred.svg eta-cov.svg eta-hist.svg indiv.svg iwres-ipred.svg " ]
ok $? "gof all: every picture into the folder"

cut -f1-5 "$tmp/t.tsv" > "$tmp/nocw.tsv"
twin-report gof cwres-time -o "$tmp/x.svg" "$tmp/nocw.tsv" 2> "$tmp/e"; s=$?
[ $s -ne 0 ] && grep -q 'nocw.tsv:1: cwres-time needs a column "CWRES"' "$tmp/e" && [ ! -f "$tmp/x.svg" ]
ok $? "gof: a missing column is an error naming it, and no file"
twin-report gof all -o "$tmp/some" "$tmp/nocw.tsv" &&
    [ "$(ls "$tmp/some" | tr '\n' ' ')" = "dv-ipred.svg dv-pred.svg indiv.svg " ]
ok $? "gof all: only the pictures the table allows"
twin-report gof dv-prd -o "$tmp/x.svg" "$tmp/t.tsv" 2> "$tmp/e"
[ $? -ne 0 ] && grep -q 'did you mean "dv-pred"' "$tmp/e"
ok $? "gof: an unknown picture, with a suggestion"

# the pheno fit: 155 concentrations of 59 infants
twin-fit --population -m "$top/testdata/pheno.yaml" --table "$tmp/ph.tsv" \
    --ebe "$tmp/ebe.tsv" "$top/testdata/pheno.tsv" > "$tmp/est.tsv" &&
    [ "$(head -1 "$tmp/ph.tsv" | tr '\t' ' ')" = "ID TIME DV PRED IPRED CWRES IWRES ETA_CL ETA_V WT APGR" ]
ok $? "twin-fit --table: IWRES, the ETAs and the covariates after CWRES"
# IWRES = (DV - IPRED) / (sigma IPRED) with proportional error, sigma the
# square root of the estimated SIGMA_PROP (a variance)
s2=$(awk -F'\t' '$1 == "SIGMA_PROP" { print $2 }' "$tmp/est.tsv")
awk -F'\t' -v s2="$s2" 'NR > 1 { w = ($3 - $5) / (sqrt(s2) * $5); d = $7 - w
    if (d > 1e-9 * (1 + (w < 0 ? -w : w)) || -d > 1e-9 * (1 + (w < 0 ? -w : w))) bad++; n++ }
    END { exit !(n == 155 && bad == 0) }' "$tmp/ph.tsv"
ok $? "twin-fit --table: IWRES = (DV - IPRED) / (sigma IPRED) on all 155 rows (1e-9)"
awk -F'\t' 'FNR == 1 { f++; next } f == 1 { e[$1] = $2 "/" $3; next }
    f == 2 && $3 == 0 { wt[$1] = $12; ap[$1] = $13; next }
    f == 3 && (e[$1] != $8 "/" $9 || wt[$1] != $10 || ap[$1] != $11) { bad++ }
    END { exit bad != 0 }' "$tmp/ebe.tsv" "$top/testdata/pheno.tsv" "$tmp/ph.tsv"
ok $? "twin-fit --table: the ETAs are --ebe'\''s, WT and APGR the data'\''s"
[ -s "$tmp/ph.tsv" ] &&
    twin-report gof all -m "$top/testdata/pheno.yaml" -o "$tmp/ph" "$tmp/ph.tsv" &&
    [ "$(npts "$tmp/ph/dv-pred.svg")" -eq 155 ] &&
    [ "$(npts "$tmp/ph/cwres-time.svg")" -eq 155 ] &&
    [ "$(ls "$tmp/ph" | grep -c '^indiv-[1-5].svg$')" -eq 5 ] &&
    [ "$(grep -c 'class="bar"' "$tmp/ph/eta-hist.svg")" -le 14 ] &&
    [ "$(grep -c '<clipPath' "$tmp/ph/eta-cov.svg")" -eq 4 ]
ok $? "gof all on pheno: 155 points, 5 pages of 12 IDs, 2 ETAs x 2 covariates"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$tmp"/ph/*.svg "$tmp"/*.svg
	ok $? "the SVG files are well-formed XML (xmllint)"
fi

# --- plot --------------------------------------------------------------------
th="$top/testdata/theoph.tsv"
twin-report plot -m "$top/testdata/theoph.yaml" -o "$tmp/th.svg" "$th" &&
    [ "$(grep -o 'y="[0-9.]*">[0-9]*</text>' "$tmp/th.svg" | sed 's/.*>\([0-9]*\)<.*/\1/' | head -5 | tr '\n' ' ')" = "0 6 12 18 24 " ]
ok $? "plot: 24.65 h of samples, time ticks every 6 h"
[ "$(npts "$tmp/th.svg")" -eq 132 ]
ok $? "plot -y DV: a marker per observation (132)"
printf 'ID\tTIME\tEVID\tAMT\tII\tADDL\tCMT\tWT\n1\t0\t1\t100\t12\t5\tcentral\t70\n' |
    twin-sim -m pk1cmt --grid 0:72:1 > "$tmp/md.tsv" &&
    twin-report plot -y CP -o "$tmp/md.svg" "$tmp/md.tsv" &&
    [ "$(grep -o '>[0-9]*</text>' "$tmp/md.svg" | sed 's/[^0-9]//g' | grep -c '^\(0\|12\|24\|36\|48\|60\|72\)$')" -ge 7 ] &&
    ! grep -q '>6</text>' "$tmp/md.svg"
ok $? "plot: doses every 12 h over 72 h, ticks on multiples of the interval"
twin-report plot --target 5..10 -o "$tmp/tg.svg" "$th" &&
    grep -q 'fill="#e3f4e3"' "$tmp/tg.svg" && grep -q '>target 5-10<' "$tmp/tg.svg" &&
    twin-report plot --target 8 -o "$tmp/tl.svg" "$th" && grep -q '>target 8<' "$tmp/tl.svg"
ok $? "plot --target: a band (5..10) or a line (8)"
twin-report plot --facet ID -o "$tmp/f.svg" "$th" &&
    [ "$(grep -c '<clipPath' "$tmp/f.svg")" -eq 12 ] && grep -q '>ID=12<' "$tmp/f.svg" &&
    [ "$(npts "$tmp/f.svg")" -eq 132 ]
ok $? "plot --facet ID: a panel per individual (12), every observation once"
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "Y"; for (i = 1; i <= 301; i++) for (t = 0; t <= 4; t++) print i, t, i + t }' > "$tmp/many.tsv"
twin-report plot -y Y -o "$tmp/many.svg" "$tmp/many.tsv" 2> "$tmp/e" &&
    grep -q '301 individuals are more lines than 300' "$tmp/e" &&
    [ "$(grep -c '<polyline' "$tmp/many.svg")" -eq 1 ] && [ "$(grep -c '<polygon' "$tmp/many.svg")" -eq 2 ]
ok $? "plot: above 300 lines, a warning and the quantile bands"
head -n $((1 + 300 * 5)) "$tmp/many.tsv" > "$tmp/300.tsv"
twin-report plot -y Y -o "$tmp/300.svg" "$tmp/300.tsv" 2> "$tmp/e" && [ ! -s "$tmp/e" ] &&
    [ "$(grep -c '<polyline' "$tmp/300.svg")" -eq 300 ]
ok $? "plot: 300 lines are drawn"
twin-report plot --log -o "$tmp/lg.svg" "$th" &&
    [ "$(sed -n '/class="minor"/,/<\/g>/p' "$tmp/lg.svg" | grep -c '<line')" -gt 9 ]
ok $? "plot --log: minor ticks"
done_testing
