/*
 * twin-fit - personal twins by Bayesian MAP, and population estimation by
 * FOCE with interaction.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "estim/fit.h"
#include "model/model.h"
#include "estim/pop.h"
#include "estim/popdiag.h"
#include "data/record.h"
#include "estim/saem.h"
#include "solve/sim.h"

#define PROG "twin-fit"
#define MAXFIX 64

enum mode { M_RECORDS, M_PARAMS, M_EVALUATE, M_POPULATION };

struct opts {
	const char *model, *outpath, *ebepath, *tablepath;
	const char *modelout, *logpath, *corpath;
	enum mode mode;
	int gz, noprior, nthread, nocov, hessian, keepgoing, quiet, strict;
	int nfix;
	const char *fix[MAXFIX];
	struct sim_opts so;
	const struct method *method;
	struct saem_opts saem;
};

/* --method: the population estimators, FOCE-I first (the default). */
struct method {
	const char *name;
	int (*estimate)(struct pop *pp, const struct opts *o,
	    struct pop_result *res, struct twin_err *err);
};

static int
est_focei(struct pop *pp, const struct opts *o, struct pop_result *res,
    struct twin_err *err)
{
	return pop_estimate(pp, !o->nocov, res, err);
}

static void show_iteration(void *arg, int iter, double ofv, long nevals);

static int
est_saem(struct pop *pp, const struct opts *o, struct pop_result *res,
    struct twin_err *err)
{
	struct saem_opts so = o->saem;

	so.progress = show_iteration;
	so.covariance = !o->nocov;
	return saem_estimate(pp, &so, res, err);
}

static const struct method methods[] = {
	{ "focei", est_focei },	/* FOCE with interaction */
	{ "saem", est_saem },	/* SAEM, then the FOCE-I objective */
	{ NULL, NULL }
};

static struct cli_progress progress;

