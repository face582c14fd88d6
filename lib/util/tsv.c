/* tsv.c - see tsv.h. */
#include <math.h>
#include <string.h>

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

int
tsv_next(struct tsv *t, struct twin_err *err)
{
	while (fgets(t->line, sizeof(t->line), t->f) != NULL) {
		t->lineno++;
		if (t->line[0] == '#' ||
		    t->line[strspn(t->line, " \t\r\n")] == '\0')
			continue;
		if (strchr(t->line, '\n') == NULL && !feof(t->f))
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
	return ferror(t->f) ? twin_errork(err, TWIN_ESYSTEM, "%s: read error",
	    t->path) : 0;
}

int
tsv_open(struct tsv *t, const char *name, struct twin_err *err)
{
	int i, rc;

	memset(t, 0, sizeof(*t));
	if (data_find(name, t->path, sizeof(t->path), err) < 0)
		return -1;
	if ((t->f = fopen(t->path, "r")) == NULL)
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

void
tsv_close(struct tsv *t)
{
	if (t->f != NULL)
		fclose(t->f);
	t->f = NULL;
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
