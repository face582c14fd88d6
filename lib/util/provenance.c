/*
 * provenance.c - the "#" lines that say what made an output
 * (provenance.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/provenance.h"

struct buf {
	char *p;
	size_t len, cap;
	int fail;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	char *q;
	size_t i;

	if (b->fail)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((q = realloc(b->p, cap)) == NULL) {
			b->fail = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	/* A control character would end a fact or hide part of it. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		b->p[b->len++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	b->p[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* The end of a line: the one place a newline goes in. */
static void
endline(struct buf *b)
{
	if (b->fail)
		return;
	put(b, " ", 1);
	if (!b->fail)
		b->p[b->len - 1] = '\n';
}

static int
plain(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_@%+=:,./-", *s) == NULL)
			return 0;
	return 1;
}

static void
putarg(struct buf *b, const char *s)
{
	if (plain(s)) {
		puts_(b, s);
		return;
	}
	puts_(b, "'");
	for (; *s != '\0'; s++)
		if (*s == '\'')
			puts_(b, "'\\''");
		else
			put(b, s, 1);
	puts_(b, "'");
}

char *
prov_lines(const struct prov *p, struct twin_err *err)
{
	struct buf b = { 0 };
	const char *s, *nl;
	char num[64];
	int i;

	for (s = p->input; s != NULL && *s != '\0'; s = nl + (*nl != '\0')) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		if (*s == '#')
			s++;
		if (*s == ' ' && s < nl)
			s++;
		puts_(&b, "# input: ");
		put(&b, s, (size_t)(nl - s));
		endline(&b);
	}
	puts_(&b, "# ");
	puts_(&b, p->prog);
	puts_(&b, " ");
	puts_(&b, p->version);
	endline(&b);
	if (p->model != NULL) {
		puts_(&b, "# model ");
		puts_(&b, p->model);
		snprintf(num, sizeof(num), " fnv1a64:%016" PRIx64,
		    p->modelhash);
		puts_(&b, num);
		endline(&b);
	}
	if (p->seed != NULL) {
		snprintf(num, sizeof(num), "# seed %lu", *p->seed);
		puts_(&b, num);
		endline(&b);
	}
	if (p->shard != NULL && p->shard->n > 0) {
		snprintf(num, sizeof(num), "# shard %ld/%ld", p->shard->k,
		    p->shard->n);
		puts_(&b, num);
		endline(&b);
	}
	puts_(&b, "# options");
	for (i = 0; i < p->argc; i++) {
		puts_(&b, " ");
		putarg(&b, p->argv[i]);
	}
	endline(&b);
	if (b.fail) {
		free(b.p);
		twin_nomem(err);
		return NULL;
	}
	return b.p;
}

/* The words of a shell line as putarg quotes them: plain words and
 * '...' with '\'' for a quote.  NULL on bad quoting or no memory
 * (*nomem says which). */
static char **
split_words(const char *s, int *argc, int *nomem)
{
	char **v = NULL, *w, **nv;
	int n = 0;
	size_t len;

	*nomem = 0;
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		if ((w = malloc(strlen(s) + 1)) == NULL)
			goto nomem;
		len = 0;
		while (*s != '\0' && *s != ' ') {
			if (*s == '\\' && s[1] == '\'') {
				w[len++] = '\'';
				s += 2;
			} else if (*s == '\'') {
				for (s++; *s != '\'' && *s != '\0'; s++)
					w[len++] = *s;
				if (*s++ != '\'') {
					free(w);
					goto fail;
				}
			} else
				w[len++] = *s++;
		}
		w[len] = '\0';
		if ((nv = realloc(v, (n + 2) * sizeof(char *))) == NULL) {
			free(w);
			goto nomem;
		}
		v = nv;
		v[n++] = w;
		v[n] = NULL;
	}
	if (v == NULL && (v = calloc(1, sizeof(char *))) == NULL)
		goto nomem;
	*argc = n;
	return v;
nomem:
	*nomem = 1;
fail:
	while (n > 0)
		free(v[--n]);
	free(v);
	return NULL;
}

/* A shard line's K/N ("shard K/N"), into s; 1 if line is one. */
static int
shard_line(const char *line, size_t n, struct shard *s)
{
	char text[64];
	struct twin_err e;

	if (n < 7 || n - 6 >= sizeof(text) || strncmp(line, "shard ", 6) != 0)
		return 0;
	memcpy(text, line + 6, n - 6);
	text[n - 6] = '\0';
	return shard_parse(s, text, &e) == 0;
}

int
prov_read(const char *text, struct prov_facts *f, struct twin_err *err)
{
	struct buf id = { 0 };
	const char *s, *nl, *fact;
	struct shard sh;
	int own, nomem;

	memset(f, 0, sizeof(*f));
	for (s = text; *s != '\0'; s = nl + (*nl != '\0')) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		fact = s + (*s == '#');
		fact += *fact == ' ';
		/* an input's input's ... line: "input: input: ..." */
		for (own = 1; strncmp(fact, "input: ", 7) == 0; own = 0)
			fact += 7;
		if (shard_line(fact, (size_t)(nl - fact), &sh)) {
			if (f->shard.n > 0 && (f->shard.k != sh.k ||
			    f->shard.n != sh.n)) {
				twin_error(err, "shard lines disagree "
				    "(\"%ld/%ld\", \"%ld/%ld\")", f->shard.k,
				    f->shard.n, sh.k, sh.n);
				goto fail;
			}
			f->shard = sh;
			continue;
		}
		if (strncmp(fact, "options", 7) == 0 &&
		    (fact[7] == ' ' || fact + 7 == nl)) {
			size_t n = (size_t)(nl - fact - 7);
			char *line;

			if (!own)
				continue;
			if ((line = malloc(n + 1)) == NULL) {
				twin_nomem(err);
				goto fail;
			}
			memcpy(line, fact + 7, n);
			line[n] = '\0';
			while (f->argc > 0)
				free(f->argv[--f->argc]);
			free(f->argv);
			f->argv = split_words(line, &f->argc, &nomem);
			free(line);
			if (f->argv == NULL) {
				if (nomem)
					twin_nomem(err);
				else
					twin_error(err, "bad quoting in the "
					    "options line");
				goto fail;
			}
			continue;
		}
		put(&id, s, (size_t)(nl - s));
		endline(&id);
	}
	if (id.p == NULL && !id.fail && (id.p = calloc(1, 1)) == NULL)
		id.fail = 1;
	if (id.fail) {
		twin_nomem(err);
		goto fail;
	}
	f->ident = id.p;
	return 0;
fail:
	free(id.p);
	prov_facts_free(f);
	return -1;
}

void
prov_facts_free(struct prov_facts *f)
{
	while (f->argc > 0)
		free(f->argv[--f->argc]);
	free(f->argv);
	free(f->ident);
	memset(f, 0, sizeof(*f));
}
