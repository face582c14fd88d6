/*
 * record.c - the event-record stream: read and write NONMEM-style
 * TSV/CSV, plain or gzip.
 *
 * Reading goes through zlib for every input: gzread copies a plain file
 * unchanged and inflates a gzip one, recognised by its magic bytes.  Lines
 * are split out of large gzread chunks here, up to REC_LINE_MAX bytes
 * each.  Fields are unquoted in place as a line is split.  One individual is held at a time: its rows are copied, fields
 * NUL-terminated, into the caller's struct rec_indiv, and the first row of
 * the next individual, read to see that the ID changed, waits in the
 * reader.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <zlib.h>

#include "util/err.h"
#include "util/shard.h"
#include "util/num.h"
#include "data/record.h"
#include "data/table.h"

#define RD_CHUNK	(256 * 1024)	/* bytes asked of each gzread */
#define WR_BUFSZ	(1024 * 1024)	/* writer buffer */
#define GZ_BUFSZ	(128 * 1024)	/* zlib's own buffers */

/* The IDs of finished individuals, to catch one that comes back. */
/*
 * The IDs already read.  Integer IDs are kept as sorted runs of
 * consecutive values, so the usual 1, 2, 3, ... costs one run whatever
 * the number of individuals; other IDs go into a hash set.
 */
struct idset {
	char **slot;		/* open addressing, NULL is empty */
	size_t n, cap;		/* cap is 0 or a power of two */
	long long *lo, *hi;	/* runs [lo, hi], sorted, not touching */
	size_t nrun, runcap;
};

struct rec_reader {
	gzFile gz;
	char *path;		/* for messages: the name or "<stdin>" */
	char sep;		/* '\t', ',', ';' or ' ' (runs of blanks) */
	int ncol, idcol, timecol;
	int ccol;		/* the column C, or -1 */
	int ign;		/* the ignore rule: IGN_... */
	char ignc;		/* its character for IGN_CHAR */
	struct shard shard;	/* the individuals rec_next returns */
	long nseen;		/* individuals read, kept or passed over */
	char *hdr;		/* column names, NUL-separated */
	char *lead;		/* the "#" lines before hdr, or NULL */
	size_t leadlen;
	char **col;		/* ncol pointers into hdr */

	char *in;		/* input bytes, [pos, len) not yet used */
	size_t pos, len, cap;
	size_t scan;		/* in[pos, pos + scan) holds no newline */
	int eof;
	long lineno;		/* lines consumed so far */
	long hdrline;		/* line of the header */

	size_t rowid, rowtime;	/* ID and TIME of the last split row */

	char *look;		/* next individual's first row, split */
	size_t looklen, lookcap, lookid, looktime;
	long lookline;
	int havelook;

	struct idset done;
	int state;		/* 0 reading, 1 at end, -1 failed */
	struct twin_err fail;	/* repeated by later calls after failure */
};

/* Ignore rules (rec_set_ignore). */
enum { IGN_DEFAULT, IGN_CHAR, IGN_ALPHA, IGN_NONE };

/* FNV-1a (util/shard.h): short keys, no need for anything stronger. */
static size_t
hash(const char *s)
{
	return (size_t)fnv1a64(FNV64_BASIS, s, strlen(s));
}

/* The slot holding id, or the empty slot where it would go. */
static size_t
idset_find(char *const *slot, size_t cap, const char *id)
{
	size_t i = hash(id) & (cap - 1);

	while (slot[i] != NULL && strcmp(slot[i], id) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

/* An integer written the one canonical way (no sign +, no leading 0). */
static int
int_id(const char *s, long long *v)
{
	const char *p = s;
	long long x = 0;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] != '\0') ||
	    strlen(p) > 17 || (*s == '-' && *p == '0'))
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		x = 10 * x + (*p - '0');
	}
	*v = *s == '-' ? -x : x;
	return 1;
}

