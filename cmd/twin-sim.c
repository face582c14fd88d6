/*
 * twin-sim - simulate a model over a stream of event records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "cli.h"
#include "solve/sensor.h"
#include "model/model.h"
#include "util/num.h"
#include "util/seed.h"
#include "data/record.h"
#include "solve/sim.h"

struct opts {
	const char *model, *outpath;
	double *grid;
	int ngrid;
	int iiv, ruv, states, gz, keepgoing, nopred, strict, quiet;
	int nrep, nthread;
	unsigned long seed;
	struct sim_opts so;
};

/* Output layout: which input columns are replaced, what is appended. */
struct layout {
	struct rec_layout cols;
	int *lincov;		/* per input column: covariate interpolated
				 * linearly, or -1 */
	char *obscol;		/* per input column: about one observation
				 * only (sim_obs_column) */
	int ncov;
	int c_id, c_time, c_evid, c_mdv, c_dv, c_amt, c_rate, c_ii, c_addl,
	    c_ss, c_cmt;
	/* indices into the written values */
	int w_ipred, w_pred, w_out, w_state, w_eta, w_dv, w_rep;
};

/*
 * Replicates (-n) are solved and written in chunks of about CHUNK_ROWS
 * output rows, so that memory does not grow with -n and the first rows
 * come out at once.  A batch solved in parallel holds at most
 * JOBS_PER_THREAD jobs and about BATCH_CHUNKS chunks' rows per thread.
 */
#define CHUNK_ROWS 4096
#define JOBS_PER_THREAD 32
#define BATCH_CHUNKS 4

/* An individual read, with the replicates still to be given out. */
struct indiv {
	struct rec_indiv ind;
	long serial;		/* count of individuals read, from 1 */
	long firstid;		/* new ID of the first replicate (-n) */
	int nextrep;		/* next replicate to give out */
};

/* Replicates rep0 .. rep1 of one individual. */
struct job {
	struct indiv *iv;
	int rep0, rep1;
	struct outbuf ob;
	size_t goodlen;		/* bytes of ob from replicates before a
				 * failure */
	int failed;
	char msg[1100];
};

struct worker {
	struct sim *sim;
	struct sim_indiv si;
	long bound;		/* serial of the individual in si, 0: none */
	double *ipred, *pred, *eta, *vals;
	gsl_rng *rng;
	double *cgm, *cgmt;	/* CGM readings of the observations, times */
	int cgmcap;
};

struct shared {
	const struct opts *o;
	const struct model *m;
	const struct sensor *sensor;	/* --ruv by a CGM sensor, or NULL */
	const struct rec_reader *r;
	const struct sim_cols *cols;
	const struct layout *lay;
	struct job *jobs;
	int njob;		/* jobs of this batch */
	int maxjob;		/* room in jobs */
	struct indiv *iv;	/* maxjob + 1 */
};

static struct cli_progress progress;

