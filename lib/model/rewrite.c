/*
 * rewrite.c - a model's text with new parameter values (rewrite.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "model/rewrite.h"

/* One replacement of text[start, end). */
struct edit {
	size_t start, end;
	char *with;
};

static const char *
node_text(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

/* The random-effect name without its ETA_ prefix, of length len. */
static void
eta_part(const char *s, size_t len, const char **p, size_t *plen)
{
	if (len > 4 && strncmp(s, "ETA_", 4) == 0) {
		s += 4;
		len -= 4;
	}
	*p = s;
	*plen = len;
}

static int
same(const char *s, size_t len, const char *name)
{
	const char *q;
	size_t qlen;

	eta_part(name, strlen(name), &q, &qlen);
	return len == qlen && strncmp(s, q, len) == 0;
}

/* Whether the omega key (A or A,B) names the pair a, b. */
static int
omega_key(const char *key, const char *a, const char *b)
{
	const char *comma = strchr(key, ','), *x, *y;
	size_t xl, yl;

	if (comma == NULL) {
		eta_part(key, strlen(key), &x, &xl);
		return strcmp(a, b) == 0 && same(x, xl, a);
	}
	eta_part(key, (size_t)(comma - key), &x, &xl);
	eta_part(comma + 1, strlen(comma + 1), &y, &yl);
	return (same(x, xl, a) && same(y, yl, b)) ||
	    (same(x, xl, b) && same(y, yl, a));
}

/* libyaml's marks count characters: the byte offset of character ci of
 * UTF-8 text. */
static size_t
byte_at(const char *text, size_t len, size_t ci)
{
	size_t b = 0, c = 0;

	while (b < len && c < ci) {
		b++;
		while (b < len && ((unsigned char)text[b] & 0xc0) == 0x80)
			b++;
		c++;
	}
	return b;
}

static int
cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The mapping value of key in the root mapping, or NULL. */
static yaml_node_t *
section(yaml_document_t *doc, yaml_node_t *root, const char *key)
{
	yaml_node_pair_t *p;

	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		const char *k = node_text(yaml_document_get_node(doc, p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *const section_name[] = { "theta", "omega", "error" };

/* The scalar that holds v, or NULL. */
static yaml_node_t *
find_value(yaml_document_t *doc, yaml_node_t *root,
    const struct model_value *v)
{
	yaml_node_t *s = section(doc, root, section_name[v->kind]);
	yaml_node_pair_t *p;

	if (s == NULL || s->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = s->data.mapping.pairs.start; p < s->data.mapping.pairs.top;
	    p++) {
		const char *k = node_text(yaml_document_get_node(doc, p->key));
		yaml_node_t *val = yaml_document_get_node(doc, p->value);

		if (k == NULL || val == NULL || val->type != YAML_SCALAR_NODE)
			continue;
		if (v->kind == MV_OMEGA ? omega_key(k, v->a, v->b) :
		    strcmp(k, v->a) == 0)
			return val;
	}
	return NULL;
}

static int
is_flow(yaml_document_t *doc, yaml_node_t *root, enum model_value_kind k)
{
	yaml_node_t *s = section(doc, root, section_name[k]);

	return s != NULL && s->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
}

/* The shortest %g that reads back as x (at most 17 digits). */
static void
shortest(char *buf, size_t size, double x)
{
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
	snprintf(buf, size, "%.17g", x);
}

/* The replacement of a value: the number, and the comment in block style
 * (merged with a comment already on the line, which end is moved over). */
static char *
replacement(const char *text, size_t len, const struct model_value *v,
    int flow, size_t *end)
{
	char num[64], *s;
	size_t e = *end, need;
	const char *old = "";
	size_t oldlen = 0;

	shortest(num, sizeof(num), v->value);
	if (flow || v->comment == NULL)
		return strdup(num);
	while (e < len && (text[e] == ' ' || text[e] == '\t'))
		e++;
	if (e < len && text[e] == '#') {
		size_t f = e + 1;

		while (f < len && text[f] == ' ')
			f++;
		old = text + f;
		while (f < len && text[f] != '\n' && text[f] != '\r')
			f++;
		oldlen = (size_t)(text + f - old);
		*end = f;
	}
	need = strlen(num) + strlen(v->comment) + oldlen + 16;
	if ((s = malloc(need)) == NULL)
		return NULL;
	if (oldlen)
		snprintf(s, need, "%s  # %s; %.*s", num, v->comment,
		    (int)oldlen, old);
	else
		snprintf(s, need, "%s  # %s", num, v->comment);
	return s;
}

char *
model_rewrite(const char *text, size_t len, const char *where,
    const char *header, const struct model_value *v, int n, size_t *outlen,
    struct twin_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct edit *ed = NULL;
	char *out = NULL;
	size_t cap, at = 0, from = 0;
	int i, ndoc = 0, ok = 0;

	if (!yaml_parser_initialize(&parser)) {
		twin_nomem(err);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		twin_errork(err, TWIN_EINPUT, "%s:%lu:%lu: %s", where,
		    (unsigned long)parser.problem_mark.line + 1,
		    (unsigned long)parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		return NULL;
	}
	ndoc = 1;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		twin_errork(err, TWIN_EINPUT, "%s: not a model (a mapping)",
		    where);
		goto out;
	}
	if ((ed = calloc(n + 1, sizeof(*ed))) == NULL) {
		twin_nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		yaml_node_t *s = find_value(&doc, root, &v[i]);

		if (s == NULL) {
			twin_errork(err, TWIN_EINPUT, "%s: no %s entry "
			    "\"%s%s%s\" to write the estimate into", where,
			    section_name[v[i].kind], v[i].a,
			    v[i].kind == MV_OMEGA && strcmp(v[i].a, v[i].b) ?
			    "," : "", v[i].kind == MV_OMEGA &&
			    strcmp(v[i].a, v[i].b) ? v[i].b : "");
			goto out;
		}
		ed[i].start = byte_at(text, len, s->start_mark.index);
		ed[i].end = byte_at(text, len, s->end_mark.index);
		ed[i].with = replacement(text, len, &v[i],
		    is_flow(&doc, root, v[i].kind), &ed[i].end);
		if (ed[i].with == NULL) {
			twin_nomem(err);
			goto out;
		}
	}
	qsort(ed, n, sizeof(*ed), cmp_edit);
	cap = len + (header ? 2 * strlen(header) + 64 : 0) + 1;
	for (i = 0; i < n; i++)
		cap += strlen(ed[i].with);
	if ((out = malloc(cap)) == NULL) {
		twin_nomem(err);
		goto out;
	}
	while (header != NULL && *header != '\0') {
		size_t l = strcspn(header, "\n");

		at += (size_t)snprintf(out + at, cap - at, "# %.*s\n", (int)l,
		    header);
		header += l + (header[l] == '\n');
	}
	for (i = 0; i < n; i++) {
		if (ed[i].start < from) {
			twin_errork(err, TWIN_EINPUT, "%s: a value is given "
			    "twice", where);
			goto out;
		}
		memcpy(out + at, text + from, ed[i].start - from);
		at += ed[i].start - from;
		at += (size_t)snprintf(out + at, cap - at, "%s", ed[i].with);
		from = ed[i].end;
	}
	memcpy(out + at, text + from, len - from);
	at += len - from;
	out[at] = '\0';
	*outlen = at;
	ok = 1;
out:
	for (i = 0; ed != NULL && i < n; i++)
		free(ed[i].with);
	free(ed);
	if (ndoc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (!ok) {
		free(out);
		out = NULL;
	}
	return out;
}

char *
model_rewrite_file(const char *path, const char *header,
    const struct model_value *v, int n, size_t *outlen,
    struct twin_err *err)
{
	FILE *fp = fopen(path, "rb");
	char *text = NULL, *out = NULL, *t;
	size_t len = 0, cap = 0, got;

	if (fp == NULL) {
		twin_errork(err, TWIN_ESYSTEM, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len + 4096 > cap) {
			cap = 2 * cap + 4096;
			if ((t = realloc(text, cap)) == NULL) {
				twin_nomem(err);
				goto out;
			}
			text = t;
		}
		if ((got = fread(text + len, 1, cap - len, fp)) == 0)
			break;
		len += got;
	}
	if (ferror(fp)) {
		twin_errork(err, TWIN_ESYSTEM, "%s: read error", path);
		goto out;
	}
	out = model_rewrite(text, len, path, header, v, n, outlen, err);
out:
	fclose(fp);
	free(text);
	return out;
}