/* Index of the first run with hi >= v. */
static size_t
run_find(const struct idset *set, long long v)
{
	size_t a = 0, b = set->nrun;

	while (a < b) {
		size_t mid = (a + b) / 2;

		if (set->hi[mid] < v)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

static int
run_add(struct idset *set, long long v)
{
	size_t k = run_find(set, v);
	int left = k > 0 && set->hi[k - 1] == v - 1;
	int right = k < set->nrun && set->lo[k] == v + 1;

	if (left && right) {
		set->hi[k - 1] = set->hi[k];
		memmove(set->lo + k, set->lo + k + 1,
		    (set->nrun - k - 1) * sizeof(*set->lo));
		memmove(set->hi + k, set->hi + k + 1,
		    (set->nrun - k - 1) * sizeof(*set->hi));
		set->nrun--;
		return 0;
	}
	if (left) {
		set->hi[k - 1] = v;
		return 0;
	}
	if (right) {
		set->lo[k] = v;
		return 0;
	}
	if (set->nrun == set->runcap) {
		size_t cap = set->runcap ? 2 * set->runcap : 16;
		long long *a = realloc(set->lo, cap * sizeof(*a));

		if (a == NULL)
			return -1;
		set->lo = a;
		if ((a = realloc(set->hi, cap * sizeof(*a))) == NULL)
			return -1;
		set->hi = a;
		set->runcap = cap;
	}
	memmove(set->lo + k + 1, set->lo + k, (set->nrun - k) * sizeof(*set->lo));
	memmove(set->hi + k + 1, set->hi + k, (set->nrun - k) * sizeof(*set->hi));
	set->lo[k] = set->hi[k] = v;
	set->nrun++;
	return 0;
}

static int
idset_has(const struct idset *set, const char *id)
{
	long long v;

	if (int_id(id, &v)) {
		size_t k = run_find(set, v);

		return k < set->nrun && set->lo[k] <= v;
	}
	return set->cap != 0 &&
	    set->slot[idset_find(set->slot, set->cap, id)] != NULL;
}

/* Double the table; -1 if out of memory. */
static int
idset_grow(struct idset *set)
{
	size_t cap = set->cap ? 2 * set->cap : 64, j;
	char **slot;

	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return -1;
	for (j = 0; j < set->cap; j++)
		if (set->slot[j] != NULL)
			slot[idset_find(slot, cap, set->slot[j])] =
			    set->slot[j];
	free(set->slot);
	set->slot = slot;
	set->cap = cap;
	return 0;
}

/* Insert id (not present); -1 if out of memory. */
static int
idset_add(struct idset *set, const char *id)
{
	char *s;
	long long v;

	if (int_id(id, &v))
		return run_add(set, v);
	/* Keep the load under one half so probes stay short. */
	if (2 * (set->n + 1) > set->cap && idset_grow(set) == -1)
		return -1;
	if ((s = strdup(id)) == NULL)
		return -1;
	set->slot[idset_find(set->slot, set->cap, id)] = s;
	set->n++;
	return 0;
}

static void
idset_free(struct idset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	free(set->lo);
	free(set->hi);
	memset(set, 0, sizeof(*set));
}

/*
 * Grow the block p of *cap elements of elem bytes to hold at least need,
 * geometrically.  Returns the block, perhaps moved, or NULL if out of
 * memory (p is then still valid).
 */
static void *
grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;

	if (p != NULL && need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return NULL;
		n *= 2;
	}
	if ((p = realloc(p, n * elem)) != NULL)
		*cap = n;
	return p;
}

/* Record a failure: later calls on the reader repeat it. */
static int
rd_fail(struct rec_reader *r, struct twin_err *err)
{
	r->state = -1;
	if (err != NULL)
		memcpy(err, &r->fail, sizeof(*err));
	return -1;
}

static int
rd_nomem(struct rec_reader *r, struct twin_err *err)
{
	twin_errork(&r->fail, TWIN_ENOMEM, "%s: out of memory", r->path);
	return rd_fail(r, err);
}

/* gzread failed or stopped early: name the cause. */
static int
rd_gzfail(struct rec_reader *r, int saved_errno, struct twin_err *err)
{
	int zerr;

	gzerror(r->gz, &zerr);
	if (zerr == Z_ERRNO)
		twin_errork(&r->fail, TWIN_ESYSTEM,
		    "%s: read error: %s", r->path,
		    strerror(saved_errno));
	else if (zerr == Z_MEM_ERROR)
		twin_errork(&r->fail, TWIN_ENOMEM,
		    "%s: out of memory", r->path);
	else
		twin_error(&r->fail, "%s:%ld: truncated or corrupt gzip "
		    "stream", r->path, r->lineno + 1);
	return rd_fail(r, err);
}

/* Keep the partial line, make room for a chunk, read it. */
static int
rd_fill(struct rec_reader *r, struct twin_err *err)
{
	char *p;
	int got, zerr;

	if (r->pos > 0) {
		memmove(r->in, r->in + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	/* One byte more for the NUL of a last line. */
	if ((p = grow(r->in, &r->cap, r->len + RD_CHUNK + 1, 1)) == NULL)
		return rd_nomem(r, err);
	r->in = p;
	got = gzread(r->gz, r->in + r->len, RD_CHUNK);
	if (got < 0)
		return rd_gzfail(r, errno, err);
	if (got == 0) {
		/*
		 * zlib reports a gzip stream cut short only through gzerror:
		 * gzread returns 0 (after the bytes it had) and leaves
		 * Z_BUF_ERROR.
		 */
		gzerror(r->gz, &zerr);
		if (zerr != Z_OK)
			return rd_gzfail(r, errno, err);
		r->eof = 1;
	}
	r->len += (size_t)got;
	return 0;
}

static int
rd_toolong(struct rec_reader *r, struct twin_err *err)
{
	twin_error(&r->fail, "%s:%ld: line longer than %ld bytes", r->path,
	    r->lineno + 1, REC_LINE_MAX);
	return rd_fail(r, err);
}

/*
 * Next line, without its newline and CR, NUL-terminated in place.
 * Returns 1, 0 at end of input, -1 on error.  The line lives until the
 * next call.
 */
static int
rd_line(struct rec_reader *r, char **line, size_t *len, struct twin_err *err)
{
	char *s;
	size_t n;

	for (;;) {
		char *nl;

		s = r->in + r->pos;
		nl = memchr(s + r->scan, '\n', r->len - r->pos - r->scan);
		if (nl != NULL) {
			n = (size_t)(nl - s);
			r->pos += n + 1;
			break;
		}
		/* Long lines: do not search the same bytes again. */
		r->scan = r->len - r->pos;
		if (r->scan > (size_t)REC_LINE_MAX)
			return rd_toolong(r, err);
		if (r->eof) {
			if (r->pos == r->len)
				return 0;
			/* A last line without a newline. */
			n = r->len - r->pos;
			r->pos = r->len;
			break;
		}
		if (rd_fill(r, err) == -1)
			return -1;
	}
	r->scan = 0;
	if (n > (size_t)REC_LINE_MAX)
		return rd_toolong(r, err);
	r->lineno++;
	s[n] = '\0';
	if (n > 0 && s[n - 1] == '\r')
		s[--n] = '\0';
	/* Fields are C strings: a NUL inside would cut one silently. */
	if (memchr(s, '\0', n) != NULL) {
		twin_error(&r->fail, "%s:%ld: NUL byte in line", r->path,
		    r->lineno);
		return rd_fail(r, err);
	}
	*line = s;
	*len = n;
	return 1;
}

/* The character a rule tests: after blanks if skipblank, after an opening
 * quote. */
static int
lead(const char *s, int skipblank)
{
	if (skipblank)
		while (*s == ' ' || *s == '\t')
			s++;
	if (*s == '"')
		s++;
	return (unsigned char)*s;
}

/* Does the rule drop a record that starts with s (a line or a C field)? */
static int
ign_test(const struct rec_reader *r, const char *s)
{
	int c;

	switch (r->ign) {
	case IGN_DEFAULT:
		return lead(s, 0) == 'C';
	case IGN_CHAR:
		return lead(s, 0) == (unsigned char)r->ignc;
	case IGN_ALPHA:
		c = lead(s, 1);
		return c == '@' || (c < 128 && isalpha(c));
	default:
		return 0;
	}
}

/* Next line that is not a comment, blank, or dropped by the rule. */
static int
rd_data(struct rec_reader *r, char **line, size_t *len, struct twin_err *err)
{
	int rc;

	while ((rc = rd_line(r, line, len, err)) == 1)
		if (*len > 0 && (*line)[0] != '#' &&
		    (r->ign == IGN_DEFAULT || !ign_test(r, *line)))
			break;
	return rc;
}

/*
 * Split s (len bytes, NUL-terminated) into fields at dst, each
 * NUL-terminated, with quotes removed: a field that starts with '"'
 * (after spaces) runs to the next lone '"', "" inside it standing for
 * one '"', and may be followed only by spaces.  dst has room for len + 1
 * bytes; *used gets the bytes written.  Returns the number of fields, or
 * -1 with *why set and *bad the field number.
 */
static int
split_fields(char sep, char *dst, const char *s, size_t len, size_t *used,
    int *bad, const char **why)
{
	const char *end = s + len, *p;
	char *w = dst;
	int n = 0, blank = sep == ' ';

#define ISSEP(c)	(blank ? (c) == ' ' || (c) == '\t' : (c) == sep)
	if (blank)
		while (s < end && ISSEP(*s))
			s++;
	for (;;) {
		n++;
		for (p = s; p < end && *p == ' '; p++)
			;
		if (p < end && *p == '"') {
			for (p++;; p++) {
				if (p == end) {
					*bad = n;
					*why = "unterminated quoted field";
					return -1;
				}
				if (*p == '"') {
					if (p + 1 == end || p[1] != '"')
						break;
					p++;
				}
				*w++ = *p;
			}
			for (p++; p < end && *p == ' ' && !blank; p++)
				;
			if (p < end && !ISSEP(*p)) {
				*bad = n;
				*why = "text after the closing quote";
				return -1;
			}
			s = p;
		} else {
			while (s < end && !ISSEP(*s))
				*w++ = *s++;
		}
		*w++ = '\0';
		if (s == end)
			break;
		if (blank) {
			while (s < end && ISSEP(*s))
				s++;
			if (s == end)
				break;
		} else {
			s++;
		}
	}
#undef ISSEP
	*used = (size_t)(w - dst);
	return n;
}

/*
 * The delimiter of a header line: tab, else comma, else semicolon, else
 * runs of blanks (outside quotes, between names).  -1 if both comma and
 * semicolon appear without a tab.
 */
static int
pick_sep(const char *s, char *sep)
{
	int q = 0, tab = 0, comma = 0, semi = 0, space = 0;
	const char *e = s + strlen(s);

	while (*s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	for (; s < e; s++) {
		if (*s == '"')
			q = !q;
		else if (!q)
			switch (*s) {
			case '\t': tab = 1; break;
			case ',': comma = 1; break;
			case ';': semi = 1; break;
			case ' ': space = 1; break;
			default: break;
			}
	}
	if (tab)
		*sep = '\t';
	else if (comma && semi)
		return -1;
	else if (comma)
		*sep = ',';
	else if (semi)
		*sep = ';';
	else
		*sep = space ? ' ' : '\t';
	return 0;
}

/* The well-known columns: NONMEM's data items and twin's own, read in any
 * case and kept in upper case. */
static const char *const known_cols[] = {
	"ID", "TIME", "EVID", "AMT", "RATE", "CMT", "DV", "MDV", "II", "ADDL",
	"SS", "C", "PCMT", "CALL", "CONT", "L1", "L2", "DATE", "DAT1", "DAT2",
	"DAT3", "LLOQ", "BLQ"
};

int
rec_known_col(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(known_cols) / sizeof(known_cols[0]); i++)
		if (strcasecmp(name, known_cols[i]) == 0)
			return 1;
	return 0;
}

/*
 * Trim the spaces around the name at p (NUL-terminated): column names
 * are trimmed, fields in data lines are not.
 */
static char *
trim(char *p)
{
	char *end = p + strlen(p);

	while (*p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	*end = '\0';
	return p;
}

/* The names of the header, for a message: "A", "B", ... (shortened). */
static void
name_list(const struct rec_reader *r, char *buf, size_t n)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < r->ncol && len + 8 < n; i++) {
		int k = snprintf(buf + len, n - len - 4, "%s\"%s\"",
		    i ? ", " : "", r->col[i]);

		if (k < 0 || (size_t)k >= n - len - 4) {
			strcpy(buf + (len < n - 4 ? len : n - 4), "...");
			return;
		}
		len += (size_t)k;
	}
}

static int
rd_header(struct rec_reader *r, struct twin_err *err)
{
	char *line, *p, names[200];
	const char *why;
	size_t len, used;
	int rc, i, j, bad;

	/* rd_data, keeping the comments: the ignore rule is not set yet. */
	while ((rc = rd_line(r, &line, &len, err)) == 1 &&
	    (len == 0 || line[0] == '#')) {
		char *q;

		if (len == 0)
			continue;
		if ((q = realloc(r->lead, r->leadlen + len + 2)) == NULL)
			return twin_errork(err, TWIN_ENOMEM, "%s: out of "
			    "memory", r->path);
		r->lead = q;
		memcpy(r->lead + r->leadlen, line, len);
		r->leadlen += len;
		r->lead[r->leadlen++] = '\n';
		r->lead[r->leadlen] = '\0';
	}
	if (rc == -1)
		return -1;
	if (rc == 0)
		return twin_error(err, "%s:%ld: empty input, no header line",
		    r->path, r->lineno + 1);
	/* A byte order mark from a spreadsheet would spoil the name ID. */
	if (r->lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) ==
	    0) {
		line += 3;
		len -= 3;
	}
	if (pick_sep(line, &r->sep) == -1)
		return twin_error(err, "%s:%ld: header has both ',' and ';' "
		    "between names: expected one delimiter (tab, comma, "
		    "semicolon or spaces)", r->path, r->lineno);
	r->hdrline = r->lineno;
	if ((r->hdr = malloc(len + 1)) == NULL)
		return twin_errork(err, TWIN_ENOMEM,
		    "%s: out of memory", r->path);
	if ((r->ncol = split_fields(r->sep, r->hdr, line, len, &used, &bad,
	    &why)) == -1)
		return twin_error(err, "%s:%ld: column %d: %s", r->path,
		    r->lineno, bad, why);
	if ((r->col = calloc((size_t)r->ncol, sizeof(*r->col))) == NULL)
		return twin_errork(err, TWIN_ENOMEM,
		    "%s: out of memory", r->path);
	for (i = 0, p = r->hdr; i < r->ncol; i++) {
		char *after = p + strlen(p) + 1;

		p = trim(p);
		if (*p == '\0')
			return twin_error(err, "%s:%ld: column %d has no name%s",
			    r->path, r->lineno, i + 1, i == 0 ? " (row names "
			    "from R? write.csv(..., row.names = FALSE))" : "");
		if (rec_known_col(p))
			for (j = 0; p[j] != '\0'; j++)
				p[j] = (char)toupper((unsigned char)p[j]);
		for (j = 0; j < i; j++) {
			if (strcmp(r->col[j], p) == 0)
				return twin_error(err,
				    "%s:%ld: duplicate column %s", r->path,
				    r->lineno, p);
			if (strcasecmp(r->col[j], p) == 0)
				return twin_error(err, "%s:%ld: columns \"%s\" "
				    "and \"%s\" differ only in case", r->path,
				    r->lineno, r->col[j], p);
		}
		r->col[i] = p;
		p = after;
	}
	r->idcol = rec_col(r, "ID");
	r->timecol = rec_col(r, "TIME");
	r->ccol = rec_col(r, "C");
	for (i = 0; i < 2; i++)
		if ((i == 0 ? r->idcol : r->timecol) < 0) {
			name_list(r, names, sizeof(names));
			return twin_error(err, "%s:%ld: missing required column "
			    "%s; the header has %d column%s: %s", r->path,
			    r->lineno, i == 0 ? "ID" : "TIME", r->ncol,
			    r->ncol == 1 ? "" : "s", names);
		}
	return 0;
}

int
rec_ignore_check(const char *rule, struct twin_err *err)
{
	if (rule == NULL || strcmp(rule, "none") == 0 ||
	    (rule[0] != '\0' && rule[1] == '\0' &&
	    isgraph((unsigned char)rule[0]) && rule[0] != '"' &&
	    (unsigned char)rule[0] < 128))
		return 0;
	return twin_error(err, "bad ignore rule \"%s\": expected %s", rule,
	    REC_IGNORE_HELP);
}

int
rec_set_ignore(struct rec_reader *r, const char *rule, struct twin_err *err)
{
	if (rec_ignore_check(rule, err) == -1)
		return -1;
	if (rule == NULL)
		r->ign = IGN_DEFAULT;
	else if (strcmp(rule, "none") == 0)
		r->ign = IGN_NONE;
	else if (strcmp(rule, "@") == 0)
		r->ign = IGN_ALPHA;
	else {
		r->ign = IGN_CHAR;
		r->ignc = rule[0];
	}
	return 0;
}

struct rec_reader *
rec_open(const char *path, struct twin_err *err)
{
	struct rec_reader *r;
	int fd, stdin_ = path == NULL || strcmp(path, "-") == 0;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		twin_errork(err, TWIN_ENOMEM,
		    "%s: out of memory", stdin_ ? "<stdin>" : path);
		return NULL;
	}
	if ((r->path = strdup(stdin_ ? "<stdin>" : path)) == NULL) {
		twin_errork(err, TWIN_ENOMEM,
		    "%s: out of memory", stdin_ ? "<stdin>" : path);
		free(r);
		return NULL;
	}
	/* Our own descriptor, so that gzclose leaves fd 0 open. */
	fd = stdin_ ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		twin_errork(err, TWIN_ESYSTEM,
		    "%s: %s", r->path, strerror(errno));
		rec_close(r);
		return NULL;
	}
	if ((r->gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		twin_errork(err, TWIN_ENOMEM, "%s: out of memory", r->path);
		rec_close(r);
		return NULL;
	}
	gzbuffer(r->gz, GZ_BUFSZ);
	if ((r->in = grow(NULL, &r->cap, RD_CHUNK + 1, 1)) == NULL) {
		twin_errork(err, TWIN_ENOMEM, "%s: out of memory", r->path);
		rec_close(r);
		return NULL;
	}
	if (rd_header(r, err) == -1) {
		rec_close(r);
		return NULL;
	}
	return r;
}

