/*
 * cli.h - what every twin program does the same way: messages on stderr
 * as "prog: message", numeric option arguments, usage errors (exit 1),
 * --help and --version, "did you mean" for mistyped options and verbs,
 * progress on a terminal, --list-models.
 */
#ifndef TWIN_CLI_H
#define TWIN_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "model/model.h"
#include "solve/ode.h"

/* Progress is redrawn at most this many times a second. */
#define CLI_PROGRESS_HZ	4

void cli_warn(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_usage_error(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
int cli_int(const char *prog, const char *opt, const char *arg, int lo,
    int hi);
double cli_double(const char *prog, const char *opt, const char *arg);

/* A time of day HH:MM as hours; a usage error otherwise. */
double cli_clock(const char *prog, const char *opt, const char *arg);

/*
 * The options that several programs share, handled in one place.  Their
 * codes lie above any program's own; a program lists in its getopt table
 * those it takes (CLI_OPT_...) and points the fields of struct cli_common
 * at its own variables (NULL for options it does not take; a NULL flag
 * is also an option taken and ignored, as twin-report's --quiet is,
 * having nothing slow to show).  cli_common
 * handles c when it is -V or one of these and returns 1; 0 otherwise.
 */
enum {
	CLI_O_ATOL = 1000, CLI_O_IGNORE, CLI_O_KEEP, CLI_O_LIST, CLI_O_QUIET,
	CLI_O_RTOL, CLI_O_SHARD, CLI_O_SOLVER, CLI_O_STRICT, CLI_O_PROVENANCE,
	CLI_O_MERGE, CLI_O_PARTIAL, CLI_O_DESCRIBE, CLI_O_DIGITS, CLI_O_PRETTY
};
#define CLI_OPT_DESCRIBE { "describe", optional_argument, NULL, \
	CLI_O_DESCRIBE }
#define CLI_OPT_DIGITS	{ "digits", required_argument, NULL, CLI_O_DIGITS }
#define CLI_OPT_PRETTY	{ "pretty", no_argument, NULL, CLI_O_PRETTY }
#define CLI_OPT_ATOL	{ "atol", required_argument, NULL, CLI_O_ATOL }
#define CLI_OPT_IGNORE	{ "ignore", required_argument, NULL, CLI_O_IGNORE }
#define CLI_OPT_KEEP	{ "keep-going", no_argument, NULL, CLI_O_KEEP }
#define CLI_OPT_LIST	{ "list-models", no_argument, NULL, CLI_O_LIST }
#define CLI_OPT_PROVENANCE { "provenance", no_argument, NULL, \
	CLI_O_PROVENANCE }
#define CLI_OPT_MERGE	{ "merge", no_argument, NULL, CLI_O_MERGE }
#define CLI_OPT_PARTIAL	{ "partial", no_argument, NULL, CLI_O_PARTIAL }
#define CLI_OPT_QUIET	{ "quiet", no_argument, NULL, CLI_O_QUIET }
#define CLI_OPT_RTOL	{ "rtol", required_argument, NULL, CLI_O_RTOL }
#define CLI_OPT_SHARD	{ "shard", required_argument, NULL, CLI_O_SHARD }
#define CLI_OPT_SOLVER	{ "solver", required_argument, NULL, CLI_O_SOLVER }
#define CLI_OPT_STRICT	{ "strict", no_argument, NULL, CLI_O_STRICT }
/* Their lines in --help (struct cli_help, below), one wording for all. */
#define CLI_HELP_ATOL	{ "--atol x", "absolute tolerance of the integrators" }
#define CLI_HELP_MERGE	{ "--merge", \
	"the files are shards' outputs: merge them (twin(7))" }
#define CLI_HELP_DESCRIBE { "--describe[=tsv]", \
	"describe the model (-m) and exit" }
#define CLI_HELP_DIGITS	{ "--digits n", \
	"numbers to n significant digits (display)" }
#define CLI_HELP_PRETTY	{ "--pretty", \
	"aligned tables for a terminal, units in the header" }
#define CLI_HELP_PROVENANCE { "--provenance", \
	"begin the output with # lines saying what made it" }
