/*
 * num.c - numbers as text: strict parsing, fast exact printing.
 *
 * Printing: the simulator writes millions of numbers and formatting used
 * to dominate its run time, so twin_dtoa avoids snprintf.  It scales |x|
 * by a power of ten in long double (64-bit mantissa on x86-64) to get 15,
 * 16 or 17 significant digits and proves, with an error bound, that the
 * digits read back as x.  Why it is exact:
 *
 * - Every power of ten used is the product of two correctly rounded long
 *   double constants, so R = |x| * 10^k carries at most four roundings of
 *   relative size 2^-64 each, six if it is then scaled by 0.1L:
 *   |R - r| < 3.3e-19 * R, r the exact product.  With R < 10^17 that is
 *   below 0.034 units of the last digit.
 * - A decimal m * 10^-k reads back as x (strtod rounds correctly) when it
 *   lies strictly inside x's rounding interval, i.e. when |m - r| is less
 *   than half the gap to the neighbouring double, scaled by 10^k.  With
 *   M the integer significand of x, one gap scaled is r / M; the gap below
 *   a power of two is half the gap above.  verify() decides this exactly:
 *   by Clinger's fast path where it applies, else by the bound when R is
 *   clearly inside or outside, else (rarely) by strtod.
 * - With 17 digits (r >= 10^16) the half gap is at least r * 2^-54 >= 0.55
 *   units while |m - r| <= 0.5 + 0.034, so the nearest 17 digits always
 *   read back; no test is needed.
 * - If x has a representation of at most 15 digits, it is within 0.12
 *   units of the 15-digit scaled value, so rounding R finds it and
 *   stripping trailing zeros gives the shortest text.  16 digits usually
 *   are the shortest too; subnormals (wide gaps) search from 1 digit.
 *
 * Without such a long double the code falls back to snprintf and strtod.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"

int
twin_strtod(const char *s, double *x)
{
	const char *p;
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	/* strtod also takes nan, inf, hex and spaces: a data file must not. */
	for (p = s; *p != '\0'; p++)
		if ((*p < '0' || *p > '9') && *p != '.' && *p != '-' &&
		    *p != '+' && *p != 'e' && *p != 'E')
			return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return -1;
	/*
	 * ERANGE is set both on overflow and on underflow (glibc: even for
	 * a subnormal result).  An underflowed result is still the nearest
	 * double to the text, so only overflow is an error.
	 */
	if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL))
		return -1;
	if (!isfinite(v))
		return -1;
	*x = v;
	return 0;
}

static const char digit2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

static const uint64_t p10u[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL
};

/*
 * Write the decimal digits of m (no leading zeros) to s, in place rather
 * than through a buffer, and return their count.
 */
static int
utoa(uint64_t m, char *s)
{
	char *p;
	uint32_t lo;
	int n, i;

	n = 1;
	while (n < 20 && m >= p10u[n])
		n++;
	p = s + n;
	/* Peel 8 digits at a time so the inner loop runs on 32 bits. */
	while (m >= 100000000) {
		lo = (uint32_t)(m % 100000000);
		m /= 100000000;
		for (i = 0; i < 4; i++) {
			p -= 2;
			memcpy(p, digit2 + 2 * (lo % 100), 2);
			lo /= 100;
		}
	}
	lo = (uint32_t)m;
	while (lo >= 100) {
		p -= 2;
		memcpy(p, digit2 + 2 * (lo % 100), 2);
		lo /= 100;
	}
	if (lo >= 10) {
		p -= 2;
		memcpy(p, digit2 + 2 * lo, 2);
	} else
		*--p = (char)('0' + lo);
	return n;
}

/* Write e as printf's %e exponent: e+05, e-300. */
static char *
exponent(char *p, int e)
{
	int ae = e < 0 ? -e : e;

	*p++ = 'e';
	*p++ = e < 0 ? '-' : '+';
	if (ae >= 100) {
		*p++ = (char)('0' + ae / 100);
		ae %= 100;
	}
	memcpy(p, digit2 + 2 * ae, 2);
	return p + 2;
}

/*
 * Lay out the digits of m (trailing zeros already stripped) with the
 * decimal exponent e of its leading digit: plain notation for
 * 1e-5 <= |x| < 1e15, else d.ddde+XX like printf's %g.  The digits are
 * written once and the point is slid in.
 */
