#!/usr/bin/env python3
"""Accuracy checks for the W1 benchmark (bench/run.sh).  Standard library
only; the reference values come from the shared W1 scripts.

Usage:
  accuracy.py cohort SHARED_DIR RECORDS.tsv
      Check that the ETA_CL/ETA_V2 columns written by gen.c give, for every
      subject k, CL = 5*exp(eta1) and V2 = 50*exp(eta2) bit-identical to
      w1_common.cohort() (the peers' generator).  Prints
      "n mismatches CL1 V2" and exits 1 on any mismatch.
  accuracy.py twin REF1.tsv REF_CHECKSUM N TWIN_OUT.tsv [SUBJ1_OUT.tsv]
      Read twin-sim output, keep the grid rows (EVID 0), check there are
      N x 337 of them on the W1 grid, compare subject 1's IPRED with the
      closed form REF1.tsv (analytic_2cmt.py --subject 1) and the sum of
      all grid IPRED with REF_CHECKSUM (analytic_2cmt.py --checksum N).
  accuracy.py peer REF1.tsv REF_CHECKSUM PEER_SUBJ1.tsv PEER_CHECKSUM
      Same comparison for a peer's subject-1 TSV and printed checksum.
Both comparison modes print one tab-separated line:
  max_rel_err(t>0)  t_worst  max_abs_err  checksum  checksum_rel_dev
"""
import math
import sys

GRID = [0.5 * i for i in range(337)]


def read_ref(path):
    times, conc = [], []
    with open(path) as fh:
        fh.readline()
        for line in fh:
            if line.strip():
                t, c = line.split("\t")[:2]
                times.append(float(t))
                conc.append(float(c))
    if len(times) != len(GRID) or any(a != b for a, b in zip(times, GRID)):
        sys.exit("accuracy: %s is not on the W1 grid" % path)
    return conc


def compare(conc, ref, checksum, ref_checksum):
    max_rel, t_worst, max_abs = 0.0, float("nan"), 0.0
    for t, c, r in zip(GRID, conc, ref):
        max_abs = max(max_abs, abs(c - r))
        if t > 0 and r != 0:
            rel = abs(c - r) / abs(r)
            if rel > max_rel or math.isnan(rel):
                max_rel, t_worst = rel, t
    line = "%.3e\t%.1f\t%.3e\t%.15g" % (max_rel, t_worst, max_abs, checksum)
    if ref_checksum is not None:   # W2/W3 have no reference checksum
        line += "\t%.3e" % ((checksum - ref_checksum) / ref_checksum)
    print(line)


def cohort(shared, recs):
    sys.path.insert(0, shared)
    import w1_common as w1
    with open(recs) as fh:
        head = fh.readline().rstrip("\n").split("\t")
        i1, i2 = head.index("ETA_CL"), head.index("ETA_V2")
        etas = [(float(f[i1]), float(f[i2]))
                for f in (line.rstrip("\n").split("\t") for line in fh)]
    ref = w1.cohort(len(etas))
    bad = sum(1 for (e1, e2), (cl, v2) in zip(etas, ref)
              if w1.CL_TV * math.exp(e1) != cl
              or w1.V2_TV * math.exp(e2) != v2)
    cl1, v21 = w1.CL_TV * math.exp(etas[0][0]), w1.V2_TV * math.exp(etas[0][1])
    print("%d\t%d\t%.17g\t%.17g" % (len(etas), bad, cl1, v21))
    return 1 if bad else 0


def twin(ref1, ref_checksum, n, out, subj1_out=None):
    ref = read_ref(ref1)
    total, rows, conc1, times1 = [], 0, [], []
    with open(out) as fh:
        head = fh.readline().rstrip("\n").split("\t")
        c_id, c_t, c_ev = head.index("ID"), head.index("TIME"), \
            head.index("EVID")
        c_ip = head.index("IPRED")
        for line in fh:
            f = line.split("\t")
            if f[c_ev] != "0":
                continue
            x = float(f[c_ip].rstrip("\n"))
            total.append(x)
            if f[c_id] == "1":
                times1.append(float(f[c_t]))
                conc1.append(x)
    rows = len(total)
    if rows != n * len(GRID):
        sys.exit("accuracy: %s has %d grid rows, expected %d x %d"
                 % (out, rows, n, len(GRID)))
    if times1 != GRID:
        sys.exit("accuracy: subject 1 of %s is not on the W1 grid" % out)
    if subj1_out:
        with open(subj1_out, "w") as fh:
            fh.write("time\tconc\n")
            for t, c in zip(times1, conc1):
                fh.write("%.1f\t%.17g\n" % (t, c))
    compare(conc1, ref, math.fsum(total), ref_checksum)


def peer(ref1, ref_checksum, subj1, checksum):
    compare(read_ref(subj1), read_ref(ref1), checksum, ref_checksum)


def main(a):
    if len(a) >= 3 and a[0] == "cohort":
        return cohort(a[1], a[2])
    if len(a) in (5, 6) and a[0] == "twin":
        return twin(a[1], float(a[2]), int(a[3]), a[4],
                    a[5] if len(a) == 6 else None)
    if len(a) == 5 and a[0] == "peer":
        return peer(a[1], float(a[2]), a[3], float(a[4]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