#define CLI_HELP_RTOL	{ "--rtol x", "relative tolerance of the integrators" }
#define CLI_HELP_SHARD	{ "--shard k/n", \
	"only the IDs of shard k of n (twin(7), Large cohorts)" }
#define CLI_HELP_SOLVER	{ "--solver name", \
	"integrator: auto, exact, rk, bdf or adams" }

struct cli_common {
	int *keepgoing, *quiet, *strict;
	enum ode_method *method;
	double *rtol, *atol;
};

int cli_common(const char *prog, int c, const char *arg,
    const struct cli_common *co);

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
struct twin_err;
struct shard;
/*
 * --shard K/N (CLI_OPT_SHARD; cli_common parses it, a usage error when
 * bad): every reader cli_rec_open opens returns only the individuals of
 * that shard (rec_set_shard; the rule is util/shard.h's).  cli_shard is
 * the shard given, or NULL without --shard: for a program to refuse it
 * where it would change a result (a cohort summary) and for twin-pop,
 * which reads no records, to keep the people of the shard.
 */
const struct shard *cli_shard(void);
/* With --shard, a usage error: what (e.g. "plot") summarises the whole
 * cohort and cannot be merged from shards; how (NULL or text) says what
 * to do instead.  Nothing without --shard. */
void cli_shard_refuse(const char *prog, const char *what, const char *how);

/*
 * --merge (CLI_OPT_MERGE): the files are the outputs of the shards of one
 * run, each made with --provenance, and the program combines them into
 * the output the run would have made without --shard (twin(7), Large
 * cohorts).  cli_merge_add checks one file's leading "#" lines
 * (comments) against the merge's own command and the files before it;
 * cli_merge_end checks that no shard is missing.  Each returns 0, or -1
 * with "FILE: what is wrong" in err (TWIN_EINPUT; TWIN_ENOMEM) when:
 *   - the file has no provenance lines (a file whose history has no
 *     shard line is shard 1/1);
 *   - its history differs from the first file's: another tool version,
 *     model (name or content hash) or seed anywhere in the pipeline
 *     (prov_read's ident);
 *   - it was made with other settings than the merge gives: the first
 *     lead words (twin-report's verb and target) and every option but
 *     -o, -z, -j, --quiet, --shard, --partial, --provenance and --merge,
 *     in any order; file operands are not compared;
 *   - its shard has another N, or came before (a shard given twice).
 * The state is the caller's, zeroed before the first file and freed by
 * cli_merge_free.
 */
struct cli_merge {
	char *ident, *first, *settings;
	long n, *k;
	int nk;
};
int cli_merge_add(struct cli_merge *m, const char *path,
    const char *comments, int lead, struct twin_err *err);
int cli_merge_end(struct cli_merge *m, struct twin_err *err);
void cli_merge_free(struct cli_merge *m);
/* With --shard and pretty, a usage error: --pretty aligns the columns
 * over the whole table, which no shard sees.  Nothing otherwise. */
void cli_shard_pretty(const char *prog, int pretty);
/*
 * --ignore RULE (every program): which records NM-TRAN-style comment
 * rules drop (twin-records(5)); cli_set_ignore checks the rule (a usage
 * error otherwise) and cli_rec_open opens a record file with it.
 */
void cli_set_ignore(const char *prog, const char *rule);
struct rec_reader *cli_rec_open(const char *path, struct twin_err *err);

/* The input columns of r as one line, malloc'ed; NULL if out of memory. */
char *cli_columns(const struct rec_reader *r);

struct rec_writer;
/*
 * --provenance (CLI_OPT_PROVENANCE; cli_common notes it): write to w the
 * "#" lines of util/provenance.h that say what made the output: prog,
 * the toolkit's version, the model m (NULL: none) and its hash, *seed
 * (NULL: none), the shard (--shard), the arguments cli_getopt was first
 * given, and the leading "#" lines of the first input cli_rec_open
 * opened, if any.  Call it once, before the output's header and after
 * the first input is open.  Without --provenance it writes nothing.
 * Returns 0, or -1 with err set (out of memory, a write error).
 */
int cli_provenance(const char *prog, struct rec_writer *w,
    const struct model *m, const unsigned long *seed,
    struct twin_err *err);
