/*
 * datafile.h - where the program finds the tables it ships (physiology,
 * tissue composition, anthropometry, virtual patients).
 *
 * A table is named by its path below the data directory, e.g.
 * "pbpk/physiology_reference.tsv".  The places searched, in order:
 *   1. each directory of $TWIN_DATA_PATH (colon separated);
 *   2. <dir of the running program>/data (the build tree);
 *   3. <dir of the running program>/../share/twin/data (an installation,
 *      wherever it was copied);
 *   4. TWIN_DATADIR, compiled in ($(PREFIX)/share/twin/data).
 * The first readable file wins.  Tables are part of the program, not of
 * the user's input: a missing one is an installation error, said with
 * every place looked at.
 *
 * Ownership: the caller owns buf.  Errors: -1 and err (kind TWIN_ESYSTEM
 * for a table that is nowhere, TWIN_EINPUT for a name too long).
 */
#ifndef TWIN_DATAFILE_H
#define TWIN_DATAFILE_H

#include <stddef.h>

#include "util/err.h"

/* The directory of the running program into buf; 0, or -1 if unknown. */
int twin_exe_dir(char *buf, size_t bufsz);

/* The i-th place searched (0-based), into buf; -1 past the last. */
int data_dir(int i, char *buf, size_t bufsz);

/* The full path of table name (e.g. "pbpk/physiology_reference.tsv"). */
int data_find(const char *name, char *buf, size_t bufsz,
    struct twin_err *err);

#endif
