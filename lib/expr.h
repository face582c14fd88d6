/*
 * expr.h - arithmetic expressions of model files: parse, differentiate,
 * compile to a flat tape, evaluate.
 *
 * Grammar (lowest precedence first):
 *   cond    := or [ '?' cond ':' cond ]
 *   or      := and { ('||' | 'or') and }
 *   and     := not { ('&&' | 'and') not }
 *   not     := ('!' | 'not') not | cmp
 *   cmp     := sum [ ('<' | '<=' | '>' | '>=' | '==' | '!=') sum ]
 *   sum     := prod { ('+' | '-') prod }
 *   prod    := unary { ('*' | '/') unary }
 *   unary   := '-' unary | '+' unary | pow
 *   pow     := atom [ ('^' | '**') unary ]          (right associative)
 *   atom    := number | name | name '(' args ')' | '(' cond ')'
 * Functions: exp log log10 sqrt abs tanh (1 argument), pow min max
 * (2 arguments), if(c, a, b) (same as c ? a : b).  Comparisons and logical
 * operators give 1 or 0; any non-zero value is true.
 *
 * Names resolve to slots of a value vector through the caller's lookup
 * function, so this module knows nothing of models.
 *
 * Ownership: every function returning struct enode * or struct tape *
 * returns a new object owned by the caller (enode_free, tape_free).
 * Argument trees are never modified or taken over.
 */
#ifndef TWIN_EXPR_H
#define TWIN_EXPR_H

#include "err.h"

/* Return the slot of name[0..len-1], or -1 if the name is unknown. */
typedef int (*expr_lookup_fn)(void *ctx, const char *name, int len);

struct enode;

/*
 * Parse src.  On error returns NULL, sets *errcol to the 0-based byte
 * offset in src where the problem is, and err to a message such as
 * "unknown name \"CLX\"", "expected ')'", "function exp takes 1 argument".
 */
struct enode *expr_parse(const char *src, expr_lookup_fn lookup, void *ctx,
    int *errcol, struct twin_err *err);

struct enode *enode_const(double value);
struct enode *enode_slot(int slot);
struct enode *enode_copy(const struct enode *n);
void enode_free(struct enode *n);

/* d n / d v[slot], simplified (constants folded, 0 and 1 absorbed). */
struct enode *enode_diff(const struct enode *n, int slot);

/* n with every reference to slot replaced by a copy of by, simplified. */
struct enode *enode_subst(const struct enode *n, int slot,
    const struct enode *by);

/* 1 if n is a constant (value in *value if not NULL), else 0. */
int enode_is_const(const struct enode *n, double *value);

/* 1 if n references slot, else 0. */
int enode_uses(const struct enode *n, int slot);

/* Number of nodes in n. */
long enode_size(const struct enode *n);

/* Call fn(ctx, slot) once for each slot referenced by n (repeats allowed). */
void enode_foreach_slot(const struct enode *n, void (*fn)(void *, int),
    void *ctx);

/* A compiled expression: a flat stack-machine program. */
struct tape;

struct tape *tape_compile(const struct enode *n);
void tape_free(struct tape *t);

/* Evaluate with slot values v.  Math errors give inf or nan as in C. */
double tape_eval(const struct tape *t, const double *v);

#endif
