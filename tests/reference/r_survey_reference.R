# Reference values from R's survey package for tests/weighting/test_r_reference.py.
#
# Run from the repository root (needs R with the survey and jsonlite packages; not run in CI):
#   Rscript tests/reference/r_survey_reference.R
# Writes tests/reference/r_survey_reference.json (flat "key": number pairs, plus the
# versions used and the error message of the failing calibration).

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

dir <- "tests/data/survey"
apistrat <- read.csv(file.path(dir, "apistrat.csv"), stringsAsFactors = FALSE)
apiclus1 <- read.csv(file.path(dir, "apiclus1.csv"), stringsAsFactors = FALSE)
apiclus2 <- read.csv(file.path(dir, "apiclus2.csv"), stringsAsFactors = FALSE)
apisrs <- read.csv(file.path(dir, "apisrs.csv"), stringsAsFactors = FALSE)
# read.csv turns "sch.wide" etc. into valid names already (they are valid).

out <- list()
put <- function(key, value) out[[key]] <<- unname(as.numeric(value))

stat <- function(prefix, est, df = NULL) {
  put(paste0(prefix, ".value"), coef(est))
  put(paste0(prefix, ".se"), SE(est))
  d <- attr(est, "deff")
  if (!is.null(d)) put(paste0(prefix, ".deff"), diag(as.matrix(d)))
  if (!is.null(df)) {
    ci <- confint(est, df = df)
    put(paste0(prefix, ".ci_low"), ci[1])
    put(paste0(prefix, ".ci_high"), ci[2])
  }
}

# ---- designs ---------------------------------------------------------------
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dstrat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dclus1_nofpc <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
dclus2_nofpc <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
apisrs$frac <- 200 / 6194
dsrs_frac <- svydesign(id = ~1, fpc = ~frac, data = apisrs)

# ---- means, totals, deff, CIs ---------------------------------------------
stat("strat.mean.api00", svymean(~api00, dstrat, deff = TRUE), df = degf(dstrat))
stat("strat.total.enroll", svytotal(~enroll, dstrat, deff = TRUE), df = degf(dstrat))
stat("strat_nofpc.mean.api00", svymean(~api00, dstrat_nofpc, deff = TRUE))
stat("clus1.mean.api00", svymean(~api00, dclus1, deff = TRUE), df = degf(dclus1))
stat("clus1.total.enroll", svytotal(~enroll, dclus1, deff = TRUE))
stat("clus1_nofpc.mean.api00", svymean(~api00, dclus1_nofpc))
stat("clus1_nofpc.total.enroll", svytotal(~enroll, dclus1_nofpc))
stat("clus2.mean.api00", svymean(~api00, dclus2, deff = TRUE), df = degf(dclus2))
stat("clus2.total.enroll.narm", svytotal(~enroll, dclus2, na.rm = TRUE))
stat("clus2_nofpc.mean.api00", svymean(~api00, dclus2_nofpc))
stat("srs_frac.mean.api00", svymean(~api00, dsrs_frac, deff = TRUE))
put("clus2.weights.sum", sum(weights(dclus2)))
put("strat.df", degf(dstrat))
put("clus1.df", degf(dclus1))
put("clus2.df", degf(dclus2))
stat("strat.mean.acs_k3.narm", svymean(~acs.k3, dstrat, na.rm = TRUE))

# stratified cluster sample: districts within school types (clusters nested in strata)
dstratclus <- svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apistrat, nest = TRUE)
stat("stratclus.mean.api00", svymean(~api00, dstratclus, deff = TRUE), df = degf(dstratclus))
stat("stratclus.total.enroll", svytotal(~enroll, dstratclus))
put("stratclus.df", degf(dstratclus))
byc <- svyby(~api00, ~awards, dstratclus, svymean)
for (i in seq_len(nrow(byc))) {
  k <- paste0("stratclus.by_awards.mean.api00.", byc$awards[i])
  put(paste0(k, ".value"), byc$api00[i])
  put(paste0(k, ".se"), byc$se[i])
}

# ---- proportions with CIs (svyciprop) ---------------------------------------
for (m in c("logit", "xlogit", "beta")) {
  p <- svyciprop(~I(sch.wide == "Yes"), dclus1, method = m)
  put(paste0("clus1.prop.schwide.", m, ".value"), p)
  put(paste0("clus1.prop.schwide.", m, ".ci_low"), attr(p, "ci")[1])
  put(paste0("clus1.prop.schwide.", m, ".ci_high"), attr(p, "ci")[2])
  put(paste0("clus1.prop.schwide.", m, ".se"), sqrt(attr(p, "var")))
  p <- svyciprop(~I(awards == "Yes"), dstrat, method = m)
  put(paste0("strat.prop.awards.", m, ".value"), p)
  put(paste0("strat.prop.awards.", m, ".ci_low"), attr(p, "ci")[1])
  put(paste0("strat.prop.awards.", m, ".ci_high"), attr(p, "ci")[2])
}

