/*
 * twin-dose - write dosing regimens into a record stream, or choose for
 * each individual (or a cohort) the regimen that reaches a target.
 */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "estim/dose.h"
#include "model/model.h"
#include "util/tsv.h"
#include "util/num.h"
#include "data/record.h"
#include "data/regimen.h"
#include "solve/sim.h"
#include "data/table.h"
#include "report/target.h"
#include "util/units.h"

#define PROG "twin-dose"
#define MAXLIST 256
#define MAXPLAN 100000
#define MAXTHREAD 64


struct opts {
	const char *model, *outpath, *regimen_text, *target_text, *y;
	const char *route;
	const char *replace;	/* --replace: the route whose doses go */
	char vary[64];		/* --vary NAME=LIST: the column, "" none */
	double value[MAXLIST];
	int nvalue;
	double from_h, clock0;
	double amt[MAXLIST];
	int namt, continuous;
	double amt_lo, amt_hi;
	double ii_h[MAXLIST];
	int nii;
	double dur_h[MAXLIST];
	int ndur;
	double load[MAXLIST];
	int nload;
	double clock[DOSE_MAXCLOCK];
	int nclock;
	double w0_h, w1_h;
	int window;
	double no_below;
	int no_below_none;	/* --no-below none: no safety bound */
	enum dose_prefer prefer;
	int cohort, table, gz, nstep, ndoses, days, pretty, nthread;
	int merge;		/* --merge: the files are --cohort shards */
	int keepgoing, quiet, strict;
	double until_h;		/* write doses before this time; 0: a week */
	double level;
};

/* The columns a dose record needs, appended when the input lacks them. */
static const char *const dose_cols[] = { "EVID", "AMT", "RATE", "CMT", "II",
    "ADDL" };
#define NDOSECOL (int)(sizeof(dose_cols) / sizeof(dose_cols[0]))

struct out {
	struct outbuf ob;
	struct rec_writer *w;
	int ncol;		/* input columns */
	int add[NDOSECOL];	/* appended (1) or present in input (0) */
	int col[NDOSECOL];	/* input column of each, or -1 */
	int c_time, c_mdv, c_dv, c_ss, c_blq, c_lloq;
	int c_vary;		/* --vary's column, -1: appended (or none) */
	int add_vary;		/* append it */
	const char *vary;
};

static struct cli_progress progress;

static void
usage(void)
{
	static const struct cli_help h[] = {
		{ "-h, --help", "print this help and exit" },
		{ "-V, --version", "print the version and exit" },
		{ "-j threads", "choose for this many individuals at a time" },
		{ "-m, --model model", "the model: a name or a file (required)" },
		{ "-o file", "write to file (renamed into place when complete)" },
		{ "-y output", "the model output the target is about" },
		{ "-z", "compress the output with gzip" },
		{ "--amounts list|a..b[/step]", "amounts per dose to try" },
		{ "--at hh:mm,...", "give the doses at these times of day" },
		{ "--clock hh:mm", "the time of day at TIME 0" },
		{ "--cohort", "the share of the cohort each candidate suits" },
		{ "--day n", "score over day n after --from" },
		{ "--days n", "write n days of clock-time doses" },
		CLI_HELP_DESCRIBE,
		CLI_HELP_DIGITS,
		{ "--doses n", "write n doses of the chosen regimen" },
		{ "--from t", "when the regimen starts (default 0)" },
		{ "--ignore rule", "drop records by this comment rule (C, @, none)" },
		{ "--intervals list", "dosing intervals to try" },
		{ "--keep-going", "leave out an individual that fails, go on" },
		{ "--level p", "with --cohort: the share to reach" },
		CLI_HELP_MERGE,
		{ "--list-models", "list the models installed and exit" },
		{ "--load list", "loading doses to try" },
		{ "--no-below x|none", "refuse a curve going below x" },
		{ "--over list", "infusion durations to try (0 a bolus)" },
		{ "--prefer rule", "lowest-dose, fewest-doses or closest" },
		CLI_HELP_PRETTY,
		CLI_HELP_PROVENANCE,
		{ "--quiet", "no progress on the terminal" },
		{ "--regimen text", "add this regimen to every individual" },
		{ "--replace route", "drop the records' own doses by this route" },
		{ "--route r", "the route of the doses" },
		CLI_HELP_SHARD,
		{ "--step n", "grid intervals over the scored span" },
		{ "--strict", "refuse data that lack a covariate or misname a column" },
		{ "--table", "one row per individual: the regimen chosen" },
		{ "--target text", "choose the regimen that reaches the target" },
		{ "--until t", "write the doses before this time" },
		{ "--vary name=list", "try these values of a record column" },
		{ "--window a,b", "score over this window of time" },
		{ NULL, NULL }
	};

	cli_help("twin-dose",
	    "usage: twin-dose -m model --regimen text [--clock hh:mm] "
	    "[--from t] [file ...]\n"
	    "       twin-dose -m model --target text --vary name=list|a..b/step\n"
	    "                 [--regimen text] [--replace route] (--day n | "
	    "--window a,b) ...\n"
	    "       twin-dose -m model --target text --amounts list|a..b[/step]\n"
	    "                 [--intervals list | --at hh:mm,...] [--over list] "
	    "[--load list]\n"
	    "                 [--route r] [-y output] [--from t] [--day n | "
	    "--window a,b]\n"
	    "                 [--no-below x] [--prefer lowest-dose|fewest-doses|"
	    "closest]\n"
	    "                 [--doses n | --until t] [--days n] [--table | --cohort "
	    "[--level p]] [file ...]\n"
	    "       twin-dose ... --cohort --merge file ...\n"
	    "options: [-hVz] [-j threads] [-o file] [--describe[=tsv]] "
	    "[--digits n]\n"
	    "         [--ignore rule] [--keep-going] [--list-models] [--pretty]\n"
	    "         [--provenance] [--quiet] [--shard k/n] [--step n] "
	    "[--strict]\n"
	    "times are in hours unless a unit is given: 30min, 36h, 2d\n", h);
}

/* What sim_cols_check reports, as a warning. */
static void
col_warning(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn(PROG, "warning: %s", msg);
}

/* A time in hours: a number with an optional unit (min, h, d, w). */
static double
hours_arg(const char *opt, const char *arg)
{
	const struct time_unit *u = NULL;
	const char *num = arg;
	size_t n = strlen(arg), k = n;
	char buf[64];
	double x;

	while (k > 0 && isalpha((unsigned char)arg[k - 1]))
		k--;
	if (k < n && k < sizeof(buf) &&
	    (u = time_unit_find(arg + k, n - k, 1)) != NULL) {
		memcpy(buf, arg, k);
		buf[k] = '\0';
		num = buf;
	}
	if (twin_strtod(num, &x) < 0)
		cli_usage_error(PROG, "%s wants a time such as 12, 12h, 30min "
		    "or 2d, got \"%s\"", opt, arg);
	return u != NULL ? x * u->s / 3600 : x;
}

