/*
 * fuzz_provenance.c - libFuzzer harness for provenance.c's reader: the
 * "#" lines of a shard's output, which --merge reads from files it did
 * not write, parsed from arbitrary bytes; and each options line that
 * parses written again by prov_lines and read back to the same words.
 *
 * Not named test_*.c: the Makefile would build it as a unit test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/provenance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prov_facts f, g;
	struct twin_err err;
	struct prov p;
	char *src, *text;
	int i;

	if ((src = malloc(size + 1)) == NULL)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	if (prov_read(src, &f, &err) == 0) {
		/* no control characters in the words: prov_lines makes
		 * them spaces */
		for (i = 0; i < f.argc && !control(f.argv[i]); i++)
			;
		memset(&p, 0, sizeof(p));
		p.prog = "fuzz";
		p.version = "0";
		p.argc = f.argc;
		p.argv = f.argv;
		if (i == f.argc && (text = prov_lines(&p, &err)) != NULL) {
			if (prov_read(text, &g, &err) != 0 || g.argc != f.argc)
				abort();
			for (i = 0; i < f.argc; i++)
				if (strcmp(f.argv[i], g.argv[i]) != 0)
					abort();
			prov_facts_free(&g);
			free(text);
		}
		prov_facts_free(&f);
	}
	free(src);
	return 0;
}
