/*
 * model_yaml.c - reading a model file (twin-model(5)) with libyaml and
 * finding model files by name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "model/model.h"
#include "util/shard.h"
#include "util/datafile.h"
#include "util/num.h"

#ifndef TWIN_MODELDIR
#define TWIN_MODELDIR "/usr/local/share/twin/models"
#endif

struct loader {
	yaml_document_t doc;
	struct model *m;
	const char *path;
	struct twin_err *err;
};

static struct srcpos
pos(const struct loader *ld, const yaml_node_t *n)
{
	struct srcpos p;

	p.file = ld->path;
	p.line = (int)n->start_mark.line + 1;
	p.col = (int)n->start_mark.column + 1;
	/* Quoted scalars start one column before their text. */
	if (n->type == YAML_SCALAR_NODE &&
	    (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE))
		p.col++;
	return p;
}

static int
fail(const struct loader *ld, const yaml_node_t *n, const char *what)
{
	struct srcpos p = pos(ld, n);

	return twin_error(ld->err, "%s:%d:%d: %s", p.file, p.line, p.col,
	    what);
}

static const char *
scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

static int
number(const struct loader *ld, const yaml_node_t *n, double *x)
{
	const char *s = scalar(n);

	if (s == NULL)
		return fail(ld, n, "expected a number");
	if (twin_strtod(s, x) < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "expected a number, found \"%.100s\"",
		    s);
		return fail(ld, n, msg);
	}
	return 0;
}

/* Iterate over a mapping: calls fn(ld, key, value) for each pair. */
typedef int (*pair_fn)(struct loader *, yaml_node_t *, yaml_node_t *, int);

static int
each_pair(struct loader *ld, yaml_node_t *map, pair_fn fn, int arg)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE)
		return fail(ld, map, "expected a mapping (name: value)");
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&ld->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&ld->doc, p->value);

		if (scalar(k) == NULL)
			return fail(ld, k, "expected a name");
		if (fn(ld, k, v, arg) < 0)
			return -1;
	}
	return 0;
}

/* tolerance: {rtol: x, atol: y}, both required. */
static int
tolerance(struct loader *ld, yaml_node_t *v)
{
	double tol[2] = { 0, 0 };
	int have[2] = { 0, 0 };
	yaml_node_pair_t *p;

	if (v->type != YAML_MAPPING_NODE)
		return fail(ld, v, "tolerance: expected {rtol: x, atol: y}");
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *pk = yaml_document_get_node(&ld->doc, p->key);
		yaml_node_t *pv = yaml_document_get_node(&ld->doc, p->value);
		const char *key = scalar(pk);
		int i = key && !strcmp(key, "rtol") ? 0 : key &&
		    !strcmp(key, "atol") ? 1 : -1;

		if (i < 0) {
			char msg[256];

			snprintf(msg, sizeof(msg), "tolerance: unknown key "
			    "\"%.100s\" (rtol, atol)", key ? key : "");
			return fail(ld, pk, msg);
		}
		if (number(ld, pv, &tol[i]) < 0)
			return -1;
		have[i] = 1;
	}
	if (!have[0] || !have[1])
		return fail(ld, v, "tolerance: expected both rtol and atol");
	return model_set_tolerance(ld->m, tol[0], tol[1], pos(ld, v),
	    ld->err);
}

static int
expr_text(struct loader *ld, yaml_node_t *v, const char **s)
{
	if ((*s = scalar(v)) == NULL)
		return fail(ld, v, "expected an expression");
	return 0;
}

static int
on_theta(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	double x;

	(void)arg;
	if (number(ld, v, &x) < 0)
		return -1;
	return model_add_theta(ld->m, scalar(k), x, pos(ld, k), ld->err);
}