void
rec_set_shard(struct rec_reader *r, const struct shard *s)
{
	if (s != NULL)
		r->shard = *s;
	else
		memset(&r->shard, 0, sizeof(r->shard));
}

long
rec_seen(const struct rec_reader *r)
{
	return r->nseen;
}

void
rec_continue(struct rec_reader *r, struct rec_reader *prev)
{
	if (prev == NULL)
		return;
	idset_free(&r->done);
	r->done = prev->done;
	memset(&prev->done, 0, sizeof(prev->done));
}

void
rec_close(struct rec_reader *r)
{
	if (r == NULL)
		return;
	if (r->gz != NULL)
		gzclose(r->gz);
	idset_free(&r->done);
	free(r->look);
	free(r->in);
	free(r->col);
	free(r->hdr);
	free(r->lead);
	free(r->path);
	free(r);
}

const char *
rec_comments(const struct rec_reader *r)
{
	return r->lead != NULL ? r->lead : "";
}

const char *
rec_path(const struct rec_reader *r)
{
	return r->path;
}

int
rec_ncol(const struct rec_reader *r)
{
	return r->ncol;
}

const char *
rec_colname(const struct rec_reader *r, int col)
{
	if (col < 0 || col >= r->ncol)
		return NULL;
	return r->col[col];
}

