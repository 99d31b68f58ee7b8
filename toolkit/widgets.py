r"""Interactive explorers for analysts (ipywidgets; also served by Voilà).

The :class:`IndicatorExplorer` lets an analyst pick an indicator, a region,
a breakdown and comparison regions and shows the time series chart, its
German finding and a table of the values. Disclosure control is applied
before anything is shown: per indicator, over all regions at once (so that
secondary suppression sees the whole hierarchy), and cached, so switching
back and forth stays fast.

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"region_code": ["17", "17", "DG", "DG"],
...     "region_name": ["Musterland"] * 2 + ["Deutschland"] * 2, "level": ["land"] * 2 + ["bund"] * 2,
...     "period": [2023, 2024] * 2, "indicator": "altenquotient", "dimension": "", "category": "",
...     "value": [30.0, 31.0, 36.0, 37.0], "numerator": [300.0, 310, 3600, 3700],
...     "denominator": [1000.0] * 2 + [10000.0] * 2, "unit": "je 100", "flag": ""})
>>> ex = IndicatorExplorer(f, region="17")
>>> t = ex.table()
>>> list(t["Region"][1:3]), [w.replace("\xa0", " ") for w in t["Wert"][1:3]]
(['Musterland', 'Deutschland'], ['31,0 je 100', '36,0 je 100'])
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from toolkit.charts import time_series_chart
from toolkit.errors import DkbmError, ParameterError
from toolkit.indicators import catalog, validate_indicator_frame
from toolkit.text import fmt_value, missing_reason

__all__ = ["IndicatorExplorer", "indicator_explorer", "voila_command"]

_TOTAL = "(insgesamt)"


def _default_protector(min_count: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    from toolkit.disclosure import protect_indicators

    def protector(frame: pd.DataFrame) -> pd.DataFrame:
        return protect_indicators(frame, min_count=min_count)

    return protector


class IndicatorExplorer:
    """Explore an IndicatorFrame: indicator, region, breakdown, comparisons.

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame, e.g. from :func:`toolkit.indicators.compute_all`.
    region : str, optional
        Region shown first; defaults to the first Land in the frame.
    indicator : str, optional
        Indicator shown first; defaults to the first one of the catalogue
        order present in the frame.
    protect : bool, default True
        Apply disclosure control (:func:`toolkit.disclosure.protect_indicators`)
        to each indicator before showing it. Switch off only for data that
        never leave the office.
    min_count : int, default 3
        Smallest publishable count for disclosure control.

    Attributes
    ----------
    indicator, region, dimension : ipywidgets.Dropdown
        The selection controls.
    comparisons : ipywidgets.SelectMultiple
        Comparison regions drawn next to the region.
    output : ipywidgets.HTML
        Chart (with alt text and finding) and table.
    widget : ipywidgets.VBox
        Everything, ready to display.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
    ...     "period": [2024], "indicator": ["altenquotient"], "dimension": [""],
    ...     "category": [""], "value": [1.0], "numerator": [1.0], "denominator": [1.0],
    ...     "unit": ["je 100"], "flag": [""]})
    >>> IndicatorExplorer(f, protect=False).region.value
    '17'
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        region: str | None = None,
        indicator: str | None = None,
        protect: bool = True,
        min_count: int = 3,
    ) -> None:
        self._frame = validate_indicator_frame(frame)
        if self._frame.empty:
            raise ParameterError(
                "Die Indikatortabelle ist leer; es gibt nichts zu erkunden.",
                hint="Erst Indikatoren berechnen, z. B. toolkit.indicators.compute_all(...).",
            )
        self._protector = _default_protector(min_count) if protect else None
        self._cache: dict[str, pd.DataFrame] = {}
        cat = catalog().set_index("code")
        present = list(pd.unique(self._frame["indicator"]))
        ordered = [c for c in cat.index if c in present] + [
            c for c in present if c not in cat.index
        ]
        names = {c: (cat.loc[c, "name_de"] if c in cat.index else c) for c in ordered}
        regions = (
            self._frame[["region_code", "region_name", "level"]]
            .drop_duplicates("region_code")
            .sort_values("region_code", key=lambda s: s.str.replace("DG", "00"))
        )
        region_options = [
            (f"{r.region_name} ({r.region_code}, {r.level})", r.region_code)
            for r in regions.itertuples()
        ]
        codes = [code for _, code in region_options]
        if region is not None and region not in codes:
            raise ParameterError(
                f"Region '{region}' kommt in der Indikatortabelle nicht vor.",
                column="region_code",
                hint="Einen Regionalschlüssel aus der Tabelle wählen.",
            )
        if indicator is not None and indicator not in ordered:
            raise ParameterError(
                f"Indikator '{indicator}' kommt in der Indikatortabelle nicht vor.",
                column="indicator",
                hint=f"Vorhanden: {', '.join(ordered[:10])} …",
            )
        lands = regions.loc[regions["level"] == "land", "region_code"].tolist()
        first_region = region or (lands[0] if lands else codes[0])
        self.indicator = widgets.Dropdown(
            options=[(names[c], c) for c in ordered],
            value=indicator or ordered[0],
            description="Indikator",
            layout=widgets.Layout(width="480px"),
        )
        self.region = widgets.Dropdown(
            options=region_options,
            value=first_region,
            description="Region",
            layout=widgets.Layout(width="480px"),
        )
        self.dimension = widgets.Dropdown(description="Aufteilung", options=[(_TOTAL, "")])
        self.comparisons = widgets.SelectMultiple(
            options=region_options,
            value=tuple(c for c in (*lands[:1], "DG") if c in codes and c != first_region),
            description="Vergleich",
            rows=6,
            layout=widgets.Layout(width="480px"),
        )
        self.output = widgets.HTML()
        self.widget = widgets.VBox(
            [self.indicator, self.region, self.dimension, self.comparisons, self.output]
        )
        self._update_dimensions()
        for control in (self.indicator, self.region, self.dimension, self.comparisons):
            control.observe(self._on_change, names="value")
        self.refresh()

    # -- data -------------------------------------------------------------
    def protected(self, indicator: str | None = None) -> pd.DataFrame:
        """Return the (protected) rows of one indicator, all regions and periods.

        Parameters
        ----------
        indicator : str, optional
            Indicator code; defaults to the selected one.

        Returns
        -------
        pandas.DataFrame
            IndicatorFrame rows after disclosure control (cached).

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [50.0], "numerator": [1.0], "denominator": [2.0],
        ...     "unit": ["%"], "flag": [""]})
        >>> IndicatorExplorer(f).protected()["flag"].tolist()
        ['.']
        """
        code = indicator or self.indicator.value
        if code not in self._cache:
            rows = self._frame[self._frame["indicator"] == code]
            self._cache[code] = self._protector(rows) if self._protector else rows
        return self._cache[code]

    def selection(self) -> pd.DataFrame:
        """Return the rows currently shown: region and comparisons, chosen breakdown.

        Returns
        -------
        pandas.DataFrame
            IndicatorFrame rows sorted by region order and period.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [5.0], "numerator": [5.0], "denominator": [100.0],
        ...     "unit": ["%"], "flag": [""]})
        >>> len(IndicatorExplorer(f).selection())
        1
        """
        rows = self.protected()
        codes = [self.region.value, *[c for c in self.comparisons.value if c != self.region.value]]
        rows = rows[rows["region_code"].isin(codes) & (rows["dimension"] == self.dimension.value)]
        order = {c: i for i, c in enumerate(codes)}
        return rows.sort_values(
            ["region_code", "category", "period"],
            key=lambda s: s.map(order) if s.name == "region_code" else s,
        ).reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """Return the shown values as a German-formatted table.

        Returns
        -------
        pandas.DataFrame
            Columns Region, Kategorie (with a breakdown), Jahr, Wert, Zähler,
            Nenner, Hinweis; suppressed values appear as their symbol.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [1250.0], "numerator": [1250.0], "denominator": [float("nan")],
        ...     "unit": ["Anzahl"], "flag": [""]})
        >>> IndicatorExplorer(f).table()["Wert"].tolist()
        ['1.250']
        """
        rows = self.selection()
        out = pd.DataFrame(
            {
                "Region": rows["region_name"],
                "Jahr": rows["period"].astype(int),
                "Wert": [
                    fmt_value(v, u, flag=f)
                    for v, u, f in zip(rows["value"], rows["unit"], rows["flag"], strict=True)
                ],
                "Zähler": [
                    fmt_value(v, "Anzahl", flag=f)
                    for v, f in zip(rows["numerator"], rows["flag"], strict=True)
                ],
                "Nenner": [
                    fmt_value(v, "Anzahl", flag=f)
                    for v, f in zip(rows["denominator"], rows["flag"], strict=True)
                ],
                "Hinweis": [missing_reason(f) if f else "" for f in rows["flag"]],
            }
        )
        if self.dimension.value:
            out.insert(1, "Kategorie", rows["category"].to_numpy())
        return out

    # -- view -------------------------------------------------------------
    def _update_dimensions(self) -> None:
        rows = self.protected()
        dims = sorted(d for d in pd.unique(rows["dimension"]) if d)
        self.dimension.options = [(_TOTAL, ""), *[(d, d) for d in dims]]
        self.dimension.value = ""

    def _on_change(self, change: dict) -> None:
        if change.get("owner") is self.indicator:
            self._update_dimensions()
        self.refresh()

    def refresh(self) -> None:
        """Redraw chart, finding and table for the current selection.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [5.0], "numerator": [5.0], "denominator": [100.0],
        ...     "unit": ["%"], "flag": [""]})
        >>> ex = IndicatorExplorer(f)
        >>> ex.refresh()
        >>> "5,0" in ex.output.value and "<figure" in ex.output.value
        True
        """
        parts: list[str] = []
        table = self.table()
        if self.dimension.value == "" and not table.empty:
            comparisons = [c for c in self.comparisons.value if c != self.region.value]
            try:
                chart = time_series_chart(
                    self.protected(),
                    self.indicator.value,
                    self.region.value,
                    comparisons=comparisons,
                    title=self.indicator.label,
                )
            except DkbmError as exc:  # a chart problem must not hide the table
                parts.append(f"<p><em>Keine Grafik: {html.escape(exc.message)}</em></p>")
            else:
                parts.append(chart.to_html())
        if table.empty:
            parts.append("<p>Für diese Auswahl gibt es keine Werte.</p>")
        else:
            parts.append(table.to_html(index=False, classes="dkbm-table", border=0))
        self.output.value = "\n".join(parts)


