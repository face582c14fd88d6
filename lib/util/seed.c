/*
 * seed.c - random streams keyed by seed, ID and tag (seed.h).
 */
#include "util/seed.h"

/* SplitMix64's finaliser: every bit of x moves every bit of the result. */
static unsigned long long
mix(unsigned long long x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

unsigned long
twin_stream_seed(unsigned long seed, const char *id, unsigned long long tag)
{
	unsigned long long h = 1469598103934665603ULL;	/* FNV-1a of id */

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return (unsigned long)mix(h ^ mix(seed) ^ mix(tag));
}
