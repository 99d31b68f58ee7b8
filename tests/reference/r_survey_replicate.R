# Reference values from R's survey package for replicate-weight designs and the smaller gaps of
# issue 13 (lonely.psu="average", svyciprop method="likelihood", postStratify partial=TRUE).
#
# Run from the repository root (needs R with survey and jsonlite; not run in CI):
#   Rscript tests/reference/r_survey_replicate.R
# Writes tests/reference/r_survey_replicate.json: "values" (flat key: number), "bootstrap_counts"
# (R's bootstrap multipliers, rows x replicates, so the estimators can be checked on R's own draws)
# and the versions used.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
options(survey.replicates.mse = FALSE, survey.lonely.psu = "fail")

dir <- "tests/data/survey"
apistrat <- read.csv(file.path(dir, "apistrat.csv"), stringsAsFactors = FALSE)
apiclus1 <- read.csv(file.path(dir, "apiclus1.csv"), stringsAsFactors = FALSE)

out <- list()
put <- function(key, value) out[[key]] <<- unname(as.numeric(value))

# checksum of a matrix: equal sums under row/column permutation are unlikely with these weights
checksum <- function(m) {
  m <- as.matrix(m)
  i <- row(m)
  j <- col(m)
  sum(m * ((i * 31 + j * 17) %% 101 + 1))
}
repinfo <- function(prefix, d) {
  w <- weights(d, "analysis")
  put(paste0(prefix, ".nrep"), ncol(w))
  put(paste0(prefix, ".wsum"), sum(w))
  put(paste0(prefix, ".wcheck"), checksum(w))
  put(paste0(prefix, ".scale"), d$scale)
  put(paste0(prefix, ".rscales.sum"), sum(d$rscales))
  put(paste0(prefix, ".rscales.check"), sum(d$rscales * seq_along(d$rscales)))
  put(paste0(prefix, ".df"), degf(d))
}
stat <- function(prefix, est, df) {
  put(paste0(prefix, ".value"), coef(est))
  put(paste0(prefix, ".se"), SE(est))
  ci <- confint(est, df = df)
  put(paste0(prefix, ".ci_low"), ci[, 1])
  put(paste0(prefix, ".ci_high"), ci[, 2])
  d <- attr(est, "deff")
  if (!is.null(d)) put(paste0(prefix, ".deff"), diag(as.matrix(d)))
}
prop <- function(prefix, design, methods = c("logit", "xlogit", "beta", "mean", "likelihood")) {
  for (m in methods) {
    p <- svyciprop(~I(sch.wide == "Yes"), design, method = m)
    put(paste0(prefix, ".", m, ".value"), p)
    put(paste0(prefix, ".", m, ".se"), sqrt(attr(p, "var")))
    put(paste0(prefix, ".", m, ".ci_low"), attr(p, "ci")[1])
    put(paste0(prefix, ".", m, ".ci_high"), attr(p, "ci")[2])
  }
}
quant <- function(prefix, design) {
  q <- svyquantile(~api00, design, 0.5, ci = TRUE)
  put(paste0(prefix, ".value"), q$api00[1, 1])
  put(paste0(prefix, ".ci_low"), q$api00[1, 2])
  put(paste0(prefix, ".ci_high"), q$api00[1, 3])
  put(paste0(prefix, ".se"), q$api00[1, 4])
}
by_stype <- function(prefix, design) {
  b <- svyby(~api00, ~stype, design, svymean)
  for (i in seq_len(nrow(b))) {
    put(paste0(prefix, ".", b$stype[i], ".value"), b$api00[i])
    put(paste0(prefix, ".", b$stype[i], ".se"), b$se[i])
    sub <- subset(design, stype == b$stype[i])
    put(paste0(prefix, ".", b$stype[i], ".df"), degf(sub))
    p <- svyciprop(~I(sch.wide == "Yes"), sub, method = "logit")
    put(paste0(prefix, ".", b$stype[i], ".prop.ci_low"), attr(p, "ci")[1])
    put(paste0(prefix, ".", b$stype[i], ".prop.ci_high"), attr(p, "ci")[2])
  }
}
estimators <- function(prefix, d) {
  df <- degf(d)
  stat(paste0(prefix, ".mean.api00"), svymean(~api00, d, deff = TRUE), df)
  stat(paste0(prefix, ".total.enroll"), svytotal(~enroll, d), df)
  stat(paste0(prefix, ".ratio"), svyratio(~api.stu, ~enroll, d), df)
  prop(paste0(prefix, ".prop"), d, c("logit", "xlogit", "beta", "mean"))
  quant(paste0(prefix, ".median"), d)
  by_stype(paste0(prefix, ".by_stype"), d)
}

