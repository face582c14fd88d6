/*
 * test_tsv - lib/util/tsv: a shipped table read row by row: the header,
 * comments and blank lines skipped, cells by column, numbers and ".",
 * and the errors with the table's path and line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tsv.h"
#include "tap.h"

static char dir[] = "/tmp/twin-tsv-XXXXXX";

static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

int
main(void)
{
	struct tsv t;
	struct twin_err err;
	double x, y;
	int rc, c;

	if (mkdtemp(dir) == NULL)
		return 1;
	setenv("TWIN_DATA_PATH", dir, 1);
	put("a.tsv", "# Sources: here\nname\tx\ty\n\n# a comment\n"
	    "one\t1.5\t.\ntwo\t2e3\t7\n");
	put("bad.tsv", "name\tx\none\t1\ttoo many\n");
	put("nan.tsv", "name\tx\none\tabc\n");

	tap_ok(tsv_open(&t, "a.tsv", &err) == 0 && t.nhead == 3 &&
	    !strcmp(t.head[2], "y"), "the header, after the comments");
	rc = tsv_next(&t, &err);
	c = tsv_col(&t, "y", &err);
	tap_ok(rc == 1 && t.lineno == 5 && !strcmp(tsv_str(&t, "name"), "one")
	    && tsv_num_of(&t, "x", &x, &err) == 0 && x == 1.5 &&
	    tsv_num(&t, c, 1, &y, &err) == 0 && isnan(y),
	    "the first row (line 5): text, a number, \".\" as NaN");
	tap_ok(tsv_num(&t, c, 0, &y, &err) < 0 &&
	    strstr(err.msg, "a.tsv:5: y \".\" is not a number") != NULL,
	    "\".\" is not a number where it is not allowed");
	tap_ok(tsv_next(&t, &err) == 1 && tsv_num_of(&t, "x", &x, &err) == 0
	    && x == 2000 && tsv_next(&t, &err) == 0, "the second row, then "
	    "the end");
	tap_ok(tsv_col(&t, "z", &err) < 0 && strstr(err.msg,
	    "a.tsv: no column \"z\"") != NULL && !strcmp(tsv_str(&t, "z"), ""),
	    "an unknown column is said (and reads as \"\")");
	tsv_close(&t);
	tap_ok(tsv_open(&t, "bad.tsv", &err) == 0 && tsv_next(&t, &err) < 0 &&
	    strstr(err.msg, "bad.tsv:2: 3 columns, the header has 2") != NULL,
	    "a row wider than the header: path, line, counts");
	tsv_close(&t);
	tap_ok(tsv_open(&t, "nan.tsv", &err) == 0 && tsv_next(&t, &err) == 1 &&
	    tsv_num_of(&t, "x", &x, &err) < 0 &&
	    strstr(err.msg, "nan.tsv:2: x \"abc\" is not a number") != NULL,
	    "a cell that is not a number");
	tsv_close(&t);
	tap_ok(tsv_open(&t, "none.tsv", &err) < 0 && err.kind == TWIN_ESYSTEM,
	    "a missing table is a system error");
	put("a.tsv", "");
	tap_ok(tsv_open(&t, "a.tsv", &err) < 0 && strstr(err.msg, "no header"),
	    "an empty table has no header");
	/* Any path, plain or gzip, and the "#" lines before the header. */
	put("p.tsv", "# one\n#two\n\nK\tN\n# not kept\na\t3\n");
	{
		char path[600], cmd[1400];
		const char *name[] = { "p.tsv", "p.tsv.gz" };
		int k;

		snprintf(cmd, sizeof(cmd), "gzip -c %s/p.tsv > %s/p.tsv.gz",
		    dir, dir);
		tap_ok(system(cmd) == 0, "gzip made a compressed copy");
		for (k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "%s/%s", dir, name[k]);
			tap_ok(tsv_open_path(&t, path, &err) == 0 &&
			    strcmp(tsv_comments(&t), "# one\n#two\n") == 0 &&
			    tsv_next(&t, &err) == 1 &&
			    strcmp(tsv_str(&t, "K"), "a") == 0 &&
			    tsv_next(&t, &err) == 0, k ? "gzip by path: rows and the "
			    "leading comments" : "plain by path: rows and the "
			    "leading comments");
			tsv_close(&t);
		}
		unlink(strcat(strcpy((char[600]){ 0 }, dir), "/p.tsv.gz"));
	}
	unlink(strcat(strcpy((char[600]){ 0 }, dir), "/p.tsv"));
	unlink(strcat(strcpy((char[600]){ 0 }, dir), "/a.tsv"));
	unlink(strcat(strcpy((char[600]){ 0 }, dir), "/bad.tsv"));
	unlink(strcat(strcpy((char[600]){ 0 }, dir), "/nan.tsv"));
	rmdir(dir);
	return tap_done();
}
