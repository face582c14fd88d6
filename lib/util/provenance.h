/*
 * provenance.h - what made an output, as leading "#" comment lines
 * (--provenance; twin(7), Large cohorts).
 *
 * Every twin program skips lines that start with "#" (twin-records(5)),
 * so these lines can lead a table without breaking a pipeline that reads
 * the header as its first line of data.  The lines, one fact each, in
 * this order and form (the one home of the form; each ends in "\n"):
 *
 *	# input: TEXT		one per leading "#" line of the input, TEXT
 *				being that line without its "#" and one
 *				space after it: a pipeline's history
 *	# PROG VERSION		the program and the toolkit's version
 *	# model NAME fnv1a64:HHHHHHHHHHHHHHHH
 *				the model and the FNV-1a-64 (util/shard.h)
 *				of its YAML text, 16 lower-case hex digits
 *	# seed N		the seed of the random numbers
 *	# shard K/N		the shard (--shard)
 *	# options ARG ...	the arguments after the program name
 *
 * The model, seed and shard lines are left out when there is none.  An
 * argument made only of letters, digits and _@%+=:,./- is written as it
 * is; any other (or an empty one) in single quotes, a quote in it as
 * '\'' , so the line can be pasted into a shell.  Control characters
 * (tab, newline, ...) anywhere in the lines become spaces: a fact never
 * spans two lines.
 *
 * prov_lines returns malloc'ed text the caller frees, or NULL with
 * TWIN_ENOMEM in a caller-owned struct twin_err.
 */
#ifndef TWIN_PROVENANCE_H
#define TWIN_PROVENANCE_H

#include <stdint.h>

#include "util/err.h"
#include "util/shard.h"

struct prov {
	const char *prog, *version;	/* "twin-sim", "0.1.0" */
	const char *model;		/* its name, or NULL: no model line */
	uint64_t modelhash;
	const unsigned long *seed;	/* NULL: no seed line */
	const struct shard *shard;	/* NULL or n 0: no shard line */
	int argc;			/* argv[0, argc): after the program */
	char *const *argv;
	const char *input;	/* the input's leading "#" lines, each
				 * ending in "\n", or NULL */
};

char *prov_lines(const struct prov *p, struct twin_err *err);

/*
 * Reading the lines back, to merge shards (twin(7), Large cohorts): the
 * facts of one output's leading "#" lines (text: those lines, each
 * ending in "\n", as rec_comments or tsv_comments give them).
 *
 *	ident	every line that is neither a shard line nor an options
 *		line, own or "# input:", in order and joined: the tools
 *		and versions, the models and their hashes, the seeds of
 *		the whole history.  Shards of one run have equal idents.
 *	shard	the shard named by the shard lines, own or input (n 0 when
 *		none); two different shards in one history are an error
 *	argv	the words of the output's own options line, unquoted as a
 *		shell would (NULL, argc 0, when it has none)
 *
 * prov_read returns 0, or -1 with err: TWIN_EINPUT "shard lines disagree
 * (\"1/4\", \"2/4\")", "bad quoting in the options line", or
 * TWIN_ENOMEM.  The facts are the caller's, freed by prov_facts_free.
 */
struct prov_facts {
	char *ident;
	struct shard shard;
	char **argv;
	int argc;
};

int prov_read(const char *text, struct prov_facts *f, struct twin_err *err);
void prov_facts_free(struct prov_facts *f);

#endif
