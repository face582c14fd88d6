#!/bin/sh
# bench/run-w23.sh - benchmark twin-sim on workloads W2 "cohort2cmt-mm" and
# W3 "pbpk16-mm" beside mrgsolve and deSolve, with subject-1 accuracy
# against the shared scipy references.  Called by bench/run.sh when
# BENCH_WORKLOADS names w2 or w3; may be run alone.
#
# Usage: sh bench/run-w23.sh [OUTDIR]    (results in OUTDIR/w23)
#
# Environment (see also bench/run.sh):
#   BENCH_WORKLOADS  the workloads; only w2 and w3 are run here
#                    (default "w2 w3")
#   BENCH_NS         subject counts (default "100 1000")
#   BENCH_REPS       repeats, the outer loop (default 3)
#   BENCH_PEERS      0: skip the peers
#   PEER_RLIB        R library holding mrgsolve; mrgsolve is skipped, with
#                    a message, when it does not load from there
#   PEER_PYTHON      Python with scipy, for the references (default:
#                    python3 if it imports scipy, else /usr/bin/python3)
#   TWIN_SHARED      the shared folder (holding bench/w1, w2, w3), used when
#                    ../shared/bench beside the repository is absent
#   W1_SEED          cohort seed (default 20260701), passed to every tool
#
# Timed: the whole twin-sim process (records in, all N x 338 rows out to a
# file) against each peer's own "simulation alone" seconds (its last
# output line), interleaved: for each repeat, for each N, for each
# workload, every twin-sim variant then every peer.

here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/.." && pwd) || exit 2
out=${1:-}
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/twin-bench.XXXXXX") || exit 2
fi
out="$out/w23"
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd) || exit 2

ns=${BENCH_NS:-"100 1000"}
reps=${BENCH_REPS:-3}
grid=0:168:0.5
wls=
for w in ${BENCH_WORKLOADS:-w2 w3}; do
	case $w in w2|w3) wls="${wls:+$wls }$w" ;; esac
done

say() { printf 'bench-w23: %s\n' "$*" >&2; }
[ -n "$wls" ] || { say "no workload w2 or w3 in BENCH_WORKLOADS"; exit 0; }

shared=
for d in "$here/../../shared/bench" "${TWIN_SHARED:-}" \
    "${TWIN_SHARED:+$TWIN_SHARED/bench}"; do
	if [ -n "$d" ] && [ -f "$d/w2/w2_reference.py" ]; then
		shared=$(cd "$d" && pwd)
		break
	fi
done
[ -n "$shared" ] || say "shared bench folder not found (looked beside the" \
    "repository and in TWIN_SHARED): no peers, no accuracy check"

cd "$top" || exit 2
make -s twin-sim || { say "make twin-sim failed"; exit 2; }
cc -std=c11 -O2 -Wall -o "$out/gen" "$here/w1/gen.c" -lm ||
    { say "cannot compile bench/w1/gen.c"; exit 2; }

. "$here/lib.sh"

# A Python with scipy runs the references; accuracy.py needs none.
pyref=$(find_scipy)
if [ -z "$pyref" ] || [ -z "$shared" ]; then
	say "no Python with scipy (apt-get install python3-scipy; set" \
	    "PEER_PYTHON): no accuracy check"
	pyref=
fi

peers=
mrgver=
# One line: Rscript -e does not take newlines.
rcheck='.libPaths(c(Sys.getenv("PEER_RLIB"), .libPaths())); suppressPackageStartupMessages(library(mrgsolve)); cat(as.character(packageVersion("mrgsolve")))'
if [ -n "$shared" ] && [ "${BENCH_PEERS:-1}" != 0 ]; then
	if command -v Rscript >/dev/null 2>&1 &&
	    mrgver=$(Rscript -e "$rcheck" 2>/dev/null); then
		peers="mrgsolve"
	else
		mrgver=
		say "mrgsolve does not load from PEER_RLIB='${PEER_RLIB:-}':" \
		    "skipping it (build it as ../shared/bench/README.md says)"
	fi
	if command -v Rscript >/dev/null 2>&1 && Rscript -e \
	    'suppressPackageStartupMessages(library(deSolve))' \
	    >/dev/null 2>&1; then
		peers="$peers deSolve"
	else
		say "R with deSolve not found: skipping the deSolve peer" \
		    "(apt-get install r-base-core r-base-dev r-cran-desolve)"
	fi
fi

# twin-sim variants: name, options.  "tol-8" is at the peers' tolerances.
variants() {
	cat <<'VEOF'
twin-sim tol-8	--no-pred --rtol 1e-8 --atol 1e-10
twin-sim bdf tol-8	--no-pred --solver bdf --rtol 1e-8 --atol 1e-10
twin-sim	--no-pred
VEOF
}

# ---- records, cohort check, references -----------------------------------
printf 'workload\ttool\tN\tmax_rel_err\tt_worst\tmax_abs_err\tchecksum\n' \
    >"$out/accuracy.tsv"
