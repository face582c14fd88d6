/*
 * twin-pop - virtual people: one covariate record per person, drawn from
 * published anthropometric and serum creatinine tables (body/people.h),
 * or, with --cohort, the people of a shipped table (a cohort of virtual
 * patients) copied as records.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "util/tsv.h"
#include "body/people.h"
#include "data/record.h"
#include "util/num.h"
#include "util/shard.h"

#define PROG "twin-pop"
#define FLUSH_BYTES 65536	/* output is handed on in pieces this big */

/* The cohorts of --cohort: name and the table (data_find) holding them,
 * one person a row, the columns named after a model's parameters. */
static const struct cohort {
	const char *name, *table;
} cohorts[] = {
	{ "uva30", "glucose/uva30.tsv" },	/* models/uvapadova.yaml */
};
#define NCOHORTS (sizeof(cohorts) / sizeof(cohorts[0]))

struct opts {
	long n, firstid;
	const char *population, *outpath, *cohort;
	int gz, drawn;	/* drawn: an option of drawn people was given */
	struct people_opts po;
};

static void
usage(void)
{
	static const struct cli_help h[] = {
		{ "-h, --help", "print this help and exit" },
		{ "-V, --version", "print the version and exit" },
		{ "-n number", "how many people (required)" },
		{ "-o file", "write to file (renamed into place when complete)" },
		{ "-z", "compress the output with gzip" },
		{ "--age a:b", "ages drawn uniformly from [a, b) years "
		    "(default 18:90)" },
		{ "--cohort name", "the people of a shipped cohort instead "
		    "(uva30)" },
		CLI_HELP_DIGITS,
		{ "--first-id k", "ID of the first person (default 1)" },
		{ "--population name", "the tables to draw from (default "
		    PEOPLE_POPULATION ")" },
		CLI_HELP_PRETTY,
		CLI_HELP_PROVENANCE,
		{ "--seed n", "seed of the random numbers (default 1)" },
		CLI_HELP_SHARD,
		{ "--sex s", "male, female or both (default both)" },
		{ "--unchecked", "keep bodies the whole-body physiology cannot "
		    "make (by default they are drawn again)" },
		{ NULL, NULL }
	};

	cli_help(PROG, "usage: twin-pop [-hVz] -n number [-o file] "
	    "[--age a:b] [--first-id k]\n"
	    "                [--population name] [--provenance] [--seed n] "
	    "[--shard k/n]\n                [--sex s] [--unchecked]\n"
	    "       twin-pop [-hVz] --cohort name [-o file] "
	    "[--first-id k] [--provenance]\n"
	    "                [--shard k/n]\n"
	    "options of both: [--digits n] [--pretty]\n", h);
}