def indicator_explorer(frame: pd.DataFrame, **options: object) -> widgets.VBox:
    """Build an indicator explorer widget in one call.

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame.
    **options
        Passed to :class:`IndicatorExplorer` (``region``, ``indicator``,
        ``protect``, ``min_count``).

    Returns
    -------
    ipywidgets.VBox
        The widget, ready to display.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
    ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
    ...     "value": [5.0], "numerator": [5.0], "denominator": [100.0],
    ...     "unit": ["%"], "flag": [""]})
    >>> type(indicator_explorer(f)).__name__
    'VBox'
    """
    return IndicatorExplorer(frame, **options).widget  # type: ignore[arg-type]


#: Jupyter data folder with the ``dkbm`` Voilà template (lab without CDN links).
JUPYTER_DATA = Path(__file__).resolve().parent / "jupyter_data"


def voila_command(
    notebook: str | os.PathLike[str], *, port: int = 8866, ip: str = "127.0.0.1"
) -> tuple[list[str], dict[str, str]]:
    """Command and environment to serve an explorer notebook with Voilà.

    The ``dkbm`` template is Voilà's ``lab`` template without the Font Awesome
    stylesheets it links from a CDN, and the JupyterLab jupytext extension
    (which fails outside JupyterLab) is not loaded, so the app makes no
    request to any other host and logs no errors in the browser.

    Parameters
    ----------
    notebook : path
        Notebook to serve.
    port : int, default 8866
        Port on ``ip``.
    ip : str, default "127.0.0.1"
        Address to listen on (loopback by default).

    Returns
    -------
    tuple of (list of str, dict)
        Arguments for :func:`subprocess.Popen` and the environment to use.

    Examples
    --------
    >>> args, env = voila_command("notebooks/03_indikatoren_erkunden.ipynb", port=9000)
    >>> "--template=dkbm" in args and "--port=9000" in args
    True
    """
    env = dict(os.environ)
    paths = [str(JUPYTER_DATA), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    args = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--template=dkbm",
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--VoilaConfiguration.extension_denylist=['jupyterlab-jupytext']",
    ]
    return args, env