long
rec_header_line(const struct rec_reader *r)
{
	return r->hdrline;
}

int
rec_col(const struct rec_reader *r, const char *name)
{
	int i;

	for (i = 0; i < r->ncol; i++)
		if (strcmp(r->col[i], name) == 0)
			return i;
	return -1;
}

int
rec_missing(const char *field)
{
	return field[0] == '\0' || strcmp(field, ".") == 0 ||
	    strcmp(field, "NA") == 0;
}

/* Field col of a split row at row (ncol NUL-terminated strings). */
static const char *
field_at(const char *row, int col)
{
	for (; col > 0; col--)
		row += strlen(row) + 1;
	return row;
}

/*
 * Append line (len bytes) to ind->buf as NUL-terminated fields, unquoted,
 * and note where its ID and TIME fields start (relative to the row).
 * Returns 0; 1 if the ignore rule drops it (nothing appended); -1 if it
 * has the wrong number of fields or a malformed quoted field.  A line
 * whose fields cannot be counted right but whose ID field can be read
 * leaves that field at ind->buf + ind->buflen for the caller.
 */
static int
split(struct rec_reader *r, struct rec_indiv *ind, const char *line,
    size_t len, struct twin_err *err)
{
	const char *why;
	char *p, *row;
	size_t used;
	int n, bad;

	if ((p = grow(ind->buf, &ind->bufcap, ind->buflen + len + 1, 1)) ==
	    NULL)
		return rd_nomem(r, err);
	ind->buf = p;
	row = ind->buf + ind->buflen;
	if ((n = split_fields(r->sep, row, line, len, &used, &bad, &why)) ==
	    -1) {
		row[0] = '\0';	/* no ID to tell */
		twin_error(&r->fail, "%s:%ld: field %d: %s", r->path,
		    r->lineno, bad, why);
		return rd_fail(r, err);
	}
	/* A commented record need not have the right number of fields. */
	if (r->ccol >= 0 && r->ccol < n && ign_test(r, field_at(row,
	    r->ccol)))
		return 1;
	if (n != r->ncol) {
		if (r->idcol < n)
			memmove(row, field_at(row, r->idcol),
			    strlen(field_at(row, r->idcol)) + 1);
		else
			row[0] = '\0';
		twin_error(&r->fail, "%s:%ld: expected %d fields, found %d",
		    r->path, r->lineno, r->ncol, n);
		return rd_fail(r, err);
	}
	r->rowid = (size_t)(field_at(row, r->idcol) - row);
	r->rowtime = (size_t)(field_at(row, r->timecol) - row);
	ind->buflen += used;
	return 0;
}

