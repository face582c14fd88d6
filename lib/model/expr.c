/*
 * expr.c - arithmetic expressions: a recursive-descent parser building a
 * tree, symbolic differentiation and substitution on trees, and a compiler
 * from trees to a flat stack-machine tape, or from a list of statements to
 * one program (a tape whose statements store into slots, sharing common
 * subexpressions through temporary slots).
 *
 * Every tree node is built by mk(), which simplifies as it goes (constant
 * folding, 0 and 1 absorbed), so parse, diff and subst all give trees that
 * are already simplified.  That is what keeps Jacobians sparse: a
 * derivative that is zero comes out as the single constant 0.
 *
 * Evaluation order of operands on the tape follows Sethi-Ullman numbering
 * (the operand needing the deeper stack goes first), so the stack a tree
 * needs grows with the logarithm of its size, never with its height, and
 * a small fixed stack in tape_eval is enough for any tree.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/expr.h"

/*
 * Recursion over trees is bounded by their height; the caps keep it well
 * inside a thread's stack.  Parsed trees get a lower cap so that their
 * derivatives (which can be a few times taller) still fit under the
 * absolute one.
 */
#define ENODE_MAXHEIGHT	4000
#define PARSE_MAXHEIGHT	1000
/* Recursion depth of the parser itself: about 3 per parenthesis. */
#define PARSE_MAXNEST	300
/* Sethi-Ullman order makes 64 enough for any tree that fits in memory. */
#define TAPE_STACK	64

#define LN10	2.302585092994045684017991454684364208

/*
 * Operators.  The first group are both tree nodes and tape instructions
 * (a tree operator compiles to the instruction of the same number); the
 * last group exist only on tapes.
 */
enum {
	OP_CONST,		/* tape: push k */
	OP_SLOT,		/* tape: push v[arg] */
	OP_NEG, OP_NOT, OP_EXP, OP_LOG, OP_LOG10, OP_SQRT, OP_ABS, OP_TANH,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW,
	OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR,
	OP_MIN, OP_MAX,
	OP_COND,		/* tree only: compiles to jumps */
	/* operands pushed in reverse order: top is the left one */
	OP_RSUB, OP_RDIV, OP_RPOW, OP_RMIN, OP_RMAX,
	/* one operand inline: K a constant, V a slot; KSUB is k - top */
	OP_ADDK, OP_ADDV, OP_SUBK, OP_SUBV, OP_KSUB, OP_VSUB,
	OP_MULK, OP_MULV, OP_DIVK, OP_DIVV, OP_KDIV, OP_VDIV,
	OP_POWK, OP_SQR,
	OP_JZ,			/* pop; jump to arg if zero */
	OP_JMP,			/* jump to arg */
	OP_STORE,		/* program: pop into v[arg] */
	OP_TEE,			/* program: copy the top into v[arg] */
	OP_OUT,			/* program: pop into out[arg] */
	OP_END,
	OP_NUM
};

static const unsigned char arity[OP_NUM] = {
	[OP_NEG] = 1, [OP_NOT] = 1, [OP_EXP] = 1, [OP_LOG] = 1,
	[OP_LOG10] = 1, [OP_SQRT] = 1, [OP_ABS] = 1, [OP_TANH] = 1,
	[OP_ADD] = 2, [OP_SUB] = 2, [OP_MUL] = 2, [OP_DIV] = 2, [OP_POW] = 2,
	[OP_LT] = 2, [OP_LE] = 2, [OP_GT] = 2, [OP_GE] = 2, [OP_EQ] = 2,
	[OP_NE] = 2, [OP_AND] = 2, [OP_OR] = 2, [OP_MIN] = 2, [OP_MAX] = 2,
	[OP_COND] = 3,
};

/* The instruction for a binary operator whose operands are swapped. */
static const unsigned char swapped[OP_NUM] = {
	[OP_ADD] = OP_ADD, [OP_SUB] = OP_RSUB, [OP_MUL] = OP_MUL,
	[OP_DIV] = OP_RDIV, [OP_POW] = OP_RPOW,
	[OP_LT] = OP_GT, [OP_LE] = OP_GE, [OP_GT] = OP_LT, [OP_GE] = OP_LE,
	[OP_EQ] = OP_EQ, [OP_NE] = OP_NE, [OP_AND] = OP_AND, [OP_OR] = OP_OR,
	[OP_MIN] = OP_RMIN, [OP_MAX] = OP_RMAX,
};

/*
 * Instructions taking one operand inline, by operator and by which side
 * the leaf is on; 0 (OP_CONST) when there is none.  They save a push and
 * a dispatch on the commonest shapes (k*x, x/V, 1 - x).
 */
static const unsigned char right_k[OP_NUM] = {
	[OP_ADD] = OP_ADDK, [OP_SUB] = OP_SUBK, [OP_MUL] = OP_MULK,
	[OP_DIV] = OP_DIVK, [OP_POW] = OP_POWK,
};
static const unsigned char right_v[OP_NUM] = {
	[OP_ADD] = OP_ADDV, [OP_SUB] = OP_SUBV, [OP_MUL] = OP_MULV,
	[OP_DIV] = OP_DIVV,
};
static const unsigned char left_k[OP_NUM] = {
	[OP_ADD] = OP_ADDK, [OP_SUB] = OP_KSUB, [OP_MUL] = OP_MULK,
	[OP_DIV] = OP_KDIV,
};
static const unsigned char left_v[OP_NUM] = {
	[OP_ADD] = OP_ADDV, [OP_SUB] = OP_VSUB, [OP_MUL] = OP_MULV,
	[OP_DIV] = OP_VDIV,
};

struct enode {
	int op;
	int slot;		/* OP_SLOT */
	double value;		/* OP_CONST */
	struct enode *kid[3];
	int height;		/* 1 for a leaf */
	int need;		/* stack depth the compiled tree needs */
	uint64_t hash;		/* of the structure: same() trees hash alike */
};

struct insn {
	int op;
	int arg;		/* slot or jump target */
	double k;
};

struct tape {
	size_t len;
	struct insn code[];
};

/*
 * The semantics of the operators that are more than one C operator,
 * shared by constant folding and tape_eval so both give the same bits.
 */
static double
truth(int c)
{
	return c ? 1.0 : 0.0;
}

static double
epow(double a, double b)
{
	/* x^2 is everywhere in models; a*a is exact and much faster. */
	if (b == 2)
		return a * a;
	return pow(a, b);
}

/* As the derivative rule a <= b ? da : db, so value and slope agree. */
static double
emin(double a, double b)
{
	return a <= b ? a : b;
}

static double
emax(double a, double b)
{
	return a >= b ? a : b;
}

