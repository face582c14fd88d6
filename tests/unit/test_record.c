/*
 * test_record.c - the record stream: reading TSV/CSV, plain and gzip,
 * grouping into individuals, every error, output buffers and writers.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "data/record.h"
#include "data/table.h"
#include "util/shard.h"
#include "tap.h"
#include "slurp.h"

static char dir[64];
static char files[128][128];
static int nfiles;

/* A path in the scratch directory, remembered for cleaning up. */
static const char *
tpath(const char *name)
{
	char *p = files[nfiles < 127 ? nfiles++ : 127];

	snprintf(p, sizeof(files[0]), "%s/%s", dir, name);
	return p;
}

static const char *
writefile(const char *name, const char *data, size_t n)
{
	const char *path = tpath(name);
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(data, 1, n, fp) != n || fclose(fp) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

static const char *
writes(const char *name, const char *data)
{
	return writefile(name, data, strlen(data));
}

static const char *
writegz(const char *name, const char *data, size_t n)
{
	const char *path = tpath(name);
	gzFile gz = gzopen(path, "wb");

	if (gz == NULL || gzwrite(gz, data, (unsigned)n) != (int)n ||
	    gzclose(gz) != Z_OK) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

/* The whole file, NUL-terminated; *n gets its length. */
/*
 * ok if cond and the message is exactly want; a "#" in want stands for a
 * line number (digits) in the message.
 */
static int
msg_matches(const char *got, const char *want)
{
	for (; *want; want++) {
		if (*want == '#') {
			if (!isdigit((unsigned char)*got))
				return 0;
			while (isdigit((unsigned char)*got))
				got++;
			continue;
		}
		if (*got++ != *want)
			return 0;
	}
	return *got == '\0';
}

static void
check_msg(int cond, const struct twin_err *e, const char *want,
    const char *what)
{
	int ok = cond && msg_matches(e->msg, want);

	tap_ok(ok, what);
	if (!ok)
		printf("# got:  %s\n# want: %s\n", cond ? e->msg : "(no error)",
		    want);
}

/* rec_open must fail on path with "PATH<suffix>". */
static void
open_fails(const char *path, const char *suffix, const char *what)
{
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	char want[512];

	snprintf(want, sizeof(want), "%s%s", path, suffix);
	r = rec_open(path, &e);
	check_msg(r == NULL, &e, want, what);
	rec_close(r);
}

/*
 * Read path: nok individuals must come (any number if nok < 0), then
 * rec_next must fail with "PATH<suffix>", and fail the same way when
 * called again.
 */
static void
next_fails(const char *path, int nok, const char *suffix, const char *what)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	char want[512];
	int i, rc = 1;

	snprintf(want, sizeof(want), "%s%s", path, suffix);
	if ((r = rec_open(path, &e)) == NULL) {
		tap_ok(0, what);
		printf("# open: %s\n", e.msg);
		return;
	}
	for (i = 0; (nok < 0 || i < nok) && rc == 1; i++)
		rc = rec_next(r, &ind, &e);
	if (nok < 0 && rc == -1) {
		check_msg(ind.nrow == 0, &e, want, what);
		rc = rec_next(r, &ind, &e);
		check_msg(rc == -1, &e, want, "... and again on the next call");
	} else if (rc != 1) {
		tap_ok(0, what);
		printf("# individual %d: %d %s\n", i, rc, e.msg);
	} else {
		rc = rec_next(r, &ind, &e);
		check_msg(rc == -1 && ind.nrow == 0, &e, want, what);
		strcpy(e.msg, "");
		rc = rec_next(r, &ind, &e);
		check_msg(rc == -1, &e, want, "... and again on the next call");
	}
	rec_indiv_free(&ind);
	rec_close(r);
}

static const char sample[] =
    "# a comment before the header\n"
    "ID\tTIME\tAMT\tDV\n"
    "1\t0\t100\t.\n"
    "1\t1\t.\t5.5\n"
    "# a comment between rows\n"
    "\n"
    "2\t0\t50\tNA\n"
    "2\t2\t\t3\n"
    "3\t0\t1O0\t2";	/* no newline at the end */

/* The sample, read from path (plain or gzip). */
static void
check_sample(const char *path, const char *label)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	char what[128], want[256];
	double x = -1;
	int rc;

	snprintf(what, sizeof(what), "%s: open", label);
	r = rec_open(path, &e);
	tap_ok(r != NULL, what);
	if (r == NULL) {
		printf("# %s\n", e.msg);
		return;
	}
	snprintf(what, sizeof(what), "%s: columns", label);
	tap_ok(rec_ncol(r) == 4 && strcmp(rec_colname(r, 2), "AMT") == 0 &&
	    rec_col(r, "ID") == 0 && rec_col(r, "TIME") == 1 &&
	    rec_col(r, "DV") == 3 && rec_col(r, "CMT") == -1 &&
	    rec_colname(r, 4) == NULL && rec_colname(r, -1) == NULL, what);
	snprintf(what, sizeof(what), "%s: path", label);
	tap_ok(strcmp(rec_path(r), path) == 0, what);

	rc = rec_next(r, &ind, &e);
	snprintf(what, sizeof(what), "%s: ID 1, 2 rows, lines 3 and 4", label);
	tap_ok(rc == 1 && strcmp(ind.id, "1") == 0 && ind.nrow == 2 &&
	    ind.row[0].line == 3 && ind.row[1].line == 4, what);
	if (rc != 1)
		goto out;
	snprintf(what, sizeof(what), "%s: fields verbatim", label);
	tap_ok(strcmp(ind.row[0].field[2], "100") == 0 &&
	    strcmp(ind.row[0].field[3], ".") == 0 &&
	    strcmp(ind.row[1].field[3], "5.5") == 0, what);
	snprintf(what, sizeof(what), "%s: rec_num of 100", label);
	tap_ok(rec_num(r, &ind.row[0], 2, &x, &e) == 1, what);
	tap_close(x, 100, 0, "... is 100");
	x = -1;
	snprintf(what, sizeof(what), "%s: rec_num of . is missing", label);
	tap_ok(rec_num(r, &ind.row[1], 2, &x, &e) == 0 && x == -1, what);
	snprintf(what, sizeof(what), "%s: rec_num of column -1 is missing",
	    label);
	tap_ok(rec_num(r, &ind.row[1], -1, &x, &e) == 0 && x == -1, what);
	snprintf(what, sizeof(what), "%s: rec_num of 5.5", label);
	tap_ok(rec_num(r, &ind.row[1], 3, &x, &e) == 1 && x == 5.5, what);
	snprintf(what, sizeof(what), "%s: rec_num_or: missing gives the "
	    "default, present the value", label);
	tap_ok(rec_num_or(r, &ind.row[1], 2, 7, &x, &e) == 0 && x == 7 &&
	    rec_num_or(r, &ind.row[1], -1, 8, &x, &e) == 0 && x == 8 &&
	    rec_num_or(r, &ind.row[1], 3, 9, &x, &e) == 0 && x == 5.5, what);

	rc = rec_next(r, &ind, &e);
	snprintf(what, sizeof(what), "%s: ID 2 after comment and blank line",
	    label);
	tap_ok(rc == 1 && strcmp(ind.id, "2") == 0 && ind.nrow == 2 &&
	    ind.row[0].line == 7 && ind.row[1].line == 8, what);
	if (rc != 1)
		goto out;
	x = -1;
	snprintf(what, sizeof(what), "%s: NA and empty are missing", label);
	tap_ok(rec_num(r, &ind.row[0], 3, &x, &e) == 0 &&
	    rec_num(r, &ind.row[1], 2, &x, &e) == 0 && x == -1 &&
	    strcmp(ind.row[1].field[2], "") == 0, what);

	rc = rec_next(r, &ind, &e);
	snprintf(what, sizeof(what), "%s: ID 3, last line without newline",
	    label);
	tap_ok(rc == 1 && strcmp(ind.id, "3") == 0 && ind.nrow == 1 &&
	    ind.row[0].line == 9 && strcmp(ind.row[0].field[3], "2") == 0,
	    what);
	if (rc != 1)
		goto out;
	snprintf(want, sizeof(want),
	    "%s:9: column AMT: not a number: \"1O0\"", path);
	snprintf(what, sizeof(what), "%s: rec_num names the column", label);
	check_msg(rec_num(r, &ind.row[0], 2, &x, &e) == -1, &e, want, what);

	snprintf(what, sizeof(what), "%s: then end of input, twice", label);
	tap_ok(rec_next(r, &ind, &e) == 0 && ind.nrow == 0 &&
	    rec_next(r, &ind, &e) == 0, what);
out:
	rec_indiv_free(&ind);
	rec_close(r);
}

