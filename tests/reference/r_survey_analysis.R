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

# ---- write --------------------------------------------------------------------------
out[["_versions"]] <- list(R = R.version.string, survey = as.character(packageVersion("survey")))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/r_survey_analysis.json")