static void
usage(void)
{
	static const struct cli_help h[] = {
		{ "-h, --help", "print this help and exit" },
		{ "-V, --version", "print the version and exit" },
		{ "-j threads", "threads for the population objective" },
		{ "-m, --model model", "the model: a name or a file (required)" },
		{ "-o file", "write to file (renamed into place when complete)" },
		{ "-z", "compress the output with gzip" },
		CLI_HELP_ATOL,
		{ "--correlation file", "write the correlations of the estimates" },
		{ "--covariance matrix", "sandwich (default) or hessian" },
		CLI_HELP_DESCRIBE,
		CLI_HELP_DIGITS,
		{ "--ebe file", "write the individual estimates to file" },
		{ "--evaluate", "the objective at the model's own parameters" },
		{ "--fix name", "keep this random effect (or theta) fixed" },
		{ "--ignore rule", "drop records by this comment rule (C, @, none)" },
		{ "--keep-going", "leave out an individual that fails, go on" },
		{ "--list-models", "list the models installed and exit" },
		{ "--log file", "write the estimates of every iteration" },
		{ "--method name", "focei (default) or saem for --population" },
		{ "--no-covariance", "skip the covariance step" },
		{ "--no-prior", "individual fits without the omega prior" },
		{ "--params", "one row of estimates per individual" },
		{ "--population", "estimate the population parameters (FOCE-I)" },
		CLI_HELP_PRETTY,
		CLI_HELP_PROVENANCE,
		{ "--quiet", "no progress on the terminal" },
		CLI_HELP_RTOL,
		{ "--saem-iterations k1,k2", "SAEM's iterations (300,200)" },
		{ "--seed n", "seed of SAEM's random numbers (default 1)" },
		CLI_HELP_SHARD,
		CLI_HELP_SOLVER,
		{ "--strict", "refuse data that lack a covariate or misname a column" },
		{ "--table file", "write the records with predictions to file" },
		{ "--write-model file", "write the fitted model to file" },
		{ NULL, NULL }
	};

	cli_help(PROG, "usage: twin-fit [-hVz] [-j threads] -m model "
	    "[-o file] [--atol x]\n"
	    "                [--correlation file] [--covariance matrix] "
	    "[--describe[=tsv]]\n"
	    "                [--digits n] [--ebe file] [--evaluate] [--fix name] "
	    "[--ignore rule]\n"
	    "                [--keep-going] [--list-models] [--log file] "
	    "[--method name]\n"
	    "                [--no-covariance] [--no-prior] [--params] "
	    "[--population] [--pretty]\n"
	    "                [--provenance] [--quiet] [--rtol x] "
	    "[--saem-iterations k1,k2]\n"
	    "                [--seed n] [--shard k/n] [--solver name] [--strict] "
	    "[--table file]\n"
	    "                [--write-model file]\n"
	    "                [file ...]\n", h);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const struct cli_common co = { &o->keepgoing, &o->quiet, &o->strict,
	    &o->so.method, &o->so.rtol, &o->so.atol };
	enum { O_COV = 256, O_EBE, O_EVAL, O_FIX, O_NOCOV, O_NOPRIOR,
	    O_PARAMS, O_POP, O_TABLE, O_METHOD, O_SAEMIT, O_SEED, O_WMODEL,
	    O_LOG, O_COR };
	static const struct option lo[] = {
		CLI_OPT_ATOL,
		{ "correlation", required_argument, NULL, O_COR },
		{ "covariance", required_argument, NULL, O_COV },
		CLI_OPT_DESCRIBE,
		CLI_OPT_DIGITS,
		{ "ebe", required_argument, NULL, O_EBE },
		{ "evaluate", no_argument, NULL, O_EVAL },
		{ "fix", required_argument, NULL, O_FIX },
		{ "help", no_argument, NULL, 'h' },
		CLI_OPT_KEEP,
		CLI_OPT_LIST,
		{ "log", required_argument, NULL, O_LOG },
		{ "method", required_argument, NULL, O_METHOD },
		{ "model", required_argument, NULL, 'm' },
		{ "no-covariance", no_argument, NULL, O_NOCOV },
		{ "no-prior", no_argument, NULL, O_NOPRIOR },
		{ "params", no_argument, NULL, O_PARAMS },
		{ "population", no_argument, NULL, O_POP },
		CLI_OPT_PRETTY,
		CLI_OPT_QUIET,
		CLI_OPT_IGNORE,
		CLI_OPT_RTOL,
		{ "saem-iterations", required_argument, NULL, O_SAEMIT },
		{ "seed", required_argument, NULL, O_SEED },
		CLI_OPT_PROVENANCE,
		CLI_OPT_SHARD,
		CLI_OPT_SOLVER,
		CLI_OPT_STRICT,
		{ "table", required_argument, NULL, O_TABLE },
		{ "version", no_argument, NULL, 'V' },
		{ "write-model", required_argument, NULL, O_WMODEL },
		{ NULL, 0, NULL, 0 }
	};
	int c, k, methodset = 0, saemset = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	o->method = &methods[0];
	saem_defaults(&o->saem);
	o->nthread = 1;
	o->so.method = ODE_AUTO;
	o->so.rtol = 0;	/* the model's, or SIM_RTOL (sim.h) */
	o->so.atol = 0;
	while ((c = cli_getopt(PROG, argc, argv, "hVj:m:o:z", lo)) != -1) {
		switch (c) {
		case 'h':
			usage();
			break;
		case 'j':
			o->nthread = cli_int(PROG, "-j", optarg, 1, 64);
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'o':
			o->outpath = optarg;
			break;
		case 'z':
			o->gz = 1;
			break;
		case O_COV:
			if (!strcmp(optarg, "sandwich"))
				o->hessian = 0;
			else if (!strcmp(optarg, "hessian"))
				o->hessian = 1;
			else
				cli_usage_error(PROG, "--covariance must be "
				    "sandwich or hessian, got \"%s\"", optarg);
			break;
		case O_EBE:
			o->ebepath = optarg;
			break;
		case O_EVAL:
			o->mode = M_EVALUATE;
			break;
		case O_FIX:
			if (o->nfix == MAXFIX)
				cli_usage_error(PROG, "too many --fix options");
			o->fix[o->nfix++] = optarg;
			break;
		case O_NOCOV:
			o->nocov = 1;
			break;
		case O_NOPRIOR:
			o->noprior = 1;
			break;
		case O_PARAMS:
			o->mode = M_PARAMS;
			break;
		case O_POP:
			o->mode = M_POPULATION;
			break;
		case O_TABLE:
			o->tablepath = optarg;
			break;
		case O_WMODEL:
			o->modelout = optarg;
			break;
		case O_LOG:
			o->logpath = optarg;
			break;
		case O_COR:
			o->corpath = optarg;
			break;
		case O_METHOD:
			for (k = 0; methods[k].name; k++)
				if (!strcmp(optarg, methods[k].name))
					break;
			if (methods[k].name == NULL) {
				char names[128] = "";

				for (k = 0; methods[k].name; k++)
					snprintf(names + strlen(names),
					    sizeof(names) - strlen(names),
					    "%s%s", k ? ", " : "",
					    methods[k].name);
				cli_usage_error(PROG, "--method must be one of "
				    "%s, got \"%s\"", names, optarg);
			}
			o->method = &methods[k];
			methodset = 1;
			break;
		case O_SAEMIT:
			o->saem.k1 = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end != ',' || o->saem.k1 < 1)
				cli_usage_error(PROG, "--saem-iterations must "
				    "be k1,k2 (positive counts), got \"%s\"",
				    optarg);
			optarg = end + 1;
			o->saem.k2 = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || o->saem.k2 < 1)
				cli_usage_error(PROG, "--saem-iterations must "
				    "be k1,k2 (positive counts), got \"%s\"",
				    optarg);
			saemset = 1;
			break;
		case O_SEED:
			o->saem.seed = (unsigned long)cli_int(PROG, "--seed",
			    optarg, 0, 2147483647);
			saemset = 1;
			break;
		default:
			if (!cli_common(PROG, c, optarg, &co))
				exit(1);
		}
	}
	cli_describe(PROG, o->model);
	if (o->model == NULL)
		cli_usage_error(PROG, "no model given (-m MODEL)");
	if ((o->ebepath || o->tablepath) && o->mode != M_POPULATION &&
	    o->mode != M_EVALUATE)
		cli_usage_error(PROG, "--ebe and --table go with --population "
		    "or --evaluate");
	if ((o->modelout || o->logpath || o->corpath) &&
	    o->mode != M_POPULATION)
		cli_usage_error(PROG, "--write-model, --log and --correlation "
		    "go with --population");
	if (o->corpath && o->nocov)
		cli_usage_error(PROG, "--correlation needs the covariance step "
		    "(not --no-covariance)");
	if (o->noprior && (o->mode == M_POPULATION || o->mode == M_EVALUATE))
		cli_usage_error(PROG, "--no-prior is for individual fits");
	if (methodset && o->mode != M_POPULATION)
		cli_usage_error(PROG, "--method goes with --population");
	if (cli_shard() != NULL && (o->mode == M_POPULATION ||
	    o->mode == M_EVALUATE))
		cli_usage_error(PROG, "--shard is for individual fits: "
		    "--population and --evaluate estimate from every "
		    "individual at once, and a shard's estimate is not part "
		    "of the whole one");
	if (saemset && o->method->estimate != est_saem)
		cli_usage_error(PROG, "--saem-iterations and --seed go with "
		    "--method saem");
}

