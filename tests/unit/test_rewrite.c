/*
 * test_rewrite.c - model_rewrite: values written into a model's text,
 * the rest kept; the result loads with exactly the values written.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/rewrite.h"
#include "tap.h"

/* Block style with comments (one with UTF-8 before the values), a flow
 * omega with a covariance, flow error. */
static const char text[] =
    "# a one-compartment model, 5 \xc2\xb5g/mL\n"
    "name: one\n"
    "units: {time: h, amount: mg, volume: L}\n"
    "compartments: [central]\n"
    "theta:\n"
    "  TVCL: 1.5   # clearance, L/h (\xc2\xb5)\n"
    "  TVV: 10\n"
    "omega: {ETA_CL: 0.09, V: 0.04, \"V,CL\": 0.01}\n"
    "individual:\n"
    "  CL: TVCL*exp(ETA_CL)\n"
    "  V: TVV*exp(ETA_V)\n"
    "ode:\n"
    "  central: -CL/V*central\n"
    "output:\n"
    "  C: central/V\n"
    "dv: C\n"
    "error: {proportional: 0.1, additive: 0.05}\n";

int
main(void)
{
	struct twin_err err;
	struct model *m;
	struct model_value v[] = {
		{ MV_THETA, "TVCL", NULL, 0.1 + 0.2, "SE 0.1 (RSE 33%)" },
		{ MV_THETA, "TVV", NULL, 12.25, "SE 1" },
		{ MV_OMEGA, "CL", "CL", 0.123, NULL },
		{ MV_OMEGA, "ETA_CL", "V", 0.0125, "ignored in flow" },
		{ MV_OMEGA, "V", "V", 0.05, NULL },
		{ MV_ERROR, "proportional", NULL, 0.2, "flow" },
		{ MV_ERROR, "additive", NULL, 1e-3, NULL },
	};
	struct model_value bad = { MV_THETA, "KA", NULL, 1, NULL };
	size_t len;
	char *out;

	out = model_rewrite(text, strlen(text), "one.yaml", "made by a test\n"
	    "second line", v, 7, &len, &err);
	tap_ok(out != NULL && strlen(out) == len, "model_rewrite succeeds");
	if (out == NULL) {
		printf("# %s\n", err.msg);
		return tap_done();
	}
	tap_ok(strncmp(out, "# made by a test\n# second line\n# a one-", 39)
	    == 0, "header lines first, as comments, then the old text");
	tap_ok(strstr(out, "  TVCL: 0.30000000000000004  # SE 0.1 (RSE 33%); "
	    "clearance, L/h (\xc2\xb5)\n") != NULL,
	    "block value: the digits that read back exactly, comment merged with the old one");
	tap_ok(strstr(out, "  TVV: 12.25  # SE 1\n") != NULL,
	    "block value without an old comment");
	tap_ok(strstr(out, "omega: {ETA_CL: 0.123, V: 0.05, \"V,CL\": "
	    "0.0125}\n") != NULL,
	    "flow omega: names with or without ETA_, pair in either order, "
	    "no comment");
	tap_ok(strstr(out, "error: {proportional: 0.2, additive: 0.001}\n") != NULL, "flow error");
	tap_ok(strstr(out, "individual:\n  CL: TVCL*exp(ETA_CL)\n") != NULL,
	    "the rest is kept");
	m = model_load_string(out, "one", &err);
	tap_ok(m != NULL, "the result loads");
	if (m != NULL) {
		tap_ok(m->theta[0] == 0.1 + 0.2 && m->theta[1] == 12.25,
		    "theta read back exactly");
		tap_ok(m->neta == 2 && m->omega[0] == 0.123 &&
		    m->omega[1] == 0.0125 && m->omega[2] == 0.0125 &&
		    m->omega[3] == 0.05, "omega read back exactly");
		tap_ok(m->sigma_prop == 0.2 && m->sigma_add == 1e-3,
		    "sigma read back exactly");
		model_free(m);
	}
	free(out);
	out = model_rewrite(text, strlen(text), "one.yaml", NULL, &bad, 1,
	    &len, &err);
	tap_ok(out == NULL && err.kind == TWIN_EINPUT &&
	    strstr(err.msg, "one.yaml: no theta entry \"KA\"") != NULL,
	    "a value not in the model: error naming it");
	free(out);
	out = model_rewrite("a: [", 4, "x.yaml", NULL, v, 1, &len, &err);
	tap_ok(out == NULL && strncmp(err.msg, "x.yaml:", 7) == 0,
	    "not YAML: error with where");
	free(out);
	return tap_done();
}
