"""Print layout of rendered reports: A4 pages, footer, figure numbers, Impressum.

The renderer lays every report page out with the publisher's settings
(:class:`toolkit.reports.bericht.BerichtConfig`, read from ``bericht.toml``):

* print CSS: A4 pages, a footer on every PDF page ("Herausgeber · Datenstand
  … · Seite x von y"), figures, tables and definitions never split, headings
  kept with what follows, no forced page breaks (no half-empty pages);
* numbered figures ("Abbildung 2: … – Region") with a source line;
* an Impressum at the end (Herausgeber, contact, publication date, data
  licence, "Erstellt mit dkbm-toolkit <version>").

The names of :mod:`toolkit.reports.bericht` are importable from here as well.

Examples
--------
>>> cfg = BerichtConfig(herausgeber="Landkreis Beispiel")
>>> "counter(pages)" in print_css(cfg, datenstand="31. Dezember 2024")
True
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from pathlib import Path

from toolkit.reports.bericht import (
    BERICHT_ENV,
    BERICHT_FILE,
    BerichtConfig,
    load_bericht_config,
)

__all__ = [
    "BERICHT_ENV",
    "BERICHT_FILE",
    "BerichtConfig",
    "decorate_html",
    "impressum_html",
    "load_bericht_config",
    "print_css",
]

_DATENSTAND = re.compile(r'<p class="dkbm-datenstand">\s*Datenstand:\s*([^<]*)</p>')
_FIGURE = re.compile(r'<figure class="dkbm-(?:chart|map)[^"]*"([^>]*)>')
_FIGURE_END = "</figure>"


def _css_string(text: str) -> str:
    """Quote text for a CSS ``content`` string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def print_css(config: BerichtConfig, *, datenstand: str = "") -> str:
    """Return the report's stylesheet: A4 pages, footer, page breaks, definitions layout.

    Parameters
    ----------
    config : BerichtConfig
        Publisher settings (footer text, accent colour).
    datenstand : str, optional
        Datenstand shown in the footer.

    Returns
    -------
    str
        CSS for a ``<style>`` element.

    Examples
    --------
    >>> "size: A4" in print_css(BerichtConfig())
    True
    """
    if ";" in datenstand:  # one date per table (issue #17): the report head lists them
        datenstand = "je Tabelle, siehe Berichtskopf"
    footer = config.herausgeber + (f" · Datenstand: {datenstand}" if datenstand else "")
    accent = config.farbe
    return f"""
@page {{
  size: A4;
  margin: 18mm 17mm 20mm 17mm;
  @bottom-left {{ content: {_css_string(footer)}; font: 8pt sans-serif; color: #444; }}
  @bottom-right {{ content: "Seite " counter(page) " von " counter(pages);
                   font: 8pt sans-serif; color: #444; }}
}}
h1, h2 {{ color: {accent}; }}
h2 {{ border-bottom: 1px solid {accent}; padding-bottom: 0.15em; }}
.dkbm-masthead, .dkbm-impressum {{ font-family: var(--jp-content-font-family, sans-serif); }}
.dkbm-masthead {{ display: flex; align-items: center; gap: 1rem; margin: 0.5rem 0;
  border-bottom: 3px solid {accent}; padding-bottom: 0.4rem; font-size: 0.9rem; }}
.dkbm-masthead img {{ max-height: 3rem; width: auto; }}
.dkbm-figtitle {{ font-weight: bold; margin: 0 0 0.3rem 0; }}
.dkbm-source {{ font-size: 0.85em; color: #444; margin: 0.2rem 0 0 0; }}
.dkbm-figdata table {{ font-size: 0.85em; }}
.dkbm-maptable :is(th, td) {{ white-space: nowrap; }}
.dkbm-maptable :is(th, td):is(:first-child, :last-child) {{ text-align: left; }}
.dkbm-maptable td:last-child {{ white-space: normal; }}
dl.dkbm-definitions {{ display: grid; grid-template-columns: minmax(8rem, 15rem) minmax(0, 1fr);
  gap: 0.35rem 1rem; margin: 0.5rem 0; }}
dl.dkbm-definitions > dt {{ grid-column: 1; font-weight: bold; margin: 0;
  overflow-wrap: anywhere; hyphens: auto; float: none; width: auto; }}
dl.dkbm-definitions > dd {{ grid-column: 2; margin: 0; float: none; width: auto;
  overflow-wrap: anywhere; }}
@media (max-width: 40rem) {{
  dl.dkbm-definitions {{ display: block; }}
  dl.dkbm-definitions > dd {{ margin: 0 0 0.6rem 1rem; }}
}}
.dkbm-impressum {{ margin-top: 2rem; border-top: 1px solid #999; padding-top: 0.5rem;
  font-size: 0.85rem; break-inside: avoid; }}
.dkbm-impressum dl {{ display: grid; grid-template-columns: max-content minmax(0, 1fr);
  gap: 0.15rem 1rem; }}
.dkbm-impressum dt {{ font-weight: bold; }}
.dkbm-impressum dd {{ margin: 0; }}
@media print {{
  body.jp-Notebook {{ max-width: none; margin: 0; padding: 0; }}
  /* nbconvert's boxes scroll (overflow: auto) and are flex boxes: Chromium prints such a box
     as one block (moved whole to the next page, leaving half-empty pages); in print they
     are plain blocks that may break between their figures, tables and paragraphs */
  .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child,
  .jp-OutputArea-output, .jp-RenderedHTMLCommon {{
    break-inside: auto; overflow: visible !important; display: block !important; }}
  .jp-OutputPrompt, .jp-OutputCollapser, .jp-Collapser {{ display: none !important; }}
  h1, h2, h3, h4, dt, caption, .dkbm-figtitle {{ break-after: avoid; }}
  figure, tr, dd, .dkbm-impressum, .dkbm-sample-note {{ break-inside: avoid; }}
  /* a long table (key figures, survey results) may continue on the next page between two
     rows, its header repeated, instead of leaving the rest of a page empty */
  thead {{ display: table-header-group; }}
  /* charts and maps (inline SVG too) at most 52 mm high: a Fakten-Check with its map keeps
     to 4 pages */
  figure img, figure svg {{ max-height: 52mm; width: auto; max-width: 100%; }}
  figure {{ margin: 0.3rem 0 0.6rem 0; }}
  /* the appendix in two columns of small print: a term stays with its definition, a
     definition is never split (Übergänge: 2 pages instead of 3.5) */
  dl.dkbm-definitions {{ display: block; columns: 2; column-gap: 8mm; font-size: 0.8em; }}
  dl.dkbm-definitions > dd {{ margin: 0 0 0.4rem 0.8rem; }}
  /* every chart's data table is printed beside it, as on screen below it (the alt texts and
     the maps' captions point there: "Alle Werte in der Tabelle"); the summary stays on screen */
  figure.dkbm-chart {{ display: grid; grid-template-columns: auto minmax(0, 1fr);
    column-gap: 6mm; align-items: start; }}
  figure.dkbm-chart > * {{ grid-column: 1 / -1; }}
  figure.dkbm-chart > img {{ grid-column: 1; grid-row: 2; }}
  figure.dkbm-chart > details.dkbm-figdata {{ display: block; grid-column: 2; grid-row: 2; }}
  details.dkbm-figdata::details-content {{ content-visibility: visible; display: block; }}
  details.dkbm-figdata > summary, .dkbm-tablelink {{ display: none; }}
  .dkbm-figdata table {{ font-size: 7pt; border-collapse: collapse; }}
  figure.dkbm-chart .dkbm-figdata :is(td, th) {{ padding: 0 0.8em 0 0; line-height: 1.3;
    text-align: left; vertical-align: top; font-size: 7pt; }}
  /* a map's table: every area with its value; the key and class columns stay on screen */
  figure.dkbm-map .dkbm-maptable th[scope="row"] {{ white-space: nowrap; }}
  figure.dkbm-map .dkbm-maptable :is(td, th):is(:nth-child(2), :nth-child(4)) {{ display: none; }}
  /* in print the numbered figure titles ("Abbildung 1: …") carry the structure; the section
     heading alone would be kept with a figure that starts on the next page, leaving the
     first page half empty (a Fakten-Check then needs 5 pages instead of 4) */
  h2.dkbm-charts-heading {{ display: none; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""


def impressum_html(
    config: BerichtConfig, *, datenstand: str = "", version: str = "", template: str = ""
) -> str:
    """Return the Impressum block placed at the end of every report.

    Parameters
    ----------
    config : BerichtConfig
        Publisher settings.
    datenstand : str, optional
        Datenstand of the report.
    version : str, optional
        Toolkit version (default: ``toolkit.__version__``).
    template : str, optional
        Template name and version, e.g. ``"fakten_check 1.0.0"`` (left out when empty).

    Returns
    -------
    str
        ``<section class="dkbm-impressum">`` with a definition list.

    Examples
    --------
    >>> "Erstellt mit dkbm-toolkit 9.9" in impressum_html(BerichtConfig(), version="9.9")
    True
    >>> "9.9 · Vorlage demo 1.2.0</p>" in impressum_html(BerichtConfig(), version="9.9",
    ...                                                  template="demo 1.2.0")
    True
    """
    if not version:
        from toolkit import __version__ as version
    published = config.publication_date()
    rows = [
        ("Herausgeber", config.herausgeber),
        ("Kontakt", config.kontakt),
        ("Veröffentlicht", f"{published.day}. {_MONTHS[published.month - 1]} {published.year}"),
        ("Datenstand", datenstand),
        ("Datenlizenz", config.lizenz),
        ("Quelle", config.quelle),
    ]
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows if v)
    return (
        '<section class="dkbm-impressum" aria-labelledby="dkbm-impressum-titel">'
        '<h2 id="dkbm-impressum-titel">Impressum</h2>'
        f"<dl>{items}</dl><p>Erstellt mit dkbm-toolkit {html.escape(version)}"
        + (f" · Vorlage {html.escape(template)}" if template else "")
        + "</p></section>"
    )


_MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)


def _masthead(config: BerichtConfig) -> str:
    logo = ""
    if config.logo:
        mime = mimetypes.guess_type(config.logo)[0] or "image/png"
        data = base64.b64encode(Path(config.logo).read_bytes()).decode("ascii")
        logo = (
            f'<img src="data:{mime};base64,{data}" alt="Logo: {html.escape(config.herausgeber)}">'
        )
    return f'<header class="dkbm-masthead">{logo}<span>{html.escape(config.herausgeber)}</span></header>'


def _number_figures(body: str, config: BerichtConfig, region_name: str) -> str:
    """Give every figure a title line "Abbildung n: … – Region" and a source line."""
    out: list[str] = []
    pos = 0
    for n, match in enumerate(_FIGURE.finditer(body), start=1):
        attrs = match.group(1)
        title = re.search(r'data-title="([^"]*)"', attrs)
        source = re.search(r'data-source="([^"]*)"', attrs)
        text = html.unescape(title.group(1)) if title else ""
        if region_name and region_name not in text:
            text = f"{text} – {region_name}" if text else region_name
        head = f'<p class="dkbm-figtitle"><span class="dkbm-fignum">Abbildung {n}:</span> '
        head += f"{html.escape(text)}</p>"
        src = html.unescape(source.group(1)) if source else config.quelle
        end = body.find(_FIGURE_END, match.end())
        if end < 0:
            break
        out.append(body[pos : match.end()])
        out.append(head)
        out.append(body[match.end() : end])
        out.append(f'<p class="dkbm-source">Quelle: {html.escape(src)}</p>')
        pos = end
    out.append(body[pos:])
    return "".join(out)


def decorate_html(
    page: str, config: BerichtConfig, *, region_name: str = "", template: str = ""
) -> str:
    """Add print CSS, masthead, figure numbers and sources, and the Impressum to a report page.

    Parameters
    ----------
    page : str
        HTML document rendered by nbconvert.
    config : BerichtConfig
        Publisher settings.
    region_name : str, optional
        Name of the report's region (added to figure titles that lack it).
    template : str, optional
        Template name and version for the Impressum (e.g. ``"fakten_check 1.0.0"``).

    Returns
    -------
    str
        The page; the Datenstand for footer and Impressum is read from its
        ``<p class="dkbm-datenstand">`` line.

    Examples
    --------
    >>> page = ('<html><head></head><body><main><p class="dkbm-datenstand">Datenstand: 1. März 2024'
    ...         '</p><figure class="dkbm-chart" data-title="Quote"><img alt="x"></figure></main>'
    ...         '</body></html>')
    >>> out = decorate_html(page, BerichtConfig(herausgeber="Stadt X"), region_name="Stadt X")
    >>> "Abbildung 1:</span> Quote – Stadt X" in out, "Impressum" in out
    (True, True)
    """
    found = _DATENSTAND.search(page)
    datenstand = html.unescape(found.group(1)).strip() if found else ""
    style = (
        f'<style type="text/css" id="dkbm-print">{print_css(config, datenstand=datenstand)}</style>'
    )
    page = page.replace("</head>", style + "</head>", 1)
    page = _number_figures(page, config, region_name)
    main = re.search(r"<main[^>]*>", page)
    if main:
        page = page[: main.end()] + _masthead(config) + page[main.end() :]
    impressum = impressum_html(config, datenstand=datenstand, template=template)
    if "</main>" in page:
        return page.replace("</main>", impressum + "</main>", 1)
    return page.replace("</body>", impressum + "</body>", 1)