/* "a,b,c" of times or numbers. */
static int
list_arg(const char *opt, const char *arg, double *out, int max, int time)
{
	char buf[1024], *p;
	int n = 0;

	if (strlen(arg) >= sizeof(buf))
		cli_usage_error(PROG, "%s: too long", opt);
	strcpy(buf, arg);
	for (p = strtok(buf, ","); p != NULL; p = strtok(NULL, ",")) {
		if (n == max)
			cli_usage_error(PROG, "%s: at most %d values", opt, max);
		if (time)
			out[n] = hours_arg(opt, p);
		else if (twin_strtod(p, &out[n]) < 0)
			cli_usage_error(PROG, "%s wants numbers, got \"%s\"",
			    opt, p);
		n++;
	}
	if (n == 0)
		cli_usage_error(PROG, "%s: no values", opt);
	return n;
}

/* Amounts: a list, a..b/step (each step), or a..b (any amount: *lo and
 * *hi set, returns 0). */
static int
amounts_arg(const char *opt, const char *arg, double *out, double *lo,
    double *hi)
{
	const char *dots = strstr(arg, "..");
	char a[64], b[64];
	double step = 0;
	int n;

	if (dots == NULL) {
		int k;

		n = list_arg(opt, arg, out, MAXLIST, 0);
		for (k = 0; k < n; k++)
			if (!(out[k] >= 0))
				cli_usage_error(PROG, "%s: an amount must not "
				    "be negative", opt);
		return n;
	}
	if ((size_t)(dots - arg) >= sizeof(a) || strlen(dots + 2) >= sizeof(b))
		cli_usage_error(PROG, "%s: too long", opt);
	memcpy(a, arg, dots - arg);
	a[dots - arg] = '\0';
	strcpy(b, dots + 2);
	if (strchr(b, '/') != NULL) {
		char *slash = strchr(b, '/');

		*slash = '\0';
		if (twin_strtod(slash + 1, &step) < 0 || !(step > 0))
			cli_usage_error(PROG, "%s: the step must be a positive "
			    "number, got \"%s\"", opt, slash + 1);
	}
	if (twin_strtod(a, lo) < 0 || twin_strtod(b, hi) < 0 || *lo < 0 ||
	    !(*lo < *hi))
		cli_usage_error(PROG, "%s wants LOW..HIGH[/STEP] with 0 <= LOW "
		    "< HIGH, or a list, got \"%s\"", opt, arg);
	if (step == 0)
		return 0;
	for (n = 0; *lo + n * step <= *hi * (1 + 1e-12); n++) {
		if (n == MAXLIST)
			cli_usage_error(PROG, "%s: more than %d amounts", opt,
			    MAXLIST);
		out[n] = *lo + n * step;
	}
	return n;
}

