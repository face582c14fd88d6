#!/bin/sh
# bench/fit.sh - estimation speed: MAP twins and FOCE-I population fits,
# twin-fit's whole process beside nlme's fit call (issue 10's targets).
#
# Usage: sh bench/fit.sh [OUTDIR]       (results in OUTDIR/fit)
#
# Environment:
#   BENCH_REPS   repeats, the outer loop (default 3)
#   BENCH_PEERS  0: skip nlme
#
# Timed, interleaved within each repeat:
#   map1, map1000  twin-fit -m models/pk2cmt.yaml (MAP, the default) on
#                  bench/fit/map6.tsv (one individual, one dose, six
#                  levels) and on 1000 copies of it; the time of one
#                  individual is (map1000 - map1) / 999, the process's
#                  start-up left out;
#   theoph, pheno  twin-fit --population (FOCE-I, covariance step
#                  included) on testdata/theoph.tsv and pheno.tsv, whole
#                  process, against the seconds of the nlme() call in
#                  tests/ref/nlme_theoph.R and nlme_pheno.R (FIT_S).
# Medians over the repeats; the estimates' agreement is checked by
# tests/cmd/fit.t, not here.

here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
out=${1:-}
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/twin-bench.XXXXXX") || exit 2
fi
out="$out/fit"
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd) || exit 2
reps=${BENCH_REPS:-3}
say() { printf 'bench-fit: %s\n' "$*" >&2; }

cd "$top" || exit 2
make -s twin-fit || { say "make twin-fit failed"; exit 2; }
. "$here/lib.sh"

{
	head -n 1 "$here/fit/map6.tsv"
	i=1
	while [ "$i" -le 1000 ]; do
		tail -n +2 "$here/fit/map6.tsv" | sed "s/^1	/$i	/"
		i=$((i + 1))
	done
} >"$out/map1000.tsv"

nlme=0
if [ "${BENCH_PEERS:-1}" != 0 ] && command -v Rscript >/dev/null 2>&1 &&
    Rscript -e 'suppressPackageStartupMessages(library(nlme))' \
    >/dev/null 2>&1; then
	nlme=1
else
	say "R with nlme not found (apt-get install r-cran-nlme): twin-fit only"
fi

printf 'case\ttool\trep\tseconds\trc\n' >"$out/raw.tsv"
r=1
while [ "$r" -le "$reps" ]; do
	timed "$here/fit/map6.tsv" /dev/null ./twin-fit -m models/pk2cmt.yaml
	printf 'map1\ttwin-fit\t%s\t%s\t%s\n' "$r" "$wall" "$rc" >>"$out/raw.tsv"
	timed "$out/map1000.tsv" /dev/null ./twin-fit -m models/pk2cmt.yaml
	printf 'map1000\ttwin-fit\t%s\t%s\t%s\n' "$r" "$wall" "$rc" \
	    >>"$out/raw.tsv"
	for d in theoph pheno; do
		timed "testdata/$d.tsv" "$out/$d.est" ./twin-fit --population \
		    -m "testdata/$d.yaml"
		printf '%s\ttwin-fit\t%s\t%s\t%s\n' "$d" "$r" "$wall" "$rc" \
		    >>"$out/raw.tsv"
		say "rep $r $d twin-fit: ${wall}s (rc $rc)"
		if [ "$nlme" = 1 ]; then
			s=$(Rscript "tests/ref/nlme_$d.R" "testdata/$d.tsv" \
			    2>/dev/null | awk -F'\t' '$1 == "FIT_S" { print $2 }')
			printf '%s\tnlme\t%s\t%s\t%s\n' "$d" "$r" "${s:-NA}" \
			    "$([ -n "$s" ] && echo 0 || echo 1)" >>"$out/raw.tsv"
			say "rep $r $d nlme fit call: ${s:-failed}s"
		fi
	done
	r=$((r + 1))
done

awk -F'\t' "$stats_awk"'
NR > 1 && $5 == 0 { t[$1 "\t" $2] = t[$1 "\t" $2] " " $4 }
END {
	m1 = median(t["map1\ttwin-fit"]); mk = median(t["map1000\ttwin-fit"])
	print "# twin-fit benchmark: MAP and FOCE-I (medians of '"$reps"' repeats)"
	print ""
	printf "- MAP, pk2cmt, one individual with 6 levels: %.3f ms each" \
	    " (1000 individuals %s s, one %s s whole process); target <= 1 ms:" \
	    " %s\n", (mk - m1) / 999 * 1000, fmt(mk), fmt(m1),
	    ((mk - m1) / 999 <= 0.001 ? "met" : "**MISSED**")
	split("theoph pheno", ds, " ")
	for (i = 1; i <= 2; i++) {
		d = ds[i]; a = median(t[d "\ttwin-fit"]); b = median(t[d "\tnlme"])
		lim = d == "theoph" ? 1 : 2
		printf "- FOCE-I %s, whole twin-fit process %s s", d, fmt(a)
		if (b != "NA")
			printf "; nlme fit call %s s; twin-fit / nlme %.2f;" \
			    " target <= %d: %s", fmt(b), a / b, lim,
			    (a / b <= lim ? "met" : "**MISSED**")
		printf "\n"
	}
}' "$out/raw.tsv" >"$out/summary.md"
cat "$out/summary.md"
say "results in $out"
