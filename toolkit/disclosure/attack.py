"""Audit of a whole publication: attack it as an outsider would.

:func:`audit_publication` takes what a publication shows (the protected
IndicatorFrame) and the true figures, and solves for every sensitive count
that is not shown the smallest and largest value an outsider can deduce
from everything shown together. It does not use the protection's tables:
the relations are derived again from the published rows.

Notes
-----
Unknowns are the counts not shown anywhere in the publication (a count
shown in one row and hidden in another is known). The relations an outsider
knows from the definitions are:

- the region hierarchy: a Kreis is the sum of its Gemeinden, a Land of its
  Kreise, a Gemeinde of its Sozialräume (where all parts are listed;
  otherwise the parts do not exceed the whole);
- every breakdown adds up to its total, also across indicators (school
  types to the entrants, Abschlüsse to the leavers, sectors to the iABE
  entrants, care types to the children in care);
- a rate shown with one decimal confines its numerator and denominator to a
  band: ``(v - 0.05) * den <= f * num <= (v + 0.05) * den``;
- a change between two periods is the difference of the two counts (as a
  rounded rate of the earlier count, a band).

Counts are non-negative. The linear programmes are solved with HiGHS
(:func:`scipy.optimize.linprog`) on the connected part of the system only;
with ``integer=True`` the bounds are tightened by integer programming
(:func:`scipy.optimize.milp`). A sensitive count is disclosed when its
interval does not reach ``value - protection`` (at least 0) and
``value + protection``.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3 (the
attacker's problem) and 5.6 (linked tables). Wiley.

Fischetti, M. and Salazar-González, J. J. (2001). Solving the cell
suppression problem on tabular data with linear constraints. *Management
Science* 47(7), 1008–1027.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.disclosure._audit_parts import attack_periods
from toolkit.disclosure._candidates import printed_rows
from toolkit.disclosure._families import as_strings, factor
from toolkit.disclosure._lp import Relation
from toolkit.errors import DisclosureError

__all__ = ["PUBLICATION_AUDIT_COLUMNS", "audit_publication", "audit_reports"]

#: Columns of :func:`audit_publication`'s result.
PUBLICATION_AUDIT_COLUMNS = (
    "family",
    "period",
    "region",
    "coords",
    "value",
    "feasible_min",
    "feasible_max",
    "protected",
)


def _published(source: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    from toolkit.disclosure.publication import ProtectedPublication, load_publication

    if isinstance(source, ProtectedPublication):
        return source.frame, source.meta
    if isinstance(source, (str, Path)):
        pub = load_publication(source)
        return pub.frame, pub.meta
    if isinstance(source, pd.DataFrame):
        return source, {}
    raise DisclosureError(
        f"audit_publication: unbekannte Quelle {type(source).__name__}",
        hint="ProtectedPublication, Verzeichnis des geschützten Datensatzes oder IndicatorFrame",
    )


def audit_publication(
    source: Any,
    truth: Any,
    *,
    min_count: int | None = None,
    group_min: int | None = None,
    protection: float = 1.0,
    integer: bool = False,
    intervals: bool = False,
    reports: str | Path | None = None,
    jobs: int | None = None,
) -> pd.DataFrame:
    """Attack a publication: feasible interval of every hidden sensitive count.

    Parameters
    ----------
    source : ProtectedPublication, path or pandas.DataFrame
        What is published: the protected set, its directory, or an
        IndicatorFrame of everything shown (NaN = not shown).
    truth : pandas.DataFrame or Dataset
        The unprotected IndicatorFrame with the same rows (same order), or
        the dataset it was computed from (recomputed for the periods and
        levels recorded in the protected set).
    min_count, group_min : int, optional
        Rules of the protection: counts 1 to ``min_count - 1`` and the
        numerators of 0 %/100 % rates of groups under ``group_min`` are
        sensitive. Default: those recorded in the protected set, else 3
        and 10.
    protection : float, default 1
        Required distance of the interval ends from the true value.
    integer : bool, default False
        Tighten by integer programming (counts are whole numbers).
    intervals : bool, default False
        Compute the exact interval of every hidden sensitive count. By
        default only disclosed counts get theirs; the others are proven
        protected by feasible tables found on the way (interval NaN).
    reports : str or Path, optional
        Folder of rendered reports (batch manifests and their HTML): every
        number they print in tables, sentences and alternative texts is read
        too (:mod:`toolkit.disclosure.report_audit`); a number only a hidden
        cell explains is known to the attacker. When ``source`` carries an
        input hash, only the reports a batch stamped with that protected set
        are read; the others are stale (another set, older rules) and listed
        in ``attrs["reports"].attrs["stale"]``, not judged.
    jobs : int, optional
        Worker processes for the periods (independent problems); default two
        for frames from 300,000 rows on, else none. The result does not
        depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per sensitive count, columns :data:`PUBLICATION_AUDIT_COLUMNS`;
        ``protected`` False is a disclosure (shown counts have an interval of
        their value). With ``reports``, ``attrs["reports"]`` holds every
        number read and its status (``erklärt``, ``verrät``, ``unerklärt``).

    Notes
    -----
    See the module notes for the relations used.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3.
    Wiley.

    Examples
    --------
    >>> t = pd.DataFrame({
    ...     "region_code": ["17", "17001", "17002", "17003"], "region_name": "x",
    ...     "level": ["land", "kreis", "kreis", "kreis"], "period": 2024,
    ...     "indicator": "schulabgaenge", "dimension": "", "category": "",
    ...     "value": [30.0, 2.0, 12.0, 16.0], "numerator": [30.0, 2.0, 12.0, 16.0],
    ...     "denominator": np.nan, "unit": "Anzahl", "flag": ""})
    >>> shown = t.copy(); shown.loc[1, ["value", "numerator"]] = np.nan
    >>> audit_publication(shown, t)[["region", "feasible_min", "feasible_max", "protected"]]
      region  feasible_min  feasible_max  protected
    0  17001           2.0           2.0      False
    >>> shown.loc[2, ["value", "numerator"]] = np.nan
    >>> audit_publication(shown, t, intervals=True)[["feasible_min", "feasible_max", "protected"]]
       feasible_min  feasible_max  protected
    0           0.0          14.0       True
    """
    pub, meta = _published(source)
    min_count = int(meta.get("min_count", 3)) if min_count is None else min_count
    group_min = int(meta.get("group_min", 10)) if group_min is None else group_min
    truth = _true_rows(pub, meta, truth)
    shown_row = as_strings(pub["flag"]) != "."
    shown_row &= pd.to_numeric(pub["value"], errors="coerce").notna().to_numpy()
    printed = {q: printed_rows(pub, q) & shown_row for q in ("numerator", "denominator")}
    rels: list[Relation] = []
    findings = None
    if reports is not None:
        findings, rels = audit_reports(pub, truth, reports, input_hash=meta.get("input_hash"))
    result = attack_periods(
        truth,
        printed,
        shown_row,
        rels,
        jobs=jobs,
        min_count=min_count,
        group_min=group_min,
        protection=protection,
        integer=integer,
        intervals=intervals,
    )
    if findings is not None:
        result.attrs["reports"] = findings
    return result


def audit_reports(
    source: Any, truth: Any, reports: str | Path, *, input_hash: str | None = None
) -> tuple[pd.DataFrame, list[Relation]]:
    """Read every number the rendered reports print; what the revealing ones tell an outsider.

    The report side of :func:`audit_publication`: a number that only a hidden
    cell explains (``verrät``) becomes a relation of the attack. Without any,
    the reports add nothing to what the protected set shows, and the set's own
    audit holds for them too.

    Parameters
    ----------
    source : ProtectedPublication, path or pandas.DataFrame
        The protected set (as in :func:`audit_publication`).
    truth : pandas.DataFrame or Dataset
        The unprotected IndicatorFrame with the same rows, or its dataset.
    reports : str or Path
        Folder of batch manifests and their rendered reports.
    input_hash : str, optional
        Read only reports stamped with this protected set (default: the
        set's own hash); the others are listed in ``attrs["stale"]``.

    Returns
    -------
    findings : pandas.DataFrame
        Every number read with its status (``erklärt``, ``verrät``,
        ``unerklärt``); ``attrs["stale"]`` the reports of another set.
    relations : list
        The revealing numbers as relations of the attack.

    Notes
    -----
    See :mod:`toolkit.disclosure.report_audit` for how numbers are read and
    matched.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3.
    Wiley.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": ["17"], "region_name": "x", "level": "land",
    ...     "period": 2024, "indicator": "schulabgaenge", "dimension": "", "category": "",
    ...     "value": [30.0], "numerator": [30.0], "denominator": np.nan, "unit": "Anzahl",
    ...     "flag": ""})
    >>> findings, rels = audit_reports(t, t, "/nonexistent")
    >>> len(findings), rels
    (0, [])
    """
    from toolkit.disclosure.report_audit import report_findings

    pub, meta = _published(source)
    truth = _true_rows(pub, meta, truth)
    wanted = meta.get("input_hash") if input_hash is None else input_hash
    # only the rows of the reports' regions, the regions above and below them (all of them
    # for a batch of every Kreis: then the frames are used as they are, not copied)
    near = _report_rows(truth, reports, wanted)
    if len(near) < len(truth):
        pub, truth = (f.iloc[near].reset_index(drop=True) for f in (pub, truth))
    stale: list[Path] = []
    findings, rels = report_findings(
        reports, pub, truth, ignore=_catalogue_phrases(), input_hash=wanted, stale=stale
    )
    findings.attrs["stale"] = [str(p) for p in stale]
    return findings, rels


def _true_rows(pub: pd.DataFrame, meta: dict[str, Any], truth: Any) -> pd.DataFrame:
    """Return the unprotected rows of ``pub`` (recomputed from a dataset), checked for length."""
    if not isinstance(truth, pd.DataFrame):
        from toolkit.indicators import compute_all

        # the same rows, in the same order, as protect_publication computed them
        truth = compute_all(truth, periods=meta.get("periods"), levels=meta.get("levels"))
    if len(pub) != len(truth):
        raise DisclosureError(
            f"audit_publication: {len(pub)} veröffentlichte, aber {len(truth)} wahre Zeilen",
            hint="Die wahre IndicatorFrame muss dieselben Zeilen in derselben Reihenfolge haben.",
        )
    return truth.reset_index(drop=True)


def _report_rows(truth: pd.DataFrame, reports: str | Path, input_hash: Any) -> np.ndarray:
    """Rows of the regions of the reports under ``reports``, their ancestors and descendants."""
    from toolkit.disclosure._hierarchy import ags_ancestors
    from toolkit.disclosure.report_audit import report_files

    mine = {region for _, region, _ in report_files(reports, input_hash=input_hash)}
    if "DG" in mine:
        return np.arange(len(truth))
    code, uniq = factor(truth["region_code"])
    uniq = pd.Series(uniq, dtype=object)
    keep = set(mine) | {a for r in mine for a in ags_ancestors(r)}
    below = uniq.str.startswith(tuple(mine)).to_numpy() if mine else np.zeros(len(uniq), bool)
    # a row without a region code (-1) is no report's
    return np.flatnonzero(np.r_[uniq.isin(keep).to_numpy() | below, False][code])


def _catalogue_phrases() -> tuple[str, ...]:
    """Return the indicator names and definitions (their numbers are no figures)."""
    from toolkit.indicators import catalog

    c = catalog()
    cols = ["name_de", "definition_de", "numerator_de", "denominator_de", "reference_date_de"]
    texts = {str(t) for col in cols if col in c.columns for t in c[col].dropna()}
    return tuple(sorted((t for t in texts if t), key=len, reverse=True))