enum {
	O_AMOUNTS = 256, O_AT, O_CLOCK, O_COHORT, O_DAY, O_DAYS, O_DOSES,
	O_FROM, O_LEVEL, O_LOAD, O_NOBELOW, O_OVER, O_PREFER,
	O_REGIMEN, O_ROUTE, O_STEP, O_TABLE, O_TARGET, O_WINDOW, O_INTERVALS,
	O_UNTIL, O_VARY, O_REPLACE
};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const struct cli_common co = { &o->keepgoing, &o->quiet, &o->strict, NULL, NULL,
	    NULL };
	static const struct option lo[] = {
		{ "amounts", required_argument, NULL, O_AMOUNTS },
		{ "at", required_argument, NULL, O_AT },
		{ "clock", required_argument, NULL, O_CLOCK },
		{ "cohort", no_argument, NULL, O_COHORT },
		CLI_OPT_MERGE,
		{ "day", required_argument, NULL, O_DAY },
		{ "days", required_argument, NULL, O_DAYS },
		CLI_OPT_DESCRIBE,
		CLI_OPT_DIGITS,
		{ "doses", required_argument, NULL, O_DOSES },
		{ "from", required_argument, NULL, O_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "intervals", required_argument, NULL, O_INTERVALS },
		CLI_OPT_KEEP,
		{ "level", required_argument, NULL, O_LEVEL },
		CLI_OPT_LIST,
		{ "load", required_argument, NULL, O_LOAD },
		{ "model", required_argument, NULL, 'm' },
		{ "no-below", required_argument, NULL, O_NOBELOW },
		{ "over", required_argument, NULL, O_OVER },
		{ "prefer", required_argument, NULL, O_PREFER },
		CLI_OPT_PRETTY,
		CLI_OPT_QUIET,
		CLI_OPT_IGNORE,
		{ "regimen", required_argument, NULL, O_REGIMEN },
		{ "replace", required_argument, NULL, O_REPLACE },
		{ "route", required_argument, NULL, O_ROUTE },
		CLI_OPT_PROVENANCE,
		CLI_OPT_SHARD,
		{ "step", required_argument, NULL, O_STEP },
		CLI_OPT_STRICT,
		{ "table", no_argument, NULL, O_TABLE },
		{ "target", required_argument, NULL, O_TARGET },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "vary", required_argument, NULL, O_VARY },
		{ "version", no_argument, NULL, 'V' },
		{ "window", required_argument, NULL, O_WINDOW },
		{ NULL, 0, NULL, 0 }
	};
	double w[2];
	char buf[256];
	int c, k;

	memset(o, 0, sizeof(*o));
	o->no_below = NAN;
	o->level = 0.95;
	o->nthread = 1;
	while ((c = cli_getopt(PROG, argc, argv, "hVj:m:o:y:z", lo)) != -1) {
		switch (c) {
		case 'h':
			usage();
			break;
		case 'j':
			o->nthread = cli_int(PROG, "-j", optarg, 1, MAXTHREAD);
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'o':
			o->outpath = optarg;
			break;
		case 'y':
			o->y = optarg;
			break;
		case 'z':
			o->gz = 1;
			break;
		case O_AMOUNTS:
			o->namt = amounts_arg("--amounts", optarg, o->amt,
			    &o->amt_lo, &o->amt_hi);
			o->continuous = o->namt == 0;
			break;
		case O_AT:
			if (strlen(optarg) >= sizeof(buf))
				cli_usage_error(PROG, "--at: too long");
			strcpy(buf, optarg);
			o->nclock = 0;
			for (char *p = strtok(buf, ","); p != NULL;
			    p = strtok(NULL, ",")) {
				if (o->nclock == DOSE_MAXCLOCK)
					cli_usage_error(PROG, "--at: at most %d "
					    "times", DOSE_MAXCLOCK);
				o->clock[o->nclock++] = cli_clock(PROG, "--at", p);
			}
			break;
		case O_CLOCK:
			o->clock0 = cli_clock(PROG, "--clock", optarg);
			break;
		case O_COHORT:
			o->cohort = 1;
			break;
		case CLI_O_MERGE:
			o->merge = 1;
			break;
		case O_DAY:
			k = cli_int(PROG, "--day", optarg, 1, 100000);
			o->w0_h = 24.0 * (k - 1);
			o->w1_h = 24.0 * k;
			o->window = 1;
			break;
		case O_DAYS:
			o->days = cli_int(PROG, "--days", optarg, 1, 100000);
			break;
		case O_UNTIL:
			o->until_h = hours_arg("--until", optarg);
			break;
		case O_DOSES:
			o->ndoses = cli_int(PROG, "--doses", optarg, 1,
			    10000000);
			break;
		case O_FROM:
			o->from_h = hours_arg("--from", optarg);
			break;
		case O_INTERVALS:
			o->nii = list_arg("--intervals", optarg, o->ii_h,
			    MAXLIST, 1);
			for (k = 0; k < o->nii; k++)
				if (!(o->ii_h[k] > 0))
					cli_usage_error(PROG, "--intervals must "
					    "be positive");
			break;
		case O_LEVEL:
			o->level = cli_double(PROG, "--level", optarg);
			if (!(o->level > 0 && o->level < 1))
				cli_usage_error(PROG, "--level must be between "
				    "0 and 1");
			break;
		case O_LOAD:
			if ((o->nload = amounts_arg("--load", optarg, o->load,
			    &w[0], &w[1])) == 0)
				cli_usage_error(PROG, "--load wants a list or "
				    "LOW..HIGH/STEP");
			break;
		case O_NOBELOW:
			o->no_below_none = !strcmp(optarg, "none");
			if (!o->no_below_none)
				o->no_below = cli_double(PROG, "--no-below",
				    optarg);
			break;
		case O_OVER:
			o->ndur = list_arg("--over", optarg, o->dur_h, MAXLIST,
			    1);
			for (k = 0; k < o->ndur; k++)
				if (!(o->dur_h[k] >= 0))
					cli_usage_error(PROG, "--over: a duration "
					    "must not be negative");
			break;
		case O_PREFER:
			if (!strcmp(optarg, "lowest-dose") ||
			    !strcmp(optarg, "lowest total dose"))
				o->prefer = DOSE_LOWEST;
			else if (!strcmp(optarg, "fewest-doses") ||
			    !strcmp(optarg, "fewest doses"))
				o->prefer = DOSE_FEWEST;
			else if (!strcmp(optarg, "closest"))
				o->prefer = DOSE_CLOSEST;
			else
				cli_usage_error(PROG, "--prefer must be "
				    "lowest-dose, fewest-doses or closest, got "
				    "\"%s\"", optarg);
			break;
		case O_REGIMEN:
			o->regimen_text = optarg;
			break;
		case O_ROUTE:
			o->route = optarg;
			break;
		case O_REPLACE:
			o->replace = optarg;
			break;
		case O_VARY: {
			const char *eq = strchr(optarg, '=');

			if (eq == NULL || eq == optarg ||
			    (size_t)(eq - optarg) >= sizeof(o->vary))
				cli_usage_error(PROG, "--vary wants NAME=LIST, "
				    "e.g. CR=5..30/1, got \"%s\"", optarg);
			memcpy(o->vary, optarg, eq - optarg);
			o->vary[eq - optarg] = '\0';
			if ((o->nvalue = amounts_arg("--vary", eq + 1, o->value,
			    &w[0], &w[1])) == 0)
				cli_usage_error(PROG, "--vary wants a list or "
				    "LOW..HIGH/STEP of values, got \"%s\"",
				    eq + 1);
			break;
		}
		case O_STEP:
			o->nstep = cli_int(PROG, "--step", optarg, 10, 1000000);
			break;
		case O_TABLE:
			o->table = 1;
			break;
		case O_TARGET:
			o->target_text = optarg;
			break;
		case O_WINDOW:
			if (strlen(optarg) >= sizeof(buf) ||
			    strchr(optarg, ',') == NULL)
				cli_usage_error(PROG, "--window wants FROM,TO "
				    "after --from, e.g. 0,24h");
			strcpy(buf, optarg);
			*strchr(buf, ',') = '\0';
			w[0] = hours_arg("--window", buf);
			w[1] = hours_arg("--window", strchr(optarg, ',') + 1);
			if (!(w[0] >= 0 && w[0] < w[1]))
				cli_usage_error(PROG, "--window: FROM must be "
				    ">= 0 and before TO");
			o->w0_h = w[0];
			o->w1_h = w[1];
			o->window = 1;
			break;
		default:
			if (!cli_common(PROG, c, optarg, &co))
				exit(1);
		}
	}
	cli_describe(PROG, o->model);
	o->pretty = cli_pretty();
	if (o->model == NULL)
		cli_usage_error(PROG, "no model given (-m MODEL)");
	if (o->merge && !o->cohort)
		cli_usage_error(PROG, "--merge: only --cohort tables merge");
	if (o->merge && cli_shard() != NULL)
		cli_usage_error(PROG, "--merge: give the shards' outputs as "
		    "files, without --shard");
	cli_shard_pretty(PROG, o->pretty);
	if (o->regimen_text == NULL && o->target_text == NULL)
		cli_usage_error(PROG, "give either --regimen or --target");
	if (o->vary[0] && o->target_text == NULL)
		cli_usage_error(PROG, "--vary needs --target");
	if (o->regimen_text != NULL && o->target_text != NULL &&
	    !o->vary[0])
		cli_usage_error(PROG, "--regimen with --target needs --vary "
		    "(the regimen's column to try)");
	if (o->target_text == NULL)
		return;
	if (o->vary[0]) {
		if (o->namt > 0 || o->continuous || o->nii > 0 ||
		    o->nclock > 0 || o->ndur > 0 || o->nload > 0)
			cli_usage_error(PROG, "--vary tries values of a column: "
			    "give it without --amounts, --intervals, --at, "
			    "--over and --load");
		if (!o->window)
			cli_usage_error(PROG, "--vary needs --day or --window "
			    "to score over");
		if (o->prefer == DOSE_FEWEST)
			cli_usage_error(PROG, "--vary: fewest-doses has no "
			    "meaning for a column's values (use lowest-dose "
			    "or closest)");
		if (o->cohort && o->table)
			cli_usage_error(PROG, "give --cohort or --table, not "
			    "both");
		return;
	}
	if (o->namt == 0 && !o->continuous)
		cli_usage_error(PROG, "--target needs --amounts");
	if (o->nii > 0 && o->nclock > 0)
		cli_usage_error(PROG, "give --intervals or --at, not both");
	if (o->nii == 0 && o->nclock == 0)
		cli_usage_error(PROG, "--target needs --intervals (e.g. "
		    "8,12,24) or --at (clock times)");
	if (o->nclock > 0 && !o->window) {
		o->w0_h = 0;
		o->w1_h = 24.0 * (o->days > 0 ? o->days : 1);
		o->window = 1;
	}
	if (o->nload > 0 && !o->window)
		cli_usage_error(PROG, "--load needs --day or --window: at "
		    "steady state a loading dose has no effect");
	if (o->cohort && o->table)
		cli_usage_error(PROG, "give --cohort or --table, not both");
	if (o->continuous && o->cohort)
		cli_usage_error(PROG, "--cohort needs a list of amounts or "
		    "LOW..HIGH/STEP");
	if (o->nclock > 0 && o->ndur == 0) {
		o->dur_h[0] = 0;
		o->ndur = 1;
	}
	for (k = 0; k < o->ndur && o->nii > 0; k++) {
		int j;

		for (j = 0; j < o->nii; j++)
			if (o->dur_h[k] > o->ii_h[j])
				cli_usage_error(PROG, "an infusion over %g h is "
				    "longer than the %g h interval", o->dur_h[k],
				    o->ii_h[j]);
	}
}

