#!/bin/bash
# A virtual cohort on a Slurm cluster (twin(7), Large cohorts):
#
#   N=1000000 RECORDS=no bash examples/slurm/submit.sh SHARDS [DIR]
#
# submits examples/cohort/shard.sh as a job array, one shard per task
# (shard.sbatch, --array=1-SHARDS), and a merge job (merge.sbatch) that
# Slurm starts only when every task has succeeded (afterok); results in
# DIR (default: here; made if missing), which every node must see.
# Prints the merge job's ID; with WAIT=1 it waits for the merge and exits
# with its status.  The twin programs must be on the PATH the jobs
# inherit (--export=ALL).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SHARDS=${1:?usage: submit.sh SHARDS [DIR]}
mkdir -p "${2:-.}"
dir=$(cd "${2:-.}" && pwd)
TWIN_EXAMPLES=$(dirname "$here")
export SHARDS TWIN_EXAMPLES
array=$(sbatch --parsable --array=1-"$SHARDS" --chdir="$dir" \
    --export=ALL "$here/shard.sbatch")
merge=$(sbatch --parsable ${WAIT:+--wait} --dependency=afterok:"${array%%;*}" \
    --kill-on-invalid-dep=yes --chdir="$dir" --export=ALL \
    "$here/merge.sbatch")
merge=${merge%%;*}
echo "$merge"
[ -n "${WAIT:-}" ] || exit 0
# sbatch --wait exits 0 for a merge job cancelled because a shard failed
state=$(scontrol show job "$merge" -o | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[ "$state" = COMPLETED ] || {
	echo "submit.sh: the merge job $merge ended ${state:-unknown}" \
	    "(a shard failed?); see $dir/slurm-*.out" >&2
	exit 1
}
