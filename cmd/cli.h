/*
 * cli.h - what every twin program does the same way: messages on stderr
 * as "prog: message", numeric option arguments, usage errors (exit 1).
 */
#ifndef TWIN_CLI_H
#define TWIN_CLI_H

#include "model.h"
#include "ode.h"

void cli_warn(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_usage_error(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
int cli_int(const char *prog, const char *opt, const char *arg, int lo,
    int hi);
double cli_double(const char *prog, const char *opt, const char *arg);

/* A time of day HH:MM as hours; a usage error otherwise. */
double cli_clock(const char *prog, const char *opt, const char *arg);

/* --solver auto|bdf|exact; a usage error otherwise. */
enum ode_method cli_solver(const char *prog, const char *arg);

/*
 * Call fn(ctx, workers[k], i) for every i in [0, n): on nworker threads,
 * each taking the next i while there is one (worker k only ever in
 * thread k), or in this thread when nworker or n is 1.  Returns -1 when
 * no thread could be started (after doing nothing).
 */
int cli_parallel(int n, int nworker, void *const *workers, void *ctx,
    void (*fn)(void *ctx, void *worker, int i));

struct rec_reader;
/* The input columns of r as one line, malloc'ed; NULL if out of memory. */
char *cli_columns(const struct rec_reader *r);

/* Find a model by name or path and load it; NULL after printing why. */
struct model *cli_model(const char *prog, const char *name);

#endif