static int
on_cov(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	enum cov_interp how = COV_LOCF;
	double def = 0;
	int has = 0, optional = 0;
	yaml_node_pair_t *p;

	(void)arg;
	if (v->type == YAML_SCALAR_NODE) {
		const char *s = scalar(v);

		if (strcmp(s, "required") != 0 && strcmp(s, "~") != 0 &&
		    *s != '\0') {
			if (number(ld, v, &def) < 0)
				return -1;
			has = 1;
		}
		return model_add_covariate(ld->m, scalar(k), has, def, how,
		    pos(ld, k), ld->err);
	}
	if (v->type != YAML_MAPPING_NODE)
		return fail(ld, v, "expected a default value or a mapping "
		    "with default and interpolate");
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *pk = yaml_document_get_node(&ld->doc, p->key);
		yaml_node_t *pv = yaml_document_get_node(&ld->doc, p->value);
		const char *key = scalar(pk), *val = scalar(pv);

		if (key && !strcmp(key, "default")) {
			if (number(ld, pv, &def) < 0)
				return -1;
			has = 1;
		} else if (key && !strcmp(key, "interpolate")) {
			if (val && !strcmp(val, "locf"))
				how = COV_LOCF;
			else if (val && !strcmp(val, "nocb"))
				how = COV_NOCB;
			else if (val && !strcmp(val, "linear"))
				how = COV_LINEAR;
			else {
				char msg[256];

				snprintf(msg, sizeof(msg), "interpolate must be "
				    "locf, nocb or linear, got \"%.100s\"",
				    val ? val : "");
				return fail(ld, pv, msg);
			}
		} else if (key && !strcmp(key, "optional")) {
			if (val && !strcmp(val, "true"))
				optional = 1;
			else if (!val || strcmp(val, "false") != 0) {
				char msg[256];

				snprintf(msg, sizeof(msg), "optional must be "
				    "true or false, got \"%.100s\"",
				    val ? val : "");
				return fail(ld, pv, msg);
			}
		} else if (key && (!strcmp(key, "unit") ||
		    !strcmp(key, "units") || !strcmp(key, "description"))) {
			continue;
		} else {
			char msg[256];

			snprintf(msg, sizeof(msg), "unknown covariate attribute "
			    "\"%.100s\" (default, interpolate, optional, "
			    "unit, description)", key ? key : "");
			return fail(ld, pk, msg);
		}
	}
	if (optional && !has) {
		char msg[256];

		snprintf(msg, sizeof(msg), "covariate \"%.100s\": optional "
		    "needs a default (the value that means not given)",
		    scalar(k));
		return fail(ld, k, msg);
	}
	return model_add_covariate(ld->m, scalar(k), optional ?
	    MODEL_COV_OPTIONAL : has, def, how, pos(ld, k), ld->err);
}

static int
on_omega(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	char a[128], b[128];
	const char *key = scalar(k), *comma;
	double x;

	(void)arg;
	if (number(ld, v, &x) < 0)
		return -1;
	if ((comma = strchr(key, ',')) == NULL)
		return model_add_omega(ld->m, key, key, x, pos(ld, k),
		    ld->err);
	if (comma - key >= (long)sizeof(a) || strlen(comma + 1) >= sizeof(b))
		return fail(ld, k, "random effect name too long");
	snprintf(a, sizeof(a), "%.*s", (int)(comma - key), key);
	snprintf(b, sizeof(b), "%s", comma + 1);
	return model_add_omega(ld->m, a, b, x, pos(ld, k), ld->err);
}

enum section_expr { SE_IND, SE_DERIVED, SE_ODE, SE_OUTPUT };

static int
on_expr(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	const char *s;

	if (expr_text(ld, v, &s) < 0)
		return -1;
	switch (arg) {
	case SE_IND:
		return model_add_individual(ld->m, scalar(k), s, pos(ld, v),
		    ld->err);
	case SE_DERIVED:
		return model_add_derived(ld->m, scalar(k), s, pos(ld, v),
		    ld->err);
	case SE_ODE:
		return model_set_ode(ld->m, scalar(k), s, pos(ld, v), ld->err);
	default:
		return model_add_output(ld->m, scalar(k), s, pos(ld, v),
		    ld->err);
	}
}

static int
on_prop(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	const char *s;

	if (expr_text(ld, v, &s) < 0)
		return -1;
	return model_set_cmtprop(ld->m, (enum cmt_prop)arg, scalar(k), s,
	    pos(ld, v), ld->err);
}

static int
on_error(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	double x;

	(void)arg;
	if (!strcmp(scalar(k), "combine")) {
		const char *s = scalar(v);

		if (s == NULL || (strcmp(s, "variance") && strcmp(s, "sd")))
			return fail(ld, v, "combine must be variance or sd");
		return model_set_error_combination(ld->m, !strcmp(s, "sd"),
		    pos(ld, k), ld->err);
	}
	if (number(ld, v, &x) < 0)
		return -1;
	return model_set_error(ld->m, scalar(k), x, pos(ld, k), ld->err);
}