/* The TIME field (at s, of the row at line) must be a number. */
static int
rowtime(struct rec_reader *r, const char *s, long line, double *t,
    struct twin_err *err)
{
	if (twin_strtod(s, t) == 0) {
		if (fabs(*t) <= REC_NUM_MAX)
			return 0;
		twin_error(&r->fail, "%s:%ld: column %s: number out of range: "
		    "\"%s\" (magnitude above %g)", r->path, line,
		    r->col[r->timecol], s, REC_NUM_MAX);
		return rd_fail(r, err);
	}
	twin_error(&r->fail, "%s:%ld: column %s: not a number: \"%s\"",
	    r->path, line, r->col[r->timecol], s);
	return rd_fail(r, err);
}

/* Start a row of ind at line number line. */
static int
addrow(struct rec_reader *r, struct rec_indiv *ind, long line,
    struct twin_err *err)
{
	struct rec_row *row;
	size_t cap = (size_t)ind->rowcap;

	if (ind->nrow >= ind->rowcap || ind->row == NULL) {
		if (cap >= INT_MAX / 2 || (row = grow(ind->row, &cap,
		    (size_t)ind->nrow + 1, sizeof(*ind->row))) == NULL)
			return rd_nomem(r, err);
		ind->row = row;
		ind->rowcap = (int)cap;
	}
	ind->row[ind->nrow].line = line;
	ind->row[ind->nrow].field = NULL;
	ind->nrow++;
	return 0;
}

/* Point the rows' field arrays into the finished buffer. */
static int
finish(struct rec_reader *r, struct rec_indiv *ind, struct twin_err *err)
{
	size_t n = (size_t)ind->nrow * (size_t)r->ncol, i;
	char *p = ind->buf, **f;
	int j;

	if ((f = grow(ind->fieldbuf, &ind->fieldcap, n, sizeof(*f))) == NULL)
		return rd_nomem(r, err);
	ind->fieldbuf = f;
	for (i = 0; i < n; i++) {
		ind->fieldbuf[i] = p;
		p += strlen(p) + 1;
	}
	for (j = 0; j < ind->nrow; j++)
		ind->row[j].field = ind->fieldbuf + (size_t)j * r->ncol;
	ind->id = ind->row[0].field[r->idcol];
	if (idset_add(&r->done, ind->id) == -1)
		return rd_nomem(r, err);
	return 1;
}

static int
next(struct rec_reader *r, struct rec_indiv *ind, struct twin_err *err)
{
	char *line, *p;
	size_t len, id, row;
	long lineno;
	double t, prev;
	int rc;

	/* The first row: the one waiting from the last call, or a new one. */
	if (r->havelook) {
		if ((p = grow(ind->buf, &ind->bufcap, r->looklen, 1)) == NULL)
			return rd_nomem(r, err);
		ind->buf = p;
		memcpy(ind->buf, r->look, r->looklen);
		ind->buflen = r->looklen;
		r->rowid = r->lookid;
		r->rowtime = r->looktime;
		lineno = r->lookline;
		r->havelook = 0;
	} else {
		do {
			if ((rc = rd_data(r, &line, &len, err)) <= 0) {
				if (rc == 0)
					r->state = 1;
				return rc;
			}
		} while ((rc = split(r, ind, line, len, err)) == 1);
		if (rc == -1)
			return -1;
		lineno = r->lineno;
	}
	if (addrow(r, ind, lineno, err) == -1)
		return -1;
	id = r->rowid;
	if (idset_has(&r->done, ind->buf + id)) {
		twin_error(&r->fail, "%s:%ld: ID %s appears again after other "
		    "IDs; sort the records by ID", r->path, lineno,
		    ind->buf + id);
		return rd_fail(r, err);
	}
	if (rowtime(r, ind->buf + r->rowtime, lineno, &prev, err) == -1)
		return -1;

	/* Further rows while the ID stays the same. */
	for (;;) {
		if ((rc = rd_data(r, &line, &len, err)) == -1)
			return -1;
		if (rc == 0) {
			r->state = 1;
			return finish(r, ind, err);
		}
		row = ind->buflen;
		if ((rc = split(r, ind, line, len, err)) == 1)
			continue;
		if (rc == -1) {
			/* A line that cannot be split may still name its ID:
			 * if it is another individual, this one is whole,
			 * and the error comes with the next call. */
			if (strcmp(ind->buf + row, ind->buf + id) == 0 ||
			    ind->buf[row] == '\0')
				return -1;
			ind->buflen = row;
			return finish(r, ind, err);
		}
		if (strcmp(ind->buf + row + r->rowid, ind->buf + id) != 0)
			break;
		if (rowtime(r, ind->buf + row + r->rowtime, r->lineno, &t,
		    err) == -1)
			return -1;
		if (t < prev) {
			char a[TWIN_NUMBUF], b[TWIN_NUMBUF];

			twin_dtoa(t, a);
			twin_dtoa(prev, b);
			twin_error(&r->fail, "%s:%ld: TIME goes backwards "
			    "within ID %s (%s after %s)", r->path, r->lineno,
			    ind->buf + id, a, b);
			return rd_fail(r, err);
		}
		prev = t;
		if (addrow(r, ind, r->lineno, err) == -1)
			return -1;
	}

	/* That row starts the next individual: keep it for the next call. */
	r->looklen = ind->buflen - row;
	if ((p = grow(r->look, &r->lookcap, r->looklen, 1)) == NULL)
		return rd_nomem(r, err);
	r->look = p;
	memcpy(r->look, ind->buf + row, r->looklen);
	r->lookid = r->rowid;
	r->looktime = r->rowtime;
	r->lookline = r->lineno;
	r->havelook = 1;
	ind->buflen = row;
	return finish(r, ind, err);
}

