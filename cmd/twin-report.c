/*
 * twin-report - tables and pictures from a record stream: NCA, target
 * attainment, cohort quantile bands, CGM metrics, the accuracy of a
 * prediction, concentration-time plots, ambulatory glucose profiles and
 * visual predictive checks.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "report/accuracy.h"
#include "report/bands.h"
#include "data/events.h"
#include "report/cgm.h"
#include "cli.h"
#include "model/model.h"
#include "report/gof.h"
#include "report/nca.h"
#include "util/num.h"
#include "data/profile.h"
#include "data/record.h"
#include "data/svg.h"
#include "data/table.h"
#include "report/target.h"
#include "report/vpc.h"
#include "util/tsv.h"
#include "util/units.h"

#define PROG "twin-report"
#define MAXQ 16
#define MAXBY 8
#define MAXAUC 16

enum verb { V_NCA, V_TARGET, V_BANDS, V_CGM, V_PLOT, V_AGP, V_ACCURACY,
    V_VPC, V_GOF };

static const char *const verbs[] = { "nca", "target", "bands", "cgm", "plot",
    "agp", "accuracy", "vpc", "gof" };

/* vpc's options (vpc_opt) */
#define VPC_MAXEDGES 256
struct vpc_cmd {
	const char *sim, *svg;
	struct vpc_opts vo;
	double edges[VPC_MAXEDGES];
};

struct opts {
	enum verb verb;
	const char *y, *outpath, *target_text;
	const char *title, *xlabel, *ylabel, *model;
	const char *cmt;	/* nca --cmt */
	const char *ref;	/* accuracy --ref */
	int clarke;		/* accuracy --clarke */
	int tunit_given;	/* --time-unit */
	int tunit_known;	/* --time-unit or the model's units */
	const char *tunit;	/* TIME's unit, short name */
	char ylabelbuf[128];
	const char *by[MAXBY];
	int nby;
	int pretty, pta, logy, bands, noobs, gz, mmol, summary;
	int partial_out, merge;	/* --partial, --merge */
	/* gof: the picture (GOF_NKIND: all of them), eta-cov's covariates,
	 * indiv's panels a page; DV's unit from the model */
	int gofkind, perpage, ncov;
	const char *cov[MAXBY];
	char covbuf[256];
	const char *cunit;
	/* plot: --target lo..hi (a line when lo == hi), --facet */
	double tlo, thi;
	int tset;
	const char *facet;
	double after, before, level, bin, hours, interval, clock0;
	double width, height;
	double q[MAXQ];
	int nq;
	struct nca_opts nca;
	double partial[2 * MAXAUC];
	struct profile_cols pc;	/* BLQ handling */
	struct target target;
	char bybuf[256], qbuf[256];
	struct vpc_cmd vpc;
};

/* What an individual contributes, per verb. */
struct group {
	char *key;		/* tab-joined --by values */
	long n, met, na;
	struct acc_sums acc;	/* accuracy */
};

struct report {
	const struct opts *o;
	struct outbuf ob;
	struct table tab;
	struct rec_writer *w;
	int by[MAXBY];		/* --by columns of the current file */
	struct group *grp;
	int ngrp;
	struct bands *bands;
	/* plot: every individual's points, NAN between individuals */
	double *px, *py, *ox, *oy;
	size_t np, pcap, no, ocap;
	int *seggrp;		/* plot: each individual's group */
	size_t nseg, segcap;
	/* plot --facet: each individual's panel, where its observed points
	 * start in ox; the panels' values; --facet's column of the file */
	int *segfacet;
	size_t *segobs;
	char **fkey;
	int nfkey, facetcol, curfacet;
	double tau;		/* plot: the first II > 0 of the doses */
	int taucol;
	double *tbuf, *gbuf, *sbuf;
	int gcap;
	int headdone;		/* nca: the header is out */
	int cmtsplit;		/* nca: a row per ID and CMT, a CMT column */
	const char **cmts;	/* nca: the individual's observed CMTs */
	int ncmt, cmtcap;
	long nread;
	struct vpc *vpc;	/* vpc: the observed and simulated samples */
	int haslloq;
	struct twin_err err;
};

static void
usage(void)
{
	static const struct cli_help h[] = {
		{ "-h, --help", "print this help and exit" },
		{ "-V, --version", "print the version and exit" },
		{ "-m, --model model", "the model the data come from" },
		{ "-o file", "write to file (renamed into place when complete)" },
		{ "-y col", "the column to analyse (default DV)" },
		{ "-z", "compress the output with gzip" },
		{ "--after t, --before t", "target, accuracy: only times in this span" },
		{ "--auc a,b", "nca: also the AUC from a to b" },
		{ "--bands", "plot: the quantile bands" },
		{ "--bin w", "bands, plot, agp: the width of a time bin" },
		{ "--bins t,t,...", "vpc: the edges of the time bins" },
		{ "--blq rule", "nca: what to do with values below the LLOQ" },
		{ "--by col,...", "a table per value of these columns" },
		{ "--ci p", "vpc: the level of the simulated intervals (0.95)" },
		{ "--clarke", "accuracy: the Clarke error grid zones (mg/dL)" },
		{ "--clock hh:mm", "agp: the time of day at TIME 0" },
		{ "--cmt c", "nca: only the observations of this compartment" },
		{ "--cov col,...", "gof eta-cov: these covariates" },
		{ "--facet col", "plot: a panel per value of col" },
		CLI_HELP_DESCRIBE,
		CLI_HELP_DIGITS,
		{ "--ignore rule", "drop records by this comment rule (C, @, none)" },
		{ "--interval min", "cgm: the sensor's interval (default: the spacing)" },
		{ "--iv-bolus", "nca: back-extrapolate C0 after an IV bolus" },
		{ "--lambdaz n", "nca: the last n points for lambda-z" },
		{ "--lambdaz-window a,b", "nca: lambda-z from points in a..b" },
		{ "--lambdaz-r2adj r", "nca: the least adjusted R2 of a lambda-z fit" },
		{ "--level p", "target --pta: the share to reach" },
		{ "--list-models", "list the models installed and exit" },
		{ "--lloq x", "nca, vpc: the lower limit of quantification" },
		{ "--log", "plot, vpc, gof: logarithmic axes" },
		CLI_HELP_MERGE,
		{ "--method m", "nca: linlog (default) or linear" },
		{ "--nbins k", "vpc: k automatic bins (default 10)" },
		{ "--no-obs", "plot: no observation points" },
		{ "--partial", "bands, agp, nca --summary: a shard's part, for --merge" },
		{ "--pc", "vpc: prediction-corrected (Bergstrand 2011)" },
		{ "--pc-log", "vpc: prediction-corrected, log-scale data" },
		{ "--per-page n", "gof indiv: panels a page (12)" },
		CLI_HELP_PRETTY,
		CLI_HELP_PROVENANCE,
		{ "--pta", "target: the probability of target attainment" },
		{ "--quantiles q,...", "bands, vpc: these percentiles" },
		{ "--quiet", "no progress on the terminal" },
		{ "--ref col", "accuracy: the reference column (default DV)" },
		CLI_HELP_SHARD,
		{ "--sim file", "vpc: the simulated replicates (REP)" },
		{ "--summary", "nca: statistics over the individuals" },
		{ "--svg file", "vpc: also the picture, as SVG" },
		{ "--target lo..hi", "plot: a target band (or line: x)" },
		{ "--tau t", "nca, plot: the dosing interval" },
		{ "--time-unit u", "the unit of TIME (h, min, d, ...)" },
		{ "--title, --xlabel, --ylabel s", "plot, agp: the labels" },
		{ "--unit u", "cgm, agp, accuracy: mg/dL or mmol/L" },
		{ "--width, --height px", "plot, agp, vpc: the picture's size" },
		{ NULL, NULL }
	};

	cli_help(PROG,
	    "usage: twin-report nca    [-y col] [--method linlog|linear] "
	    "[--tau t] [--auc a,b]\n"
	    "                          [--lambdaz n | --lambdaz-window a,b] "
	    "[--lambdaz-r2adj r]\n"
	    "                          [--blq rule] [--lloq x] [--cmt c] "
	    "[--iv-bolus]\n"
	    "                          [--summary [--by col,...]]\n"
	    "       twin-report target 'metric range [and ...]' [--after t] "
	    "[--before t]\n"
	    "                          [--pta [--level p]] [--by col,...] "
	    "[-y col]\n"
	    "       twin-report bands  -y col [--bin w] [--by col,...] "
	    "[--quantiles q,...]\n"
	    "       twin-report cgm    [-y col] [--unit mg/dL|mmol/L] "
	    "[--interval min]\n"
	    "       twin-report plot   -y col [--bands] [--log] [--bin w] "
	    "[--no-obs] -o file.svg\n"
	    "                          [--target lo..hi] [--facet col] "
	    "[--tau t]\n"
	    "       twin-report agp    [-y col] [--unit u] [--clock hh:mm] "
	    "[--bin min] -o file.svg\n"
	    "       twin-report accuracy -y col [--ref col] [--after t] "
	    "[--before t] [--by col,...]\n"
	    "                          [--clarke [--unit mg/dL|mmol/L]]\n"
	    "       twin-report vpc    --sim file [-y col] [--bins t,t,... | "
	    "--nbins k] [--ci p]\n"
	    "                          [--pc | --pc-log] [--lloq x] "
	    "[--quantiles q,...] [--by col,...]\n"
	    "                          [--svg file]\n"
	    "       twin-report gof    all|dv-pred|dv-ipred|cwres-time|"
	    "cwres-pred|\n"
	    "                          iwres-ipred|indiv|eta-hist|eta-cov "
	    "[--log]\n"
	    "                          [--cov col,...] "
	    "[--per-page n] -o file.svg|folder\n"
	    "common options: [-hVz] [-m model] [-o file] [--describe[=tsv]] "
	    "[--digits n]\n"
	    "                [--pretty] [--time-unit h|min|d]\n"
	    "                [--ignore rule] [--list-models] [--provenance] "
	    "[--quiet]\n"
	    "                [--shard k/n [--partial]] [--merge] [--title s] "
	    "[--xlabel s]\n"
	    "                [--ylabel s] [file ...]\n", h);
}

/* "a,b" into two numbers. */
static int
pair(const char *s, double *a, double *b)
{
	char buf[128], *comma;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((comma = strchr(buf, ',')) == NULL)
		return -1;
	*comma = '\0';
	return twin_strtod(buf, a) < 0 || twin_strtod(comma + 1, b) < 0 ||
	    !(*a < *b) ? -1 : 0;
}

/* Split s at commas into at most max strings (s is modified). */
static int
split(char *s, const char **out, int max)
{
	int n = 0;
	char *p;

	for (p = strtok(s, ","); p != NULL; p = strtok(NULL, ",")) {
		if (n == max)
			return -1;
		out[n++] = p;
	}
	return n;
}

enum {
	O_AFTER = 256, O_AUC, O_BANDS, O_BEFORE, O_BIN, O_BLQ, O_BY, O_CLARKE,
	O_CLOCK, O_REF,
	O_CMT, O_HEIGHT, O_INTERVAL, O_IVBOLUS, O_LAMBDAZ, O_LZR2, O_LZWIN,
	O_LEVEL, O_LLOQ, O_LOG,
	O_METHOD, O_NOOBS, O_PTA, O_QUANT, O_SUMMARY, O_TAU, O_TITLE, O_TUNIT,
	O_UNIT, O_WIDTH, O_XLABEL, O_YLABEL, O_COV, O_PERPAGE, O_TARGETBAND,
	O_FACET
};
/* vpc's, handled by vpc_opt */
enum { O_VPC_SIM = 512, O_VPC_BINS, O_VPC_NBINS, O_VPC_CI, O_VPC_PC,
	O_VPC_PCLOG, O_VPC_SVG };
#define VPC_LONGOPTS \
	{ "sim", required_argument, NULL, O_VPC_SIM }, \
	{ "bins", required_argument, NULL, O_VPC_BINS }, \
	{ "nbins", required_argument, NULL, O_VPC_NBINS }, \
	{ "ci", required_argument, NULL, O_VPC_CI }, \
	{ "pc", no_argument, NULL, O_VPC_PC }, \
	{ "pc-log", no_argument, NULL, O_VPC_PCLOG }, \
	{ "svg", required_argument, NULL, O_VPC_SVG }

/*
 * --shard: the verbs that write a row per individual (nca, target, cgm,
 * accuracy --by ID) take it.  Of the summaries of a cohort, target --pta
 * merges from its shards' own outputs (counts add), and bands, agp and
 * nca --summary from their --partial outputs (every value, for exact
 * quantiles); plot and accuracy over individuals do not merge.
 */
static int
values_verb(const struct opts *o)
{
	return o->verb == V_BANDS || o->verb == V_AGP ||
	    (o->verb == V_NCA && o->summary);
}

