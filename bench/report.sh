#!/bin/sh
# bench/report.sh - twin-report's time and peak memory on virtual cohorts
# (pk2cmt, 500 mg q12h for a week, 337 output times per individual):
# NCA streams one individual at a time; bands keeps every value
# (8 bytes per value, as twin-report(1) says).
here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

printf 'N\tverb\tseconds\tpeak_RSS_MB\n'
for n in ${BENCH_NS:-1000 10000}; do
	twin-sim -m pk2cmt --iiv -n "$n" --grid 0:168:0.5 \
	    < "$top/examples/regimen.tsv" > "$tmp/c.tsv"
	for verb in nca bands; do
		/usr/bin/time -f "%e %M" -o "$tmp/t" \
		    twin-report "$verb" -y CP "$tmp/c.tsv" > /dev/null
		awk -v n="$n" -v v="$verb" '{ printf "%s\t%s\t%s\t%.1f\n", n, v, $1, $2 / 1024 }' "$tmp/t"
	done
done