static double
fold(int op, double a, double b)
{
	switch (op) {
	case OP_NEG:
		return -a;
	case OP_NOT:
		return truth(a == 0);
	case OP_EXP:
		return exp(a);
	case OP_LOG:
		return log(a);
	case OP_LOG10:
		return log10(a);
	case OP_SQRT:
		return sqrt(a);
	case OP_ABS:
		return fabs(a);
	case OP_TANH:
		return tanh(a);
	case OP_ADD:
		return a + b;
	case OP_SUB:
		return a - b;
	case OP_MUL:
		return a * b;
	case OP_DIV:
		return a / b;
	case OP_POW:
		return epow(a, b);
	case OP_LT:
		return truth(a < b);
	case OP_LE:
		return truth(a <= b);
	case OP_GT:
		return truth(a > b);
	case OP_GE:
		return truth(a >= b);
	case OP_EQ:
		return truth(a == b);
	case OP_NE:
		return truth(a != b);
	case OP_AND:
		return truth(a != 0 && b != 0);
	case OP_OR:
		return truth(a != 0 || b != 0);
	case OP_MIN:
		return emin(a, b);
	case OP_MAX:
		return emax(a, b);
	}
	return NAN;
}

static int
is_value(const struct enode *n, double v)
{
	return n->op == OP_CONST && n->value == v;
}

/* Which inline instruction, if any, compiles op(a, b). */
static int
right_imm(int op, const struct enode *b)
{
	if (b->op == OP_CONST)
		return right_k[op];
	if (b->op == OP_SLOT)
		return right_v[op];
	return 0;
}

static int
left_imm(int op, const struct enode *a)
{
	if (a->op == OP_CONST)
		return left_k[op];
	if (a->op == OP_SLOT)
		return left_v[op];
	return 0;
}

/* Structural hash of a node from its kids' hashes (FNV-1a style mix). */
static uint64_t
hash_of(int op, int slot, double value, struct enode *const *kid)
{
	uint64_t h = 1469598103934665603u, x;
	int i;

	h = (h ^ (uint64_t)op) * 1099511628211u;
	if (op == OP_CONST) {
		memcpy(&x, &value, sizeof(x));
		h = (h ^ x) * 1099511628211u;
	} else if (op == OP_SLOT)
		h = (h ^ (uint64_t)(unsigned)slot) * 1099511628211u;
	for (i = 0; kid != NULL && i < arity[op]; i++) {
		h = (h ^ kid[i]->hash) * 1099511628211u;
		h ^= h >> 29;
	}
	return h;
}

static int
imax(int a, int b)
{
	return a > b ? a : b;
}

/* Stack depth for op over its kids, as gen() will emit it. */
static int
need_of(int op, struct enode *const *kid)
{
	int na, nb;

	switch (arity[op]) {
	case 0:
		return 1;
	case 1:
		return kid[0]->need;
	case 3:
		return imax(kid[0]->need, imax(kid[1]->need, kid[2]->need));
	}
	if (right_imm(op, kid[1]) || left_imm(op, kid[0]))
		return right_imm(op, kid[1]) ? kid[0]->need : kid[1]->need;
	na = kid[0]->need;
	nb = kid[1]->need;
	return na == nb ? na + 1 : imax(na, nb);
}

void
enode_free(struct enode *n)
{
	int i;

	if (n == NULL)
		return;
	for (i = 0; i < 3; i++)
		enode_free(n->kid[i]);
	free(n);
}

static struct enode *
leaf(int op, int slot, double value)
{
	struct enode *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->op = op;
	n->slot = slot;
	n->value = value;
	n->height = 1;
	n->need = 1;
	n->hash = hash_of(op, slot, value, NULL);
	return n;
}

struct enode *
enode_const(double value)
{
	return leaf(OP_CONST, 0, value);
}

struct enode *
enode_slot(int slot)
{
	if (slot < 0)
		return NULL;
	return leaf(OP_SLOT, slot, 0);
}

struct enode *
enode_copy(const struct enode *n)
{
	struct enode *c;
	int i;

	if (n == NULL)
		return NULL;
	if ((c = malloc(sizeof(*c))) == NULL)
		return NULL;
	*c = *n;
	for (i = 0; i < 3; i++)
		c->kid[i] = NULL;
	for (i = 0; i < arity[n->op]; i++)
		if ((c->kid[i] = enode_copy(n->kid[i])) == NULL) {
			enode_free(c);
			return NULL;
		}
	return c;
}

/* Structural equality; constants compare by bits so -0 is not 0. */
static int
same(const struct enode *a, const struct enode *b)
{
	int i;

	if (a->op != b->op || a->height != b->height || a->hash != b->hash)
		return 0;
	if (a->op == OP_CONST)
		return memcmp(&a->value, &b->value, sizeof(a->value)) == 0;
	if (a->op == OP_SLOT)
		return a->slot == b->slot;
	for (i = 0; i < arity[a->op]; i++)
		if (!same(a->kid[i], b->kid[i]))
			return 0;
	return 1;
}

/* Give constant node n the value x (rehashed). */
static void
setk(struct enode *n, double x)
{
	n->value = x;
	n->hash = hash_of(OP_CONST, 0, x, NULL);
}

/* Return n, freeing the other two; a tiny helper for mk's rewrites. */
static struct enode *
keep(struct enode *n, struct enode *x, struct enode *y)
{
	enode_free(x);
	enode_free(y);
	return n;
}

/* The zero of x*0 and 0/x: plain 0, even if it was written -0. */
static struct enode *
zero(struct enode *z, struct enode *other)
{
	setk(z, 0);
	return keep(z, other, NULL);
}

/*
 * Rewrite op(a, b) by the algebraic identities, or return NULL (having
 * touched nothing) when none applies.
 */
static struct enode *
identity(int op, struct enode *a, struct enode *b)
{
	switch (op) {
	case OP_NEG:
		if (a->op == OP_NEG) {
			struct enode *x = a->kid[0];

			a->kid[0] = NULL;
			return keep(x, a, NULL);
		}
		break;
	case OP_ADD:
		if (is_value(b, 0))
			return keep(a, b, NULL);
		if (is_value(a, 0))
			return keep(b, a, NULL);
		break;
	case OP_SUB:
		if (is_value(b, 0))
			return keep(a, b, NULL);
		break;
	case OP_MUL:
		if (is_value(a, 0))
			return zero(a, b);
		if (is_value(b, 0))
			return zero(b, a);
		if (is_value(b, 1))
			return keep(a, b, NULL);
		if (is_value(a, 1))
			return keep(b, a, NULL);
		break;
	case OP_DIV:
		if (is_value(b, 1))
			return keep(a, b, NULL);
		if (is_value(a, 0))
			return zero(a, b);
		break;
	case OP_POW:
		if (is_value(b, 1))
			return keep(a, b, NULL);
		if (is_value(b, 0)) {
			setk(b, 1);
			return keep(b, a, NULL);
		}
		break;
	}
	return NULL;
}

/*
 * The smart constructor: op over kids a, b, c (as many as op takes, the
 * rest NULL), simplified.  It takes over the kids whatever happens, and
 * a NULL kid (a failure further down) makes it fail, so calls nest:
 * mk(OP_MUL, enode_copy(x), diff(y, s), NULL).
 */
