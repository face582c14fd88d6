/*
 * num.h - numbers as text, independent of the locale.
 *
 * Parsing is strict: the whole field must be a finite decimal number.
 * Printing gives the shortest text that reads back as the same double.
 */
#ifndef TWIN_NUM_H
#define TWIN_NUM_H

#include <stddef.h>

#define TWIN_NUMBUF 32

/* Parse s (NUL-terminated) as a finite number.  Returns 0, or -1 if s is
 * empty, has trailing junk, is out of range, or is nan/inf/hex. */
int twin_strtod(const char *s, double *x);

/* Write the shortest round-trip representation of x into buf (at least
 * TWIN_NUMBUF bytes) and return its length.  -0 prints as 0; integers
 * print without exponent up to 1e15. */
int twin_dtoa(double x, char *buf);

#endif