/* A route is a compartment name, or {compartment: NAME, unit: UNIT,
 * size: COVARIATE} when its doses come in another unit than the model's
 * amounts or set a covariate to their amount. */
static int
on_route(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	const char *cmt = NULL, *unit = NULL, *size = NULL;
	yaml_node_t *sizenode = NULL;
	yaml_node_pair_t *p;

	(void)arg;
	if (v->type == YAML_SCALAR_NODE)
		return model_add_route(ld->m, scalar(k), scalar(v), NULL,
		    pos(ld, k), ld->err);
	if (v->type != YAML_MAPPING_NODE)
		return fail(ld, v, "expected a compartment name or a mapping "
		    "with compartment, unit and size");
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *pk = yaml_document_get_node(&ld->doc, p->key);
		yaml_node_t *pv = yaml_document_get_node(&ld->doc, p->value);
		const char *key = scalar(pk);

		if (key && !strcmp(key, "compartment") && scalar(pv))
			cmt = scalar(pv);
		else if (key && !strcmp(key, "unit") && scalar(pv))
			unit = scalar(pv);
		else if (key && !strcmp(key, "size") && scalar(pv)) {
			size = scalar(pv);
			sizenode = pv;
		} else
			return fail(ld, pk, "a route has a compartment, a "
			    "unit and a size");
	}
	if (cmt == NULL)
		return fail(ld, v, "the route has no compartment");
	if (model_add_route(ld->m, scalar(k), cmt, unit, pos(ld, k),
	    ld->err) < 0)
		return -1;
	return size == NULL ? 0 : model_set_route_size(ld->m, scalar(k),
	    size, pos(ld, sizenode), ld->err);
}

static int
on_units(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	const char *key = scalar(k), *val = scalar(v);
	char **dst = NULL;

	(void)arg;
	if (val == NULL)
		return fail(ld, v, "expected a unit");
	if (!strcmp(key, "time"))
		dst = &ld->m->units_time;
	else if (!strcmp(key, "amount"))
		dst = &ld->m->units_amount;
	else if (!strcmp(key, "concentration"))
		dst = &ld->m->units_conc;
	if (dst == NULL)
		return 0;
	free(*dst);
	if ((*dst = strdup(val)) == NULL)
		return twin_nomem(ld->err);
	return 0;
}

static int
compartments(struct loader *ld, yaml_node_t *v)
{
	yaml_node_item_t *it;

	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "compartments: expected a list of names");
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(&ld->doc, *it);

		if (scalar(n) == NULL)
			return fail(ld, n, "expected a compartment name");
		if (model_add_compartment(ld->m, scalar(n), pos(ld, n),
		    ld->err) < 0)
			return -1;
	}
	return 0;
}

/* bounds: [KM > 0, 0 <= F <= 1] (a list of domains). */
static int
bounds(struct loader *ld, yaml_node_t *v)
{
	yaml_node_item_t *it;

	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "bounds: expected a list such as "
		    "[CL > 0, 0 <= F <= 1]");
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(&ld->doc, *it);

		if (scalar(n) == NULL)
			return fail(ld, n, "expected a bound such as CL > 0");
		if (model_add_bound(ld->m, scalar(n), pos(ld, n), ld->err) < 0)
			return -1;
	}
	return 0;
}

static int
set_string(struct loader *ld, yaml_node_t *v, char **dst)
{
	if (scalar(v) == NULL)
		return fail(ld, v, "expected text");
	free(*dst);
	if ((*dst = strdup(scalar(v))) == NULL)
		return twin_nomem(ld->err);
	return 0;
}