static void
test_read(void)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	const char *path;
	int rc, fd, saved;

	path = writes("sample.tsv", sample);
	check_sample(path, "tsv");
	check_sample(writegz("sample.tsv.gz", sample, strlen(sample)), "gzip");
	/* zlib decides by content, not by name. */
	check_sample(writegz("gzip-no-suffix", sample, strlen(sample)),
	    "gzip without .gz");

	/* Standard input, through a duplicate of fd 0. */
	saved = dup(0);
	fd = open(path, O_RDONLY);
	if (saved >= 0 && fd >= 0 && dup2(fd, 0) == 0) {
		r = rec_open("-", &e);
		tap_ok(r != NULL && strcmp(rec_path(r), "<stdin>") == 0,
		    "stdin: open \"-\", path <stdin>");
		rc = r != NULL ? rec_next(r, &ind, &e) : -1;
		tap_ok(rc == 1 && strcmp(ind.id, "1") == 0 && ind.nrow == 2,
		    "stdin: first individual");
		rec_close(r);
		tap_ok(fcntl(0, F_GETFD) != -1, "stdin: fd 0 still open");
		r = rec_open(NULL, &e);
		tap_ok(r == NULL, "stdin: NULL path is stdin too (at its end)");
		rec_close(r);
		dup2(saved, 0);
	} else
		tap_ok(0, "stdin: redirect");
	if (fd >= 0)
		close(fd);
	if (saved >= 0)
		close(saved);

	/* CSV with CRLF; names are trimmed, fields are not. */
	path = writes("crlf.csv", "ID , TIME,DV\r\n1,0,1.5\r\n1,0.5,2\r\n"
	    "2,1, 3\r\n");
	r = rec_open(path, &e);
	tap_ok(r != NULL && rec_ncol(r) == 3 && rec_col(r, "ID") == 0 &&
	    rec_col(r, "TIME") == 1 && rec_col(r, "DV") == 2,
	    "csv: comma separated, names trimmed");
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && ind.nrow == 2 && strcmp(ind.row[0].field[2], "1.5")
	    == 0 && strcmp(ind.row[1].field[2], "2") == 0,
	    "csv: CR trimmed from fields");
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && strcmp(ind.row[0].field[2], " 3") == 0,
	    "csv: field spaces kept");
	rec_close(r);

	/* A comma and a tab in the header: tabs. */
	path = writes("mixed.tsv", "ID\tTIME\tNOTE,X\n1\t0\ta,b\n");
	r = rec_open(path, &e);
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && rec_ncol(r) == 3 &&
	    strcmp(rec_colname(r, 2), "NOTE,X") == 0 &&
	    strcmp(ind.row[0].field[2], "a,b") == 0,
	    "header with comma and tab is tab separated");
	rec_close(r);

	/* A byte order mark before the header. */
	path = writes("bom.csv", "\xef\xbb\xbfID,TIME\n1,0\n");
	r = rec_open(path, &e);
	tap_ok(r != NULL && rec_col(r, "ID") == 0, "byte order mark ignored");
	rec_close(r);

	/* Equal times are fine; IDs are compared as text. */
	path = writes("ties.tsv", "ID\tTIME\n1\t0\n1\t0\n01\t0\n");
	r = rec_open(path, &e);
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && ind.nrow == 2, "equal times within an ID");
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && strcmp(ind.id, "01") == 0, "ID 01 is not ID 1");
	rec_close(r);

	tap_ok(rec_missing(".") && rec_missing("NA") && rec_missing("") &&
	    !rec_missing("0") && !rec_missing("na") && !rec_missing(" "),
	    "rec_missing");
	rec_indiv_free(&ind);
}