int
rec_next(struct rec_reader *r, struct rec_indiv *ind, struct twin_err *err)
{
	int rc;

	ind->nrow = 0;
	ind->buflen = 0;
	ind->id = NULL;
	if (r->state < 0) {
		if (err != NULL)
			memcpy(err, &r->fail, sizeof(*err));
		return -1;
	}
	if (r->state > 0)
		return 0;
	/* The individuals of other shards are read (and checked) all the
	 * same, and passed over. */
	while ((rc = next(r, ind, err)) == 1 && (r->nseen++,
	    !shard_keep(&r->shard, ind->id))) {
		ind->nrow = 0;
		ind->buflen = 0;
		ind->id = NULL;
	}
	/* No half-read individual for a caller that ignores the error. */
	if (rc != 1)
		ind->nrow = 0;
	return rc;
}

void
rec_indiv_free(struct rec_indiv *ind)
{
	if (ind == NULL)
		return;
	free(ind->row);
	free(ind->buf);
	free(ind->fieldbuf);
	memset(ind, 0, sizeof(*ind));
}

int
rec_num_or(const struct rec_reader *r, const struct rec_row *row, int col,
    double def, double *x, struct twin_err *err)
{
	int k = rec_num(r, row, col, x, err);

	if (k == 0)
		*x = def;
	return k < 0 ? -1 : 0;
}

int
rec_num(const struct rec_reader *r, const struct rec_row *row, int col,
    double *x, struct twin_err *err)
{
	const char *s;

	if (col < 0)
		return 0;
	if (col >= r->ncol)
		return twin_error(err, "%s:%ld: no column %d", r->path,
		    row->line, col + 1);
	s = row->field[col];
	if (rec_missing(s))
		return 0;
	if (twin_strtod(s, x) == 0) {
		if (fabs(*x) <= REC_NUM_MAX)
			return 1;
		return twin_error(err, "%s:%ld: column %s: number out of "
		    "range: \"%s\" (magnitude above %g)", r->path, row->line,
		    r->col[col], s, REC_NUM_MAX);
	}
	return twin_error(err, "%s:%ld: column %s: not a number: \"%s\"",
	    r->path, row->line, r->col[col], s);
}

/*
 * Output buffers.  Running out of memory here aborts: the helpers are on
 * the hot path of every program and return nothing, and a filter that
 * cannot build its next line has no way to go on that would not lose or
 * garble output, so stopping loudly is the only safe course.
 */
void
ob_reserve(struct outbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->cap - b->len > n)
		return;
	if (n > SIZE_MAX / 2 - b->len)
		abort();
	cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		abort();
	b->p = p;
	b->cap = cap;
}


void
ob_putnum(struct outbuf *b, double x)
{
	ob_reserve(b, TWIN_NUMBUF);
	if (b->lastlen > 0 && x == b->lastx && signbit(x) == signbit(b->lastx)) {
		memcpy(b->p + b->len, b->last, b->lastlen);
		b->len += (size_t)b->lastlen;
		return;
	}
	b->lastlen = twin_dtoa(x, b->last);
	b->lastx = x;
	memcpy(b->p + b->len, b->last, b->lastlen);
	b->len += (size_t)b->lastlen;
}

