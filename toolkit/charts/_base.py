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

__all__ = [
    "OKABE_ITO",
    "RATE_UNITS",
    "REFERENCE_COLOUR",
    "ROLE_COLOURS",
    "SMALL_BASE",
    "Chart",
    "case_base",
    "german_axis_formatter",
    "role_colour",
]

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

#: One meaning per colour in every chart of a report: the report's own region is
#: always blue, the Land always orange, the Bund always dark grey. Further
#: comparison regions take the remaining colours in order.
ROLE_COLOURS: dict[str, str] = {
    "region": OKABE_ITO[0],
    "land": OKABE_ITO[1],
    "bund": OKABE_ITO[2],
}

#: Colour of reference lines ("insgesamt", the region's own total) in bar charts:
#: near-black and dashed, so it is never mistaken for Land or Bund.
REFERENCE_COLOUR = "#1A1A1A"

_OTHER_COLOURS = OKABE_ITO[3:7]

#: Units of rates: only they have a base of cases (counts never rest on a "small base").
RATE_UNITS = ("%", "je 100", "je 1000")

#: Fewest cases a rate may rest on to be compared ("höchster/niedrigster Wert"); values
#: on fewer are marked "*" in charts, maps and tables (issue #17; the reports' rule).
SMALL_BASE = 20


def case_base(frame: pd.DataFrame) -> list[float]:
    """Cases each rate rests on: its denominator, or its numerator where it has none.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``unit`` and, where known, ``numerator`` and ``denominator``.

    Returns
    -------
    list of float
        One number per row; NaN for counts (no base) and where nothing is known.

    Examples
    --------
    >>> f = pd.DataFrame({"unit": ["%", "%", "Anzahl"], "numerator": [9.0, 3.0, 5.0],
    ...                   "denominator": [float("nan"), 12.0, float("nan")]})
    >>> case_base(f)
    [9.0, 12.0, nan]
    """
    nan = float("nan")
    num = frame["numerator"] if "numerator" in frame.columns else [nan] * len(frame)
    den = frame["denominator"] if "denominator" in frame.columns else [nan] * len(frame)
    units = frame["unit"] if "unit" in frame.columns else [""] * len(frame)
    out = []
    for u, n, d in zip(units, num, den, strict=True):
        if str(u) not in RATE_UNITS:
            out.append(nan)
        else:
            out.append(float(d) if d == d and d is not None else float(n) if n is not None else nan)
    return out


def role_colour(code: str, region: str, index: int = 0) -> str:
    """Return the colour of a region in a chart, by its role in the report.

    Parameters
    ----------
    code : str
        Region code drawn (``DG`` is the Bund, a 2-digit code a Land).
    region : str
        Code of the report's own region.
    index : int, default 0
        Position among further comparison regions (picks their colour).

    Returns
    -------
    str
        Hex colour from :data:`ROLE_COLOURS` or the rest of the palette.

    Examples
    --------
    >>> role_colour("17051", "17051"), role_colour("17", "17051"), role_colour("DG", "17051")
    ('#0072B2', '#E69F00', '#555555')
    """
    if code == region:
        return ROLE_COLOURS["region"]
    if code == "DG":
        return ROLE_COLOURS["bund"]
    if len(code) == 2:
        return ROLE_COLOURS["land"]
    return _OTHER_COLOURS[index % len(_OTHER_COLOURS)]


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
    title : str, optional
        Chart title; the rendered report numbers it ("Abbildung 2: …").
    source : str, optional
        Source line shown under the chart (the report's default otherwise).
    data : tuple of tuple of str, optional
        Small data table of the values drawn, first row the header; shown
        under the chart (folded on screen) for readers who cannot see it.

    Examples
    --------
    >>> c = Chart(Figure(figsize=(1, 1)), "leeres Bild", "nichts")
    >>> c.to_html().startswith('<figure class="dkbm-chart"')
    True
    """

    figure: Figure
    alt_text: str
    finding: str
    title: str = ""
    source: str = ""
    data: tuple[tuple[str, ...], ...] = ()

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
        attrs = "".join(
            f' data-{key}="{html.escape(value)}"'
            for key, value in (("title", self.title), ("source", self.source))
            if value
        )
        return (
            f'<figure class="dkbm-chart"{attrs} style="break-inside:avoid;page-break-inside:avoid">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt_text)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption><strong>{html.escape(self.finding)}</strong></figcaption>"
            f"{_data_table(self.data)}</figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _data_table(rows: tuple[tuple[str, ...], ...]) -> str:
    """Return the values of a chart as a folded HTML table (empty when there are none)."""
    if len(rows) < 2:
        return ""
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:]
    )
    return (
        '<details class="dkbm-figdata"><summary>Daten zur Abbildung</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _short_alt(text: str, limit: int = 250) -> str:
    """Cut an alt text to at most ``limit`` characters at a '; ' boundary (values: the table).

    Examples
    --------
    >>> len(_short_alt("Balken. " + "; ".join(["Kategorie: 12,3 %"] * 30), 250)) <= 250
    True
    """
    if len(text) <= limit:
        return text
    tail = " … Alle Werte in der Tabelle."
    cut = text[: limit - len(tail)]
    for sep in ("; ", ", ", " "):
        if sep in cut:
            cut = cut.rsplit(sep, 1)[0]
            break
    return cut + tail


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
    done: dict[str, str] = {}  # matplotlib asks for the same ticks many times per drawing

    def _format(x: float, _pos: int | None = None) -> str:
        key = repr(x)  # -0.0 and 0.0 stay apart
        if key in done:
            return done[key]
        decimals = (
            0 if abs(x - round(x)) < 1e-9 else (1 if abs(x * 10 - round(x * 10)) < 1e-6 else 2)
        )
        text = fmt_number(x, decimals)
        done[key] = f"{text}\u00a0%" if unit in ("%", "Prozent") else text
        return done[key]

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


def _shown_rows(frame: pd.DataFrame) -> pd.Series:
    """:func:`_shown` of every row, as a boolean Series (without a Series per row)."""
    flags = frame["flag"] if "flag" in frame.columns else [""] * len(frame)
    mask = [not is_missing(v, f) for v, f in zip(frame["value"], flags, strict=True)]
    return pd.Series(mask, index=frame.index, dtype=bool)


def _axis_unit_label(unit: str) -> str:
    return "" if unit in ("%", "Prozent", "") else unit
