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
