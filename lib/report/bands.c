#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "report/bands.h"

struct cell {
	int group;
	double x;
	double *y;
	int n, cap, sorted;
};

struct bands {
	char **group;
	int ngroup;
	struct cell *cell;
	int ncell, cellcap;
	int *hash;		/* open addressing: cell index + 1, 0 empty */
	size_t hashcap;
};

struct bands *
bands_new(void)
{
	return calloc(1, sizeof(struct bands));
}

void
bands_free(struct bands *b)
{
	int i;

	if (b == NULL)
		return;
	for (i = 0; i < b->ngroup; i++)
		free(b->group[i]);
	for (i = 0; i < b->ncell; i++)
		free(b->cell[i].y);
	free(b->group);
	free(b->cell);
	free(b->hash);
	free(b);
}

static int
group_index(struct bands *b, const char *name)
{
	int i;
	void *a;

	/* Groups are few (regimens, weight bands): a list will do. */
	for (i = b->ngroup - 1; i >= 0; i--)
		if (strcmp(b->group[i], name) == 0)
			return i;
	if ((a = realloc(b->group, (b->ngroup + 1) * sizeof(char *))) == NULL)
		return -1;
	b->group = a;
	if ((b->group[b->ngroup] = strdup(name)) == NULL)
		return -1;
	return b->ngroup++;
}

