#!/bin/bash
# Merge the shards of shard.sh (twin(7), Large cohorts):
#
#   bash merge.sh SHARDS          in the folder of the shards' results
#
# pta.tsv from pta-1.tsv .. pta-SHARDS.tsv with twin-report --merge, which
# checks that the shards are of one run (the same tools, model hash and
# seed in every history, the same target) and that none is missing or
# given twice; it is the serial run's PTA byte for byte (counts add).
# With the shards' records (RECORDS not no), cohort.tsv too: their header
# once, then their records merged by ID (sort -m: each shard keeps its IDs
# in input order), the serial run's records byte for byte, without the
# provenance lines.  The same settings as shard.sh, from the environment.
set -euo pipefail
n=${1:?usage: merge.sh SHARDS}
: "${TARGET:=cmin >= 0.3}" "${AFTER:=300}" "${Y:=CP}" "${RECORDS:=yes}"
parts=()
for ((k = 1; k <= n; k++)); do
	parts+=("pta-$k.tsv")
done
twin-report target "$TARGET" --after "$AFTER" -y "$Y" --pta --merge \
    -o pta.tsv "${parts[@]}"
[ "$RECORDS" = no ] && exit 0
tab=$(printf '\t')
{
	grep -v -m 1 '^#' shard-1.tsv
	for ((k = 1; k <= n; k++)); do
		grep -v '^#' "shard-$k.tsv" | tail -n +2 > "body-$k.tmp"
	done
	sort -m -s -t "$tab" -k1,1n body-*.tmp
} > cohort.tsv.tmp
rm -f body-*.tmp
mv cohort.tsv.tmp cohort.tsv
