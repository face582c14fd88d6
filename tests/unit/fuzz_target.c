/*
 * fuzz_target.c - libFuzzer harness for target.c: parse arbitrary bytes
 * as a target, and evaluate what parses on a small fixed curve.
 *
 * Not named test_*.c: the Makefile would build it as a unit test.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static double t[] = { 0, 1, 1, 2, 4, 8, 12 };
	static double y[] = { 0, 5, 5, 8, 4, 2, 0.5 };
	static struct pdose d[] = {
		{ .t = 0, .amt = 100, .ii = 12, .pre = 0 },
		{ .t = 12, .amt = 100, .pre = 7 }
	};
	struct profile p;
	struct target tg;
	struct twin_err err;
	char *src;
	int i;

	if ((src = malloc(size + 1)) == NULL)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	memset(&p, 0, sizeof(p));
	p.id = "1";
	p.n = 7;
	p.t = t;
	p.y = y;
	p.nd = 2;
	p.dose = d;
	if (target_parse(src, &tg, &err) == 0) {
		if (tg.n < 1)
			abort();
		for (i = 0; i < tg.n; i++) {
			double v = metric_eval(&tg.c[i].m, &p, -INFINITY,
			    INFINITY, INTERP_LINLOG, 1);

			/* a percentage is a percentage */
			if (tg.c[i].m.kind >= MET_ABOVE && !isnan(v) &&
			    (v < -1e-9 || v > 100 + 1e-9))
				abort();
			(void)range_holds(&tg.c[i].r, v);
		}
		target_free(&tg);
	}
	free(src);
	return 0;
}
