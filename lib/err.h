/*
 * err.h - error messages from the library to the program.
 *
 * The library never prints and never exits.  A function that fails fills a
 * caller-owned struct twin_err and returns -1 (or NULL); the program decides
 * what to print.  Messages follow git's rules: lower case, no full stop,
 * what is wrong first, the offending value quoted.
 */
#ifndef TWIN_ERR_H
#define TWIN_ERR_H

struct twin_err {
	char msg[1024];
};

/* Format a message into e (if not NULL) and return -1. */
int twin_error(struct twin_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prepend "prefix: " to the message already in e; returns -1. */
int twin_error_prefix(struct twin_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