static void
shard_verb(const struct opts *o)
{
	int k, byid = 0;
	const char *what = o->verb == V_NCA ? "nca --summary" :
	    verbs[o->verb];

	for (k = 0; k < o->nby; k++)
		byid |= !strcmp(o->by[k], "ID");
	if (o->partial_out && !values_verb(o))
		cli_usage_error(PROG, "--partial: only bands, agp and nca "
		    "--summary write partial results (target --pta merges "
		    "from its own output)");
	if (o->merge && !values_verb(o) && !(o->verb == V_TARGET && o->pta))
		cli_usage_error(PROG, "--merge: only target --pta, bands, agp "
		    "and nca --summary merge shards");
	if (o->merge && cli_shard() != NULL)
		cli_usage_error(PROG, "--merge: give the shards' outputs as "
		    "files, without --shard");
	if (o->merge && o->partial_out)
		cli_usage_error(PROG, "give --partial to the shards and "
		    "--merge to the merge, not both");
	if (o->verb == V_PLOT)
		cli_shard_refuse(PROG, "plot", "merge the shards' records "
		    "and plot them, or merge bands --partial");
	else if (o->verb == V_GOF)
		cli_shard_refuse(PROG, "gof", NULL);
	else if (values_verb(o) && !o->partial_out)
		cli_shard_refuse(PROG, what, "give --partial to each shard "
		    "and merge their outputs with --merge");
	else if (o->verb == V_ACCURACY && !byid)
		cli_shard_refuse(PROG, o->nby ? "accuracy --by without ID" :
		    "accuracy without --by ID", NULL);
	cli_shard_pretty(PROG, o->pretty);
	if (o->partial_out && o->pretty)
		cli_usage_error(PROG, "--partial: a partial result is for "
		    "--merge; leave --pretty to it");
}

/* TIME's unit: time units in an hour, and its short name for the axis. */
static int
set_time_unit(struct opts *o, const char *s)
{
	const struct time_unit *u = time_unit_find(s, strlen(s), 0);

	if (u == NULL)
		return -1;
	o->hours = 3600 / u->s;
	o->tunit = u->abbr;
	return 0;
}

/* vpc's options. */
static void
vpc_opt(struct opts *o, int c, const char *arg)
{
	struct vpc_cmd *v = &o->vpc;
	char buf[4096], *p;
	int n = 0;

	switch (c) {
	case O_VPC_SIM:
		v->sim = arg;
		break;
	case O_VPC_SVG:
		v->svg = arg;
		break;
	case O_VPC_CI:
		v->vo.ci = cli_double(PROG, "--ci", arg);
		if (!(v->vo.ci > 0 && v->vo.ci < 1))
			cli_usage_error(PROG, "--ci must be between 0 and 1, "
			    "e.g. 0.95, got \"%s\"", arg);
		break;
	case O_VPC_NBINS:
		v->vo.nbins = cli_int(PROG, "--nbins", arg, 1, 10000);
		break;
	case O_VPC_PC:
	case O_VPC_PCLOG:
		v->vo.pc = c == O_VPC_PC ? VPC_PC_PROP : VPC_PC_ADD;
		break;
	case O_VPC_BINS:
		if (strlen(arg) >= sizeof(buf))
			cli_usage_error(PROG, "--bins: too long");
		strcpy(buf, arg);
		for (p = strtok(buf, ","); p != NULL; p = strtok(NULL, ",")) {
			if (n == VPC_MAXEDGES)
				cli_usage_error(PROG, "--bins: at most %d edges",
				    VPC_MAXEDGES);
			if (twin_strtod(p, &v->edges[n]) < 0 ||
			    (n > 0 && !(v->edges[n] > v->edges[n - 1])))
				cli_usage_error(PROG, "--bins wants increasing "
				    "times separated by commas, got \"%s\"",
				    arg);
			n++;
		}
		if (n < 2)
			cli_usage_error(PROG, "--bins wants at least two "
			    "edges, got \"%s\"", arg);
		v->vo.edges = v->edges;
		v->vo.nedges = n;
		break;
	}
}

/* After the options: vpc's checks and its percentiles (nfile: the files
 * named). */
static void
vpc_check(struct opts *o, int nfile)
{
	struct vpc_opts *vo = &o->vpc.vo;

	if (o->vpc.sim == NULL)
		cli_usage_error(PROG, "vpc: give the simulated replicates with "
		    "--sim FILE (twin-sim -n K --iiv --ruv)");
	if (!strcmp(o->vpc.sim, "-") && nfile == 0)
		cli_usage_error(PROG, "vpc: --sim - reads the standard input; "
		    "name the file of the observed data");
	if (vo->edges != NULL && vo->nbins > 0)
		cli_usage_error(PROG, "vpc: --bins and --nbins exclude each "
		    "other");
	if (o->nq > VPC_MAXPCT)
		cli_usage_error(PROG, "vpc: at most %d percentiles",
		    VPC_MAXPCT);
	if (o->nq > 0) {
		int k;

		vo->npct = o->nq;
		for (k = 0; k < o->nq; k++) {
			vo->pct[k] = o->q[k] / 100;
			if (k > 0 && !(vo->pct[k] > vo->pct[k - 1]))
				cli_usage_error(PROG, "vpc: --quantiles must "
				    "increase");
		}
	}
	cli_shard_refuse(PROG, "vpc", NULL);
}

/* plot --target: "lo..hi" (a band) or "x" (a line). */
static void
target_band(struct opts *o, const char *s)
{
	const char *dots = strstr(s, "..");
	char a[64];

	o->tset = 1;
	if (dots == NULL) {
		o->tlo = o->thi = cli_double(PROG, "--target", s);
		return;
	}
	if ((size_t)(dots - s) >= sizeof(a))
		cli_usage_error(PROG, "--target wants LO..HI, got \"%s\"", s);
	memcpy(a, s, dots - s);
	a[dots - s] = '\0';
	if (twin_strtod(a, &o->tlo) < 0 || twin_strtod(dots + 2, &o->thi) < 0 ||
	    !(o->tlo < o->thi))
		cli_usage_error(PROG, "--target wants LO..HI with LO < HI, got "
		    "\"%s\"", s);
}