static void
test_errors(void)
{
	char *buf, *cut;
	const char *path;
	size_t n, i;
	int len;

	open_fails(writes("empty.tsv", ""), ":1: empty input, no header line",
	    "empty input");
	open_fails(writes("comments.tsv", "# only\n\n#comments\r\n"),
	    ":4: empty input, no header line", "only comments and blank lines");
	open_fails(writes("notime.tsv", "# c\nID\tAMT\n1\t0\n"),
	    ":2: missing required column TIME; the header has 2 columns: "
	    "\"ID\", \"AMT\"", "missing TIME, the columns named");
	open_fails(writes("noid.csv", "TIME,AMT\n"),
	    ":1: missing required column ID; the header has 2 columns: "
	    "\"TIME\", \"AMT\"", "missing ID");
	open_fails(writes("dup.tsv", "ID\tTIME\t DV\tDV\n"),
	    ":1: duplicate column DV", "duplicate column (after trimming)");
	open_fails(writes("noname.tsv", "ID\tTIME\t\n"),
	    ":1: column 3 has no name", "empty column name");
	open_fails(tpath("does-not-exist"), ": No such file or directory",
	    "missing file");
	open_fails(dir, ": read error: Is a directory", "a directory");

	path = writes("fields.tsv", "ID\tTIME\tAMT\n1\t0\t1\n1\t1\n");
	next_fails(path, 0, ":3: expected 3 fields, found 2", "too few fields");
	path = writes("fields2.csv", "ID,TIME\n1,0\n2,0,5\n");
	/* Found while looking for the end of ID 1, but it names ID 2: ID 1
	 * is whole and comes first, the error with the next call. */
	next_fails(path, 1, ":3: expected 2 fields, found 3",
	    "too many fields");
	path = writes("time.tsv", "ID\tTIME\n1\tabc\n");
	next_fails(path, 0, ":2: column TIME: not a number: \"abc\"",
	    "TIME not a number");
	path = writes("time2.tsv", "ID\tTIME\n1\t0\n1\t.\n");
	next_fails(path, 0, ":3: column TIME: not a number: \".\"",
	    "TIME missing");
	path = writes("time3.tsv", "ID\tTIME\n1\t0\n2\tx\n");
	next_fails(path, 1, ":3: column TIME: not a number: \"x\"",
	    "TIME bad in the next individual's first row");
	path = writes("back.tsv", "ID\tTIME\n3\t0\n3\t6\n3\t5\n");
	next_fails(path, 0, ":4: TIME goes backwards within ID 3 (5 after 6)",
	    "TIME going backwards");
	path = writes("again.tsv", "ID\tTIME\n1\t0\n2\t0\n# c\n1\t1\n");
	next_fails(path, 2, ":5: ID 1 appears again after other IDs; "
	    "sort the records by ID", "ID appearing again");
	path = writefile("nul.tsv", "ID\tTIME\n1\t0\n1\t1\0x\n", 19);
	next_fails(path, 0, ":3: NUL byte in line", "NUL byte");

	/* A gzip stream cut short, and one with a bad checksum. */
	/* More than one read chunk, so that rec_open succeeds. */
	buf = malloc(2000000);
	n = (size_t)snprintf(buf, 40, "ID\tTIME\tDV\n");
	for (i = 0; i < 50000; i++) {
		len = snprintf(buf + n, 40, "%zu\t%zu\t%zu\n", i / 10, i % 10,
		    i * 7919 % 1000);
		n += (size_t)len;
	}
	path = writegz("whole.tsv.gz", buf, n);
	free(buf);
	if ((buf = slurp(path, &n)) == NULL || n < 100) {
		tap_ok(0, "read back gzip file");
		free(buf);
		return;
	}
	path = writefile("cut.tsv.gz", buf, n - 20);
	next_fails(path, -1, ":#: truncated or corrupt gzip stream",
	    "truncated gzip stream");
	cut = malloc(n);
	memcpy(cut, buf, n);
	cut[n - 6] ^= 0x55;	/* the CRC-32 in the trailer */
	path = writefile("crc.tsv.gz", cut, n);
	next_fails(path, -1, ":#: truncated or corrupt gzip stream",
	    "gzip stream with a bad checksum");
	free(cut);
	free(buf);
}

/* Read path with the ignore rule (NULL: the default): "ID:nrow ..." of
 * every individual, or "error: message" (path left out). */
