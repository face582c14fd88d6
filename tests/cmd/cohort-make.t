#!/bin/sh
# examples/cohort/Makefile: a cohort in shards with make -j, merged, is the
# serial run byte for byte (each ID draws its own random numbers), and so
# is its target attainment; for SHARDS 1, 3 and 4 (more shards than jobs).
. "$(dirname "$0")/lib.sh"
command -v make > /dev/null 2>&1 || { echo "1..0 # SKIP no make"; exit 0; }
mk="$top/examples/cohort/Makefile"
twin-pop -n 500 --seed 1 | twin-dose -m pk2cmt --regimen '100 mg po q24h x14' \
    2> /dev/null | twin-sim -m pk2cmt --iiv --seed 1 --grid 23.99:335.99:24 \
    2> /dev/null > "$tmp/serial.tsv"
twin-report target 'cmin >= 0.3' --after 300 -y CP --pta "$tmp/serial.tsv" \
    > "$tmp/serial.pta"
for s in 1 3 4; do
	mkdir "$tmp/s$s"
	(cd "$tmp/s$s" && make -s -f "$mk" -j 2 N=500 SHARDS=$s > /dev/null 2>&1)
	ok $? "make -j 2 SHARDS=$s runs"
	cmp -s "$tmp/serial.tsv" "$tmp/s$s/cohort.tsv"
	ok $? "SHARDS=$s: the merged cohort is the serial run byte for byte"
	cmp -s "$tmp/serial.pta" "$tmp/s$s/pta.tsv"
	ok $? "SHARDS=$s: the target attainment is the serial one"
done
# every shard holds some IDs, none twice
awk -F'\t' 'FNR > 1 { if (seen[$1, FILENAME]++ == 0) n[$1]++ }
    END { for (i in n) if (n[i] != 1) bad++; exit bad > 0 }' "$tmp"/s4/shard-*.tsv
ok $? "SHARDS=4: each ID in one shard only"
done_testing