static int
layout(char *buf, int neg, uint64_t m, int e)
{
	char *p = buf;
	int nd;

	if (neg)
		*p++ = '-';
	if (e < -5 || e > 14) {
		nd = utoa(m, p + 1);
		p[0] = p[1];
		if (nd > 1) {
			p[1] = '.';
			p += nd + 1;
		} else
			p++;
		p = exponent(p, e);
	} else if (e < 0) {
		/* 0.000ddd */
		memcpy(p, "0.0000", (size_t)(1 - e));
		p += 1 - e;
		p += utoa(m, p);
	} else {
		nd = utoa(m, p);
		if (nd <= e + 1) {
			/* ddd000 */
			memset(p + nd, '0', (size_t)(e + 1 - nd));
			p += e + 1;
		} else {
			/* ddd.ddd */
			memmove(p + e + 2, p + e + 1, (size_t)(nd - e - 1));
			p[e + 1] = '.';
			p += nd + 1;
		}
	}
	*p = '\0';
	return (int)(p - buf);
}

/*
 * The fast path needs the x87 80-bit long double as x86-64 systems set it
 * up (64-bit precision); i386 systems may run the x87 at 53 bits and other
 * long doubles are either too short or emulated in software.
 * TWIN_DTOA_PORTABLE forces the fallback (for testing it).
 */
/* Zero, nan and inf, which both methods write alike; 0 for others. */
static int
special(double x, char *buf)
{
	if (x == 0) {
		memcpy(buf, "0", 2);
		return 1;
	}
	if (!isfinite(x))
		return snprintf(buf, TWIN_NUMBUF, "%s",
		    isnan(x) ? "nan" : x < 0 ? "-inf" : "inf");
	return 0;
}

#if !defined(TWIN_DTOA_PORTABLE) && defined(__x86_64__) && \
    LDBL_MANT_DIG == 64 && FLT_EVAL_METHOD == 0

/* 10^i for 0 <= i < 32, and 10^(32 j) for -10 <= j <= 10 (index j + 10). */
static const long double p10lo[32] = {
	1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L,
	1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
	1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L, 1e28L, 1e29L, 1e30L,
	1e31L
};
static const long double p10hi[21] = {
	1e-320L, 1e-288L, 1e-256L, 1e-224L, 1e-192L, 1e-160L, 1e-128L,
	1e-96L, 1e-64L, 1e-32L, 1e0L, 1e32L, 1e64L, 1e96L, 1e128L, 1e160L,
	1e192L, 1e224L, 1e256L, 1e288L, 1e320L
};

/* |x| * 10^k for -320 <= k <= 351; see the error bound at the top. */
static long double
scale(double a, int k)
{
	unsigned u = (unsigned)(k + 320);

	return (long double)a * (p10hi[u >> 5] * p10lo[u & 31]);
}

/*
 * Round R (0 <= R < 2^62) to the nearest integer.  Adding 2^63 leaves no
 * fraction bits, so the addition rounds, and in [2^63, 2^64) the 64-bit
 * significand field of the x87 format is the integer itself.  This
 * avoids a call to llrintl.
 */
static uint64_t
ldround(long double R)
{
	long double t = R + 0x1p63L;
	uint64_t u;

	memcpy(&u, &t, sizeof(u));
	return u - ((uint64_t)1 << 63);
}

