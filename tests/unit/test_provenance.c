/*
 * test_provenance - the "#" lines of --provenance (util/provenance.h):
 * each fact in its documented form and order, written out by hand here;
 * arguments quoted for a shell; control characters made spaces; the
 * input's lines passed on under "# input: "; and fnv1a64 continued over
 * pieces against the published FNV-1a test vector "foobar" =
 * 0x85944171f73967e8 (draft-eastlake-fnv).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/provenance.h"
#include "tap.h"

static void
test_hash(void)
{
	uint64_t h = fnv1a64(FNV64_BASIS, "foo", 3);

	tap_ok(fnv1a64(h, "bar", 3) == 0x85944171f73967e8ULL,
	    "fnv1a64 over \"foo\" then \"bar\" is FNV-1a-64(\"foobar\")");
	tap_ok(fnv1a64(FNV64_BASIS, "", 0) == 0xcbf29ce484222325ULL,
	    "fnv1a64 of no bytes is the offset basis");
}

static int
same(const struct prov *p, const char *want)
{
	struct twin_err e;
	char *got = prov_lines(p, &e);
	int r = got != NULL && strcmp(got, want) == 0;

	if (!r)
		fprintf(stderr, "# got:\n%s# want:\n%s", got ? got : "(null)\n",
		    want);
	free(got);
	return r;
}

static void
test_lines(void)
{
	static char *const argv[] = { "-m", "pk2cmt", "--iiv", "--grid",
	    "0:24:1", "--regimen", "100 mg q12h", "it's", "", "a\tb\nc" };
	struct shard sh = { 1, 4 };
	unsigned long seed = 3;
	struct prov p;

	memset(&p, 0, sizeof(p));
	p.prog = "twin-sim";
	p.version = "0.1.0";
	tap_ok(same(&p, "# twin-sim 0.1.0\n# options\n"),
	    "no model, seed, shard or arguments: two lines");
	p.model = "pk2cmt";
	p.modelhash = 0x0123456789abcdefULL;
	p.seed = &seed;
	p.shard = &sh;
	p.argc = 5;
	p.argv = argv;
	tap_ok(same(&p, "# twin-sim 0.1.0\n"
	    "# model pk2cmt fnv1a64:0123456789abcdef\n"
	    "# seed 3\n"
	    "# shard 1/4\n"
	    "# options -m pk2cmt --iiv --grid 0:24:1\n"),
	    "every fact, one a line, in the documented order and form");
	p.modelhash = 0xabc;
	p.seed = NULL;
	p.shard = NULL;
	p.argc = 10;
	tap_ok(same(&p, "# twin-sim 0.1.0\n"
	    "# model pk2cmt fnv1a64:0000000000000abc\n"
	    "# options -m pk2cmt --iiv --grid 0:24:1 --regimen "
	    "'100 mg q12h' 'it'\\''s' '' 'a b c'\n"),
	    "16 hex digits; arguments quoted for a shell, tab and newline "
	    "as spaces");
	p.argc = 0;
	p.model = NULL;
	p.input = "# twin-pop 0.1.0\n#seed 5\n# input: x\r\n#\n";
	tap_ok(same(&p, "# input: twin-pop 0.1.0\n"
	    "# input: seed 5\n"
	    "# input: input: x \n"
	    "# input: \n"
	    "# twin-sim 0.1.0\n"
	    "# options\n"),
	    "the input's lines first, under \"# input: \"");
	p.input = "";
	tap_ok(same(&p, "# twin-sim 0.1.0\n# options\n"),
	    "an input without lines adds none");
}

/* prov_read: the facts back from the lines prov_lines writes. */
static void
test_read(void)
{
	struct prov_facts f;
	struct twin_err err;
	struct shard sh = { 3, 4 };
	char *const argv[] = { "target", "cmin >= 0.3", "it's", "", "-y",
	    "CP" };
	struct prov p = { "twin-report", "0.1.0", NULL, 0, NULL, &sh, 6,
	    argv, "# twin-pop 0.1.0\n# seed 7\n# shard 3/4\n"
	    "# options -n 10 --shard 3/4\n" };
	char *text = prov_lines(&p, &err);

	tap_ok(text != NULL && prov_read(text, &f, &err) == 0,
	    "read back what prov_lines wrote");
	tap_ok(f.shard.k == 3 && f.shard.n == 4, "the shard, own and input");
	tap_ok(strcmp(f.ident, "# input: twin-pop 0.1.0\n# input: seed 7\n"
	    "# twin-report 0.1.0\n") == 0, "ident: tools and seeds, no "
	    "shard or options lines");
	tap_ok(f.argc == 6 && strcmp(f.argv[1], "cmin >= 0.3") == 0 &&
	    strcmp(f.argv[2], "it's") == 0 && strcmp(f.argv[3], "") == 0 &&
	    strcmp(f.argv[5], "CP") == 0, "own options unquoted, the "
	    "input's left out");
	prov_facts_free(&f);
	free(text);
	tap_ok(prov_read("# input: shard 1/4\n# shard 2/4\n", &f, &err) < 0 &&
	    strstr(err.msg, "disagree") != NULL, "two shards in one history: "
	    "said");
	tap_ok(prov_read("# options 'a\n", &f, &err) < 0 &&
	    strstr(err.msg, "quoting") != NULL, "an open quote is said");
	tap_ok(prov_read("", &f, &err) == 0 && f.shard.n == 0 &&
	    f.argc == 0 && strcmp(f.ident, "") == 0, "no lines, no facts");
	prov_facts_free(&f);
}

int
main(void)
{
	test_hash();
	test_lines();
	test_read();
	return tap_done();
}