static void
usage(void)
{
	static const struct cli_help h[] = {
		{ "-h, --help", "print this help and exit" },
		{ "-V, --version", "print the version and exit" },
		{ "-j threads", "solve up to this many individuals at once" },
		{ "-m, --model model", "the model: a name or a file (required)" },
		{ "-n replicates", "simulate each individual this many times" },
		{ "-o file", "write to file (renamed into place when complete)" },
		{ "-z", "compress the output with gzip" },
		CLI_HELP_ATOL,
		CLI_HELP_DESCRIBE,
		CLI_HELP_DIGITS,
		{ "--grid start:end:step", "add output records at these times" },
		{ "--ignore rule", "drop records by this comment rule (C, @, none)" },
		{ "--iiv", "draw random effects from the model's omega" },
		{ "--keep-going", "leave out an individual that fails, go on" },
		{ "--list-models", "list the models installed and exit" },
		{ "--no-pred", "do not compute PRED" },
		CLI_HELP_PRETTY,
		CLI_HELP_PROVENANCE,
		{ "--quiet", "no progress on the terminal" },
		CLI_HELP_RTOL,
		{ "--ruv", "simulate DV with the model's residual error" },
		{ "--seed n", "seed of the random numbers (default 1)" },
		CLI_HELP_SHARD,
		CLI_HELP_SOLVER,
		{ "--states", "write the amount in each compartment" },
		{ "--strict", "refuse data that lack a covariate or misname a column" },
		{ NULL, NULL }
	};

	cli_help("twin-sim", "usage: twin-sim [-hVz] [-j threads] -m model "
	    "[-n replicates] [-o file]\n"
	    "                [--atol x] [--describe[=tsv]] [--digits n]\n"
	    "                [--grid start:end:step] [--ignore rule] [--iiv] "
	    "[--keep-going]\n"
	    "                [--list-models] [--no-pred] [--pretty] "
	    "[--provenance] [--quiet]\n"
	    "                [--rtol x] [--ruv] [--seed n] [--shard k/n] "
	    "[--solver name]\n"
	    "                [--states] [--strict] [file ...]\n",
	    h);
}

static void
put_text(struct outbuf *b, const char *s, int first)
{
	if (!first)
		ob_putc(b, '\t');
	ob_puts(b, s);
}

static void
put_num(struct outbuf *b, double x, int first)
{
	if (!first)
		ob_putc(b, '\t');
	ob_putnum(b, x);
}

static int
layout_init(struct layout *l, const struct rec_reader *r,
    const struct model *m, const struct opts *o)
{
	struct rec_layout *c = &l->cols;
	int i;
	char buf[256];

	memset(l, 0, sizeof(*l));
	if (rec_layout_init(c, r) < 0)
		return -1;
	if ((l->lincov = malloc((rec_ncol(r) + 1) * sizeof(int))) == NULL ||
	    (l->obscol = malloc(rec_ncol(r) + 1)) == NULL)
		return -1;
	for (i = 0; i < rec_ncol(r); i++) {
		l->lincov[i] = -1;
		l->obscol[i] = (char)sim_obs_column(rec_colname(r, i));
	}
	l->ncov = m->ncov;
	for (i = 0; i < m->ncov; i++) {
		int col = rec_col(r, m->slotname[m->cov0 + i]);

		if (col >= 0 && m->covinterp[i] == COV_LINEAR)
			l->lincov[col] = i;
	}
	l->c_id = rec_col(r, "ID");
	l->c_time = rec_col(r, "TIME");
	l->c_evid = rec_col(r, "EVID");
	l->c_mdv = rec_col(r, "MDV");
	l->c_dv = rec_col(r, "DV");
	l->c_amt = rec_col(r, "AMT");
	l->c_rate = rec_col(r, "RATE");
	l->c_ii = rec_col(r, "II");
	l->c_addl = rec_col(r, "ADDL");
	l->c_ss = rec_col(r, "SS");
	l->c_cmt = rec_col(r, "CMT");
	l->w_ipred = rec_layout_add(c, r, "IPRED");
	l->w_pred = o->nopred ? -1 : rec_layout_add(c, r, "PRED");
	l->w_out = c->nw;
	for (i = 0; i < m->nout; i++)
		rec_layout_add(c, r, m->slotname[m->out0 + i]);
	l->w_state = c->nw;
	for (i = 0; o->states && i < m->nstate; i++) {
		snprintf(buf, sizeof(buf), "A_%s",
		    m->slotname[m->state0 + i]);
		rec_layout_add(c, r, buf);
	}
	l->w_eta = c->nw;
	for (i = 0; o->iiv && i < m->neta; i++)
		rec_layout_add(c, r, m->slotname[m->eta0 + i]);
	l->w_dv = o->ruv ? rec_layout_add(c, r, "DV") : -1;
	l->w_rep = o->nrep > 1 ? rec_layout_add(c, r, "REP") : -1;
	for (i = 0; i < c->nw; i++)
		if (c->name[i] == NULL)
			return -1;
	return l->w_ipred < 0 || l->w_out < 0 ? -1 : 0;
}