static struct enode *
mk(int op, struct enode *a, struct enode *b, struct enode *c)
{
	struct enode *n, *kid[3] = { a, b, c };
	int i, nk = arity[op], h = 0;

	for (i = 0; i < nk; i++)
		if (kid[i] == NULL)
			goto fail;
	if (op == OP_COND) {
		if (a->op == OP_CONST)
			return a->value != 0 ? keep(b, a, c) : keep(c, a, b);
		/* c ? 0 : 0 is 0: derivatives of switches stay sparse */
		if (same(b, c))
			return keep(b, a, c);
	} else if (a->op == OP_CONST && (nk == 1 || b->op == OP_CONST)) {
		setk(a, fold(op, a->value, nk == 2 ? b->value : 0));
		return keep(a, b, NULL);
	} else if (op == OP_SUB && is_value(a, 0)) {
		enode_free(a);
		return mk(OP_NEG, b, NULL, NULL);
	} else if ((n = identity(op, a, b)) != NULL)
		return n;

	for (i = 0; i < nk; i++)
		h = imax(h, kid[i]->height);
	if (h + 1 > ENODE_MAXHEIGHT)
		goto fail;
	if ((n = malloc(sizeof(*n))) == NULL)
		goto fail;
	n->op = op;
	n->slot = 0;
	n->value = 0;
	for (i = 0; i < 3; i++)
		n->kid[i] = kid[i];
	n->height = h + 1;
	n->need = need_of(op, kid);
	n->hash = hash_of(op, 0, 0, kid);
	return n;
fail:
	for (i = 0; i < 3; i++)
		enode_free(kid[i]);
	return NULL;
}

static struct enode *
mk1(int op, struct enode *a)
{
	return mk(op, a, NULL, NULL);
}

static struct enode *
mk2(int op, struct enode *a, struct enode *b)
{
	return mk(op, a, b, NULL);
}

int
enode_is_const(const struct enode *n, double *value)
{
	if (n == NULL || n->op != OP_CONST)
		return 0;
	if (value != NULL)
		*value = n->value;
	return 1;
}

int
enode_is_slot(const struct enode *n, int *slot)
{
	if (n == NULL || n->op != OP_SLOT)
		return 0;
	if (slot != NULL)
		*slot = n->slot;
	return 1;
}

struct enode *
enode_add(struct enode *a, struct enode *b)
{
	return mk2(OP_ADD, a, b);
}

struct enode *
enode_mul(struct enode *a, struct enode *b)
{
	return mk2(OP_MUL, a, b);
}

int
enode_uses(const struct enode *n, int slot)
{
	int i;

	if (n == NULL)
		return 0;
	if (n->op == OP_SLOT)
		return n->slot == slot;
	for (i = 0; i < arity[n->op]; i++)
		if (enode_uses(n->kid[i], slot))
			return 1;
	return 0;
}

long
enode_size(const struct enode *n)
{
	long k = 1;
	int i;

	if (n == NULL)
		return 0;
	for (i = 0; i < arity[n->op]; i++)
		k += enode_size(n->kid[i]);
	return k;
}

void
enode_foreach_slot(const struct enode *n, void (*fn)(void *, int),
    void *ctx)
{
	int i;

	if (n == NULL)
		return;
	if (n->op == OP_SLOT)
		fn(ctx, n->slot);
	for (i = 0; i < arity[n->op]; i++)
		enode_foreach_slot(n->kid[i], fn, ctx);
}

static struct enode *
cnum(double v)
{
	return enode_const(v);
}

static struct enode *
cp(const struct enode *n)
{
	return enode_copy(n);
}

static struct enode *
diff(const struct enode *n, int s)
{
	const struct enode *a = n->kid[0], *b = n->kid[1], *c = n->kid[2];

	/* Also saves building and folding away copies of dead subtrees. */
	if (!enode_uses(n, s))
		return cnum(0);
	switch (n->op) {
	case OP_SLOT:
		return cnum(1);
	case OP_NEG:
		return mk1(OP_NEG, diff(a, s));
	case OP_ADD:
	case OP_SUB:
		return mk2(n->op, diff(a, s), diff(b, s));
	case OP_MUL:
		return mk2(OP_ADD, mk2(OP_MUL, diff(a, s), cp(b)),
		    mk2(OP_MUL, cp(a), diff(b, s)));
	case OP_DIV:
		/* da/b - a*db/b^2 rather than one fraction: each term
		 * vanishes on its own when da or db is 0 */
		return mk2(OP_SUB, mk2(OP_DIV, diff(a, s), cp(b)),
		    mk2(OP_DIV, mk2(OP_MUL, cp(a), diff(b, s)),
		    mk2(OP_POW, cp(b), cnum(2))));
	case OP_POW:
		/* b*a^(b-1)*da whenever b does not depend on s, not only
		 * for constant b: it needs no log(a), so it stays finite
		 * for a <= 0 (x^n with x = 0 or x < 0) */
		if (!enode_uses(b, s))
			return mk2(OP_MUL, mk2(OP_MUL, cp(b),
			    mk2(OP_POW, cp(a), mk2(OP_SUB, cp(b), cnum(1)))),
			    diff(a, s));
		return mk2(OP_MUL, cp(n), mk2(OP_ADD,
		    mk2(OP_MUL, diff(b, s), mk1(OP_LOG, cp(a))),
		    mk2(OP_DIV, mk2(OP_MUL, cp(b), diff(a, s)), cp(a))));
	case OP_COND:
		return mk(OP_COND, cp(a), diff(b, s), diff(c, s));
	case OP_EXP:
		return mk2(OP_MUL, cp(n), diff(a, s));
	case OP_LOG:
		return mk2(OP_DIV, diff(a, s), cp(a));
	case OP_LOG10:
		return mk2(OP_DIV, diff(a, s), mk2(OP_MUL, cp(a), cnum(LN10)));
	case OP_SQRT:
		return mk2(OP_DIV, diff(a, s), mk2(OP_MUL, cnum(2), cp(n)));
	case OP_ABS:
		return mk2(OP_MUL, mk(OP_COND, mk2(OP_GE, cp(a), cnum(0)),
		    cnum(1), cnum(-1)), diff(a, s));
	case OP_TANH:
		return mk2(OP_MUL, mk2(OP_SUB, cnum(1),
		    mk2(OP_POW, cp(n), cnum(2))), diff(a, s));
	case OP_MIN:
		return mk(OP_COND, mk2(OP_LE, cp(a), cp(b)), diff(a, s),
		    diff(b, s));
	case OP_MAX:
		return mk(OP_COND, mk2(OP_GE, cp(a), cp(b)), diff(a, s),
		    diff(b, s));
	}
	/* comparisons and logic are piecewise constant */
	return cnum(0);
}

struct enode *
enode_diff(const struct enode *n, int slot)
{
	if (n == NULL)
		return NULL;
	return diff(n, slot);
}

static struct enode *
subst(const struct enode *n, int slot, const struct enode *by)
{
	int i;
	struct enode *kid[3] = { NULL, NULL, NULL };

	if (n->op == OP_SLOT && n->slot == slot)
		return enode_copy(by);
	/* Untouched subtrees are already simplified: copy, do not rebuild. */
	if (!enode_uses(n, slot))
		return enode_copy(n);
	for (i = 0; i < arity[n->op]; i++)
		if ((kid[i] = subst(n->kid[i], slot, by)) == NULL) {
			while (i-- > 0)
				enode_free(kid[i]);
			return NULL;
		}
	return mk(n->op, kid[0], kid[1], kid[2]);
}