for w in $wls; do
	for n in $ns; do
		"$out/gen" -w "$w" "$n" >"$out/recs_${w}_N$n.tsv" || exit 2
		if [ -n "$shared" ] && ! command -v python3 >/dev/null; then
			say "no python3: the cohort check is skipped"
		elif [ -n "$shared" ]; then
			c=$(python3 "$here/w2/accuracy.py" cohort "$w" \
			    "$shared/w1" "$out/recs_${w}_N$n.tsv") ||
			    say "COHORT MISMATCH: gen -w $w differs from the peers"
			echo "$c" >"$out/cohort_check_${w}_N$n"
			say "cohort $w N=$n (n, mismatches, P1, P2): $c"
		fi
	done
	if [ -n "$pyref" ]; then
		say "reference $w subject 1 (${w}_reference.py)"
		"$pyref" "$shared/$w/${w}_reference.py" 1 >"$out/ref_$w.tsv" ||
		    { say "reference $w failed"; rm -f "$out/ref_$w.tsv"; }
	fi
done

# ---- timed runs ----------------------------------------------------------
load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
start=$(date -u '+%Y-%m-%d %H:%M UTC')
printf 'workload\ttool\tN\trep\tsim_s\tprocess_s\trss_kb\trc\n' >"$out/raw.tsv"
rec() {	# workload tool N rep sim
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" \
	    "$wall" "$rss" "$rc" >>"$out/raw.tsv"
}
r=1
while [ "$r" -le "$reps" ]; do
	for n in $ns; do
		for w in $wls; do
			while IFS='	' read -r name opts; do
				# shellcheck disable=SC2086
				timed "$out/recs_${w}_N$n.tsv" "$out/twin.tsv" \
				    ./twin-sim -m "bench/$w/$w.yaml" \
				    --grid "$grid" $opts
				rec "$w" "$name" "$n" "$r" "$wall"
				say "rep $r $w N=$n $name: ${wall}s, ${rss} KB" \
				    "(rc $rc)"
				if [ "$rc" = 0 ] && [ "$r" = 1 ] &&
				    [ -f "$out/ref_$w.tsv" ]; then
					f=$(echo "$name" | tr ' ' '_')
					a=$(python3 "$here/w2/accuracy.py" twin \
					    "$out/ref_$w.tsv" "$n" "$out/twin.tsv" \
					    "$out/subject1_${w}_${f}_N$n.tsv") ||
					    a="NA	NA	NA	NA"
					printf '%s\t%s\t%s\t%s\n' "$w" "$name" \
					    "$n" "$a" >>"$out/accuracy.tsv"
				fi
				rm -f "$out/twin.tsv"
			done <<VEOF
$(variants)
VEOF
			for p in $peers; do
				s1="$out/${w}_${p}_N${n}_r$r.tsv"
				log="$out/${w}_${p}_N${n}_r$r.log"
				case $p in
				mrgsolve) script="$shared/$w/${w}_mrgsolve.R" ;;
				deSolve) script="$shared/$w/${w}_desolve.R" ;;
				esac
				[ -f "$script" ] || continue
				timed /dev/null "$log" Rscript "$script" "$n" "$s1"
				sim=NA
				[ "$rc" = 0 ] && sim=$(tail -n 1 "$log")
				rec "$w" "$p" "$n" "$r" "$sim"
				say "rep $r $w N=$n $p: sim ${sim}s, process" \
				    "${wall}s, ${rss} KB (rc $rc)"
				if [ "$rc" = 0 ] && [ "$r" = 1 ] &&
				    [ -f "$out/ref_$w.tsv" ]; then
					ck=$(sed -n 's/^checksum sum([A-Za-z]*)=//p' \
					    "$log")
					a=$(python3 "$here/w2/accuracy.py" peer \
					    "$out/ref_$w.tsv" "$s1" "${ck:-nan}") ||
					    a="NA	NA	NA	NA"
					printf '%s\t%s\t%s\t%s\n' "$w" "$p" "$n" \
					    "$a" >>"$out/accuracy.tsv"
				fi
			done
		done
	done
	r=$((r + 1))