# ---- ratio -------------------------------------------------------------------
r <- svyratio(~api.stu, ~enroll, dstrat, deff = TRUE)
put("strat.ratio.apistu_enroll.value", coef(r))
put("strat.ratio.apistu_enroll.se", SE(r))
put("strat.ratio.apistu_enroll.deff", attr(r, "deff"))
r <- svyratio(~api.stu, ~enroll, dclus1)
put("clus1.ratio.apistu_enroll.value", coef(r))
put("clus1.ratio.apistu_enroll.se", SE(r))

# ---- domains (svyby) ---------------------------------------------------------
by1 <- svyby(~api00, ~stype, dclus1, svymean, deff = TRUE)
for (i in seq_len(nrow(by1))) {
  k <- paste0("clus1.by_stype.mean.api00.", by1$stype[i])
  put(paste0(k, ".value"), by1$api00[i])
  put(paste0(k, ".se"), by1$se[i])
  put(paste0(k, ".deff"), by1[i, "DEff.api00"])
}
by2 <- svyby(~enroll, ~stype, dstrat, svytotal)
for (i in seq_len(nrow(by2))) {
  k <- paste0("strat.by_stype.total.enroll.", by2$stype[i])
  put(paste0(k, ".value"), by2$enroll[i])
  put(paste0(k, ".se"), by2$se[i])
}
by3 <- svyby(~I(sch.wide == "Yes"), ~stype, dclus1, svyciprop, vartype = c("se", "ci"))
for (i in seq_len(nrow(by3))) {
  k <- paste0("clus1.by_stype.prop.schwide.", by3$stype[i])
  put(paste0(k, ".value"), by3[i, 2])
  put(paste0(k, ".ci_low"), by3$ci_l[i])
  put(paste0(k, ".ci_high"), by3$ci_u[i])
}
by4 <- svyby(~api00, ~stype, dclus2, svymean)
for (i in seq_len(nrow(by4))) {
  k <- paste0("clus2.by_stype.mean.api00.", by4$stype[i])
  put(paste0(k, ".value"), by4$api00[i])
  put(paste0(k, ".se"), by4$se[i])
}

# ---- post-stratification -----------------------------------------------------
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
dps <- postStratify(dclus1, ~stype, pop_stype)
stat("clus1.ps.mean.api00", svymean(~api00, dps))
stat("clus1.ps.total.enroll", svytotal(~enroll, dps))
byps <- svyby(~api00, ~sch.wide, dps, svymean)
for (i in seq_len(nrow(byps))) {
  k <- paste0("clus1.ps.by_schwide.mean.api00.", byps$sch.wide[i])
  put(paste0(k, ".value"), byps$api00[i])
  put(paste0(k, ".se"), byps$se[i])
}

# ---- raking on two margins ---------------------------------------------------
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
drake <- rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
              control = list(maxit = 1000, epsilon = 1e-12, verbose = FALSE))
stat("clus1.rake.mean.api00", svymean(~api00, drake))
stat("clus1.rake.total.enroll", svytotal(~enroll, drake))
put("clus1.rake.weight.max", max(weights(drake)))
put("clus1.rake.weight.min", min(weights(drake)))
p <- svyciprop(~I(awards == "Yes"), drake, method = "logit")
put("clus1.rake.prop.awards.value", p)
put("clus1.rake.prop.awards.ci_low", attr(p, "ci")[1])
put("clus1.rake.prop.awards.ci_high", attr(p, "ci")[2])

# ---- calibration -------------------------------------------------------------
pop_tot <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
dcal_lin <- calibrate(dclus1, ~stype + api99, pop_tot)
stat("clus1.cal_linear.mean.api00", svymean(~api00, dcal_lin))
stat("clus1.cal_linear.total.enroll", svytotal(~enroll, dcal_lin))
dcal_blin <- calibrate(dclus1, ~stype + api99, pop_tot, bounds = c(0.6, 1.6))
stat("clus1.cal_linear_b.mean.api00", svymean(~api00, dcal_blin))
put("clus1.cal_linear_b.weight.max", max(weights(dcal_blin)))
dcal_rak <- calibrate(dclus1, ~stype + api99, pop_tot, calfun = "raking", bounds = c(0.6, 1.6))
stat("clus1.cal_raking_b.mean.api00", svymean(~api00, dcal_rak))
stat("clus1.cal_raking_b.total.enroll", svytotal(~enroll, dcal_rak))
dcal_rak_u <- calibrate(dclus1, ~stype + api99, pop_tot, calfun = "raking")
stat("clus1.cal_raking.mean.api00", svymean(~api00, dcal_rak_u))
dcal_logit <- calibrate(dclus1, ~stype + api99, pop_tot, calfun = "logit", bounds = c(0.6, 1.6))
stat("clus1.cal_logit.mean.api00", svymean(~api00, dcal_logit))
put("clus1.cal_logit.weight.max", max(weights(dcal_logit)))
put("clus1.cal_logit.weight.min", min(weights(dcal_logit)))
failed <- tryCatch({
  calibrate(dclus1, ~stype + api99, pop_tot, bounds = c(0.8, 1.2))
  "no error"
}, error = function(e) conditionMessage(e))

