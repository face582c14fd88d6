#!/bin/bash
# One shard of a virtual cohort (twin(7), Large cohorts): the one home of
# the cohort's pipeline, run by make -j (Makefile), GNU parallel
# (parallel.sh) and a Slurm array task (../slurm/shard.sbatch) alike.
#
#   bash shard.sh K SHARDS        in the folder the results go to
#
# Shard K of SHARDS of N virtual patients (twin-pop --shard K/SHARDS):
# MODEL on REGIMEN with random effects, sampled on GRID, and their target
# attainment over TIME >= AFTER.  Writes pta-K.tsv (twin-report target
# --pta of the shard, with its provenance: merge.sh checks the shards by
# it) and, unless RECORDS=no, shard-K.tsv (the shard's records).  Every
# step carries --provenance, so pta-K.tsv names the tools, the model's
# hash, the seed and the shard of the whole pipeline.  The twin programs
# must be on PATH.  Files are renamed into place when complete; a failing
# step fails the shard (pipefail).
set -euo pipefail
k=${1:?usage: shard.sh K SHARDS}
n=${2:?usage: shard.sh K SHARDS}
: "${N:=10000}" "${SEED:=1}" "${MODEL:=pk2cmt}"
: "${REGIMEN:=100 mg po q24h x14}" "${GRID:=23.99:335.99:24}"
: "${TARGET:=cmin >= 0.3}" "${AFTER:=300}" "${Y:=CP}" "${RECORDS:=yes}"
records() {
	if [ "$RECORDS" = no ]; then cat; else tee "shard-$k.tsv.tmp"; fi
}
twin-pop -n "$N" --seed "$SEED" --shard "$k/$n" --provenance |
    twin-dose -m "$MODEL" --regimen "$REGIMEN" --provenance |
    twin-sim -m "$MODEL" --iiv --seed "$SEED" --grid "$GRID" --provenance |
    records |
    twin-report target "$TARGET" --after "$AFTER" -y "$Y" --pta \
    --provenance -o "pta-$k.tsv"
[ "$RECORDS" = no ] || mv "shard-$k.tsv.tmp" "shard-$k.tsv"
