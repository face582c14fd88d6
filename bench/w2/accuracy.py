#!/usr/bin/env python3
"""Accuracy checks for the W2 and W3 benchmarks (bench/run-w23.sh).
Standard library only; the references are the shared scripts
w2_reference.py and w3_reference.py (scipy, run once per benchmark).

Usage:
  accuracy.py cohort W SHARED_W1_DIR RECORDS.tsv
      W is w2 or w3.  Check that the per-subject columns written by
      gen.c -w W equal, bit for bit, what the peers compute from
      w1_common.cohort(): w2: VMAX = 2*CL, V2 = V2; w3: BW = 70*CL/5,
      HLM_CLint = 8*V2/50.  Prints "n mismatches P1 P2" (subject 1's
      two values) and exits 1 on any mismatch.
  accuracy.py twin REF1.tsv N TWIN_OUT.tsv [SUBJ1_OUT.tsv]
      Keep the grid rows (EVID 0) of twin-sim's output, check that there
      are N x 337 on the W1 grid, compare subject 1's IPRED with REF1.tsv.
  accuracy.py peer REF1.tsv PEER_SUBJ1.tsv PEER_CHECKSUM
      The same for a peer's subject-1 TSV and its printed checksum.
Both comparison modes print one tab-separated line:
  max_rel_err(t>0)  t_worst  max_abs_err  checksum
where checksum is the sum of all N x 337 grid concentrations.
"""
import math
import os
import sys

# The W1 grid, reference reader and comparison are shared with W1's checks.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "w1"))
from accuracy import GRID, read_ref as read_tsv, compare as compare_w1  # noqa: E402


def compare(conc, ref, checksum):
    compare_w1(conc, ref, checksum, None)


def cohort(w, shared, recs):
    sys.path.insert(0, shared)
    import w1_common as w1
    cols = {"w2": ("VMAX", "V2"), "w3": ("BW", "HLM_CLint")}[w]
    with open(recs) as fh:
        head = fh.readline().rstrip("\n").split("\t")
        i1, i2 = head.index(cols[0]), head.index(cols[1])
        got = [(float(f[i1]), float(f[i2]))
               for f in (line.rstrip("\n").split("\t") for line in fh)]
    if w == "w2":
        ref = [(2 * cl, v2) for cl, v2 in w1.cohort(len(got))]
    else:
        ref = [(70 * cl / w1.CL_TV, 8 * v2 / w1.V2_TV)
               for cl, v2 in w1.cohort(len(got))]
    bad = sum(1 for a, b in zip(got, ref) if a != b)
    print("%d\t%d\t%.17g\t%.17g" % (len(got), bad, got[0][0], got[0][1]))
    return 1 if bad else 0


def twin(ref1, n, out, subj1_out=None):
    ref = read_tsv(ref1)
    total, rows, conc1, times1 = 0.0, 0, [], []
    with open(out) as fh:
        head = fh.readline().rstrip("\n").split("\t")
        c_id, c_t, c_ev = head.index("ID"), head.index("TIME"), \
            head.index("EVID")
        c_ip = head.index("IPRED")
        for line in fh:
            f = line.split("\t")
            if f[c_ev] != "0":
                continue
            rows += 1
            total += float(f[c_ip])
            if f[c_id] == "1":
                times1.append(float(f[c_t]))
                conc1.append(float(f[c_ip]))
    if rows != int(n) * len(GRID) or times1 != GRID:
        sys.exit("accuracy: %s has %d grid rows, expected %d x %d"
                 % (out, rows, int(n), len(GRID)))
    if subj1_out:
        with open(subj1_out, "w") as fh:
            fh.write("time\tconc\n")
            for t, c in zip(times1, conc1):
                fh.write("%.1f\t%.17g\n" % (t, c))
    compare(conc1, ref, total)
    return 0


def peer(ref1, subj1, checksum):
    compare(read_tsv(subj1), read_tsv(ref1), float(checksum))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "cohort" and len(args) == 3:
        sys.exit(cohort(*args))
    if mode == "twin" and len(args) in (3, 4):
        sys.exit(twin(*args))
    if mode == "peer" and len(args) == 3:
        sys.exit(peer(*args))
    sys.exit(__doc__)
