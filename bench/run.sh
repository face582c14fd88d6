#!/bin/sh
# bench/run.sh - benchmark twin-sim on workload W1 "cohort2cmt" beside the
# peer scripts (R deSolve, scipy) and check it against the closed form.
#
# Usage: sh bench/run.sh [OUTDIR]        (default: a new mktemp -d folder)
#
# Environment:
#   BENCH_NS         subject counts timed (default "100 1000")
#   BENCH_REPS       repeats; the outer loop, so noise spreads (default 3)
#   BENCH_MEM_NS     subject counts for the peak-memory runs, twin-sim only
#                    (default "100 1000 10000")
#   BENCH_SCIPY_BDF  1: run scipy BDF at every N (default: only at N=100;
#                    it takes minutes at N=1000)
#   BENCH_PEERS      0: skip the peers (twin-sim and accuracy only)
#   PEER_PYTHON      Python with scipy (default: python3 if it imports
#                    scipy, else /usr/bin/python3)
#   TWIN_SHARED      the shared W1 folder (holding analytic_2cmt.py), used
#                    when ../shared/bench/w1 beside the repository is absent
#   W1_SEED          cohort seed (default 20260701), passed to every tool
#   BENCH_WORKLOADS  the workloads (default "w1 w2 w3"); w2 and w3 are run
#                    by bench/run-w23.sh after W1, into OUTDIR/w23, with
#                    mrgsolve from PEER_RLIB and deSolve as peers
#
# Writes OUTDIR/raw.tsv (one line per timed run), OUTDIR/accuracy.tsv,
# OUTDIR/memory.tsv, OUTDIR/summary.md, subject-1 TSVs and logs, and prints
# the summary.  See bench/README.md.

here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
out=${1:-}
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/twin-bench.XXXXXX") || exit 2
fi
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd) || exit 2

ns=${BENCH_NS:-"100 1000"}
reps=${BENCH_REPS:-3}
memns=${BENCH_MEM_NS:-"100 1000 10000"}
grid=0:168:0.5
model=models/pk2cmt.yaml
workloads=${BENCH_WORKLOADS:-"w1 w2 w3"}
case " $workloads " in
*" w1 "*) ;;
*) exec sh "$here/run-w23.sh" "$out" ;;
esac

say() { printf 'bench: %s\n' "$*" >&2; }

# ---- the shared W1 folder ------------------------------------------------
shared=
for d in "$here/../../shared/bench/w1" "${TWIN_SHARED:-}" \
    "${TWIN_SHARED:+$TWIN_SHARED/bench/w1}"; do
	if [ -n "$d" ] && [ -f "$d/analytic_2cmt.py" ]; then
		shared=$(cd "$d" && pwd)
		break
	fi
done
[ -n "$shared" ] || say "shared W1 folder not found (looked beside the" \
    "repository and in TWIN_SHARED): no peers, no accuracy check"

# ---- tools ---------------------------------------------------------------
cd "$top" || exit 2
say "building twin-sim (make -s twin-sim)"
make -s twin-sim || { say "make twin-sim failed"; exit 2; }
cc -std=c11 -O2 -Wall -o "$out/gen" "$here/w1/gen.c" -lm ||
    { say "cannot compile bench/w1/gen.c"; exit 2; }

. "$here/lib.sh"
if [ -z "$timebin" ]; then
	say "GNU time not found (apt-get install time): no peak RSS"
fi

pyref=
if command -v python3 >/dev/null 2>&1; then
	pyref=python3
elif [ -x /usr/bin/python3 ]; then
	pyref=/usr/bin/python3
fi
[ -n "$pyref" ] || say "python3 not found: no accuracy check"
[ -n "$shared" ] || pyref=

peers=
if [ -n "$shared" ] && [ "${BENCH_PEERS:-1}" != 0 ]; then
	if command -v Rscript >/dev/null 2>&1 && Rscript -e \
	    'suppressPackageStartupMessages(library(deSolve))' \
	    >/dev/null 2>&1; then
		peers="deSolve"
	else
		say "R with deSolve not found: skipping the deSolve peer" \
		    "(apt-get install r-base-core r-base-dev r-cran-desolve)"
	fi
	if pypeer=$(find_scipy); then
		peers="$peers scipy-LSODA scipy-BDF"
	else
		say "no Python with scipy (apt-get install python3-scipy;" \
		    "set PEER_PYTHON): skipping the scipy peers"
	fi
	say "mrgsolve: not run (not packaged in Debian, no CRAN here)"
fi