struct enode *
enode_subst(const struct enode *n, int slot, const struct enode *by)
{
	if (n == NULL || by == NULL)
		return NULL;
	return subst(n, slot, by);
}

/*
 * The parser.  Each function parses one level of the grammar in expr.h.
 * An error is reported once, where it is found (fail() sets the column),
 * and the callers just pass the NULL up, freeing what they hold.
 */
struct parser {
	const char *src;
	const char *p;
	expr_lookup_fn lookup;
	void *ctx;
	int nest;
	int *errcol;
	struct twin_err *err;
};

struct func {
	const char *name;
	int op;
	int nargs;
};

static const struct func funcs[] = {
	{ "exp", OP_EXP, 1 },
	{ "log", OP_LOG, 1 },
	{ "log10", OP_LOG10, 1 },
	{ "sqrt", OP_SQRT, 1 },
	{ "abs", OP_ABS, 1 },
	{ "tanh", OP_TANH, 1 },
	{ "pow", OP_POW, 2 },
	{ "min", OP_MIN, 2 },
	{ "max", OP_MAX, 2 },
	{ "if", OP_COND, 3 },
};

static struct enode *parse_cond(struct parser *);
static struct enode *parse_not(struct parser *);
static struct enode *parse_unary(struct parser *);

/* Own classes rather than <ctype.h>: the grammar is ASCII whatever the
 * locale, and these take any char without the negative-value trap. */
