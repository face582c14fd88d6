/*
 * slurp.h - for the unit tests: the whole of a file, NUL-terminated, in
 * memory the caller frees; its length to *n unless n is NULL.  NULL if
 * the file cannot be opened or read.
 */
#ifndef TWIN_SLURP_H
#define TWIN_SLURP_H

#include <stdio.h>
#include <stdlib.h>

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *p = NULL;
	size_t got;
	long len;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)len + 1)) != NULL) {
		got = fread(p, 1, (size_t)len, fp);
		p[got] = '\0';
		if (n != NULL)
			*n = got;
	}
	fclose(fp);
	return p;
}

#endif