# Twin-sim variants: name, options.
variants() {
	cat <<'EOF'
twin-sim	--no-pred
twin-sim >/dev/null	--no-pred
twin-sim +PRED
twin-sim -j2	--no-pred -j 2
twin-sim bdf	--no-pred --solver bdf
twin-sim bdf tol-8	--no-pred --solver bdf --rtol 1e-8 --atol 1e-10
EOF
}

acc_twin() {	# name N output
	[ -n "$pyref" ] || return 0
	_f=$(echo "$1" | tr ' +' '_p')
	_a=$("$pyref" "$here/w1/accuracy.py" twin "$out/ref_subject1.tsv" \
	    "$(cat "$out/ref_checksum_N$2")" "$2" "$3" \
	    "$out/subject1_${_f}_N$2.tsv") || { say "accuracy check failed"; \
	    _a="NA	NA	NA	NA	NA"; }
	printf '%s\t%s\t%s\n' "$1" "$2" "$_a" >>"$out/accuracy.tsv"
}

# ---- reference values ----------------------------------------------------
printf 'tool\tN\tmax_rel_err\tt_worst\tmax_abs_err\tchecksum\tchecksum_rel_dev\n' \
    >"$out/accuracy.tsv"
for n in $ns; do
	"$out/gen" "$n" >"$out/recs_N$n.tsv" || exit 2
	if [ -n "$pyref" ]; then
		"$pyref" "$shared/analytic_2cmt.py" --checksum "$n" |
		    sed 's/^checksum sum(conc)=//' >"$out/ref_checksum_N$n"
		# gen.c against the peers' generator, bit for bit
		c=$("$pyref" "$here/w1/accuracy.py" cohort "$shared" \
		    "$out/recs_N$n.tsv") ||
		    say "COHORT MISMATCH: gen.c differs from w1_common.py"
		echo "$c" >"$out/cohort_check_N$n"
		say "cohort N=$n (n, mismatches, CL1, V2_1): $c"
	fi
done
if [ -n "$pyref" ]; then
	"$pyref" "$shared/analytic_2cmt.py" --subject 1 \
	    >"$out/ref_subject1.tsv" || pyref=
fi

# ---- timed runs ----------------------------------------------------------
# The timer's own cost (fork and exec of GNU time and date), for reference:
# it is included in every wall time below and matters only for ~20 ms runs.
tover=""
for _ in 1 2 3 4 5; do
	timed /dev/null /dev/null true
	tover="$tover $wall"
done
tover=$(echo "$tover" | tr ' ' '\n' | sed '/^$/d' | sort -n | sed -n 3p)
say "timer overhead (median of 5 runs of true): ${tover}s"
load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
start=$(date -u '+%Y-%m-%d %H:%M UTC')
printf 'tool\tN\trep\tsim_s\tprocess_s\trss_kb\trc\n' >"$out/raw.tsv"
rec() {	# tool N rep sim
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$wall" \
	    "$rss" "$rc" >>"$out/raw.tsv"
}
r=1
while [ "$r" -le "$reps" ]; do
	for n in $ns; do
		while IFS='	' read -r name opts; do
			dest="$out/twin.tsv"
			case $name in *'>/dev/null') dest=/dev/null ;; esac
			# shellcheck disable=SC2086
			timed "$out/recs_N$n.tsv" "$dest" ./twin-sim \
			    -m "$model" --grid "$grid" $opts
			rec "$name" "$n" "$r" "$wall"
			say "rep $r N=$n $name: ${wall}s, ${rss} KB (rc $rc)"
			if [ "$rc" != 0 ]; then
				say "twin-sim failed: $name"
				continue
			fi
			if [ "$r" != 1 ] || [ "$dest" = /dev/null ]; then
				continue
			fi
			acc_twin "$name" "$n" "$out/twin.tsv"
			case $name in
			twin-sim) mv "$out/twin.tsv" "$out/twin_j1.tsv" ;;
			twin-sim\ -j2)
				if cmp -s "$out/twin.tsv" "$out/twin_j1.tsv"
				then
					echo identical
				else
					echo DIFFERENT
				fi >"$out/j2_vs_j1_N$n"
				rm -f "$out/twin_j1.tsv" ;;
			esac
		done <<EOF