/* ---- shared: one individual's fitted values ------------------------- */

struct indiv_out {
	struct sim *sim;	/* for IPRED/PRED and parameters */
	double *ipred, *pred, *par, *vals;
	int *have;
	size_t cap;
};

static int
indiv_out_sims(struct indiv_out *io, const struct model *m,
    struct fit_data *fd, const struct fit_params *p, struct twin_err *err)
{
	size_t need = (size_t)fd->si.n * sim_width(m) + 1;
	int bad;

	if (need > io->cap) {
		free(io->ipred);
		free(io->pred);
		io->ipred = malloc(need * sizeof(double));
		io->pred = malloc(need * sizeof(double));
		if (!io->ipred || !io->pred)
			return twin_nomem(err);
		io->cap = need;
	}
	sim_set_theta(io->sim, p->theta);
	memcpy(fd->si.eta, fd->eta, m->neta * sizeof(double));
	if (sim_run(io->sim, &fd->si, 0, io->ipred, &bad, err) < 0 ||
	    sim_run(io->sim, &fd->si, 1, io->pred, &bad, err) < 0)
		return -1;
	return 0;
}

/* ---- records and --params (one individual at a time) ---------------- */

struct recs {
	struct rec_layout lay;
	int w_eta, w_par, w_ipred, w_pred, w_ires, w_iwres, w_ok;
};

static int
recs_init(struct recs *rl, const struct rec_reader *r,
    const struct model *m)
{
	int i;

	if (rec_layout_init(&rl->lay, r) < 0)
		return -1;
	rl->w_eta = rl->lay.nw;
	for (i = 0; i < m->neta; i++)
		if (rec_layout_add(&rl->lay, r, m->slotname[m->eta0 + i]) < 0)
			return -1;
	rl->w_par = rl->lay.nw;
	for (i = 0; i < m->nind; i++)
		if (rec_layout_add(&rl->lay, r, m->slotname[m->ind0 + i]) < 0)
			return -1;
	if ((rl->w_ipred = rec_layout_add(&rl->lay, r, "IPRED")) < 0 ||
	    (rl->w_pred = rec_layout_add(&rl->lay, r, "PRED")) < 0 ||
	    (rl->w_ires = rec_layout_add(&rl->lay, r, "IRES")) < 0 ||
	    (rl->w_iwres = rec_layout_add(&rl->lay, r, "IWRES")) < 0 ||
	    (rl->w_ok = rec_layout_add(&rl->lay, r, "FITOK")) < 0)
		return -1;
	return 0;
}

static void
write_records(struct outbuf *b, const struct recs *rl,
    const struct model *m, const struct rec_indiv *ind,
    struct fit_data *fd, const struct fit_params *p, struct indiv_out *io,
    int ok)
{
	int k, j, o = 0, w = sim_width(m);

	for (k = 0; k < fd->si.n; k++) {
		double ip = io->ipred[(size_t)k * w + m->dv];

		for (j = 0; j < rl->lay.nw; j++)
			io->have[j] = 1;
		for (j = 0; j < m->neta; j++)
			io->vals[rl->w_eta + j] = fd->eta[j];
		sim_params(io->sim, &fd->si, k, io->par);
		for (j = 0; j < m->nind; j++)
			io->vals[rl->w_par + j] = io->par[j];
		io->vals[rl->w_ipred] = ip;
		io->vals[rl->w_pred] = io->pred[(size_t)k * w + m->dv];
		io->have[rl->w_ires] = io->have[rl->w_iwres] = 0;
		if (o < fd->nobs && fd->obs[o] == k) {
			double y = fd->dv[o], f = ip, v;

			if (m->errkind == ERR_EXPONENTIAL) {
				y = log(y);
				f = log(f);
			}
			v = fit_resvar(m, p, f);
			if (isnan(fd->lloq[o])) {
				io->vals[rl->w_ires] = fd->dv[o] - ip;
				io->vals[rl->w_iwres] = (y - f) / sqrt(v);
				io->have[rl->w_ires] = io->have[rl->w_iwres] =
				    1;
			}
			o++;
		}
		io->vals[rl->w_ok] = ok;
		rec_layout_row(&rl->lay, &ind->row[fd->si.src[k]], io->vals,
		    io->have, b);
	}
}