static void
layout_free(struct layout *l)
{
	rec_layout_free(&l->cols);
	free(l->lincov);
	free(l->obscol);
	l->lincov = NULL;
	l->obscol = NULL;
}

/*
 * One output row: input fields or an added time's fields, then values.
 * An added time (src < 0) carries the fields of the latest input row at
 * or before it, last (the first row if none).
 */
static void
write_row(struct outbuf *b, const struct layout *l,
    const struct rec_indiv *ind, const struct sim_indiv *si, int k,
    int last, const char *newid, const double *vals, const int *have)
{
	const struct rec_row *row;
	int i, first = 1, src = si->src[k];

	row = &ind->row[src >= 0 ? src : last];
	for (i = 0; i < l->cols.ncol; i++, first = 0) {
		int w = l->cols.repl[i];

		if (w >= 0) {
			if (have[w])
				put_num(b, vals[w], first);
			else
				put_text(b, ".", first);
		} else if (i == l->c_id && newid) {
			put_text(b, newid, first);
		} else if (src >= 0) {
			put_text(b, row->field[i], first);
		} else if (i == l->c_time) {
			put_num(b, si->rec[k].time, first);
		} else if (i == l->c_evid) {
			put_text(b, "0", first);
		} else if (i == l->c_mdv) {
			put_text(b, have[l->w_dv >= 0 ? l->w_dv : 0] &&
			    l->w_dv >= 0 ? "0" : "1", first);
		} else if (i == l->c_amt || i == l->c_rate || i == l->c_ii ||
		    i == l->c_addl || i == l->c_ss) {
			put_text(b, "0", first);
		} else if (i == l->c_dv || i == l->c_cmt || l->obscol[i]) {
			put_text(b, ".", first);
		} else if (l->lincov[i] >= 0) {
			/* The interpolated value, so that the stream read
			 * again gives the same curve. */
			put_num(b, si->cov[(size_t)k * l->ncov + l->lincov[i]],
			    first);
		} else {
			put_text(b, row->field[i], first);
		}
	}
	for (i = 0; i < l->cols.nw; i++) {
		if (!l->cols.appended[i])
			continue;
		if (have[i])
			put_num(b, vals[i], first);
		else
			put_text(b, ".", first);
		first = 0;
	}
	ob_putc(b, '\n');
}

/*
 * The CGM sensor's readings of an individual's observations (EVID 0, in
 * record order, which is time order) from the predictions in wk->ipred,
 * into wk->cgm; times in minutes from the model's time unit.
 */
static int
cgm_readings(const struct shared *sh, const struct sim_indiv *si,
    struct worker *wk, struct twin_err *err)
{
	const struct model *m = sh->m;
	double tomin = 60 / model_hours(m);
	int k, n = 0, w = sim_width(m);

	if (si->n > wk->cgmcap) {
		double *p = realloc(wk->cgm, 2 * (size_t)si->n *
		    sizeof(double));

		if (p == NULL)
			return twin_nomem(err);
		wk->cgm = p;
		wk->cgmcap = si->n;
	}
	wk->cgmt = wk->cgm + wk->cgmcap;
	for (k = 0; k < si->n; k++)
		if (si->rec[k].evid == 0) {
			wk->cgmt[n] = si->rec[k].time * tomin;
			wk->cgm[n++] = wk->ipred[(size_t)k * w + m->dv];
		}
	return sensor_readings(sh->sensor, wk->rng, wk->cgmt, wk->cgm, n,
	    wk->cgm, err);
}

