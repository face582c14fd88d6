/*
 * test_describe - what --describe says of a model (model/describe.h),
 * for a model written here: CV% of a log-normal ETA against the closed
 * form (omega = ln(1 + CV^2) gives CV back: ln 1.09 is 30 %), vanco's
 * published 39.8 %CV from its omega 0.14704 (Goti 2018, Table 2), every
 * line of the TSV form as written by hand from the model text, the notes
 * from the file's comments, the full path and the FNV-1a-64 hash of the
 * text (util/shard.h), and a write error reported.
 */
#define _XOPEN_SOURCE 700	/* realpath */

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/describe.h"
#include "util/shard.h"
#include "tap.h"

static const char text[] =
    "name: tiny\n"
    "description: a model for test_describe\n"
    "units: {time: h, amount: mg, concentration: mg/L}\n"
    "compartments: [depot, central]\n"
    "routes: {po: depot, iv: central}\n"
    "theta:\n"
    "  TVCL: 5        # clearance, L/h\n"
    "  TVV: 50\n"
    "covariates:\n"
    "  WT: 70         # body weight, kg\n"
    "  AGE: required\n"
    "  SCR: {default: 0, optional: true}\n"
    "omega:\n"
    "  CL: 0.0861776962410524   # ln(1.09): 30 %CV\n"
    "  V: 0.04\n"
    "  CL,V: 0.01\n"
    "individual:\n"
    "  CL: TVCL * (WT/70)^0.75 * exp(ETA_CL) * (1 + 0*SCR)\n"
    "  V: TVV * exp(ETA_V) * (AGE > 0)\n"
    "  KA: 1\n"
    "ode:\n"
    "  depot: -KA*depot\n"
    "  central: KA*depot - CL/V*central\n"
    "lag:\n"
    "  depot: 0.5\n"
    "output:\n"
    "  CP: central/V  # plasma, mg/L\n"
    "dv: CP\n"
    "error: {proportional: 0.1, additive: 0.01}\n"
    "tolerance: {rtol: 1e-8, atol: 1e-10}\n"
    "bounds: [TVCL > 0, 0 <= WT <= 500]\n";

