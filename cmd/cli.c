#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "body/pbpk.h"
#include "data/record.h"
#include "data/table.h"
#include "model/describe.h"
#include "util/num.h"
#include "util/provenance.h"
#include "util/shard.h"

/* The progress line on the terminal, if one is shown: messages start on a
 * line of their own. */
static struct cli_progress *shown;

static void
progress_break(void)
{
	if (shown != NULL && shown->shown) {
		fputc('\n', stderr);
		shown->shown = 0;
	}
}

/*
 * A message is printed once: the same message again right after it (a
 * write error reported by the write that failed and again by the close)
 * is not repeated.
 */
void
cli_warn(const char *prog, const char *fmt, ...)
{
	static char last[2048];
	char msg[2048];
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strcmp(msg, last))
		return;
	memcpy(last, msg, sizeof(last));
	progress_break();
	fprintf(stderr, "%s: %s\n", prog, msg);
}

void
cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	progress_break();
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(1);
}

int
cli_int(const char *prog, const char *opt, const char *arg, int lo, int hi)
{
	double x;

	if (twin_strtod(arg, &x) < 0 || x != (long)x || x < lo || x > hi)
		cli_usage_error(prog, "%s wants a whole number from %d to %d, "
		    "got \"%s\"", opt, lo, hi, arg);
	return (int)x;
}

double
cli_double(const char *prog, const char *opt, const char *arg)
{
	double x;

	if (twin_strtod(arg, &x) < 0)
		cli_usage_error(prog, "%s wants a number, got \"%s\"", opt,
		    arg);
	return x;
}

double
cli_clock(const char *prog, const char *opt, const char *arg)
{
	int hh, mm, k;

	if (sscanf(arg, "%2d:%2d%n", &hh, &mm, &k) != 2 || arg[k] != '\0' ||
	    hh < 0 || hh > 23 || mm < 0 || mm > 59)
		cli_usage_error(prog, "%s wants a time of day HH:MM, got "
		    "\"%s\"", opt, arg);
	return hh + mm / 60.0;
}

enum ode_method
cli_solver(const char *prog, const char *arg)
{
	int meth = ode_method_parse(arg);

	if (meth < 0)
		cli_usage_error(prog, "--solver must be auto, bdf, adams, rk "
		    "or exact, got \"%s\"", arg);
	return meth;
}

static void cli_set_shard(const char *prog, const char *arg);

static int provenance;		/* --provenance given */
static int describe = -1;	/* --describe: its form, -1 none */
static int digits;		/* --digits, 0 none */
static int pretty;		/* --pretty given */
static char **prov_argv;	/* the arguments after the program's name */
static int prov_argc;
static char *prov_input;	/* the first input's leading # lines */
static int prov_opened;		/* an input was opened */

int
cli_common(const char *prog, int c, const char *arg,
    const struct cli_common *co)
{
	switch (c) {
	case 'V':
		cli_version(prog);
	case CLI_O_LIST:
		cli_list_models(prog);
	case CLI_O_IGNORE:
		cli_set_ignore(prog, arg);
		return 1;
	case CLI_O_KEEP:
		if (co->keepgoing != NULL)
			*co->keepgoing = 1;
		return 1;
	case CLI_O_QUIET:
		if (co->quiet != NULL)
			*co->quiet = 1;
		return 1;
	case CLI_O_STRICT:
		if (co->strict != NULL)
			*co->strict = 1;
		return 1;
	case CLI_O_RTOL:
		*co->rtol = cli_double(prog, "--rtol", arg);
		if (!(*co->rtol > 0))
			cli_usage_error(prog, "tolerances must be positive");
		return 1;
	case CLI_O_ATOL:
		*co->atol = cli_double(prog, "--atol", arg);
		if (!(*co->atol > 0))
			cli_usage_error(prog, "tolerances must be positive");
		return 1;
	case CLI_O_SOLVER:
		*co->method = cli_solver(prog, arg);
		return 1;
	case CLI_O_SHARD:
		cli_set_shard(prog, arg);
		return 1;
	case CLI_O_PROVENANCE:
		provenance = 1;
		return 1;
	case CLI_O_DESCRIBE:
		if (arg == NULL || !strcmp(arg, "text"))
			describe = MODEL_DESCRIBE_TEXT;
		else if (!strcmp(arg, "tsv"))
			describe = MODEL_DESCRIBE_TSV;
		else
			cli_usage_error(prog, "--describe wants text or tsv, "
			    "got \"%s\"", arg);
		return 1;
	case CLI_O_DIGITS:
		digits = cli_int(prog, "--digits", arg, 1, TABLE_DIGITS_MAX);
		return 1;
	case CLI_O_PRETTY:
		pretty = 1;
		return 1;
	}
	return 0;
}