/* ---- output records ---------------------------------------------------- */

static int
out_init(struct out *u, const struct rec_reader *r)
{
	int k;

	u->ncol = rec_ncol(r);
	for (k = 0; k < NDOSECOL; k++) {
		u->col[k] = rec_col(r, dose_cols[k]);
		u->add[k] = u->col[k] < 0;
	}
	u->c_time = rec_col(r, "TIME");
	u->c_mdv = rec_col(r, "MDV");
	u->c_dv = rec_col(r, "DV");
	u->c_ss = rec_col(r, "SS");
	u->c_blq = rec_col(r, "BLQ");
	u->c_lloq = rec_col(r, "LLOQ");
	u->c_vary = u->vary != NULL ? rec_col(r, u->vary) : -1;
	u->add_vary = u->vary != NULL && u->c_vary < 0;
	return 0;
}

static void
out_header(const struct out *u, const struct rec_reader *r,
    struct outbuf *ob)
{
	int k;

	for (k = 0; k < u->ncol; k++) {
		if (k)
			ob_putc(ob, '\t');
		ob_puts(ob, rec_colname(r, k));
	}
	for (k = 0; k < NDOSECOL; k++)
		if (u->add[k]) {
			ob_putc(ob, '\t');
			ob_puts(ob, dose_cols[k]);
		}
	if (u->add_vary) {
		ob_putc(ob, '\t');
		ob_puts(ob, u->vary);
	}
	ob_putc(ob, '\n');
}

/* A record; with --vary, its column set to vval. */
static void
out_row(const struct out *u, const struct rec_row *row, const char *vval,
    struct outbuf *ob)
{
	int k;

	for (k = 0; k < u->ncol; k++) {
		if (k)
			ob_putc(ob, '\t');
		ob_puts(ob, k == u->c_vary && vval ? vval : row->field[k]);
	}
	for (k = 0; k < NDOSECOL; k++)
		if (u->add[k])
			ob_puts(ob, "\t.");
	if (u->add_vary) {
		ob_putc(ob, '\t');
		ob_puts(ob, vval ? vval : ".");
	}
	ob_putc(ob, '\n');
}

/* A dose record: covariates from row (the record in force), the dose
 * columns from d. */
static void
out_dose(const struct out *u, const struct rec_row *row,
    const struct model *m, const struct reg_dose *d, const char *vval,
    struct outbuf *ob)
{
	char num[6][TWIN_NUMBUF];
	const char *val[NDOSECOL];
	int k, j;

	twin_dtoa(d->amt, num[0]);
	twin_dtoa(d->rate, num[1]);
	twin_dtoa(d->ii, num[2]);
	snprintf(num[3], sizeof(num[3]), "%d", d->addl);
	twin_dtoa(d->time, num[4]);
	val[0] = "1";
	val[1] = num[0];
	val[2] = num[1];
	val[3] = m->slotname[m->state0 + d->cmt];
	val[4] = num[2];
	val[5] = num[3];
	for (k = 0; k < u->ncol; k++) {
		const char *f = row->field[k];

		if (k)
			ob_putc(ob, '\t');
		for (j = 0; j < NDOSECOL; j++)
			if (u->col[j] == k)
				f = val[j];
		if (k == u->c_time)
			f = num[4];
		else if (k == u->c_mdv)
			f = "1";
		else if (k == u->c_dv || k == u->c_blq || k == u->c_lloq)
			f = ".";
		else if (k == u->c_ss)
			f = "0";
		else if (k == u->c_vary && vval)
			f = vval;
		ob_puts(ob, f);
	}
	for (j = 0; j < NDOSECOL; j++)
		if (u->add[j]) {
			ob_putc(ob, '\t');
			ob_puts(ob, val[j]);
		}
	if (u->add_vary) {
		ob_putc(ob, '\t');
		ob_puts(ob, vval ? vval : ".");
	}
	ob_putc(ob, '\n');
}

/* The individual's rows with doses merged in, into ob: a dose goes after
 * the rows at or before its time.  Rows flagged in drop (may be NULL) are
 * left out; vval (may be NULL) is --vary's value. */
static int
out_merge(const struct out *u, const struct rec_reader *r,
    const struct rec_indiv *ind, const struct model *m,
    const struct reg_dose *d, int nd, const int *drop, const char *vval,
    struct outbuf *ob, struct twin_err *err)
{
	int i = 0, k = 0;

	while (i < ind->nrow || k < nd) {
		double t = 0;

		if (i < ind->nrow && rec_num(r, &ind->row[i], u->c_time, &t,
		    err) < 0)
			return -1;
		if (i < ind->nrow && (k == nd || t <= d[k].time)) {
			if (drop == NULL || !drop[i])
				out_row(u, &ind->row[i], vval, ob);
			i++;
			continue;
		}
		out_dose(u, &ind->row[i > 0 ? i - 1 : 0], m, &d[k++], vval,
		    ob);
	}
	return 0;
}

/* ---- regimens --------------------------------------------------------- */

static void
route_list(const struct model *m, char *buf, size_t n)
{
	size_t len = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < m->nroute && len < n; k++)
		len += snprintf(buf + len, n - len, "%s%s", k ? ", " : "",
		    m->routename[k]);
}

/* The regimen alone (no --target): with --replace the records' own doses
 * by that route (cmt) are left out, and a bolus at meals also goes with
 * the records' meals; both need the records bound (sc). */