# ---- linearisation designs ----------------------------------------------------------------
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dclus1_nofpc <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dstrat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
dstratclus <- svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apistrat, nest = TRUE)

# ---- replicate weights created from designs -------------------------------------------------
jk1 <- as.svrepdesign(dclus1)                       # JK1 with fpc in scale
jk1_nofpc <- as.svrepdesign(dclus1_nofpc)
jkn <- as.svrepdesign(dstrat)                       # JKn, fpc in rscales
jkn_clus <- as.svrepdesign(dstratclus)              # JKn, clusters in strata
brr <- suppressWarnings(as.svrepdesign(dstrat_nofpc, type = "BRR"))  # 200 units in strata: split in pairs
fay <- as.svrepdesign(dstrat_nofpc, type = "Fay", fay.rho = 0.5)
brr_merge <- as.svrepdesign(dstratclus, type = "BRR", large = "merge")
for (nm in c("jk1", "jk1_nofpc", "jkn", "jkn_clus", "brr", "fay", "brr_merge")) {
  d <- get(nm)
  repinfo(nm, d)
  estimators(nm, d)
}
stat("jkn.mean.acs_k3.narm", svymean(~acs.k3, jkn, na.rm = TRUE), degf(jkn[!is.na(apistrat$acs.k3), ]))
put("jkn.mean.acs_k3.narm.df", degf(jkn[!is.na(apistrat$acs.k3), ]))
stat("jk1.mean.api00.mse", svymean(~api00, as.svrepdesign(dclus1, mse = TRUE)), degf(jk1))

# strata by county: single-PSU strata (lonely), BRR small= options, JKn lonely handling
dcounty_adj <- svydesign(id = ~1, strata = ~cname, weights = ~pw, data = apistrat)
for (s in c("split", "merge")) {
  b <- as.svrepdesign(dcounty_adj, type = "BRR", small = s, large = "merge")
  repinfo(paste0("brr_small_", s), b)
  stat(paste0("brr_small_", s, ".mean.api00"), svymean(~api00, b), degf(b))
}
for (lp in c("adjust", "remove", "average")) {
  options(survey.lonely.psu = lp)
  j <- as.svrepdesign(dcounty_adj, type = "JKn")
  repinfo(paste0("jkn_lonely_", lp), j)
  stat(paste0("jkn_lonely_", lp, ".mean.api00"), svymean(~api00, j), degf(j))
}
options(survey.lonely.psu = "fail")

# bootstrap: R's draws, exported so the estimators can be checked on exactly these multipliers
set.seed(20261206)
boot <- as.svrepdesign(dclus1_nofpc, type = "bootstrap", replicates = 50)
counts <- weights(boot, "replication")
put("boot.scale", boot$scale)
repinfo("boot", boot)
estimators("boot", boot)
set.seed(7)
bootfpc <- as.svrepdesign(dstrat, type = "bootstrap", replicates = 20)
put("bootfpc.scale", bootfpc$scale)

# quantiles with replicate SEs (interval.type = "quantile"), whole design and per school type
for (nm in c("boot", "brr", "fay", "jkn")) {
  d <- get(nm)
  for (pr in c(0.25, 0.5)) {
    q <- suppressWarnings(svyquantile(~api00, d, pr, interval.type = "quantile", ci = TRUE))
    k <- paste0(nm, ".repquant.", pr * 100)
    put(paste0(k, ".value"), q$api00[1, 1])
    put(paste0(k, ".ci_low"), q$api00[1, 2])
    put(paste0(k, ".ci_high"), q$api00[1, 3])
    put(paste0(k, ".se"), q$api00[1, 4])
  }
  for (s in c("E", "H", "M")) {
    q <- suppressWarnings(svyquantile(~api00, subset(d, stype == s), 0.5, interval.type = "quantile",
                                      ci = TRUE))
    k <- paste0(nm, ".repquant.", s)
    put(paste0(k, ".value"), q$api00[1, 1])
    put(paste0(k, ".se"), q$api00[1, 4])
    put(paste0(k, ".ci_low"), q$api00[1, 2])
  }
}

