/*
 * fuzz_regimen.c - libFuzzer harness for regimen.c: parse arbitrary bytes
 * and expand whatever parses under a fixed context, checking that the
 * records are sane and errors point into the text.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib \
 *     tests/unit/fuzz_regimen.c lib/data/regimen.c lib/util/num.c lib/util/err.c -lm \
 *     -o /tmp/fuzz_regimen
 * /tmp/fuzz_regimen -max_total_time=60
 *
 * Not named test_*.c: the Makefile would build it as a unit test.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/regimen.h"

static const char *const routes[] = { "iv", "po", "sc", "meal" };

static int
route(void *arg, const char *name)
{
	int i;

	(void)arg;
	for (i = 0; i < 4; i++)
		if (strcmp(routes[i], name) == 0)
			return i;
	return -1;
}

/* "column N: ..." with N within the text, or a message without one. */
static void
check_err(const struct twin_err *err, size_t size)
{
	long col;

	if (err->msg[0] == '\0')
		abort();
	if (strncmp(err->msg, "column ", 7) != 0)
		return;
	col = strtol(err->msg + 7, NULL, 10);
	if (col < 1 || (size_t)col > size + 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reg_context ctx = {
		.start = 0, .clock0 = 8, .wt = 70, .time_unit = "h",
		.amount_unit = "mg", .route = route, .arg = NULL,
		.routes = "iv, po, sc, meal"
	};
	struct twin_err err;
	struct regimen *r;
	struct reg_dose *d;
	char *src;
	int i, n, pass;

	if ((src = malloc(size + 1)) == NULL)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	err.msg[0] = '\0';
	if ((r = regimen_parse(src, &err)) == NULL) {
		check_err(&err, strlen(src));
		free(src);
		return 0;
	}
	/* a second pass in minutes and grams, without a weight */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			ctx.time_unit = "min";
			ctx.amount_unit = "g";
			ctx.wt = NAN;
			ctx.clock0 = 23.5;
		}
		err.msg[0] = '\0';
		n = regimen_expand(r, &ctx, &d, &err);
		if (n < 0) {
			if (d != NULL)
				abort();
			check_err(&err, strlen(src));
			continue;
		}
		if (n == 0 || d == NULL)
			abort();
		for (i = 0; i < n; i++) {
			if (!isfinite(d[i].time) || !isfinite(d[i].ii) ||
			    !(d[i].amt > 0) || !isfinite(d[i].amt) ||
			    !(d[i].rate >= 0) || !isfinite(d[i].rate) ||
			    d[i].addl < 0 || d[i].addl >= REG_MAXDOSES ||
			    (d[i].addl > 0) != (d[i].ii > 0) ||
			    d[i].cmt < 0 || d[i].cmt > 3)
				abort();
			if (i > 0 && d[i].time < d[i - 1].time)
				abort();
		}
		free(d);
	}
	regimen_free(r);
	free(src);
	return 0;
}