static int
write_regimen(struct out *u, const struct rec_reader *r,
    const struct rec_indiv *ind, const struct model *m,
    const struct regimen *reg, const struct opts *o, const char *routes,
    const struct sim_cols *sc, int cmt, struct twin_err *err)
{
	struct reg_context ctx;
	struct reg_dose *d = NULL, *meals = NULL;
	struct dose_regarg ra = { m, r, ind, NULL, NAN, 0 };
	struct sim_indiv si;
	int *drop = NULL;
	int nd, wtcol = rec_col(r, "WT"), rc, nmeal = 0;
	double wt = NAN;

	memset(&ctx, 0, sizeof(ctx));
	memset(&si, 0, sizeof(si));
	if (o->replace != NULL || regimen_has_bolus(reg)) {
		if ((drop = calloc(ind->nrow + 1, sizeof(int))) == NULL) {
			twin_nomem(err);
			return -1;
		}
		if (sim_bind(&si, m, sc, r, ind, NULL, 0, err) < 0) {
			free(drop);
			sim_indiv_free(&si);
			return 1;
		}
		if (o->replace != NULL)
			dose_drop(&si, cmt, drop, ind->nrow);
		nmeal = dose_meals(m, &si, &meals, err);
		sim_indiv_free(&si);
		if (nmeal < 0) {
			free(drop);
			return -1;
		}
	}
	if (wtcol >= 0 && rec_num(r, &ind->row[0], wtcol, &wt, err) < 0)
		return -1;
	ctx.start = o->from_h * model_hours(m);
	ctx.clock0 = o->clock0;
	ctx.wt = wt;
	ctx.time_unit = m->units_time;
	ctx.amount_unit = m->units_amount;
	dose_reg_context(&ctx, &ra);
	ctx.routes = routes;
	ctx.meals = meals;
	ctx.nmeal = nmeal;
	nd = regimen_expand(reg, &ctx, &d, err);
	free(meals);
	if (nd < 0) {
		free(drop);
		twin_error_prefix(err, "%s:%ld: ID %s: --regimen",
		    rec_path(r), ind->row[0].line, ind->id);
		return 1;
	}
	rc = out_merge(u, r, ind, m, d, nd, drop, NULL, &u->ob, err);
	free(drop);
	free(d);
	if (rc == 0 && rec_write(u->w, u->ob.p, u->ob.len, err) < 0)
		rc = -1;
	u->ob.len = 0;
	return rc;
}

/* ---- targets ---------------------------------------------------------- */

struct chooser {
	const struct opts *o;
	struct dose_problem p;
	struct dose_plan *plan;
	int nplan;
	long *met, *eval;	/* cohort: per plan, over all workers */
	long ncohort;
	struct table tab;	/* the header (and the cohort table) */
	struct outbuf tob;
	int flagged;		/* individuals with no regimen */
};

/* Individuals are read in batches and chosen for on the workers; the
 * output is written in input order. */
struct job {
	struct rec_indiv ind;
	struct outbuf ob;	/* its records or table row */
	char msg[1200];		/* a warning, or the error when failed */
	int flagged, failed;
};

struct worker {
	struct dose *d;
	int *met1, *eval1;	/* one individual's */
	long *met, *eval;	/* this worker's cohort counts */
	long ncohort;
};

struct batch {
	struct chooser *ch;
	const struct rec_reader *r;
	const struct sim_cols *sc;
	const struct out *u;
	struct job *jobs;
	long ndone;
};

static int
build_plans(struct chooser *ch, double hours)
{
	const struct opts *o = ch->o;
	int na = o->continuous ? 1 : o->namt, ni = o->nii ? o->nii : 1;
	int nd = o->ndur ? o->ndur : 1, nl = o->nload ? o->nload : 1;
	int a, i, d, l, n = 0;
	long total = (long)na * ni * nd * nl;

	ch->p.prefer = o->prefer;
	if (o->vary[0]) {
		if ((ch->plan = calloc(o->nvalue, sizeof(*ch->plan))) == NULL)
			return -1;
		for (n = 0; n < o->nvalue; n++)
			ch->plan[n].value = o->value[n];
		ch->nplan = ch->p.nplan = n;
		ch->p.plan = ch->plan;
		return 0;
	}
	if (total > MAXPLAN)
		cli_usage_error(PROG, "%ld candidate regimens: at most %d",
		    total, MAXPLAN);
	if ((ch->plan = calloc(total, sizeof(*ch->plan))) == NULL)
		return -1;
	for (l = 0; l < nl; l++)
		for (i = 0; i < ni; i++)
			for (d = 0; d < nd; d++)
				for (a = 0; a < na; a++) {
					struct dose_plan *p = &ch->plan[n++];

					p->amt = o->continuous ? o->amt_lo :
					    o->amt[a];
					p->ii = o->nii ? o->ii_h[i] * hours : 0;
					p->dur = o->ndur ? o->dur_h[d] * hours :
					    0;
					p->load = o->nload ? o->load[l] : 0;
				}
	ch->nplan = n;
	ch->p.plan = ch->plan;
	ch->p.nplan = n;
	ch->p.continuous = o->continuous;
	ch->p.amt_lo = o->amt_lo;
	ch->p.amt_hi = o->amt_hi;
	ch->p.prefer = o->prefer;
	return 0;
}

/* The records of the chosen plan: --doses, the doses before --until, a
 * week's; with clock times --days or the window's days. */
static int
plan_doses(const struct chooser *ch, const struct dose_plan *pl,
    struct reg_dose *d)
{
	const struct dose_problem *p = &ch->p;
	const struct opts *o = ch->o;
	double day = 24 * p->hours;
	int ndoses = 1, days;

	if (p->nclock == 0 && o->ndoses > 0)
		ndoses = o->ndoses;
	else if (p->nclock == 0 && o->until_h > 0)
		ndoses = (int)ceil((o->until_h * p->hours - p->from -
		    (pl->load > 0 ? pl->ii : 0)) / pl->ii - 1e-9);
	else if (p->nclock == 0)
		ndoses = (int)ceil(7 * day / pl->ii - 1e-9);
	days = o->days > 0 ? o->days : (int)ceil((p->w1 - 1e-9 * day) / day);
	return dose_plan_records(p, pl, ndoses > 1 ? ndoses : 1,
	    days > 1 ? days : 1, d);
}

static void
table_head_row(struct chooser *ch)
{
	struct table *t = &ch->tab;
	int k;

	if (ch->o->cohort) {
		static const char *const h[] = { "REGIMEN", "AMT", "II", "DUR",
		    "LOAD", "DAILY", "N", "MET", "NA", "PTA" };
		char lo[32], hi[32];
		size_t i;

		table_head_width(t, h[0], 36);
		if (ch->p.vary != NULL)
			table_head(t, ch->p.vary);
		for (i = ch->p.vary != NULL ? 6 : 1;
		    i < sizeof(h) / sizeof(h[0]); i++)
			table_head(t, h[i]);
		snprintf(lo, sizeof(lo), "LO%g", 100 * ch->o->level);
		snprintf(hi, sizeof(hi), "HI%g", 100 * ch->o->level);
		table_head(t, lo);
		table_head(t, hi);
		table_head(t, "BEST");
		table_end_row(t);
		return;
	}
	table_head(t, "ID");
	table_head_width(t, "REGIMEN", 36);
	if (ch->p.vary != NULL)
		table_head(t, ch->p.vary);
	else {
		table_head(t, "AMT");
		table_head(t, "II");
		table_head(t, "DUR");
		table_head(t, "LOAD");
	}
	table_head(t, "DAILY");
	for (k = 0; k < ch->p.target.n; k++)
		table_head(t, ch->p.target.c[k].m.name);
	table_head(t, "LOWEST");
	table_head(t, "MET");
	table_end_row(t);
}