static char *
describe(const struct model *m, enum model_describe_form form)
{
	struct twin_err e;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL || model_describe(m, form, f, &e) < 0) {
		if (f != NULL)
			fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* The TSV line of kind and name, as a copy (NULL if none). */
static char *
tsvline(const char *out, const char *kind, const char *name)
{
	char key[256];
	const char *p;

	snprintf(key, sizeof(key), "\n%s\t%s\t", kind, name);
	if (out == NULL || (p = strstr(out, key)) == NULL)
		return NULL;
	p++;
	return strndup(p, strcspn(p, "\n"));
}

static void
has(const char *out, const char *kind, const char *name, const char *want)
{
	char *got = tsvline(out, kind, name), what[256];

	snprintf(what, sizeof(what), "tsv: %s %s", kind, name);
	tap_ok(got != NULL && strcmp(got, want) == 0, what);
	if (got == NULL || strcmp(got, want) != 0)
		printf("# got  %s\n# want %s\n", got ? got : "(none)", want);
	free(got);
}

int
main(void)
{
	char dir[] = "/tmp/twin-test-describe-XXXXXX", path[64];
	char full[PATH_MAX], line[PATH_MAX + 64], *tsv, *txt, *l, *end;
	struct twin_err e;
	struct model *m;
	FILE *f;
	int fd;
	double cv;

	tap_close(model_omega_cv(log(1.09)), 30, 1e-12,
	    "CV% of omega ln(1 + 0.3^2) is 30");
	tap_close(model_omega_cv(0.14704), 39.8, 0.0005 / 39.8,
	    "vanco's omega 0.14704 is Goti 2018's 39.8 %CV");
	tap_ok(model_omega_cv(0) == 0, "CV% of omega 0 is 0");
	tap_ok(isnan(model_omega_cv(-1)), "CV% of a negative omega is NAN");

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/tiny.yaml", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1) ||
	    close(fd) != 0) {
		printf("Bail out! cannot write %s\n", path);
		return 1;
	}
	if ((m = model_load(path, &e)) == NULL) {
		printf("Bail out! %s\n", e.msg);
		unlink(path);
		rmdir(dir);
		return 1;
	}
	tsv = describe(m, MODEL_DESCRIBE_TSV);
	tap_ok(tsv != NULL && !strncmp(tsv, "KIND\tNAME\tVALUE\tINFO\tNOTE\n",
	    26), "tsv: the header line");
	has(tsv, "model", "name", "model\tname\ttiny\t.\t.");
	has(tsv, "model", "description",
	    "model\tdescription\ta model for test_describe\t.\t.");
	if (realpath(path, full) == NULL)
		strcpy(full, path);
	snprintf(line, sizeof(line), "model\tfile\t%s\t.\t.", full);
	has(tsv, "model", "file", line);
	snprintf(line, sizeof(line), "model\thash\tfnv1a64:%016llx\t.\t.",
	    (unsigned long long)fnv1a64(FNV64_BASIS, text,
	    sizeof(text) - 1));
	has(tsv, "model", "hash", line);
	has(tsv, "unit", "time", "unit\ttime\th\t.\t.");
	has(tsv, "unit", "concentration", "unit\tconcentration\tmg/L\t.\t.");
	has(tsv, "compartment", "depot",
	    "compartment\tdepot\t.\troutes=po\t.");
	has(tsv, "lag", "depot", "lag\tdepot\t0.5\t.\t.");
	has(tsv, "theta", "TVCL", "theta\tTVCL\t5\t.\tclearance, L/h");
	has(tsv, "theta", "TVV", "theta\tTVV\t50\t.\t.");
	has(tsv, "covariate", "WT",
	    "covariate\tWT\t70\thow=default interp=locf in=CL\t"
	    "body weight, kg");
	has(tsv, "covariate", "AGE",
	    "covariate\tAGE\t.\thow=required interp=locf in=V\t.");
	has(tsv, "covariate", "SCR",
	    "covariate\tSCR\t0\thow=optional interp=locf in=CL\t.");
	has(tsv, "individual", "KA", "individual\tKA\t1\t.\t.");
	has(tsv, "output", "CP", "output\tCP\tcentral/V\tdv\tplasma, mg/L");
	has(tsv, "error", "kind", "error\tkind\tcombined\t.\t.");
	has(tsv, "error", "additive", "error\tadditive\t0.01\tmg/L\t.");
	has(tsv, "error", "proportional",
	    "error\tproportional\t0.1\tfraction\t.");
	has(tsv, "solver", "rtol", "solver\trtol\t1e-08\t.\t.");
	has(tsv, "bound", "WT", "bound\tWT\t0 <= WT <= 500\t.\t.");

	/* omega: CV% and SD computed by hand */
	l = tsvline(tsv, "omega", "ETA_CL");
	cv = l && (end = strstr(l, "cv=")) ? strtod(end + 3, NULL) : NAN;
	tap_close(cv, 30, 1e-12, "tsv: omega ETA_CL has cv=30");
	tap_ok(l && !strncmp(l, "omega\tETA_CL\t0.0861776962410524\t", 31) &&
	    strstr(l, "\tln(1.09): 30 %CV") != NULL,
	    "tsv: omega ETA_CL: the variance as written, the note");
	free(l);
	l = tsvline(tsv, "omega", "ETA_V");
	cv = l && (end = strstr(l, "sd=")) ? strtod(end + 3, NULL) : NAN;
	tap_close(cv, 0.2, 1e-15, "tsv: omega ETA_V has sd=sqrt(0.04)=0.2");
	free(l);
	/* correlation 0.01 / sqrt(0.0861776962410524 * 0.04) */
	l = tsvline(tsv, "omega", "ETA_CL,ETA_V");
	cv = l && (end = strstr(l, "r=")) ? strtod(end + 2, NULL) : NAN;
	tap_close(cv, 0.01 / sqrt(0.0861776962410524 * 0.04), 1e-15,
	    "tsv: omega ETA_CL,ETA_V: the covariance's correlation");
	free(l);

	txt = describe(m, MODEL_DESCRIBE_TEXT);
	tap_ok(txt != NULL && strstr(txt, "model         tiny\n") != NULL &&
	    strstr(txt, "  ETA_CL  0.0861776962410524  CV 30%  SD 0.2936")
	    != NULL, "text: the omega line with CV% to 4 digits");
	tap_ok(txt != NULL && strstr(txt, "  AGE   .") == NULL &&
	    strstr(txt, "  AGE               required, locf; in V") != NULL,
	    "text: a required covariate has no value");
	tap_ok(txt != NULL && strstr(txt, " \n") == NULL,
	    "text: no trailing blanks");

	f = fopen("/dev/full", "w");
	tap_ok(f == NULL || (model_describe(m, MODEL_DESCRIBE_TEXT, f, &e) < 0
	    && e.kind == TWIN_ESYSTEM), "a write error is reported");
	if (f != NULL)
		fclose(f);

	free(tsv);
	free(txt);
	model_free(m);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