static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_name0(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_name1(char c)
{
	return is_name0(c) || is_digit(c);
}

static struct enode *
fail(struct parser *ps, const char *at)
{
	if (ps->errcol != NULL)
		*ps->errcol = (int)(at - ps->src);
	return NULL;
}

static void
skipws(struct parser *ps)
{
	while (*ps->p != '\0' && strchr(" \t\n\r\f\v", *ps->p) != NULL)
		ps->p++;
}

/*
 * Skip blanks, then consume op if it is next (and is not the start of a
 * longer operator: next is the char that must not follow).  Word
 * operators must end at a name boundary, so "order" is not "or".
 */
static int
accept(struct parser *ps, const char *op, char next)
{
	size_t len = strlen(op);

	skipws(ps);
	if (strncmp(ps->p, op, len) != 0)
		return 0;
	if (next != '\0' && ps->p[len] == next)
		return 0;
	if (is_name0(op[0]) && is_name1(ps->p[len]))
		return 0;
	ps->p += len;
	return 1;
}

/* Count nodes of the parse tree as well as parser recursion: a long
 * chain like 1+x+x+...+x is tall without any nesting. */
static struct enode *
pnode(struct parser *ps, const char *at, int op, struct enode *a,
    struct enode *b, struct enode *c)
{
	struct enode *kid[3] = { a, b, c }, *n;
	int i, h = 0;

	for (i = 0; i < arity[op]; i++)
		h = imax(h, kid[i]->height);
	if (h + 1 > PARSE_MAXHEIGHT) {
		enode_free(a);
		enode_free(b);
		enode_free(c);
		twin_error(ps->err, "expression nested too deeply");
		return fail(ps, at);
	}
	if ((n = mk(op, a, b, c)) == NULL) {
		twin_nomem(ps->err);
		return fail(ps, at);
	}
	return n;
}

static struct enode *
nested(struct parser *ps, struct enode *(*fn)(struct parser *))
{
	struct enode *n;

	if (ps->nest >= PARSE_MAXNEST) {
		skipws(ps);
		twin_error(ps->err, "expression nested too deeply");
		return fail(ps, ps->p);
	}
	ps->nest++;
	n = fn(ps);
	ps->nest--;
	return n;
}

static struct enode *
parse_number(struct parser *ps)
{
	const char *at = ps->p, *q = at;
	struct enode *n;
	char *end;
	double v;

	/* Scan by the grammar first: strtod alone would also take hex,
	 * which must stay an error, not become a value. */
	while (is_digit(*q))
		q++;
	if (*q == '.')
		for (q++; is_digit(*q); q++)
			;
	if ((*q == 'e' || *q == 'E') && (is_digit(q[1]) ||
	    ((q[1] == '+' || q[1] == '-') && is_digit(q[2]))))
		for (q += 2; is_digit(*q); q++)
			;
	errno = 0;
	v = strtod(at, &end);
	if (end != q) {
		/* hex, or a locale whose decimal point is not '.' */
		twin_error(ps->err, "malformed number \"%.*s\"",
		    (int)((end > q ? end : q) - at), at);
		return fail(ps, at);
	}
	if (errno == ERANGE && isinf(v)) {
		twin_error(ps->err, "number out of range \"%.*s\"",
		    (int)(q - at), at);
		return fail(ps, at);
	}
	ps->p = q;
	if ((n = enode_const(v)) == NULL) {
		twin_nomem(ps->err);
		return fail(ps, at);
	}
	return n;
}

static struct enode *
parse_call(struct parser *ps, const char *name, int len)
{
	const struct func *f = NULL;
	struct enode *arg[3] = { NULL, NULL, NULL };
	size_t i;
	int nargs = 0;

	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if ((int)strlen(funcs[i].name) == len &&
		    strncmp(funcs[i].name, name, (size_t)len) == 0)
			f = &funcs[i];
	if (f == NULL) {
		twin_error(ps->err, "unknown function \"%.*s\"", len, name);
		return fail(ps, name);
	}
	ps->p++;	/* the '(' */
	if (!accept(ps, ")", '\0'))
		for (;;) {
			if (nargs == f->nargs)
				goto arity;
			if ((arg[nargs] = parse_cond(ps)) == NULL)
				goto bad;
			nargs++;
			if (accept(ps, ")", '\0'))
				break;
			if (!accept(ps, ",", '\0')) {
				skipws(ps);
				twin_error(ps->err, "expected %s",
				    nargs < f->nargs ? "',' or ')'" : "')'");
				fail(ps, ps->p);
				goto bad;
			}
		}
	if (nargs != f->nargs)
		goto arity;
	return pnode(ps, name, f->op, arg[0], arg[1], arg[2]);
arity:
	twin_error(ps->err, "function %s takes %d argument%s", f->name,
	    f->nargs, f->nargs == 1 ? "" : "s");
	fail(ps, name);
bad:
	for (i = 0; i < 3; i++)
		enode_free(arg[i]);
	return NULL;
}

static struct enode *
parse_name(struct parser *ps)
{
	const char *name = ps->p;
	struct enode *n;
	int len, slot;

	while (is_name1(*ps->p))
		ps->p++;
	if (ps->p - name > INT_MAX / 2) {
		twin_error(ps->err, "name too long");
		return fail(ps, name);
	}
	len = (int)(ps->p - name);
	if ((len == 2 && strncmp(name, "or", 2) == 0) ||
	    (len == 3 && (strncmp(name, "and", 3) == 0 ||
	    strncmp(name, "not", 3) == 0))) {
		twin_error(ps->err, "missing operand");
		return fail(ps, name);
	}
	skipws(ps);
	if (*ps->p == '(')
		return parse_call(ps, name, len);
	slot = ps->lookup == NULL ? -1 : ps->lookup(ps->ctx, name, len);
	if (slot < 0) {
		twin_errork(ps->err, TWIN_EUNKNOWN,
		    "unknown name \"%.*s\"", len, name);
		return fail(ps, name);
	}
	if ((n = enode_slot(slot)) == NULL) {
		twin_nomem(ps->err);
		return fail(ps, name);
	}
	return n;
}

static struct enode *
parse_atom(struct parser *ps)
{
	struct enode *n;

	skipws(ps);
	if (is_digit(*ps->p) || (*ps->p == '.' && is_digit(ps->p[1])))
		return parse_number(ps);
	if (is_name0(*ps->p))
		return parse_name(ps);
	if (*ps->p != '(') {
		twin_error(ps->err, "missing operand");
		return fail(ps, ps->p);
	}
	ps->p++;
	if ((n = parse_cond(ps)) == NULL)
		return NULL;
	if (!accept(ps, ")", '\0')) {
		enode_free(n);
		twin_error(ps->err, "expected ')'");
		return fail(ps, ps->p);
	}
	return n;
}

static struct enode *
parse_pow(struct parser *ps)
{
	struct enode *a, *b;
	const char *at;

	if ((a = parse_atom(ps)) == NULL)
		return NULL;
	skipws(ps);
	at = ps->p;
	if (!accept(ps, "^", '\0') && !accept(ps, "**", '\0'))
		return a;
	/* the exponent is a unary: 2^-1, and 2^3^2 = 2^(3^2) */
	if ((b = parse_unary(ps)) == NULL) {
		enode_free(a);
		return NULL;
	}
	return pnode(ps, at, OP_POW, a, b, NULL);
}

static struct enode *
unary_body(struct parser *ps)
{
	struct enode *a;
	const char *at;

	skipws(ps);
	at = ps->p;
	if (accept(ps, "+", '\0'))
		return parse_unary(ps);
	if (!accept(ps, "-", '\0'))
		return parse_pow(ps);
	if ((a = parse_unary(ps)) == NULL)
		return NULL;
	return pnode(ps, at, OP_NEG, a, NULL, NULL);
}

static struct enode *
parse_unary(struct parser *ps)
{
	return nested(ps, unary_body);
}

/* A left-associative chain: ops[i] (a string) is operator opc[i]. */
static struct enode *
chain(struct parser *ps, struct enode *(*sub)(struct parser *),
    const char *const *ops, const char *nots, const int *opc)
{
	struct enode *a;
	int i;

	if ((a = sub(ps)) == NULL)
		return NULL;
	for (;;) {
		struct enode *b;
		const char *at;

		skipws(ps);
		at = ps->p;
		for (i = 0; ops[i] != NULL; i++)
			if (accept(ps, ops[i], nots[i]))
				break;
		if (ops[i] == NULL)
			return a;
		if ((b = sub(ps)) == NULL) {
			enode_free(a);
			return NULL;
		}
		if ((a = pnode(ps, at, opc[i], a, b, NULL)) == NULL)
			return NULL;
	}
}

static struct enode *
parse_prod(struct parser *ps)
{
	static const char *const ops[] = { "*", "/", NULL };
	static const int opc[] = { OP_MUL, OP_DIV };

	return chain(ps, parse_unary, ops, "*\0", opc);
}

static struct enode *
parse_sum(struct parser *ps)
{
	static const char *const ops[] = { "+", "-", NULL };
	static const int opc[] = { OP_ADD, OP_SUB };

	return chain(ps, parse_prod, ops, "\0\0", opc);
}

static struct enode *
parse_cmp(struct parser *ps)
{
	/* two-character operators first, so "<=" is not "<" then "=" */
	static const char *const ops[] = {
		"<=", ">=", "==", "!=", "<", ">", NULL
	};
	static const int opc[] = {
		OP_LE, OP_GE, OP_EQ, OP_NE, OP_LT, OP_GT
	};
	struct enode *a, *b;
	const char *at;
	int i;

	if ((a = parse_sum(ps)) == NULL)
		return NULL;
	skipws(ps);
	at = ps->p;
	for (i = 0; ops[i] != NULL; i++)
		if (accept(ps, ops[i], '\0'))
			break;
	if (ops[i] == NULL)
		return a;
	if ((b = parse_sum(ps)) == NULL) {
		enode_free(a);
		return NULL;
	}
	return pnode(ps, at, opc[i], a, b, NULL);
}

static struct enode *
not_body(struct parser *ps)
{
	struct enode *a;
	const char *at;

	skipws(ps);
	at = ps->p;
	if (!accept(ps, "!", '=') && !accept(ps, "not", '\0'))
		return parse_cmp(ps);
	if ((a = parse_not(ps)) == NULL)
		return NULL;
	return pnode(ps, at, OP_NOT, a, NULL, NULL);
}

static struct enode *
parse_not(struct parser *ps)
{
	return nested(ps, not_body);
}

static struct enode *
parse_and(struct parser *ps)
{
	static const char *const ops[] = { "&&", "and", NULL };
	static const int opc[] = { OP_AND, OP_AND };

	return chain(ps, parse_not, ops, "\0\0", opc);
}

static struct enode *
parse_or(struct parser *ps)
{
	static const char *const ops[] = { "||", "or", NULL };
	static const int opc[] = { OP_OR, OP_OR };

	return chain(ps, parse_and, ops, "\0\0", opc);
}

static struct enode *
cond_body(struct parser *ps)
{
	struct enode *c, *a, *b;
	const char *at;

	if ((c = parse_or(ps)) == NULL)
		return NULL;
	skipws(ps);
	at = ps->p;
	if (!accept(ps, "?", '\0'))
		return c;
	if ((a = parse_cond(ps)) == NULL) {
		enode_free(c);
		return NULL;
	}
	if (!accept(ps, ":", '\0')) {
		enode_free(c);
		enode_free(a);
		twin_error(ps->err, "expected ':'");
		return fail(ps, ps->p);
	}
	if ((b = parse_cond(ps)) == NULL) {
		enode_free(c);
		enode_free(a);
		return NULL;
	}
	return pnode(ps, at, OP_COND, c, a, b);
}

static struct enode *
parse_cond(struct parser *ps)
{
	return nested(ps, cond_body);
}

/* Complain about the token at ps->p, which should not be there. */
static struct enode *
unexpected(struct parser *ps)
{
	const char *at = ps->p, *q = at;
	unsigned char ch = (unsigned char)*at;

	if (ch == ')') {
		twin_error(ps->err, "unmatched ')'");
		return fail(ps, at);
	}
	if (ch < 0x20 || ch >= 0x7f) {
		twin_error(ps->err, "unexpected byte 0x%02x", ch);
		return fail(ps, at);
	}
	if (is_name1(*q) || *q == '.')
		while (q - at < 40 && (is_name1(*q) || *q == '.'))
			q++;
	else
		q++;
	twin_error(ps->err, "unexpected \"%.*s\"", (int)(q - at), at);
	return fail(ps, at);
}

struct enode *
expr_parse(const char *src, expr_lookup_fn lookup, void *ctx, int *errcol,
    struct twin_err *err)
{
	struct parser ps;
	struct enode *n;

	ps.src = ps.p = src == NULL ? "" : src;
	ps.lookup = lookup;
	ps.ctx = ctx;
	ps.nest = 0;
	ps.errcol = errcol;
	ps.err = err;
	/* columns are ints */
	if (strlen(ps.src) > INT_MAX / 2) {
		twin_error(err, "expression too long");
		return fail(&ps, ps.src);
	}
	skipws(&ps);
	if (*ps.p == '\0') {
		twin_error(err, "empty expression");
		return fail(&ps, ps.p);
	}
	if ((n = parse_cond(&ps)) == NULL)
		return NULL;
	skipws(&ps);
	if (*ps.p != '\0') {
		enode_free(n);
		return unexpected(&ps);
	}
	return n;
}

/*
 * The compiler.  gen() emits postfix code, and tracks the stack depth as
 * it goes; that depth, not the need field, decides whether the tape fits
 * TAPE_STACK.
 */
struct gen {
	struct insn *code;
	size_t n;
	int sp, maxsp;
	struct cse *cse;	/* programs: shared subtrees, else NULL */
	int inbranch;		/* inside a conditional's branch */
};

/*
 * Common subexpressions of a program.  A first pass counts, for every
 * distinct operator subtree (by hash and structure), the places it is
 * computed unconditionally; one already counted is not descended into
 * (its own subtrees are shared with it).  gen() then computes a subtree
 * counted twice or more once, keeps it in a temporary slot (OP_TEE) and
 * loads it where it recurs.  Subtrees in a conditional's branches are not
 * counted and never start a temporary (the branch may not run), but may
 * load one made before.
 */
struct cse_ent {
	const struct enode *n;
	int count, temp;
};

struct cse {
	struct cse_ent *tab;
	size_t cap;		/* a power of 2, at least twice the nodes */
	int tmp0, ntemp;
};

static struct cse_ent *
cse_find(struct cse *c, const struct enode *n, int insert)
{
	size_t i = (size_t)n->hash & (c->cap - 1);

	for (;; i = (i + 1) & (c->cap - 1)) {
		struct cse_ent *e = &c->tab[i];

		if (e->n == NULL) {
			if (!insert)
				return NULL;
			e->n = n;
			e->temp = -1;
			return e;
		}
		if (same(e->n, n))
			return e;
	}
}

static void
cse_count(struct cse *c, const struct enode *n)
{
	struct cse_ent *e;
	int i;

	if (arity[n->op] == 0)
		return;
	e = cse_find(c, n, 1);
	if (e->count++ > 0)
		return;
	for (i = 0; i < (n->op == OP_COND ? 1 : arity[n->op]); i++)
		cse_count(c, n->kid[i]);
}

/* Worth a temporary: more than one cheap operation on leaves. */
static int
cse_worth(const struct enode *n)
{
	switch (n->op) {
	case OP_EXP: case OP_LOG: case OP_LOG10: case OP_SQRT: case OP_TANH:
	case OP_DIV: case OP_POW:
		return 1;
	}
	return n->height >= 3;
}

static size_t
count_nodes(const struct enode *n)
{
	size_t c = 1;
	int i;

	for (i = 0; i < arity[n->op]; i++)
		c += count_nodes(n->kid[i]);
	return c;
}

static size_t
emit(struct gen *g, int op, int arg, double k, int push)
{
	struct insn *i = &g->code[g->n];

	i->op = op;
	i->arg = arg;
	i->k = k;
	g->sp += push;
	if (g->sp > g->maxsp)
		g->maxsp = g->sp;
	return g->n++;
}

static void gen(struct gen *, const struct enode *);

/* Emit op(a, b) with leaf operand b (or a when left) inline. */
static void
gen_imm(struct gen *g, int op, const struct enode *other,
    const struct enode *lf)
{
	gen(g, other);
	if (op == OP_POWK && lf->value == 2)
		op = OP_SQR;
	emit(g, op, lf->slot, lf->value, 0);
}

static void gen_node(struct gen *, const struct enode *);

static void
gen(struct gen *g, const struct enode *n)
{
	struct cse_ent *e;

	if (g->cse == NULL || arity[n->op] == 0 || !cse_worth(n) ||
	    (e = cse_find(g->cse, n, 0)) == NULL || e->count < 2) {
		gen_node(g, n);
		return;
	}
	if (e->temp >= 0) {
		emit(g, OP_SLOT, e->temp, 0, 1);
		return;
	}
	gen_node(g, n);
	if (g->inbranch == 0) {
		e->temp = g->cse->tmp0 + g->cse->ntemp++;
		emit(g, OP_TEE, e->temp, 0, 0);
	}
}

static void
gen_node(struct gen *g, const struct enode *n)
{
	const struct enode *a = n->kid[0], *b = n->kid[1];
	size_t jz, jmp;
	int op;

	switch (arity[n->op]) {
	case 0:
		emit(g, n->op, n->slot, n->value, 1);
		return;
	case 1:
		gen(g, a);
		emit(g, n->op, 0, 0, 0);
		return;
	case 3:
		/* lazy: only the branch taken runs, and both branches
		 * start from the same depth */
		gen(g, a);
		jz = emit(g, OP_JZ, 0, 0, -1);
		g->inbranch++;
		gen(g, b);
		jmp = emit(g, OP_JMP, 0, 0, -1);
		g->code[jz].arg = (int)g->n;
		gen(g, n->kid[2]);
		g->inbranch--;
		g->code[jmp].arg = (int)g->n;
		return;
	}
	if ((op = right_imm(n->op, b)) != 0) {
		gen_imm(g, op, a, b);
		return;
	}
	if ((op = left_imm(n->op, a)) != 0) {
		gen_imm(g, op, b, a);
		return;
	}
	if (a->need >= b->need) {
		gen(g, a);
		gen(g, b);
		op = n->op;
	} else {
		gen(g, b);
		gen(g, a);
		op = swapped[n->op];
	}
	emit(g, op, 0, 0, -1);
}

struct tape *
tape_compile(const struct enode *n)
{
	struct tape *t, *small;
	struct gen g;
	size_t max;

	if (n == NULL)
		return NULL;
	/* one instruction per node, a second for a conditional, an END */
	max = 2 * count_nodes(n) + 1;
	if (max > INT_MAX ||
	    (t = malloc(sizeof(*t) + max * sizeof(t->code[0]))) == NULL)
		return NULL;
	memset(&g, 0, sizeof(g));
	g.code = t->code;
	gen(&g, n);
	emit(&g, OP_END, 0, 0, 0);
	if (g.maxsp > TAPE_STACK || g.sp != 1) {
		free(t);
		return NULL;
	}
	t->len = g.n;
	/* give back the slack; keeping it is harmless if realloc fails */
	if ((small = realloc(t, sizeof(*t) + g.n * sizeof(t->code[0]))) != NULL)
		t = small;
	return t;
}

void
tape_free(struct tape *t)
{
	free(t);
}

struct prog {
	size_t len;
	int ntemp;
	struct insn *code;
};

struct prog *
prog_compile(const struct prog_stmt *st, int n, int tmp0)
{
	struct prog *p = NULL;
	struct cse c;
	struct gen g;
	size_t max = 1, nodes = 0;
	int i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		if (st[i].n == NULL || st[i].dst < 0)
			return NULL;
		nodes += count_nodes(st[i].n);
	}
	/* a node gives at most two instructions and a TEE; each statement
	 * a store; then the END */
	max += 3 * nodes + n;
	if (max > INT_MAX / 2)
		return NULL;
	for (c.cap = 16; c.cap < 2 * nodes; c.cap *= 2)
		;
	c.tmp0 = tmp0;
	memset(&g, 0, sizeof(g));
	g.cse = &c;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (g.code = malloc(max * sizeof(*g.code))) == NULL ||
	    (c.tab = calloc(c.cap, sizeof(*c.tab))) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		cse_count(&c, st[i].n);
	for (i = 0; i < n; i++) {
		gen(&g, st[i].n);
		emit(&g, st[i].out ? OP_OUT : OP_STORE, st[i].dst, 0, -1);
		if (g.sp != 0)
			goto fail;
	}
	emit(&g, OP_END, 0, 0, 0);
	if (g.maxsp > TAPE_STACK)
		goto fail;
	free(c.tab);
	p->code = g.code;
	p->len = g.n;
	p->ntemp = c.ntemp;
	return p;
fail:
	free(c.tab);
	free(g.code);
	free(p);
	return NULL;
}