# ---- delivered replicate weights (svrepdesign) ------------------------------------------------
jkw <- weights(jk1_nofpc, "analysis")
colnames(jkw) <- paste0("rw", seq_len(ncol(jkw)))
deliv <- cbind(apiclus1, jkw)
d_jk1 <- svrepdesign(data = deliv, repweights = "^rw", weights = ~pw, type = "JK1",
                     scale = 14 / 15, combined.weights = TRUE)
estimators("deliv_jk1", d_jk1)
d_jk1_guess <- suppressWarnings(svrepdesign(data = deliv, repweights = "^rw", weights = ~pw,
                                            type = "JK1", combined.weights = TRUE))
stat("deliv_jk1_guess.mean.api00", svymean(~api00, d_jk1_guess), degf(d_jk1_guess))
d_other <- svrepdesign(data = deliv, repweights = "^rw", weights = ~pw, type = "other",
                       scale = 0.5, rscales = seq(0.5, 1.9, by = 0.1), mse = TRUE)
estimators("deliv_other", d_other)
d_fpc <- svrepdesign(data = deliv, repweights = "^rw", weights = ~pw, type = "JK1",
                     scale = 14 / 15, fpc = rep(0.1, 15), fpctype = "fraction")
stat("deliv_fpc.mean.api00", svymean(~api00, d_fpc), degf(d_fpc))
mult <- jkw / apiclus1$pw
colnames(mult) <- paste0("mult", seq_len(ncol(mult)))
d_mult <- svrepdesign(data = cbind(apiclus1, mult), repweights = "^mult", weights = ~pw,
                      type = "JKn", rscales = rep(14 / 15, 15), combined.weights = FALSE)
estimators("deliv_mult", d_mult)
bw <- as.matrix(counts)
colnames(bw) <- paste0("boot", seq_len(ncol(bw)))
d_boot <- svrepdesign(data = cbind(apiclus1, bw), repweights = "^boot", weights = ~pw,
                      type = "bootstrap", combined.weights = FALSE)
estimators("deliv_boot", d_boot)

for (tp in c("successive-difference", "JK2", "ACS")) {
  d <- suppressWarnings(svrepdesign(data = deliv, repweights = "^rw", weights = ~pw, type = tp))
  stat(paste0("deliv_", tp, ".mean.api00"), svymean(~api00, d), degf(d))
}
bw2 <- weights(brr, "analysis")
colnames(bw2) <- paste0("brrw", seq_len(ncol(bw2)))
d_brr <- svrepdesign(data = cbind(apistrat, bw2), repweights = "^brrw", weights = ~pw, type = "BRR")
stat("deliv_brr.mean.api00", svymean(~api00, d_brr), degf(d_brr))
fw <- weights(fay, "analysis")
colnames(fw) <- paste0("fayw", seq_len(ncol(fw)))
d_fay <- svrepdesign(data = cbind(apistrat, fw), repweights = "^fayw", weights = ~pw, type = "Fay",
                     rho = 0.5)
stat("deliv_fay.mean.api00", svymean(~api00, d_fay), degf(d_fay))

# ---- adjusted (post-stratified, raked, calibrated) replicate designs ------------------------
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
ps <- postStratify(jk1, ~stype, pop_stype)
stat("jk1_ps.mean.api00", svymean(~api00, ps), degf(ps))
stat("jk1_ps.total.enroll", svytotal(~enroll, ps), degf(ps))
rk <- rake(jk1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
           control = list(maxit = 100, epsilon = 1e-9))
stat("jk1_rake.mean.api00", svymean(~api00, rk), degf(rk))
cal <- calibrate(jk1, ~stype + api99, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018,
                                        api99 = 3914069))