/* The plan's cells; daily: with --vary the individual's (NaN: none). */
static void
plan_cells(const struct chooser *ch, struct table *t,
    const struct dose_plan *pl, double daily)
{
	char text[512];

	dose_describe(&ch->p, pl, text, sizeof(text));
	table_text(t, text);
	if (ch->p.vary != NULL) {
		table_num(t, pl->value);
		if (!ch->o->cohort)
			table_num(t, daily);
		return;
	}
	table_num(t, pl->amt);
	table_num(t, ch->p.nclock ? NAN : pl->ii);
	table_num(t, pl->dur);
	table_num(t, pl->load);
	table_num(t, dose_daily(&ch->p, pl));
}

/* Choose for one individual: its records (or table row) into the job. */
static int
choose(const struct chooser *ch, struct worker *wk,
    const struct rec_reader *r, const struct sim_cols *sc,
    const struct out *u, struct job *jb, struct twin_err *err)
{
	const struct opts *o = ch->o;
	const struct rec_indiv *ind = &jb->ind;
	struct dose_choice c;
	struct table t;
	char text[256];
	int k, found;

	jb->msg[0] = '\0';
	if (dose_bind(wk->d, sc, r, ind, err) < 0 ||
	    dose_choose(wk->d, &c, wk->met1, wk->eval1, err) < 0)
		return twin_error_prefix(err, "%s:%ld: ID %s", rec_path(r),
		    ind->row[0].line, ind->id);
	if (o->cohort) {
		for (k = 0; k < ch->p.nplan; k++) {
			wk->met[k] += wk->met1[k];
			wk->eval[k] += wk->eval1[k];
		}
		wk->ncohort++;
		return 0;
	}
	found = c.verdict == DOSE_CHOSEN;
	switch (c.verdict) {
	case DOSE_CHOSEN:
		break;
	case DOSE_NONE_SAFE:
		snprintf(jb->msg, sizeof(jb->msg), "ID %s: no dose is safe: "
		    "every candidate takes the curve below %g", ind->id,
		    ch->p.no_below);
		break;
	case DOSE_UNSAFE:
		snprintf(jb->msg, sizeof(jb->msg), "ID %s: every regimen that "
		    "reaches the target takes the curve below %g", ind->id,
		    ch->p.no_below);
		break;
	case DOSE_UNEVALUABLE:
		snprintf(jb->msg, sizeof(jb->msg), "ID %s: the target cannot "
		    "be evaluated (no samples in the window)", ind->id);
		break;
	case DOSE_UNREACHABLE:
		dose_describe(&ch->p, &c.nearest, text, sizeof(text));
		snprintf(jb->msg, sizeof(jb->msg), "ID %s: no candidate "
		    "reaches %.200s; the nearest %s is %g, with %s", ind->id,
		    o->target_text, ch->p.target.c[0].m.name,
		    c.nearest_score.value[0], text);
		break;
	}
	jb->flagged = !found;
	if (!o->table && ch->p.vary != NULL) {
		struct reg_dose *d = NULL;
		char vval[TWIN_NUMBUF];
		int nd = 0, rc;
		const int *drop = NULL;

		if (found && (nd = dose_vary_doses(wk->d, &c.plan, &d,
		    err)) < 0)
			return twin_error_prefix(err, "%s:%ld: ID %s: "
			    "--regimen", rec_path(r), ind->row[0].line,
			    ind->id);
		if (ch->p.replace) {
			if ((drop = dose_drop_rows(wk->d)) == NULL) {
				free(d);
				return twin_nomem(err);
			}
		}
		twin_dtoa(c.plan.value, vval);
		rc = out_merge(u, r, ind, ch->p.m, d, nd, drop, found ? vval :
		    NULL, &jb->ob, err);
		free(d);
		return rc;
	}
	if (!o->table) {
		struct reg_dose d[DOSE_MAXCLOCK + 1];

		return out_merge(u, r, ind, ch->p.m, d, found ?
		    plan_doses(ch, &c.plan, d) : 0, ch->p.replace ?
		    dose_drop_rows(wk->d) : NULL, NULL, &jb->ob, err);
	}
	table_like(&t, &ch->tab, &jb->ob);
	table_text(&t, ind->id);
	if (found)
		plan_cells(ch, &t, &c.plan, c.score.daily);
	else
		for (k = 0; k < (ch->p.vary != NULL ? 3 : 6); k++)
			table_text(&t, ".");
	for (k = 0; k < ch->p.target.n; k++)
		table_num(&t, found ? c.score.value[k] : NAN);
	table_num(&t, found ? c.score.lowest : NAN);
	table_int(&t, found);
	table_end_row(&t);
	table_free(&t);
	return 0;
}

static void
run_job(struct batch *b, struct worker *wk, struct job *jb)
{
	struct twin_err err;

	jb->ob.len = 0;
	jb->flagged = jb->failed = 0;
	if (choose(b->ch, wk, b->r, b->sc, b->u, jb, &err) < 0) {
		jb->failed = 1;
		snprintf(jb->msg, sizeof(jb->msg), "%s", err.msg);
	}
}

static void
dose_job(void *ctx, void *worker, int i)
{
	struct batch *b = ctx;

	run_job(b, worker, &b->jobs[i]);
}

/* Choose for every individual of the file, nworker at a time; write in
 * input order. */
static int
choose_file(struct batch *b, struct worker *wk, int nworker, int cap,
    struct rec_writer *w, int *failures)
{
	struct twin_err err;
	void *wks[MAXTHREAD];
	int i, n, rc = 1;

	for (i = 0; i < nworker; i++)
		wks[i] = &wk[i];