int
prog_ntemp(const struct prog *p)
{
	return p == NULL ? 0 : p->ntemp;
}

long
prog_len(const struct prog *p)
{
	return p == NULL ? 0 : (long)p->len;
}

void
prog_free(struct prog *p)
{
	if (p == NULL)
		return;
	free(p->code);
	free(p);
}

/*
 * The interpreter of tapes and programs: run code from pc, loads reading
 * v, up to the end of a statement: OP_STORE writes w (the same vector as
 * v for a program, NULL for a tape), OP_OUT writes out, and either returns
 * the next instruction; OP_END puts the top of the stack (if any) in *res
 * and returns NULL.  A program runs as one call per statement: measured,
 * that is twice as fast as one loop through all of it (the dispatch of a
 * long run predicts worse), and as fast as separate tapes.
 */
static const struct insn *
run(const struct insn *pc, const struct insn *code, const double *v,
    double *w, double *out, double *res)
{
	double stack[TAPE_STACK];
	double *sp = stack;	/* next free entry */
	double x;

	for (;; pc++) {
		switch (pc->op) {
		case OP_CONST:
			*sp++ = pc->k;
			break;
		case OP_SLOT:
			*sp++ = v[pc->arg];
			break;
		case OP_NEG:
			sp[-1] = -sp[-1];
			break;
		case OP_NOT:
			sp[-1] = truth(sp[-1] == 0);
			break;
		case OP_EXP:
			sp[-1] = exp(sp[-1]);
			break;
		case OP_LOG:
			sp[-1] = log(sp[-1]);
			break;
		case OP_LOG10:
			sp[-1] = log10(sp[-1]);
			break;
		case OP_SQRT:
			sp[-1] = sqrt(sp[-1]);
			break;
		case OP_ABS:
			sp[-1] = fabs(sp[-1]);
			break;
		case OP_TANH:
			sp[-1] = tanh(sp[-1]);
			break;
		case OP_ADD:
			sp--;
			sp[-1] += sp[0];
			break;
		case OP_SUB:
			sp--;
			sp[-1] -= sp[0];
			break;
		case OP_RSUB:
			sp--;
			sp[-1] = sp[0] - sp[-1];
			break;
		case OP_MUL:
			sp--;
			sp[-1] *= sp[0];
			break;
		case OP_DIV:
			sp--;
			sp[-1] /= sp[0];
			break;
		case OP_RDIV:
			sp--;
			sp[-1] = sp[0] / sp[-1];
			break;
		case OP_POW:
			sp--;
			sp[-1] = epow(sp[-1], sp[0]);
			break;
		case OP_RPOW:
			sp--;
			sp[-1] = epow(sp[0], sp[-1]);
			break;
		case OP_LT:
			sp--;
			sp[-1] = truth(sp[-1] < sp[0]);
			break;
		case OP_LE:
			sp--;
			sp[-1] = truth(sp[-1] <= sp[0]);
			break;
		case OP_GT:
			sp--;
			sp[-1] = truth(sp[-1] > sp[0]);
			break;
		case OP_GE:
			sp--;
			sp[-1] = truth(sp[-1] >= sp[0]);
			break;
		case OP_EQ:
			sp--;
			sp[-1] = truth(sp[-1] == sp[0]);
			break;
		case OP_NE:
			sp--;
			sp[-1] = truth(sp[-1] != sp[0]);
			break;
		case OP_AND:
			sp--;
			sp[-1] = truth(sp[-1] != 0 && sp[0] != 0);
			break;
		case OP_OR:
			sp--;
			sp[-1] = truth(sp[-1] != 0 || sp[0] != 0);
			break;
		case OP_MIN:
			sp--;
			sp[-1] = emin(sp[-1], sp[0]);
			break;
		case OP_RMIN:
			sp--;
			sp[-1] = emin(sp[0], sp[-1]);
			break;
		case OP_MAX:
			sp--;
			sp[-1] = emax(sp[-1], sp[0]);
			break;
		case OP_RMAX:
			sp--;
			sp[-1] = emax(sp[0], sp[-1]);
			break;
		case OP_ADDK:
			sp[-1] += pc->k;
			break;
		case OP_ADDV:
			sp[-1] += v[pc->arg];
			break;
		case OP_SUBK:
			sp[-1] -= pc->k;
			break;
		case OP_SUBV:
			sp[-1] -= v[pc->arg];
			break;
		case OP_KSUB:
			sp[-1] = pc->k - sp[-1];
			break;
		case OP_VSUB:
			sp[-1] = v[pc->arg] - sp[-1];
			break;
		case OP_MULK:
			sp[-1] *= pc->k;
			break;
		case OP_MULV:
			sp[-1] *= v[pc->arg];
			break;
		case OP_DIVK:
			sp[-1] /= pc->k;
			break;
		case OP_DIVV:
			sp[-1] /= v[pc->arg];
			break;
		case OP_KDIV:
			sp[-1] = pc->k / sp[-1];
			break;
		case OP_VDIV:
			sp[-1] = v[pc->arg] / sp[-1];
			break;
		case OP_POWK:
			sp[-1] = pow(sp[-1], pc->k);
			break;
		case OP_SQR:
			x = sp[-1];
			sp[-1] = x * x;
			break;
		case OP_JZ:
			sp--;
			if (*sp == 0)
				pc = code + pc->arg - 1;
			break;
		case OP_JMP:
			pc = code + pc->arg - 1;
			break;
		case OP_STORE:
			w[pc->arg] = *--sp;
			return pc + 1;
		case OP_TEE:
			w[pc->arg] = sp[-1];
			break;
		case OP_OUT:
			out[pc->arg] = *--sp;
			return pc + 1;
		case OP_END:
			*res = sp > stack ? sp[-1] : 0;
			return NULL;
		}
	}
}

