"""Choosing what a batch produces: output formats and regions.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"region_code": ["DG", "17", "17001", "17001000"],
...                       "level": ["bund", "land", "kreis", "gemeinde"]})
>>> resolve_regions("kreise", frame)
['17001']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from toolkit.errors import ParameterError
from toolkit.reports.tasks import FORMATS

__all__ = ["parse_formats", "resolve_regions"]

_REGION_SETS = {
    "kreise": ("kreis",),
    "gemeinden": ("gemeinde",),
    "all": ("land", "regbez", "kreis", "gemeinde"),
}


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Return the output formats from ``"html,pdf"`` or a sequence, checked.

    Examples
    --------
    >>> parse_formats("pdf, html")
    ('html', 'pdf')
    >>> parse_formats("docx")
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Unbekanntes Ausgabeformat: docx
    ...
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = {item.strip().lower() for item in items if item.strip()}
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise ParameterError(
            f"Unbekanntes Ausgabeformat: {', '.join(unknown) or '(leer)'}",
            hint=f"erlaubt: {', '.join(FORMATS)}, z. B. --format html,pdf",
        )
    return tuple(f for f in FORMATS if f in chosen)


def _is_file(spec: str) -> bool:
    # a long list of codes is no file name; the OS may refuse to look it up at all
    try:
        return Path(spec).is_file()
    except OSError:
        return False


def resolve_regions(spec: str | Sequence[str], regions: Any) -> list[str]:
    """Turn a region selection into a list of region codes.

    Parameters
    ----------
    spec : str or sequence of str
        ``all`` (Land, Regierungsbezirke, Kreise and Gemeinden), ``kreise``
        (Kreise and kreisfreie Städte), ``gemeinden``, a path to a file with
        one code per line (``#`` starts a comment), a comma-separated list
        of codes, or a sequence of codes.
    regions : pandas.DataFrame
        The dataset's ``regions`` table.

    Returns
    -------
    list of str
        Codes in the order given (sets: sorted), without duplicates. Codes
        not in the data are kept; the batch records them as failed.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"region_code": ["17001"], "level": ["kreis"]})
    >>> resolve_regions("17002, 17001,17002", frame)
    ['17002', '17001']
    """
    if not isinstance(spec, str):
        codes = [str(c).strip() for c in spec]
    elif spec.strip().lower() in _REGION_SETS:
        levels = _REGION_SETS[spec.strip().lower()]
        frame = regions[regions["level"].isin(levels)]
        return sorted(str(c) for c in frame["region_code"])
    elif _is_file(spec):
        codes = []
        for line in Path(spec).read_text(encoding="utf-8").splitlines():
            text = line.split("#", 1)[0].strip()
            if text and text != "region_code":
                codes.append(text.split(",")[0].split(";")[0].strip())
    else:
        codes = [c.strip() for c in spec.split(",")]
    seen: dict[str, None] = {}
    for code in codes:
        if code:
            seen.setdefault(code, None)
    if not seen:
        raise ParameterError(
            "Keine Regionen ausgewählt",
            hint="--regions all|kreise|gemeinden|DATEI|AGS,AGS",
        )
    return list(seen)