void
ob_free(struct outbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

long long
rec_offset(const struct rec_reader *r)
{
	z_off_t off = r->gz != NULL ? gzoffset(r->gz) : -1;

	return off < 0 ? -1 : (long long)off;
}

struct rec_writer {
	FILE *fp;		/* plain output, or NULL */
	gzFile gz;		/* gzip output, or NULL */
	int own;		/* fp is ours to close (not stdout) */
	char *path;		/* for messages: the name or "<stdout>" */
	char *target;		/* the file path names (links followed) */
	char *tmp;		/* written here, renamed to target on success,
				 * or NULL when written directly */
	char *buf;		/* collects small writes */
	size_t len;
	int failed;
	struct twin_err fail;	/* repeated once failed */
	struct table *tab;	/* rec_wformat: lines reformatted, or NULL */
	struct outbuf pend;	/* the last line, not yet complete */
	struct outbuf fout;	/* reformatted lines */
};

static int
wr_fail(struct rec_writer *w, int errnum, struct twin_err *err)
{
	if (!w->failed) {
		w->failed = 1;
		if (errnum != 0)
			twin_errork(&w->fail, TWIN_ESYSTEM,
			    "%s: write error: %s", w->path,
			    strerror(errnum));
		else
			twin_errork(&w->fail, TWIN_ESYSTEM,
			    "%s: write error", w->path);
	}
	if (err != NULL)
		memcpy(err, &w->fail, sizeof(*err));
	return -1;
}

/* The errno behind a failed gzip call. */
static int
gz_errno(gzFile gz, int saved_errno)
{
	int zerr;

	gzerror(gz, &zerr);
	if (zerr == Z_ERRNO)
		return saved_errno;
	if (zerr == Z_MEM_ERROR)
		return ENOMEM;
	return 0;
}

/* Write p[0, n) to the file, bypassing the buffer. */
static int
wr_out(struct rec_writer *w, const char *p, size_t n, struct twin_err *err)
{
	if (w->fp != NULL) {
		errno = 0;
		if (fwrite(p, 1, n, w->fp) != n)
			return wr_fail(w, errno, err);
		return 0;
	}
	while (n > 0) {
		unsigned chunk = n > (1U << 30) ? 1U << 30 : (unsigned)n;

		errno = 0;
		if (gzwrite(w->gz, p, chunk) != (int)chunk)
			return wr_fail(w, gz_errno(w->gz, errno), err);
		p += chunk;
		n -= chunk;
	}
	return 0;
}

/*
 * The temporary files being written, for the signal handler: SIGINT,
 * SIGTERM and SIGHUP remove them and then end the program as the signal
 * would have.  Slots are filled and emptied with those signals blocked;
 * the handler only reads them, and calls unlink and raise, which are
 * async-signal-safe.
 */
#define WR_MAXTMP	16
static char *volatile wr_tmps[WR_MAXTMP];
static const int wr_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void
wr_on_signal(int sig)
{
	int i;

	for (i = 0; i < WR_MAXTMP; i++)
		if (wr_tmps[i] != NULL)
			unlink(wr_tmps[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Add (on != 0) or remove tmp from the registry; -1 if it is full. */
static int
wr_register(char *tmp, int on)
{
	static int installed;
	sigset_t set, old;
	size_t k;
	int i, rc = -1;

	sigemptyset(&set);
	for (k = 0; k < sizeof(wr_signals) / sizeof(wr_signals[0]); k++)
		sigaddset(&set, wr_signals[k]);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (on && !installed) {
		struct sigaction sa, cur;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = wr_on_signal;
		sigemptyset(&sa.sa_mask);
		/* A signal ignored by the parent (nohup) stays ignored. */
		for (k = 0; k < sizeof(wr_signals) / sizeof(wr_signals[0]); k++)
			if (sigaction(wr_signals[k], NULL, &cur) == 0 &&
			    cur.sa_handler == SIG_DFL)
				sigaction(wr_signals[k], &sa, NULL);
		installed = 1;
	}
	for (i = 0; i < WR_MAXTMP; i++) {
		if (on && wr_tmps[i] == NULL) {
			wr_tmps[i] = tmp;
			rc = 0;
			break;
		}
		if (!on && wr_tmps[i] == tmp) {
			wr_tmps[i] = NULL;
			rc = 0;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/*
 * Where to write path: a symbolic link is followed, so that the file it
 * names is replaced and the link kept.  The final name, malloc'ed, or
 * NULL (errno set).  A dangling link gives NULL with errno ENOENT.
 */
static char *
wr_target(const char *path)
{
	struct stat st;
	char *cur = strdup(path);
	int hop;

	for (hop = 0; cur != NULL && hop < 40; hop++) {
		char link[PATH_MAX], *slash, *to;
		ssize_t n;
		size_t dir;

		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
			if (hop > 0 && errno == ENOENT && lstat(cur, &st) != 0)
				break;
			return cur;
		}
		if ((n = readlink(cur, link, sizeof(link) - 1)) < 0)
			break;
		link[n] = '\0';
		/* A relative target is relative to the link's directory. */
		slash = strrchr(cur, '/');
		dir = link[0] != '/' && slash != NULL ? (size_t)(slash - cur) +
		    1 : 0;
		if ((to = malloc(dir + n + 1)) == NULL)
			break;
		memcpy(to, cur, dir);
		memcpy(to + dir, link, n + 1);
		free(cur);
		cur = to;
	}
	if (cur != NULL && errno != ENOENT)
		errno = ELOOP;
	free(cur);
	return NULL;
}

struct rec_writer *
rec_wopen(const char *path, int gz, struct twin_err *err)
{
	struct rec_writer *w;
	struct stat st;
	size_t n;
	int fd = -1, out = path == NULL || strcmp(path, "-") == 0, direct = 1;

	if (!out && (n = strlen(path)) >= 3 && strcmp(path + n - 3, ".gz") ==
	    0)
		gz = 1;
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->path = strdup(out ? "<stdout>" : path)) == NULL ||
	    (w->buf = malloc(WR_BUFSZ)) == NULL) {
		twin_errork(err, TWIN_ENOMEM,
		    "%s: out of memory", out ? "<stdout>" : path);
		goto fail;
	}
	/*
	 * A file is written beside its final name and renamed when complete,
	 * so a failed or interrupted run never leaves a truncated or
	 * half-written file; it takes the mode of the file it replaces.
	 * Devices and pipes (/dev/stdout, a FIFO) and the file a dangling
	 * symbolic link names are written directly.
	 */
	if (!out) {
		if ((w->target = wr_target(path)) == NULL && errno != ENOENT) {
			twin_errork(err, TWIN_ESYSTEM,
			    "%s: %s", path, strerror(errno));
			goto fail;
		}
		direct = w->target == NULL || (stat(w->target, &st) == 0 &&
		    !S_ISREG(st.st_mode));
	}
	if (!out && !direct) {
		int exists = stat(w->target, &st) == 0;

		if ((w->tmp = malloc(strlen(w->target) + 32)) == NULL) {
			twin_errork(err, TWIN_ENOMEM,
			    "%s: out of memory", path);
			goto fail;
		}
		snprintf(w->tmp, strlen(w->target) + 32, "%s.tmp%ld", w->target,
		    (long)getpid());
		if (wr_register(w->tmp, 1) < 0) {
			twin_error(err, "%s: too many files open for writing",
			    path);
			goto fail;
		}
		fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    exists ? 0600 : 0666);
		if (fd == -1) {
			twin_errork(err, TWIN_ESYSTEM,
			    "%s: %s", w->path, strerror(errno));
			goto fail;
		}
		if (exists)
			(void)fchmod(fd, st.st_mode & 07777);
	} else if (!out) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd == -1) {
			twin_errork(err, TWIN_ESYSTEM,
			    "%s: %s", w->path, strerror(errno));
			goto fail;
		}
	}
	if (!gz) {
		w->fp = out ? stdout : fdopen(fd, "w");
		if (w->fp == NULL) {
			twin_errork(err, TWIN_ESYSTEM,
			    "%s: %s", w->path, strerror(errno));
			goto fail;
		}
		w->own = !out;
		return w;
	}
	/* Anything the program printed already goes first. */
	if (out && fflush(stdout) == EOF) {
		twin_errork(err, TWIN_ESYSTEM, "%s: write error: %s", w->path,
		    strerror(errno));
		goto fail;
	}
	/* A duplicate of fd 1, so that gzclose leaves stdout open. */
	if (out && (fd = dup(1)) == -1) {
		twin_errork(err, TWIN_ESYSTEM,
		    "%s: %s", w->path, strerror(errno));
		goto fail;
	}
	if ((w->gz = gzdopen(fd, "wb6")) == NULL) {
		twin_errork(err, TWIN_ENOMEM, "%s: out of memory", w->path);
		goto fail;
	}
	gzbuffer(w->gz, GZ_BUFSZ);
	return w;
fail:
	if (fd != -1)
		close(fd);
	if (w != NULL) {
		if (w->tmp != NULL) {
			unlink(w->tmp);
			wr_register(w->tmp, 0);
		}
		free(w->buf);
		free(w->path);
		free(w->target);
		free(w->tmp);
		free(w);
	}
	return NULL;
}

static int raw_write(struct rec_writer *w, const char *p, size_t n,
    struct twin_err *err);

int
rec_wformat(struct rec_writer *w, const struct table_fmt *f,
    struct twin_err *err)
{
	if (f == NULL || (!f->pretty && f->digits == 0))
		return 0;
	if (w->tab == NULL && (w->tab = malloc(sizeof(*w->tab))) == NULL)
		return twin_nomem(err);
	table_init(w->tab, &w->fout, f);
	return 0;
}

/* Reformat the complete lines of pend and write them. */
static int
format_lines(struct rec_writer *w, int all, struct twin_err *err)
{
	size_t i, start = 0;
	int rc;

	for (i = 0; i < w->pend.len; i++)
		if (w->pend.p[i] == '\n') {
			table_line(w->tab, w->pend.p + start, i - start);
			start = i + 1;
		}
	if (all && start < w->pend.len) {
		table_line(w->tab, w->pend.p + start, w->pend.len - start);
		start = w->pend.len;
	}
	memmove(w->pend.p, w->pend.p + start, w->pend.len - start);
	w->pend.len -= start;
	w->pend.p[w->pend.len] = '\0';
	rc = raw_write(w, w->fout.p, w->fout.len, err);
	w->fout.len = 0;
	return rc;
}

int
rec_write(struct rec_writer *w, const char *p, size_t n, struct twin_err *err)
{
	if (w->tab == NULL || w->failed)
		return raw_write(w, p, n, err);
	ob_reserve(&w->pend, n);
	memcpy(w->pend.p + w->pend.len, p, n);
	w->pend.len += n;
	w->pend.p[w->pend.len] = '\0';
	return format_lines(w, 0, err);
}

static int
raw_write(struct rec_writer *w, const char *p, size_t n, struct twin_err *err)
{
	if (w->failed)
		return wr_fail(w, 0, err);
	if (n == 0)
		return 0;
	if (n < WR_BUFSZ - w->len) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		return 0;
	}
	if (w->len > 0) {
		if (wr_out(w, w->buf, w->len, err) == -1)
			return -1;
		w->len = 0;
	}
	if (n >= WR_BUFSZ)
		return wr_out(w, p, n, err);
	memcpy(w->buf, p, n);
	w->len = n;
	return 0;
}

