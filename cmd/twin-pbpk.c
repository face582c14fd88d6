/*
 * twin-pbpk - the whole-body model of a drug (body/pbpk.h): the model
 * text that `-m DRUG` loads in every program, or the drug's tissue:plasma
 * partition coefficients.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "body/pbpk.h"
#include "body/phys.h"
#include "data/record.h"

#define PROG "twin-pbpk"

struct opts {
	int kp;			/* --kp */
	int method;		/* --method, -1: the drug file's */
	const char *outpath;
	const char *drug;
};

static void
usage(void)
{
	static const struct cli_help h[] = {
		{ "-h, --help", "print this help and exit" },
		{ "-V, --version", "print the version and exit" },
		{ "-o file", "write to file (renamed into place when complete)" },
		{ "--digits n", "with --kp: numbers to n significant digits" },
		{ "--kp", "print the partition coefficients (TISSUE KP KPU "
		    "METHOD) instead of the model" },
		{ "--method name", "Kp method: rr (Rodgers & Rowland), pt "
		    "(Poulin & Theil), berez (Berezhkovskiy), schmitt; "
		    "default the drug file's" },
		{ "--pretty", "with --kp: an aligned table for a terminal" },
		{ NULL, NULL }
	};

	cli_help(PROG, "usage: twin-pbpk [-hV] [-o file] [--kp [--digits n] "
	    "[--pretty]] [--method name]\n"
	    "                 drug\n", h);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_KP = 256, O_METHOD };
	static const struct option lo[] = {
		CLI_OPT_DIGITS,
		{ "help", no_argument, NULL, 'h' },
		{ "kp", no_argument, NULL, O_KP },
		{ "method", required_argument, NULL, O_METHOD },
		CLI_OPT_PRETTY,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cli_common co = { NULL, NULL, NULL, NULL, NULL, NULL };
	int c;

	memset(o, 0, sizeof(*o));
	o->method = -1;
	while ((c = cli_getopt(PROG, argc, argv, "hVo:", lo)) != -1) {
		switch (c) {
		case 'h':
			usage();
			break;
		case 'o':
			o->outpath = optarg;
			break;
		case O_KP:
			o->kp = 1;
			break;
		case O_METHOD:
			if ((o->method = kp_method_parse(optarg)) < 0)
				cli_usage_error(PROG, "--method wants rr, pt, "
				    "berez or schmitt, got \"%s\"", optarg);
			break;
		default:
			if (!cli_common(PROG, c, optarg, &co))
				exit(1);
		}
	}
	if (!o->kp && (cli_pretty() || cli_digits()))
		cli_usage_error(PROG, "--digits and --pretty go with --kp (the "
		    "model is YAML, not a table)");
	if (optind != argc - 1)
		cli_usage_error(PROG, optind == argc ? "no drug given (a drug "
		    "file, or a name in the model path's drugs/)" :
		    "one drug at a time, got \"%s\" too", argv[optind + 1]);
	o->drug = argv[optind];
}

/* TISSUE KP KPU METHOD, then the reference man's Vss as a comment. */
static void
kp_table(const struct drug *d, const double *kp, const double *kpu,
    int used, struct outbuf *b)
{
	int t;

	ob_puts(b, "TISSUE\tKP\tKPU\tMETHOD\n");
	for (t = 0; t < TISSUE_NKP; t++) {
		ob_puts(b, tissue_name(t));
		ob_putc(b, '\t');
		ob_putnum(b, kp[t]);
		ob_putc(b, '\t');
		ob_putnum(b, kpu[t]);
		ob_putc(b, '\t');
		ob_puts(b, d->has_kp[t] ? "file" : kp_method_name(used));
		ob_putc(b, '\n');
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct twin_err err;
	struct drug d;
	struct rec_writer *w = NULL;
	struct outbuf b = { 0 };
	char path[4096], *text = NULL;
	int status = 2, used;

	gsl_set_error_handler_off();
	parse_opts(argc, argv, &o);
	memset(&d, 0, sizeof(d));
	if (pbpk_find(o.drug, path, sizeof(path), &err) < 0 ||
	    drug_load(&d, path, &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		return err.kind == TWIN_ESYSTEM ? 2 : 1;
	}
	if (o.kp) {
		double kp[TISSUE_NKP], kpu[TISSUE_NKP];

		if (pbpk_kp(&d, o.method, kp, kpu, &used, &err) < 0)
			goto fail;
		kp_table(&d, kp, kpu, used, &b);
	} else {
		if ((text = pbpk_yaml(&d, o.method, &err)) == NULL)
			goto fail;
		ob_puts(&b, text);
	}
	if ((w = rec_wopen(o.outpath, 0, &err)) == NULL ||
	    (o.kp && (cli_wformat(PROG, w, NULL), 0)) ||
	    rec_write(w, b.p, b.len, &err) < 0 ||
	    rec_wclose(w, 1, &err) < 0) {
		w = NULL;
		goto fail;
	}
	w = NULL;
	status = 0;
	goto out;
fail:
	cli_warn(PROG, "%s", err.msg);
	status = err.kind == TWIN_ESYSTEM || err.kind == TWIN_ENOMEM ? 2 : 1;
out:
	if (w != NULL)
		rec_wclose(w, 0, &err);
	free(text);
	free(b.p);
	drug_free(&d);
	return status;
}
