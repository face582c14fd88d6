/*
 * record.h - the event-record stream: NONMEM-style TSV/CSV, plain or gzip.
 *
 * A stream is a header line naming the columns, then one record per line.
 * Input: the delimiter is decided by the header line (tab, else comma,
 * else semicolon, else runs of blanks); fields may be quoted with '"' as
 * R's write.csv does; the well-known NONMEM column names are matched in
 * any case; '#' lines are comments; records flagged by the ignore rule
 * (NM-TRAN's $DATA IGNORE) are dropped; CRLF is accepted; gzip is
 * recognised by its magic bytes.  Records are read one individual (one
 * run of equal ID) at a time, so memory is bounded by the largest
 * individual, not by the file.
 *
 * Ownership: rec_open returns a reader freed by rec_close.  A struct
 * rec_indiv is owned by the caller, filled (and its storage reused) by
 * rec_next, and freed by rec_indiv_free.  Field strings point into the
 * individual's storage and live until the next rec_next on it.
 */
#ifndef TWIN_RECORD_H
#define TWIN_RECORD_H

#include <stddef.h>
#include <string.h>

#include "util/err.h"

struct rec_reader;

/* The longest line read, in bytes (without its newline): a longer one is
 * an error ("FILE:LINE: line longer than N bytes"), so that memory stays
 * bounded whatever the input. */
#define REC_LINE_MAX	(16L * 1024 * 1024)

/*
 * The largest magnitude of a number in a record.  A larger one is refused
 * where it is read (rec_num, and TIME by rec_next) with its FILE:LINE,
 * so that the products and sums of a few input numbers that programs
 * form (areas, moments, squared residuals) stay finite: no quantity with
 * a physical meaning comes near it.
 */
#define REC_NUM_MAX	1e100

struct rec_row {
	long line;		/* line number in the file, 1-based */
	char **field;		/* ncol NUL-terminated fields */
};

struct rec_indiv {
	const char *id;		/* the ID field of the first row */
	int nrow;
	struct rec_row *row;
	/* storage, reused between calls */
	int rowcap;
	char *buf;
	size_t buflen, bufcap;
	char **fieldbuf;
	size_t fieldcap;
};

/*
 * Open path ("-" or NULL for stdin) and read its header.  The columns ID
 * and TIME are required; an empty file, a missing header, a header whose
 * delimiter is ambiguous (both ',' and ';' and no tab), a malformed
 * quoted name, a duplicate column name or two names that differ only in
 * case are errors ("FILE:LINE: message" in err).  The names ID TIME EVID
 * AMT RATE CMT DV MDV II ADDL SS C and the other well-known NONMEM names
 * (rec_known_col) are kept in upper case whatever their case in the file.
 */
struct rec_reader *rec_open(const char *path, struct twin_err *err);
void rec_close(struct rec_reader *r);

/* Is name a well-known column (NONMEM's or twin's), in any case? */
int rec_known_col(const char *name);

/*
 * The ignore rule: which records rec_next drops, after NM-TRAN's $DATA
 * IGNORE.  Lines starting with '#' are comments whatever the rule.  C
 * below is the column named C, if the header has one.
 *
 *   NULL     the default: records whose C field begins with 'C'
 *            (NONMEM's comment column; without a C column, none)
 *   "c"      one printable character other than '"' (e.g. "C", "#",
 *            "*"): records whose first character, or whose C field's
 *            first character, is c (NM-TRAN's IGNORE=c)
 *   "@"      records whose first non-blank character, or whose C field's
 *            first non-blank character, is a letter or '@' (IGNORE=@)
 *   "none"   no record
 *
 * An opening '"' is skipped before the test.  rec_ignore_check checks the
 * text of an option (0, or -1 with "bad ignore rule ..." in err);
 * rec_set_ignore sets the rule of r, before its first rec_next.
 */
#define REC_IGNORE_HELP	"a character, @ or none"
int rec_ignore_check(const char *rule, struct twin_err *err);
int rec_set_ignore(struct rec_reader *r, const char *rule,
    struct twin_err *err);

/*
 * Shards: rec_next returns only the individuals that shard s keeps
 * (shard_keep, util/shard.h); the others are read and checked as ever
 * (an error in one still stops the reader) and passed over.  NULL, or a
 * zeroed struct, returns every individual, as a new reader does.  Set
 * before the first rec_next.
 */
struct shard;
void rec_set_shard(struct rec_reader *r, const struct shard *s);
/* The individuals rec_next has read from r so far, those passed over
 * included: a program numbering its output by position in the whole
 * input (twin-sim -n) numbers a shard's as the whole run does. */
long rec_seen(const struct rec_reader *r);

/* Carry the IDs already read by prev over to r, so that an ID that
 * appeared in an earlier file of the same stream is caught too. */
void rec_continue(struct rec_reader *r, struct rec_reader *prev);

const char *rec_path(const struct rec_reader *r);	/* "<stdin>" for stdin */
int rec_ncol(const struct rec_reader *r);
const char *rec_colname(const struct rec_reader *r, int col);
/* The column named name, exactly; -1 if absent.  NONMEM's own column
 * names are put in upper case by rec_open, so "id" is found as "ID"; any
 * other name (a covariate) must match its case: a covariate column that
 * differs only in case is a near miss that sim_cols_check reports, never
 * a silent match. */
