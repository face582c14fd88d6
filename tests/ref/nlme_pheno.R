# Reference fit of testdata/pheno.tsv with nlme (R's nlme package,
# Lindstrom-Bates, maximum likelihood): NONMEM's classic phenobarbital
# model (ADVAN1 TRANS2): one compartment, IV boluses,
#   CL = exp(lCl) * WT * exp(eta_CL)
#   V  = exp(lV) * WT * (1 + apgr*(APGR < 5)) * exp(eta_V)
# diagonal random-effects covariance, proportional error (SD = sigma *
# individual prediction, varPower(fixed = 1)).  Predictions superpose the
# subject's doses (a dose at the time of a sample is not seen by it).
# Reads the TSV, not R's built-in Phenobarb, so that it checks the file too.
#
#   Rscript tests/ref/nlme_pheno.R testdata/pheno.tsv
#
# nlme stops with an error if it does not converge.  The result depends
# on the start values (from a poor start nlme can stop at a worse local
# optimum); those below are the model file's.
#
# Prints NAME<TAB>VALUE lines: CL (L/h/kg), V (L/kg), APGR_V (fractional
# change of V for Apgar < 5), the log-scale CL and V, the random-effect
# variances OMEGA_*, the proportional SD and its square SIGMA (NONMEM's
# sigma), the number of observations, -2 log-likelihood (M2LL) and M2LL
# without the constant n*log(2*pi) (OFV, NONMEM's convention; NONMEM
# FOCEI gives 586.27606 with CL 0.00469555, V 0.984258, APGR_V 0.158920,
# OMEGA_CL 0.0293508, OMEGA_V 0.0279060, SIGMA 0.0132410).
suppressPackageStartupMessages(library(nlme))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript nlme_pheno.R pheno.tsv")
d <- read.delim(args[1], na.strings = ".", colClasses = c(CMT = "character"))
stopifnot(all(d$EVID %in% c(0, 1)), all(d$CMT == "central"),
          all(d$RATE[d$EVID == 1] == 0), all(d$SS[d$EVID == 1] == 0),
          all(d$ADDL[d$EVID == 1] == 0), !anyNA(d$WT), !anyNA(d$APGR))
d$ROW <- seq_len(nrow(d))
doses <- split(d[d$EVID == 1, c("ROW", "TIME", "AMT")], d$ID[d$EVID == 1])
obs <- d[d$EVID == 0, c("ID", "TIME", "ROW", "DV", "WT", "APGR")]
stopifnot(!anyNA(obs$DV))
obs$ID <- factor(obs$ID, levels = unique(obs$ID))
obs <- groupedData(DV ~ TIME | ID, data = obs)

# Concentration at each observation from the doses of its subject given
# before it: earlier in time, or at the same time but on an earlier line.
pheno <- function(lCl, lV, apgr, id, t, row, wt, apgar) {
	cl <- exp(lCl) * wt
	v <- exp(lV) * wt * (1 + apgr * (apgar < 5))
	k <- cl / v
	vapply(seq_along(t), function(i) {
		ds <- doses[[as.character(id[i])]]
		w <- ds$TIME < t[i] | (ds$TIME == t[i] & ds$ROW < row[i])
		sum(ds$AMT[w] * exp(-k[i] * (t[i] - ds$TIME[w]))) / v[i]
	}, 0)
}

fit_t0 <- proc.time()[["elapsed"]]
fit <- nlme(DV ~ pheno(lCl, lV, apgr, ID, TIME, ROW, WT, APGR), data = obs,
	fixed = lCl + lV + apgr ~ 1,
	random = pdDiag(lCl + lV ~ 1),
	weights = varPower(fixed = 1),
	start = c(lCl = log(0.0047), lV = log(1.0), apgr = 0.15),
	method = "ML", control = nlmeControl(maxIter = 200, msMaxIter = 200))

fit_s <- proc.time()[["elapsed"]] - fit_t0
fe <- fixef(fit)
om <- diag(pdMatrix(fit$modelStruct$reStruct)[[1]]) * fit$sigma^2
n <- nrow(obs)
m2ll <- -2 * as.numeric(logLik(fit))
out <- c(CL = exp(fe[["lCl"]]), V = exp(fe[["lV"]]), APGR_V = fe[["apgr"]],
	lCl = fe[["lCl"]], lV = fe[["lV"]],
	OMEGA_CL = om[["lCl"]], OMEGA_V = om[["lV"]],
	PROP_SD = fit$sigma, SIGMA = fit$sigma^2,
	NOBS = n, M2LL = m2ll, OFV = m2ll - n * log(2 * pi),
	FIT_S = fit_s)
cat(sprintf("%s\t%.6g\n", names(out), out), sep = "")