static void
read_all(const char *path, const char *rule, char *out, size_t n)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	size_t len = 0, plen = strlen(path);
	int rc, k;

	out[0] = '\0';
	if ((r = rec_open(path, &e)) == NULL) {
		snprintf(out, n, "open: %s", strncmp(e.msg, path, plen) == 0 ?
		    e.msg + plen : e.msg);
		return;
	}
	if (rule != NULL && rec_set_ignore(r, rule, &e) == -1) {
		snprintf(out, n, "rule: %s", e.msg);
		rec_close(r);
		return;
	}
	while ((rc = rec_next(r, &ind, &e)) == 1) {
		len += (size_t)snprintf(out + len, n - len, "%s%s:", len ?
		    " " : "", ind.id);
		for (k = 0; k < ind.nrow && len < n; k++)
			len += (size_t)snprintf(out + len, n - len, "%s%ld",
			    k ? "," : "", ind.row[k].line);
	}
	if (rc == -1 && len < n)
		snprintf(out + len, n - len, "%serror%s", len ? " " : "",
		    strncmp(e.msg, path, plen) == 0 ? e.msg + plen : e.msg);
	rec_indiv_free(&ind);
	rec_close(r);
}

static void
is_read(const char *path, const char *rule, const char *want,
    const char *what)
{
	char got[sizeof(((struct twin_err *)0)->msg) + 64];

	read_all(path, rule, got, sizeof(got));
	tap_ok(strcmp(got, want) == 0, what);
	if (strcmp(got, want) != 0)
		printf("# got:  %s\n# want: %s\n", got, want);
}

/* Datasets as they come: quotes, delimiters, case. */
static void
test_formats(void)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	const char *path;
	int rc;

	/* R's write.csv(..., row.names = FALSE). */
	path = writes("r.csv", "\"ID\",\"TIME\",\"NOTE\",\"DV\"\n"
	    "\"1\",0,\"a, b\",5\n1,1,\"say \"\"hi\"\"\" ,\"\"\n");
	r = rec_open(path, &e);
	tap_ok(r != NULL && rec_ncol(r) == 4 && rec_col(r, "ID") == 0 &&
	    rec_col(r, "NOTE") == 2 && strcmp(rec_colname(r, 3), "DV") == 0,
	    "quoted CSV header: four columns, names unquoted");
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && ind.nrow == 2 && strcmp(ind.id, "1") == 0 &&
	    strcmp(ind.row[0].field[2], "a, b") == 0 &&
	    strcmp(ind.row[0].field[3], "5") == 0 &&
	    strcmp(ind.row[1].field[2], "say \"hi\"") == 0 &&
	    strcmp(ind.row[1].field[3], "") == 0,
	    "quoted fields: a comma inside, \"\" for a quote, spaces after");
	rec_close(r);
	open_fails(writes("rownames.csv", "\"\",\"ID\",\"TIME\"\n"),
	    ":1: column 1 has no name (row names from R? "
	    "write.csv(..., row.names = FALSE))", "R's row names column");
	open_fails(writes("q1.csv", "\"ID,TIME\n"),
	    ":1: column 1: unterminated quoted field",
	    "unterminated quote in the header");
	next_fails(writes("q2.csv", "ID,TIME\n1,\"0\n"), 0,
	    ":2: field 2: unterminated quoted field",
	    "unterminated quote in a record");
	next_fails(writes("q3.csv", "ID,TIME\n1,\"0\"1\n"), 0,
	    ":2: field 2: text after the closing quote",
	    "text after a closing quote");

	/* Delimiters, decided by the header. */
	is_read(writes("semi.csv", "ID;TIME;DV\n1;0;5\n1;1;6\n2;0;.\n"), NULL,
	    "1:2,3 2:4", "semicolons");
	r = rec_open(path = writes("blank.txt", "  ID   TIME  DV \n"
	    " 1  0   5\n1 1\t 6 \n"), &e);
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && rec_ncol(r) == 3 && ind.nrow == 2 &&
	    strcmp(ind.row[1].field[2], "6") == 0,
	    "runs of blanks, leading and trailing ignored... ");
	rec_close(r);
	is_read(writes("blank2.txt", "ID TIME DV\n1  0   5\n1 1\n"), NULL,
	    "error:3: expected 3 fields, found 2", "... and counted");
	is_read(writes("tabcomma.tsv", "ID\tTIME\tWT,KG\n1\t0\t7,5\n"), NULL,
	    "1:2", "a tab decides over a comma");
	open_fails(writes("ambig.csv", "ID,TIME;DV\n"),
	    ":1: header has both ',' and ';' between names: expected one "
	    "delimiter (tab, comma, semicolon or spaces)",
	    "comma and semicolon: ambiguous");
	is_read(writes("ambig2.csv", "ID,TIME,\"A;B\"\n1,0,x\n"), NULL, "1:2",
	    "a semicolon inside quotes does not count");

	/* Case. */
	r = rec_open(writes("case.csv", "id,Time,amt,eViD,Wt,c\n"), &e);
	tap_ok(r != NULL && strcmp(rec_colname(r, 0), "ID") == 0 &&
	    strcmp(rec_colname(r, 1), "TIME") == 0 &&
	    strcmp(rec_colname(r, 2), "AMT") == 0 &&
	    strcmp(rec_colname(r, 3), "EVID") == 0 &&
	    strcmp(rec_colname(r, 4), "Wt") == 0 &&
	    strcmp(rec_colname(r, 5), "C") == 0,
	    "NONMEM's names in upper case, others as written");
	tap_ok(r != NULL && rec_col(r, "Wt") == 4 && rec_col(r, "WT") == -1 &&
	    rec_col(r, "wt") == -1 && rec_col(r, "TIME") == 1 &&
	    rec_col(r, "time") == -1 && rec_col(r, "CRCL") == -1,
	    "rec_col: exact (a covariate in another case is not matched)");
	rec_close(r);
	open_fails(writes("case2.csv", "ID,TIME,dv,DV\n"),
	    ":1: duplicate column DV", "dv and DV are the same column");
	open_fails(writes("case3.csv", "ID,TIME,wt,WT\n"),
	    ":1: columns \"wt\" and \"WT\" differ only in case",
	    "wt and WT: refused");
	tap_ok(rec_known_col("addl") && rec_known_col("SS") &&
	    !rec_known_col("WT") && !rec_known_col("IDX"), "rec_known_col");
	rec_indiv_free(&ind);
}

