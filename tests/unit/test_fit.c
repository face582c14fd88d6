/*
 * test_fit.c - estimation with exact sensitivities (fit.c on sens.h):
 *   - the MAP mode found with the exact derivatives is a stationary
 *     point of the objective by central differences of fit_objective
 *     (plain simulations, not sens.h; five-point stencil, step 1e-3):
 *     |dO/deta| < 1e-6;
 *   - MAP estimates, objective and posterior covariance with exact
 *     derivatives equal those with central differences of simulations
 *     (fit_finite_differences) to 1e-6 (covariance relative 1e-5);
 *   - the FOCE-I contribution likewise to 1e-6;
 * on pk1cmt (exact path, combined error), on the nonlinear pkmm (ODE
 * path, proportional error) and on pk1cmt with exponential error (d log
 * y = dy / y) and with additive error;
 *   - where sens.h does not cover the data (steady state with a linearly
 *     interpolated covariate, TWIN_EINPUT) the fit takes finite
 *     differences: the same numbers as fit_finite_differences, bit for
 *     bit, and a mode stationary to the differences' accuracy
 *     (|dO/deta| < 1e-3).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "estim/fit.h"
#include "model/model.h"
#include "data/record.h"
#include "tap.h"

#define MAXETA 8

static char dir[64];

static const char *data1 =
    "ID\tTIME\tAMT\tDV\tEVID\tMDV\n"
    "1\t0\t320\t.\t1\t1\n"
    "1\t0.5\t0\t2.9\t0\t0\n"
    "1\t1\t0\t4.6\t0\t0\n"
    "1\t2\t0\t5.4\t0\t0\n"
    "1\t4\t0\t4.9\t0\t0\n"
    "1\t8\t0\t3.3\t0\t0\n"
    "1\t12\t0\t2.1\t0\t0\n"
    "1\t12\t320\t.\t1\t1\n"
    "1\t13\t0\t5.9\t0\t0\n"
    "1\t24\t0\t2.6\t0\t0\n";

static void
ok(int cond, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_ok(cond, what);
}

static const char *pk1 = "../../models/pk1cmt.yaml";

/* SS = 1 every 12 h and a weight that changes (interpolated) */
static const char *data_ss =
    "ID\tTIME\tAMT\tDV\tEVID\tMDV\tII\tSS\tWT\n"
    "1\t0\t320\t.\t1\t1\t12\t1\t60\n"
    "1\t1\t0\t8.1\t0\t0\t0\t0\t62\n"
    "1\t2\t0\t8.6\t0\t0\t0\t0\t64\n"
    "1\t6\t0\t6.9\t0\t0\t0\t0\t66\n"
    "1\t11\t0\t4.8\t0\t0\t0\t0\t70\n";

