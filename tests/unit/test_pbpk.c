/*
 * test_pbpk - lib/body/pbpk: the whole-body model of a drug file.  Every
 * shipped drug makes a model that loads, with the body's covariates
 * required; drug files are found by name and told from models by their
 * text; -m's rule (a model first, then a drug); the variability section,
 * an i.v.-only drug and a lag reach the model; the volumes and flows are
 * the physiology's own definitions, not written twice.  Simulated
 * clearances, Kps against published values and errors for people the
 * rules cannot make: tests/cmd/pbpk.t.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body/pbpk.h"
#include "tap.h"

static const char *const drugs[] = { "midazolam", "theophylline",
    "diazepam", "propranolol", "warfarin", "voriconazole" };

/* Number of lines of text that start with prefix. */
static int
lines(const char *text, const char *prefix)
{
	const char *p = text;
	int n = 0;

	while (p != NULL && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return n;
}

static char *
drug_text(const char *path, const char *extra, struct twin_err *err)
{
	struct drug d;
	char *text;
	FILE *f = fopen("pbpk-drug.yaml", "w");
	FILE *in = fopen(path, "r");
	char line[1024];

	if (f == NULL || in == NULL) {
		if (f)
			fclose(f);
		if (in)
			fclose(in);
		return NULL;
	}
	while (fgets(line, sizeof(line), in) != NULL)
		if (extra == NULL || strncmp(line, "oral:", 5) != 0 ||
		    strstr(extra, "no oral") == NULL)
			fputs(line, f);
		else {	/* drop the oral section (its indented lines) */
			while (fgets(line, sizeof(line), in) != NULL &&
			    line[0] == ' ')
				;
			fputs(line, f);
		}
	if (extra != NULL && strstr(extra, "no oral") == NULL)
		fputs(extra, f);
	fclose(in);
	fclose(f);
	if (drug_load(&d, "pbpk-drug.yaml", err) < 0)
		return NULL;
	text = pbpk_yaml(&d, -1, err);
	drug_free(&d);
	return text;
}

int
main(void)
{
	struct twin_err err;
	struct model *m;
	char path[4096], what[256], *text;
	size_t i;
	int ok;

	setenv("TWIN_DATA_PATH", "../../data", 1);
	setenv("TWIN_MODEL_PATH", "../../models", 1);

	for (i = 0; i < sizeof(drugs) / sizeof(drugs[0]); i++) {
		const char *cov[] = { "SEX", "AGE", "HT", "WT", "SCR" };
		int k, c;

		m = twin_model_open(drugs[i], &err);
		ok = m != NULL && model_state(m, "liver") >= 0 &&
		    model_route(m, "iv") >= 0;
		for (k = 0; ok && k < 5; k++) {
			for (c = 0; c < m->ncov; c++)
				if (!strcmp(m->slotname[m->cov0 + c], cov[k]))
					break;
			ok = c < m->ncov && !m->covhasdefault[c];
		}
		snprintf(what, sizeof(what), "%s: the whole-body model loads, "
		    "SEX AGE HT WT SCR required", drugs[i]);
		tap_ok(ok, what);
		if (m == NULL)
			printf("# %s\n", err.msg);
		model_free(m);
	}

	tap_ok(pbpk_find("midazolam", path, sizeof(path), &err) == 0 &&
	    strstr(path, "models/drugs/midazolam.yaml") != NULL,
	    "a drug is found by name in drugs/ of the model path");
	tap_ok(pbpk_find("nothing", path, sizeof(path), &err) < 0 &&
	    strstr(err.msg, "no model nothing.yaml and no drug file "
	    "nothing.yaml") != NULL, "an unknown name: both said");
	tap_ok(pbpk_is_drug("../../models/drugs/warfarin.yaml") == 1 &&
	    pbpk_is_drug("../../models/pk1cmt.yaml") == 0 &&
	    pbpk_is_drug("../../models/none.yaml") == -1,
	    "drug files and models told apart by their text");
	m = twin_model_open("pk1cmt", &err);
	tap_ok(m != NULL && model_state(m, "central") >= 0 &&
	    model_state(m, "liver") < 0, "a model's name loads the model");
	model_free(m);
	m = twin_model_open("../../models/drugs/diazepam.yaml", &err);
	tap_ok(m != NULL && model_state(m, "adipose") >= 0,
	    "a drug file's path loads its whole-body model");
	model_free(m);

	/* What the file says reaches the model. */
	text = drug_text("../../models/drugs/midazolam.yaml", NULL, &err);
	tap_ok(text != NULL && strstr(text, "routes: {iv: venous, oral: "
	    "lumen}") != NULL && strstr(text, "  CLint: 0\n") != NULL &&
	    strstr(text, "error:") == NULL, "no variability: zero variances, "
	    "no residual error");
	/* The physiology's V_ and Q_ are its definitions, once each. */
	tap_ok(text != NULL && lines(text, "  V_liver:") == 1 &&
	    lines(text, "  Q_gut:") == 1 && lines(text, "  CO:") == 1 &&
	    lines(text, "  Q_H:") == 1, "each volume, flow and CO defined "
	    "once");
	free(text);
	text = drug_text("../../models/drugs/midazolam.yaml",
	    "variability:\n"
	    "  clint: {value: 0.16, reference: r}\n"
	    "  kp: {value: 0.04, reference: r}\n"
	    "  proportional: {value: 0.15, reference: r}\n"
	    "lag: {value: 0.25, unit: h, reference: r}\n", &err);
	tap_ok(text != NULL && strstr(text, "  CLint: 0.16\n") != NULL &&
	    strstr(text, "  Kp: 0.04") != NULL &&
	    strstr(text, "error: {proportional: 0.15}") != NULL &&
	    strstr(text, "lag: {lumen: 0.25}") != NULL,
	    "variability (omega, error) and lag reach the model");
	if (text == NULL)
		printf("# %s\n", err.msg);
	free(text);
	text = drug_text("../../models/drugs/midazolam.yaml", "no oral", &err);
	tap_ok(text != NULL && strstr(text, "routes: {iv: venous}\n") != NULL,
	    "a drug without ka has no oral route");
	if (text != NULL) {
		m = model_load_string(text, "iv_only", &err);
		tap_ok(m != NULL && model_route(m, "oral") < 0,
		    "and the model has no route oral");
		model_free(m);
	}
	free(text);
	remove("pbpk-drug.yaml");
	return tap_done();
}