/* The ignore rule (NM-TRAN's $DATA IGNORE). */
static void
test_ignore(void)
{
	struct twin_err e = { .msg = "" };
	const char *path;

	path = writes("c.csv", "C,ID,TIME,DV\n.,1,0,5\nC,1,.,99\n"
	    "C,2,1\nC   note without the other fields\n.,1,2,4\n"
	    "Comment,3,0,1\n0,3,1,2\n");
	is_read(path, NULL, "1:2,6 3:8",
	    "default: C rows dropped, whatever their other fields");
	is_read(path, "C", "1:2,6 3:8", "--ignore C: the same");
	is_read(path, "none", "error:3: column TIME: not a number: \".\"",
	    "--ignore none: the C row is read");
	path = writes("c2.tsv", "ID\tTIME\tC\tDV\n1\t0\t.\t5\n1\t1\tC\t99\n"
	    "1\t2\t\"C\"\t4\n1\t3\t#\t1\n");
	is_read(path, NULL, "1:2,5", "a C column that is not the first");
	is_read(path, "#", "1:2,3,4", "--ignore #: the C field starting "
	    "with #");
	is_read(writes("noc.tsv", "ID\tTIME\nC01\t0\nC01\t1\n"), NULL,
	    "C01:2,3", "no C column: an ID starting with C stays");
	path = writes("table.tsv", "ID\tTIME\tDV\n1\t0\t5\nTABLE NO. 1\n"
	    " ID\tTIME\tDV\n@x\n1\t1\t6\n");
	is_read(path, "@", "1:2,6", "--ignore @: letters and @ first");
	is_read(path, NULL, "1:2 error:3: expected 3 fields, found 1",
	    "... which the default does not drop");
	is_read(writes("star.csv", "ID,TIME\n1,0\n*1,1\n1,2\n"), "*",
	    "1:2,4", "--ignore *: a record starting with *");
	is_read(writes("star2.csv", "ID,TIME\n1,0\n\"*1\",1\n1,2\n"), "*",
	    "1:2,4", "... also inside quotes");
	tap_ok(rec_ignore_check(NULL, &e) == 0 &&
	    rec_ignore_check("none", &e) == 0 &&
	    rec_ignore_check("@", &e) == 0 &&
	    rec_ignore_check("#", &e) == 0, "rec_ignore_check: good rules");
	check_msg(rec_ignore_check("ab", &e) == -1, &e,
	    "bad ignore rule \"ab\": expected a character, @ or none",
	    "rec_ignore_check: two characters");
	tap_ok(rec_ignore_check("", &e) == -1 &&
	    rec_ignore_check(" ", &e) == -1 &&
	    rec_ignore_check("\"", &e) == -1, "... empty, blank, quote");
}

/* Bounds: REC_LINE_MAX and REC_NUM_MAX. */
static void
test_bounds(void)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	char *buf, want[128];
	const char *path;
	size_t n, cap = (size_t)REC_LINE_MAX + 4096;
	double x = 0;
	int rc;

	buf = malloc(cap);
	n = (size_t)snprintf(buf, cap, "ID\tTIME\tNOTE\n1\t0\t");
	memset(buf + n, 'x', (size_t)REC_LINE_MAX - 4);
	n += (size_t)REC_LINE_MAX - 4;
	n += (size_t)snprintf(buf + n, cap - n, "\n");
	path = writegz("max.tsv.gz", buf, n);
	r = rec_open(path, &e);
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && ind.nrow == 1 && strlen(ind.row[0].field[2]) ==
	    (size_t)REC_LINE_MAX - 4, "a line of REC_LINE_MAX bytes");
	rec_close(r);
	buf[n - 1] = 'x';
	n += (size_t)snprintf(buf + n, cap - n, "\n1\t1\ty\n");
	snprintf(want, sizeof(want), ":2: line longer than %ld bytes",
	    REC_LINE_MAX);
	next_fails(writegz("over.tsv.gz", buf, n), 0, want,
	    "one byte more: an error");
	memset(buf, 'x', (size_t)REC_LINE_MAX + 2);
	snprintf(want, sizeof(want), ":1: line longer than %ld bytes",
	    REC_LINE_MAX);
	open_fails(writefile("hdr.tsv", buf, (size_t)REC_LINE_MAX + 2), want,
	    "a header line that long, without a newline");
	free(buf);

	path = writes("num.tsv", "ID\tTIME\tDV\n1\t0\t1e100\n1\t1\t-1e100\n"
	    "1\t2\t1.0000000001e100\n1\t3\t1e308\n");
	r = rec_open(path, &e);
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && ind.nrow == 4 && rec_num(r, &ind.row[0], 2, &x,
	    &e) == 1 && x == 1e100 && rec_num(r, &ind.row[1], 2, &x, &e) ==
	    1 && x == -1e100, "rec_num: magnitude REC_NUM_MAX is a number");
	snprintf(want, sizeof(want), "%s:4: column DV: number out of range: "
	    "\"1.0000000001e100\" (magnitude above 1e+100)", path);
	check_msg(rc == 1 && rec_num(r, &ind.row[2], 2, &x, &e) == -1, &e,
	    want, "rec_num: above it, an error with FILE:LINE");
	snprintf(want, sizeof(want), "%s:5: column DV: number out of range: "
	    "\"1e308\" (magnitude above 1e+100)", path);
	check_msg(rc == 1 && rec_num(r, &ind.row[3], 2, &x, &e) == -1, &e,
	    want, "rec_num: 1e308");
	rec_close(r);
	next_fails(writes("bigtime.tsv", "ID\tTIME\n1\t0\n1\t1e300\n"), 0,
	    ":3: column TIME: number out of range: \"1e300\" (magnitude "
	    "above 1e+100)", "TIME above REC_NUM_MAX");
	rec_indiv_free(&ind);
}