stat("jk1_cal.mean.api00", svymean(~api00, cal), degf(cal))
stat("jk1_cal.total.enroll", svytotal(~enroll, cal), degf(cal))
calr <- calibrate(jkn, ~sch.wide, c(`(Intercept)` = 6194, sch.wideYes = 5122), calfun = "raking")
stat("jkn_calrake.mean.api00", svymean(~api00, calr), degf(calr))

# ---- lonely.psu = "average" (linearisation) ----------------------------------------------------
options(survey.lonely.psu = "average")
dcounty <- svydesign(id = ~1, strata = ~cname, weights = ~pw, data = apistrat)
stat("average.mean.api00", svymean(~api00, dcounty, deff = TRUE), degf(dcounty))
stat("average.total.enroll", svytotal(~enroll, dcounty), degf(dcounty))
b <- svyby(~api00, ~stype, dcounty, svymean)
for (i in seq_len(nrow(b))) put(paste0("average.by_stype.", b$stype[i], ".se"), b$se[i])
options(survey.lonely.psu = "fail")

# ---- svyciprop method = "likelihood" ----------------------------------------------------------
prop("lik.clus1", dclus1, "likelihood")
prop("lik.strat", dstrat, "likelihood")
prop("lik.stratclus", dstratclus, "likelihood")
prop("lik.jk1", jk1, "likelihood")
# On replicate designs R's svyciprop(method = "likelihood") returns NA: residuals.svyglm reads
# design$prob, which replicate designs lack. Reference: R's profile computation on the same data and
# weights with the replicate variance of the logit put in place of the linearised one.
m <- svyglm(I(sch.wide == "Yes") ~ 1, dclus1, family = quasibinomial)
m$cov.unscaled <- svyglm(I(sch.wide == "Yes") ~ 1, jk1, family = quasibinomial)$cov.unscaled
ci <- plogis(confint(m, 1, method = "likelihood", ddf = degf(jk1)))
put("lik.jk1_fixed.ci_low", ci[1])
put("lik.jk1_fixed.ci_high", ci[2])
p <- svyciprop(~I(sch.wide == "Yes"), dclus1, method = "likelihood", level = 0.9)
put("lik.clus1.level90.ci_low", attr(p, "ci")[1])
put("lik.clus1.level90.ci_high", attr(p, "ci")[2])
p <- svyciprop(~I(api00 > 800), dstrat, method = "likelihood")
put("lik.strat.api800.value", p)
put("lik.strat.api800.ci_low", attr(p, "ci")[1])
put("lik.strat.api800.ci_high", attr(p, "ci")[2])

# ---- postStratify(partial = TRUE) -------------------------------------------------------------
pop_extra <- data.frame(stype = c("E", "H", "M", "X"), Freq = c(4421, 755, 1018, 500))
pp <- suppressWarnings(postStratify(dstrat, ~stype, pop_extra, partial = TRUE))
stat("partial.mean.api00", svymean(~api00, pp), degf(pp))
stat("partial.total.enroll", svytotal(~enroll, pp), degf(pp))
put("partial.weights.sum", sum(weights(pp)))
ppr <- suppressWarnings(postStratify(jk1, ~stype, pop_extra, partial = TRUE))
stat("partial_jk1.mean.api00", svymean(~api00, ppr), degf(ppr))
stat("partial_jk1.total.enroll", svytotal(~enroll, ppr), degf(ppr))

# ---- Hadamard matrices chosen by brrweights ---------------------------------------------------
for (n in c(1, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23, 24, 27, 28, 31, 35, 40, 43, 50, 60, 63,
            70, 99, 100, 130, 200)) {
  h <- hadamard(n)
  put(paste0("hadamard.", n, ".size"), nrow(h))
  put(paste0("hadamard.", n, ".check"), checksum(h))
}

json <- list(
  versions = list(R = R.version.string, survey = as.character(packageVersion("survey"))),
  values = out,
  bootstrap_counts = unname(lapply(seq_len(nrow(counts)), function(i) as.integer(counts[i, ])))
)
writeLines(toJSON(json, digits = NA, auto_unbox = TRUE, pretty = FALSE),
           "tests/reference/r_survey_replicate.json")
cat("wrote", length(out), "values\n")