int
rec_wclose(struct rec_writer *w, int commit, struct twin_err *err)
{
	int rc = 0, zrc;

	if (w == NULL)
		return 0;
	if (w->tab != NULL && !w->failed && w->pend.len > 0)
		format_lines(w, 1, err);
	if (!w->failed && w->len > 0)
		rc = wr_out(w, w->buf, w->len, err);
	if (w->fp != NULL) {
		errno = 0;
		if (fflush(w->fp) == EOF || ferror(w->fp))
			rc = wr_fail(w, errno, err);
		if (w->own && fclose(w->fp) == EOF)
			rc = wr_fail(w, errno, err);
	} else if (w->gz != NULL) {
		/* Finish the stream first: gzclose loses the error text. */
		errno = 0;
		if (!w->failed && gzflush(w->gz, Z_FINISH) != Z_OK)
			rc = wr_fail(w, gz_errno(w->gz, errno), err);
		errno = 0;
		if ((zrc = gzclose(w->gz)) != Z_OK)
			rc = wr_fail(w, zrc == Z_ERRNO ? errno : 0, err);
	}
	if (w->failed)
		rc = wr_fail(w, 0, err);
	if (w->tmp != NULL) {
		if (commit && rc == 0 && rename(w->tmp, w->target) != 0)
			rc = twin_errork(err, TWIN_ESYSTEM, "%s: %s", w->path,
			    strerror(errno));
		if (!commit || rc != 0)
			unlink(w->tmp);
		wr_register(w->tmp, 0);
	}
	if (w->tab != NULL)
		table_free(w->tab);
	free(w->tab);
	ob_free(&w->pend);
	ob_free(&w->fout);
	free(w->buf);
	free(w->path);
	free(w->target);
	free(w->tmp);
	free(w);
	return rc;
}

/* ---- output layout ---------------------------------------------------- */

int
rec_layout_init(struct rec_layout *l, const struct rec_reader *r)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->ncol = rec_ncol(r);
	if ((l->repl = malloc(((size_t)l->ncol + 1) * sizeof(int))) == NULL)
		return -1;
	for (i = 0; i < l->ncol; i++)
		l->repl[i] = -1;
	return 0;
}

int
rec_layout_add(struct rec_layout *l, const struct rec_reader *r,
    const char *name)
{
	int c = rec_col(r, name);

	if (l->nw == l->wcap) {
		int cap = l->wcap ? 2 * l->wcap : 16;
		char **nn = realloc(l->name, cap * sizeof(*nn));
		int *na;

		if (nn == NULL)
			return -1;
		l->name = nn;
		if ((na = realloc(l->appended, cap * sizeof(*na))) == NULL)
			return -1;
		l->appended = na;
		l->wcap = cap;
	}
	if ((l->name[l->nw] = strdup(name)) == NULL)
		return -1;
	l->appended[l->nw] = c < 0;
	if (c >= 0)
		l->repl[c] = l->nw;
	return l->nw++;
}

void
rec_layout_free(struct rec_layout *l)
{
	int i;

	for (i = 0; i < l->nw; i++)
		free(l->name[i]);
	free(l->name);
	free(l->appended);
	free(l->repl);
	memset(l, 0, sizeof(*l));
}

void
rec_layout_header(const struct rec_layout *l, const struct rec_reader *r,
    struct outbuf *b)
{
	int i, first = 1;

	for (i = 0; i < l->ncol; i++, first = 0) {
		if (!first)
			ob_putc(b, '\t');
		ob_puts(b, l->repl[i] >= 0 ? l->name[l->repl[i]] :
		    rec_colname(r, i));
	}
	for (i = 0; i < l->nw; i++) {
		if (!l->appended[i])
			continue;
		if (!first)
			ob_putc(b, '\t');
		ob_puts(b, l->name[i]);
		first = 0;
	}
	ob_putc(b, '\n');
}

static void
put_value(struct outbuf *b, const double *vals, const int *have, int w)
{
	if (have[w])
		ob_putnum(b, vals[w]);
	else
		ob_putc(b, '.');
}

void
rec_layout_row(const struct rec_layout *l, const struct rec_row *row,
    const double *vals, const int *have, struct outbuf *b)
{
	int i, first = 1;

	for (i = 0; i < l->ncol; i++, first = 0) {
		if (!first)
			ob_putc(b, '\t');
		if (l->repl[i] >= 0)
			put_value(b, vals, have, l->repl[i]);
		else
			ob_puts(b, row->field[i]);
	}
	for (i = 0; i < l->nw; i++) {
		if (!l->appended[i])
			continue;
		if (!first)
			ob_putc(b, '\t');
		put_value(b, vals, have, i);
		first = 0;
	}
	ob_putc(b, '\n');
}
