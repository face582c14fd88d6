/*
 * shard.c - which individuals a shard keeps (shard.h).
 */
#include <string.h>

#include "util/shard.h"

#define FNV64_PRIME	1099511628211ULL

uint64_t
fnv1a64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV64_PRIME;
	return h;
}

uint64_t
shard_hash(const char *id)
{
	return fnv1a64(FNV64_BASIS, id, strlen(id));
}

/* Decimal digits s[0, len) as a number at most SHARD_MAX; -1 if empty,
 * not all digits or too large. */
static long
number(const char *s, size_t len)
{
	long x = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = 10 * x + (s[i] - '0');
		if (x > SHARD_MAX)
			return -1;
	}
	return x;
}

int
shard_parse(struct shard *s, const char *text, struct twin_err *err)
{
	const char *slash = strchr(text, '/');
	long k, n;

	if (slash == NULL || (k = number(text, (size_t)(slash - text))) < 0 ||
	    (n = number(slash + 1, strlen(slash + 1))) < 0)
		return twin_error(err, "bad shard \"%.100s\": want K/N, two "
		    "whole numbers such as 2/8", text);
	if (n < 1)
		return twin_error(err, "bad shard \"%.100s\": N must be at "
		    "least 1", text);
	if (k < 1 || k > n)
		return twin_error(err, "bad shard \"%.100s\": K must be from "
		    "1 to N (%ld)", text, n);
	s->k = k;
	s->n = n;
	return 0;
}

int
shard_keep(const struct shard *s, const char *id)
{
	if (s == NULL || s->n == 0)
		return 1;
	return shard_hash(id) % (uint64_t)s->n == (uint64_t)(s->k - 1);
}
