/* tsv.c - see tsv.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "util/datafile.h"
#include "util/num.h"
#include "util/tsv.h"

static int
split(struct tsv *t)
{
	char *s = t->line, *tab;

	s[strcspn(s, "\r\n")] = '\0';
	t->ncol = 0;
	for (;;) {
		if (t->ncol == TSV_MAXCOL)
			return -1;
		t->col[t->ncol++] = s;
		if ((tab = strchr(s, '\t')) == NULL)
			return 0;
		*tab = '\0';
		s = tab + 1;
	}
}

/* Keep a "#" line before the header; -1 out of memory. */
static int
keep_lead(struct tsv *t)
{
	size_t n = t->lead ? strlen(t->lead) : 0, m = strcspn(t->line, "\r\n");
	char *p = realloc(t->lead, n + m + 2);

	if (p == NULL)
		return -1;
	memcpy(p + n, t->line, m);
	p[n + m] = '\n';
	p[n + m + 1] = '\0';
	t->lead = p;
	return 0;
}

int
tsv_next(struct tsv *t, struct twin_err *err)
{
	int errnum;

	while (gzgets(t->f, t->line, sizeof(t->line)) != NULL) {
		t->lineno++;
		if (t->line[0] == '#' && t->nhead == 0 && keep_lead(t) < 0)
			return twin_nomem(err);
		if (t->line[0] == '#' ||
		    t->line[strspn(t->line, " \t\r\n")] == '\0')
			continue;
		if (strchr(t->line, '\n') == NULL && !gzeof(t->f))
			return twin_error(err, "%s:%d: a line longer than %d "
			    "bytes", t->path, t->lineno, TSV_LINE - 2);
		if (split(t) < 0)
			return twin_error(err, "%s:%d: more than %d columns",
			    t->path, t->lineno, TSV_MAXCOL);
		if (t->nhead > 0 && t->ncol != t->nhead)
			return twin_error(err, "%s:%d: %d columns, the header "
			    "has %d", t->path, t->lineno, t->ncol, t->nhead);
		return 1;
	}
	gzerror(t->f, &errnum);
	return errnum != Z_OK && errnum != Z_STREAM_END ? twin_errork(err,
	    TWIN_ESYSTEM, "%s: read error", t->path) : 0;
}

/* Open t->path (or standard input) and read the header. */
static int
open_head(struct tsv *t, int std, struct twin_err *err)
{
	int i, rc;

	if ((t->f = std ? gzdopen(dup(0), "r") : gzopen(t->path, "r")) ==
	    NULL)
		return twin_errork(err, TWIN_ESYSTEM, "%s: cannot open",
		    t->path);
	if ((rc = tsv_next(t, err)) != 1) {
		tsv_close(t);
		return rc < 0 ? -1 : twin_error(err, "%s: no header", t->path);
	}
	for (i = 0; i < t->ncol; i++)
		snprintf(t->head[i], sizeof(t->head[i]), "%s", t->col[i]);
	t->nhead = t->ncol;
	return 0;
}

int
tsv_open(struct tsv *t, const char *name, struct twin_err *err)
{
	memset(t, 0, sizeof(*t));
	if (data_find(name, t->path, sizeof(t->path), err) < 0)
		return -1;
	return open_head(t, 0, err);
}

int
tsv_open_path(struct tsv *t, const char *path, struct twin_err *err)
{
	int std = strcmp(path, "-") == 0;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", std ? "<stdin>" : path);
	return open_head(t, std, err);
}

void
tsv_close(struct tsv *t)
{
	if (t->f != NULL)
		gzclose(t->f);
	t->f = NULL;
	free(t->lead);
	t->lead = NULL;
}

const char *
tsv_comments(const struct tsv *t)
{
	return t->lead != NULL ? t->lead : "";
}

int
tsv_col(const struct tsv *t, const char *name, struct twin_err *err)
{
	int i;

	for (i = 0; i < t->nhead; i++)
		if (strcmp(t->head[i], name) == 0)
			return i;
	return twin_error(err, "%s: no column \"%s\"", t->path, name);
}

int
tsv_num(const struct tsv *t, int c, int dot, double *x, struct twin_err *err)
{
	const char *s = c >= 0 && c < t->ncol ? t->col[c] : "";

	if (dot && strcmp(s, ".") == 0) {
		*x = NAN;
		return 0;
	}
	if (twin_strtod(s, x) < 0)
		return twin_error(err, "%s:%d: %s \"%.40s\" is not a number",
		    t->path, t->lineno, c >= 0 && c < t->nhead ? t->head[c] :
		    "?", s);
	return 0;
}

int
tsv_count(const struct tsv *t, int c, long *n, struct twin_err *err)
{
	double x;

	if (tsv_num(t, c, 0, &x, err) < 0)
		return -1;
	if (!(x >= 0 && x <= 9e15 && x == floor(x)))
		return twin_error(err, "%s:%d: %s \"%s\" is not a count",
		    t->path, t->lineno, t->head[c], t->col[c]);
	*n += (long)x;
	return 0;
}

int
tsv_num_of(const struct tsv *t, const char *name, double *x,
    struct twin_err *err)
{
	int c = tsv_col(t, name, err);

	return c < 0 ? -1 : tsv_num(t, c, 0, x, err);
}

const char *
tsv_str(const struct tsv *t, const char *name)
{
	int i;

	for (i = 0; i < t->nhead && i < t->ncol; i++)
		if (strcmp(t->head[i], name) == 0)
			return t->col[i];
	return "";
}
