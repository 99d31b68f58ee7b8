# Reference values from R's survey package for the analysis functions of toolkit.weighting:
# two-phase nonresponse variance, svytable/svychisq, svyglm/regTermTest/predict, svycontrast.
#
# Run from the repository root (needs R with survey and jsonlite; not run in CI):
#   Rscript tests/reference/r_survey_analysis.R
# Writes tests/reference/r_survey_analysis.json (flat "key": number or number-array pairs).

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail")

dir <- "tests/data/survey"
read_api <- function(name) read.csv(file.path(dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
apistrat <- read_api("apistrat")
apiclus1 <- read_api("apiclus1")
apiclus2 <- read_api("apiclus2")
apisrs <- read_api("apisrs")

out <- list()
put <- function(key, value) out[[key]] <<- unname(as.numeric(value))

# ---- nonresponse adjustment as a two-phase design ---------------------------------
# Response indicator (deterministic, reproduced in the tests): (snum * 37) %% 100 < 75.
# Phase 2 = respondents, stratified by the weighting classes (SRSWOR within classes).
# Classes are chosen so that the design weights are constant within a class; then the
# weighting-class estimator equals R's double-expansion estimator.
twophase_case <- function(prefix, data, id1, strata1, fpc1, classes) {
  data$resp <- (data$snum * 37) %% 100 < 75
  data$cls <- classes(data)
  tp <- twophase(id = list(id1, ~1), strata = list(strata1, ~cls), fpc = list(fpc1, NULL),
                 subset = ~resp, data = data, method = "full")
  m <- svymean(~api00, tp)
  t <- svytotal(~api99, tp)
  put(paste0(prefix, ".mean.api00.value"), coef(m))
  put(paste0(prefix, ".mean.api00.phase2"), attr(vcov(m), "phases")$phase2)
  put(paste0(prefix, ".mean.api00.full"), vcov(m))
  put(paste0(prefix, ".total.api99.value"), coef(t))
  put(paste0(prefix, ".total.api99.phase2"), attr(vcov(t), "phases")$phase2)
  put(paste0(prefix, ".total.api99.full"), vcov(t))
}
twophase_case("nr.srs", apisrs, ~1, NULL, ~fpc, function(d) d$stype)
twophase_case("nr.clus1", apiclus1, ~dnum, NULL, ~fpc, function(d) d$stype)
twophase_case("nr.clus2psu", apiclus2, ~dnum, NULL, ~fpc1, function(d) d$stype)
twophase_case("nr.clus1wide", apiclus1, ~dnum, NULL, ~fpc, function(d) paste(d$stype, d$sch.wide))
twophase_case("nr.strat", apistrat, ~1, ~stype, ~fpc, function(d) paste(d$stype, d$sch.wide))
twophase_case("nr.stratstype", apistrat, ~1, ~stype, ~fpc, function(d) d$stype)
# classes = strata: the standard result, a stratified sample of the respondents
resp <- apistrat[(apistrat$snum * 37) %% 100 < 75, ]
dresp <- svydesign(id = ~1, strata = ~stype, fpc = ~fpc, data = resp)
put("nr.stratresp.mean.api00.se", SE(svymean(~api00, dresp)))
put("nr.stratresp.total.api99.se", SE(svytotal(~api99, dresp)))

# ---- design-based GLMs (svyglm, regTermTest, predict) ------------------------------------
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
# epsilon below machine precision: IRLS runs all 60 iterations, so that the working weights R
# uses for the covariance (those of the last-but-one iteration) equal the final ones.
ctl <- glm.control(epsilon = 1e-30, maxit = 60)
glm_case <- function(prefix, model, terms, newdata) {
  force(model)
  s <- summary(model)$coefficients
  out[[paste0(prefix, ".names")]] <<- rownames(s)
  put(paste0(prefix, ".coef"), s[, 1])
  put(paste0(prefix, ".se"), s[, 2])
  put(paste0(prefix, ".t"), s[, 3])
  put(paste0(prefix, ".p"), s[, 4])
  put(paste0(prefix, ".df"), model$df.residual)
  ci <- confint(model)
  put(paste0(prefix, ".ci_low"), ci[, 1])
  put(paste0(prefix, ".ci_high"), ci[, 2])
  for (term in names(terms)) {
    tt <- regTermTest(model, terms[[term]])
    put(paste0(prefix, ".wald.", term, ".F"), tt$Ftest)
    put(paste0(prefix, ".wald.", term, ".df"), tt$df)
    put(paste0(prefix, ".wald.", term, ".ddf"), tt$ddf)
    put(paste0(prefix, ".wald.", term, ".p"), tt$p)
  }
  for (type in c("link", "response")) {
    pr <- predict(model, newdata = newdata, type = type)
    put(paste0(prefix, ".predict.", type, ".value"), coef(pr))
    v <- attr(pr, "var")  # SE() of a replicate prediction returns only the first SE
    put(paste0(prefix, ".predict.", type, ".se"), if (is.matrix(v)) sqrt(diag(v)) else sqrt(v))
  }
}
glm_case("glm.linear.strat",
         svyglm(api00 ~ ell + meals + mobility, design = dstrat, control = ctl),
         list(ell_meals = ~ell + meals),
         data.frame(ell = c(10, 30), meals = c(20, 60), mobility = c(5, 25)))
glm_case("glm.logit.clus2",
         svyglm(I(sch.wide == "Yes") ~ ell + meals + stype, design = dclus2,
                family = quasibinomial(), control = ctl),
         list(stype = ~stype, meals = ~meals),
         data.frame(ell = c(10, 30, 5), meals = c(20, 60, 40), stype = c("E", "H", "M")))
glm_case("glm.poisson.clus1",
         svyglm(enroll ~ stype + meals, design = dclus1, family = quasipoisson(), control = ctl),
         list(stype = ~stype),
         data.frame(meals = c(20, 60), stype = c("E", "M")))
glm_case("glm.linear.clus2.narm",
         svyglm(api00 ~ acs.k3 + meals, design = dclus2, control = ctl),
         list(acs = ~acs.k3),
         data.frame(acs.k3 = c(18, 22), meals = c(30, 70)))

# ---- domain estimates with covariance, contrasts, Holm ------------------------------------
apistrat$yes <- as.numeric(apistrat$sch.wide == "Yes")
apiclus1$yes <- as.numeric(apiclus1$sch.wide == "Yes")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dclus1_ps <- postStratify(dclus1, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
# svyby(covmat = TRUE) fails on post-stratified designs (survey 4.1.1), so there the domain
# means come from svyratio(covmat = TRUE) of y * 1[domain] over 1[domain] (same estimator).
domain_stats <- function(var, by, design, method) {
  if (method == "svyby") {
    b <- svyby(as.formula(paste0("~", var)), as.formula(paste0("~", by)), design, svymean,
               covmat = TRUE)
    return(list(values = coef(b), cov = vcov(b), stat = b))
  }
  levs <- sort(unique(design$variables[[by]][weights(design) > 0]))
  y <- design$variables[[var]]
  y[is.na(y) & weights(design) == 0] <- 0  # rows outside a subset() (weight 0) may be NA
  k <- length(levs)
  for (g in seq_len(k)) {
    inside <- as.numeric(design$variables[[by]] == levs[g])
    design$variables[[paste0("y", g)]] <- y * inside
    design$variables[[paste0("i", g)]] <- inside
  }
  r <- svyratio(as.formula(paste0("~", paste0("y", 1:k, collapse = "+"))),
                as.formula(paste0("~", paste0("i", 1:k, collapse = "+"))), design, covmat = TRUE)
  idx <- (seq_len(k) - 1) * k + seq_len(k)
  list(values = as.vector(coef(r))[idx], cov = vcov(r)[idx, idx], stat = NULL)
}
contrast_case <- function(prefix, var, by, design, method = "svyby") {
  b <- domain_stats(var, by, design, method)
  put(paste0(prefix, ".values"), b$values)
  put(paste0(prefix, ".cov"), as.vector(b$cov))  # column-major k x k
  put(paste0(prefix, ".df"), degf(design))
  k <- length(b$values)
  est <- c(); se <- c(); p <- c()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    w <- rep(0, k); w[i] <- 1; w[j] <- -1
    if (!is.null(b$stat)) {
      cc <- svycontrast(b$stat, w)
      e <- coef(cc); s <- SE(cc)
    } else {
      e <- sum(w * b$values); s <- sqrt(drop(t(w) %*% b$cov %*% w))
    }
    est <- c(est, e); se <- c(se, s)
    p <- c(p, 2 * pt(-abs(e / s), degf(design)))
  }
  put(paste0(prefix, ".pair.diff"), est)
  put(paste0(prefix, ".pair.se"), se)
  put(paste0(prefix, ".pair.p"), p)
  put(paste0(prefix, ".pair.p_holm"), p.adjust(p, "holm"))
}
contrast_case("contrast.strat.api00", "api00", "awards", dstrat)
contrast_case("contrast.clus1.yes", "yes", "stype", dclus1)
contrast_case("contrast.clus2.api00", "api00", "stype", dclus2)
contrast_case("contrast.clus1ps.api00", "api00", "stype", dclus1_ps, method = "ratio")
contrast_case("contrast.clus1.api00.ratio", "api00", "stype", dclus1, method = "ratio")

# ---- weighted tables and Rao-Scott tests -----------------------------------------------------
table_case <- function(prefix, formula, design) {
  tab <- svytable(formula, design)
  put(paste0(prefix, ".table"), as.vector(tab))  # column-major, levels sorted
  for (st in c("F", "Chisq")) {
    t <- svychisq(formula, design, statistic = st)
    put(paste0(prefix, ".", st, ".statistic"), t$statistic)
    put(paste0(prefix, ".", st, ".parameter"), t$parameter)
    put(paste0(prefix, ".", st, ".p"), t$p.value)
  }
}
put("table.clus1.ntotal100", as.vector(svytable(~stype + sch.wide, dclus1, Ntotal = 100)))
table_case("chisq.strat.wide_awards", ~sch.wide + awards, dstrat)
table_case("chisq.clus1.stype_wide", ~stype + sch.wide, dclus1)
table_case("chisq.clus2.stype_awards", ~stype + awards, dclus2)
table_case("chisq.clus1ps.stype_both", ~stype + both, dclus1_ps)

# ---- the same on replicate-weight designs (svrepdesign) ------------------------------------
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
rstrat <- as.svrepdesign(dstrat, type = "JKn")
put("rep.clus1.df", degf(rclus1))
glm_case("rep.glm.logit.clus1",
         svyglm(yes ~ meals + stype, design = rclus1, family = quasibinomial(), control = ctl),
         list(stype = ~stype),
         data.frame(meals = c(20, 60, 40), stype = c("E", "H", "M")))
glm_case("rep.glm.linear.strat",
         svyglm(api00 ~ ell + meals, design = rstrat, control = ctl),
         list(ell_meals = ~ell + meals),
         data.frame(ell = c(10, 30), meals = c(20, 60)))
contrast_case("rep.contrast.clus1.api00", "api00", "stype", rclus1)
contrast_case("rep.contrast.strat.yes", "yes", "awards", rstrat)
table_case("rep.chisq.clus1.stype_wide", ~stype + sch.wide, rclus1)
table_case("rep.chisq.strat.wide_awards", ~sch.wide + awards, rstrat)

# ---- degrees of freedom with na.rm (issue #13, defect 3) -----------------------------------
# acs.k3 is missing for 82 of 126 schools; full design df 39, non-missing subset df 34.
put("df.full", degf(dclus2))
put("df.nonmissing", degf(subset(dclus2, !is.na(acs.k3))))
p_full <- svyciprop(~I(acs.k3 > 20), dclus2, na.rm = TRUE)            # df = degf(full design)
put("df.ciprop.narm.ci", attr(p_full, "ci"))
p_sub <- svyciprop(~I(acs.k3 > 20), subset(dclus2, !is.na(acs.k3)))  # df of the subset
put("df.ciprop.subset.ci", attr(p_sub, "ci"))
q_narm <- svyquantile(~api00, subset(dclus2, !is.na(acs.k3)), 0.5, ci = TRUE)
put("df.quantile.subset.ci", confint(q_narm))
q_full <- svyquantile(~api00, subset(dclus2, !is.na(acs.k3)), 0.5, ci = TRUE, df = degf(dclus2))
put("df.quantile.fulldf.ci", confint(q_full))

# ---- Musterland family survey, the design of the Fakten-Check Familienbefragung ------------
# Nonresponse classes = strata with equal design weights per stratum: the adjusted design is the
# stratified sample of the respondents (fpc = frame size); then post-stratified to the register
# households by Sozialraum x age group of the youngest child.
fam <- read.csv("data_samples/musterland/survey_families.csv", stringsAsFactors = FALSE)
fam_margins <- read.csv("data_samples/musterland/survey_families_margins.csv", stringsAsFactors = FALSE)
resp <- fam[fam$responded == "true" | fam$responded == "TRUE", ]
resp$bedarf <- as.numeric(resp$bedarf_ganztag == "true" | resp$bedarf_ganztag == "TRUE")
resp$bedarf[resp$bedarf_ganztag == "" | is.na(resp$bedarf_ganztag)] <- NA
resp$cell <- paste(resp$sozialraum, resp$child_age_group)
fam_margins$cell <- paste(fam_margins$sozialraum, fam_margins$child_age_group)
dfam <- svydesign(id = ~1, strata = ~stratum, fpc = ~n_stratum_frame, data = resp)
dfam <- postStratify(dfam, ~cell, data.frame(cell = fam_margins$cell, Freq = fam_margins$households))
put("fam.n_resp", nrow(resp))
fam_ok <- subset(dfam, !is.na(bedarf))
t <- svychisq(~child_age_group + bedarf, fam_ok, statistic = "F")
put("fam.chisq.F", t$statistic); put("fam.chisq.ndf", t$parameter[1]); put("fam.chisq.p", t$p.value)
m <- svyglm(bedarf ~ child_age_group + sozialraum, design = fam_ok, family = quasibinomial(),
            control = ctl)
out[["fam.glm.names"]] <- names(coef(m))
put("fam.glm.coef", coef(m)); put("fam.glm.se", SE(m)); put("fam.glm.df", m$df.residual)
tt <- regTermTest(m, ~sozialraum)
put("fam.glm.wald.sozialraum.F", tt$Ftest); put("fam.glm.wald.sozialraum.p", tt$p)
contrast_case("fam.contrast.bedarf", "bedarf", "sozialraum", fam_ok, method = "ratio")

# ---- write --------------------------------------------------------------------------
out[["_versions"]] <- list(R = R.version.string, survey = as.character(packageVersion("survey")))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/r_survey_analysis.json")