done
rm -f "$out/.time"
load1=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# ---- summary -------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
    head -n 1)
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "# twin-sim benchmark, workloads W2 \"cohort2cmt-mm\" and W3" \
	    "\"pbpk16-mm\""
	echo
	echo "- date: $start; command: \`BENCH_WORKLOADS=\"$wls\"" \
	    "BENCH_NS=\"$ns\" BENCH_REPS=$reps sh bench/run.sh\`"
	echo "- machine: $(nproc) CPU, $cpu; load average $load0 (start)," \
	    "$load1 (end)"
	echo "- twin-sim $(./twin-sim -V | sed 's/^twin-sim //') ($rev)," \
	    "models bench/w2/w2.yaml, bench/w3/w3.yaml, grid $grid, seed" \
	    "${W1_SEED:-20260701}; peers: ${peers# }${mrgver:+ (mrgsolve $mrgver)}"
	echo
	awk -F'\t' "$stats_awk"'
	function ratio(a, b) {
		if (a == "NA" || b == "NA" || b + 0 <= 0) return "NA"
		return sprintf(a / b >= 1 ? "%.1f" : "%.2g", a / b)
	}
	FILENAME ~ /accuracy.tsv$/ && FNR > 1 {
		k = $1 SUBSEP $2 SUBSEP $3; err[k] = $4; ck[k] = $7; next
	}
	FILENAME ~ /raw.tsv$/ && FNR > 1 {
		k = $1 SUBSEP $2 SUBSEP $3
		if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
		if ($8 == 0 && $5 != "NA") {
			sim[k] = sim[k] " " $5; proc[k] = proc[k] " " $6
			if ($7 != "NA") mem[k] = mem[k] " " $7
		}
	}
	END {
		print "| workload | tool | N | median s | [min-max] | process s" \
		    " | mrgsolve sim / this | deSolve sim / this" \
		    " | peak RSS MB | max rel err (t>0) | checksum rel dev |"
		print "|---|---|---|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nk; i++) {
			k = order[i]
			ms[k] = median(sim[k]); rg[k] = ms[k] == "NA" ? "NA" : \
			    fmt(lo[sim[k]]) "-" fmt(hi[sim[k]])
			mp[k] = median(proc[k]); mm[k] = median(mem[k])
		}
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, f, SUBSEP)
			m = f[1] SUBSEP "mrgsolve" SUBSEP f[3]
			d = f[1] SUBSEP "deSolve" SUBSEP f[3]
			# checksum against mrgsolve, else deSolve
			c = (m in ck) ? m : d
			dev = "NA"
			if ((k in ck) && (c in ck) && ck[c] + 0 != 0 && k != c)
				dev = sprintf("%.3e", (ck[k] - ck[c]) / ck[c])
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |" \
			    " %s | %s |\n", toupper(f[1]), f[2], f[3], fmt(ms[k]),
			    rg[k], fmt(mp[k]),
			    (m in ms) ? ratio(ms[m], ms[k]) : "NA",
			    (d in ms) ? ratio(ms[d], ms[k]) : "NA",
			    mm[k] == "NA" ? "NA" : sprintf("%.1f", mm[k] / 1024),
			    (k in err) ? err[k] : "NA", dev
		}
		print ""
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, f, SUBSEP)
			if (f[2] != "twin-sim tol-8") continue
			m = f[1] SUBSEP "mrgsolve" SUBSEP f[3]
			printf "- issue 10 target, %s N=%s: mrgsolve sim / twin-sim" \
			    " tol-8 process ", toupper(f[1]), f[3]
			if ((m in ms) && ms[m] != "NA" && ms[k] != "NA")
				printf "%s s / %s s = %.2fx (target >= 2x): %s", \
				    fmt(ms[m]), fmt(ms[k]), ms[m] / ms[k],
				    (ms[m] / ms[k] >= 2 ? "met" : "**MISSED**")
			else
				printf "not measured (no mrgsolve)"
			if (k in err)
				printf "; subject-1 error %s (target <= 1e-7): %s",
				    err[k], (err[k] + 0 <= 1e-7 ? "met" : \
				    "**MISSED**")
			printf "\n"
		}
	}' "$out/accuracy.tsv" "$out/raw.tsv"
	echo
	echo "Columns: \"median s\" is the median over $reps repeats of the" \
	    "whole twin-sim process (wall clock, records in, all N x 338 rows" \
	    "out to a file) or of the peer's own \"sim alone\" seconds (its" \
	    "last output line); \"process s\" is the whole command. Ratios" \
	    "divide the peer's median sim-alone seconds by the row's median s." \
	    "Accuracy: subject 1 (337 grid times) against the shared scipy" \
	    "reference (w2_reference.py, w3_reference.py); checksum rel dev: the sum of" \
	    "all N x 337 concentrations against mrgsolve's (deSolve's where" \
	    "mrgsolve is absent). twin-sim rows: \"tol-8\" is the default" \
	    "integrator choice (auto: rk8pd for W2, BDF with KLU for W3) at" \
	    "--rtol 1e-8 --atol 1e-10 (the peers' tolerances); \"bdf tol-8\"" \
	    "forces CVODES BDF at the same tolerances; \"twin-sim\" is the" \
	    "default at rtol 1e-10, atol 1e-12; single thread, --no-pred."
	for f in "$out"/cohort_check_*; do
		[ -f "$f" ] || continue
		b=${f##*/cohort_check_}
		awk -F'\t' -v b="$b" '{ printf "Cohort %s from gen.c: %s of %s" \
		    " subjects differ from the peers; subject 1: %s, %s.\n",
		    b, $2, $1, $3, $4 }' "$f"
	done
} >"$out/summary.md"
echo
cat "$out/summary.md"
echo
say "results in $out"
