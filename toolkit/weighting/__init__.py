"""Survey weighting with design-based standard errors (R ``survey`` as reference).

Modules
-------
design       :class:`SurveyDesign` (strata, clusters, weights, fpc; immutable)
estimate     :class:`Estimate`, ``mean``, ``total``, ``ratio``
proportion   ``proportion`` with logit / beta / Wilson intervals
quantile     ``quantile`` with Woodruff intervals
replicate    replicate-weight designs: ``as_replicate`` (JK1, JKn, BRR, Fay,
             bootstrap), ``replicate_design`` (delivered weights, R ``svrepdesign``)
variance     linearised multistage variance and residuals after adjustments
margins      matching respondents to population margins
adjust       ``poststratify``, ``rake``, ``trim_weights``, ``adjust_nonresponse``
calibrate    ``calibrate`` (linear / raking / logit, Deville & Särndal)
twophase     variance of nonresponse adjustments as a two-phase design
linearization  full covariance of linearised estimators
regression   ``glm`` (R ``svyglm``): linear, logistic, Poisson; Wald term tests, predictions
tables       ``weighted_table`` (R ``svytable``), ``chisq_test`` (Rao-Scott, R ``svychisq``)
contrast     ``domain_means`` with covariance, ``contrast``, ``pairwise`` (Holm), ``wald_test``
diagnostics  Kish ``n_eff`` and ``deff``, weight summary, convergence report

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign, rake
>>> df = pd.DataFrame({"sex": list("mmff"), "age": ["j", "a", "j", "a"], "y": [1.0, 0.0, 1.0, 1.0]})
>>> d = rake(SurveyDesign(df), {"sex": {"m": 50, "f": 50}, "age": {"j": 30, "a": 70}})
>>> round(d.mean("y").value, 3)
0.65
"""

from toolkit.weighting.adjust import adjust_nonresponse, poststratify, rake
from toolkit.weighting.calibrate import calibrate
from toolkit.weighting.contrast import (
    DomainEstimates,
    WaldTest,
    contrast,
    domain_means,
    holm,
    pairwise,
    wald_test,
)
from toolkit.weighting.design import AdjustmentReport, SurveyDesign
from toolkit.weighting.diagnostics import convergence_report, kish_deff, kish_n_eff, weight_summary
from toolkit.weighting.estimate import Estimate, mean, ratio, total
from toolkit.weighting.proportion import proportion
from toolkit.weighting.quantile import quantile, weighted_quantile
from toolkit.weighting.regression import SurveyGLM, glm
from toolkit.weighting.replicate import as_replicate, replicate_aware, replicate_design
from toolkit.weighting.tables import ChisqTest, chisq_test, weighted_table
from toolkit.weighting.trim import trim_weights

__all__ = [
    "AdjustmentReport",
    "ChisqTest",
    "DomainEstimates",
    "Estimate",
    "SurveyDesign",
    "SurveyGLM",
    "WaldTest",
    "adjust_nonresponse",
    "as_replicate",
    "calibrate",
    "chisq_test",
    "contrast",
    "convergence_report",
    "domain_means",
    "glm",
    "holm",
    "kish_deff",
    "kish_n_eff",
    "mean",
    "pairwise",
    "poststratify",
    "proportion",
    "quantile",
    "rake",
    "ratio",
    "replicate_aware",
    "replicate_design",
    "total",
    "trim_weights",
    "wald_test",
    "weight_summary",
    "weighted_quantile",
    "weighted_table",
]