/* gof: the picture's name, the first operand. */
static void
gof_kind_arg(struct opts *o, int argc, char **argv)
{
	int k;

	if (optind >= argc)
		cli_usage_error(PROG, "gof: which picture? all, dv-pred, "
		    "dv-ipred, cwres-time, cwres-pred, iwres-ipred, indiv, "
		    "eta-hist or eta-cov");
	if (!strcmp(argv[optind], "all"))
		k = GOF_NKIND;
	else if ((k = gof_kind(argv[optind])) < 0) {
		const char *names[GOF_NKIND + 2], *near;

		for (k = 0; k < GOF_NKIND; k++)
			names[k] = gof_kinds[k];
		names[k++] = "all";
		names[k] = NULL;
		if ((near = cli_nearest(argv[optind], names)) != NULL)
			cli_usage_error(PROG, "gof: unknown picture \"%s\"; "
			    "did you mean \"%s\"?", argv[optind], near);
		cli_usage_error(PROG, "gof: unknown picture \"%s\"",
		    argv[optind]);
	}
	o->gofkind = k;
	optind++;
	if (k == GOF_ETA_COV && o->ncov == 0 && o->model == NULL)
		cli_usage_error(PROG, "gof eta-cov: name the covariates with "
		    "--cov col,... (or give the model with -m)");
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const struct cli_common co = { NULL, NULL, NULL, NULL, NULL, NULL };
	static const struct option lo[] = {
		{ "after", required_argument, NULL, O_AFTER },
		{ "auc", required_argument, NULL, O_AUC },
		{ "bands", no_argument, NULL, O_BANDS },
		{ "before", required_argument, NULL, O_BEFORE },
		{ "bin", required_argument, NULL, O_BIN },
		{ "blq", required_argument, NULL, O_BLQ },
		{ "by", required_argument, NULL, O_BY },
		{ "cov", required_argument, NULL, O_COV },
		{ "facet", required_argument, NULL, O_FACET },
		{ "clarke", no_argument, NULL, O_CLARKE },
		{ "clock", required_argument, NULL, O_CLOCK },
		{ "cmt", required_argument, NULL, O_CMT },
		CLI_OPT_DESCRIBE,
		CLI_OPT_DIGITS,
		{ "height", required_argument, NULL, O_HEIGHT },
		{ "help", no_argument, NULL, 'h' },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "iv-bolus", no_argument, NULL, O_IVBOLUS },
		{ "lambdaz", required_argument, NULL, O_LAMBDAZ },
		{ "lambdaz-r2adj", required_argument, NULL, O_LZR2 },
		{ "lambdaz-window", required_argument, NULL, O_LZWIN },
		{ "level", required_argument, NULL, O_LEVEL },
		CLI_OPT_LIST,
		{ "lloq", required_argument, NULL, O_LLOQ },
		{ "log", no_argument, NULL, O_LOG },
		{ "method", required_argument, NULL, O_METHOD },
		{ "model", required_argument, NULL, 'm' },
		{ "no-obs", no_argument, NULL, O_NOOBS },
		CLI_OPT_PRETTY,
		{ "per-page", required_argument, NULL, O_PERPAGE },
		{ "pta", no_argument, NULL, O_PTA },
		{ "quantiles", required_argument, NULL, O_QUANT },
		{ "ref", required_argument, NULL, O_REF },
		CLI_OPT_MERGE,
		CLI_OPT_PARTIAL,
		CLI_OPT_PROVENANCE,
		CLI_OPT_SHARD,
		CLI_OPT_QUIET,
		CLI_OPT_IGNORE,
		{ "summary", no_argument, NULL, O_SUMMARY },
		{ "target", required_argument, NULL, O_TARGETBAND },
		{ "tau", required_argument, NULL, O_TAU },
		{ "time-unit", required_argument, NULL, O_TUNIT },
		{ "title", required_argument, NULL, O_TITLE },
		{ "unit", required_argument, NULL, O_UNIT },
		{ "version", no_argument, NULL, 'V' },
		{ "width", required_argument, NULL, O_WIDTH },
		{ "xlabel", required_argument, NULL, O_XLABEL },
		{ "ylabel", required_argument, NULL, O_YLABEL },
		VPC_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *qs[MAXQ];
	struct twin_err err;
	double a, b;
	size_t i;
	int c, k;

	memset(o, 0, sizeof(*o));
	o->y = "DV";
	o->ref = "DV";
	o->after = -INFINITY;
	o->before = INFINITY;
	o->level = 0.95;
	o->hours = 1;
	o->tunit = "h";
	o->interval = 0;	/* the readings' median spacing */
	o->width = 720;
	o->height = 440;
	o->nca.method = INTERP_LINLOG;
	o->nca.lz_from = o->nca.lz_to = o->nca.tau = NAN;
	o->nca.partial = o->partial;
	o->pc.lloq_value = NAN;
	o->pc.blq_rule = BLQ_DEFAULT;
	vpc_opts_default(&o->vpc.vo);
	if (argc > 1 && (!strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")))
		usage();
	if (argc > 1 && (!strcmp(argv[1], "-V") ||
	    !strcmp(argv[1], "--version")))
		cli_version(PROG);
	if (argc > 1 && !strcmp(argv[1], "--list-models"))
		cli_list_models(PROG);
	if (argc < 2)
		cli_usage_error(PROG, "no verb given (nca, target, bands, cgm, "
		    "plot, agp, accuracy, vpc or gof)");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i]))
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0])) {
		const char *names[sizeof(verbs) / sizeof(verbs[0]) + 1];
		const char *near;

		for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
			names[i] = verbs[i];
		names[i] = NULL;
		if ((near = cli_nearest(argv[1], names)) != NULL)
			cli_usage_error(PROG, "unknown verb \"%s\"; did you "
			    "mean \"%s\"?", argv[1], near);
		cli_usage_error(PROG, "unknown verb \"%s\" (nca, target, "
		    "bands, cgm, plot, agp, accuracy, vpc or gof)", argv[1]);
	}
	o->verb = (enum verb)i;
	cli_provenance_args(argc, argv);	/* the verb too */
	argc--;
	argv++;
	while ((c = cli_getopt(PROG, argc, argv, "hVm:o:y:z", lo)) != -1) {
		switch (c) {
		case 'h':
			usage();
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
		case O_AFTER:
			o->after = cli_double(PROG, "--after", optarg);
			break;
		case O_AUC:
			if (o->nca.npartial == MAXAUC || pair(optarg, &a, &b) < 0)
				cli_usage_error(PROG, "--auc wants FROM,TO with "
				    "FROM < TO (at most %d), got \"%s\"",
				    MAXAUC, optarg);
			o->partial[2 * o->nca.npartial] = a;
			o->partial[2 * o->nca.npartial++ + 1] = b;
			break;
		case O_BANDS:
			o->bands = 1;
			break;
		case O_BEFORE:
			o->before = cli_double(PROG, "--before", optarg);
			break;
		case O_BIN:
			o->bin = cli_double(PROG, "--bin", optarg);
			if (!(o->bin > 0))
				cli_usage_error(PROG, "--bin must be positive");
			break;
		case O_BLQ:
			if (!strcmp(optarg, "default"))
				o->pc.blq_rule = BLQ_DEFAULT;
			else if (!strcmp(optarg, "zero"))
				o->pc.blq_rule = BLQ_ZERO;
			else if (!strcmp(optarg, "drop"))
				o->pc.blq_rule = BLQ_DROP;
			else if (!strcmp(optarg, "keep"))
				o->pc.blq_rule = BLQ_KEEP;
			else
				cli_usage_error(PROG, "--blq must be default, "
				    "zero, drop or keep, got \"%s\"", optarg);
			break;
		case O_BY:
			if (strlen(optarg) >= sizeof(o->bybuf))
				cli_usage_error(PROG, "--by: too long");
			strcpy(o->bybuf, optarg);
			if ((o->nby = split(o->bybuf, o->by, MAXBY)) <= 0)
				cli_usage_error(PROG, "--by wants 1 to %d column "
				    "names separated by commas", MAXBY);
			break;
		case O_COV:
			if (strlen(optarg) >= sizeof(o->covbuf))
				cli_usage_error(PROG, "--cov: too long");
			strcpy(o->covbuf, optarg);
			if ((o->ncov = split(o->covbuf, o->cov, MAXBY)) <= 0)
				cli_usage_error(PROG, "--cov wants 1 to %d column "
				    "names separated by commas", MAXBY);
			break;
		case O_FACET:
			o->facet = optarg;
			break;
		case O_PERPAGE:
			o->perpage = cli_int(PROG, "--per-page", optarg, 1,
			    100);
			break;
		case O_TARGETBAND:
			target_band(o, optarg);
			break;
		case O_CLARKE:
			o->clarke = 1;
			break;
		case O_CLOCK:
			o->clock0 = cli_clock(PROG, "--clock", optarg);
			break;
		case O_CMT:
			o->cmt = optarg;
			break;
		case O_HEIGHT:
			o->height = cli_int(PROG, "--height", optarg, 200,
			    10000);
			break;
		case O_INTERVAL:
			o->interval = cli_double(PROG, "--interval", optarg);
			if (!(o->interval > 0))
				cli_usage_error(PROG, "--interval must be "
				    "positive");
			break;
		case O_IVBOLUS:
			o->nca.iv_bolus = 1;
			break;
		case O_LAMBDAZ:
			o->nca.lz_points = cli_int(PROG, "--lambdaz", optarg, 3,
			    100000);
			break;
		case O_LZR2:
			o->nca.lz_min_r2adj = cli_double(PROG,
			    "--lambdaz-r2adj", optarg);
			if (!(o->nca.lz_min_r2adj >= 0 &&
			    o->nca.lz_min_r2adj <= 1))
				cli_usage_error(PROG, "--lambdaz-r2adj must be "
				    "between 0 and 1, e.g. 0.9");
			break;
		case O_LZWIN:
			if (pair(optarg, &o->nca.lz_from, &o->nca.lz_to) < 0)
				cli_usage_error(PROG, "--lambdaz-window wants "
				    "FROM,TO with FROM < TO, got \"%s\"",
				    optarg);
			break;
		case O_LEVEL:
			o->level = cli_double(PROG, "--level", optarg);
			if (!(o->level > 0 && o->level < 1))
				cli_usage_error(PROG, "--level must be between 0 "
				    "and 1, e.g. 0.95");
			break;
		case O_LLOQ:
			o->pc.lloq_value = cli_double(PROG, "--lloq", optarg);
			break;
		case O_LOG:
			o->logy = 1;
			break;
		case O_METHOD:
			if (!strcmp(optarg, "linlog"))
				o->nca.method = INTERP_LINLOG;
			else if (!strcmp(optarg, "linear"))
				o->nca.method = INTERP_LINEAR;
			else
				cli_usage_error(PROG, "--method must be linlog "
				    "or linear, got \"%s\"", optarg);
			break;
		case O_NOOBS:
			o->noobs = 1;
			break;
		case O_PTA:
			o->pta = 1;
			break;
		case O_SUMMARY:
			o->summary = 1;
			break;
		case O_REF:
			o->ref = optarg;
			break;
		case O_QUANT:
			if (strlen(optarg) >= sizeof(o->qbuf))
				cli_usage_error(PROG, "--quantiles: too long");
			strcpy(o->qbuf, optarg);
			if ((o->nq = split(o->qbuf, qs, MAXQ)) <= 0)
				cli_usage_error(PROG, "--quantiles wants up to %d "
				    "percentiles separated by commas", MAXQ);
			for (k = 0; k < o->nq; k++)
				if (twin_strtod(qs[k], &o->q[k]) < 0 ||
				    o->q[k] < 0 || o->q[k] > 100)
					cli_usage_error(PROG, "--quantiles: "
					    "\"%s\" is not a percentile (0 to "
					    "100)", qs[k]);
			break;
		case O_TAU:
			o->nca.tau = cli_double(PROG, "--tau", optarg);
			if (!(o->nca.tau > 0))
				cli_usage_error(PROG, "--tau must be positive");
			break;
		case O_TITLE:
			o->title = optarg;
			break;
		case O_TUNIT:
			if (set_time_unit(o, optarg) < 0)
				cli_usage_error(PROG, "--time-unit must be a unit "
				    "of time such as h, min or d, got \"%s\"",
				    optarg);
			o->tunit_given = o->tunit_known = 1;
			break;
		case O_UNIT:
			if (!strcmp(optarg, "mg/dL"))
				o->mmol = 0;
			else if (!strcmp(optarg, "mmol/L"))
				o->mmol = 1;
			else
				cli_usage_error(PROG, "--unit must be mg/dL or "
				    "mmol/L, got \"%s\"", optarg);
			break;
		case O_WIDTH:
			o->width = cli_int(PROG, "--width", optarg, 200, 10000);
			break;
		case O_XLABEL:
			o->xlabel = optarg;
			break;
		case O_YLABEL:
			o->ylabel = optarg;
			break;
		case CLI_O_MERGE:
			o->merge = 1;
			break;
		case CLI_O_PARTIAL:
			/* the merge checks the shards by these lines */
			o->partial_out = 1;
			cli_common(PROG, CLI_O_PROVENANCE, NULL, &co);
			break;
		default:
			if (c >= O_VPC_SIM && c <= O_VPC_SVG)
				vpc_opt(o, c, optarg);
			else if (!cli_common(PROG, c, optarg, &co))
				exit(1);
		}
	}
	cli_describe(PROG, o->model);
	o->pretty = cli_pretty();
	if (o->verb == V_VPC)
		vpc_check(o, argc - optind);
	if (o->nq == 0) {
		static const double def[] = { 5, 25, 50, 75, 95 };

		memcpy(o->q, def, sizeof(def));
		o->nq = 5;
	}
	if (o->verb == V_GOF)
		gof_kind_arg(o, argc, argv);
	if (o->facet != NULL && (o->bands || o->nby > 0))
		cli_usage_error(PROG, "plot: --facet draws lines; not with "
		    "--bands or --by");
	if (o->verb == V_TARGET) {
		if (optind >= argc)
			cli_usage_error(PROG, "target: no target given, e.g. "
			    "'trough >= 10'");
		o->target_text = argv[optind++];
		if (target_parse(o->target_text, &o->target, &err) < 0)
			cli_usage_error(PROG, "target: %s", err.msg);
	}
	if ((o->verb == V_PLOT || o->verb == V_AGP || o->verb == V_GOF) &&
	    o->outpath == NULL && !o->partial_out)
		cli_usage_error(PROG, "%s: give the SVG file with -o FILE",
		    verbs[o->verb]);
	if (!(o->after < o->before))
		cli_usage_error(PROG, "--after must be before --before");
	if (o->verb == V_ACCURACY && !strcmp(o->y, o->ref))
		cli_usage_error(PROG, "accuracy: -y and --ref are both \"%s\"; "
		    "give the prediction with -y, e.g. -y IPRED", o->y);
	if (o->verb == V_AGP && o->bin == 0)
		o->bin = 15;
	shard_verb(o);
	/* getopt ran on argv + 1 */
	optind++;
}

/* --by values of the individual's first row, tab-joined. */
static void
group_key(struct report *rp, const struct rec_indiv *ind, char *buf,
    size_t n)
{
	int k;
	size_t len = 0;

	buf[0] = '\0';
	for (k = 0; k < rp->o->nby; k++)
		len += snprintf(buf + len, len < n ? n - len : 0, "%s%s",
		    k ? "\t" : "", ind->row[0].field[rp->by[k]]);
}

static void
put_key(struct report *rp, const char *key)
{
	char buf[1024], *p, *tab;

	if (rp->o->nby == 0 && !rp->cmtsplit)
		return;
	snprintf(buf, sizeof(buf), "%s", key);
	for (p = buf;; p = tab + 1) {
		if ((tab = strchr(p, '\t')) != NULL)
			*tab = '\0';
		table_text(&rp->tab, p);
		if (tab == NULL)
			break;
	}
}

static void
head_by(struct report *rp)
{
	int k;

	for (k = 0; k < rp->o->nby; k++)
		table_head(&rp->tab, rp->o->by[k]);
	/* nca --summary: the CMT ends the group key */
	if (rp->cmtsplit)
		table_head(&rp->tab, "CMT");
}

static int
flush(struct report *rp)
{
	if (rec_write(rp->w, rp->ob.p, rp->ob.len, &rp->err) < 0)
		return -1;
	rp->ob.len = 0;
	return 0;
}

/* nca */

static void
nca_head(struct report *rp)
{
	static const char *const cols[] = { "DOSE", "CMAX", "TMAX", "CLAST",
	    "TLAST", "AUCLAST", "AUCINF", "AUCPEXT", "LAMBDAZ", "LZN",
	    "LZSTART", "LZEND", "LZR2ADJ", "LZRULE", "THALF", "MRT", "CL",
	    "VZ", "TAU", "AUCTAU", "CMIN", "CTROUGH", "CAVG", "RAC", "C0",
	    "LZNOTE" };
	const struct opts *o = rp->o;
	char buf[96];
	size_t i;
	int k;

	if (o->summary)
		return;
	table_head(&rp->tab, "ID");
	if (rp->cmtsplit)
		table_head(&rp->tab, "CMT");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		table_head(&rp->tab, cols[i]);
	for (k = 0; k < o->nca.npartial; k++) {
		char a[TWIN_NUMBUF], b[TWIN_NUMBUF];

		twin_dtoa(o->partial[2 * k], a);
		twin_dtoa(o->partial[2 * k + 1], b);
		snprintf(buf, sizeof(buf), "AUC_%s_%s", a, b);
		table_head(&rp->tab, buf);
	}
	table_end_row(&rp->tab);
}

/* The parameters --summary describes, in its order. */
static const char *const summary_names[] = { "CMAX", "TMAX", "AUCLAST",
    "AUCINF", "AUCPEXT", "LAMBDAZ", "THALF", "MRT", "CL", "VZ", "AUCTAU",
    "CMIN", "CTROUGH", "CAVG", "RAC" };
#define NSUMMARY (int)(sizeof(summary_names) / sizeof(summary_names[0]))

static int
nca_collect(struct report *rp, const struct nca_result *r, const char *key)
{
	const double v[NSUMMARY] = { r->cmax, r->tmax, r->auclast, r->aucinf,
	    r->aucpext, r->lambdaz, r->thalf, r->mrt, r->cl, r->vz,
	    r->auctau, r->cmin, r->ctrough, r->cavg, r->rac };
	int k;

	for (k = 0; k < NSUMMARY + rp->o->nca.npartial; k++) {
		double x = k < NSUMMARY ? v[k] : r->partial[k - NSUMMARY];

		if (!isnan(x) && bands_add(rp->bands, key, k, x) < 0)
			return twin_nomem(&rp->err);
	}
	return 0;
}

/* Descriptive statistics of each parameter per group. */
static void
nca_summary(struct report *rp)
{
	const struct opts *o = rp->o;
	static const char *const cols[] = { "PARAM", "N", "MEAN", "SD", "CV",
	    "GEOMEAN", "GEOCV", "MEDIAN", "MIN", "MAX" };
	char name[96];
	size_t c;
	int i;

	head_by(rp);
	for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
		table_head(&rp->tab, cols[c]);
	table_end_row(&rp->tab);
	for (i = 0; i < bands_ncell(rp->bands); i++) {
		struct bands_stats st;
		int k = (int)bands_x(rp->bands, i);

		if (k < NSUMMARY)
			snprintf(name, sizeof(name), "%s", summary_names[k]);
		else {
			char a[TWIN_NUMBUF], b[TWIN_NUMBUF];

			twin_dtoa(o->partial[2 * (k - NSUMMARY)], a);
			twin_dtoa(o->partial[2 * (k - NSUMMARY) + 1], b);
			snprintf(name, sizeof(name), "AUC_%s_%s", a, b);
		}
		bands_stats(rp->bands, i, &st);
		put_key(rp, bands_group(rp->bands, i));
		table_text(&rp->tab, name);
		table_int(&rp->tab, st.n);
		table_num(&rp->tab, st.mean);
		table_num(&rp->tab, st.sd);
		table_num(&rp->tab, st.cv);
		table_num(&rp->tab, st.gmean);
		table_num(&rp->tab, st.gcv);
		table_num(&rp->tab, st.median);
		table_num(&rp->tab, st.min);
		table_num(&rp->tab, st.max);
		table_end_row(&rp->tab);
	}
}