static void
parse_age(const char *arg, struct opts *o)
{
	char buf[64], *colon;

	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	if ((colon = strchr(buf, ':')) == NULL)
		goto bad;
	*colon = '\0';
	if (twin_strtod(buf, &o->po.age_lo) < 0 ||
	    twin_strtod(colon + 1, &o->po.age_hi) < 0 ||
	    !(o->po.age_lo < o->po.age_hi))
		goto bad;
	return;
bad:
	cli_usage_error(PROG, "--age wants A:B, ages in years with A < B, "
	    "got \"%s\"", arg);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_AGE = 256, O_COHORT, O_FIRST, O_POP, O_SEED, O_SEX,
		O_UNCHECKED };
	static const struct option lo[] = {
		{ "age", required_argument, NULL, O_AGE },
		{ "cohort", required_argument, NULL, O_COHORT },
		CLI_OPT_DIGITS,
		{ "first-id", required_argument, NULL, O_FIRST },
		{ "help", no_argument, NULL, 'h' },
		{ "population", required_argument, NULL, O_POP },
		CLI_OPT_PRETTY,
		{ "seed", required_argument, NULL, O_SEED },
		CLI_OPT_PROVENANCE,
		CLI_OPT_SHARD,
		{ "sex", required_argument, NULL, O_SEX },
		{ "unchecked", no_argument, NULL, O_UNCHECKED },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cli_common co = { NULL, NULL, NULL, NULL, NULL, NULL };
	int c;

	memset(o, 0, sizeof(*o));
	o->firstid = 1;
	o->po.seed = 1;
	o->po.sex = PEOPLE_BOTH;
	o->po.age_lo = 18;
	o->po.age_hi = 90;
	while ((c = cli_getopt(PROG, argc, argv, "hVn:o:z", lo)) != -1) {
		if (c == 'n' || c == O_AGE || c == O_POP || c == O_SEED ||
		    c == O_SEX || c == O_UNCHECKED)
			o->drawn = 1;
		switch (c) {
		case 'h':
			usage();
			break;
		case 'n':
			o->n = cli_int(PROG, "-n", optarg, 1, 2147483647);
			break;
		case 'o':
			o->outpath = optarg;
			break;
		case 'z':
			o->gz = 1;
			break;
		case O_AGE:
			parse_age(optarg, o);
			break;
		case O_COHORT:
			o->cohort = optarg;
			break;
		case O_FIRST:
			o->firstid = cli_int(PROG, "--first-id", optarg, 1,
			    2147483647);
			break;
		case O_POP:
			o->population = optarg;
			break;
		case O_SEED:
			o->po.seed = (unsigned long)cli_int(PROG, "--seed",
			    optarg, 0, 2147483647);
			break;
		case O_UNCHECKED:
			o->po.unchecked = 1;
			break;
		case O_SEX:
			if (strcmp(optarg, "male") == 0)
				o->po.sex = PEOPLE_MALE;
			else if (strcmp(optarg, "female") == 0)
				o->po.sex = PEOPLE_FEMALE;
			else if (strcmp(optarg, "both") == 0)
				o->po.sex = PEOPLE_BOTH;
			else
				cli_usage_error(PROG, "--sex wants male, female "
				    "or both, got \"%s\"", optarg);
			break;
		default:
			if (!cli_common(PROG, c, optarg, &co))
				exit(1);
		}
	}
	if (optind < argc)
		cli_usage_error(PROG, "no file arguments: twin-pop reads no "
		    "input, got \"%s\"", argv[optind]);
	if (o->cohort != NULL && o->drawn)
		cli_usage_error(PROG, "--cohort takes no -n, --age, "
		    "--population, --seed, --sex or --unchecked: its people "
		    "are given");
	if (o->cohort == NULL && o->n == 0)
		cli_usage_error(PROG, "no number of people given (-n NUMBER)");
}

/* The cohort's table as records into b: ID, TIME 0, EVID 2, then the
 * table's columns as they are.  0, or -1 with a message printed. */