$(variants)
EOF
		rm -f "$out/twin.tsv" "$out/twin_j1.tsv"
		for p in $peers; do
			if [ "$p" = scipy-BDF ] && [ "$n" != 100 ] &&
			    [ "${BENCH_SCIPY_BDF:-0}" != 1 ]; then
				continue
			fi
			s1="$out/${p}_N${n}_r$r.tsv"
			log="$out/${p}_N${n}_r$r.log"
			case $p in
			deSolve) timed /dev/null "$log" Rscript \
			    "$shared/w1_desolve.R" "$n" "$s1" ;;
			scipy-LSODA) timed /dev/null "$log" "$pypeer" \
			    "$shared/w1_scipy.py" "$n" "$s1" LSODA ;;
			scipy-BDF) timed /dev/null "$log" "$pypeer" \
			    "$shared/w1_scipy.py" "$n" "$s1" BDF ;;
			esac
			sim=NA
			[ "$rc" = 0 ] && sim=$(tail -n 1 "$log")
			rec "$p" "$n" "$r" "$sim"
			say "rep $r N=$n $p: sim ${sim}s, process ${wall}s," \
			    "${rss} KB (rc $rc)"
			if [ "$rc" = 0 ] && [ "$r" = 1 ] && [ -n "$pyref" ]; then
				ck=$(sed -n 's/^checksum sum(conc)=//p' "$log")
				a=$("$pyref" "$here/w1/accuracy.py" peer \
				    "$out/ref_subject1.tsv" \
				    "$(cat "$out/ref_checksum_N$n")" "$s1" "$ck")
				printf '%s\t%s\t%s\n' "$p" "$n" "$a" \
				    >>"$out/accuracy.tsv"
			fi
		done
	done
	r=$((r + 1))
done

# ---- peak memory against N (twin-sim only) --------------------------------
printf 'N\tprocess_s\trss_kb\n' >"$out/memory.tsv"
for n in $memns; do
	[ -f "$out/recs_N$n.tsv" ] || "$out/gen" "$n" >"$out/recs_N$n.tsv"
	timed "$out/recs_N$n.tsv" "$out/twin.tsv" ./twin-sim -m "$model" \
	    --grid "$grid" --no-pred
	rows=$(awk -F'\t' 'NR > 1 && $3 == 0' "$out/twin.tsv" | wc -l)
	printf '%s\t%s\t%s\n' "$n" "$wall" "$rss" >>"$out/memory.tsv"
	say "memory N=$n: ${wall}s, ${rss} KB, $rows grid rows (rc $rc)"
	rm -f "$out/twin.tsv"
done
rm -f "$out/.time"
load1=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# ---- summary -------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
    head -n 1)
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
vers=""
for p in $peers; do
	l=$(head -n 1 "$out/${p}_N${ns%% *}_r1.log" 2>/dev/null)
	[ -n "$l" ] && vers="$vers; $l"