double
tape_eval(const struct tape *t, const double *v)
{
	double r = NAN;

	if (t == NULL)
		return NAN;
	run(t->code, t->code, v, NULL, NULL, &r);
	return r;
}

void
prog_eval(const struct prog *p, double *v, double *out)
{
	const struct insn *pc = p->code;
	double r;

	while ((pc = run(pc, p->code, v, v, out, &r)) != NULL)
		;
}


/* ---- C source of a program (for jit.h) ---------------------------------- */

/*
 * The operators that are more than one C operator, as C text: the same
 * definitions as truth, epow, emin and emax above (test_expr runs both on
 * the same programs and wants the same bits).
 */
const char prog_c_prelude[] =
    "#include <math.h>\n"
    "static double epow(double a, double b)\n"
    "{ return b == 2 ? a * a : pow(a, b); }\n"
    "static double emin(double a, double b) { return a <= b ? a : b; }\n"
    "static double emax(double a, double b) { return a >= b ? a : b; }\n"
    "#define T(c) ((c) ? 1.0 : 0.0)\n";

/* A constant as exact C text. */
static void
c_const(FILE *f, double k)
{
	if (isnan(k))
		fputs("NAN", f);
	else if (isinf(k))
		fputs(k > 0 ? "HUGE_VAL" : "-HUGE_VAL", f);
	else
		fprintf(f, "%a", k);
}

