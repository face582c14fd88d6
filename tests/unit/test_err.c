/*
 * test_err - errors carry a kind as well as a text: the constructors,
 * prefixing, truncation, and the kinds the library's producers give
 * (callers branch on these, never on wording).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "model/expr.h"
#include "model/model.h"
#include "solve/ode.h"
#include "data/record.h"
#include "tap.h"

static int
lookup(void *ctx, const char *name, int len)
{
	(void)ctx;
	return len == 2 && strncmp(name, "CL", 2) == 0 ? 0 : -1;
}

static void
test_constructors(void)
{
	struct twin_err e;
	char big[2000];

	tap_ok(twin_error(&e, "bad %s \"%d\"", "value", 7) == -1 &&
	    e.kind == TWIN_EINPUT && strcmp(e.msg, "bad value \"7\"") == 0,
	    "twin_error: -1, kind input, formatted text");
	tap_ok(twin_errork(&e, TWIN_ESOLVER, "failed near time %g", 2.5) ==
	    -1 && e.kind == TWIN_ESOLVER &&
	    strcmp(e.msg, "failed near time 2.5") == 0,
	    "twin_errork: the kind given");
	tap_ok(twin_error(NULL, "x") == -1 &&
	    twin_errork(NULL, TWIN_ENOMEM, "x") == -1 &&
	    twin_error_prefix(NULL, "p") == -1, "a NULL err is allowed");
	twin_errork(&e, TWIN_EDOMAIN, "KM = -1 is outside its domain");
	twin_error_prefix(&e, "%s:%d", "f.tsv", 3);
	tap_ok(e.kind == TWIN_EDOMAIN &&
	    strcmp(e.msg, "f.tsv:3: KM = -1 is outside its domain") == 0,
	    "twin_error_prefix keeps the kind and prepends");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	twin_errork(&e, TWIN_EFLAT, "%s", big);
	tap_ok(strlen(e.msg) == sizeof(e.msg) - 1 && e.kind == TWIN_EFLAT,
	    "a long message is cut to the buffer");
	twin_error_prefix(&e, "%s", big);
	tap_ok(strlen(e.msg) == sizeof(e.msg) - 1 && e.kind == TWIN_EFLAT,
	    "a prefix longer than the buffer is cut, the kind kept");
	tap_ok(!strcmp(twin_errkind_name(TWIN_EINPUT), "input") &&
	    !strcmp(twin_errkind_name(TWIN_EUNKNOWN), "unknown name") &&
	    !strcmp(twin_errkind_name(TWIN_EDOMAIN), "domain") &&
	    !strcmp(twin_errkind_name(TWIN_ESOLVER), "solver") &&
	    !strcmp(twin_errkind_name(TWIN_EFLAT), "flat objective") &&
	    !strcmp(twin_errkind_name(TWIN_ENOMEM), "out of memory") &&
	    !strcmp(twin_errkind_name(TWIN_ESYSTEM), "system"),
	    "every kind has a name");
}

static void
test_producers(void)
{
	struct twin_err e;
	struct enode *n;
	struct model *m;
	struct rec_reader *r;
	struct ode *o;
	int col;
	char path[] = "/tmp/test_err_XXXXXX", path2[] = "/tmp/test_err_XXXXXX";
	const char *yaml = "name: t\ncompartments: [c]\ntheta: {TVK: -1}\n"
	    "individual: {K: TVK}\node: {c: -K*c}\noutput: {CP: c}\n"
	    "dv: CP\nbounds: [TVK > 0]\n";
	FILE *fp;
	int fd;

	n = expr_parse("CL * CLX", lookup, NULL, &col, &e);
	tap_ok(n == NULL && e.kind == TWIN_EUNKNOWN && col == 5,
	    "expr_parse: an unknown name is TWIN_EUNKNOWN, at its column");
	n = expr_parse("CL * (2", lookup, NULL, &col, &e);
	tap_ok(n == NULL && e.kind == TWIN_EINPUT,
	    "expr_parse: a syntax error is TWIN_EINPUT");
	enode_free(n);

	r = rec_open("/nonexistent/twin/data.tsv", &e);
	tap_ok(r == NULL && e.kind == TWIN_ESYSTEM,
	    "rec_open of a missing file is TWIN_ESYSTEM");

	fd = mkstemp(path);
	fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fp != NULL) {
		fputs(yaml, fp);
		fclose(fp);
	}
	m = model_load(path, &e);
	tap_ok(m == NULL && e.kind == TWIN_EDOMAIN &&
	    strstr(e.msg, "outside its domain") != NULL,
	    "model_load: a theta outside its bounds is TWIN_EDOMAIN");
	model_free(m);
	remove(path);

	fd = mkstemp(path2);
	fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fp != NULL) {
		fputs("name: t\ncompartments: [c]\ntheta: {TVK: 1}\n"
		    "individual: {K: TVK}\node: {c: -K*c}\noutput: {CP: c}\n"
		    "dv: CP\n", fp);
		fclose(fp);
	}
	m = model_load(path2, &e);
	remove(path2);
	tap_ok(m != NULL, "a model to solve");
	if (m == NULL)
		return;
	o = ode_new(m, ODE_BDF, 10, 1e-12, &e);
	tap_ok(o == NULL && e.kind == TWIN_EDOMAIN,
	    "ode_new: rtol 10 is TWIN_EDOMAIN");
	ode_free(o);
	model_free(m);
}

int
main(void)
{
	test_constructors();
	test_producers();
	return tap_done();
}