static void
params_header(struct outbuf *b, const struct model *m)
{
	int i;

	ob_puts(b, "ID");
	for (i = 0; i < m->neta; i++) {
		ob_putc(b, '\t');
		ob_puts(b, m->slotname[m->eta0 + i]);
	}
	for (i = 0; i < m->nind; i++) {
		ob_putc(b, '\t');
		ob_puts(b, m->slotname[m->ind0 + i]);
	}
	for (i = 0; i < m->neta; i++) {
		ob_puts(b, "\tSE_");
		ob_puts(b, m->slotname[m->eta0 + i]);
	}
	for (i = 0; i < m->nind; i++) {
		ob_puts(b, "\tSE_");
		ob_puts(b, m->slotname[m->ind0 + i]);
	}
	for (i = 0; i < m->neta; i++) {
		ob_puts(b, "\tSHR_");
		ob_puts(b, m->slotname[m->eta0 + i] + 4);
	}
	ob_puts(b, "\tOFV\tNOBS\tCONVERGED\n");
}

static void
put_num_or_missing(struct outbuf *b, double x)
{
	ob_putc(b, '\t');
	if (isfinite(x))
		ob_putnum(b, x);
	else
		ob_putc(b, '.');
}

/* One row of --params. */
static void
write_params(struct outbuf *b, const struct model *m, const char *id,
    struct fit *f, struct fit_data *fd, const struct fit_params *p,
    struct indiv_out *io, const struct fit_result *res, int covok)
{
	double *se = io->vals;
	int i, n = m->neta;

	ob_puts(b, id);
	for (i = 0; i < n; i++)
		put_num_or_missing(b, fd->eta[i]);
	if (fit_params_at(f, fd, p, 0, res->cov, io->par, se) < 0)
		covok = 0;
	for (i = 0; i < m->nind; i++)
		put_num_or_missing(b, io->par[i]);
	for (i = 0; i < n; i++)
		put_num_or_missing(b, covok ? sqrt(res->cov[i * n + i]) : NAN);
	for (i = 0; i < m->nind; i++)
		put_num_or_missing(b, covok ? se[i] : NAN);
	for (i = 0; i < n; i++) {
		double w = m->omega[i * n + i];

		put_num_or_missing(b, covok && w > 0 ? res->cov[i * n + i] / w :
		    NAN);
	}
	put_num_or_missing(b, res->ofv);
	ob_putc(b, '\t');
	ob_putnum(b, fd->nobs);
	ob_putc(b, '\t');
	ob_putnum(b, res->converged);
	ob_putc(b, '\n');
}

static int
fixed_etas(const struct model *m, const struct opts *o, int *fixed)
{
	int i, k;

	for (i = 0; i < m->neta; i++)
		fixed[i] = 0;
	for (k = 0; k < o->nfix; k++) {
		if ((i = model_eta(m, o->fix[k])) < 0) {
			cli_warn(PROG, "--fix %s: model %s has no random "
			    "effect of that name", o->fix[k], m->name);
			return -1;
		}
		fixed[i] = 1;
	}
	return 0;
}

/* What sim_cols_check reports, as a warning. */
static void
col_warning(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn(PROG, "warning: %s", msg);
}

static int
run_individuals(const struct opts *o, const struct model *m,
    const char *path, struct rec_writer *w, int first, char **header,
    struct rec_reader **prev, int *flagged, int *failures)
{
	struct twin_err err;
	struct rec_reader *r;
	struct rec_indiv ind = { 0 };
	struct sim_cols cols;
	struct fit_data fd;
	struct fit_params p;
	struct fit_result res;
	struct indiv_out io;
	struct recs rl;
	struct outbuf b = { 0 };
	struct fit *f = NULL;
	int fixed[64], lloq, blq, rc, status = -1, n = m->neta;
	static long ndone;
	double cov[64 * 64];