/* One profile (of one CMT when cmt is not NULL). */
static int
nca_profile(struct report *rp, const struct rec_reader *rr,
    const struct rec_indiv *ind, const struct profile *p, const char *key,
    const char *cmt)
{
	const struct opts *o = rp->o;
	struct nca_result r;
	double part[MAXAUC];
	char ckey[1100];
	int k;

	r.partial = part;
	if (nca_compute(p, &o->nca, &r, &rp->err) < 0)
		return twin_error_prefix(&rp->err, "%s:%ld", rec_path(rr),
		    ind->row[r.bad >= 0 ? p->row[r.bad] : 0].line);
	if (!rp->cmtsplit)
		cmt = NULL;
	if (o->summary) {
		if (cmt != NULL) {
			snprintf(ckey, sizeof(ckey), "%s%s%s", key,
			    o->nby ? "\t" : "", cmt);
			key = ckey;
		}
		return nca_collect(rp, &r, key);
	}
	table_text(&rp->tab, p->id);
	if (rp->cmtsplit)
		table_text(&rp->tab, cmt != NULL ? cmt : ".");
	table_num(&rp->tab, r.dose);
	table_num(&rp->tab, r.cmax);
	table_num(&rp->tab, r.tmax);
	table_num(&rp->tab, r.clast);
	table_num(&rp->tab, r.tlast);
	table_num(&rp->tab, r.auclast);
	table_num(&rp->tab, r.aucinf);
	table_num(&rp->tab, r.aucpext);
	table_num(&rp->tab, r.lambdaz);
	if (r.lzn > 0)
		table_int(&rp->tab, r.lzn);
	else
		table_text(&rp->tab, ".");
	table_num(&rp->tab, r.lzstart);
	table_num(&rp->tab, r.lzend);
	table_num(&rp->tab, r.lzr2adj);
	table_text(&rp->tab, r.lzrule);
	table_num(&rp->tab, r.thalf);
	table_num(&rp->tab, r.mrt);
	table_num(&rp->tab, r.cl);
	table_num(&rp->tab, r.vz);
	table_num(&rp->tab, r.tau);
	table_num(&rp->tab, r.auctau);
	table_num(&rp->tab, r.cmin);
	table_num(&rp->tab, r.ctrough);
	table_num(&rp->tab, r.cavg);
	table_num(&rp->tab, r.rac);
	table_num(&rp->tab, r.c0);
	table_text(&rp->tab, r.lznote != NULL ? r.lznote : ".");
	for (k = 0; k < o->nca.npartial; k++)
		table_num(&rp->tab, part[k]);
	table_end_row(&rp->tab);
	return 0;
}

/* One individual: a profile per observed CMT of DV when the stream has
 * a CMT column (PKNCA's analytes), else one.  p holds the individual's
 * profile under pc and is reused. */
static int
nca_indiv(struct report *rp, const struct rec_reader *r,
    const struct rec_indiv *ind, const struct profile_cols *pc,
    struct profile *p, const char *key)
{
	struct profile_cols one;
	int j, k;

	if (pc->cmt < 0 || pc->cmt_value != NULL || strcmp(rp->o->y, "DV"))
		return nca_profile(rp, r, ind, p, key, pc->cmt_value);
	/* the CMTs of every sample, BLQ or not, in order of appearance */
	one = *pc;
	one.blq_rule = BLQ_ZERO;
	if (profile_read(p, &one, r, ind, &rp->err) < 0)
		return -1;
	rp->ncmt = 0;
	for (k = 0; k < p->n; k++) {
		const char *v = ind->row[p->row[k]].field[pc->cmt];

		for (j = 0; j < rp->ncmt && strcmp(rp->cmts[j], v) != 0; j++)
			;
		if (j < rp->ncmt)
			continue;
		if (rp->ncmt == rp->cmtcap) {
			int cap = rp->cmtcap ? 2 * rp->cmtcap : 8;
			const char **a = realloc(rp->cmts, cap * sizeof(*a));

			if (a == NULL)
				return twin_nomem(&rp->err);
			rp->cmts = a;
			rp->cmtcap = cap;
		}
		rp->cmts[rp->ncmt++] = v;
	}
	if (!rp->cmtsplit && rp->ncmt > 1)
		return twin_error(&rp->err, "%s:%ld: ID %s: samples of DV in "
		    "CMT \"%s\" and \"%s\" but the first file has no CMT "
		    "column: give --cmt", rec_path(r), ind->row[0].line,
		    ind->id, rp->cmts[0], rp->cmts[1]);
	if (rp->ncmt == 0)
		return nca_profile(rp, r, ind, p, key, NULL);
	for (j = 0; j < rp->ncmt; j++) {
		one = *pc;
		one.cmt_value = rp->cmts[j];
		if (profile_read(p, &one, r, ind, &rp->err) < 0 ||
		    nca_profile(rp, r, ind, p, key, rp->cmts[j]) < 0)
			return -1;
	}
	return 0;
}

/* target */

static void
target_head(struct report *rp)
{
	const struct opts *o = rp->o;
	int k;

	if (o->pta) {
		char lo[64], hi[64];

		head_by(rp);
		table_head(&rp->tab, "N");
		table_head(&rp->tab, "MET");
		table_head(&rp->tab, "NA");
		table_head(&rp->tab, "PTA");
		snprintf(lo, sizeof(lo), "LO%g", 100 * o->level);
		snprintf(hi, sizeof(hi), "HI%g", 100 * o->level);
		table_head(&rp->tab, lo);
		table_head(&rp->tab, hi);
		table_end_row(&rp->tab);
		return;
	}
	table_head(&rp->tab, "ID");
	head_by(rp);
	for (k = 0; k < o->target.n; k++)
		table_head(&rp->tab, o->target.c[k].m.name);
	table_head(&rp->tab, "MET");
	table_end_row(&rp->tab);
}

static struct group *
find_group(struct report *rp, const char *key)
{
	struct group *g;
	int i;

	for (i = 0; i < rp->ngrp; i++)
		if (!strcmp(rp->grp[i].key, key))
			return &rp->grp[i];
	if ((g = realloc(rp->grp, (rp->ngrp + 1) * sizeof(*g))) == NULL)
		return NULL;
	rp->grp = g;
	g = &rp->grp[rp->ngrp];
	memset(g, 0, sizeof(*g));
	if ((g->key = strdup(key)) == NULL)
		return NULL;
	rp->ngrp++;
	return g;
}

static int
target_indiv(struct report *rp, const struct profile *p, const char *key)
{
	const struct opts *o = rp->o;
	double v[TARGET_MAXCOND];
	int k, rc = target_eval(&o->target, p, o->after, o->before,
	    o->nca.method, o->hours, v);
	int met = rc == 1, na = rc < 0;

	if (o->pta) {
		struct group *g = find_group(rp, key);

		if (g == NULL)
			return twin_nomem(&rp->err);
		g->n++;
		if (na)
			g->na++;
		else
			g->met += met;
		return 0;
	}
	table_text(&rp->tab, p->id);
	put_key(rp, key);
	for (k = 0; k < o->target.n; k++)
		table_num(&rp->tab, v[k]);
	if (na)
		table_text(&rp->tab, ".");
	else
		table_int(&rp->tab, met);
	table_end_row(&rp->tab);
	return 0;
}

static void
target_end(struct report *rp)
{
	int i;

	if (!rp->o->pta)
		return;
	for (i = 0; i < rp->ngrp; i++) {
		const struct group *g = &rp->grp[i];
		long n = g->n - g->na;
		double lo = NAN, hi = NAN;

		if (n > 0)
			target_ci(g->met, n, rp->o->level, &lo, &hi);
		put_key(rp, g->key);
		table_int(&rp->tab, g->n);
		table_int(&rp->tab, g->met);
		table_int(&rp->tab, g->na);
		table_num(&rp->tab, n > 0 ? 100.0 * g->met / n : NAN);
		table_num(&rp->tab, 100 * lo);
		table_num(&rp->tab, 100 * hi);
		table_end_row(&rp->tab);
	}
}

/* bands, and the points of plot and agp */

static double
bin_of(double t, double w)
{
	return w > 0 ? (floor(t / w) + 0.5) * w : t;
}

/* per: minutes per unit of TIME (agp only) */
static int
bands_indiv(struct report *rp, const struct profile *p, const char *key,
    double per)
{
	const struct opts *o = rp->o;
	int i;

	for (i = 0; i < p->n; i++) {
		double x = p->t[i];

		if (x < o->after || x > o->before)
			continue;
		if (o->verb == V_AGP) {
			/* time of day in hours, binned in minutes */
			x = fmod(o->clock0 + x * per / 60, 24);
			x = bin_of(x * 60, o->bin) / 60;
		} else
			x = bin_of(x, o->bin);
		if (bands_add(rp->bands, key, x, p->y[i] *
		    (o->mmol ? CGM_MMOL : 1)) < 0)
			return twin_nomem(&rp->err);
	}
	return 0;
}

static void
qname(char *buf, size_t n, double q)
{
	char num[TWIN_NUMBUF];

	twin_dtoa(q, num);
	snprintf(buf, n, "P%s", num);
}

static void
bands_end(struct report *rp)
{
	const struct opts *o = rp->o;
	char name[64];
	int i, k;

	head_by(rp);
	table_head(&rp->tab, "TIME");
	table_head(&rp->tab, "N");
	for (k = 0; k < o->nq; k++) {
		qname(name, sizeof(name), o->q[k]);
		table_head(&rp->tab, name);
	}
	table_head(&rp->tab, "MEAN");
	table_end_row(&rp->tab);
	for (i = 0; i < bands_ncell(rp->bands); i++) {
		put_key(rp, bands_group(rp->bands, i));
		table_num(&rp->tab, bands_x(rp->bands, i));
		table_int(&rp->tab, bands_count(rp->bands, i));
		for (k = 0; k < o->nq; k++)
			table_num(&rp->tab, bands_quantile(rp->bands, i,
			    o->q[k] / 100));
		table_num(&rp->tab, bands_mean(rp->bands, i));
		table_end_row(&rp->tab);
	}
}

/* cgm */

/* Scratch of n values in tbuf, gbuf and sbuf. */
static int
cgm_bufs(struct report *rp, int n)
{
	if (n <= rp->gcap)
		return 0;
	free(rp->tbuf);
	free(rp->gbuf);
	free(rp->sbuf);
	rp->tbuf = malloc(n * sizeof(double));
	rp->gbuf = malloc(n * sizeof(double));
	rp->sbuf = malloc(n * sizeof(double));
	if (rp->tbuf == NULL || rp->gbuf == NULL || rp->sbuf == NULL) {
		rp->gcap = 0;
		return twin_nomem(&rp->err);
	}
	rp->gcap = n;
	return 0;
}

/* Minutes per unit of TIME in one trace: --time-unit or the model's,
 * else told by the spacing of its readings (cgm_time_scale); what the
 * spacing does not tell is an error.  The CGM metrics of a trace without
 * a spacing (one reading) do not depend on the unit. */
static int
trace_minutes(struct report *rp, const struct rec_reader *r,
    const struct rec_indiv *ind, const struct profile *p, double *per)
{
	const struct opts *o = rp->o;
	char num[TWIN_NUMBUF];
	double med;

	if (o->tunit_known) {
		*per = 60 / o->hours;
		return 0;
	}
	if (cgm_bufs(rp, p->n) < 0)
		return -1;
	if ((*per = cgm_time_scale(p->t, p->n, rp->sbuf, &med)) > 0)
		return 0;
	if (isnan(med) && o->verb == V_CGM) {
		*per = 1;
		return 0;
	}
	if (isnan(med))
		return twin_error(&rp->err, "%s:%ld: ID %s: cannot tell the "
		    "unit of TIME from fewer than two reading times: give "
		    "--time-unit", rec_path(r), ind->row[0].line, ind->id);
	twin_dtoa(med, num);
	return twin_error(&rp->err, "%s:%ld: ID %s: cannot tell the unit of "
	    "TIME from the median spacing of the readings, \"%s\" (sensors "
	    "read every 1, 5 or 15 min, or 1/60, 1/12 or 1/4 h): give "
	    "--time-unit", rec_path(r), ind->row[0].line, ind->id, num);
}

static void
cgm_head(struct report *rp)
{
	static const char *const cols[] = { "ID", "N", "MEAN", "SD", "CV", "GMI",
	    "TBR2", "TBR1", "TIR", "TAR1", "TAR2", "LBGI", "HBGI", "HYPO54",
	    "HYPO70", "COVERAGE" };
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		table_head(&rp->tab, cols[i]);
	table_end_row(&rp->tab);
}