	while (rc > 0) {
		for (n = 0; n < cap; n++)
			if ((rc = rec_next((struct rec_reader *)b->r,
			    &b->jobs[n].ind, &err)) <= 0)
				break;
		if (cli_parallel(n, nworker, wks, b, dose_job) < 0) {
			cli_warn(PROG, "cannot start a thread");
			return -1;
		}
		for (i = 0; i < n; i++) {
			struct job *jb = &b->jobs[i];

			if (jb->failed) {
				cli_warn(PROG, "%s", jb->msg);
				++*failures;
				if (!b->ch->o->keepgoing)
					return -1;
				continue;
			}
			if (jb->msg[0])
				cli_warn(PROG, "%s", jb->msg);
			b->ch->flagged += jb->flagged;
			if (rec_write(w, jb->ob.p, jb->ob.len, &err) < 0) {
				cli_warn(PROG, "%s", err.msg);
				return -1;
			}
			b->ndone++;
			cli_progress_count(&progress, "individuals", b->ndone);
		}
	}
	if (rc < 0) {
		cli_warn(PROG, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* --merge: one shard's --cohort table into the counts; its candidates
 * must be this merge's, row for row. */
static int
cohort_merge(struct chooser *ch, struct cli_merge *mg, const char *path,
    struct twin_err *err)
{
	struct outbuf ob = { 0 };
	struct table tab;
	struct tsv t;
	int c[3], k = 0, j, rc;
	long n0 = 0;

	if (tsv_open_path(&t, path, err) < 0)
		return -1;
	if (cli_merge_add(mg, path, tsv_comments(&t), 0, err) < 0) {
		tsv_close(&t);
		return -1;
	}
	c[0] = tsv_col(&t, "N", err);
	c[1] = tsv_col(&t, "MET", err);
	c[2] = tsv_col(&t, "NA", err);
	if (c[0] < 0 || c[1] < 0 || c[2] < 0) {
		tsv_close(&t);
		return twin_error_prefix(err, "not a twin-dose --cohort table");
	}
	table_init(&tab, &ob, NULL);
	while ((rc = tsv_next(&t, err)) == 1) {
		long n = 0, na = 0;

		if (k == ch->nplan) {
			twin_error(err, "%s:%d: more rows than this merge's %d "
			    "candidates", t.path, t.lineno, ch->nplan);
			break;
		}
		/* the row's candidate, as this merge writes it */
		ob.len = 0;
		plan_cells(ch, &tab, &ch->plan[k], NAN);
		table_end_row(&tab);
		for (j = 0; j < c[0]; j++) {
			size_t len = strcspn(ob.p, "\t\n");

			if (strncmp(ob.p, t.col[j], len) != 0 ||
			    t.col[j][len] != '\0')
				break;
			memmove(ob.p, ob.p + len + 1, strlen(ob.p + len));
		}
		if (j < c[0]) {
			twin_error(err, "%s:%d: candidate \"%s\" is not this "
			    "merge's candidate %d", t.path, t.lineno, t.col[0],
			    k + 1);
			break;
		}
		if (tsv_count(&t, c[0], &n, err) < 0 ||
		    tsv_count(&t, c[1], &ch->met[k], err) < 0 ||
		    tsv_count(&t, c[2], &na, err) < 0)
			break;
		if (k == 0)
			n0 = n;
		if (n != n0 || na > n) {
			twin_error(err, "%s:%d: N %ld and NA %ld do not fit the "
			    "first row's N %ld", t.path, t.lineno, n, na, n0);
			break;
		}
		ch->eval[k] += n - na;
		k++;
		rc = 0;
	}
	tsv_close(&t);
	table_free(&tab);
	ob_free(&ob);
	if (rc == 0 && k < ch->nplan)
		return twin_error(err, "%s: %d rows for this merge's %d "
		    "candidates", path, k, ch->nplan);
	ch->ncohort += n0;
	return rc != 0 ? -1 : 0;
}

static int
cohort_table(struct chooser *ch, struct out *u, struct twin_err *err)
{
	int k, best = -1;
	double bp = -1, bd = 0;

	for (k = 0; k < ch->nplan; k++) {
		double pta = ch->eval[k] ? (double)ch->met[k] / ch->eval[k] :
		    -1;
		double daily = ch->p.vary != NULL ? 0 :
		    dose_daily(&ch->p, &ch->plan[k]);

		if (pta > bp + 1e-12 || (fabs(pta - bp) <= 1e-12 &&
		    daily < bd)) {
			bp = pta;
			bd = daily;
			best = k;
		}
	}
	for (k = 0; k < ch->nplan; k++) {
		long n = ch->eval[k];
		double lo = NAN, hi = NAN;

		if (n > 0)
			target_ci(ch->met[k], n, ch->o->level, &lo, &hi);
		plan_cells(ch, &ch->tab, &ch->plan[k], NAN);
		table_int(&ch->tab, ch->ncohort);
		table_int(&ch->tab, ch->met[k]);
		table_int(&ch->tab, ch->ncohort - n);
		table_num(&ch->tab, n ? 100.0 * ch->met[k] / n : NAN);
		table_num(&ch->tab, 100 * lo);
		table_num(&ch->tab, 100 * hi);
		table_int(&ch->tab, k == best);
		table_end_row(&ch->tab);
	}
	if (rec_write(u->w, ch->tob.p, ch->tob.len, err) < 0)
		return -1;
	ch->tob.len = 0;
	return 0;
}

static int
default_route(const struct model *m, const char *route, char *msg,
    size_t n)
{
	int k;

	if (route != NULL) {
		struct dose_regarg ra = { m, NULL, NULL, NULL, NAN, 0 };

		if ((k = dose_route_cmt(&ra, route)) < 0)
			snprintf(msg, n, "route \"%s\" is not declared in "
			    "model %s", route, m->name);
		return k;
	}
	if ((k = model_route(m, "iv")) >= 0)
		return k;
	if (m->nroute == 1)
		return m->routecmt[0];
	snprintf(msg, n, "give the route with --route (model %s declares "
	    "%d routes)", m->name, m->nroute);
	return -1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct twin_err err;
	struct model *m = NULL;
	struct regimen *reg = NULL;
	struct rec_reader *r = NULL, *prev = NULL;
	struct rec_indiv ind = { 0 };
	struct sim_cols sc;
	struct chooser ch;
	struct cli_merge merge = { 0 };
	struct out u;
	struct worker wk[MAXTHREAD];
	struct batch b;
	const char *stdin_only[] = { "-" };
	const char **files;
	char routes[512], msg[256];
	int i, nf, rc, status = 2, complete = 0, failures = 0;
	int replace_cmt = 0;
	double hours;

	gsl_set_error_handler_off();
	parse_opts(argc, argv, &o);
	nf = argc - optind;
	files = nf ? (const char **)argv + optind : stdin_only;
	if (nf == 0)
		nf = 1;
	cli_progress_start(&progress, PROG, o.quiet);
	cli_progress_input(&progress, files, nf, -1, NULL);
	memset(&ch, 0, sizeof(ch));
	memset(&u, 0, sizeof(u));
	memset(&sc, 0, sizeof(sc));
	memset(wk, 0, sizeof(wk));
	memset(&b, 0, sizeof(b));
	if ((m = cli_model(PROG, o.model)) == NULL)
		return 2;
	hours = model_hours(m);
	if (isnan(hours)) {
		cli_warn(PROG, "model %s: unknown time unit \"%s\"", m->name,
		    m->units_time);
		goto out;
	}
	route_list(m, routes, sizeof(routes));
	if (o.regimen_text != NULL &&
	    (reg = regimen_parse(o.regimen_text, &err)) == NULL)
		cli_usage_error(PROG, "--regimen: %s", err.msg);
	if (o.replace != NULL && (replace_cmt = default_route(m, o.replace,
	    msg, sizeof(msg))) < 0)
		cli_usage_error(PROG, "--replace: %s", msg);
	ch.p.replace = o.replace != NULL;
	ch.p.replace_cmt = replace_cmt;
	if (o.target_text != NULL) {
		struct dose_problem *p = &ch.p;

		ch.o = &o;
		p->m = m;
		p->so.method = ODE_AUTO;
		p->so.rtol = 0;	/* the model's, or SIM_RTOL (sim.h) */
		p->so.atol = 0;
		p->hours = hours;
		p->from = o.from_h * hours;
		p->ss = !o.window;
		p->w0 = o.w0_h * hours;
		p->w1 = o.w1_h * hours;
		memcpy(p->clock, o.clock, sizeof(o.clock));
		p->nclock = o.nclock;
		p->clock0 = o.clock0;
		p->no_below = o.no_below;
		p->nstep = o.nstep;
		if (target_parse(o.target_text, &p->target, &err) < 0)
			cli_usage_error(PROG, "--target: %s", err.msg);
		p->out = m->dv;
		if (o.y != NULL) {
			int slot = model_slot(m, o.y);

			if (slot < m->out0 || slot >= m->out0 + m->nout)
				cli_usage_error(PROG, "-y: model %s has no "
				    "output \"%s\"", m->name, o.y);
			p->out = slot - m->out0;
		}
		/* Glucose is never driven below the hypoglycaemia bound
		 * (level 1, 70 mg/dL = 3.9 mmol/L) unless asked. */
		if (isnan(p->no_below) && !o.no_below_none &&
		    p->out == m->dv && m->units_conc != NULL) {
			if (!strcmp(m->units_conc, "mg/dL"))
				p->no_below = 70;
			else if (!strcmp(m->units_conc, "mmol/L"))
				p->no_below = 3.9;
		}
		if (!o.vary[0] && (p->cmt = default_route(m, o.route, msg,
		    sizeof(msg))) < 0)
			cli_usage_error(PROG, "%s", msg);
		if (o.vary[0]) {
			p->vary = o.vary;
			p->reg = reg;
			p->routes = routes;
			u.vary = o.vary;
		}
		if (build_plans(&ch, hours) < 0) {
			cli_warn(PROG, "out of memory");
			goto out;
		}
		ch.met = calloc(ch.nplan, sizeof(long));
		ch.eval = calloc(ch.nplan, sizeof(long));
		b.jobs = calloc(32 * o.nthread, sizeof(*b.jobs));
		if (!ch.met || !ch.eval || !b.jobs) {
			cli_warn(PROG, "out of memory");
			goto out;
		}
		for (i = 0; i < o.nthread; i++) {
			if ((wk[i].d = dose_new(p, &err)) == NULL) {
				cli_warn(PROG, "%s", err.msg);
				goto out;
			}
			wk[i].met1 = calloc(ch.nplan, sizeof(int));
			wk[i].eval1 = calloc(ch.nplan, sizeof(int));
			wk[i].met = calloc(ch.nplan, sizeof(long));
			wk[i].eval = calloc(ch.nplan, sizeof(long));
			if (!wk[i].met1 || !wk[i].eval1 || !wk[i].met ||
			    !wk[i].eval) {
				cli_warn(PROG, "out of memory");
				goto out;
			}
		}
		b.ch = &ch;
	}
	if ((u.w = rec_wopen(o.outpath, o.gz, &err)) == NULL) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	/* The tables format their own numbers; the record stream is
	 * reformatted as it is written. */
	{
		struct table_fmt tf;

		cli_table_fmt(PROG, &tf, m);
		table_init(&ch.tab, &ch.tob, &tf);
		if (!o.table && !o.cohort)
			cli_wformat(PROG, u.w, m);
	}
	if (o.merge) {
		if (cli_provenance(PROG, u.w, m, NULL, &err) < 0)
			goto fail;
		table_head_row(&ch);
		for (i = 0; i < nf; i++)
			if (cohort_merge(&ch, &merge, files[i], &err) < 0)
				goto fail;
		if (cli_merge_end(&merge, &err) < 0)
			goto fail;
		nf = 0;
	}
	for (i = 0; i < nf; i++) {
		if ((r = cli_rec_open(files[i], &err)) == NULL) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		if (i == 0 && cli_provenance(PROG, u.w, m, NULL, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		if (i == 0 && (o.table || o.cohort)) {
			table_head_row(&ch);
			if (rec_write(u.w, ch.tob.p, ch.tob.len, &err) < 0) {
				cli_warn(PROG, "%s", err.msg);
				goto out;
			}
			ch.tob.len = 0;
		}
		rec_continue(r, prev);
		cli_progress_input(&progress, files, nf, i, r);
		out_init(&u, r);
		sim_cols_free(&sc);
		if ((o.target_text || o.replace || (reg != NULL &&
		    regimen_has_bolus(reg))) && (sim_cols_init(&sc, r, m,
		    &err) < 0 ||
		    (sim_cols_notes(&sc, o.strict, col_warning, NULL),
		    i == 0 && sim_cols_check(&sc, r, m, o.strict, col_warning,
		    NULL, &err) < 0))) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		if (i == 0 && !o.table && !o.cohort) {
			out_header(&u, r, &u.ob);
			if (rec_write(u.w, u.ob.p, u.ob.len, &err) < 0) {
				cli_warn(PROG, "%s", err.msg);
				goto out;
			}
			u.ob.len = 0;
		}
		if (o.target_text != NULL) {
			b.r = r;
			b.sc = &sc;
			b.u = &u;
			if (choose_file(&b, wk, o.nthread, 32 * o.nthread,
			    u.w, &failures) < 0)
				goto out;
		} else {
			/* 1: this individual failed (err says why). */
			while ((rc = rec_next(r, &ind, &err)) > 0 &&
			    ((rc = write_regimen(&u, r, &ind, m, reg, &o,
			    routes, &sc, replace_cmt, &err)) == 0 ||
			    (rc == 1 && o.keepgoing)))
				if (rc == 1) {
					cli_warn(PROG, "%s", err.msg);
					failures++;
				}
			if (rc != 0) {
				cli_warn(PROG, "%s", err.msg);
				goto out;
			}
		}
		rec_close(prev);
		prev = r;
		r = NULL;
	}
	for (i = 0; o.cohort && i < o.nthread; i++) {
		int k;

		for (k = 0; k < ch.nplan; k++) {
			ch.met[k] += wk[i].met[k];
			ch.eval[k] += wk[i].eval[k];
		}
		ch.ncohort += wk[i].ncohort;
	}
	if (o.cohort && cohort_table(&ch, &u, &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	complete = 1;
	status = failures ? 2 : ch.flagged ? 3 : 0;
	goto out;
fail:
	cli_warn(PROG, "%s", err.msg);
out:
	cli_progress_end(&progress);
	/* With --keep-going the file holds every individual that could be
	 * done, as twin-sim's. */
	if (u.w && rec_wclose(u.w, complete && (failures == 0 ||
	    o.keepgoing), &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		status = 2;
	}
	rec_close(r);
	rec_close(prev);
	rec_indiv_free(&ind);
	cli_merge_free(&merge);
	sim_cols_free(&sc);
	regimen_free(reg);
	for (i = 0; i < MAXTHREAD; i++) {
		dose_free(wk[i].d);
		free(wk[i].met1);
		free(wk[i].eval1);
		free(wk[i].met);
		free(wk[i].eval);
	}
	for (i = 0; b.jobs != NULL && i < 32 * o.nthread; i++) {
		rec_indiv_free(&b.jobs[i].ind);
		ob_free(&b.jobs[i].ob);
	}
	free(b.jobs);
	free(ch.plan);
	free(ch.met);
	free(ch.eval);
	target_free(&ch.p.target);
	table_free(&ch.tab);
	ob_free(&ch.tob);
	ob_free(&u.ob);
	model_free(m);
	return status;
}