	memset(&cols, 0, sizeof(cols));
	memset(&fd, 0, sizeof(fd));
	memset(&io, 0, sizeof(io));
	memset(&rl, 0, sizeof(rl));
	memset(&p, 0, sizeof(p));
	if ((r = cli_rec_open(path, &err)) == NULL) {
		cli_warn(PROG, "%s", err.msg);
		return -1;
	}
	rec_continue(r, *prev);
	progress.r = r;
	if (fixed_etas(m, o, fixed) < 0)
		goto out;
	if (fit_cols_init(&cols, &lloq, &blq, r, m, &err) < 0 ||
	    (sim_cols_notes(&cols, o->strict, col_warning, NULL),
	    *prev == NULL && sim_cols_check(&cols, r, m, o->strict,
	    col_warning, NULL, &err) < 0) ||
	    fit_params_init(&p, m) < 0 ||
	    (f = fit_new(m, &o->so, &err)) == NULL ||
	    (io.sim = sim_new(m, &o->so, &err)) == NULL) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	if (recs_init(&rl, r, m) < 0 ||
	    (io.vals = calloc(rl.lay.nw + (size_t)m->nind * n + 64,
	    sizeof(double))) == NULL ||
	    (io.have = calloc(rl.lay.nw + 1, sizeof(int))) == NULL ||
	    (io.par = calloc(m->nind + 1, sizeof(double))) == NULL) {
		cli_warn(PROG, "out of memory");
		goto out;
	}
	if (first) {
		if (cli_provenance(PROG, w, m, &o->saem.seed, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		if (o->mode == M_PARAMS)
			params_header(&b, m);
		else
			rec_layout_header(&rl.lay, r, &b);
		if ((*header = cli_columns(r)) == NULL) {
			cli_warn(PROG, "out of memory");
			goto out;
		}
	} else if (o->mode != M_PARAMS) {
		char *now = cli_columns(r);
		int same = now && strcmp(now, *header) == 0;

		free(now);
		if (!same) {
			cli_warn(PROG, "%s:%ld: the columns differ from those "
			    "of the first file", rec_path(r),
			    rec_header_line(r));
			goto out;
		}
	}
	while ((rc = rec_next(r, &ind, &err)) == 1) {
		int ok = 1, covok = 1;

		if (fit_bind(&fd, m, &cols, r, &ind, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		memset(fd.eta, 0, n * sizeof(double));
		res.cov = cov;
		res.ofv = NAN;
		res.converged = 0;
		if (fd.nobs == 0) {
			cli_warn(PROG, "%s:%ld: ID %s: no observations; "
			    "population values written, flagged FITOK 0",
			    rec_path(r), ind.row[0].line, ind.id);
			ok = covok = 0;
		} else if (fit_map(f, &fd, &p, !o->noprior, fixed, &res,
		    &err) < 0) {
			cli_warn(PROG, "%s:%ld: ID %s: %s; flagged FITOK 0",
			    rec_path(r), ind.row[0].line, ind.id, err.msg);
			ok = 0;
			covok = err.kind == TWIN_EFLAT;
			if (!covok)
				memset(fd.eta, 0, n * sizeof(double));
		} else if (!res.converged) {
			cli_warn(PROG, "%s:%ld: ID %s: the estimate did not "
			    "converge; flagged", rec_path(r), ind.row[0].line,
			    ind.id);
			ok = 0;
		}
		if (!ok)
			++*flagged;
		if (indiv_out_sims(&io, m, &fd, &p, &err) < 0) {
			/* Not even the population values can be simulated:
			 * the individual is left out, as twin-sim would. */
			if (!o->keepgoing) {
				cli_warn(PROG, "%s:%ld: ID %s: %s",
				    rec_path(r), ind.row[0].line, ind.id,
				    err.msg);
				goto out;
			}
			++*failures;
			cli_warn(PROG, "%s:%ld: ID %s: %s; left out",
			    rec_path(r), ind.row[0].line, ind.id, err.msg);
			continue;
		}
		if (o->mode == M_PARAMS) {
			res.converged = ok;
			write_params(&b, m, ind.id, f, &fd, &p, &io, &res,
			    covok && fd.nobs > 0 && ok);
		} else {
			write_records(&b, &rl, m, &ind, &fd, &p, &io, ok);
		}
		if (rec_write(w, b.p, b.len, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		b.len = 0;
		cli_progress_count(&progress, "individuals", ++ndone);
	}
	if (rc < 0) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	if (b.len && rec_write(w, b.p, b.len, &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	status = 0;
out:
	ob_free(&b);
	rec_layout_free(&rl.lay);
	free(io.ipred);
	free(io.pred);
	free(io.par);
	free(io.vals);
	free(io.have);
	sim_free(io.sim);
	fit_free(f);
	fit_params_free(&p);
	fit_data_free(&fd);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	rec_close(*prev);
	*prev = r;
	return status;
}

/* ---- population ------------------------------------------------------ */

static int
load_cohort(struct pop *pp, const struct model *m, const char *path,
    int strict, struct rec_reader **prev, struct twin_err *err)
{
	struct rec_reader *r;
	struct rec_indiv ind = { 0 };
	struct sim_cols cols;
	struct fit_data fd;
	int rc, lloq, blq, status = -1;

	memset(&fd, 0, sizeof(fd));
	if ((r = cli_rec_open(path, err)) == NULL)
		return -1;
	rec_continue(r, *prev);
	if (fit_cols_init(&cols, &lloq, &blq, r, m, err) < 0) {
		rec_close(r);
		return -1;
	}
	sim_cols_notes(&cols, strict, col_warning, NULL);
	if (*prev == NULL && sim_cols_check(&cols, r, m, strict, col_warning,
	    NULL, err) < 0) {
		sim_cols_free(&cols);
		rec_close(r);
		return -1;
	}
	while ((rc = rec_next(r, &ind, err)) == 1) {
		if (fit_bind(&fd, m, &cols, r, &ind, err) < 0)
			goto out;
		if (fd.nobs == 0) {
			cli_warn(PROG, "%s:%ld: ID %s: no observations; left "
			    "out of the population fit", rec_path(r),
			    ind.row[0].line, ind.id);
			continue;
		}
		if (pop_add(pp, &fd, ind.id, err) < 0)
			goto out;
	}
	status = rc < 0 ? -1 : 0;
out:
	fit_data_free(&fd);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	rec_close(*prev);
	*prev = r;
	return status;
}

static void
write_estimates(struct outbuf *b, const struct pop_result *res)
{
	int i;

	ob_puts(b, "PARAMETER\tESTIMATE\tSE\tRSE\n");
	for (i = 0; i < res->n; i++) {
		const struct pop_estimate *e = &res->est[i];

		ob_puts(b, e->name);
		ob_putc(b, '\t');
		ob_putnum(b, e->value);
		put_num_or_missing(b, e->se);
		put_num_or_missing(b, e->value != 0 ? 100 * e->se /
		    fabs(e->value) : NAN);
		ob_putc(b, '\n');
	}
	ob_puts(b, "OFV\t");
	ob_putnum(b, res->ofv);
	ob_puts(b, "\t.\t.\n");
}

/* One diagnostic row: NAME (with suffix), value and SE (NAN: "."). */
static void
diag_row(struct outbuf *b, const char *name, const char *suffix, double x,
    double se)
{
	ob_puts(b, name);
	ob_puts(b, suffix);
	put_num_or_missing(b, x);
	put_num_or_missing(b, se);
	ob_puts(b, "\t.\n");
}

/* The diagnostics after the estimates, in the same four columns
 * (man twin-fit: POPULATION OUTPUT). */
static void
write_diag(struct outbuf *b, const struct model *m, const struct pop_diag *d)
{
	int k;

	diag_row(b, "NOBS", "", d->nobs, NAN);
	diag_row(b, "NIND", "", d->nind, NAN);
	diag_row(b, "NPARAM", "", d->npar, NAN);
	diag_row(b, "AIC", "", d->aic, NAN);
	diag_row(b, "BIC", "", d->bic, NAN);
	diag_row(b, "CONDITION", "", d->condition, NAN);
	for (k = 0; k < m->neta; k++) {
		const char *e = m->slotname[m->eta0 + k] + 4;

		diag_row(b, "ETABAR_", e, d->etabar[k], d->etabar_se[k]);
		diag_row(b, "ETABAR_P_", e, d->etabar_p[k], NAN);
		diag_row(b, "ETASHRINKSD_", e, 100 * d->eta_shrink[k], NAN);
	}
	diag_row(b, "EPSSHRINKSD", "", 100 * d->eps_shrink, NAN);
}

/* --correlation: the correlation matrix of the estimated parameters. */
static int
write_correlation(const char *path, const struct pop_diag *d,
    const struct pop_result *res, struct twin_err *err)
{
	struct outbuf b = { 0 };
	struct rec_writer *w;
	int i, j, rc = -1;

	if (d->cor == NULL)
		return twin_errork(err, TWIN_EDOMAIN, "%s: no correlation "
		    "matrix: the covariance step failed", path);
	if ((w = rec_wopen(path, 0, err)) == NULL)
		return -1;
	ob_puts(&b, "PARAMETER");
	for (j = 0; j < d->ncor; j++) {
		ob_putc(&b, '\t');
		ob_puts(&b, res->est[d->cor_index[j]].name);
	}
	ob_putc(&b, '\n');
	for (i = 0; i < d->ncor; i++) {
		ob_puts(&b, res->est[d->cor_index[i]].name);
		for (j = 0; j < d->ncor; j++) {
			ob_putc(&b, '\t');
			ob_putnum(&b, d->cor[(size_t)i * d->ncor + j]);
		}
		ob_putc(&b, '\n');
	}
	if (rec_write(w, b.p, b.len, err) == 0)
		rc = 0;
	if (rec_wclose(w, rc == 0, rc == 0 ? err : NULL) < 0)
		rc = -1;
	ob_free(&b);
	return rc;
}

/* --log: one row per step of the search or SAEM iteration, as NONMEM's
 * .ext file (the rows' numbering: pop_trace, saem_estimate). */
struct log {
	struct rec_writer *w;
	struct outbuf b;
	struct twin_err err;
	int failed, rows;
};

static void
log_step(void *arg, int iter, double ofv, const struct pop_estimate *e,
    int n)
{
	struct log *lg = arg;
	int i;

	if (lg->failed)
		return;
	lg->b.len = 0;
	if (lg->rows++ == 0) {
		ob_puts(&lg->b, "ITERATION");
		for (i = 0; i < n; i++) {
			ob_putc(&lg->b, '\t');
			ob_puts(&lg->b, e[i].name);
		}
		ob_puts(&lg->b, "\tOFV\n");
	}
	ob_putnum(&lg->b, iter);
	for (i = 0; i < n; i++)
		put_num_or_missing(&lg->b, e[i].value);
	put_num_or_missing(&lg->b, ofv);
	ob_putc(&lg->b, '\n');
	if (rec_write(lg->w, lg->b.p, lg->b.len, &lg->err) < 0)
		lg->failed = 1;
}

/* Per-individual empirical Bayes estimates at the final parameters. */
static int
write_ebe(const char *path, struct pop *pp, const struct model *m,
    struct twin_err *err)
{
	struct outbuf b = { 0 };
	struct rec_writer *w;
	int i, k;

	if ((w = rec_wopen(path, 0, err)) == NULL)
		return -1;
	ob_puts(&b, "ID");
	for (k = 0; k < m->neta; k++) {
		ob_putc(&b, '\t');
		ob_puts(&b, m->slotname[m->eta0 + k]);
	}
	ob_putc(&b, '\n');
	for (i = 0; i < pop_count(pp); i++) {
		const char *id;
		struct fit_data *fd = pop_individual(pp, i, &id);

		ob_puts(&b, id);
		for (k = 0; k < m->neta; k++)
			put_num_or_missing(&b, fd->eta[k]);
		ob_putc(&b, '\n');
	}
	if (rec_write(w, b.p, b.len, err) < 0) {
		ob_free(&b);
		rec_wclose(w, 0, err);
		return -1;
	}
	ob_free(&b);
	return rec_wclose(w, 1, err);
}

/*
 * The columns of --table after CWRES, for the goodness-of-fit pictures
 * (twin-report gof): IWRES as twin-fit writes it for one individual, the
 * individual's random effects and the model's covariates at the record.
 */
static void
table_extra_head(struct outbuf *b, const struct model *m)
{
	int k;

	ob_puts(b, "\tIWRES");
	for (k = 0; k < m->neta; k++) {
		ob_putc(b, '\t');
		ob_puts(b, m->slotname[m->eta0 + k]);
	}
	for (k = 0; k < m->ncov; k++) {
		ob_putc(b, '\t');
		ob_puts(b, m->slotname[m->cov0 + k]);
	}
}

static void
table_extra_row(struct outbuf *b, const struct model *m,
    const struct fit_params *p, const struct fit_data *fd, int j,
    double ipred)
{
	double y = fd->dv[j], f = ipred;
	int k;

	if (m->errkind == ERR_EXPONENTIAL) {
		y = log(y);
		f = log(f);
	}
	put_num_or_missing(b, isnan(fd->lloq[j]) ?
	    (y - f) / sqrt(fit_resvar(m, p, f)) : NAN);
	for (k = 0; k < m->neta; k++)
		put_num_or_missing(b, fd->eta[k]);
	for (k = 0; k < m->ncov; k++)
		put_num_or_missing(b,
		    fd->si.cov[(size_t)fd->obs[j] * m->ncov + k]);
}

/* Per-observation table: PRED, IPRED and CWRES at the final estimates,
 * then table_extra_head's columns. */
static int
write_table(const char *path, struct pop *pp, const struct model *m,
    struct twin_err *err)
{
	const struct fit_params *p = pop_params(pp);
	struct outbuf b = { 0 };
	struct rec_writer *w;
	double *pred = NULL, *ipred = NULL, *cwres = NULL;
	int i, j, rc = -1;

	if ((w = rec_wopen(path, 0, err)) == NULL)
		return -1;
	ob_puts(&b, "ID\tTIME\tDV\tPRED\tIPRED\tCWRES");
	table_extra_head(&b, m);
	ob_putc(&b, '\n');
	for (i = 0; i < pop_count(pp); i++) {
		const char *id;
		struct fit_data *fd = pop_individual(pp, i, &id);

		free(pred);
		free(ipred);
		free(cwres);
		pred = malloc((fd->nobs + 1) * sizeof(double));
		ipred = malloc((fd->nobs + 1) * sizeof(double));
		cwres = malloc((fd->nobs + 1) * sizeof(double));
		if (!pred || !ipred || !cwres) {
			twin_nomem(err);
			goto out;
		}
		if (fit_residuals(pop_worker(pp), fd, p, pred, ipred, cwres,
		    err) < 0) {
			twin_error_prefix(err, "ID %s", id);
			goto out;
		}
		for (j = 0; j < fd->nobs; j++) {
			ob_puts(&b, id);
			ob_putc(&b, '\t');
			ob_putnum(&b, fd->si.rec[fd->obs[j]].time);
			ob_putc(&b, '\t');
			ob_putnum(&b, fd->dv[j]);
			put_num_or_missing(&b, pred[j]);
			put_num_or_missing(&b, ipred[j]);
			put_num_or_missing(&b, cwres[j]);
			table_extra_row(&b, m, p, fd, j, ipred[j]);
			ob_putc(&b, '\n');
		}
	}
	if (rec_write(w, b.p, b.len, err) < 0)
		goto out;
	rc = 0;
out:
	if (rec_wclose(w, rc == 0, rc == 0 ? err : NULL) < 0)
		rc = -1;
	ob_free(&b);
	free(pred);
	free(ipred);
	free(cwres);
	return rc;
}

/* As NONMEM prints the estimation's progress. */
static void
show_iteration(void *arg, int iter, double ofv, long nevals)
{
	(void)arg;
	cli_progress(&progress, 0, "ITERATION NO.: %5d  OBJECTIVE VALUE: "
	    "%.6g  NO. OF FUNC. EVALS.: %ld", iter, ofv, nevals);
}

/* What --write-model names as the origin of the model it writes. */
static char *
origin(const struct opts *o, const char **files, int nf)
{
	struct outbuf b = { 0 };
	int i;

	ob_puts(&b, PROG " --population --method ");
	ob_puts(&b, o->method->name);
	ob_puts(&b, " on ");
	for (i = 0; i < nf; i++) {
		if (i)
			ob_puts(&b, ", ");
		ob_puts(&b, strcmp(files[i], "-") ? files[i] : "<stdin>");
	}
	ob_putc(&b, '\0');
	return b.p;
}

static int
run_population(const struct opts *o, const struct model *m,
    const char **files, int nf, struct rec_writer *w)
{
	struct twin_err err;
	struct pop *pp;
	struct pop_result res;
	struct pop_diag diag;
	struct outbuf b = { 0 };
	struct rec_reader *prev = NULL;
	struct log lg;
	char *from = NULL;
	int i, status = -1, havediag = 0;

	memset(&res, 0, sizeof(res));
	memset(&lg, 0, sizeof(lg));
	if ((pp = pop_new(m, &o->so, o->nthread, &err)) == NULL) {
		cli_warn(PROG, "%s", err.msg);
		return -1;
	}
	pop_covariance_hessian(pp, o->hessian);
	pop_progress(pp, show_iteration, NULL);
	for (i = 0; i < o->nfix; i++)
		if (pop_fix(pp, o->fix[i], &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
	cli_progress(&progress, 1, "reading the cohort");
	for (i = 0; i < nf; i++)
		if (load_cohort(pp, m, files[i], o->strict, &prev, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
	if (o->mode == M_EVALUATE) {
		if (pop_evaluate(pp, &res.ofv, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		ob_puts(&b, "PARAMETER\tESTIMATE\tSE\tRSE\nOFV\t");
		ob_putnum(&b, res.ofv);
		ob_puts(&b, "\t.\t.\n");
	} else {
		if (o->logpath != NULL) {
			if ((lg.w = rec_wopen(o->logpath, 0, &err)) == NULL) {
				cli_warn(PROG, "%s", err.msg);
				goto out;
			}
			pop_trace(pp, log_step, &lg);
		}
		if (o->method->estimate(pp, o, &res, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		if (lg.w != NULL && (lg.failed || rec_wclose(lg.w, 1,
		    &lg.err) < 0)) {
			lg.w = NULL;
			cli_warn(PROG, "%s", lg.err.msg);
			goto out;
		}
		lg.w = NULL;
		if (!res.converged) {
			/* The best point reached, marked as such in the
			 * output too. */
			cli_warn(PROG, "warning: the estimation stopped "
			    "(%s, %s) after %d iterations: %s; the estimates "
			    "are the best point reached", pop_stop_name(
			    res.stop), twin_errkind_name(res.why.kind),
			    res.iterations, res.why.msg);
			ob_puts(&b, "# not converged: ");
			ob_puts(&b, pop_stop_name(res.stop));
			ob_puts(&b, "; the best point reached\n");
		}
		if (!o->nocov && !res.covariance_ok)
			cli_warn(PROG, "warning: the covariance step failed "
			    "(the Hessian is not positive definite)");
		write_estimates(&b, &res);
		if (pop_diagnose(pp, &res, &diag, &err) < 0) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
		havediag = 1;
		write_diag(&b, m, &diag);
		if ((o->corpath && write_correlation(o->corpath, &diag, &res,
		    &err) < 0) || (o->modelout && ((from = origin(o, files,
		    nf)) == NULL || pop_write_model(pp, &res, from,
		    o->modelout, &err) < 0))) {
			cli_warn(PROG, "%s", err.msg);
			goto out;
		}
	}
	if (cli_provenance(PROG, w, m, &o->saem.seed, &err) < 0 ||
	    rec_write(w, b.p, b.len, &err) < 0 ||
	    (o->ebepath && write_ebe(o->ebepath, pp, m, &err) < 0) ||
	    (o->tablepath && write_table(o->tablepath, pp, m, &err) < 0)) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	status = o->mode == M_POPULATION && !res.converged ? 3 : 0;
out:
	if (lg.w != NULL)
		rec_wclose(lg.w, 0, NULL);
	ob_free(&lg.b);
	if (havediag)
		pop_diag_free(&diag);
	free(from);
	ob_free(&b);
	rec_close(prev);
	pop_result_free(&res);
	pop_free(pp);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct twin_err err;
	struct model *m = NULL;
	struct rec_writer *w = NULL;
	const char *stdin_only[] = { "-" };
	const char **files;
	char *header = NULL;
	struct rec_reader *prev = NULL;
	int i, nf, status = 2, flagged = 0, failures = 0, rc, complete = 0;

	gsl_set_error_handler_off();
	parse_opts(argc, argv, &o);
	nf = argc - optind;
	files = nf ? (const char **)argv + optind : stdin_only;
	if (nf == 0)
		nf = 1;
	cli_progress_start(&progress, PROG, o.quiet);
	cli_progress_input(&progress, files, nf, -1, NULL);
	if ((m = cli_model(PROG, o.model)) == NULL)
		goto out;
	if ((w = rec_wopen(o.outpath, o.gz, &err)) == NULL) {
		cli_warn(PROG, "%s", err.msg);
		goto out;
	}
	cli_wformat(PROG, w, m);
	if (o.mode == M_POPULATION || o.mode == M_EVALUATE) {
		rc = run_population(&o, m, files, nf, w);
		status = rc < 0 ? 2 : rc;
		goto out;
	}
	for (i = 0; i < nf; i++) {
		cli_progress_input(&progress, files, nf, i, NULL);
		if (run_individuals(&o, m, files[i], w, i == 0, &header,
		    &prev, &flagged, &failures) < 0)
			goto out;
	}
	/* With --keep-going the file holds every individual but those left
	 * out, as twin-sim's. */
	status = failures ? 2 : flagged ? 3 : 0;
	if (failures)
		complete = 1;
out:
	cli_progress_end(&progress);
	free(header);
	rec_close(prev);
	if (w && rec_wclose(w, status == 0 || status == 3 || complete,
	    &err) < 0) {
		cli_warn(PROG, "%s", err.msg);
		status = 2;
	}
	model_free(m);
	return status;
}