/* Many individuals across chunk boundaries, and one very long line. */
static void
test_big(void)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	size_t cap, n = 0, bufcap = 0;
	char *buf;
	const char *path;
	long rows = 0, badline = 0, expect;
	int nind = 0, id, k, rc;

	cap = 8 << 20;
	buf = malloc(cap);
	n = (size_t)snprintf(buf, cap, "ID\tTIME\tDV\r\n");
	expect = 2;
	for (id = 1; id <= 2000; id++)
		for (k = 0; k < 1 + id % 37; k++)
			n += (size_t)snprintf(buf + n, cap - n,
			    "%d\t%d\t%ld\r\n", id, k, expect++);
	path = writefile("big.tsv", buf, n);
	r = rec_open(path, &e);
	while (r != NULL && (rc = rec_next(r, &ind, &e)) == 1) {
		nind++;
		for (k = 0; k < ind.nrow; k++, rows++)
			if (ind.row[k].line != atol(ind.row[k].field[2]))
				badline++;
		if (ind.bufcap < bufcap)
			badline++;	/* storage must never shrink */
		bufcap = ind.bufcap;
	}
	tap_ok(nind == 2000 && rows == expect - 2 && badline == 0,
	    "2000 individuals over many chunks, line numbers right");
	rec_close(r);

	path = writegz("big.tsv.gz", buf, n);
	r = rec_open(path, &e);
	nind = 0;
	rows = 0;
	while (r != NULL && rec_next(r, &ind, &e) == 1) {
		nind++;
		rows += ind.nrow;
	}
	tap_ok(nind == 2000 && rows == expect - 2, "the same, gzip");
	rec_close(r);

	/* One field of 3 MB: more than a read chunk. */
	n = (size_t)snprintf(buf, cap, "ID\tTIME\tNOTE\n1\t0\t");
	memset(buf + n, 'x', 3000000);
	n += 3000000;
	n += (size_t)snprintf(buf + n, cap - n, "\n1\t1\ty\n");
	path = writefile("long.tsv", buf, n);
	r = rec_open(path, &e);
	rc = r != NULL ? rec_next(r, &ind, &e) : -1;
	tap_ok(rc == 1 && ind.nrow == 2 && strlen(ind.row[0].field[2]) ==
	    3000000 && strcmp(ind.row[1].field[2], "y") == 0 &&
	    ind.row[1].line == 3, "a 3 MB line");
	rec_close(r);
	free(buf);
	rec_indiv_free(&ind);
}

static void
test_outbuf(void)
{
	struct outbuf b = { 0 };
	int i, ok = 1;

	ob_puts(&b, "ID");
	ob_putc(&b, '\t');
	ob_putnum(&b, 0.5);
	ob_putc(&b, '\t');
	ob_putnum(&b, -2.5e20);
	ob_putc(&b, '\n');
	tap_ok(b.len == 16 && strcmp(b.p, "ID\t0.5\t-2.5e+20\n") == 0,
	    "outbuf: puts, putc, putnum");
	for (i = 0; i < 100000; i++)
		ob_putnum(&b, i);
	for (i = 0; i < 100000; i++)
		ob_putc(&b, 'x');
	ok = b.cap >= b.len + 1 && b.p[b.len] == '\0' &&
	    strncmp(b.p + b.len - 3, "xxx", 3) == 0;
	tap_ok(ok, "outbuf: grows, stays terminated");
	ob_free(&b);
	tap_ok(b.p == NULL && b.len == 0 && b.cap == 0, "outbuf: free");
}