static int
on_top(struct loader *ld, yaml_node_t *k, yaml_node_t *v, int arg)
{
	const char *key = scalar(k);
	char msg[256];

	(void)arg;
	if (!strcmp(key, "name"))
		return set_string(ld, v, &ld->m->name);
	if (!strcmp(key, "description"))
		return set_string(ld, v, &ld->m->description);
	if (!strcmp(key, "units"))
		return each_pair(ld, v, on_units, 0);
	if (!strcmp(key, "compartments"))
		return compartments(ld, v);
	if (!strcmp(key, "routes"))
		return each_pair(ld, v, on_route, 0);
	if (!strcmp(key, "bounds"))
		return bounds(ld, v);
	if (!strcmp(key, "theta"))
		return each_pair(ld, v, on_theta, 0);
	if (!strcmp(key, "covariates"))
		return each_pair(ld, v, on_cov, 0);
	if (!strcmp(key, "omega"))
		return each_pair(ld, v, on_omega, 0);
	if (!strcmp(key, "individual"))
		return each_pair(ld, v, on_expr, SE_IND);
	if (!strcmp(key, "derived"))
		return each_pair(ld, v, on_expr, SE_DERIVED);
	if (!strcmp(key, "ode"))
		return each_pair(ld, v, on_expr, SE_ODE);
	if (!strcmp(key, "output"))
		return each_pair(ld, v, on_expr, SE_OUTPUT);
	if (!strcmp(key, "dv")) {
		if (scalar(v) == NULL)
			return fail(ld, v, "dv: expected an output name");
		return model_set_dv(ld->m, scalar(v), pos(ld, v), ld->err);
	}
	if (!strcmp(key, "error"))
		return each_pair(ld, v, on_error, 0);
	if (!strcmp(key, "solver")) {
		if (scalar(v) == NULL)
			return fail(ld, v, "solver: expected auto, bdf, adams, "
			    "rk or exact");
		return model_set_solver(ld->m, scalar(v), pos(ld, v),
		    ld->err);
	}
	if (!strcmp(key, "sensor")) {
		if (scalar(v) == NULL)
			return fail(ld, v, "sensor: expected a CGM sensor name");
		return model_set_sensor(ld->m, scalar(v), pos(ld, v),
		    ld->err);
	}
	if (!strcmp(key, "tolerance"))
		return tolerance(ld, v);
	if (!strcmp(key, "lag"))
		return each_pair(ld, v, on_prop, PROP_LAG);
	if (!strcmp(key, "bioavailability"))
		return each_pair(ld, v, on_prop, PROP_BIO);
	if (!strcmp(key, "rate"))
		return each_pair(ld, v, on_prop, PROP_RATE);
	if (!strcmp(key, "duration"))
		return each_pair(ld, v, on_prop, PROP_DUR);
	if (!strcmp(key, "init"))
		return each_pair(ld, v, on_prop, PROP_INIT);
	if (!strcmp(key, "reference") || !strcmp(key, "notes"))
		return 0;
	snprintf(msg, sizeof(msg), "unknown section \"%.100s\"", key);
	return fail(ld, k, msg);
}

/*
 * Load the YAML document the parser reads into a model called name,
 * finished.  Messages name where ("FILE:LINE:COL: ..."); path, if not
 * NULL, is kept as the model's path.
 */
static struct model *
load(yaml_parser_t *parser, const char *where, const char *name,
    const char *path, struct twin_err *err)
{
	struct loader ld;
	yaml_node_t *root;
	struct model *m = NULL;
	int ok = 0;

	memset(&ld, 0, sizeof(ld));
	ld.path = where;
	ld.err = err;
	if (!yaml_parser_load(parser, &ld.doc)) {
		twin_error(err, "%s:%lu:%lu: %s", where,
		    (unsigned long)parser->problem_mark.line + 1,
		    (unsigned long)parser->problem_mark.column + 1,
		    parser->problem ? parser->problem : "malformed YAML");
		return NULL;
	}
	if ((root = yaml_document_get_root_node(&ld.doc)) == NULL) {
		twin_error(err, "%s: empty model file", where);
		goto out;
	}
	if ((m = model_new(name)) == NULL ||
	    (path && (m->path = strdup(path)) == NULL)) {
		twin_nomem(err);
		goto out;
	}
	ld.m = m;
	if (each_pair(&ld, root, on_top, 0) < 0)
		goto out;
	if (model_finish(m, err) < 0)
		goto out;
	ok = 1;
out:
	yaml_document_delete(&ld.doc);
	if (!ok) {
		model_free(m);
		return NULL;
	}
	return m;
}

/* The file a model is parsed from, hashed as it is read. */
struct hashed_file {
	FILE *fp;
	uint64_t hash;
};

static int
read_hashed(void *data, unsigned char *buf, size_t size, size_t *nread)
{
	struct hashed_file *hf = data;

	*nread = fread(buf, 1, size, hf->fp);
	hf->hash = fnv1a64(hf->hash, buf, *nread);
	return !ferror(hf->fp);
}

