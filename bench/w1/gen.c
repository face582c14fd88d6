/*
 * gen - write the W1 "cohort2cmt" regimen as twin event records.
 *
 * usage: gen [-w w1|w2|w3] N [SEED]   (SEED: else $W1_SEED, else 20260701)
 *
 * One dose row per subject, tab-separated, on stdout.  -w w1 (the default):
 *   ID TIME EVID AMT CMT II ADDL ETA_CL ETA_V2
 *   k  0    1    100 depot 12 13 eta1 eta2
 * -w w2 (W2 "cohort2cmt-mm", bench/w2/w2.yaml), with CL = 5*exp(eta1) and
 * V2 = 50*exp(eta2) the W1 draws as w1_common computes them:
 *   ID TIME EVID AMT CMT   II ADDL VMAX   V2
 *   k  0    1    100 depot 12 13   2*CL   V2
 * -w w3 (W3 "pbpk16-mm", bench/w3/w3.yaml):
 *   ID TIME EVID AMT CMT II ADDL BW        HLM_CLint
 *   k  0    1    100 D   12 13   70*CL/5   8*V2/50
 * The W2/W3 columns are computed in binary64 in the peers' order of
 * operations (w2_mrgsolve.R: 2 * co$CL; w3_mrgsolve.R: 70 * co$CL / 5,
 * 8 * co$V2 / 50) and printed with %.17g, so the twin-sim parameters are
 * the peers' doubles bit for bit.
 * eta1, eta2 are subject k's draws from the portable generator of
 * w1_common.py / w1_common.R (Park-Miller "minimal standard" LCG in
 * binary64 arithmetic, Box-Muller cosine branch, four uniforms per
 * subject: u1,u2 -> CL, u3,u4 -> V2), scaled by sqrt(omega^2) = sqrt(0.09)
 * exactly as the peers do, and printed with %.17g so that twin-sim reads
 * back the same doubles.  With models/pk2cmt.yaml (WT 70) this gives
 * CL = 5*exp(eta1), V2 = 50*exp(eta2), bit for bit as in the peers
 * (given the same libm exp/log/cos).
 *
 * Build: cc -std=c11 -O2 -o gen gen.c -lm  (no -ffast-math: the LCG
 * relies on exact binary64 products and floor).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W1_SEED 20260701.0
#define W1_M 2147483647.0	/* 2^31 - 1 */
#define W1_A 16807.0
#define W1_OMEGA2_CL 0.09
#define W1_OMEGA2_V2 0.09
#define W1_CL_TV 5.0		/* w1_common CL_TV, L/h */
#define W1_V2_TV 50.0		/* w1_common V2_TV, L */

static double s;

static double
unif(void)
{
	double p = W1_A * s;		/* exact: < 2^46 */
	double q = floor(p / W1_M);
	double r = p - q * W1_M;	/* exact */

	if (r < 0)
		r += W1_M;
	else if (r >= W1_M)
		r -= W1_M;
	s = r;
	return s / W1_M;
}

static double
parse_num(const char *what, const char *str)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(str, &end);
	if (errno || end == str || *end != '\0') {
		fprintf(stderr, "gen: bad %s \"%s\"\n", what, str);
		exit(2);
	}
	return x;
}

int
main(int argc, char **argv)
{
	/* M_PI is not in strict C11; this is the double nearest pi, the
	 * same value as Python's math.pi and R's pi. */
	const double pi = 3.141592653589793115997963468544185161590576171875;
	double n, sd_cl, sd_v2;
	const char *env, *w = "w1";
	long k, nsub;

	if (argc >= 3 && argv[1][0] == '-' && argv[1][1] == 'w' &&
	    argv[1][2] == '\0') {
		w = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || argc > 3 || (strcmp(w, "w1") != 0 &&
	    strcmp(w, "w2") != 0 && strcmp(w, "w3") != 0)) {
		fprintf(stderr, "usage: gen [-w w1|w2|w3] N [SEED]\n");
		return 2;
	}
	n = parse_num("N", argv[1]);
	if (!(n >= 1 && n <= 1e9) || n != floor(n)) {
		fprintf(stderr, "gen: N must be a positive integer\n");
		return 2;
	}
	nsub = (long)n;
	if (argc == 3)
		s = parse_num("seed", argv[2]);
	else if ((env = getenv("W1_SEED")) != NULL && *env)
		s = parse_num("W1_SEED", env);
	else
		s = W1_SEED;
	if (!(s >= 1 && s < W1_M) || s != floor(s)) {
		fprintf(stderr, "gen: seed must be an integer in "
		    "[1, 2^31-2]\n");
		return 2;
	}
	sd_cl = sqrt(W1_OMEGA2_CL);
	sd_v2 = sqrt(W1_OMEGA2_V2);
	if (w[1] == '1')
		printf("ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tETA_CL\t"
		    "ETA_V2\n");
	else if (w[1] == '2')
		printf("ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tVMAX\tV2\n");
	else
		printf("ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tBW\t"
		    "HLM_CLint\n");
	for (k = 1; k <= nsub; k++) {
		double u1 = unif(), u2 = unif(), u3 = unif(), u4 = unif();
		double z1 = sqrt(-2.0 * log(u1)) * cos(2.0 * pi * u2);
		double z2 = sqrt(-2.0 * log(u3)) * cos(2.0 * pi * u4);
		double cl = W1_CL_TV * exp(sd_cl * z1);
		double v2 = W1_V2_TV * exp(sd_v2 * z2);

		if (w[1] == '1')
			printf("%ld\t0\t1\t100\tdepot\t12\t13\t%.17g\t"
			    "%.17g\n", k, sd_cl * z1, sd_v2 * z2);
		else if (w[1] == '2')
			printf("%ld\t0\t1\t100\tdepot\t12\t13\t%.17g\t"
			    "%.17g\n", k, 2 * cl, v2);
		else
			printf("%ld\t0\t1\t100\tD\t12\t13\t%.17g\t"
			    "%.17g\n", k, 70 * cl / W1_CL_TV,
			    8 * v2 / W1_V2_TV);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen: stdout");
		return 1;
	}
	return 0;
}