static size_t
hash(int group, double x)
{
	uint64_t h;

	x = x == 0 ? 0 : x;	/* -0 and 0 are one time */
	memcpy(&h, &x, sizeof(h));
	h ^= (uint64_t)group * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

static int
rehash(struct bands *b)
{
	size_t cap = b->hashcap ? 2 * b->hashcap : 256, k;
	int *h = calloc(cap, sizeof(int)), i;

	if (h == NULL)
		return -1;
	for (i = 0; i < b->ncell; i++) {
		for (k = hash(b->cell[i].group, b->cell[i].x) & (cap - 1);
		    h[k] != 0; k = (k + 1) & (cap - 1))
			;
		h[k] = i + 1;
	}
	free(b->hash);
	b->hash = h;
	b->hashcap = cap;
	return 0;
}

int
bands_add(struct bands *b, const char *group, double x, double y)
{
	struct cell *c;
	size_t k;
	int g = group_index(b, group);

	if (g < 0)
		return -1;
	if (2 * (size_t)(b->ncell + 1) > b->hashcap && rehash(b) < 0)
		return -1;
	for (k = hash(g, x) & (b->hashcap - 1); b->hash[k] != 0;
	    k = (k + 1) & (b->hashcap - 1)) {
		c = &b->cell[b->hash[k] - 1];
		if (c->group == g && c->x == x)
			goto found;
	}
	if (b->ncell == b->cellcap) {
		int cap = b->cellcap ? 2 * b->cellcap : 64;
		void *a = realloc(b->cell, cap * sizeof(*b->cell));

		if (a == NULL)
			return -1;
		b->cell = a;
		b->cellcap = cap;
	}
	c = &b->cell[b->ncell];
	memset(c, 0, sizeof(*c));
	c->group = g;
	c->x = x;
	b->hash[k] = ++b->ncell;
found:
	if (c->n == c->cap) {
		int cap = c->cap ? 2 * c->cap : 8;
		void *a = realloc(c->y, cap * sizeof(double));

		if (a == NULL)
			return -1;
		c->y = a;
		c->cap = cap;
	}
	c->y[c->n++] = y;
	c->sorted = 0;
	return 0;
}

/* The length of the field at s and, if it is all a number, that number
 * in *x (1), else 0. */
static int
field_num(const char *s, size_t *len, double *x)
{
	char buf[128], *end;

	*len = strcspn(s, "\t");
	if (*len == 0 || *len >= sizeof(buf))
		return 0;
	memcpy(buf, s, *len);
	buf[*len] = '\0';
	*x = strtod(buf, &end);
	return *end == '\0' && !isnan(*x);
}

int
bands_keycmp(const char *a, const char *b)
{
	for (;;) {
		size_t la, lb;
		double x, y;
		int na = field_num(a, &la, &x), nb = field_num(b, &lb, &y);

		if (na && nb && x != y)
			return (x > y) - (x < y);
		if (!(na && nb) || la != lb || memcmp(a, b, la) != 0) {
			size_t n = la < lb ? la : lb;
			int c = memcmp(a, b, n);

			if (c != 0)
				return c;
			if (la != lb)
				return la < lb ? -1 : 1;
		}
		a += la;
		b += lb;
		if (*a == '\0' || *b == '\0')
			return (*a != '\0') - (*b != '\0');
		a++;
		b++;
	}
}

/* Put the groups in bands_keycmp order (they are few: an insertion
 * sort) and renumber the cells'. */
static int
sort_groups(struct bands *b)
{
	int *rank = malloc((b->ngroup + 1) * sizeof(int)), i, j;
	char **g = malloc((b->ngroup + 1) * sizeof(char *));

	if (rank == NULL || g == NULL) {
		free(rank);
		free(g);
		return -1;
	}
	for (i = 0; i < b->ngroup; i++) {
		char *key = b->group[i];

		for (j = i; j > 0 && bands_keycmp(g[j - 1], key) > 0; j--)
			g[j] = g[j - 1];
		g[j] = key;
	}
	for (i = 0; i < b->ngroup; i++)
		for (j = 0; j < b->ngroup; j++)
			if (g[j] == b->group[i])
				rank[i] = j;
	for (i = 0; i < b->ncell; i++)
		b->cell[i].group = rank[b->cell[i].group];
	free(b->group);
	b->group = g;
	free(rank);
	return 0;
}

static int
cmp_cell(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;

	if (x->group != y->group)
		return x->group - y->group;
	return (x->x > y->x) - (x->x < y->x);
}

int
bands_sort(struct bands *b)
{
	int i;

	if (sort_groups(b) < 0)
		return -1;
	if (b->ncell > 1)
		qsort(b->cell, b->ncell, sizeof(*b->cell), cmp_cell);
	/* The hash now points at the wrong cells; adding after sorting
	 * starts it afresh. */
	free(b->hash);
	b->hash = NULL;
	b->hashcap = 0;
	for (i = 0; i < b->ncell; i++)
		if (!b->cell[i].sorted) {
			gsl_sort(b->cell[i].y, 1, b->cell[i].n);
			b->cell[i].sorted = 1;
		}
	return 0;
}

int
bands_ncell(const struct bands *b)
{
	return b->ncell;
}

const char *
bands_group(const struct bands *b, int i)
{
	return b->group[b->cell[i].group];
}

double
bands_x(const struct bands *b, int i)
{
	return b->cell[i].x;
}

int
bands_count(const struct bands *b, int i)
{
	return b->cell[i].n;
}

double
bands_quantile(const struct bands *b, int i, double p)
{
	const struct cell *c = &b->cell[i];

	return gsl_stats_quantile_from_sorted_data(c->y, 1, c->n, p);
}

const double *
bands_values(const struct bands *b, int i)
{
	return b->cell[i].y;
}

double
bands_mean(const struct bands *b, int i)
{
	return gsl_stats_mean(b->cell[i].y, 1, b->cell[i].n);
}

void
bands_stats(const struct bands *b, int i, struct bands_stats *s)
{
	const double *v = b->cell[i].y;
	int n = b->cell[i].n, pos = 1, k;
	double lm = 0, ls = 0;

	s->n = n;
	s->mean = gsl_stats_mean(v, 1, n);
	s->sd = n > 1 ? gsl_stats_sd_m(v, 1, n, s->mean) : NAN;
	s->cv = 100 * s->sd / s->mean;
	/* geometric statistics of positive values only */
	for (k = 0; k < n; k++) {
		pos &= v[k] > 0;
		lm += pos ? log(v[k]) / n : 0;
	}
	for (k = 0; pos && k < n; k++)
		ls += (log(v[k]) - lm) * (log(v[k]) - lm);
	ls = n > 1 ? ls / (n - 1) : NAN;
	s->gmean = pos ? exp(lm) : NAN;
	s->gcv = pos ? 100 * sqrt(expm1(ls)) : NAN;
	s->median = bands_quantile(b, i, 0.5);
	s->min = v[0];
	s->max = v[n - 1];
}

void
bands_range(const struct bands *b, double *lo, double *hi)
{
	int i;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < b->ncell; i++) {
		const struct cell *c = &b->cell[i];

		if (c->n == 0)
			continue;
		if (c->y[0] < *lo)
			*lo = c->y[0];
		if (c->y[c->n - 1] > *hi)
			*hi = c->y[c->n - 1];
	}
}
