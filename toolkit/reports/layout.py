"""Print layout of rendered reports: ``bericht.toml``, A4 pages, footer, Impressum.

One file per municipality, ``bericht.toml``, says who publishes the reports
(Herausgeber, contact, logo, accent colour, data licence, source line). The
renderer reads it and adds to every report page

* print CSS: A4 pages, a footer on every PDF page ("Herausgeber · Datenstand
  … · Seite x von y"), figures, tables and definitions never split, headings
  kept with what follows, no forced page breaks (no half-empty pages);
* numbered figures ("Abbildung 2: … – Region") with a source line;
* an Impressum at the end (Herausgeber, contact, publication date, data
  licence, "Erstellt mit dkbm-toolkit <version>").

Lookup order of ``bericht.toml``: the path given (``dkbm … --bericht`` or the
environment variable ``DKBM_BERICHT``), else ``bericht.toml`` in the data
directory, else the documented defaults (:class:`BerichtConfig`).

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
import os
import re
import tomllib
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

from toolkit.errors import ParameterError

__all__ = [
    "BERICHT_ENV",
    "BERICHT_FILE",
    "BerichtConfig",
    "decorate_html",
    "impressum_html",
    "load_bericht_config",
    "print_css",
]

#: Environment variable naming a ``bericht.toml`` (set by ``--bericht``).
BERICHT_ENV = "DKBM_BERICHT"
#: File name looked up in the data directory.
BERICHT_FILE = "bericht.toml"

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_DATENSTAND = re.compile(r'<p class="dkbm-datenstand">\s*Datenstand:\s*([^<]*)</p>')
_FIGURE = re.compile(r'<figure class="dkbm-(?:chart|map)[^"]*"([^>]*)>')
_FIGURE_END = "</figure>"


@dataclass(frozen=True)
class BerichtConfig:
    """Publisher settings of a municipality's reports (all optional).

    Parameters
    ----------
    herausgeber : str
        Publisher shown in the footer and Impressum.
    kontakt : str
        Contact (address, e-mail, phone), one line.
    logo : str
        Image file (PNG, SVG, JPEG), relative to ``bericht.toml``; embedded.
    farbe : str
        Accent colour of headings and rules (``#RRGGBB``).
    lizenz : str
        Licence of the data.
    quelle : str
        Source line under each figure.
    veroeffentlicht : str
        Publication date (ISO ``YYYY-MM-DD``); default: ``SOURCE_DATE_EPOCH``
        if set, else today.
    path : str
        The file read ("" for defaults).

    Examples
    --------
    >>> BerichtConfig().lizenz
    'Datenlizenz Deutschland – Namensnennung – Version 2.0'
    """

    herausgeber: str = "Bildungsmonitoring (Herausgeber in bericht.toml eintragen)"
    kontakt: str = ""
    logo: str = ""
    farbe: str = "#0072B2"
    lizenz: str = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    quelle: str = "Statistische Ämter des Bundes und der Länder; eigene Berechnungen"
    veroeffentlicht: str = ""
    path: str = ""

    def publication_date(self) -> date:
        """Return the publication date (configured, ``SOURCE_DATE_EPOCH`` or today).

        Examples
        --------
        >>> BerichtConfig(veroeffentlicht="2025-03-01").publication_date().isoformat()
        '2025-03-01'
        """
        if self.veroeffentlicht:
            return date.fromisoformat(self.veroeffentlicht)
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        return date.today()


def load_bericht_config(
    data_dir: str | os.PathLike[str] | None = None,
    path: str | os.PathLike[str] | None = None,
) -> BerichtConfig:
    """Read ``bericht.toml`` (given path, ``DKBM_BERICHT``, data directory) or the defaults.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory of the reports; its ``bericht.toml`` is used when no
        path is given.
    path : str or path-like, optional
        Explicit file (wins over ``DKBM_BERICHT`` and the data directory).

    Returns
    -------
    BerichtConfig
        The settings; defaults where the file says nothing.

    Raises
    ------
    toolkit.errors.ParameterError
        When the file is missing (explicit path), not TOML, has unknown keys,
        a bad colour or date, or a logo that does not exist.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "bericht.toml").write_text('herausgeber = "Stadt X"', encoding="utf-8")
    ...     load_bericht_config(d).herausgeber
    'Stadt X'
    """
    chosen = path or os.environ.get(BERICHT_ENV, "") or None
    if chosen is not None:
        file = Path(chosen).expanduser()
        if not file.is_file():
            raise ParameterError(
                "bericht.toml nicht gefunden",
                file=str(file),
                hint=f"Pfad bei --bericht bzw. {BERICHT_ENV} prüfen",
            )
    else:
        if data_dir is None:
            return BerichtConfig()
        file = Path(data_dir) / BERICHT_FILE
        if not file.is_file():
            return BerichtConfig()
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ParameterError(f"bericht.toml ist kein gültiges TOML: {exc}", file=str(file)) from exc
    known = {f.name for f in fields(BerichtConfig)} - {"path"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ParameterError(
            f"bericht.toml: unbekannte Einträge {', '.join(unknown)}",
            file=str(file),
            hint=f"erlaubt sind: {', '.join(sorted(known))}",
        )
    values = {k: str(v) for k, v in raw.items()}
    if "farbe" in values and not _COLOUR.match(values["farbe"]):
        raise ParameterError(
            f"bericht.toml: farbe {values['farbe']!r} ist keine Farbe",
            file=str(file),
            hint='als "#RRGGBB" angeben, z. B. "#0072B2"',
        )
    if values.get("veroeffentlicht"):
        try:
            date.fromisoformat(values["veroeffentlicht"])
        except ValueError as exc:
            raise ParameterError(
                f"bericht.toml: veroeffentlicht {values['veroeffentlicht']!r} ist kein Datum",
                file=str(file),
                hint='als "JJJJ-MM-TT" angeben',
            ) from exc
    if values.get("logo"):
        logo = (file.parent / values["logo"]).resolve()
        if not logo.is_file():
            raise ParameterError(
                f"bericht.toml: Logo {values['logo']!r} nicht gefunden",
                file=str(file),
                hint="Pfad relativ zur bericht.toml angeben",
            )
        values["logo"] = str(logo)
    return BerichtConfig(**values, path=str(file.resolve()))


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
  h1, h2, h3, h4, dt, .dkbm-figtitle {{ break-after: avoid; }}
  figure, table, tr, dd, .dkbm-impressum, .dkbm-sample-note {{ break-inside: avoid; }}
  /* charts and maps (inline SVG too) at most 52 mm high: a Fakten-Check with its map keeps
     to 4 pages */
  figure img, figure svg {{ max-height: 52mm; width: auto; max-width: 100%; }}
  figure {{ margin: 0.3rem 0 0.6rem 0; }}
  dl.dkbm-definitions {{ display: block; font-size: 0.9em; }}
  dl.dkbm-definitions > dd {{ margin: 0 0 0.4rem 1.2rem; }}
  details.dkbm-figdata {{ display: none; }}
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