/* Powers of ten exact in double. */
static const double p10d[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * Exactly: does m * 10^-k read back as a?  Clinger's fast path where it
 * applies (m and 10^|k| exact doubles, so one IEEE operation rounds the
 * exact value correctly, as strtod does), else strtod itself.
 */
static int
exact(double a, uint64_t m, int k)
{
	char tmp[48];

	while (m != 0 && m % 10 == 0 && k > -22) {
		m /= 10;
		k--;
	}
	/* Big numbers: move powers of ten into m while it stays exact. */
	while (k < -22 && m < ((uint64_t)1 << 53) / 10) {
		m *= 10;
		k++;
	}
	if (m < (uint64_t)1 << 53 && k >= -22 && k <= 22)
		return (k >= 0 ? (double)m / p10d[k] : (double)m * p10d[-k]) ==
		    a;
	snprintf(tmp, sizeof(tmp), "%llue%d", (unsigned long long)m, -k);
	return strtod(tmp, NULL) == a;
}

/*
 * Does m * 10^-k read back as a?  R = a * 10^k as computed by scale(),
 * M the integer significand of a, tight set when the gap below a is half
 * the gap above.  Compare |m - R| with the half gap, R / (2M) above a and
 * R / (2M) or R / (4M) below, rearranged to avoid a division.  tol
 * (16 * 2^-64 relative) exceeds the rounding errors of R and of these
 * products (at most 6 + 2 * 2 units of 2^-64, the second part scaled by
 * 1 / M and so negligible unless a is subnormal); only inside that narrow
 * band is the exact test needed.
 */
static inline int
verify(double a, uint64_t m, int k, long double R, long double M, int tight)
{
	long double d, tol, lo, hi;

	d = (long double)m - R;		/* exact: m and R are close */
	tol = R * 0x1p-60L;
	if (d >= 0) {
		lo = 2 * M * (d + tol);
		hi = 2 * M * (d - tol);
	} else {
		lo = (tight ? 4 : 2) * M * (tol - d);
		hi = (tight ? 4 : 2) * M * (-d - tol);
	}
	if (lo < R)
		return 1;
	if (hi > R)
		return 0;
	return exact(a, m, k);
}

int
twin_dtoa(double x, char *buf)
{
	long double R, M;
	long double f;
	uint64_t bits, frac, m, m17, q, r, c;
	int neg, e2, e10, nd, tight, i, k, n;
	double a;

	if ((n = special(x, buf)) > 0)
		return n;
	neg = x < 0;
	a = fabs(x);

	/* Counts, times and doses are mostly whole numbers. */
	if (a < 1e15 && a == (double)(int64_t)a) {
		i = 0;
		if (neg)
			buf[i++] = '-';
		i += utoa((uint64_t)a, buf + i);
		buf[i] = '\0';
		return i;
	}

	memcpy(&bits, &a, sizeof(bits));
	frac = bits & (((uint64_t)1 << 52) - 1);
	if (bits >> 52 == 0) {
		/* Subnormal: the significand is frac alone. */
		M = (long double)frac;
		e2 = ilogb(a);
		tight = 0;
	} else {
		M = (long double)(frac | (uint64_t)1 << 52);
		e2 = (int)(bits >> 52) - 1023;
		tight = frac == 0 && (bits >> 52) > 1;
	}
	/* floor(e2 * log10(2)), exact for |e2| < 1650 (as in Ryu). */
	if (e2 >= 0)
		e10 = (int)(((uint32_t)e2 * 78913) >> 18);
	else
		e10 = -(int)(((uint32_t)-e2 * 78913) >> 18) - 1;
	/*
	 * Now e10 <= floor(log10(a)) <= e10 + 1; settle it so that the 17
	 * digit scaling R lies in [10^16, 10^17).
	 */
	R = scale(a, 16 - e10);
	if (R >= 1e17L) {
		/*
		 * Half the time, unpredictably: a multiplication (two more
		 * roundings, still within the error budget) is cheaper than
		 * a mispredicted branch to scale() again.
		 */
		R *= 0.1L;
		e10++;
	}
	/* The nearest 17 digits always read back, see the top of the file. */
	m17 = ldround(R);
	f = R - (long double)m17;	/* exact, |f| <= 1/2 */

	/*
	 * Fewer digits: the nearest nd digits are m17 / 10^(17 - nd)
	 * rounded, tested against the same R.  Normal numbers need no more
	 * than 15 digits if they have a shorter form (see the top), and then
	 * lie within a half gap (at most 11.1 units of R) of a multiple of
	 * 100; subnormals have wide gaps and start at 1 digit.  The divisors
	 * are constants on the common path: a 64-bit division is slow.
	 */
	m = m17;
	nd = 17;
	k = 16 - e10;
	if (bits >> 52 == 0) {
		for (nd = 1; nd < 17; nd++) {
			q = p10u[17 - nd];
			r = m17 % q;
			c = m17 / q + (2 * r > q || (2 * r == q && f > 0));
			if (verify(a, c * q, k, R, M, tight)) {
				m = c;
				break;
			}
		}
	} else {
		r = m17 % 100;
		c = m17 / 100 + (r >= 88);
		if ((r <= 12 || r >= 88) &&
		    verify(a, c * 100, k, R, M, tight)) {
			m = c;
			nd = 15;
		} else {
			r = m17 % 10;
			c = m17 / 10 + (r > 5 || (r == 5 && f > 0));
			if (verify(a, c * 10, k, R, M, tight)) {
				m = c;
				nd = 16;
			}
		}
	}
	/* m == 10^nd after rounding up: one digit more, same value. */
	if (m >= p10u[nd]) {
		m /= 10;
		e10++;
	}
	while (m != 0 && m % 10 == 0)
		m /= 10;
	return layout(buf, neg, m, e10);
}

#else	/* no x87 long double: slow but exact */

int
twin_dtoa(double x, char *buf)
{
	char tmp[40], *mant, *ep;
	uint64_t m;
	int prec, e, n;

	if ((n = special(x, buf)) > 0)
		return n;
	/* As above: 15 digits find any shorter form, except for subnormals. */
	for (prec = fabs(x) < DBL_MIN ? 1 : 15; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
	/* tmp is [-]d.ddde[+-]xx: collect the digits, then lay them out. */
	mant = tmp + (x < 0);
	ep = strchr(mant, 'e');
	e = atoi(ep + 1);
	m = 0;
	for (; mant < ep; mant++)
		if (*mant != '.')
			m = 10 * m + (uint64_t)(*mant - '0');
	while (m != 0 && m % 10 == 0)
		m /= 10;
	return layout(buf, x < 0, m, e);
}

#endif