# ---- trimming ------------------------------------------------------------------
dtrim <- trimWeights(dstrat, upper = 40, strict = FALSE)
stat("strat.trim40.mean.api00", svymean(~api00, dtrim))
put("strat.trim40.weights.sum", sum(weights(dtrim)))
put("strat.trim40.weight.max", max(weights(dtrim)))
dtrim2 <- trimWeights(dclus2, upper = 60, lower = 10, strict = TRUE)
stat("clus2.trim.mean.api00", svymean(~api00, dtrim2))
put("clus2.trim.weights.sum", sum(weights(dtrim2)))

# ---- lonely PSUs -----------------------------------------------------------------
dl <- svydesign(id = ~1, strata = ~cnum, weights = ~pw, data = apistrat)
for (lp in c("adjust", "certainty", "remove")) {
  options(survey.lonely.psu = lp)
  stat(paste0("strat_cnum.", lp, ".mean.api00"), svymean(~api00, dl))
}
options(survey.lonely.psu = "fail")

# ---- quantiles (svyquantile defaults: qrule "math", Woodruff interval "mean") ----
qput <- function(prefix, q) {
  m <- q[[1]]
  put(paste0(prefix, ".value"), m[1, 1])
  put(paste0(prefix, ".ci_low"), m[1, 2])
  put(paste0(prefix, ".ci_high"), m[1, 3])
  put(paste0(prefix, ".se"), m[1, 4])
}
qput("clus1.quantile.api00.q25", svyquantile(~api00, dclus1, 0.25))
qput("clus1.quantile.api00.q50", svyquantile(~api00, dclus1, 0.5))
qput("strat.quantile.enroll.q50", svyquantile(~enroll, dstrat, 0.5))
qput("clus2.quantile.api00.q90", svyquantile(~api00, dclus2, 0.9))
byq <- svyby(~api00, ~stype, dclus1, svyquantile, quantiles = 0.5, ci = TRUE)
for (i in seq_len(nrow(byq))) {
  k <- paste0("clus1.by_stype.quantile.api00.q50.", byq$stype[i])
  put(paste0(k, ".value"), byq$api00[i])
  put(paste0(k, ".se"), byq$se.api00[i])
}

# ---- Kalton & Flores-Cervantes (2003) style example ----------------------------
# Two auxiliary variables (sex x age group), equal base weights, known joint and
# marginal population counts; cell weighting, raking and linear calibration (GREG).
kfc_cells <- expand.grid(age = c("a1", "a2", "a3"), sex = c("m", "f"), stringsAsFactors = FALSE)
kfc_cells$n <- c(100, 150, 120, 180, 230, 220)
kfc_cells$yes <- c(40, 75, 72, 90, 140, 150)
kfc_cells$pop <- c(1500, 2100, 1300, 1600, 2200, 1800)
kfc <- do.call(rbind, lapply(seq_len(nrow(kfc_cells)), function(i) {
  cl <- kfc_cells[i, ]
  data.frame(sex = cl$sex, age = cl$age, y = rep(c(1, 0), c(cl$yes, cl$n - cl$yes)))
}))
kfc$d <- 10
dk <- svydesign(id = ~1, weights = ~d, data = kfc)
pop_cell <- data.frame(sex = kfc_cells$sex, age = kfc_cells$age, Freq = kfc_cells$pop)
pop_sex <- data.frame(sex = c("f", "m"), Freq = c(5600, 4900))
pop_age <- data.frame(age = c("a1", "a2", "a3"), Freq = c(3100, 4300, 3100))
dk_cell <- postStratify(dk, ~sex + age, pop_cell)
dk_rake <- rake(dk, list(~sex, ~age), list(pop_sex, pop_age),
                control = list(maxit = 1000, epsilon = 1e-12, verbose = FALSE))
dk_greg <- calibrate(dk, ~sex + age, c(`(Intercept)` = 10500, sexm = 4900, agea2 = 4300, agea3 = 3100))
for (nm in c("cell", "rake", "greg")) {
  des <- get(paste0("dk_", nm))
  stat(paste0("kfc.", nm, ".mean.y"), svymean(~y, des))
  w <- weights(des)
  for (i in seq_len(nrow(kfc_cells))) {
    sel <- kfc$sex == kfc_cells$sex[i] & kfc$age == kfc_cells$age[i]
    put(paste0("kfc.", nm, ".weight.", kfc_cells$sex[i], ".", kfc_cells$age[i]), w[sel][1])
  }
}
stat("kfc.base.mean.y", svymean(~y, dk))

versions <- list(R = R.version.string, survey = as.character(packageVersion("survey")))
res <- list(versions = versions, calibration_failure_message = failed, values = out)
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/r_survey_reference.json")
cat(length(out), "reference values written\n")
