/*
 * err.h - error messages from the library to the program.
 *
 * The library never prints and never exits.  A function that fails fills a
 * caller-owned struct twin_err and returns -1 (or NULL); the program decides
 * what to print.  Messages follow git's rules: lower case, no full stop,
 * what is wrong first, the offending value quoted.
 *
 * Every error has a kind as well as a text: a caller that must tell one
 * failure from another looks at the kind, never at the wording.
 */
#ifndef TWIN_ERR_H
#define TWIN_ERR_H

enum twin_errkind {
	TWIN_EINPUT = 1,	/* bad input: data, a model file, an option */
	TWIN_EUNKNOWN,		/* a name an expression uses is not known */
	TWIN_EDOMAIN,		/* a value outside its domain (bounds, tolerance) */
	TWIN_ESOLVER,		/* the ODE solver or the exact solver failed */
	TWIN_EFLAT,		/* an objective flat in some direction */
	TWIN_ENOMEM,		/* out of memory */
	TWIN_ESYSTEM		/* a system call failed: open, read, write */
};

struct twin_err {
	char msg[1024];
	enum twin_errkind kind;
};

/* Format a message of kind TWIN_EINPUT into e (if not NULL); returns -1. */
int twin_error(struct twin_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same with another kind. */
int twin_errork(struct twin_err *e, enum twin_errkind kind,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "out of memory", of kind TWIN_ENOMEM; returns -1. */
int twin_nomem(struct twin_err *e);

/* Prepend "prefix: " to the message already in e, keeping its kind;
 * returns -1. */
int twin_error_prefix(struct twin_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The kind's name ("input", "unknown name", "domain", "solver", "flat
 * objective", "out of memory", "system"), for messages and tests. */
const char *twin_errkind_name(enum twin_errkind kind);

#endif