static struct shard shard;	/* n 0: no --shard */

static void
cli_set_shard(const char *prog, const char *arg)
{
	struct twin_err err;

	if (shard_parse(&shard, arg, &err) < 0)
		cli_usage_error(prog, "--shard: %s", err.msg);
}

const struct shard *
cli_shard(void)
{
	return shard.n > 0 ? &shard : NULL;
}

void
cli_shard_refuse(const char *prog, const char *what, const char *how)
{
	if (cli_shard() != NULL)
		cli_usage_error(prog, "--shard: %s summarises the whole cohort "
		    "and cannot be merged from shards%s%s", what,
		    how != NULL ? "; " : "", how != NULL ? how : "");
}

/* The getopt tables cli_getopt was given, for --merge's settings. */
static const char *merge_short;
static const struct option *merge_long;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The settings of a command: its first lead words, then its options but
 * those --merge ignores, sorted, then the first operands that are
 * settings (lead - 1 of them after twin-report's verb), one per line.
 * NULL if out of memory. */
static char *
settings(int argc, char *const *argv, int lead)
{
	static const int ignored[] = { 'o', 'z', 'j', CLI_O_QUIET,
	    CLI_O_SHARD, CLI_O_PARTIAL, CLI_O_PROVENANCE, CLI_O_MERGE };
	char **v = calloc((size_t)argc + 2, sizeof(char *)), **opt;
	char opts[128], *out;
	struct outbuf b = { 0 };
	int c, i, n = 0, nopt = 0, w = 0;
	size_t k;

	if (v == NULL || (opt = calloc((size_t)argc + 1, sizeof(char *))) ==
	    NULL) {
		free(v);
		return NULL;
	}
	/* getopt wants a program name first, and permutes a copy */
	v[n++] = "merge";
	for (i = lead > 0 ? 1 : 0; i < argc; i++)
		v[n++] = argv[i];
	snprintf(opts, sizeof(opts), ":%s", merge_short);
	opterr = 0;
	optind = 0;	/* glibc: start afresh */
	while ((c = getopt_long(n, v, opts, merge_long, NULL)) != -1) {
		struct outbuf o = { 0 };
		char shortname[3] = { '-', (char)c, '\0' };
		const char *name = NULL;

		for (k = 0; k < sizeof(ignored) / sizeof(ignored[0]); k++)
			if (c == ignored[k])
				break;
		if (k < sizeof(ignored) / sizeof(ignored[0]) || c == '?' ||
		    c == ':')
			continue;
		for (i = 0; c > 255 && merge_long[i].name != NULL; i++)
			if (merge_long[i].val == c)
				name = merge_long[i].name;
		ob_puts(&o, name != NULL ? "--" : shortname);
		ob_puts(&o, name != NULL ? name : "");
		if (optarg != NULL) {
			ob_putc(&o, ' ');
			ob_puts(&o, optarg);
		}
		opt[nopt++] = o.p;
	}
	qsort(opt, (size_t)nopt, sizeof(char *), cmp_str);
	ob_puts(&b, "");
	if (lead > 0 && argc > 0) {
		ob_puts(&b, argv[0]);
		ob_putc(&b, '\n');
	}
	for (i = 0; i < nopt; i++) {
		ob_puts(&b, opt[i]);
		ob_putc(&b, '\n');
	}
	for (i = optind; i < n && w < lead - 1; i++, w++) {
		ob_puts(&b, v[i]);
		ob_putc(&b, '\n');
	}
	out = b.p;
	optind = 0;
	while (nopt > 0)
		free(opt[--nopt]);
	free(opt);
	free(v);
	return out;
}

static int
merge_fail(struct twin_err *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
merge_fail(struct twin_err *err, const char *path, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return twin_error(err, "%s: %s", path, msg);
}

/* The first line where a and b differ: b's into nb, a's into na, each
 * quoted ("nothing" when it has none), for the message. */
static void
first_diff(const char *a, const char *b, char *na, char *nb, size_t n)
{
	size_t i = 0, start = 0;
	int la, lb;

	while (a[i] != '\0' && a[i] == b[i]) {
		if (a[i] == '\n')
			start = i + 1;
		i++;
	}
	la = (int)strcspn(a + start, "\n");
	lb = (int)strcspn(b + start, "\n");
	snprintf(na, n, la ? "\"%.*s\"" : "nothing", la, a + start);
	snprintf(nb, n, lb ? "\"%.*s\"" : "nothing", lb, b + start);
}

int
cli_merge_add(struct cli_merge *m, const char *path, const char *comments,
    int lead, struct twin_err *err)
{
	struct prov_facts f;
	char *set = NULL, is[600], was[600];
	long *k;
	int i, rc = -1;

	if (*comments == '\0')
		return merge_fail(err, path, "no provenance lines: make each "
		    "shard's output with --provenance");
	if (prov_read(comments, &f, err) < 0)
		return twin_error_prefix(err, "%s", path);
	if (f.argc == 0) {
		merge_fail(err, path, "no options line in its provenance");
		goto out;
	}
	if (f.shard.n == 0) {
		f.shard.k = 1;
		f.shard.n = 1;
	}
	if ((set = settings(f.argc, f.argv, lead)) == NULL ||
	    (m->first == NULL && (m->settings = settings(prov_argc,
	    prov_argv, lead)) == NULL)) {
		twin_nomem(err);
		goto out;
	}
	if (m->first == NULL) {
		if ((m->first = strdup(path)) == NULL) {
			twin_nomem(err);
			goto out;
		}
		m->ident = f.ident;
		f.ident = NULL;
		m->n = f.shard.n;
	} else if (strcmp(m->ident, f.ident) != 0) {
		first_diff(m->ident, f.ident, was, is, sizeof(is));
		merge_fail(err, path, "another run than %s: its history has "
		    "%s where %s's has %s", m->first, is, m->first, was);
		goto out;
	}
	if (strcmp(set, m->settings) != 0) {
		first_diff(m->settings, set, was, is, sizeof(is));
		merge_fail(err, path, "made with other settings than this "
		    "merge: it has %s where the merge has %s", is, was);
		goto out;
	}
	if (f.shard.n != m->n) {
		merge_fail(err, path, "shard %ld/%ld, but %s is of %ld shards",
		    f.shard.k, f.shard.n, m->first, m->n);
		goto out;
	}
	for (i = 0; i < m->nk; i++)
		if (m->k[i] == f.shard.k) {
			merge_fail(err, path, "shard %ld/%ld a second time",
			    f.shard.k, f.shard.n);
			goto out;
		}
	if ((k = realloc(m->k, (m->nk + 1) * sizeof(long))) == NULL) {
		twin_nomem(err);
		goto out;
	}
	m->k = k;
	m->k[m->nk++] = f.shard.k;
	rc = 0;
out:
	free(set);
	prov_facts_free(&f);
	return rc;
}

int
cli_merge_end(struct cli_merge *m, struct twin_err *err)
{
	long k;
	int i;

	if (m->first == NULL)
		return twin_error(err, "--merge: no files to merge");
	if (m->nk == m->n)
		return 0;
	for (k = 1; k <= m->n; k++) {
		for (i = 0; i < m->nk && m->k[i] != k; i++)
			;
		if (i == m->nk)
			break;
	}
	return twin_error(err, "--merge: shard %ld/%ld is missing (%d of %ld "
	    "given)", k, m->n, m->nk, m->n);
}

void
cli_merge_free(struct cli_merge *m)
{
	free(m->ident);
	free(m->first);
	free(m->settings);
	free(m->k);
	memset(m, 0, sizeof(*m));
}

void
cli_shard_pretty(const char *prog, int pretty)
{
	if (cli_shard() != NULL && pretty)
		cli_usage_error(prog, "--shard: --pretty aligns the columns "
		    "over the whole table, which a shard does not see; leave "
		    "it out");
}

static const char *ignore_rule;	/* NULL: the reader's default */

void
cli_set_ignore(const char *prog, const char *rule)
{
	struct twin_err err;

	if (rec_ignore_check(rule, &err) < 0)
		cli_usage_error(prog, "--ignore: %s", err.msg);
	ignore_rule = rule;
}

struct rec_reader *
cli_rec_open(const char *path, struct twin_err *err)
{
	struct rec_reader *r = rec_open(path, err);

	if (r != NULL && ignore_rule != NULL &&
	    rec_set_ignore(r, ignore_rule, err) < 0) {
		rec_close(r);
		return NULL;
	}
	if (r != NULL)
		rec_set_shard(r, cli_shard());
	if (r != NULL && provenance && !prov_opened) {
		prov_opened = 1;
		if ((prov_input = strdup(rec_comments(r))) == NULL) {
			rec_close(r);
			twin_nomem(err);
			return NULL;
		}
	}
	return r;
}

void
cli_provenance_args(int argc, char *const *argv)
{
	int i;

	if (prov_argv != NULL || argc < 1 ||
	    (prov_argv = calloc((size_t)argc, sizeof(char *))) == NULL)
		return;
	for (i = 1; i < argc; i++)
		prov_argv[i - 1] = argv[i];
	prov_argc = argc - 1;
}

int
cli_provenance(const char *prog, struct rec_writer *w,
    const struct model *m, const unsigned long *seed, struct twin_err *err)
{
	struct prov p;
	char *text;
	int rc;

	if (!provenance)
		return 0;
	memset(&p, 0, sizeof(p));
	p.prog = prog;
	p.version = TWIN_VERSION;
	if (m != NULL) {
		p.model = m->name;
		p.modelhash = m->hash;
	}
	p.seed = seed;
	p.shard = cli_shard();
	p.argc = prov_argc;
	p.argv = prov_argv;
	p.input = prov_input;
	if ((text = prov_lines(&p, err)) == NULL)
		return -1;
	rc = rec_write(w, text, strlen(text), err);
	free(text);
	return rc;
}

struct model *
cli_model(const char *prog, const char *name)
{
	struct twin_err err;
	struct model *m;

	if ((m = twin_model_open(name, &err)) == NULL) {
		cli_warn(prog, "%s", err.msg);
		return NULL;
	}
	return m;
}

void
cli_describe(const char *prog, const char *name)
{
	struct twin_err err;
	struct model *m;
	int rc;

	if (describe < 0)
		return;
	if (name == NULL)
		cli_usage_error(prog, "--describe: which model? give -m");
	if ((m = cli_model(prog, name)) == NULL)
		exit(2);
	rc = model_describe(m, describe, stdout, &err);
	model_free(m);
	if (rc < 0)
		cli_warn(prog, "<stdout>: %s", err.msg);
	errno = 0;
	exit(rc < 0 || cli_flush(prog) < 0 ? 2 : 0);
}

/* The unit of an output column, from the model: TIME, AMT, RATE, the
 * observed output (DV, PRED, IPRED and its name) and compartments. */
static const char *
model_unit(const void *ctx, const char *col)
{
	const struct model *m = ctx;

	if (m == NULL)
		return NULL;
	if (!strcmp(col, "TIME"))
		return m->units_time;
	if (!strcmp(col, "AMT"))
		return m->units_amount;
	if (!strcmp(col, "RATE") && m->units_amount && m->units_time) {
		static char rate[128];

		snprintf(rate, sizeof(rate), "%s/%s", m->units_amount,
		    m->units_time);
		return rate;
	}
	if (!strcmp(col, "DV") || !strcmp(col, "PRED") ||
	    !strcmp(col, "IPRED") || (m->dv >= 0 && m->dv < m->nout &&
	    !strcmp(col, m->slotname[m->out0 + m->dv])))
		return m->units_conc;
	if (model_state(m, col) >= 0)
		return m->units_amount;
	return NULL;
}

void
cli_table_fmt(const char *prog, struct table_fmt *f, const struct model *m)
{
	cli_shard_pretty(prog, pretty);
	memset(f, 0, sizeof(*f));
	f->pretty = pretty;
	f->digits = digits;
	f->unit = model_unit;
	f->ctx = m;
}

int
cli_pretty(void)
{
	return pretty;
}

int
cli_digits(void)
{
	return digits;
}

void
cli_wformat(const char *prog, struct rec_writer *w, const struct model *m)
{
	struct table_fmt f;
	struct twin_err err;

	cli_table_fmt(prog, &f, m);
	if (rec_wformat(w, &f, &err) < 0) {
		cli_warn(prog, "%s", err.msg);
		exit(2);
	}
}

/* The input columns of r as one tab-separated line (freed by the caller),
 * to check that further input files have the same columns. */
char *
cli_columns(const struct rec_reader *r)
{
	struct outbuf b = { 0 };
	struct rec_layout l;

	if (rec_layout_init(&l, r) < 0)
		return NULL;
	rec_layout_header(&l, r, &b);
	rec_layout_free(&l);
	return b.p;
}

struct parallel {
	int n, next;
	pthread_mutex_t lock;
	void *ctx;
	void (*fn)(void *ctx, void *worker, int i);
};

struct thread {
	struct parallel *par;
	void *worker;
};

static void *
thread_main(void *arg)
{
	struct thread *t = arg;
	struct parallel *par = t->par;

	for (;;) {
		int i;

		pthread_mutex_lock(&par->lock);
		i = par->next++;
		pthread_mutex_unlock(&par->lock);
		if (i >= par->n)
			return NULL;
		par->fn(par->ctx, t->worker, i);
	}
}

int
cli_parallel(int n, int nworker, void *const *workers, void *ctx,
    void (*fn)(void *ctx, void *worker, int i))
{
	struct parallel par;
	struct thread t[256];
	pthread_t th[256];
	int i, started = 0;

	if (nworker > 256)
		nworker = 256;
	if (nworker <= 1 || n <= 1) {
		for (i = 0; i < n; i++)
			fn(ctx, workers[0], i);
		return 0;
	}
	par.n = n;
	par.next = 0;
	par.ctx = ctx;
	par.fn = fn;
	pthread_mutex_init(&par.lock, NULL);
	for (i = 0; i < nworker; i++) {
		t[i].par = &par;
		t[i].worker = workers[i];
		if (pthread_create(&th[i], NULL, thread_main, &t[i]) != 0)
			break;
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&par.lock);
	return started > 0 ? 0 : -1;
}

/* ---- options and help ------------------------------------------------- */

/* Edit distance of a and b (at most 64 characters of each): insertions,
 * deletions, substitutions and transpositions of neighbours, each 1. */
static int
distance(const char *a, const char *b)
{
	int d[65][65], i, j, la = (int)strlen(a), lb = (int)strlen(b);

	if (la > 64)
		la = 64;
	if (lb > 64)
		lb = 64;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
cli_nearest(const char *word, const char *const *cand)
{
	const char *best = NULL;
	int bestd, limit = (int)strlen(word) / 3;

	if (limit < 1)
		limit = 1;
	bestd = limit + 1;
	for (; *cand != NULL; cand++) {
		int d = distance(word, *cand);

		if (d < bestd) {
			bestd = d;
			best = *cand;
		}
	}
	return best;
}

/* The option that getopt_long refused: "--name" (without "=value") or
 * "-c", into buf. */
static void
bad_option(int argc, char *const *argv, const struct option *lo, char *buf,
    size_t n)
{
	const char *a = optind - 1 >= 1 && optind - 1 < argc ?
	    argv[optind - 1] : "";

	if (!strncmp(a, "--", 2)) {
		size_t k = strcspn(a + 2, "=");
		/* A long option, unless a short one in a later cluster. */
		int i, islong = optopt == 0 || optopt >= 256;

		for (i = 0; !islong && lo[i].name != NULL; i++)
			islong = lo[i].val == optopt &&
			    strlen(lo[i].name) == k &&
			    !strncmp(lo[i].name, a + 2, k);
		if (islong) {
			snprintf(buf, n, "--%.*s", (int)k, a + 2);
			return;
		}
	}
	snprintf(buf, n, "-%c", optopt);
}

int
cli_getopt(const char *prog, int argc, char *const *argv,
    const char *shortopts, const struct option *lo)
{
	const char *names[256], *near;
	char opts[128], bad[128];
	int c, i, k, nprefix = 0;

	/* --provenance's copy, before getopt_long permutes argv. */
	cli_provenance_args(argc, argv);
	merge_short = shortopts;
	merge_long = lo;
	/* A leading ':' tells a missing argument from an unknown option. */
	snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	if ((c = getopt_long(argc, argv, opts, lo, NULL)) != '?' && c != ':')
		return c;
	bad_option(argc, argv, lo, bad, sizeof(bad));
	if (c == ':')
		cli_usage_error(prog, "option \"%s\" wants an argument", bad);
	for (i = k = 0; lo[i].name != NULL && k < 255; i++) {
		if (bad[1] == '-' && !strcmp(lo[i].name, bad + 2))
			cli_usage_error(prog, "option \"%s\" takes no argument",
			    bad);
		if (bad[1] == '-' && bad[2] != '\0' && !strncmp(lo[i].name,
		    bad + 2, strlen(bad + 2)))
			nprefix++;
		names[k++] = lo[i].name;
	}
	names[k] = NULL;
	if (nprefix > 1)
		cli_usage_error(prog, "option \"%s\" is ambiguous", bad);
	if (bad[1] != '-')
		cli_usage_error(prog, "unknown option \"%s\"", bad);
	if ((near = cli_nearest(bad + 2, names)) != NULL)
		cli_usage_error(prog, "unknown option \"%s\"; did you mean "
		    "\"--%s\"?", bad, near);
	cli_usage_error(prog, "unknown option \"%s\"", bad);
}

int
cli_flush(const char *prog)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		static int told;

		if (!told) {
			int e = errno;

			told = 1;
			cli_warn(prog, "<stdout>: write error: %s",
			    e ? strerror(e) : "unknown error");
		}
		return -1;
	}
	return 0;
}

void
cli_help(const char *prog, const char *synopsis, const struct cli_help *h)
{
	int w = 0, n;

	printf("%s", synopsis);
	for (n = 0; h[n].opt != NULL; n++)
		if ((int)strlen(h[n].opt) > w)
			w = (int)strlen(h[n].opt);
	if (w > 26)
		w = 26;
	printf("\noptions:\n");
	for (; h->opt != NULL; h++) {
		if ((int)strlen(h->opt) > w)
			printf("  %s\n  %*s  %s\n", h->opt, w, "", h->text);
		else
			printf("  %-*s  %s\n", w, h->opt, h->text);
	}
	printf("\nSee %s(1) (man %s) for the details.\n", prog, prog);
	errno = 0;
	exit(cli_flush(prog) < 0 ? 2 : 0);
}

void
cli_version(const char *prog)
{
	printf("%s %s\n", prog, TWIN_VERSION);
	errno = 0;
	exit(cli_flush(prog) < 0 ? 2 : 0);
}

/* ---- --list-models ---------------------------------------------------- */

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
cli_list_models(const char *prog)
{
	char dir[4096], path[4096], **names = NULL;
	size_t n = 0, cap = 0, i;
	int d;

	for (d = 0; model_dir(d, dir, sizeof(dir)) >= 0; d++) {
		DIR *dp = opendir(dir);
		struct dirent *e;

		if (dp == NULL)
			continue;
		while ((e = readdir(dp)) != NULL) {
			size_t k = strlen(e->d_name);
			char **p;

			if (e->d_name[0] == '.' ||
			    !((k > 5 && !strcmp(e->d_name + k - 5, ".yaml")) ||
			    (k > 4 && !strcmp(e->d_name + k - 4, ".yml"))))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				if ((p = realloc(names, cap * sizeof(*p))) ==
				    NULL)
					break;
				names = p;
			}
			if ((names[n] = strndup(e->d_name, k -
			    (e->d_name[k - 4] == '.' ? 4 : 5))) != NULL)
				n++;
		}
		closedir(dp);
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		struct twin_err err;
		struct model *m;

		if (i > 0 && !strcmp(names[i], names[i - 1]))
			continue;
		if (model_find(names[i], path, sizeof(path), &err) < 0)
			continue;
		if ((m = model_load(path, &err)) == NULL) {
			printf("%s\t(does not load: %s)\t%s\n", names[i],
			    err.msg, path);
			continue;
		}
		printf("%s\t%s\t%s\n", names[i], m->description ?
		    m->description : "", path);
		model_free(m);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	errno = 0;
	exit(cli_flush(prog) < 0 ? 2 : 0);
}

/* ---- progress --------------------------------------------------------- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void
cli_progress_start(struct cli_progress *p, const char *prog, int quiet)
{
	memset(p, 0, sizeof(*p));
	p->prog = prog;
	p->on = !quiet && isatty(2);
	p->start = p->last = now();
	if (p->on)
		shown = p;
}

static long long
file_size(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-") ? fstat(0, &st) : stat(path, &st))
		return -1;
	return S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
}

void
cli_progress_input(struct cli_progress *p, const char *const *files, int nf,
    int cur, const struct rec_reader *r)
{
	long long sz;
	int i;

	if (!p->on)
		return;
	if (cur < 0) {
		p->total = 0;
		for (i = 0; i < nf; i++) {
			if ((sz = file_size(files[i])) < 0) {
				p->total = 0;
				return;
			}
			p->total += sz;
		}
		return;
	}
	p->r = r;
	for (p->base = 0, i = 0; i < cur && i < nf; i++)
		if ((sz = file_size(files[i])) > 0)
			p->base += sz;
}

static void
progress_draw(struct cli_progress *p, const char *text)
{
	fprintf(stderr, "\r%s: %s\033[K", p->prog, text);
	fflush(stderr);
	p->shown = 1;
}

void
cli_progress(struct cli_progress *p, int force, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	double t;

	if (!p->on)
		return;
	t = now();
	if (!force && t - p->last < 1.0 / CLI_PROGRESS_HZ)
		return;
	p->last = t;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	progress_draw(p, text);
}

void
cli_progress_count(struct cli_progress *p, const char *what, long done)
{
	char text[256];
	double t, el, frac = -1;
	long long off;
	int k;

	if (!p->on)
		return;
	t = now();
	if (t - p->last < 1.0 / CLI_PROGRESS_HZ)
		return;
	p->last = t;
	el = t - p->start;
	k = snprintf(text, sizeof(text), "%ld %s, %.1f/s", done, what,
	    el > 0 ? done / el : 0.0);
	if (p->total > 0 && p->r != NULL && (off = rec_offset(p->r)) >= 0)
		frac = (double)(p->base + off) / p->total;
	if (frac > 0 && frac <= 1 && k > 0 && k < (int)sizeof(text))
		snprintf(text + k, sizeof(text) - k, ", %.0f%% read, %.0f s "
		    "left", 100 * frac, el * (1 - frac) / frac);
	progress_draw(p, text);
}

void
cli_progress_end(struct cli_progress *p)
{
	if (p->on && p->shown) {
		fputc('\n', stderr);
		p->shown = 0;
	}
	if (shown == p)
		shown = NULL;
}