/* The arguments --provenance reports: argv[1, argc), as main got them
 * (a copy of the pointers).  The first call counts; cli_getopt makes it
 * itself, so only a program that passes cli_getopt fewer (twin-report,
 * after its verb) calls it first. */
void cli_provenance_args(int argc, char *const *argv);

/* Find a model by name or path and load it; NULL after printing why. */
struct model *cli_model(const char *prog, const char *name);

/*
 * --describe[=text|tsv] (CLI_OPT_DESCRIBE; cli_common notes it): call
 * after the options are read, with the -m argument (NULL: none given).
 * Without --describe nothing; with it, the model is found and loaded as
 * cli_model does, described on stdout (model/describe.h) and the program
 * exits: 0, 1 without -m, 2 when the model does not load or stdout
 * cannot be written.  Nothing is read from the input.
 */
void cli_describe(const char *prog, const char *model);

/*
 * --digits N and --pretty (CLI_OPT_DIGITS, CLI_OPT_PRETTY; cli_common
 * notes them): how numbers look in the tables a program writes
 * (data/table.h, struct table_fmt).  Without them the output is the
 * exact stream.  cli_table_fmt fills f with them and the model's units
 * (m NULL: none) and, with --pretty and --shard together, is a usage
 * error (cli_shard_pretty).
 */
struct table_fmt;
void cli_table_fmt(const char *prog, struct table_fmt *f,
    const struct model *m);
/* --pretty given, and --digits' N (0 without it): for programs with a
 * table of their own. */
int cli_pretty(void);
int cli_digits(void);
/* The writer reformats what it is given (rec_wformat) as cli_table_fmt
 * says; nothing without --digits and --pretty. */
void cli_wformat(const char *prog, struct rec_writer *w,
    const struct model *m);

/*
 * getopt_long with the toolkit's messages: an unknown option gets a "did
 * you mean" from the long options lo, a missing or unwanted argument
 * names the option; each is a usage error (exit 1).  Never returns '?'.
 */
int cli_getopt(const char *prog, int argc, char *const *argv,
    const char *shortopts, const struct option *lo);

/* The candidate nearest to word (edit distance, at most a third of its
 * length, at least 1) or NULL; cand ends with a NULL. */
const char *cli_nearest(const char *word, const char *const *cand);

/* One line of --help: the option as written and what it does. */
struct cli_help {
	const char *opt, *text;
};

/*
 * --help: the synopsis, one line per option (h ends with { NULL, NULL })
 * and a pointer to the manual page prog(1).  --version: "prog VERSION".
 * Both exit 0, or 2 after one message when stdout cannot be written.
 */
void cli_help(const char *prog, const char *synopsis,
    const struct cli_help *h) __attribute__((noreturn));
void cli_version(const char *prog) __attribute__((noreturn));

/* Flush stdout; on a write error say so once and return -1. */
int cli_flush(const char *prog);

/* --list-models: every model found by name (model_find's places, in its
 * order; a name shadowed by an earlier one is left out), one a line:
 * name, description and path, tab-separated, on stdout; exits 0, or 2 if stdout cannot be written. */
void cli_list_models(const char *prog) __attribute__((noreturn));

/*
 * Progress on stderr while stderr is a terminal and quiet is 0; nothing
 * otherwise.  cli_progress redraws the line "prog: text", at most
 * CLI_PROGRESS_HZ times a second unless force; cli_progress_count shows
 * "N what, R/s" and, when the inputs are files of known size
 * (cli_progress_input), the share read and the time left.  cli_progress_end ends the line.
 * Messages by cli_warn start on a line of their own.
 */
struct cli_progress {
	const char *prog;
	int on, shown;
	double start, last;
	const struct rec_reader *r;	/* the input being read, or NULL */
	long long base, total;	/* bytes before r's file; of all, 0 unknown */
};
void cli_progress_start(struct cli_progress *p, const char *prog, int quiet);
/* The inputs (files[0, nf), "-" stdin), for the share read: call with
 * cur -1 once to size them, then with cur and its reader at each file. */
void cli_progress_input(struct cli_progress *p, const char *const *files,
    int nf, int cur, const struct rec_reader *r);
void cli_progress(struct cli_progress *p, int force, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cli_progress_count(struct cli_progress *p, const char *what,
    long done);
void cli_progress_end(struct cli_progress *p);

#endif
