/*
 * rewrite.h - a model file with new parameter values: the one place that
 * writes the YAML dialect of twin-model(5).
 *
 * The model's own text is kept and only the scalars that hold the values
 * named are replaced (each with the fewest significant digits, at most 17,
 * that read back as the same double), so everything else of the file --
 * equations, covariates, routes, outputs, units, tolerances, comments --
 * is carried over as it was.  A comment may follow a value written in
 * block style (the value's line keeps its old comment after it); values
 * in a flow mapping ({a: 1}) get none.  Header lines go first, each as a
 * YAML comment.
 *
 * Ownership: model_rewrite returns a string the caller frees; it keeps
 * nothing it is given.  Errors: -1 / NULL with err filled (TWIN_EINPUT:
 * the text is not YAML, or a value's key is not in it).
 */
#ifndef TWIN_REWRITE_H
#define TWIN_REWRITE_H

#include <stddef.h>

#include "util/err.h"

enum model_value_kind { MV_THETA, MV_OMEGA, MV_ERROR };

/* One value to write.  MV_THETA: a the theta's name; MV_OMEGA: a and b
 * the random effects (with or without the ETA_ prefix; a == b for a
 * variance, either order for a covariance); MV_ERROR: a is additive,
 * proportional or exponential (a standard deviation). */
struct model_value {
	enum model_value_kind kind;
	const char *a, *b;
	double value;
	const char *comment;	/* NULL: none */
};

/*
 * text (len bytes; where names it in messages) with the n values v
 * written in, header (may be NULL; several lines) prepended as comments.
 * Returns the new text, NUL-terminated, its length in *outlen.
 */
char *model_rewrite(const char *text, size_t len, const char *where,
    const char *header, const struct model_value *v, int n, size_t *outlen,
    struct twin_err *err);

/* The same for the model file at path (read whole). */
char *model_rewrite_file(const char *path, const char *header,
    const struct model_value *v, int n, size_t *outlen,
    struct twin_err *err);

#endif
