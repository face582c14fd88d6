/*
 * describe.h - what a model is, for a reader: --describe (twin(7), Model
 * introspection, the one home of the two forms).
 *
 * model_describe writes, for a finished model: its name, description,
 * the full path of the file it was loaded from and the FNV-1a-64 hash of
 * its text (as --provenance writes it), its units, compartments with the
 * routes into them and their dosing properties, thetas, random effects
 * (the variance omega, SD = sqrt(omega) and CV% = 100 sqrt(exp(omega) -
 * 1), the CV of a log-normal parameter P exp(ETA); off-diagonal entries as
 * a covariance and its correlation), covariates (required, a default, or
 * optional with the default that means "not given"; the interpolation;
 * the individual parameters whose expressions name them), individual
 * parameters and outputs with their expressions, the observed output
 * (dv), the residual error with its standard deviations, bounds, and the
 * solver and tolerance when the model asks for them.
 *
 * The model keeps no comments or expression text, so these are read again
 * from the file at m->path: the expression of an individual parameter or
 * output is the text after "NAME:" on its line in its section, and a
 * definition's note is the "#" comment at the end of that line (the
 * shipped models state units there, e.g. "# clearance, L/h").  Entries
 * written in flow style ({...}), a model without a path (generated from
 * text) or a file no longer readable have no notes or expressions; that
 * is not an error.
 *
 * Two forms:
 *   MODEL_DESCRIBE_TEXT  aligned sections for a reader, numbers as %g
 *   MODEL_DESCRIBE_TSV   one fact a line, tab-separated, with the header
 *                        KIND NAME VALUE INFO NOTE; numbers read back
 *                        as the same double; "." where a field is empty
 *
 * No allocation beyond the file read; returns 0, or -1 with err set
 * (TWIN_ESYSTEM: f could not be written; TWIN_ENOMEM).
 */
#ifndef TWIN_DESCRIBE_H
#define TWIN_DESCRIBE_H

#include <stdio.h>

#include "model/model.h"
#include "util/err.h"

enum model_describe_form { MODEL_DESCRIBE_TEXT, MODEL_DESCRIBE_TSV };

/* CV% of a log-normal parameter whose ETA has variance omega:
 * 100 sqrt(exp(omega) - 1); NAN for a negative omega. */
double model_omega_cv(double omega);

int model_describe(const struct model *m, enum model_describe_form form,
    FILE *f, struct twin_err *err);

#endif