static int
cohort_records(const struct opts *o, struct outbuf *b)
{
	const struct cohort *c = NULL;
	struct twin_err err;
	struct tsv t;
	char idbuf[48];
	long id = o->firstid;
	size_t i;
	int k, rc;

	for (i = 0; i < NCOHORTS; i++)
		if (strcmp(cohorts[i].name, o->cohort) == 0)
			c = &cohorts[i];
	if (c == NULL) {
		char known[256] = "";

		for (i = 0; i < NCOHORTS; i++)
			snprintf(known + strlen(known),
			    sizeof(known) - strlen(known), "%s%s",
			    i ? ", " : "", cohorts[i].name);
		cli_usage_error(PROG, "--cohort: unknown cohort \"%s\" "
		    "(known: %s)", o->cohort, known);
	}
	if (tsv_open(&t, c->table, &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		return -1;
	}
	ob_puts(b, "ID\tTIME\tEVID");
	for (k = 0; k < t.nhead; k++) {
		ob_putc(b, '\t');
		ob_puts(b, t.head[k]);
	}
	ob_putc(b, '\n');
	while ((rc = tsv_next(&t, &err)) == 1) {
		snprintf(idbuf, sizeof(idbuf), "%ld", id++);
		if (!shard_keep(cli_shard(), idbuf))
			continue;
		ob_puts(b, idbuf);
		snprintf(idbuf, sizeof(idbuf), "\t0\t2");
		ob_puts(b, idbuf);
		for (k = 0; k < t.ncol; k++) {
			ob_putc(b, '\t');
			ob_puts(b, t.col[k]);
		}
		ob_putc(b, '\n');
	}
	tsv_close(&t);
	if (rc < 0) {
		cli_warn(PROG, "%s", err.msg);
		return -1;
	}
	return 0;
}

static void
put_num(struct outbuf *b, double x)
{
	ob_putc(b, '\t');
	if (isnan(x))
		ob_putc(b, '.');
	else
		ob_putnum(b, x);
}

/* The output, reformatted as --digits and --pretty say. */
static struct rec_writer *
wopen(const struct opts *o, struct twin_err *err)
{
	struct rec_writer *w = rec_wopen(o->outpath, o->gz, err);

	if (w != NULL)
		cli_wformat(PROG, w, NULL);
	return w;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct twin_err err;
	struct people *p;
	struct person q;
	struct rec_writer *w = NULL;
	struct outbuf b = { 0 };
	char idbuf[32];
	long i;
	int status = 2, complete = 0;

	gsl_set_error_handler_off();
	parse_opts(argc, argv, &o);
	if (o.cohort != NULL) {
		if (cohort_records(&o, &b) < 0 ||
		    (w = wopen(&o, &err)) == NULL ||
		    cli_provenance(PROG, w, NULL, NULL, &err) < 0 ||
		    rec_write(w, b.p, b.len, &err) < 0) {
			if (w != NULL)
				cli_warn(PROG, "%s", err.msg);
			status = 2;
		} else {
			status = 0;
			complete = 1;
		}
		if (w != NULL && rec_wclose(w, complete, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			status = 2;
		}
		ob_free(&b);
		return status;
	}
	if ((p = people_load(o.population, &err)) == NULL) {
		if (err.kind == TWIN_EUNKNOWN)
			cli_usage_error(PROG, "%s", err.msg);
		cli_warn(PROG, "%s", err.msg);
		return 2;
	}
	if (people_check(p, &o.po, &err) < 0) {
		people_free(p);
		cli_usage_error(PROG, "--age: %s", err.msg);
	}
	if ((w = wopen(&o, &err)) == NULL ||
	    cli_provenance(PROG, w, NULL, &o.po.seed, &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	ob_puts(&b, "ID\tTIME\tEVID\tSEX\tAGE\tHT\tWT\tBMI\tBSA\tSCR\tCRCL\t"
	    "EGFR\n");
	for (i = 0; i < o.n; i++) {
		long id = o.firstid + i;

		snprintf(idbuf, sizeof(idbuf), "%ld", id);
		if (!shard_keep(cli_shard(), idbuf))
			continue;
		if (people_draw(p, &o.po, id, &q, &err) < 0) {
			cli_warn(PROG, "ID %ld: %s", id, err.msg);
			goto out;
		}
		snprintf(idbuf, sizeof(idbuf), "%ld\t0\t2\t%d", id, q.sex);
		ob_puts(&b, idbuf);
		put_num(&b, q.age);
		put_num(&b, q.ht);
		put_num(&b, q.wt);
		put_num(&b, q.bmi);
		put_num(&b, q.bsa);
		put_num(&b, q.scr);
		put_num(&b, q.crcl);
		put_num(&b, q.egfr);
		ob_putc(&b, '\n');
		if (b.len >= FLUSH_BYTES) {
			if (rec_write(w, b.p, b.len, &err) < 0) {
				cli_warn(PROG, "%s", err.msg);
				goto out;
			}
			b.len = 0;
		}
	}
	if (rec_write(w, b.p, b.len, &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	complete = 1;
	status = 0;
out:
	if (w != NULL && rec_wclose(w, complete, &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		status = 2;
	}
	ob_free(&b);
	people_free(p);
	return status;
}