static int
cgm_indiv(struct report *rp, const struct rec_reader *r,
    const struct rec_indiv *ind, const struct profile *p)
{
	const struct opts *o = rp->o;
	struct cgm m;
	double per, interval;
	int i;

	if (trace_minutes(rp, r, ind, p, &per) < 0 ||
	    cgm_bufs(rp, p->n) < 0)
		return -1;
	for (i = 0; i < p->n; i++) {
		rp->tbuf[i] = p->t[i] * per;
		rp->gbuf[i] = p->y[i] * (o->mmol ? CGM_MMOL : 1);
		if (!(rp->gbuf[i] > 0))
			return twin_error(&rp->err, "%s:%ld: ID %s: glucose "
			    "must be positive, got %g", rec_path(r),
			    ind->row[p->row[i]].line, p->id, p->y[i]);
	}
	interval = o->interval > 0 ? o->interval :
	    cgm_interval(rp->tbuf, p->n, rp->sbuf);
	cgm_compute(rp->tbuf, rp->gbuf, p->n, interval, &m);
	table_text(&rp->tab, p->id);
	table_int(&rp->tab, m.n);
	table_num(&rp->tab, m.mean);
	table_num(&rp->tab, m.sd);
	table_num(&rp->tab, m.cv);
	table_num(&rp->tab, m.gmi);
	table_num(&rp->tab, m.tbr2);
	table_num(&rp->tab, m.tbr1);
	table_num(&rp->tab, m.tir);
	table_num(&rp->tab, m.tar1);
	table_num(&rp->tab, m.tar2);
	table_num(&rp->tab, m.lbgi);
	table_num(&rp->tab, m.hbgi);
	table_int(&rp->tab, m.hypo54);
	table_int(&rp->tab, m.hypo70);
	table_num(&rp->tab, m.coverage);
	table_end_row(&rp->tab);
	return 0;
}

/* accuracy */

/* The columns accuracy reads in the current file (-1: absent). */
struct acc_cols {
	int time, evid, mdv, amt, rate, ss, y, ref;
};

static void
accuracy_head(struct report *rp)
{
	static const char *const cols[] = { "N", "BIAS", "MAE", "RMSE", "MARD",
	    "MAXAE", "R" };
	static const char *const zones[] = { "ZONE_A", "ZONE_B", "ZONE_C",
	    "ZONE_D", "ZONE_E" };
	size_t i;

	head_by(rp);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		table_head(&rp->tab, cols[i]);
	for (i = 0; rp->o->clarke && i < sizeof(zones) / sizeof(zones[0]);
	    i++)
		table_head(&rp->tab, zones[i]);
	table_end_row(&rp->tab);
}

/* A number of field col (0 if the column is absent or the field empty). */
static int
acc_num(const struct rec_reader *r, const struct rec_row *row, int col,
    double *x, struct twin_err *err)
{
	int rc;

	*x = 0;
	if (col < 0)
		return 0;
	if ((rc = rec_num(r, row, col, x, err)) == 0)
		*x = 0;
	return rc;
}

/* The pairs of one individual: observation records (EVID 0, or with no
 * EVID the NONMEM default; MDV 0) in [--after, --before] where both
 * columns hold numbers. */
static int
accuracy_indiv(struct report *rp, const struct rec_reader *r,
    const struct rec_indiv *ind, const struct acc_cols *c, const char *key)
{
	const struct opts *o = rp->o;
	struct group *g = find_group(rp, key);
	int i;

	if (g == NULL)
		return twin_nomem(&rp->err);
	for (i = 0; i < ind->nrow; i++) {
		const struct rec_row *row = &ind->row[i];
		double t, evid, mdv, amt, rate, ss, yv, rv;
		int has_evid, ry, rr;

		if ((ry = rec_num(r, row, c->y, &yv, &rp->err)) < 0 ||
		    (rr = rec_num(r, row, c->ref, &rv, &rp->err)) < 0 ||
		    acc_num(r, row, c->time, &t, &rp->err) < 0 ||
		    (has_evid = acc_num(r, row, c->evid, &evid,
		    &rp->err)) < 0 ||
		    acc_num(r, row, c->mdv, &mdv, &rp->err) < 0 ||
		    acc_num(r, row, c->amt, &amt, &rp->err) < 0 ||
		    acc_num(r, row, c->rate, &rate, &rp->err) < 0 ||
		    acc_num(r, row, c->ss, &ss, &rp->err) < 0)
			return -1;
		if (ry == 0 || rr == 0 || mdv != 0)
			continue;
		if (!has_evid)
			evid = ev_evid_default(amt, rate, (int)ss, mdv);
		if (evid != 0)
			continue;
		if (c->time >= 0 && (t < o->after || t > o->before))
			continue;
		acc_add(&g->acc, yv, rv, o->mmol ? CGM_MMOL : 1);
	}
	return 0;
}

static void
accuracy_end(struct report *rp)
{
	int i, z;

	for (i = 0; i < rp->ngrp; i++) {
		struct accuracy a;

		acc_result(&rp->grp[i].acc, &a);
		put_key(rp, rp->grp[i].key);
		table_int(&rp->tab, a.n);
		table_num(&rp->tab, a.bias);
		table_num(&rp->tab, a.mae);
		table_num(&rp->tab, a.rmse);
		table_num(&rp->tab, a.mard);
		table_num(&rp->tab, a.maxae);
		table_num(&rp->tab, a.r);
		for (z = 0; rp->o->clarke && z < CLARKE_NZONE; z++)
			table_num(&rp->tab, a.zone[z]);
		table_end_row(&rp->tab);
	}
}

/* plot */

static int
push(double **x, double **y, size_t *n, size_t *cap, double a, double b)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 1024;
		void *p;

		if ((p = realloc(*x, c * sizeof(double))) == NULL)
			return -1;
		*x = p;
		if ((p = realloc(*y, c * sizeof(double))) == NULL)
			return -1;
		*y = p;
		*cap = c;
	}
	(*x)[*n] = a;
	(*y)[(*n)++] = b;
	return 0;
}

/* plot: the individual's panel (--facet: the value in its first row),
 * and the dosing interval for the time ticks (the first II > 0). */
static int
plot_facet_tau(struct report *rp, const struct rec_reader *r,
    const struct rec_indiv *ind)
{
	const char *v;
	double ii;
	int i, k;

	for (i = 0; rp->tau == 0 && rp->taucol >= 0 && i < ind->nrow; i++)
		if (rec_num(r, &ind->row[i], rp->taucol, &ii, NULL) > 0 &&
		    ii > 0)
			rp->tau = ii;
	if (rp->o->facet == NULL)
		return 0;
	v = ind->row[0].field[rp->facetcol];
	for (k = 0; k < rp->nfkey; k++)
		if (!strcmp(rp->fkey[k], v))
			break;
	if (k == rp->nfkey) {
		char **a;

		if (k == CHART_MAX_PANELS)
			return twin_error(&rp->err, "%s:%ld: --facet %s: more "
			    "than %d panels", rec_path(r), ind->row[0].line,
			    rp->o->facet, CHART_MAX_PANELS);
		if ((a = realloc(rp->fkey, (k + 1) * sizeof(char *))) == NULL)
			return twin_nomem(&rp->err);
		rp->fkey = a;
		if ((a[k] = strdup(v)) == NULL)
			return twin_nomem(&rp->err);
		rp->nfkey++;
	}
	rp->curfacet = k;
	return 0;
}

static int
plot_indiv(struct report *rp, const struct profile *p,
    const struct profile *obs, const char *key)
{
	const struct opts *o = rp->o;
	struct group *g;
	int i;

	if (o->bands)
		return bands_indiv(rp, p, key, 1);
	for (i = 0; i < p->n; i++)
		if (p->t[i] >= o->after && p->t[i] <= o->before &&
		    push(&rp->px, &rp->py, &rp->np, &rp->pcap, p->t[i],
		    p->y[i]) < 0)
			return twin_nomem(&rp->err);
	/* NAN ends the individual's line; its group colours it */
	if (push(&rp->px, &rp->py, &rp->np, &rp->pcap, NAN, NAN) < 0 ||
	    (g = find_group(rp, key)) == NULL)
		return twin_nomem(&rp->err);
	if (rp->nseg == rp->segcap) {
		size_t cap = rp->segcap ? 2 * rp->segcap : 256;
		int *a = realloc(rp->seggrp, cap * sizeof(int));
		int *f = a ? realloc(rp->segfacet, cap * sizeof(int)) : NULL;
		size_t *b = f ? realloc(rp->segobs, cap * sizeof(size_t)) :
		    NULL;

		if (a != NULL)
			rp->seggrp = a;
		if (f != NULL)
			rp->segfacet = f;
		if (b == NULL)
			return twin_nomem(&rp->err);
		rp->segobs = b;
		rp->segcap = cap;
	}
	rp->segfacet[rp->nseg] = rp->curfacet;
	rp->segobs[rp->nseg] = rp->no;
	rp->seggrp[rp->nseg++] = (int)(g - rp->grp);
	for (i = 0; obs != NULL && i < obs->n; i++)
		if (obs->t[i] >= o->after && obs->t[i] <= o->before &&
		    push(&rp->ox, &rp->oy, &rp->no, &rp->ocap, obs->t[i],
		    obs->y[i]) < 0)
			return twin_nomem(&rp->err);
	return 0;
}

/* Colours of groups: Okabe and Ito's, told apart by colour-blind eyes. */
static const char *const palette[] = { "#0072B2", "#D55E00", "#009E73",
    "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999" };
#define NPALETTE (int)(sizeof(palette) / sizeof(palette[0]))

/* "ARM=odd, WTBAND=2" of a tab-joined key. */
static void
group_label(const struct report *rp, const char *key, char *buf, size_t n)
{
	size_t len = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < rp->o->nby && len < n; k++) {
		const char *tab = strchr(key, '\t');
		int vl = tab ? (int)(tab - key) : (int)strlen(key);

		len += snprintf(buf + len, n - len, "%s%s=%.*s", k ? ", " : "",
		    rp->o->by[k], vl, key);
		key = tab ? tab + 1 : key + vl;
	}
}

/* One group's bands: ribbon of 5th-95th, line of the median. */
static void
plot_group_bands(struct report *rp, struct chart *ch, const double *bx,
    double *const *q, int c0, int c1, int color)
{
	char label[256], full[300];

	chart_ribbon(ch, bx + c0, q[0] + c0, q[4] + c0, c1 - c0,
	    palette[color % NPALETTE], 0.2);
	chart_line(ch, bx + c0, q[2] + c0, c1 - c0, palette[color % NPALETTE],
	    2, 1);
	group_label(rp, bands_group(rp->bands, c0), label, sizeof(label));
	snprintf(full, sizeof(full), "%s: median, 5th-95th", label);
	chart_legend(ch, full, palette[color % NPALETTE], LEGEND_LINE);
}

/* Individual lines coloured by group, a legend entry per group. */
static void
plot_group_lines(struct report *rp, struct chart *ch)
{
	char label[256];
	size_t i, start = 0, k = 0;
	int g;

	for (i = 0; i < rp->np; i++) {
		if (!isnan(rp->px[i]))
			continue;
		g = k < rp->nseg ? rp->seggrp[k] : 0;
		chart_line(ch, rp->px + start, rp->py + start, (int)(i - start),
		    palette[g % NPALETTE], 1.2, 0.6);
		start = i + 1;
		k++;
	}
	for (g = 0; g < rp->ngrp; g++) {
		group_label(rp, rp->grp[g].key, label, sizeof(label));
		chart_legend(ch, label, palette[g % NPALETTE], LEGEND_LINE);
	}
}

static void
extend(double *lo, double *hi, const double *v, size_t n, int logy)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]) || (logy && !(v[i] > 0)))
			continue;
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
}

/* Quantile p of every cell, in x order (one group). */
static double *
band_column(struct bands *b, double p)
{
	int i, n = bands_ncell(b);
	double *v = malloc((n + 1) * sizeof(double));

	for (i = 0; v != NULL && i < n; i++)
		v[i] = bands_quantile(b, i, p);
	return v;
}

/* plot --target: the band (or line) and its legend entry. */
static void
plot_target(struct report *rp, struct chart *ch)
{
	const struct opts *o = rp->o;
	char buf[128], lo[TWIN_NUMBUF], hi[TWIN_NUMBUF];

	if (!o->tset)
		return;
	twin_dtoa(o->tlo, lo);
	twin_dtoa(o->thi, hi);
	if (o->tlo < o->thi) {
		chart_hband(ch, o->tlo, o->thi, "#e3f4e3");
		snprintf(buf, sizeof(buf), "target %s-%s", lo, hi);
		chart_legend(ch, buf, "#b5dcb5", LEGEND_RIBBON);
	} else {
		chart_hline(ch, o->tlo, "#009E73", 1);
		snprintf(buf, sizeof(buf), "target %s", lo);
		chart_legend(ch, buf, "#009E73", LEGEND_LINE);
	}
}

/*
 * More than CHART_MAX_LINES individual lines: their quantile bands
 * instead (as --bands), with a warning.
 */
static int
lines_to_bands(struct report *rp)
{
	size_t i, k = 0;

	cli_warn(PROG, "%zu individuals are more lines than %d: drawing "
	    "their quantile bands instead (as --bands)", rp->nseg,
	    CHART_MAX_LINES);
	if (rp->bands == NULL && (rp->bands = bands_new()) == NULL)
		return twin_nomem(&rp->err);
	for (i = 0; i < rp->np; i++) {
		if (isnan(rp->px[i])) {
			k++;
			continue;
		}
		if (bands_add(rp->bands, rp->grp[rp->seggrp[k]].key,
		    bin_of(rp->px[i], rp->o->bin), rp->py[i]) < 0)
			return twin_nomem(&rp->err);
	}
	rp->np = 0;
	return 0;
}

