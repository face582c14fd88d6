/*
 * fuzz_expr.c - libFuzzer harness for expr.c: parse arbitrary bytes and
 * put whatever parses through every other entry point.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib \
 *     tests/unit/fuzz_expr.c lib/model/expr.c lib/util/err.c -lm -o /tmp/fuzz_expr
 * /tmp/fuzz_expr -max_total_time=60
 *
 * Not named test_*.c: the Makefile would build it as a unit test.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/expr.h"

#define NSLOT 4

static const char *const names[NSLOT] = { "x", "y", "k", "central" };

static int
lookup(void *ctx, const char *name, int len)
{
	int i;

	(void)ctx;
	for (i = 0; i < NSLOT; i++)
		if ((int)strlen(names[i]) == len &&
		    strncmp(names[i], name, (size_t)len) == 0)
			return i;
	return -1;
}

static void
check_slot(void *ctx, int slot)
{
	(void)ctx;
	if (slot < 0 || slot >= NSLOT)
		abort();
}

/*
 * n as a one-statement program: it must give the tape's value r, and its
 * C text (for native code) must come out, whatever the tree.
 */
static void
prog_check(const struct enode *n, const double *v, double r)
{
	struct prog_stmt st = { n, 0, 1 };
	struct prog *p = prog_compile(&st, 1, NSLOT);
	double w[NSLOT + 64], out = NAN;
	FILE *f;

	if (p == NULL)
		abort();
	if (prog_ntemp(p) <= 64) {
		memcpy(w, v, NSLOT * sizeof(double));
		prog_eval(p, w, &out);
		if (!(out == r || (out != out && r != r)))
			abort();
	}
	if ((f = fopen("/dev/null", "w")) != NULL) {
		if (prog_emit_c(p, "f", f) < 0)
			abort();
		fclose(f);
	}
	prog_free(p);
}

/* Compile and run n; a tape must come out for any tree that fits. */
static void
run(const struct enode *n, const double *v)
{
	struct tape *t;
	double c, r;

	if ((t = tape_compile(n)) == NULL)
		abort();
	r = tape_eval(t, v);
	/* a constant tree must evaluate to its own value */
	if (enode_is_const(n, &c) && !(r == c || (r != r && c != c)))
		abort();
	tape_free(t);
	prog_check(n, v, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double v[NSLOT] = { 1.5, -0.25, 0.3, 2.0 };
	struct twin_err err;
	struct enode *n, *by;
	char *src;
	int col, i;

	if ((src = malloc(size + 1)) == NULL)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	col = -1;
	n = expr_parse(src, lookup, NULL, &col, &err);
	if (n == NULL) {
		/* the error column must point into the text */
		if (col < 0 || (size_t)col > strlen(src))
			abort();
		free(src);
		return 0;
	}
	enode_foreach_slot(n, check_slot, NULL);
	run(n, v);
	by = enode_const(0.5);
	for (i = 0; i < NSLOT; i++) {
		struct enode *d, *s;

		/* NULL is allowed: the derivative may be too tall */
		if ((d = enode_diff(n, i)) != NULL) {
			run(d, v);
			enode_free(d);
		}
		if ((s = enode_subst(n, i, by)) != NULL) {
			if (enode_uses(s, i))
				abort();
			run(s, v);
			enode_free(s);
		}
	}
	enode_free(by);
	enode_free(n);
	free(src);
	return 0;
}