static int
run_job(struct shared *sh, struct worker *wk, struct job *jb)
{
	const struct opts *o = sh->o;
	const struct model *m = sh->m;
	const struct layout *l = sh->lay;
	const struct rec_indiv *ind = &jb->iv->ind;
	struct sim_indiv *si = &wk->si;
	struct twin_err err;
	int rep = 0, k, j, last, badrec = -1, w = sim_width(m), nobs;
	int *have = NULL;
	char newid[32];

	jb->ob.len = 0;
	jb->goodlen = 0;
	jb->failed = 0;
	if ((have = calloc(l->cols.nw + 1, sizeof(int))) == NULL) {
		twin_nomem(&err);
		goto fail;
	}
	/* The binding and the typical individual do not depend on the
	 * replicate: a worker given the next chunk of the same individual
	 * keeps them. */
	if (wk->bound != jb->iv->serial) {
		wk->bound = 0;
		if (sim_bind(si, m, sh->cols, sh->r, ind, o->grid, o->ngrid,
		    &err) < 0)
			goto fail;
		free(wk->ipred);
		free(wk->pred);
		wk->ipred = malloc((size_t)si->n * w * sizeof(double) + 1);
		wk->pred = malloc((size_t)si->n * w * sizeof(double) + 1);
		if (!wk->ipred || !wk->pred) {
			twin_nomem(&err);
			goto fail;
		}
		if (!o->nopred && sim_run(wk->sim, si, 1, wk->pred, &badrec,
		    &err) < 0)
			goto solvefail;
		wk->bound = jb->iv->serial;
	}
	for (rep = jb->rep0; rep <= jb->rep1; rep++) {
		jb->goodlen = jb->ob.len;
		if (o->iiv || o->ruv)
			gsl_rng_set(wk->rng, twin_stream_seed(o->seed, ind->id,
			    TWIN_STREAM_REP(rep)));
		if (o->iiv) {
			sim_sample_eta(wk->sim, wk->rng, wk->eta);
			for (j = 0; j < m->neta; j++)
				if (!si->etaset[j])
					si->eta[j] = wk->eta[j];
		}
		if (sim_run(wk->sim, si, 0, wk->ipred, &badrec, &err) < 0)
			goto solvefail;
		snprintf(newid, sizeof(newid), "%ld", jb->iv->firstid + rep -
		    1);
		if (l->w_dv >= 0 && sh->sensor != NULL &&
		    cgm_readings(sh, si, wk, &err) < 0)
			goto solvefail;
		for (k = 0, nobs = 0, last = 0; k < si->n; k++) {
			const double *ip = wk->ipred + (size_t)k * w;
			const double *pp = wk->pred + (size_t)k * w;
			const struct ev_rec *e = &si->rec[k];

			for (j = 0; j < l->cols.nw; j++)
				have[j] = 1;
			wk->vals[l->w_ipred] = ip[m->dv];
			if (l->w_pred >= 0)
				wk->vals[l->w_pred] = pp[m->dv];
			for (j = 0; j < m->nout; j++)
				wk->vals[l->w_out + j] = ip[j];
			for (j = 0; o->states && j < m->nstate; j++)
				wk->vals[l->w_state + j] = ip[m->nout + j];
			for (j = 0; o->iiv && j < m->neta; j++)
				wk->vals[l->w_eta + j] = si->eta[j];
			if (l->w_dv >= 0) {
				have[l->w_dv] = e->evid == 0;
				if (e->evid == 0)
					wk->vals[l->w_dv] = sh->sensor ?
					    wk->cgm[nobs++] : sim_residual(m,
					    ip[m->dv], wk->rng);
			}
			if (l->w_rep >= 0)
				wk->vals[l->w_rep] = rep;
			if (si->src[k] >= 0)
				last = si->src[k];
			write_row(&jb->ob, l, ind, si, k, last,
			    o->nrep > 1 ? newid : NULL, wk->vals, have);
		}
	}
	free(have);
	jb->goodlen = jb->ob.len;
	return 0;
solvefail:
	{
		/* The input row of the record, or the latest before an
		 * added time, or the individual's first. */
		int src = -1;

		for (k = badrec; k >= 0 && src < 0; k--)
			src = si->src[k];
		if (src < 0)
			src = 0;
		if (o->nrep > 1 && rep > 0)
			twin_error_prefix(&err, "%s:%ld: ID %s, replicate %d",
			    rec_path(sh->r), ind->row[src].line, ind->id, rep);
		else
			twin_error_prefix(&err, "%s:%ld: ID %s",
			    rec_path(sh->r), ind->row[src].line, ind->id);
		/* The solver's state is no longer that of a clean binding. */
		wk->bound = 0;
	}
fail:
	free(have);
	jb->failed = 1;
	snprintf(jb->msg, sizeof(jb->msg), "%s", err.msg);
	return -1;
}

