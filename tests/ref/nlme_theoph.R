# Reference fit of testdata/theoph.tsv with nlme (R's nlme package,
# Lindstrom-Bates, maximum likelihood): one compartment, first-order
# absorption, log-scale parameters lCl, lV, lKa with diagonal
# random-effects covariance, additive error.  Reads the TSV, not R's
# built-in Theoph, so that it checks the file too.
#
#   Rscript tests/ref/nlme_theoph.R testdata/theoph.tsv
#
# nlme stops with an error if it does not converge.  The result depends
# on the start values (from a poor start nlme can stop at a worse local
# optimum); those below are the model file's.
#
# Prints NAME<TAB>VALUE lines: CL (L/h), V (L), KA (1/h), the same on the
# log scale, the random-effect variances OMEGA_*, the residual SD, the
# number of observations, -2 log-likelihood (M2LL) and M2LL without the
# constant n*log(2*pi) (OFV, NONMEM's convention), and FIT_S, the
# seconds the nlme() call took (bench/fit.sh times it against twin-fit).
suppressPackageStartupMessages(library(nlme))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript nlme_theoph.R theoph.tsv")
d <- read.delim(args[1], na.strings = ".", colClasses = c(CMT = "character"))
dose <- d[d$EVID == 1, ]
obs <- d[d$EVID == 0, c("ID", "TIME", "DV")]
stopifnot(!anyDuplicated(dose$ID), all(dose$TIME == 0), all(dose$CMT == "depot"),
          setequal(dose$ID, obs$ID), !anyNA(obs$DV))
obs$AMT <- dose$AMT[match(obs$ID, dose$ID)]
obs$ID <- factor(obs$ID, levels = unique(obs$ID))
obs <- groupedData(DV ~ TIME | ID, data = obs)

# Concentration after a single dose into the depot at time 0.
fol <- function(amt, t, lCl, lV, lKa) {
	cl <- exp(lCl); v <- exp(lV); ka <- exp(lKa); ke <- cl / v
	amt * ka / (v * (ka - ke)) * (exp(-ke * t) - exp(-ka * t))
}

fit_t0 <- proc.time()[["elapsed"]]
fit <- nlme(DV ~ fol(AMT, TIME, lCl, lV, lKa), data = obs,
	fixed = lCl + lV + lKa ~ 1,
	random = pdDiag(lCl + lV + lKa ~ 1),
	start = c(lCl = log(2.8), lV = log(32), lKa = log(1.5)),
	method = "ML", control = nlmeControl(maxIter = 200, msMaxIter = 200))

fit_s <- proc.time()[["elapsed"]] - fit_t0
fe <- fixef(fit)
om <- diag(pdMatrix(fit$modelStruct$reStruct)[[1]]) * fit$sigma^2
n <- nrow(obs)
m2ll <- -2 * as.numeric(logLik(fit))
out <- c(CL = exp(fe[["lCl"]]), V = exp(fe[["lV"]]), KA = exp(fe[["lKa"]]),
	lCl = fe[["lCl"]], lV = fe[["lV"]], lKa = fe[["lKa"]],
	OMEGA_CL = om[["lCl"]], OMEGA_V = om[["lV"]], OMEGA_KA = om[["lKa"]],
	ADD_SD = fit$sigma, NOBS = n, M2LL = m2ll, OFV = m2ll - n * log(2 * pi),
	FIT_S = fit_s)
cat(sprintf("%s\t%.6g\n", names(out), out), sep = "")