struct model *
model_load(const char *path, struct twin_err *err)
{
	struct hashed_file hf;
	yaml_parser_t parser;
	struct model *m;
	const char *base;
	char name[256];
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		twin_errork(err, TWIN_ESYSTEM, "%s: %s", path, strerror(errno));
		return NULL;
	}
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(name, sizeof(name), "%s", base);
	if (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".yaml"))
		name[strlen(name) - 5] = '\0';
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		twin_nomem(err);
		return NULL;
	}
	hf.fp = fp;
	hf.hash = FNV64_BASIS;
	yaml_parser_set_input(&parser, read_hashed, &hf);
	m = load(&parser, path, name, path, err);
	yaml_parser_delete(&parser);
	/* libyaml stops reading at the end of the document: the rest. */
	if (m != NULL) {
		unsigned char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			hf.hash = fnv1a64(hf.hash, buf, n);
		m->hash = hf.hash;
	}
	fclose(fp);
	return m;
}

struct model *
model_load_string(const char *text, const char *name, struct twin_err *err)
{
	yaml_parser_t parser;
	struct model *m;

	if (!yaml_parser_initialize(&parser)) {
		twin_nomem(err);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    strlen(text));
	m = load(&parser, name, name, NULL, err);
	yaml_parser_delete(&parser);
	if (m != NULL)
		m->hash = fnv1a64(FNV64_BASIS, text, strlen(text));
	return m;
}

static int
try_dir(const char *dir, const char *name, const char *ext, char *buf,
    size_t bufsz)
{
	int n;

	n = snprintf(buf, bufsz, "%s/%s%s", dir, name, ext);
	return n > 0 && (size_t)n < bufsz && access(buf, R_OK) == 0;
}

/*
 * The models installed beside the running program: <bindir>/../share/
 * twin/models.  This keeps an installation relocatable (a DESTDIR
 * staging, a copied prefix); the compiled-in directory comes after it.
 */
static int
installed_dir(char *buf, size_t bufsz)
{
	char exe[4096];
	int n;

	if (twin_exe_dir(exe, sizeof(exe)) != 0)
		return -1;
	n = snprintf(buf, bufsz, "%s/../share/twin/models", exe);
	return n > 0 && (size_t)n < bufsz ? 0 : -1;
}

int
model_dir(int i, char *buf, size_t bufsz)
{
	const char *path = getenv("TWIN_MODEL_PATH"), *p, *colon;
	int n;

	for (p = path; p != NULL && *p; p = *colon ? colon + 1 : colon) {
		if ((colon = strchr(p, ':')) == NULL)
			colon = p + strlen(p);
		if (colon > p && i-- == 0) {
			n = snprintf(buf, bufsz, "%.*s", (int)(colon - p), p);
			return n > 0 && (size_t)n < bufsz ? 0 : -1;
		}
	}
	if (i == 0) {
		snprintf(buf, bufsz, ".");
		return 0;
	}
	if (installed_dir(buf, bufsz) == 0 && --i == 0)
		return 0;
	if (i == 1) {
		n = snprintf(buf, bufsz, "%s", TWIN_MODELDIR);
		return n > 0 && (size_t)n < bufsz ? 0 : -1;
	}
	return -1;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n > k && !strcmp(s + n - k, tail);
}

int
model_name_is_path(const char *name)
{
	return strchr(name, '/') != NULL || ends_with(name, ".yaml") ||
	    ends_with(name, ".yml");
}

int
model_find(const char *name, char *buf, size_t bufsz, struct twin_err *err)
{
	char dir[4096], places[1024];
	size_t n = strlen(name), used = 0;
	int i;

	if (model_name_is_path(name)) {
		if (access(name, R_OK) != 0)
			return twin_errork(err, TWIN_ESYSTEM,
			    "%s: %s", name, strerror(errno));
		if (n >= bufsz)
			return twin_error(err, "%s: path too long", name);
		memcpy(buf, name, n + 1);
		return 0;
	}
	places[0] = '\0';
	for (i = 0; model_dir(i, dir, sizeof(dir)) == 0; i++) {
		if (try_dir(dir, name, ".yaml", buf, bufsz) ||
		    try_dir(dir, name, ".yml", buf, bufsz))
			return 0;
		int k = snprintf(places + used, sizeof(places) - used, "%s%s",
		    i ? ", " : "", dir);
		if (k > 0 && (size_t)k < sizeof(places) - used)
			used += k;
	}
	return twin_error(err, "model \"%s\" not found: no %s.yaml or %s.yml "
	    "in %s", name, name, name, places);
}
