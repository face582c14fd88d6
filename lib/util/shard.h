/*
 * shard.h - splitting a cohort into N parts by individual: "--shard K/N".
 *
 * The rule, the one home of it: an individual belongs to shard K of N
 * (K in 1..N) when
 *
 *	FNV-1a-64(ID) mod N = K - 1
 *
 * where ID is the text of the individual's ID field as the records write
 * it (bytes, no case folding or number parsing: "7" and "07" are two IDs)
 * and FNV-1a-64 is the 64-bit Fowler-Noll-Vo hash, variant 1a (offset
 * basis 14695981039346656037, prime 1099511628211; for each byte:
 * h = (h XOR byte) * prime mod 2^64).  The rule depends on the ID and N
 * only, never on the order or number of the other individuals, so N jobs
 * over the same input, K = 1..N, cover every ID exactly once, and each
 * keeps its individuals in input order.  It is part of the toolkit's
 * interface: changing it would change which shard an ID goes to.
 *
 * No allocation.  shard_parse fills a caller-owned struct twin_err.
 */
#ifndef TWIN_SHARD_H
#define TWIN_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The largest N: shard numbers fit an int. */
#define SHARD_MAX	2147483647L

/* Shard k of n; n = 0 (a zeroed struct) is no sharding: every ID kept. */
struct shard {
	long k, n;
};

/*
 * "K/N" (decimal digits only, 1 <= K <= N <= SHARD_MAX) into s.  Returns
 * 0, or -1 with a message quoting text in err (TWIN_EINPUT): "bad shard
 * \"...\": want K/N, ..." or "... K must be from 1 to N".
 */
int shard_parse(struct shard *s, const char *text, struct twin_err *err);

/* FNV-1a-64's offset basis: the hash of no bytes. */
#define FNV64_BASIS	14695981039346656037ULL

/* FNV-1a-64 continued from h over the n bytes at p: fnv1a64(FNV64_BASIS,
 * p, n) is the hash of those bytes, and a text read in pieces hashes as
 * the whole when each piece continues from the last. */
uint64_t fnv1a64(uint64_t h, const void *p, size_t n);

/* FNV-1a, 64 bits, of the bytes of id up to its NUL. */
uint64_t shard_hash(const char *id);

/* Does shard s keep the individual id?  1 or 0; always 1 without
 * sharding (s NULL or s->n 0). */
int shard_keep(const struct shard *s, const char *id);

#endif