int
prog_emit_c(const struct prog *p, const char *name, FILE *f)
{
	static const char *const un[OP_NUM] = {
		[OP_NEG] = "-", [OP_EXP] = "exp", [OP_LOG] = "log",
		[OP_LOG10] = "log10", [OP_SQRT] = "sqrt", [OP_ABS] = "fabs",
		[OP_TANH] = "tanh",
	};
	static const char *const bin[OP_NUM] = {
		[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
		[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
		[OP_EQ] = "==", [OP_NE] = "!=",
	};
	int *label, d = 0, i;
	size_t pc;

	if ((label = calloc(p->len + 1, sizeof(int))) == NULL)
		return -1;
	fprintf(f, "void %s(double *restrict v, double *restrict out)\n{\n",
	    name);
	fputs("\tdouble s0", f);
	for (i = 1; i < TAPE_STACK; i++)
		fprintf(f, ", s%d", i);
	fputs(";\n\t(void)out;\n", f);
	for (pc = 0; pc < p->len; pc++) {
		const struct insn *in = p->code + pc;
		int op = in->op, a, b;

		if (label[pc]) {
			/* the depth the jumps here left */
			d = label[pc] - 1;
			fprintf(f, "L%zu:;\n", pc);
		}
		a = d - 1;
		b = d - 2;
		if (op == OP_CONST || op == OP_SLOT) {
			fprintf(f, "\ts%d = ", d++);
			if (op == OP_SLOT)
				fprintf(f, "v[%d]", in->arg);
			else
				c_const(f, in->k);
			fputs(";\n", f);
		} else if (un[op]) {
			fprintf(f, "\ts%d = %s(s%d);\n", a, un[op], a);
		} else if (op == OP_NOT) {
			fprintf(f, "\ts%d = T(s%d == 0);\n", a, a);
		} else if (bin[op]) {
			fprintf(f, "\ts%d = %ss%d %s s%d);\n", b,
			    op >= OP_LT ? "T(" : "(", b, bin[op], a);
			d--;
		} else if (op == OP_RSUB || op == OP_RDIV) {
			fprintf(f, "\ts%d = s%d %c s%d;\n", b, a,
			    op == OP_RSUB ? '-' : '/', b);
			d--;
		} else if (op == OP_AND || op == OP_OR) {
			fprintf(f, "\ts%d = T(s%d != 0 %s s%d != 0);\n", b, b,
			    op == OP_AND ? "&&" : "||", a);
			d--;
		} else if (op == OP_POW || op == OP_MIN || op == OP_MAX) {
			fprintf(f, "\ts%d = %s(s%d, s%d);\n", b, op == OP_POW ?
			    "epow" : op == OP_MIN ? "emin" : "emax", b, a);
			d--;
		} else if (op == OP_RPOW || op == OP_RMIN || op == OP_RMAX) {
			fprintf(f, "\ts%d = %s(s%d, s%d);\n", b, op == OP_RPOW ?
			    "epow" : op == OP_RMIN ? "emin" : "emax", a, b);
			d--;
		} else if (op >= OP_ADDK && op <= OP_VDIV) {
			/* top op k or v[arg]; KSUB, VSUB, KDIV and VDIV put
			 * the operand first */
			int left = op == OP_KSUB || op == OP_VSUB ||
			    op == OP_KDIV || op == OP_VDIV;
			char c = op <= OP_VSUB ? (op <= OP_ADDV ? '+' : '-') :
			    (op <= OP_MULV ? '*' : '/');

			fprintf(f, "\ts%d = ", a);
			if (!left)
				fprintf(f, "s%d %c ", a, c);
			if (op == OP_ADDK || op == OP_SUBK || op == OP_KSUB ||
			    op == OP_MULK || op == OP_DIVK || op == OP_KDIV)
				c_const(f, in->k);
			else
				fprintf(f, "v[%d]", in->arg);
			if (left)
				fprintf(f, " %c s%d", c, a);
			fputs(";\n", f);
		} else if (op == OP_POWK) {
			fprintf(f, "\ts%d = pow(s%d, ", a, a);
			c_const(f, in->k);
			fputs(");\n", f);
		} else if (op == OP_SQR) {
			fprintf(f, "\ts%d = s%d * s%d;\n", a, a, a);
		} else if (op == OP_JZ || op == OP_JMP) {
			/* forward jumps only (conditionals) */
			if (in->arg <= (int)pc || (size_t)in->arg > p->len)
				goto bad;
			if (op == OP_JZ)
				d--;
			label[in->arg] = d + 1;
			if (op == OP_JZ)
				fprintf(f, "\tif (s%d == 0) goto L%d;\n", d,
				    in->arg);
			else
				fprintf(f, "\tgoto L%d;\n", in->arg);
		} else if (op == OP_STORE || op == OP_OUT) {
			d--;
			fprintf(f, "\t%s[%d] = s%d;\n", op == OP_STORE ? "v" :
			    "out", in->arg, d);
		} else if (op == OP_TEE) {
			fprintf(f, "\tv[%d] = s%d;\n", in->arg, a);
		} else if (op == OP_END) {
			fputs("\treturn;\n", f);
		} else {
			goto bad;
		}
		if (d < 0 || d > TAPE_STACK)
			goto bad;
	}
	if (label[p->len])
		fprintf(f, "L%zu:;\n", p->len);
	fputs("}\n", f);
	free(label);
	return ferror(f) ? -1 : 0;
bad:
	free(label);
	return -1;
}