/* plot --facet: a panel per value, the same axes in each. */
static int
plot_facets(struct report *rp, double x0, double x1, double y0, double y1,
    double xstep)
{
	const struct opts *o = rp->o;
	struct outbuf *ob = &rp->ob;
	double left = 22, top = o->title ? 34 : 10, right = o->width - 6;
	double bottom = o->height - 24, w, h;
	char buf[300], xl[128];
	int ncol, nrow, f;
	size_t i, k;

	chart_grid(rp->nfkey, &ncol, &nrow);
	w = (right - left) / ncol;
	h = (bottom - top) / nrow;
	svg_begin(ob, o->width, o->height);
	svg_text(ob, o->width / 2, 24, 0, 15, o->title);
	snprintf(xl, sizeof(xl), "Time (%s)", o->tunit);
	svg_text(ob, o->width / 2, o->height - 10, 0, 12,
	    o->xlabel ? o->xlabel : xl);
	svg_text(ob, 14, o->height / 2, -90, 12, o->ylabel ? o->ylabel :
	    o->y);
	for (f = 0; f < rp->nfkey; f++) {
		struct panel p = { left + (f % ncol) * w, top + (f / ncol) * h,
		    w, h, x0, x1, y0, y1, 0, o->logy, 0, f };
		struct chart c;
		size_t start = 0;

		chart_panel(&c, ob, &p);
		snprintf(buf, sizeof(buf), "%s=%s", o->facet, rp->fkey[f]);
		chart_axes(&c, buf, NULL, NULL, xstep, 0);
		if (o->tset && o->tlo < o->thi)
			chart_hband(&c, o->tlo, o->thi, "#e3f4e3");
		else if (o->tset)
			chart_hline(&c, o->tlo, "#009E73", 1);
		for (i = k = 0; i < rp->np; i++) {
			if (!isnan(rp->px[i]))
				continue;
			if (rp->segfacet[k] == f)
				chart_line(&c, rp->px + start, rp->py + start,
				    (int)(i - start), palette[rp->seggrp[k] %
				    NPALETTE], 1.2, 0.8);
			start = i + 1;
			k++;
		}
		for (k = 0; !o->noobs && k < rp->nseg; k++) {
			size_t end = k + 1 < rp->nseg ? rp->segobs[k + 1] :
			    rp->no;

			if (rp->segfacet[k] == f)
				chart_points(&c, rp->ox + rp->segobs[k],
				    rp->oy + rp->segobs[k],
				    (int)(end - rp->segobs[k]), "#000000");
		}
	}
	svg_end(ob);
	return 0;
}

static int
plot_end(struct report *rp)
{
	const struct opts *o = rp->o;
	struct chart ch;
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
	double *bx = NULL, *q[5] = { NULL };
	static const double qs[5] = { 0.05, 0.25, 0.5, 0.75, 0.95 };
	char xl[128];
	int i, nb = 0, agp = o->verb == V_AGP, rc = 0, bands = o->bands;
	double xstep, tau = o->nca.tau > 0 ? o->nca.tau : rp->tau;
	size_t mark;

	if (!bands && !agp && o->facet == NULL &&
	    rp->nseg > CHART_MAX_LINES) {
		if (lines_to_bands(rp) < 0)
			return -1;
		bands = 1;
	}
	if (bands || agp) {
		if (bands_sort(rp->bands) < 0)
			return twin_nomem(&rp->err);
		nb = bands_ncell(rp->bands);
		bx = malloc((nb + 1) * sizeof(double));
		for (i = 0; bx != NULL && i < nb; i++)
			bx[i] = bands_x(rp->bands, i);
		for (i = 0; i < 5; i++)
			q[i] = band_column(rp->bands, qs[i]);
		if (bx == NULL || !q[0] || !q[1] || !q[2] || !q[3] || !q[4]) {
			rc = twin_nomem(&rp->err);
			goto out;
		}
		extend(&x0, &x1, bx, nb, 0);
		extend(&y0, &y1, q[0], nb, o->logy);
		extend(&y0, &y1, q[4], nb, o->logy);
	}
	extend(&x0, &x1, rp->px, rp->np, 0);
	extend(&y0, &y1, rp->py, rp->np, o->logy);
	if (!o->noobs) {
		extend(&x0, &x1, rp->ox, rp->no, 0);
		extend(&y0, &y1, rp->oy, rp->no, o->logy);
	}
	if (agp) {
		x0 = 0;
		x1 = 24;
		y0 = o->logy ? y0 : 0;
		y1 = y1 > 350 ? y1 : 350;
	} else if (!(x0 <= x1)) {
		rc = twin_error(&rp->err, "nothing to plot: no values of %s",
		    o->y);
		goto out;
	}
	if (!o->logy && !agp && y0 > 0)
		y0 = 0;
	if (o->tset && !agp) {
		double t[2] = { o->tlo, o->thi };

		extend(&y0, &y1, t, 2, o->logy);
	}
	if (!agp)
		chart_headroom(y0, &y1, o->logy);
	xstep = agp ? 3 : chart_time_step(x1 - x0, o->tunit_known ||
	    !strcmp(o->tunit, "h") ? o->hours : 0, tau, 8);
	if (o->facet != NULL) {
		rc = plot_facets(rp, x0, x1, y0, y1, xstep);
		goto out;
	}
	memset(&ch, 0, sizeof(ch));
	mark = rp->ob.len;
again:
	chart_begin(&ch, &rp->ob, o->width, o->height, x0, x1, y0, y1,
	    o->logy);
	if (agp) {
		chart_hband(&ch, CGM_LOW, CGM_HIGH, "#e3f4e3");
		snprintf(xl, sizeof(xl), "Time of day");
		chart_axes(&ch, o->title ? o->title :
		    "Ambulatory glucose profile", o->xlabel ? o->xlabel : xl,
		    o->ylabel ? o->ylabel : "Glucose (mg/dL)", 3, 1);
	} else {
		snprintf(xl, sizeof(xl), "Time (%s)", o->tunit);
		chart_axes(&ch, o->title, o->xlabel ? o->xlabel : xl,
		    o->ylabel ? o->ylabel : o->y, xstep, 0);
		plot_target(rp, &ch);
	}
	if (bands && o->nby > 0) {
		int c0 = 0, c, color = 0;

		for (c = 1; c <= nb; c++)
			if (c == nb || strcmp(bands_group(rp->bands, c),
			    bands_group(rp->bands, c0)) != 0) {
				plot_group_bands(rp, &ch, bx, q, c0, c,
				    color++);
				c0 = c;
			}
	} else if (bands || agp) {
		chart_ribbon(&ch, bx, q[0], q[4], nb, "#4a7ab5", 0.25);
		chart_ribbon(&ch, bx, q[1], q[3], nb, "#4a7ab5", 0.45);
		chart_line(&ch, bx, q[2], nb, "#1d3f6e", 2, 1);
		chart_legend(&ch, "median", "#1d3f6e", LEGEND_LINE);
		chart_legend(&ch, "25th-75th percentile", "#4a7ab5",
		    LEGEND_RIBBON);
		chart_legend(&ch, "5th-95th percentile", "#a4bddb",
		    LEGEND_RIBBON);
		if (agp)
			chart_legend(&ch, "target 70-180 mg/dL", "#b5dcb5",
			    LEGEND_RIBBON);
	} else if (o->nby > 0)
		plot_group_lines(rp, &ch);
	else
		chart_line(&ch, rp->px, rp->py, (int)rp->np, "#2b5c9e", 1.2,
		    0.6);
	if (!o->noobs && rp->no > 0) {
		chart_points(&ch, rp->ox, rp->oy, (int)rp->no, "#000000");
		chart_legend(&ch, "observed", "#000000", LEGEND_POINT);
	}
	if (ch.legend_used > ch.legend_rows) {
		/* the legend took more rows than were kept free: again,
		 * with them kept */
		int rows = ch.legend_used;

		rp->ob.len = mark;
		memset(&ch, 0, sizeof(ch));
		ch.legend_rows = rows;
		goto again;
	}
	chart_end(&ch);
out:
	free(bx);
	for (i = 0; i < 5; i++)
		free(q[i]);
	return rc;
}

/* --partial: every value of a table of values (bands, agp, nca
 * --summary), a row each, for --merge. */
static int
partial_end(struct report *rp)
{
	int i, j;

	head_by(rp);
	table_head(&rp->tab, "X");
	table_head(&rp->tab, "Y");
	table_end_row(&rp->tab);
	for (i = 0; i < bands_ncell(rp->bands); i++) {
		const double *v = bands_values(rp->bands, i);

		for (j = 0; j < bands_count(rp->bands, i); j++) {
			put_key(rp, bands_group(rp->bands, i));
			table_num(&rp->tab, bands_x(rp->bands, i));
			table_num(&rp->tab, v[j]);
			table_end_row(&rp->tab);
			if (rp->ob.len > 65536 && flush(rp) < 0)
				return -1;
		}
	}
	return 0;
}

/* --merge: one shard's output into the tables, as if its individuals
 * had been read here. */
static int
merge_file(struct report *rp, struct cli_merge *m, const char *path)
{
	const struct opts *o = rp->o;
	struct tsv t;
	char key[1024];
	int k, nkey = o->nby, c[3], rc, cmt;
	size_t len;

	if (tsv_open_path(&t, path, &rp->err) < 0)
		return -1;
	if (cli_merge_add(m, path, tsv_comments(&t),
	    o->verb == V_TARGET ? 2 : 1, &rp->err) < 0) {
		tsv_close(&t);
		return -1;
	}
	cmt = o->verb == V_NCA && t.nhead > nkey &&
	    !strcmp(t.head[nkey], "CMT");
	if (m->nk == 1)
		rp->cmtsplit = cmt;
	for (k = 0; k < o->nby; k++)
		if (k >= t.nhead || strcmp(t.head[k], o->by[k]) != 0)
			break;
	if (k < o->nby || cmt != rp->cmtsplit) {
		tsv_close(&t);
		return twin_error(&rp->err, "%s: not a shard's output of this "
		    "merge: its columns differ", path);
	}
	nkey += cmt;
	if (values_verb(o)) {
		c[0] = tsv_col(&t, "X", &rp->err);
		c[1] = tsv_col(&t, "Y", &rp->err);
		c[2] = 0;
	} else {
		c[0] = tsv_col(&t, "N", &rp->err);
		c[1] = tsv_col(&t, "MET", &rp->err);
		c[2] = tsv_col(&t, "NA", &rp->err);
	}
	if (c[0] < 0 || c[1] < 0 || c[2] < 0) {
		tsv_close(&t);
		return twin_error_prefix(&rp->err, "%s", values_verb(o) ?
		    "not a --partial output" : "not a target --pta output");
	}
	while ((rc = tsv_next(&t, &rp->err)) == 1) {
		struct group *g;
		double x, y;

		for (k = 0, len = 0; k < nkey; k++)
			len += snprintf(key + len, len < sizeof(key) ?
			    sizeof(key) - len : 0, "%s%s", k ? "\t" : "",
			    t.col[k]);
		if (values_verb(o)) {
			if (tsv_num(&t, c[0], 0, &x, &rp->err) < 0 ||
			    tsv_num(&t, c[1], 0, &y, &rp->err) < 0)
				break;
			if (bands_add(rp->bands, key, x, y) < 0) {
				twin_nomem(&rp->err);
				break;
			}
		} else if ((g = find_group(rp, key)) == NULL) {
			twin_nomem(&rp->err);
			break;
		} else if (tsv_count(&t, c[0], &g->n, &rp->err) < 0 ||
		    tsv_count(&t, c[1], &g->met, &rp->err) < 0 ||
		    tsv_count(&t, c[2], &g->na, &rp->err) < 0)
			break;
		rc = 0;
	}
	tsv_close(&t);
	return rc != 0 ? -1 : 0;	/* 1: a row broke off */
}

static int
cmp_group(const void *a, const void *b)
{
	return bands_keycmp(((const struct group *)a)->key,
	    ((const struct group *)b)->key);
}