done
{
	echo "# twin-sim benchmark, workload W1 \"cohort2cmt\""
	echo
	echo "- date: $start; command: \`BENCH_NS=\"$ns\" BENCH_REPS=$reps" \
	    "sh bench/run.sh\`"
	echo "- machine: $(nproc) CPU, $cpu; load average $load0 (start)," \
	    "$load1 (end)"
	echo "- twin-sim $(./twin-sim -V | sed 's/^twin-sim //') ($rev)," \
	    "model $model, grid $grid, seed ${W1_SEED:-20260701}${vers}"
	echo "- mrgsolve: not run (not available here)"
	echo "- output folder: $out ($(df -P "$out" | awk 'NR == 2 { print $1 }')," \
	    "twin-sim writes all N x 338 rows there; the peers keep their" \
	    "matrix in memory and write subject 1 only); timer overhead" \
	    "${tover}s per run, included in every time"
	echo
	awk -F'\t' -v reps="$reps" -v tover="$tover" "$stats_awk"'
	FILENAME ~ /accuracy.tsv$/ && FNR > 1 {
		err[$1 SUBSEP $2] = $3; dev[$1 SUBSEP $2] = $7; next
	}
	FILENAME ~ /raw.tsv$/ && FNR > 1 {
		k = $1 SUBSEP $2
		if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
		if ($7 == 0) {
			sim[k] = sim[k] " " $4; proc[k] = proc[k] " " $5
			if ($6 != "NA") mem[k] = mem[k] " " $6
		}
	}
	END {
		print "| tool | N | median s | [min-max] | process s" \
		    " | deSolve sim / this | peak RSS MB | max rel err" \
		    " (t>0) | checksum rel dev |"
		print "|---|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, f, SUBSEP)
			ms[k] = median(sim[k]); rg[k] = ms[k] == "NA" ? "NA" : \
			    fmt(lo[sim[k]]) "-" fmt(hi[sim[k]])
			mp[k] = median(proc[k]); mm[k] = median(mem[k])
		}
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, f, SUBSEP)
			d = "deSolve" SUBSEP f[2]
			ratio = "NA"
			if (d in ms && ms[d] != "NA" && ms[k] != "NA" && ms[k] > 0)
				ratio = sprintf(ms[d] / ms[k] >= 1 ? "%.1f" : "%.2g",
				    ms[d] / ms[k])
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			    f[1], f[2], fmt(ms[k]), rg[k], fmt(mp[k]), ratio,
			    mm[k] == "NA" ? "NA" : sprintf("%.1f", mm[k] / 1024),
			    (k in err) ? err[k] : "NA", (k in dev) ? dev[k] : "NA"
		}
		# targets, for the default twin-sim run
		print ""
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, f, SUBSEP)
			if (f[1] != "twin-sim") continue
			d = "deSolve" SUBSEP f[2]
			if (d in ms && ms[d] != "NA" && ms[k] != "NA") {
				v = ms[d] / ms[k] >= 10 ? "met" : "**MISSED**"
				printf "- target speed, N=%s: deSolve sim %s s /" \
				    " twin-sim process %s s = %.1fx (target >=" \
				    " 10x): %s", f[2], fmt(ms[d]), fmt(ms[k]),
				    ms[d] / ms[k], v
				net = ms[k] - tover
				if (tover + 0 > 0 && net > 0)
					printf " (%.1fx without the %.1f ms" \
					    " timer overhead)", ms[d] / net,
					    1000 * tover
				printf "\n"
			}
			if (k in err) {
				v = err[k] + 0 <= 1e-7 ? "met" : "**MISSED**"
				printf "- target accuracy, N=%s: max rel err %s" \
				    " (target <= 1e-7): %s\n", f[2], err[k], v
			}
		}
	}' "$out/accuracy.tsv" "$out/raw.tsv"
	echo
	echo "Columns: \"median s\" is the median over $reps repeats of the" \
	    "whole twin-sim process (wall clock, records in, TSV out) or of" \
	    "the peer's own \"sim alone\" seconds (its last output line);" \
	    "\"process s\" is the whole command for every tool. \"deSolve" \
	    "sim / this\" divides deSolve's median sim-alone seconds by the" \
	    "row's median s. Accuracy is for subject 1 (337 grid times) and" \
	    "the cohort checksum (N x 337 grid concentrations) against the" \
	    "closed form (analytic_2cmt.py). twin-sim rows: default solver" \
	    "(auto, which is the exact matrix exponential for this linear" \
	    "model), single thread, --no-pred unless named, output to a file in the" \
	    "output folder (\">/dev/null\": the same run writing to /dev/null);" \
	    "\"bdf\" is" \
	    "--solver bdf at twin-sim's default tolerances (rtol 1e-10," \
	    "atol 1e-12), \"bdf tol-8\" at the peers' (rtol 1e-8, atol 1e-10)."
	for n in $ns; do
		[ -f "$out/j2_vs_j1_N$n" ] && echo "-j 2 output against -j 1," \
		    "N=$n: $(cat "$out/j2_vs_j1_N$n")."
	done
	for n in $ns; do
		[ -f "$out/cohort_check_N$n" ] &&
		    awk -F'\t' -v n="$n" '{ printf "Cohort N=%s from gen.c:" \
		    " %s of %s subjects differ from w1_common.py; subject 1" \
		    " CL=%s V2=%s.\n", n, $2, $1, $3, $4 }' \
		    "$out/cohort_check_N$n"
	done
	echo
	echo "Peak memory of twin-sim (default solver, single thread," \
	    "--no-pred) against N:"
	echo
	echo "| N | process s | ms/subject | peak RSS MB |"
	echo "|---|---|---|---|"
	awk -F'\t' 'NR > 1 { printf "| %s | %.3f | %.3f | %s |\n", $1, $2,
	    1000 * $2 / $1, $3 == "NA" ? "NA" : sprintf("%.1f", $3 / 1024)
	    if ($3 != "NA") { if (!n0) { n0 = $1; r0 = $3 }; n1 = $1; r1 = $3
	    if (!lo || $3 < lo) lo = $3; if ($3 > hi) hi = $3 } }
	    END { if (!lo || n1 == n0) exit
	    v = hi / lo <= 1.5 ? "met" : "**MISSED**"
	    printf "\n- target memory: peak RSS %.1f-%.1f MB over N=%s..%s," \
	    " max/min %.2f (flat: max/min <= 1.5): %s; growth %.0f bytes" \
	    " per extra subject\n", lo / 1024, hi / 1024, n0, n1, hi / lo, v,
	    1024 * (r1 - r0) / (n1 - n0) }' "$out/memory.tsv"
} >"$out/summary.md"
echo
cat "$out/summary.md"
echo
say "results in $out"
case " $workloads " in
*" w2 "*|*" w3 "*)
	BENCH_WORKLOADS=$workloads sh "$here/run-w23.sh" "$out" ;;
esac