static void
sim_job(void *ctx, void *worker, int i)
{
	struct shared *sh = ctx;

	run_job(sh, worker, &sh->jobs[i]);
}

static int
parse_grid(const char *s, struct opts *o)
{
	char buf[256], *f[3], *p;
	double a, b, h, span;
	long i, n;
	int k;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (k = 0, p = buf; k < 3; k++) {
		f[k] = p;
		if ((p = strchr(p, ':')) != NULL)
			*p++ = '\0';
		else if (k < 2)
			return -1;
	}
	if (p != NULL || twin_strtod(f[0], &a) < 0 ||
	    twin_strtod(f[1], &b) < 0 || twin_strtod(f[2], &h) < 0 ||
	    !(h > 0) || !(b >= a))
		return -1;
	span = (b - a) / h;
	if (!(span <= 1e8))
		return -1;
	n = (long)(span * (1 + 1e-12)) + 1;
	if ((o->grid = malloc(n * sizeof(double))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		o->grid[i] = a + i * h;
	o->ngrid = (int)n;
	return 0;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const struct cli_common co = { &o->keepgoing, &o->quiet, &o->strict,
	    &o->so.method, &o->so.rtol, &o->so.atol };
	enum { O_GRID = 256, O_IIV, O_NOPRED, O_RUV,
	    O_SEED, O_STATES };
	static const struct option lo[] = {
		CLI_OPT_ATOL,
		CLI_OPT_DESCRIBE,
		CLI_OPT_DIGITS,
		{ "grid", required_argument, NULL, O_GRID },
		{ "help", no_argument, NULL, 'h' },
		{ "iiv", no_argument, NULL, O_IIV },
		CLI_OPT_KEEP,
		CLI_OPT_LIST,
		{ "model", required_argument, NULL, 'm' },
		{ "no-pred", no_argument, NULL, O_NOPRED },
		CLI_OPT_PRETTY,
		CLI_OPT_QUIET,
		CLI_OPT_IGNORE,
		CLI_OPT_RTOL,
		{ "ruv", no_argument, NULL, O_RUV },
		{ "seed", required_argument, NULL, O_SEED },
		CLI_OPT_PROVENANCE,
		CLI_OPT_SHARD,
		CLI_OPT_SOLVER,
		{ "states", no_argument, NULL, O_STATES },
		CLI_OPT_STRICT,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->nrep = 1;
	o->nthread = 1;
	o->seed = 1;
	o->so.method = ODE_AUTO;
	o->so.rtol = 0;	/* the model's, or SIM_RTOL (sim.h) */
	o->so.atol = 0;
	while ((c = cli_getopt("twin-sim", argc, argv, "hVj:m:n:o:z", lo)) !=
	    -1) {
		switch (c) {
		case 'h':
			usage();
			break;
		case 'j':
			o->nthread = cli_int("twin-sim", "-j", optarg, 1, 256);
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'n':
			o->nrep = cli_int("twin-sim", "-n", optarg, 1,
			    100000000);
			break;
		case 'o':
			o->outpath = optarg;
			break;
		case 'z':
			o->gz = 1;
			break;
		case O_GRID:
			if (parse_grid(optarg, o) < 0)
				cli_usage_error("twin-sim", "--grid wants "
				    "START:END:STEP with END >= START and "
				    "STEP > 0, got \"%s\"", optarg);
			break;
		case O_IIV:
			o->iiv = 1;
			break;
		case O_NOPRED:
			o->nopred = 1;
			break;
		case O_RUV:
			o->ruv = 1;
			break;
		case O_SEED:
			o->seed = (unsigned long)cli_int("twin-sim", "--seed",
			    optarg, 0, 2147483647);
			break;
		case O_STATES:
			o->states = 1;
			break;
		default:
			if (!cli_common("twin-sim", c, optarg, &co))
				exit(1);
		}
	}
	cli_describe("twin-sim", o->model);
	if (o->model == NULL)
		cli_usage_error("twin-sim", "no model given (-m MODEL)");
}

/* What sim_cols_check reports, as a warning. */
static void
col_warning(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("twin-sim", "warning: %s", msg);
}

static int
setup_workers(struct worker *wk, int n, const struct model *m,
    const struct opts *o, int nval, struct twin_err *err)
{
	int i;

	for (i = 0; i < n; i++) {
		if ((wk[i].sim = sim_new(m, &o->so, err)) == NULL)
			return -1;
		wk[i].eta = calloc(m->neta + 1, sizeof(double));
		wk[i].vals = calloc(nval + 1, sizeof(double));
		wk[i].rng = gsl_rng_alloc(gsl_rng_mt19937);
		if (!wk[i].eta || !wk[i].vals || !wk[i].rng)
			return twin_nomem(err);
	}
	return 0;
}

static void
free_workers(struct worker *wk, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		sim_free(wk[i].sim);
		sim_indiv_free(&wk[i].si);
		free(wk[i].ipred);
		free(wk[i].pred);
		free(wk[i].eta);
		free(wk[i].vals);
		free(wk[i].cgm);
		if (wk[i].rng)
			gsl_rng_free(wk[i].rng);
	}
}

/* Replicates per job: about CHUNK_ROWS output rows. */
static int
chunk_reps(const struct opts *o, const struct rec_indiv *ind)
{
	long rows = (long)ind->nrow + o->ngrid;
	long n = rows > 0 ? CHUNK_ROWS / rows : CHUNK_ROWS;

	return n < 1 ? 1 : n > o->nrep ? o->nrep : (int)n;
}

/*
 * Read individuals and cut them into jobs (at most sh->maxjob), solve
 * them on the workers, write them in input order, repeat.  An individual
 * whose replicates are not all given out is carried to the next batch in
 * sh->iv[0].  When a replicate fails, those before it are written and
 * the rest of the individual is skipped.
 */
static int
run_file(struct shared *sh, struct worker *wk, int nworker,
    struct rec_writer *w, long *nextid, long *serial, int *failures)
{
	const struct opts *o = sh->o;
	struct twin_err err, rerr;
	struct indiv *cur = NULL;
	int i, n, niv, rc = 1;
	long seen;
	long failed = 0, rows, maxrows = (long)BATCH_CHUNKS * CHUNK_ROWS *
	    nworker;
	void *wks[256];

	for (i = 0; i < nworker; i++)
		wks[i] = &wk[i];

	for (;;) {
		niv = 0;
		if (cur != NULL) {
			/* The carried individual moves to slot 0. */
			if (cur != &sh->iv[0]) {
				struct indiv t = sh->iv[0];

				sh->iv[0] = *cur;
				*cur = t;
				cur = &sh->iv[0];
			}
			niv = 1;
		}
		for (n = 0, rows = 0; n < sh->maxjob && rows < maxrows;) {
			struct job *jb;

			if (cur == NULL) {
				/* Individuals read before a bad record are
				 * still written. */
				if (rc <= 0)
					break;
				cur = &sh->iv[niv];
				seen = rec_seen(sh->r);
				rc = rec_next((struct rec_reader *)sh->r,
				    &cur->ind, &rerr);
				if (rc <= 0) {
					cur = NULL;
					break;
				}
				niv++;
				/* New IDs (-n) as in the whole run: the
				 * individuals of other shards count. */
				*nextid += (rec_seen(sh->r) - seen - 1) *
				    o->nrep;
				cur->serial = ++*serial;
				cur->firstid = *nextid;
				cur->nextrep = 1;
				*nextid += o->nrep;
			}
			jb = &sh->jobs[n++];
			jb->iv = cur;
			jb->rep0 = cur->nextrep;
			jb->rep1 = cur->nextrep + chunk_reps(o, &cur->ind) - 1;
			rows += (long)(jb->rep1 - jb->rep0 + 1) *
			    (cur->ind.nrow + o->ngrid);
			if (jb->rep1 >= o->nrep) {
				jb->rep1 = o->nrep;
				cur = NULL;
			} else {
				cur->nextrep = jb->rep1 + 1;
			}
		}
		if (n == 0)
			goto done;
		sh->njob = n;
		if (cli_parallel(n, nworker, wks, sh, sim_job) < 0) {
			cli_warn("twin-sim", "cannot start a thread");
			return -1;
		}
		for (i = 0; i < n; i++) {
			struct job *jb = &sh->jobs[i];

			if (jb->iv->serial == failed)
				continue;
			if (rec_write(w, jb->ob.p, jb->goodlen, &err) < 0) {
				cli_warn("twin-sim", "%s", err.msg);
				return -1;
			}
			if (jb->failed) {
				cli_warn("twin-sim", "%s", jb->msg);
				++*failures;
				if (!o->keepgoing)
					return -1;
				failed = jb->iv->serial;
				if (cur == jb->iv)
					cur = NULL;
			}
			if (jb->rep1 == o->nrep)	/* its last replicate */
				cli_progress_count(&progress, "individuals",
				    jb->iv->serial);
		}
	}
done:
	if (rc < 0) {
		cli_warn("twin-sim", "%s", rerr.msg);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct twin_err err;
	struct model *m = NULL;
	struct rec_reader *r = NULL, *prev = NULL;
	struct rec_writer *w = NULL;
	struct sim_cols cols;
	struct layout lay;
	struct shared sh;
	struct sensor sensor;
	struct worker wk[256];
	struct outbuf hb = { 0 };
	char *cols_first = NULL, *cols_now;
	long nextid = 1, serial = 0;
	int i, nf, failures = 0, status = 2, njob, complete = 0;
	const char *stdin_only[] = { "-" };
	const char **files;

	gsl_set_error_handler_off();
	memset(&sh, 0, sizeof(sh));
	njob = 0;
	parse_opts(argc, argv, &o);
	nf = argc - optind;
	files = nf ? (const char **)argv + optind : stdin_only;
	if (nf == 0)
		nf = 1;
	cli_progress_start(&progress, "twin-sim", o.quiet);
	cli_progress_input(&progress, files, nf, -1, NULL);
	memset(wk, 0, sizeof(wk));
	memset(&cols, 0, sizeof(cols));
	memset(&lay, 0, sizeof(lay));
	if ((m = cli_model("twin-sim", o.model)) == NULL)
		goto out;
	if (o.iiv && m->neta == 0)
		cli_warn("twin-sim", "warning: --iiv: model %s has no random "
		    "effects", m->name);
	if (setup_workers(wk, o.nthread, m, &o, 8 + m->nout + m->nstate +
	    m->neta, &err) < 0) {
		cli_warn("twin-sim", "%s", err.msg);
		goto out;
	}
	if ((w = rec_wopen(o.outpath, o.gz, &err)) == NULL) {
		cli_warn("twin-sim", "%s", err.msg);
		goto out;
	}
	cli_wformat("twin-sim", w, m);
	njob = o.nthread > 1 ? JOBS_PER_THREAD * o.nthread : 1;
	memset(&sh, 0, sizeof(sh));
	if (o.ruv && m->sensor != NULL) {
		if (sensor_find(m->sensor, &sensor, &err) < 0) {
			cli_warn("twin-sim", "model %s:%d: sensor: %s", m->name,
			    m->sensorline, err.msg);
			goto out;
		}
		if (!(model_hours(m) > 0)) {
			cli_warn("twin-sim", "model %s: sensor: the model's "
			    "time unit is not known (units: time)", m->name);
			goto out;
		}
		sh.sensor = &sensor;
	}
	sh.o = &o;
	sh.m = m;
	sh.cols = &cols;
	sh.lay = &lay;
	sh.maxjob = njob;
	sh.jobs = calloc(njob, sizeof(struct job));
	sh.iv = calloc(njob + 1, sizeof(struct indiv));
	if (sh.jobs == NULL || sh.iv == NULL)
		goto out;
	for (i = 0; i < nf; i++) {
		if ((r = cli_rec_open(files[i], &err)) == NULL) {
			cli_warn("twin-sim", "%s", err.msg);
			goto out;
		}
		rec_continue(r, prev);
		cli_progress_input(&progress, files, nf, i, r);
		layout_free(&lay);
		sim_cols_free(&cols);
		if (sim_cols_init(&cols, r, m, &err) < 0 ||
		    (sim_cols_notes(&cols, o.strict, col_warning, NULL),
		    i == 0 && sim_cols_check(&cols, r, m, o.strict,
		    col_warning, NULL, &err) < 0)) {
			cli_warn("twin-sim", "%s", err.msg);
			goto out;
		}
		if (layout_init(&lay, r, m, &o) < 0) {
			cli_warn("twin-sim", "out of memory");
			goto out;
		}
		if ((cols_now = cli_columns(r)) == NULL) {
			cli_warn("twin-sim", "out of memory");
			goto out;
		}
		if (i == 0) {
			cols_first = cols_now;
		} else {
			int same = strcmp(cols_now, cols_first) == 0;

			free(cols_now);
			if (!same) {
				cli_warn("twin-sim", "%s:%ld: the columns differ "
				    "from those of %s", rec_path(r),
				    rec_header_line(r), files[0]);
				goto out;
			}
		}
		if (i == 0) {
			rec_layout_header(&lay.cols, r, &hb);
			if (cli_provenance("twin-sim", w, m, &o.seed,
			    &err) < 0 || rec_write(w, hb.p, hb.len, &err) < 0) {
				cli_warn("twin-sim", "%s", err.msg);
				goto out;
			}
		}
		sh.r = r;
		if (run_file(&sh, wk, o.nthread, w, &nextid, &serial,
		    &failures) < 0)
			goto out;
		rec_close(prev);
		prev = r;
		r = NULL;
	}
	status = failures ? 2 : 0;
	complete = 1;
out:
	cli_progress_end(&progress);
	/* A file is kept when the whole input was read: with --keep-going
	 * it holds every individual that could be simulated. */
	if (w && rec_wclose(w, complete && (failures == 0 || o.keepgoing),
	    &err) < 0) {
		cli_warn("twin-sim", "%s", err.msg);
		status = 2;
	}
	rec_close(r);
	rec_close(prev);
	if (sh.jobs) {
		for (i = 0; i < njob; i++)
			ob_free(&sh.jobs[i].ob);
		free(sh.jobs);
	}
	if (sh.iv) {
		for (i = 0; i <= njob; i++)
			rec_indiv_free(&sh.iv[i].ind);
		free(sh.iv);
	}
	ob_free(&hb);
	free(cols_first);
	free_workers(wk, o.nthread);
	layout_free(&lay);
	sim_cols_free(&cols);
	model_free(m);
	free(o.grid);
	return status;
}
