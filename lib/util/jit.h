/*
 * jit.h - native code for a model's programs: C source written by the
 * expression compiler (prog_emit_c, expr.h), compiled by the system's C
 * compiler into a shared object, kept in a cache and loaded with dlopen.
 * A model whose programs run natively gives the same bits as the
 * interpreter (the same operations in the same order, no contraction
 * into fused multiply-adds): this is speed only.
 *
 * The compiler is $TWIN_CC, else cc; the cache is $TWIN_CACHE, else
 * $XDG_CACHE_HOME/twin, else $HOME/.cache/twin (created mode 0700; a
 * directory not owned by the user, or writable by others, is not used).
 * An object is named by a 64-bit hash of the compiler's name and the
 * source, written under a temporary name and renamed into place, so
 * processes running at once share it safely.  TWIN_JIT=0 in the
 * environment turns all of this off.
 *
 * Errors: jit_load returns NULL with err saying why (no compiler, no
 * cache, the compiler failed); the caller then runs the interpreter.
 * Ownership: jit_load returns a handle freed by jit_free, which unloads
 * the functions it gave.
 */
#ifndef TWIN_JIT_H
#define TWIN_JIT_H

#include "util/err.h"

typedef void (*jit_fn)(double *v, double *out);

struct jit;

/* 1 unless TWIN_JIT=0. */
int jit_enabled(void);

/* Compile (or find in the cache) src, which defines the n functions
 * names[i] as void name(double *v, double *out), and set fn[i]. */
struct jit *jit_load(const char *src, int n, const char *const *names,
    jit_fn *fn, struct twin_err *err);
void jit_free(struct jit *j);

#endif