static int
run_file(struct report *rp, struct rec_reader *r)
{
	const struct opts *o = rp->o;
	struct profile_cols pc, oc;
	struct acc_cols ac = { -1, -1, -1, -1, -1, -1, -1, -1 };
	struct profile p = { 0 }, obs = { 0 };
	struct rec_indiv ind = { 0 };
	char key[1024];
	double per;
	int k, rc, withobs;

	if (o->verb == V_VPC)
		return vpc_read(rp->vpc, r, o->y, 0, o->pc.lloq_value,
		    &rp->haslloq, &rp->err);
	pc = o->pc;
	if (o->verb == V_NCA)
		pc.cmt_value = o->cmt;
	if (profile_cols(&pc, r, o->y, &rp->err) < 0)
		return -1;
	if (o->verb == V_NCA && !rp->headdone) {
		/* the first file decides the columns */
		rp->cmtsplit = o->cmt == NULL && pc.cmt >= 0 &&
		    !strcmp(o->y, "DV");
		nca_head(rp);
		rp->headdone = 1;
	}
	oc = o->pc;
	withobs = o->verb == V_PLOT && !o->noobs && strcmp(o->y, "DV") != 0 &&
	    rec_col(r, "DV") >= 0;
	if (withobs && profile_cols(&oc, r, "DV", &rp->err) < 0)
		return -1;
	if (o->verb == V_ACCURACY) {
		ac.time = rec_col(r, "TIME");
		ac.evid = rec_col(r, "EVID");
		ac.mdv = rec_col(r, "MDV");
		ac.amt = rec_col(r, "AMT");
		ac.rate = rec_col(r, "RATE");
		ac.ss = rec_col(r, "SS");
		ac.y = rec_col(r, o->y);
		if ((ac.ref = rec_col(r, o->ref)) < 0)
			return twin_error(&rp->err, "%s:%ld: --ref: no column "
			    "\"%s\"", rec_path(r), rec_header_line(r),
			    o->ref);
		if (ac.time < 0 && (isfinite(o->after) ||
		    isfinite(o->before)))
			return twin_error(&rp->err, "%s:%ld: --after and "
			    "--before need a TIME column", rec_path(r),
			    rec_header_line(r));
	}
	rp->taucol = rec_col(r, "II");
	if (o->verb == V_PLOT && o->facet != NULL &&
	    (rp->facetcol = rec_col(r, o->facet)) < 0)
		return twin_error(&rp->err, "%s:%ld: --facet: no column "
		    "\"%s\"", rec_path(r), rec_header_line(r), o->facet);
	for (k = 0; k < o->nby; k++)
		if ((rp->by[k] = rec_col(r, o->by[k])) < 0)
			return twin_error(&rp->err, "%s:%ld: --by: no column "
			    "\"%s\"", rec_path(r), rec_header_line(r),
			    o->by[k]);
	while ((rc = rec_next(r, &ind, &rp->err)) > 0) {
		if (profile_read(&p, &pc, r, &ind, &rp->err) < 0 ||
		    (withobs && profile_read(&obs, &oc, r, &ind,
		    &rp->err) < 0))
			goto bad;
		group_key(rp, &ind, key, sizeof(key));
		rp->nread++;
		switch (o->verb) {
		case V_NCA:
			rc = nca_indiv(rp, r, &ind, &pc, &p, key);
			break;
		case V_TARGET:
			rc = target_indiv(rp, &p, key);
			break;
		case V_BANDS:
			rc = bands_indiv(rp, &p, key, 1);
			break;
		case V_AGP:
			rc = trace_minutes(rp, r, &ind, &p, &per) < 0 ? -1 :
			    bands_indiv(rp, &p, key, per);
			break;
		case V_CGM:
			rc = cgm_indiv(rp, r, &ind, &p);
			break;
		case V_PLOT:
			rc = plot_facet_tau(rp, r, &ind) < 0 ? -1 :
			    plot_indiv(rp, &p, withobs ? &obs : o->noobs ||
			    strcmp(o->y, "DV") != 0 ? NULL : &p, key);
			break;
		case V_ACCURACY:
			rc = accuracy_indiv(rp, r, &ind, &ac, key);
			break;
		case V_VPC:	/* read by vpc_read */
		case V_GOF:	/* run_gof reads its own */
			break;
		}
		if (rc < 0 || flush(rp) < 0)
			goto bad;
	}
	if (rc < 0)
		goto bad;
	profile_free(&p);
	profile_free(&obs);
	rec_indiv_free(&ind);
	return 0;
bad:
	profile_free(&p);
	profile_free(&obs);
	rec_indiv_free(&ind);
	return -1;
}

/* vpc */

/* A legend entry "what P50" (median 1: the percentile mid) or "what P5,
 * P95" (the others), if any. */
static void
vpc_legend(struct chart *ch, const struct vpc_opts *vo, int mid, int median,
    const char *what, const char *color, int style)
{
	char label[256], pn[64];
	size_t len;
	int k, n = 0;

	len = (size_t)snprintf(label, sizeof(label), "%s", what);
	for (k = 0; k < vo->npct && len < sizeof(label); k++)
		if ((k == mid) == median) {
			qname(pn, sizeof(pn), 100 * vo->pct[k]);
			len += (size_t)snprintf(label + len, sizeof(label) -
			    len, "%s %s", n++ ? "," : "", pn);
		}
	if (n > 0)
		chart_legend(ch, label, color, style);
}

/* The legend of the picture. */
static void
vpc_legends(struct chart *ch, const struct vpc_opts *vo, int mid,
    double lloq)
{
	char pn[64];

	vpc_legend(ch, vo, mid, 1, "observed", "#8c2d04", LEGEND_LINE);
	vpc_legend(ch, vo, mid, 0, "observed", "#08306b", LEGEND_LINE);
	snprintf(pn, sizeof(pn), "simulated %g%% CI of", 100 * vo->ci);
	vpc_legend(ch, vo, mid, 1, pn, "#D55E00", LEGEND_RIBBON);
	vpc_legend(ch, vo, mid, 0, pn, "#0072B2", LEGEND_RIBBON);
	chart_legend(ch, "observed", "#777777", LEGEND_POINT);
	if (!isnan(lloq) && !vo->pc)
		chart_legend(ch, "LLOQ", "#555555", LEGEND_LINE);
}

/* One check in a chart: the simulated intervals of each percentile
 * shaded (the one nearest the median red, the others blue), the observed
 * percentiles as lines over them (broken where censored), the observed
 * samples as points and the LLOQ as a grey line from x0 to x1.  col:
 * room for 3 nbin values. */
static void
vpc_draw(struct chart *ch, const struct vpc_result *res,
    const struct vpc_opts *vo, int mid, double lloq, double x0, double x1,
    double *col)
{
	int nb = res->nbin, b, k;

	for (b = 0; b < nb; b++)
		col[b] = res->bin[b].t;
	for (k = 0; k < vo->npct; k++) {
		for (b = 0; b < nb; b++) {
			col[nb + b] = res->bin[b].pct[k].lo;
			col[2 * nb + b] = res->bin[b].pct[k].hi;
		}
		chart_ribbon(ch, col, col + nb, col + 2 * nb, nb,
		    k == mid ? "#D55E00" : "#0072B2", 0.25);
	}
	chart_points(ch, res->t, res->y, (int)res->n, "#777777");
	if (!isnan(lloq) && !vo->pc) {
		double lx[2], ly[2];

		lx[0] = x0;
		lx[1] = x1;
		ly[0] = ly[1] = lloq;
		chart_line(ch, lx, ly, 2, "#555555", 1, 0.8);
	}
	for (k = 0; k < vo->npct; k++) {
		for (b = 0; b < nb; b++)
			col[nb + b] = res->bin[b].pct[k].obs;
		chart_line(ch, col, col + nb, nb, k == mid ? "#8c2d04" :
		    "#08306b", 2, 1);
	}
}

/* vpc --by: a panel per stratum with the same axes, the legend above
 * them. */
static void
vpc_panels(struct report *rp, struct outbuf *ob, const struct vpc_result *res,
    const char *const *key, int nst, int mid, double lloq, double x0,
    double x1, double y0, double y1, double *col)
{
	const struct opts *o = rp->o;
	const struct vpc_opts *vo = &o->vpc.vo;
	struct outbuf scratch = { 0 };
	struct chart lg;
	double left = 22, right = o->width - 6, bottom = o->height - 24;
	double top, w, h;
	char xl[128], buf[300];
	int ncol, nrow, f, rows;

	/* the legend's rows first, to know where the panels start */
	memset(&lg, 0, sizeof(lg));
	lg.ob = &scratch;
	lg.left = lg.legend_x = left + CHART_PANEL_LEFT;
	lg.right = right;
	lg.legend_used = 1;
	vpc_legends(&lg, vo, mid, lloq);
	rows = lg.legend_used;
	ob_free(&scratch);
	top = 52 + 16 * (rows - 1);
	chart_grid(nst, &ncol, &nrow);
	w = (right - left) / ncol;
	h = (bottom - top) / nrow;
	svg_begin(ob, o->width, o->height);
	svg_text(ob, o->width / 2, 24, 0, 15, o->title ? o->title : vo->pc ?
	    "Prediction-corrected visual predictive check" :
	    "Visual predictive check");
	snprintf(xl, sizeof(xl), "Time (%s)", o->tunit);
	svg_text(ob, o->width / 2, o->height - 10, 0, 12,
	    o->xlabel ? o->xlabel : xl);
	svg_text(ob, 14, o->height / 2, -90, 12, o->ylabel ? o->ylabel :
	    o->y);
	memset(&lg, 0, sizeof(lg));
	lg.ob = ob;
	lg.left = lg.legend_x = left + CHART_PANEL_LEFT;
	lg.right = right;
	lg.legend_used = 1;
	vpc_legends(&lg, vo, mid, lloq);
	for (f = 0; f < nst; f++) {
		struct panel p = { left + (f % ncol) * w, top + (f / ncol) * h,
		    w, h, x0, x1, y0, y1, 0, o->logy, 0, f };
		struct chart c;

		chart_panel(&c, ob, &p);
		group_label(rp, key[f], buf, sizeof(buf));
		chart_axes(&c, buf, NULL, NULL, 0, 0);
		vpc_draw(&c, &res[f], vo, mid, lloq, x0, x1, col);
	}
	svg_end(ob);
}

/* The picture of the nst checks res (one without --by; a panel per
 * stratum, titled by key, with it). */
static int
vpc_svg(struct report *rp, const struct vpc_result *res,
    const char *const *key, int nst, double lloq)
{
	const struct opts *o = rp->o;
	const struct vpc_opts *vo = &o->vpc.vo;
	struct outbuf ob = { 0 };
	struct rec_writer *w;
	struct chart ch;
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
	double *col;
	char xl[128];
	int maxnb = 0, b, k, f, mid = 0, rc = 0;

	for (f = 0; f < nst; f++) {
		if (res[f].nbin > maxnb)
			maxnb = res[f].nbin;
		extend(&x0, &x1, res[f].t, res[f].n, 0);
		extend(&y0, &y1, res[f].y, res[f].n, o->logy);
		for (b = 0; b < res[f].nbin; b++)
			for (k = 0; k < vo->npct; k++) {
				extend(&y0, &y1, &res[f].bin[b].pct[k].lo, 1,
				    o->logy);
				extend(&y0, &y1, &res[f].bin[b].pct[k].hi, 1,
				    o->logy);
			}
	}
	if (!(y0 <= y1))
		return twin_error(&rp->err, "vpc: nothing to draw on a log "
		    "axis (no positive values)");
	if ((col = malloc((size_t)(3 * maxnb + 2) * sizeof(double))) == NULL)
		return twin_nomem(&rp->err);
	for (k = 1; k < vo->npct; k++)
		if (fabs(vo->pct[k] - 0.5) < fabs(vo->pct[mid] - 0.5))
			mid = k;
	if (!o->logy && y0 > 0)
		y0 = 0;
	if (o->nby > 0) {
		vpc_panels(rp, &ob, res, key, nst, mid, lloq, x0, x1, y0, y1,
		    col);
		goto write;
	}
	memset(&ch, 0, sizeof(ch));
again:
	ob.len = 0;
	chart_begin(&ch, &ob, o->width, o->height, x0, x1, y0, y1, o->logy);
	snprintf(xl, sizeof(xl), "Time (%s)", o->tunit);
	chart_axes(&ch, o->title ? o->title : vo->pc ?
	    "Prediction-corrected visual predictive check" :
	    "Visual predictive check", o->xlabel ? o->xlabel : xl,
	    o->ylabel ? o->ylabel : o->y, 0, 0);
	vpc_draw(&ch, &res[0], vo, mid, lloq, x0, x1, col);
	vpc_legends(&ch, vo, mid, lloq);
	if (ch.legend_used > ch.legend_rows) {
		int rows = ch.legend_used;

		memset(&ch, 0, sizeof(ch));
		ch.legend_rows = rows;
		goto again;
	}
	chart_end(&ch);
write:
	if ((w = rec_wopen(o->vpc.svg, 0, &rp->err)) == NULL ||
	    rec_write(w, ob.p, ob.len, &rp->err) < 0)
		rc = -1;
	if (w != NULL && rec_wclose(w, rc == 0, &rp->err) < 0)
		rc = -1;
	ob_free(&ob);
	free(col);
	return rc;
}

static void
vpc_row(struct report *rp, const char *key, const struct vpc_bin *bn, int b,
    const char *stat, const struct vpc_stat *s)
{
	put_key(rp, key);
	table_int(&rp->tab, b + 1);
	table_num(&rp->tab, bn->from);
	table_num(&rp->tab, bn->to);
	table_num(&rp->tab, bn->t);
	table_int(&rp->tab, bn->nobs);
	table_int(&rp->tab, bn->nrep);
	if (rp->o->vpc.vo.pc)
		table_num(&rp->tab, bn->pred);
	table_text(&rp->tab, stat);
	table_num(&rp->tab, s->obs);
	table_num(&rp->tab, s->med);
	table_num(&rp->tab, s->lo);
	table_num(&rp->tab, s->hi);
	if (isnan(s->obs) || isnan(s->lo))
		table_text(&rp->tab, ".");
	else
		table_int(&rp->tab, s->outside);
	table_end_row(&rp->tab);
}

