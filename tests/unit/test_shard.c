/*
 * test_shard - "--shard K/N": the text of the option, the hash against
 * the FNV-1a test vectors published with the algorithm (Fowler, Noll, Vo;
 * draft-eastlake-fnv: "" 0xcbf29ce484222325, "a" 0xaf63dc4c8601ec8c,
 * "foobar" 0x85944171f73967e8), shards of IDs worked by hand from those
 * values, and every ID in exactly one shard.
 */
#include <stdio.h>
#include <string.h>

#include "util/shard.h"
#include "tap.h"

static void
test_parse(void)
{
	static const char *const bad[] = { "", "1", "1/", "/3", "a/b", "1/2/3",
	    "-1/3", "+1/3", " 1/3", "1/3 ", "1.0/3", "1/1e2", "0x1/3",
	    "1/99999999999999999999" };
	struct twin_err e;
	struct shard s;
	size_t i;
	int nbad = 0;

	tap_ok(shard_parse(&s, "2/8", &e) == 0 && s.k == 2 && s.n == 8,
	    "2/8 is shard 2 of 8");
	tap_ok(shard_parse(&s, "1/1", &e) == 0 && s.k == 1 && s.n == 1,
	    "1/1 is the whole input");
	tap_ok(shard_parse(&s, "007/010", &e) == 0 && s.k == 7 && s.n == 10,
	    "leading zeros are decimal");
	tap_ok(shard_parse(&s, "2147483647/2147483647", &e) == 0 &&
	    s.n == SHARD_MAX, "N up to SHARD_MAX");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		nbad += shard_parse(&s, bad[i], &e) == -1 &&
		    e.kind == TWIN_EINPUT && strstr(e.msg, "want K/N") != NULL;
	tap_ok(nbad == (int)(sizeof(bad) / sizeof(bad[0])),
	    "malformed K/N refused: \"want K/N\"");
	tap_ok(shard_parse(&s, "0/3", &e) == -1 && !strcmp(e.msg,
	    "bad shard \"0/3\": K must be from 1 to N (3)"), "K 0 refused");
	tap_ok(shard_parse(&s, "4/3", &e) == -1 && !strcmp(e.msg,
	    "bad shard \"4/3\": K must be from 1 to N (3)"), "K > N refused");
	tap_ok(shard_parse(&s, "1/0", &e) == -1 && !strcmp(e.msg,
	    "bad shard \"1/0\": N must be at least 1"), "N 0 refused");
}

static void
test_hash(void)
{
	tap_ok(shard_hash("") == 0xcbf29ce484222325ULL,
	    "FNV-1a 64 of \"\" is the offset basis");
	tap_ok(shard_hash("a") == 0xaf63dc4c8601ec8cULL,
	    "FNV-1a 64 of \"a\"");
	tap_ok(shard_hash("foobar") == 0x85944171f73967e8ULL,
	    "FNV-1a 64 of \"foobar\"");
	/* (0xcbf29ce484222325 ^ 0x31) * 0x100000001b3 mod 2^64 */
	tap_ok(shard_hash("1") == 0xaf63ac4c86019afcULL,
	    "FNV-1a 64 of \"1\" by hand");
}

static void
test_keep(void)
{
	struct shard s = { 0, 0 };
	char id[32];
	int n, k, i, once = 1, kept;

	tap_ok(shard_keep(NULL, "x") && shard_keep(&s, "x"),
	    "no sharding keeps every ID");
	/* "a": 0xaf63dc4c8601ec8c mod 7 = 5, so shard 6 of 7; mod 3 = 1 */
	s.n = 7;
	for (kept = 0, k = 1; k <= 7; k++) {
		s.k = k;
		if (shard_keep(&s, "a"))
			kept = kept * 10 + k;
	}
	tap_ok(kept == 6, "\"a\" is in shard 6 of 7 only");
	s.n = 3;
	s.k = 2;
	tap_ok(shard_keep(&s, "a") && (s.k = 1, !shard_keep(&s, "a")),
	    "\"a\" is in shard 2 of 3");
	/* "foobar": 0x85944171f73967e8 mod 3 = 0 */
	s.k = 1;
	tap_ok(shard_keep(&s, "foobar"), "\"foobar\" is in shard 1 of 3");
	s.k = 1;
	s.n = 1;
	tap_ok(shard_keep(&s, "foobar") && shard_keep(&s, ""),
	    "1/1 keeps every ID");
	for (n = 1; n <= 7; n++)
		for (i = 0; i < 1000; i++) {
			int times = 0;

			snprintf(id, sizeof(id), i % 2 ? "%d" : "P-%04d", i);
			s.n = n;
			for (k = 1; k <= n; k++) {
				s.k = k;
				times += shard_keep(&s, id);
			}
			once &= times == 1;
		}
	tap_ok(once, "N = 1..7: each of 1000 IDs in exactly one shard");
	/* Sequential IDs spread over the shards: none empty for N <= 7. */
	for (once = 1, n = 2; n <= 7; n++)
		for (k = 1; k <= n; k++) {
			s.n = n;
			s.k = k;
			for (kept = 0, i = 1; i <= 200; i++) {
				snprintf(id, sizeof(id), "%d", i);
				kept += shard_keep(&s, id);
			}
			once &= kept > 0;
		}
	tap_ok(once, "IDs 1..200: no shard of N = 2..7 empty");
}

int
main(void)
{
	test_parse();
	test_hash();
	test_keep();
	return tap_done();
}