static int
put(const char *name, const char *text, char *path, size_t n)
{
	FILE *fp;

	snprintf(path, n, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

/* A model file with the text from replaced by to (from NULL: as it is). */
static struct model *
load(const char *path, const char *from, const char *to)
{
	struct twin_err err;
	struct model *m;
	char buf[8192], mpath[128];
	FILE *fp;
	size_t n;

	if (from == NULL) {
		m = model_load(path, &err);
	} else {
		char *e, text[8400];

		if ((fp = fopen(path, "r")) == NULL)
			return NULL;
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[n] = 0;
		if ((e = strstr(buf, from)) == NULL)
			return NULL;
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(e - buf), buf,
		    to, e + strlen(from));
		if (put("m.yaml", text, mpath, sizeof(mpath)) < 0)
			return NULL;
		m = model_load(mpath, &err);
	}
	if (m == NULL)
		printf("# %s\n", err.msg);
	return m;
}

struct one {
	double eta[MAXETA], cov[MAXETA * MAXETA], ofv, focei;
	int converged;
};

/* MAP and FOCE-I for the one individual of data, exact or by finite
 * differences; also the largest |dO/deta| at the mode by central
 * differences of fit_objective. */
static int
fit_one(const struct model *m, const char *data, int fd_only, struct one *o,
    double *gmax)
{
	struct sim_opts so = { ODE_AUTO, 1e-10, 1e-12 };
	struct twin_err err;
	struct rec_reader *r = NULL;
	struct rec_indiv ind;
	struct sim_cols cols;
	struct fit_data fd;
	struct fit_params p;
	struct fit_result res;
	struct fit *f = NULL;
	char tpath[128];
	int lloq, blq, k, rc = -1, n = m->neta;

	memset(&ind, 0, sizeof(ind));
	memset(&cols, 0, sizeof(cols));
	memset(&fd, 0, sizeof(fd));
	memset(&p, 0, sizeof(p));
	if (put("in.tsv", data, tpath, sizeof(tpath)) < 0 ||
	    (r = rec_open(tpath, &err)) == NULL ||
	    fit_cols_init(&cols, &lloq, &blq, r, m, &err) < 0 ||
	    (f = fit_new(m, &so, &err)) == NULL ||
	    fit_params_init(&p, m) < 0 ||
	    rec_next(r, &ind, &err) != 1 ||
	    fit_bind(&fd, m, &cols, r, &ind, &err) < 0)
		goto out;
	fit_finite_differences(f, fd_only);
	memset(&res, 0, sizeof(res));
	res.cov = o->cov;
	if (fit_map(f, &fd, &p, 1, NULL, &res, &err) < 0)
		goto out;
	memcpy(o->eta, fd.eta, n * sizeof(double));
	o->ofv = res.ofv;
	o->converged = res.converged;
	*gmax = 0;
	for (k = 0; k < n; k++) {
		/* five-point stencil, truncation error O(h^4) */
		double e[MAXETA], v[4], h = 1e-3;
		static const double at[4] = { 2, 1, -1, -2 };
		int s;

		for (s = 0; s < 4; s++) {
			memcpy(e, o->eta, n * sizeof(double));
			e[k] += at[s] * h;
			if (fit_objective(f, &fd, &p, e, 1, &v[s], &err) < 0)
				goto out;
		}
		*gmax = fmax(*gmax, fabs(-v[0] + 8 * v[1] - 8 * v[2] + v[3]) /
		    (12 * h));
	}
	/* FOCE-I from a cold start again */
	fd.started = 0;
	memset(fd.eta, 0, n * sizeof(double));
	if (fit_focei(f, &fd, &p, &o->focei, &err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		printf("# %s\n", err.msg);
	fit_data_free(&fd);
	fit_params_free(&p);
	fit_free(f);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	if (r)
		rec_close(r);
	return rc;
}

static void
check(const char *path, const char *from, const char *to, const char *data,
    const char *what)
{
	struct model *m = load(path, from, to);
	struct one ex, fd;
	double gex = HUGE_VAL, gfd = HUGE_VAL, de = 0, dc = 0;
	int i, n;

	memset(&ex, 0, sizeof(ex));
	memset(&fd, 0, sizeof(fd));
	if (m == NULL || fit_one(m, data, 0, &ex, &gex) < 0 ||
	    fit_one(m, data, 1, &fd, &gfd) < 0) {
		ok(0, "%s: fits", what);
		model_free(m);
		return;
	}
	n = m->neta;
	for (i = 0; i < n; i++)
		de = fmax(de, fabs(ex.eta[i] - fd.eta[i]));
	for (i = 0; i < n * n; i++)
		if (!isnan(fd.cov[i]))
			dc = fmax(dc, fabs(ex.cov[i] - fd.cov[i]) /
			    fabs(fd.cov[i]));
	ok(ex.converged && fd.converged, "%s: MAP converged", what);
	printf("# eta %g %g, |dO/deta| by differences %g\n", ex.eta[0],
	    ex.eta[1], gex);
	ok(gex < 1e-6, "%s: exact mode is stationary (|dO/deta| %.2g "
	    "< 1e-6)", what, gex);
	ok(de < 1e-6, "%s: MAP eta exact = finite differences (%.2g "
	    "< 1e-6)", what, de);
	ok(fabs(ex.ofv - fd.ofv) < 1e-6, "%s: MAP objective %.10g = "
	    "%.10g", what, ex.ofv, fd.ofv);
	ok(dc < 1e-5, "%s: posterior covariance (relative %.2g < 1e-5)",
	    what, dc);
	ok(fabs(ex.focei - fd.focei) < 1e-6, "%s: FOCE-I contribution "
	    "%.10g = %.10g", what, ex.focei, fd.focei);
	model_free(m);
}

/*
 * Steady state with a linearly interpolated covariate, which sens.h does
 * not cover: the same fit, by finite differences, bit for bit.
 */
static void
fallback(void)
{
	struct model *m = load(pk1, "WT: 70 ", "WT: {default: 70, "
	    "interpolate: linear} ");
	struct one ex, fd;
	double gex, gfd;
	int same;

	memset(&ex, 0, sizeof(ex));
	memset(&fd, 0, sizeof(fd));
	if (m == NULL || fit_one(m, data_ss, 0, &ex, &gex) < 0 ||
	    fit_one(m, data_ss, 1, &fd, &gfd) < 0) {
		ok(0, "steady state, interpolated covariate: fits");
		model_free(m);
		return;
	}
	same = memcmp(ex.eta, fd.eta, m->neta * sizeof(double)) == 0 &&
	    ex.ofv == fd.ofv && ex.focei == fd.focei;
	/* the mode to the accuracy of central differences of ODE
	 * solutions (rtol 1e-10, step 1e-5) */
	ok(same && ex.converged && gex < 1e-3, "steady state, interpolated "
	    "covariate (not covered): finite differences, the same fit "
	    "(|dO/deta| %.2g)", gex);
	model_free(m);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_fit.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	check(pk1, NULL, NULL, data1, "pk1cmt combined");
	check(pk1, "{proportional: 0.1, additive: 0.01}",
	    "{exponential: 0.2}", data1, "pk1cmt exponential");
	check(pk1, "{proportional: 0.1, additive: 0.01}", "{additive: 0.3}",
	    data1, "pk1cmt additive");
	check("../../models/pkmm.yaml", NULL, NULL, data1,
	    "pkmm proportional");
	fallback();
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/m.yaml", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/in.tsv", dir);
		unlink(p);
		rmdir(dir);
	}
	return tap_done();
}
