"""The report context of the building blocks: protected data of one report (private).

:func:`toolkit.blocks.load_data` reads a data directory once and attaches the
protected publication set; :func:`toolkit.blocks.report_context` selects one
region and period from it. Everything a template can reach from the context comes from that
protected set (:mod:`toolkit.reports.content`). The only way to unprotected
data is :func:`toolkit.blocks.internal_context`, which marks every block it feeds as
"nur für den Dienstgebrauch".
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators import catalog, coverage
from toolkit.reports.content import prepare_report, survey_report

if TYPE_CHECKING:
    from toolkit.blocks._data import ReportData

__all__ = ["Context", "check_codes", "tables_of"]


def check_codes(codes: Sequence[str], known: set[str]) -> None:
    """Raise a ParameterError naming unknown indicator codes (with the nearest known code).

    Examples
    --------
    >>> check_codes(["betreuungsquote_u"], {"betreuungsquote_u3"})
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Unbekannte Indikatoren: betreuungsquote_u (meinten Sie betreuungsquote_u3?)
    ...
    """
    bad = [c for c in codes if c not in known]
    if bad:
        close = {c: difflib.get_close_matches(c, sorted(known), n=1) for c in bad}
        hints = [f"{c} (meinten Sie {m[0]}?)" if m else c for c, m in close.items()]
        raise ParameterError(
            f"Unbekannte Indikatoren: {', '.join(hints)}",
            hint="Codes aus toolkit.indicators.catalog() angeben (Spalte code)",
        )


def tables_of(codes: Sequence[str]) -> tuple[str, ...]:
    """Return the tables the indicators are computed from (coverage of empty data names them all).

    Examples
    --------
    >>> tables_of(["betreuungsquote_u3", "schulabgaenge"])
    ('kita', 'population', 'school_leavers')
    """
    missing = coverage({}, list(codes))["missing_tables"]
    return tuple(dict.fromkeys(t for ts in missing for t in ts))


class Context:
    """One report: region, period, comparisons and the protected data behind the blocks.

    Made by :func:`report_context` (or :func:`internal_context`). Blocks ask
    the context for what they show; rows a block needs that were not asked
    for up front (another time series, a breakdown) are read from the same
    protected set when the block runs.

    Attributes
    ----------
    region, region_name, level : str
        The report region.
    period : int
        Report year.
    title : str
        Report title (header).
    topic : str or None
        Fakten-Check topic the context was made for.
    internal : bool
        True only for :func:`internal_context`: every block is marked
        "nur für den Dienstgebrauch".

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> ctx.title, ctx.main, ctx.comparison
    ('Fakten-Check Frühe Bildung', 'betreuungsquote_u3', ('17', 'DG'))
    """

    def __init__(
        self,
        data: ReportData,
        region: str,
        period: int,
        *,
        title: str,
        indicators: Sequence[str],
        needs: Mapping[str, Any],
        tables: Sequence[str],
        comparison: Sequence[str] | None,
        min_count: int,
        topic: str | None = None,
        dimension: str = "",
        period_label: str | None = None,
        offsets: Mapping[str, int] | None = None,
    ) -> None:
        self._data = data
        self.title = title
        self.topic = topic
        self._internal = False
        self.table_names = tuple(tables)
        self.period_label = period_label or str(period)
        self.offsets = dict(offsets) if offsets else None
        self.min_count = int(min_count)
        self._comparison = comparison
        self._declared = list(indicators)
        self._needs: dict[str, Any] = {
            "indicators": list(indicators),
            # every key indicator as a series: its trend decides "stieg"/"sank" in the key messages
            "series": list(dict.fromkeys([*needs.get("series", ()), *indicators])),
            "breakdowns": {k: list(v) for k, v in dict(needs.get("breakdowns") or {}).items()},
            "sub_indicators": list(needs.get("sub_indicators", ())),
        }
        self._used: list[str] = []
        self._memo: dict[Any, Any] = {}  # header, messages, key figures per prepared data
        self.version = 0  # counts the reads of the protected set
        self._survey: Any = None
        self._dimension = dimension
        self._prepared: Any = None
        self._region_in, self._period_in = region, period
        if topic == "befragung":
            self._survey = survey_report(
                data._dataset, region, period, comparison=comparison, min_count=self.min_count
            )
            h = data._dataset.shared.hierarchy
            code = str(region).strip()
            self.region, self.period = code, int(period)
            self.region_name = h.name(code) if code in h else code
            self.level = h.level(code) if code in h else ""
            self.comparison: tuple[str, ...] = ()
            return
        self._prepare()

    @property
    def internal(self) -> bool:
        """True for :func:`toolkit.blocks.internal_context`: blocks are marked, raw data reachable."""
        return self._internal

    def _open_internal(self) -> None:
        """Make this an internal context (only :func:`toolkit.blocks.internal_context` does)."""
        self._internal = True

    # -- the protected rows --------------------------------------------------------------
    def _prepare(self) -> Any:
        n = self._needs
        self._prepared = prepare_report(
            self._data._dataset,
            self._region_in,
            self._period_in,
            indicators=n["indicators"],
            comparison=self._comparison,
            series=n["series"],
            breakdowns=n["breakdowns"],
            sub_indicators=n["sub_indicators"],
            min_count=self.min_count,
        )
        self.version += 1
        p = self._prepared
        self.region, self.region_name, self.level = p.region, p.region_name, p.level
        self.period, self.comparison = p.period, p.comparison
        return p

    def need(
        self,
        *,
        indicators: Sequence[str] = (),
        series: Sequence[str] = (),
        breakdowns: Mapping[str, Sequence[str]] | None = None,
        sub_indicators: Sequence[str] = (),
    ) -> Any:
        """Make sure the protected rows for these indicators are read; return the prepared data.

        Blocks call this; templates rarely need to. Unknown codes raise a
        :class:`~toolkit.errors.ParameterError`.

        Examples
        --------
        >>> from toolkit.blocks import load_data, report_context
        >>> ctx = report_context(load_data(), "17051", 2024, indicators=["betreuungsquote_u3"])
        >>> prepared = ctx.need(series=["betreuungsquote_3u6"])
        >>> sorted(set(prepared.frame["indicator"]))
        ['betreuungsquote_3u6', 'betreuungsquote_u3']
        """
        breakdowns = dict(breakdowns or {})
        asked = [*indicators, *series, *breakdowns, *sub_indicators]
        check_codes(asked, set(catalog()["code"]))
        self._used += [c for c in asked if c not in self._used]
        if self._survey is not None:
            return None
        n = self._needs
        changed = False
        for key, codes in (
            ("indicators", indicators),
            ("series", series),
            ("sub_indicators", sub_indicators),
        ):
            new = [c for c in codes if c not in n[key]]
            n[key] += new
            changed |= bool(new)
        for code, dims in breakdowns.items():
            have = n["breakdowns"].setdefault(code, [])
            new = [d for d in dims if d not in have]
            have += new
            changed |= bool(new)
        return self._prepare() if changed else self._prepared

    @property
    def prepared(self) -> Any:
        """The prepared protected data (:class:`toolkit.reports.content.ReportContext`); None for a survey."""
        return self._prepared

    @property
    def frame(self) -> pd.DataFrame:
        """The protected IndicatorFrame rows read so far (a copy).

        Examples
        --------
        >>> from toolkit.blocks import load_data, report_context
        >>> ctx = report_context(load_data(), "17051", 2024, indicators=["betreuungsquote_u3"])
        >>> sorted(set(ctx.frame["region_code"]))
        ['17', '17051', 'DG']
        """
        if self._prepared is None:
            return pd.DataFrame()
        return self._prepared.frame.copy()

    @property
    def omitted(self) -> tuple[tuple[str, str], ...]:
        """(indicator, reason) of indicators the data cannot give (listed under "Nicht enthalten")."""
        return () if self._prepared is None else tuple(self._prepared.omitted)

    @property
    def indicators(self) -> list[str]:
        """Key indicators of the report that the data can give, in order."""
        if self._survey is not None:
            return []
        gone = {c for c, _ in self.omitted}
        return [c for c in self._declared if c not in gone]

    @property
    def used(self) -> list[str]:
        """Key indicators and every indicator a block has shown, in order (for the definitions)."""
        return list(dict.fromkeys([*self._declared, *self._used]))

    @property
    def main(self) -> str | None:
        """The first key indicator (None when there is none, e.g. the survey)."""
        return self.indicator(0)

    def indicator(self, position: int) -> str | None:
        """Return the key indicator at ``position`` (0 = main), or None when there is none.

        Examples
        --------
        >>> from toolkit.blocks import load_data, report_context
        >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
        >>> ctx.indicator(1), ctx.indicator(9)
        ('betreuungsquote_3u6', None)
        """
        shown = self.indicators
        return shown[position] if 0 <= position < len(shown) else None

    @property
    def dimension(self) -> str:
        """Breakdown dimension of the main indicator of a Fakten-Check topic ("" if none)."""
        if not self._dimension or self.main != (self._declared or [None])[0]:
            return ""
        return self._dimension

    @property
    def survey(self) -> Any:
        """The survey report parts of the topic ``befragung`` (None for other contexts)."""
        return self._survey

    @property
    def dataset(self) -> Any:
        """Raw tables: only for :func:`internal_context`.

        Raises
        ------
        ParameterError
            For a publication context: raw tables are not protected.
        """
        if not self.internal:
            raise ParameterError(
                "Rohdaten sind im Berichtskontext nicht erreichbar (Geheimhaltung)",
                hint="Bausteine aus toolkit.blocks verwenden; nur für interne Auswertungen "
                "internal_context(...) (Bericht wird „nur für den Dienstgebrauch“ markiert)",
            )
        return self._data._dataset

    def unprotected_frame(self, indicators: Sequence[str] | None = None) -> pd.DataFrame:
        """Return indicators computed from the raw tables, WITHOUT disclosure control (internal only).

        Raises
        ------
        ParameterError
            For a publication context.
        """
        from toolkit.indicators import compute_all

        frame = compute_all(self.dataset)
        if indicators is not None:
            frame = frame[frame["indicator"].isin(list(indicators))]
        return frame.reset_index(drop=True)

    def __repr__(self) -> str:
        mark = ", intern" if self.internal else ""
        return f"Context({self.title!r}, {self.region} {self.region_name}, {self.period}{mark})"
