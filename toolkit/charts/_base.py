"""Shared parts of the report charts: the Chart result, palette, style, axis format (private)."""

from __future__ import annotations

import base64
import html
import io
import textwrap
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from toolkit.errors import DataError
from toolkit.text import fmt_number, is_missing

__all__ = ["OKABE_ITO", "Chart", "german_axis_formatter"]

#: Okabe–Ito colour-blind safe palette (blue first: the report's own region).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#555555",  # dark grey (instead of black, for the Bund line)
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)

_STYLE = {
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.edgecolor": "#cccccc",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e6e6e6",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "svg.hashsalt": "dkbm",
}


@dataclass(frozen=True)
class Chart:
    """A chart ready for a report.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The drawn figure.
    alt_text : str
        Text alternative describing the chart (German).
    finding : str
        One-line German finding shown under the chart.

    Examples
    --------
    >>> c = Chart(Figure(figsize=(1, 1)), "leeres Bild", "nichts")
    >>> c.to_html().startswith('<figure class="dkbm-chart"')
    True
    """

    figure: Figure
    alt_text: str
    finding: str

    def to_png(self, dpi: int = 100) -> bytes:
        r"""Render the figure as PNG bytes (deterministic: no timestamp).

        Parameters
        ----------
        dpi : int, default 100
            Resolution.

        Returns
        -------
        bytes
            The PNG file.

        Examples
        --------
        >>> Chart(Figure(figsize=(1, 1)), "a", "b").to_png()[:4]
        b'\x89PNG'
        """
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    def to_html(self, dpi: int = 100) -> str:
        """Return a self-contained ``<figure>`` with the image inlined.

        Parameters
        ----------
        dpi : int, default 100
            Resolution of the embedded PNG.

        Returns
        -------
        str
            HTML with ``alt`` text and the finding as ``<figcaption>``.

        Examples
        --------
        >>> 'alt="Balken"' in Chart(Figure(figsize=(1, 1)), "Balken", "x").to_html()
        True
        """
        data = base64.b64encode(self.to_png(dpi)).decode("ascii")
        return (
            '<figure class="dkbm-chart" style="break-inside:avoid;page-break-inside:avoid">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt_text)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption><strong>{html.escape(self.finding)}</strong></figcaption>"
            "</figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _styled() -> AbstractContextManager[None]:
    """Matplotlib settings of all report charts, as a context (no global change)."""
    return mpl.rc_context(_STYLE)  # type: ignore[arg-type]


def german_axis_formatter(unit: str = "") -> FuncFormatter:
    r"""Tick formatter writing German numbers (``1.000``, ``2,5``) with a unit.

    Parameters
    ----------
    unit : str, optional
        ``%`` adds `` %`` to each tick; other units are left to the axis label.

    Returns
    -------
    matplotlib.ticker.FuncFormatter
        Formatter for ``axis.set_major_formatter``.

    Examples
    --------
    >>> f = german_axis_formatter("%")
    >>> f(2.5, 0), f(1000, 1)
    ('2,5\xa0%', '1.000\xa0%')
    """

    def _format(x: float, _pos: int | None = None) -> str:
        decimals = (
            0 if abs(x - round(x)) < 1e-9 else (1 if abs(x * 10 - round(x * 10)) < 1e-6 else 2)
        )
        text = fmt_number(x, decimals)
        return f"{text}\u00a0%" if unit in ("%", "Prozent") else text

    return FuncFormatter(_format)


def _wrap(text: str, width: int) -> str:
    """Break a long title or label into lines (charts have a fixed width)."""
    return textwrap.fill(str(text), width=width, break_long_words=False) if text else ""


def _title(fig: Figure, title: str) -> None:
    """Chart title at the figure's left edge, wrapped to the figure width."""
    if title:
        fig.suptitle(_wrap(title, 68), fontsize=11, fontweight="bold", x=0.01, ha="left")


def _year_formatter() -> FuncFormatter:
    return FuncFormatter(lambda x, _pos=None: str(round(x)))


def _new_figure(width: float = 7.0, height: float = 3.4) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{what}: Spalten fehlen: {', '.join(missing)}",
            column=missing[0],
            hint="Eine IndicatorFrame bzw. Tabelle mit diesen Spalten übergeben",
        )


def _shown(row: Mapping[str, object]) -> bool:
    return not is_missing(row.get("value"), row.get("flag", ""))


def _axis_unit_label(unit: str) -> str:
    return "" if unit in ("%", "Prozent", "") else unit