/* The simulated replicates, the computation (per stratum with --by), the
 * table and the picture. */
static int
vpc_end(struct report *rp)
{
	const struct opts *o = rp->o;
	const struct vpc_opts *vo = &o->vpc.vo;
	static const char *const head[] = { "BIN", "FROM", "TO", "TIME",
	    "NOBS", "NREP", "PRED", "STAT", "OBS", "SIM", "SIM_LO", "SIM_HI",
	    "OUTSIDE" };
	struct vpc_result *res;
	const char **key;
	struct rec_reader *r;
	char pn[64], label[300];
	int b, k, f, nst, rc, sl = 0;

	if ((r = cli_rec_open(o->vpc.sim, &rp->err)) == NULL)
		return -1;
	rc = vpc_read(rp->vpc, r, o->y, 1, o->pc.lloq_value, &sl, &rp->err);
	rec_close(r);
	if (rc < 0)
		return -1;
	/* no samples: one (pooled) check, which says so */
	nst = vpc_nstrata(rp->vpc);
	if (nst == 0)
		nst = 1;
	res = calloc((size_t)nst, sizeof(*res));
	key = calloc((size_t)nst, sizeof(*key));
	if (res == NULL || key == NULL) {
		free(res);
		free(key);
		return twin_nomem(&rp->err);
	}
	for (f = 0; f < nst && rc == 0; f++) {
		key[f] = vpc_stratum(rp->vpc, f);
		if (key[f] == NULL)
			key[f] = "";
		if (o->nby == 0)
			rc = vpc_compute(rp->vpc, vo, &res[f], &rp->err);
		else if ((rc = vpc_compute_stratum(rp->vpc, f, vo, &res[f],
		    &rp->err)) < 0) {
			group_label(rp, key[f], label, sizeof(label));
			twin_error_prefix(&rp->err, "%s", label);
		}
	}
	if (rc == 0) {
		size_t i;

		head_by(rp);
		for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
			if (vo->pc || strcmp(head[i], "PRED") != 0)
				table_head(&rp->tab, head[i]);
		table_end_row(&rp->tab);
	}
	for (f = 0; f < nst && rc == 0; f++)
		for (b = 0; b < res[f].nbin; b++) {
			const struct vpc_bin *bn = &res[f].bin[b];

			for (k = 0; k < vo->npct; k++) {
				qname(pn, sizeof(pn), 100 * vo->pct[k]);
				vpc_row(rp, key[f], bn, b, pn, &bn->pct[k]);
			}
			if (rp->haslloq || sl)
				vpc_row(rp, key[f], bn, b, "BLQ", &bn->blq);
		}
	if (rc == 0 && o->vpc.svg != NULL)
		rc = vpc_svg(rp, res, key, nst, o->pc.lloq_value);
	for (f = 0; f < nst; f++)
		vpc_result_free(&res[f]);
	free(res);
	free(key);
	return rc;
}

/* -m: the time unit and the unit of the model's observed quantity, for
 * the metrics and the axes. */
static int
model_units(struct opts *o, struct model **keep)
{
	struct model *m = cli_model(PROG, o->model);
	const char *dv;

	if (m == NULL)
		return -1;
	if (!o->tunit_given && m->units_time != NULL) {
		if (set_time_unit(o, m->units_time) < 0) {
			cli_warn(PROG, "model %s: \"%s\" is not a unit of time",
			    m->name, m->units_time);
			model_free(m);
			return -1;
		}
		o->tunit_known = 1;
	}
	dv = m->slotname[m->out0 + m->dv];
	o->cunit = m->units_conc;
	/* gof eta-cov: the model's covariates unless --cov names some */
	if (o->verb == V_GOF && o->ncov == 0) {
		int k;

		for (k = 0; k < m->ncov && k < MAXBY; k++)
			o->cov[o->ncov++] = m->slotname[m->cov0 + k];
	}
	if (o->ylabel == NULL && m->units_conc != NULL &&
	    (!strcmp(o->y, "DV") || !strcmp(o->y, "IPRED") ||
	    !strcmp(o->y, "PRED") || !strcmp(o->y, dv))) {
		snprintf(o->ylabelbuf, sizeof(o->ylabelbuf), "%s (%s)", o->y,
		    m->units_conc);
		o->ylabel = o->ylabelbuf;
	}
	*keep = m;	/* for --provenance */
	return 0;
}

/* gof: page page of npages of a picture into path: path itself for
 * one page, else "-N" (from 1) before its extension. */
static int
gof_write(const struct gof *g, const struct gof_opts *go, const char *path,
    struct twin_err *err)
{
	int page, n = gof_npages(g, go);
	struct outbuf ob = { 0 };
	char buf[4096];

	for (page = 0; page < n; page++) {
		const char *dot = strrchr(path, '.'), *slash = strrchr(path,
		    '/');
		struct rec_writer *w;

		if (dot == NULL || (slash != NULL && dot < slash))
			dot = path + strlen(path);
		if (n == 1)
			snprintf(buf, sizeof(buf), "%s", path);
		else
			snprintf(buf, sizeof(buf), "%.*s-%d%s",
			    (int)(dot - path), path, page + 1, dot);
		ob.len = 0;
		if (gof_draw(g, go, page, &ob, err) < 0 ||
		    (w = rec_wopen(buf, 0, err)) == NULL) {
			ob_free(&ob);
			return -1;
		}
		if (rec_write(w, ob.p, ob.len, err) < 0) {
			rec_wclose(w, 0, NULL);
			ob_free(&ob);
			return -1;
		}
		if (rec_wclose(w, 1, err) < 0) {
			ob_free(&ob);
			return -1;
		}
	}
	ob_free(&ob);
	return 0;
}

/*
 * twin-report gof: read the tables, draw the picture; gof all: every
 * picture the tables allow into the folder -o names, as KIND.svg.
 */
static int
run_gof(const struct opts *o, const char **files, int nf)
{
	struct gof_opts go;
	struct gof *g = gof_new();
	struct rec_reader *r = NULL, *prev = NULL;
	struct twin_err err;
	char path[4096];
	int i, k, rc = 2;

	memset(&go, 0, sizeof(go));
	go.kind = o->gofkind;
	go.logaxes = o->logy;
	go.tunit = o->tunit;
	go.hours = o->hours;
	go.cunit = o->cunit;
	go.cov = o->cov;
	go.ncov = o->ncov;
	go.per_page = o->perpage;
	go.width = o->width;
	go.height = o->height;
	go.title = o->title;
	if (g == NULL) {
		cli_warn(PROG, "out of memory");
		return 2;
	}
	for (i = 0; i < nf; i++) {
		if ((r = cli_rec_open(files[i], &err)) == NULL)
			goto fail;
		rec_continue(r, prev);
		if (gof_read(g, r, &go, &err) < 0)
			goto fail;
		rec_close(prev);
		prev = r;
		r = NULL;
	}
	if (go.kind != GOF_NKIND) {
		if (gof_write(g, &go, o->outpath, &err) < 0)
			goto fail;
		rc = 0;
		goto out;
	}
	if (mkdir(o->outpath, 0777) < 0 && errno != EEXIST) {
		twin_errork(&err, TWIN_ESYSTEM, "%s: %s", o->outpath,
		    strerror(errno));
		goto fail;
	}
	for (k = 0; k < GOF_NKIND; k++) {
		if (!gof_has(g, k))
			continue;
		go.kind = k;
		go.title = NULL;
		snprintf(path, sizeof(path), "%s/%s.svg", o->outpath,
		    gof_kinds[k]);
		if (gof_write(g, &go, path, &err) < 0)
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	cli_warn(PROG, "%s", err.msg);
out:
	rec_close(r);
	rec_close(prev);
	gof_free(g);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct report rp;
	struct rec_reader *r = NULL, *prev = NULL;
	const char *stdin_only[] = { "-" };
	const char **files;
	struct model *m = NULL;
	struct cli_merge merge = { 0 };
	int i, nf, status = 2, complete = 0;

	gsl_set_error_handler_off();
	parse_opts(argc, argv, &o);
	if (o.model != NULL && model_units(&o, &m) < 0)
		return 2;
	nf = argc - optind;
	files = nf ? (const char **)argv + optind : stdin_only;
	if (nf == 0)
		nf = 1;
	if (o.verb == V_GOF) {
		status = run_gof(&o, files, nf);
		model_free(m);
		return status;
	}
	memset(&rp, 0, sizeof(rp));
	rp.o = &o;
	{
		struct table_fmt tf;

		cli_table_fmt(PROG, &tf, m);
		table_init(&rp.tab, &rp.ob, &tf);
	}
	if ((o.verb == V_BANDS || o.verb == V_AGP || o.bands || o.summary) &&
	    (rp.bands = bands_new()) == NULL) {
		cli_warn(PROG, "out of memory");
		goto out;
	}
	if (o.verb == V_VPC && (rp.vpc = vpc_new()) == NULL) {
		cli_warn(PROG, "out of memory");
		goto out;
	}
	if (o.verb == V_VPC)
		vpc_stratify(rp.vpc, o.by, o.nby);
	if ((rp.w = rec_wopen(o.outpath, o.gz, &rp.err)) == NULL)
		goto fail;
	switch (o.verb) {
	case V_TARGET:
		target_head(&rp);
		break;
	case V_CGM:
		cgm_head(&rp);
		break;
	case V_ACCURACY:
		accuracy_head(&rp);
		/* without --by, one row even for no pairs */
		if (o.nby == 0 && find_group(&rp, "") == NULL) {
			cli_warn(PROG, "out of memory");
			goto out;
		}
		break;
	default:
		break;
	}
	if (o.merge && o.verb != V_AGP &&
	    cli_provenance(PROG, rp.w, m, NULL, &rp.err) < 0)
		goto fail;
	for (i = 0; o.merge && i < nf; i++)
		if (merge_file(&rp, &merge, files[i]) < 0)
			goto fail;
	if (o.merge && cli_merge_end(&merge, &rp.err) < 0)
		goto fail;
	for (i = 0; !o.merge && i < nf; i++) {
		if ((r = cli_rec_open(files[i], &rp.err)) == NULL)
			goto fail;
		rec_continue(r, prev);
		/* Not in an SVG: it has no "#" comments. */
		if (i == 0 && o.verb != V_PLOT && (o.verb != V_AGP ||
		    o.partial_out) &&
		    cli_provenance(PROG, rp.w, m, NULL, &rp.err) < 0)
			goto fail;
		if (run_file(&rp, r) < 0)
			goto fail;
		rec_close(prev);
		prev = r;
		r = NULL;
	}
	if (rp.bands != NULL && bands_sort(rp.bands) < 0) {
		twin_nomem(&rp.err);
		goto fail;
	}
	/* a summary's groups in key order (plot's are indexed by seggrp) */
	if (rp.ngrp > 1 && (o.verb == V_TARGET || o.verb == V_ACCURACY))
		qsort(rp.grp, rp.ngrp, sizeof(*rp.grp), cmp_group);
	if (o.partial_out) {
		if (partial_end(&rp) < 0)
			goto fail;
	} else if (o.verb == V_NCA && o.summary)
		nca_summary(&rp);
	else if (o.verb == V_TARGET)
		target_end(&rp);
	else if (o.verb == V_BANDS)
		bands_end(&rp);
	else if (o.verb == V_ACCURACY)
		accuracy_end(&rp);
	else if ((o.verb == V_PLOT || o.verb == V_AGP) && plot_end(&rp) < 0)
		goto fail;
	else if (o.verb == V_VPC && vpc_end(&rp) < 0)
		goto fail;
	if (flush(&rp) < 0)
		goto fail;
	complete = 1;
	status = 0;
	goto out;
fail:
	cli_warn(PROG, "%s", rp.err.msg);
out:
	if (rp.w && rec_wclose(rp.w, complete, &rp.err) < 0) {
		cli_warn(PROG, "%s", rp.err.msg);
		status = 2;
	}
	rec_close(r);
	rec_close(prev);
	model_free(m);
	cli_merge_free(&merge);
	for (i = 0; i < rp.ngrp; i++)
		free(rp.grp[i].key);
	free(rp.grp);
	bands_free(rp.bands);
	vpc_free(rp.vpc);
	free(rp.px);
	free(rp.py);
	free(rp.seggrp);
	free(rp.segfacet);
	free(rp.segobs);
	for (i = 0; i < rp.nfkey; i++)
		free(rp.fkey[i]);
	free(rp.fkey);
	free(rp.ox);
	free(rp.oy);
	free(rp.tbuf);
	free(rp.gbuf);
	free(rp.sbuf);
	free(rp.cmts);
	table_free(&rp.tab);
	ob_free(&rp.ob);
	target_free(&o.target);
	return status;
}