int rec_col(const struct rec_reader *r, const char *name);
long rec_header_line(const struct rec_reader *r);
/* The "#" lines before the header (blank lines between them left out),
 * each ending in "\n" and without its "\r"; "" when there are none.  Owned
 * by r.  A program's --provenance passes them on (util/provenance.h). */
const char *rec_comments(const struct rec_reader *r);
/* Bytes of the input file read so far (compressed bytes for gzip), for
 * progress; -1 when not known (a pipe). */
long long rec_offset(const struct rec_reader *r);

/*
 * Read the next individual.  Returns 1 if one was read, 0 at end of input,
 * -1 on error: a line longer than REC_LINE_MAX, a line with the wrong
 * number of fields or a malformed quoted field, TIME not a number (or
 * beyond REC_NUM_MAX) or going backwards within an ID, an ID that
 * reappears after another ID, a read error or a truncated gzip stream.
 * Records dropped by the ignore rule are skipped before any of these
 * checks but the field count.  The message in err starts with
 * "FILE:LINE: ".
 */
int rec_next(struct rec_reader *r, struct rec_indiv *ind, struct twin_err *err);
void rec_indiv_free(struct rec_indiv *ind);

/* The string "." , "NA" and "" are missing values. */
int rec_missing(const char *field);

/*
 * Parse field col of row as a number.  Returns 1 with *x set, 0 if the
 * field is missing (or col < 0), -1 if it is not a finite number (err gets
 * "FILE:LINE: column NAME: not a number: \"...\"") or its magnitude is
 * above REC_NUM_MAX ("FILE:LINE: column NAME: number out of range:
 * \"...\" (magnitude above 1e+100)").
 */
int rec_num(const struct rec_reader *r, const struct rec_row *row, int col,
    double *x, struct twin_err *err);
/* rec_num with a default: a missing field (or col < 0) gives def; 0, or
 * -1 with err as rec_num's. */
int rec_num_or(const struct rec_reader *r, const struct rec_row *row,
    int col, double def, double *x, struct twin_err *err);

/* An output buffer: programs build lines in memory (one individual at a
 * time, possibly in several threads) and hand them to a writer. */
struct outbuf {
	char *p;
	size_t len, cap;
	/* The last number written: a row often repeats a value (IPRED is
	 * also an output; PRED equals IPRED without random effects). */
	double lastx;
	int lastlen;
	char last[32];
};

/* Make room for n more bytes and a NUL. */
void ob_reserve(struct outbuf *b, size_t n);
void ob_putnum(struct outbuf *b, double x);	/* shortest round trip */

/* Inline: the output path appends a few bytes at a time, millions of
 * times. */
static inline void
ob_putc(struct outbuf *b, char c)
{
	if (b->cap - b->len <= 1)
		ob_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

static inline void
ob_puts(struct outbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->cap - b->len <= n)
		ob_reserve(b, n);
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}
void ob_free(struct outbuf *b);

/*
 * Output columns: the input columns in order, where a column the program
 * writes replaces an input column of the same name in place, and the
 * other written columns follow.  rec_layout_add returns the index of the
 * written value (the position in the vals array of rec_layout_row).
 */
struct rec_layout {
	int ncol;		/* input columns */
	int *repl;		/* per input column: written index or -1 */
	int nw, wcap;
	char **name;
	int *appended;
};

int rec_layout_init(struct rec_layout *l, const struct rec_reader *r);
int rec_layout_add(struct rec_layout *l, const struct rec_reader *r,
    const char *name);
void rec_layout_free(struct rec_layout *l);
void rec_layout_header(const struct rec_layout *l,
    const struct rec_reader *r, struct outbuf *b);
/* A row: input fields, written values where have[i] (else "."). */
void rec_layout_row(const struct rec_layout *l, const struct rec_row *row,
    const double *vals, const int *have, struct outbuf *b);

/* Writer: path "-" or NULL is stdout; gzip if gz != 0 or path ends in
 * ".gz".  Output is tab-separated text. */
struct rec_writer;
struct rec_writer *rec_wopen(const char *path, int gz, struct twin_err *err);
int rec_write(struct rec_writer *w, const char *p, size_t n, struct twin_err *err);
/*
 * What w is given, the exact stream, is written reformatted for display
 * as f says (table_line, data/table.h: --digits, --pretty), line by line;
 * a last line without a newline is written at rec_wclose.  f NULL, or
 * neither digits nor pretty: written as it is (the default).  f is
 * copied.  Returns 0, or -1 with err set (out of memory).
 */
struct table_fmt;
int rec_wformat(struct rec_writer *w, const struct table_fmt *f,
    struct twin_err *err);
/*
 * Flush and close; returns -1 (err set) if any write failed.  Output to a
 * file goes to a temporary name beside it (FILE.tmpPID), renamed over the
 * file only when commit is non-zero and everything was written; otherwise
 * it is removed and an existing file of that name is left as it was.  The
 * temporary file is also removed when SIGINT, SIGTERM or SIGHUP ends the
 * program (rec_wopen installs handlers for those not ignored).  A
 * symbolic link is written through (the file it names is replaced, the
 * link kept); a replaced file keeps its mode.
 */
int rec_wclose(struct rec_writer *w, int commit, struct twin_err *err);

#endif
