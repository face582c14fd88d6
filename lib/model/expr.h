/*
 * expr.h - arithmetic expressions of model files: parse, differentiate,
 * compile to a flat tape or program, evaluate.
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
 * Ownership: every function returning struct enode *, struct tape * or
 * struct prog * returns a new object owned by the caller (enode_free,
 * tape_free, prog_free); a finished tape or program is read-only and may
 * be run by several threads at once, each with its own v.
 * Argument trees are never modified or taken over.
 */
#ifndef TWIN_EXPR_H
#define TWIN_EXPR_H

#include <stdio.h>

#include "util/err.h"

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

/* 1 if n is a single slot reference (the slot in *slot if not NULL). */
int enode_is_slot(const struct enode *n, int *slot);

/* a + b and a * b, simplified; they take over a and b (freed on
 * failure) and give NULL if either is NULL or memory runs out. */
struct enode *enode_add(struct enode *a, struct enode *b);
struct enode *enode_mul(struct enode *a, struct enode *b);

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

/*
 * A program: statements run in order, each assigning one expression to a
 * slot, v[dst] = n (out 0), or to an element of a result array,
 * out[dst] = n (out 1), compiled into one flat tape.  A later statement
 * reads what an earlier one stored.  Identical subtrees computed more than
 * once (within a statement or across statements) are computed once and
 * kept in temporary slots v[tmp0 ...  tmp0 + prog_ntemp() - 1], which the
 * caller reserves beside its own slots; conditionals stay lazy.
 */
struct prog_stmt {
	const struct enode *n;
	int dst;
	int out;
};

struct prog;

/* Compile n statements (the trees are not taken over); NULL if out of
 * memory or a statement has no tree or a negative dst. */
struct prog *prog_compile(const struct prog_stmt *st, int n, int tmp0);
void prog_free(struct prog *p);
/* Temporary slots it uses, and its length in instructions. */
int prog_ntemp(const struct prog *p);
long prog_len(const struct prog *p);
/* Run p: slots are read from and stored into v, results into out (may
 * be NULL when no statement has out set). */
void prog_eval(const struct prog *p, double *v, double *out);

/*
 * C source that does what prog_eval does, to the bit: prog_c_prelude
 * once, then for each program the function void name(double *v, double
 * *out), written to f.  Returns 0, or -1 if f could not be written or
 * memory ran out.
 */
extern const char prog_c_prelude[];
int prog_emit_c(const struct prog *p, const char *name, FILE *f);

#endif
