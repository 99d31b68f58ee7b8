"""Summaries of an audit for a batch manifest: disclosed cells, numbers read, stale reports.

Examples
--------
>>> disclosed(pd.DataFrame({"protected": [True, False]})).index.tolist()
[1]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["audit_summary", "disclosed", "findings_summary", "stale_message"]


def disclosed(result: pd.DataFrame) -> pd.DataFrame:
    """Rows of an audit result whose count an outsider narrows below the protection.

    Examples
    --------
    >>> disclosed(pd.DataFrame({"protected": [True, False]})).index.tolist()
    [1]
    """
    return result[~result["protected"].astype(bool)]


def audit_summary(result: pd.DataFrame, *, limit: int = 50) -> dict[str, Any]:
    """Summarise an audit for a batch manifest (JSON-ready); ``ok`` False fails the batch.

    Examples
    --------
    >>> r = pd.DataFrame({"family": ["f", "f"], "period": 2024, "region": ["1", "2"],
    ...     "coords": [(), ()], "value": [1.0, 2.0], "feasible_min": [0.0, 2.0],
    ...     "feasible_max": [5.0, 2.0], "protected": [True, False]})
    >>> s = audit_summary(r)
    >>> s["ok"], s["sensitive"], s["disclosed"], s["cells"][0]["region"]
    (False, 2, 1, '2')
    """
    bad = disclosed(result)
    cells = [
        {
            "family": str(r.family),
            "period": int(r.period),
            "region": str(r.region),
            "coords": list(r.coords),
            "feasible_min": float(r.feasible_min),
            "feasible_max": float(r.feasible_max),
        }
        for r in bad.head(limit).itertuples(index=False)
    ]
    out = {"ok": bad.empty, "sensitive": len(result), "disclosed": len(bad), "cells": cells}
    findings = result.attrs.get("reports")
    if isinstance(findings, pd.DataFrame):
        out["reports"] = findings_summary(findings, limit=limit)
    return out


def findings_summary(findings: pd.DataFrame, *, limit: int = 50) -> dict[str, Any]:
    """Summarise the numbers read from reports (:func:`audit_reports`) for a manifest.

    The revealing numbers (``verrät``) come first among the examples: they are
    what the user has to find and fix; then the unexplained ones.

    Examples
    --------
    >>> f = pd.DataFrame({"file": ["a.html", "a.html"], "status": ["unerklärt", "verrät"],
    ...     "context": ["Satz", "Tabelle"], "value": [5.0, 2.0]})
    >>> s = findings_summary(f)
    >>> s["numbers"], s["verrät"], s["examples"][0]["status"]
    (2, 1, 'verrät')
    """
    status = findings["status"]
    odd = pd.concat([findings[status == "verrät"], findings[status == "unerklärt"]])
    out: dict[str, Any] = {
        "files": int(findings["file"].nunique()),
        "numbers": len(findings),
        **{s: int((status == s).sum()) for s in ("erklärt", "verrät", "unerklärt")},
        "examples": [
            {
                "file": Path(str(r.file)).name,
                "status": str(r.status),
                "context": str(r.context)[:200],
                "value": float(r.value),
            }
            for r in odd.head(limit).itertuples(index=False)
        ],
    }
    stale = findings.attrs.get("stale") or []
    if stale:
        out["stale"] = {
            "files": len(stale),
            "examples": stale[:limit],
            "hinweis": stale_message(stale),
        }
    return out


def stale_message(stale: list[str]) -> str:
    """German note on reports in the output folder that the current protected set did not make.

    Examples
    --------
    >>> stale_message(["out/2024/fakten_check/17001_a.html"])[:47]
    '1 Bericht(e) im Ausgabeordner stammen nicht aus'
    """
    folders = sorted({str(Path(p).parent) for p in stale})
    return (
        f"{len(stale)} Bericht(e) im Ausgabeordner stammen nicht aus dem aktuellen geschützten "
        "Datensatz (andere Daten, ältere Schutzregeln oder vor dieser Prüfung erstellt) und "
        f"wurden nicht geprüft: {', '.join(folders[:5])}{' …' if len(folders) > 5 else ''}. "
        "Nicht veröffentlichen: löschen oder mit dkbm batch (ohne --resume) neu erstellen."
    )