static void
test_writer(void)
{
	struct rec_indiv ind = { 0 };
	struct twin_err e = { .msg = "" };
	struct rec_writer *w;
	struct rec_reader *r;
	struct outbuf b = { 0 };
	char *got, *big;
	const char *path, *gzpath;
	size_t n, bigsize = 3 << 20;
	int i, rc, ok, fd, saved;

	ob_puts(&b, "ID\tTIME\tDV\n");
	for (i = 0; i < 1000; i++) {
		ob_putnum(&b, 1 + i / 100);
		ob_putc(&b, '\t');
		ob_putnum(&b, (i % 100) * 0.25);
		ob_putc(&b, '\t');
		ob_putnum(&b, 1.0 / (i + 1));
		ob_putc(&b, '\n');
	}

	/* Plain: in pieces, then read back byte for byte. */
	path = tpath("out.tsv");
	w = rec_wopen(path, 0, &e);
	tap_ok(w != NULL, "writer: open plain");
	rc = 0;
	for (n = 0; w != NULL && n < b.len; n += 1000)
		rc |= rec_write(w, b.p + n, b.len - n < 1000 ? b.len - n : 1000,
		    &e);
	tap_ok(w != NULL && rc == 0 && rec_wclose(w, 1, &e) == 0,
	    "writer: write and close");
	got = slurp(path, &n);
	tap_ok(got != NULL && n == b.len && memcmp(got, b.p, n) == 0,
	    "writer: plain file has the bytes");
	free(got);

	/* gzip by name; read back through the reader. */
	gzpath = tpath("out.tsv.gz");
	w = rec_wopen(gzpath, 0, &e);
	rc = w != NULL ? rec_write(w, b.p, b.len, &e) : -1;
	tap_ok(rc == 0 && rec_wclose(w, 1, &e) == 0, "writer: gzip by name");
	got = slurp(gzpath, &n);
	tap_ok(got != NULL && n > 2 && (unsigned char)got[0] == 0x1f &&
	    (unsigned char)got[1] == 0x8b && n < b.len,
	    "writer: gzip magic, compressed");
	free(got);
	r = rec_open(gzpath, &e);
	ok = r != NULL;
	for (i = 0; ok && (rc = rec_next(r, &ind, &e)) == 1; i++)
		ok = ind.nrow == 100 && strcmp(ind.row[99].field[1], "24.75")
		    == 0;
	tap_ok(ok && i == 10 && rc == 0, "writer: gzip reads back");
	rec_close(r);

	/* gzip by flag, a write bigger than the buffer. */
	path = tpath("flag.out");
	big = malloc(bigsize);
	for (n = 0; n < bigsize; n++)
		big[n] = (char)('a' + n % 26);
	w = rec_wopen(path, 1, &e);
	rc = w != NULL ? rec_write(w, "x", 1, &e) : -1;
	rc |= w != NULL ? rec_write(w, big, bigsize, &e) : -1;
	tap_ok(rc == 0 && rec_wclose(w, 1, &e) == 0, "writer: gzip by flag");
	{
		gzFile gz = gzopen(path, "rb");
		char *back = malloc(bigsize + 2);
		int m = gz != NULL ? gzread(gz, back, (unsigned)bigsize + 2) :
		    -1;

		tap_ok(m == (int)bigsize + 1 && back[0] == 'x' &&
		    memcmp(back + 1, big, bigsize) == 0 && gzdirect(gz) == 0,
		    "writer: gzip content");
		if (gz != NULL)
			gzclose(gz);
		free(back);
	}
	free(big);

	/* Standard output, plain and gzip, into a file. */
	path = tpath("stdout.out");
	fflush(stdout);
	saved = dup(1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (saved >= 0 && fd >= 0 && dup2(fd, 1) == 1) {
		int rc1, rc2;

		w = rec_wopen("-", 0, &e);
		rc1 = w != NULL && rec_write(w, "plain\n", 6, &e) == 0 &&
		    rec_wclose(w, 1, &e) == 0;
		w = rec_wopen(NULL, 1, &e);
		rc2 = w != NULL && rec_write(w, "zipped\n", 7, &e) == 0 &&
		    rec_wclose(w, 1, &e) == 0;
		fflush(stdout);
		dup2(saved, 1);
		tap_ok(rc1 && rc2 && fcntl(fd, F_GETFD) != -1,
		    "writer: stdout plain then gzip");
		got = slurp(path, &n);
		tap_ok(got != NULL && n > 6 && memcmp(got, "plain\n", 6) == 0 &&
		    (unsigned char)got[6] == 0x1f, "writer: stdout content");
		free(got);
	} else
		tap_ok(0, "writer: redirect stdout");
	if (fd >= 0)
		close(fd);
	if (saved >= 0)
		close(saved);

	/* Errors. */
	w = rec_wopen("/nonexistent-dir/x.tsv", 0, &e);
	check_msg(w == NULL, &e, "/nonexistent-dir/x.tsv: No such file or "
	    "directory", "writer: open error");
	w = rec_wopen("/nonexistent-dir/x.tsv.gz", 0, &e);
	check_msg(w == NULL, &e, "/nonexistent-dir/x.tsv.gz: No such file or "
	    "directory", "writer: open error, gzip");
	if (access("/dev/full", W_OK) == 0) {
		w = rec_wopen("/dev/full", 0, &e);
		rc = w != NULL ? rec_write(w, b.p, b.len, &e) : -1;
		check_msg(w != NULL && rc == 0 && rec_wclose(w, 1, &e) == -1, &e,
		    "/dev/full: write error: No space left on device",
		    "writer: full disk reported at close");
		w = rec_wopen("/dev/full", 1, &e);
		rc = w != NULL ? rec_write(w, b.p, b.len, &e) : -1;
		check_msg(w != NULL && rc == 0 && rec_wclose(w, 1, &e) == -1, &e,
		    "/dev/full: write error: No space left on device",
		    "writer: full disk, gzip");
		w = rec_wopen("/dev/full", 0, &e);
		big = calloc(1, bigsize);
		rc = w != NULL ? rec_write(w, big, bigsize, &e) : 0;
		check_msg(rc == -1, &e,
		    "/dev/full: write error: No space left on device",
		    "writer: full disk reported by a big write");
		rc = rec_write(w, "x", 1, &e);
		tap_ok(rc == -1 && rec_wclose(w, 1, &e) == -1,
		    "writer: stays failed");
		free(big);
	} else
		printf("# no /dev/full, skipping its tests\n");
	ob_free(&b);
	rec_indiv_free(&ind);
}

/*
 * Shards: rec_next returns the individuals of the shard only, and
 * rec_seen counts them all.  FNV-1a 64 (util/shard.h) by hand from the
 * published vectors: "a" 0xaf63dc4c8601ec8c (mod 3 = 1: shard 2 of 3),
 * "foobar" 0x85944171f73967e8 (mod 3 = 0: shard 1); "1"
 * 0xaf63ac4c86019afc (mod 3 = 1: shard 2); "12" 0x07f89407b4ba0c0a
 * (mod 3 = 0: shard 1).
 */
static void
test_shard(void)
{
	const char *path = writes("shard.tsv", "ID\tTIME\n"
	    "a\t0\na\t1\nfoobar\t0\n1\t0\n1\t2\n12\t0\n");
	struct shard s1 = { 1, 3 }, s2 = { 2, 3 }, s3 = { 3, 3 };
	struct rec_indiv ind = { 0 };
	struct twin_err e;
	struct rec_reader *r;
	char got[128];
	int rc;

	r = rec_open(path, &e);
	rec_set_shard(r, &s1);
	got[0] = '\0';
	while ((rc = rec_next(r, &ind, &e)) == 1)
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s/%d/%ld ", ind.id, ind.nrow, rec_seen(r));
	tap_ok(rc == 0 && !strcmp(got, "foobar/1/2 12/1/4 ") &&
	    rec_seen(r) == 4, "shard 1/3: foobar and 12, after 2 and 4 read");
	rec_close(r);
	r = rec_open(path, &e);
	rec_set_shard(r, &s2);
	got[0] = '\0';
	while ((rc = rec_next(r, &ind, &e)) == 1)
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s/%d/%ld ", ind.id, ind.nrow, rec_seen(r));
	tap_ok(rc == 0 && !strcmp(got, "a/2/1 1/2/3 "),
	    "shard 2/3: a and 1, with all their rows");
	rec_close(r);
	r = rec_open(path, &e);
	rec_set_shard(r, &s3);
	tap_ok(rec_next(r, &ind, &e) == 0 && rec_seen(r) == 4,
	    "shard 3/3: none of the four");
	rec_close(r);
	r = rec_open(path, &e);
	rec_set_shard(r, NULL);
	for (rc = 0; rec_next(r, &ind, &e) == 1;)
		rc++;
	tap_ok(rc == 4 && rec_seen(r) == 4, "no shard: every individual");
	rec_close(r);
	/* An error in a passed-over individual still stops the reader. */
	path = writes("shardbad.tsv", "ID\tTIME\nfoobar\t1\nfoobar\t0\n"
	    "a\t0\n");
	r = rec_open(path, &e);
	rec_set_shard(r, &s2);
	tap_ok(rec_next(r, &ind, &e) == -1 && strstr(e.msg, ":3:") != NULL,
	    "TIME going backwards in another shard's individual: an error");
	rec_close(r);
	rec_indiv_free(&ind);
}

/* rec_comments: the "#" lines before the header, for --provenance. */
static void
test_comments(void)
{
	struct twin_err e = { .msg = "" };
	struct rec_reader *r;
	static const char text[] = "# one\r\n\n#two\nID\tTIME\n# later\n"
	    "1\t0\n";

	r = rec_open(writes("lead.tsv", text), &e);
	tap_ok(r != NULL && strcmp(rec_comments(r), "# one\n#two\n") == 0,
	    "rec_comments: the lines before the header, CR and blank "
	    "lines left out, not those after");
	rec_close(r);
	r = rec_open(writegz("lead.tsv.gz", text, sizeof(text) - 1), &e);
	tap_ok(r != NULL && strcmp(rec_comments(r), "# one\n#two\n") == 0,
	    "rec_comments: the same through gzip");
	rec_close(r);
	r = rec_open(writes("nolead.tsv", "ID\tTIME\n1\t0\n"), &e);
	tap_ok(r != NULL && strcmp(rec_comments(r), "") == 0,
	    "rec_comments: \"\" when there are none");
	rec_close(r);
}

/*
 * rec_wformat: the exact stream, written in pieces that split lines and
 * numbers, comes out reformatted line by line (--digits 3, rounded by
 * hand here); the last line without a newline is written at close; with
 * neither digits nor pretty the bytes pass as they are.
 */
static void
test_wformat(void)
{
	static const char in[] = "# made by hand\nID\tTIME\tCP\n"
	    "1\t0.5\t0.004695545393971477\n10000\t12\t15.654286232727637";
	static const char want[] = "# made by hand\nID\tTIME\tCP\n"
	    "1\t0.500\t0.00470\n10000\t12\t15.7\n";
	struct table_fmt f = { 0, 3, NULL, NULL };
	struct twin_err e;
	struct rec_writer *w;
	const char *path = tpath("digits.tsv");
	size_t i, n;
	char *got;
	int rc = 0;

	w = rec_wopen(path, 0, &e);
	tap_ok(w != NULL && rec_wformat(w, &f, &e) == 0,
	    "rec_wformat: set on a writer");
	for (i = 0; w != NULL && i < sizeof(in) - 1; i += 7)
		rc |= rec_write(w, in + i, sizeof(in) - 1 - i < 7 ?
		    sizeof(in) - 1 - i : 7, &e);
	tap_ok(w != NULL && rc == 0 && rec_wclose(w, 1, &e) == 0,
	    "rec_wformat: written in pieces of 7 bytes");
	got = slurp(path, &n);
	tap_ok(got != NULL && strcmp(got, want) == 0, "rec_wformat: "
	    "--digits 3 rounds the fractions, keeps whole numbers and the "
	    "# line, ends the last line");
	if (got != NULL && strcmp(got, want) != 0)
		printf("# got:\n%s", got);
	free(got);

	f.digits = 0;
	path = tpath("exact.tsv");
	w = rec_wopen(path, 0, &e);
	rc = w == NULL || rec_wformat(w, &f, &e) < 0 ||
	    rec_write(w, in, sizeof(in) - 1, &e) < 0;
	tap_ok(w != NULL && rc == 0 && rec_wclose(w, 1, &e) == 0 &&
	    (got = slurp(path, &n)) != NULL && n == sizeof(in) - 1 &&
	    memcmp(got, in, n) == 0, "rec_wformat: neither digits nor "
	    "pretty writes the bytes as given");
	free(got);
}

int
main(void)
{
	int i;

	snprintf(dir, sizeof(dir), "/tmp/twin-test-record-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_read();
	test_errors();
	test_big();
	test_formats();
	test_ignore();
	test_bounds();
	test_outbuf();
	test_writer();
	test_shard();
	test_comments();
	test_wformat();
	for (i = 0; i < nfiles; i++)
		unlink(files[i]);
	rmdir(dir);
	return tap_done();
}
