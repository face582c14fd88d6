/*
 * fuzz_record.c - libFuzzer harness for the record reader.
 *
 * Each input is written to a scratch file and read to the end: every
 * individual, every field through rec_num, with the invariants the API
 * promises checked on the way.  The first byte also picks the ignore
 * rule (the default, none, @ or C), so every rule meets every input.  Not a unit test (no test_ prefix); build:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -D_POSIX_C_SOURCE=200809L -Ilib tests/unit/fuzz_record.c \
 *       lib/data/record.c lib/util/num.c lib/util/err.c -lz -lm -o /tmp/fuzz_record
 *   /tmp/fuzz_record -max_total_time=60
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "data/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch_path[64];

static void
cleanup(void)
{
	unlink(scratch_path);
}

/* One scratch file per process, rewritten for each input. */
static const char *
scratch(void)
{
	if (scratch_path[0] == '\0') {
		int fd;

		snprintf(scratch_path, sizeof(scratch_path),
		    "/tmp/fuzz-record-XXXXXX");
		if ((fd = mkstemp(scratch_path)) == -1)
			abort();
		close(fd);
		atexit(cleanup);
	}
	return scratch_path;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e;
	struct rec_reader *r;
	const char *path = scratch();
	FILE *fp;
	static const char *const rules[] = { NULL, "none", "@", "C" };
	double x;
	int rc, got, i, j, k, ncol;

	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	if (fclose(fp) != 0)
		abort();

	if ((r = rec_open(path, &e)) == NULL) {
		/* Every failure says what and where. */
		if (strncmp(e.msg, path, strlen(path)) != 0)
			abort();
		return 0;
	}
	if (rec_set_ignore(r, rules[size > 0 ? data[0] % 4 : 0], &e) != 0)
		abort();
	ncol = rec_ncol(r);
	if (ncol < 2 || rec_col(r, "ID") < 0 || rec_col(r, "TIME") < 0)
		abort();
	for (j = 0; j < ncol; j++) {
		if (rec_col(r, rec_colname(r, j)) != j)
			abort();	/* names must be unique */
		for (k = 0; k < j; k++)
			if (strcasecmp(rec_colname(r, j),
			    rec_colname(r, k)) == 0)
				abort();	/* ... also in any case */
	}
	while ((rc = rec_next(r, &ind, &e)) == 1) {
		if (ind.nrow < 1 || ind.id == NULL)
			abort();
		for (i = 0; i < ind.nrow; i++) {
			if (strcmp(ind.row[i].field[rec_col(r, "ID")],
			    ind.id) != 0)
				abort();
			if (i > 0 && ind.row[i].line <= ind.row[i - 1].line)
				abort();
			for (j = -1; j <= ncol; j++) {
				got = rec_num(r, &ind.row[i], j, &x, &e);
				if (got == -1 &&
				    strncmp(e.msg, path, strlen(path)) != 0)
					abort();
				if (got == 1 && !(fabs(x) <= REC_NUM_MAX))
					abort();	/* bounded */
			}
			if (rec_num(r, &ind.row[i], rec_col(r, "TIME"), &x,
			    &e) != 1)
				abort();	/* TIME was checked */
		}
	}
	if (rc == -1 && strncmp(e.msg, path, strlen(path)) != 0)
		abort();
	if (rec_next(r, &ind, &e) != rc)
		abort();	/* the end and errors are sticky */
	rec_indiv_free(&ind);
	rec_close(r);
	return 0;
}
