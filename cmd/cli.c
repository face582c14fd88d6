#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "cli.h"
#include "record.h"
#include "num.h"

void
cli_warn(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

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
	if (!strcmp(arg, "auto"))
		return ODE_AUTO;
	if (!strcmp(arg, "bdf"))
		return ODE_BDF;
	if (!strcmp(arg, "exact"))
		return ODE_EXACT;
	cli_usage_error(prog, "--solver must be auto, bdf or exact, got \"%s\"",
	    arg);
}

struct model *
cli_model(const char *prog, const char *name)
{
	struct twin_err err;
	struct model *m;
	char path[4096];

	if (model_find(name, path, sizeof(path), &err) < 0 ||
	    (m = model_load(path, &err)) == NULL) {
		cli_warn(prog, "%s", err.msg);
		return NULL;
	}
	return m;
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
