"""What rendered reports print: numbers of tables, sentences and alt texts.

The protected publication set limits what reports *can* show; a template can
still print more (a share of a hidden part, a count computed from two rows, a
hidden value typed into a sentence). :func:`read_report_numbers` extracts every
number a rendered HTML report prints, with the words around it;
:func:`report_relations` matches them against the publication and turns
numbers that only a hidden cell explains into relations for the outsider's
audit (:func:`toolkit.disclosure.audit_publication`, ``extra=``).

Notes
-----
Numbers are read from table cells (with their row and column headers, the
table caption and the figure title), from sentences (``p``, ``li``,
captions, headings) and from alternative texts (``alt``, ``aria-label``,
``data-title``). Years, figure numbers, dates, region codes, counts of hidden
categories ("5 nicht ausgewiesen") and numbers inside indicator names
("3 bis unter 6 Jahre") are no published figures.

A printed number is *explained* when it is the value (rounded as printed)
of a shown row of the publication for the report's region, its parents or
its sub-regions (periods up to the report's), a shown numerator or
denominator, the change of a shown row from the year before (per cent or
percentage points), or the share of a shown part of a shown total. It
*reveals* when nothing shown explains it but a hidden value does (for the
report's own region or its parents, or a sub-region named next to the
number): the revealed count becomes known to the attacker, a revealed rate
or share a rounding band. Numbers that nothing explains are listed for a
human check; they do not fail a batch.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3 and
5.6. Wiley.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from toolkit.errors import DisclosureError

__all__ = [
    "REPORT_NUMBER_COLUMNS",
    "STAMP_FILE",
    "read_page",
    "read_report_numbers",
    "report_files",
    "stamp_reports",
]

#: File beside a batch manifest: region -> input hash of the protected set its report was made from.
STAMP_FILE = "geschuetzter_satz.json"

#: Columns of :func:`read_report_numbers`.
REPORT_NUMBER_COLUMNS = ("kind", "context", "text", "value", "decimals", "percent")

_NUMBER = re.compile(
    r"(?<![\d.,\w\u2212\-/§])([+\u2212\-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d\w]|,\d|\.\d)"
)
_MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
_BEFORE_SKIP = re.compile(
    r"(Abbildung|Tabelle|Seite|Klasse|Jahrgangsstufe|Stufe|unter|Version|Nr\.|Anlage|§|=|"
    r"\bab|mindestens|höchstens|weniger als|mehr als|bis zu|je)\s*$"
)
_AFTER_SKIP = re.compile(
    rf"^(\.\s*({_MONTHS})|\s*(nicht ausgewiesen|weitere|bis unter|Jahre|Jahren|Linien|"
    r"Kategorien|Gruppen|Sozialr|Gemeinden|Kreise|Regionen|Abbildung|Tabelle|Werte?\b|"
    r"Gebiete?\b|Farbklassen|Klassen|Stufen|Schularten|Berufe|Balken|Säulen|Kurven|Punkte\b|"
    r"Zeilen|Spalten|Karten|Seiten|Aussagen|Anteile?\b|Quoten|Zahlen|Angaben|Fälle)|"
    r"\s*[–-]\s*\d)"
)
_PERCENT = re.compile(r"^\s*(%|Prozent)")
_BLOCKS = {"p", "li", "figcaption", "caption", "h1", "h2", "h3", "h4", "summary", "dd", "dt"}
_SKIP_TAGS = {"script", "style", "head", "title", "svg"}


class _Reader(HTMLParser):
    """Collect (kind, context, text) items of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str, str]] = []
        self.skip = 0
        self.figure: list[str] = []
        self.block: list[list[str]] = []
        self.caption = ""
        self.header: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        for name in ("alt", "aria-label"):
            if a.get(name):
                self.items.append(("alt", a[name], a[name]))
        if tag == "figure":
            self.figure.append(a.get("data-title", ""))
            if a.get("data-title"):
                self.items.append(("alt", a["data-title"], a["data-title"]))
        elif tag == "table":
            self.caption, self.header = "", []
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in _BLOCKS:
            self.block.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "figure" and self.figure:
            self.figure.pop()
        elif tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            text = _clean("".join(self.cell))
            self.cell = None
            if self.in_head:
                self.header.append(text)
                return
            col = len(self.row)
            self.row.append(text)
            if col > 0:
                head = self.header[col] if col < len(self.header) else ""
                where = " | ".join([*self.figure[-1:], self.caption, head, self.row[0]])
                self.items.append(("table", where, text))
        elif tag == "tr":
            self.row = None
        elif tag in _BLOCKS and self.block:
            text = _clean("".join(self.block.pop()))
            if tag == "caption":
                self.caption = text
            elif self.cell is None:
                self.items.append(("text", " | ".join([*self.figure[-1:], text]), text))

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        for b in self.block:
            b.append(data)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _numbers(text: str, ignore: tuple[str, ...]) -> list[tuple[float, int, bool]]:
    for phrase in ignore:
        if phrase and phrase in text:
            text = text.replace(phrase, " ")
    out = []
    for m in _NUMBER.finditer(text):
        sign, whole, frac = m.group(1), m.group(2), m.group(3)
        before, after = text[: m.start()], text[m.end() :]
        if _BEFORE_SKIP.search(before) or _AFTER_SKIP.search(after):
            continue
        plain = "." not in whole
        if (
            plain
            and frac is None
            and (len(whole) >= 5 or (len(whole) == 4 and 1900 <= int(whole) <= 2100))
        ):
            continue  # a region code or a year, not a figure
        value = float(whole.replace(".", "") + ("." + frac if frac else ""))
        percent = bool(_PERCENT.match(after))
        out.append((-value if sign in ("-", "\u2212") else value, len(frac or ""), percent))
    return out


def read_report_numbers(html: str, *, ignore: tuple[str, ...] = ()) -> pd.DataFrame:
    """Return every number a rendered report prints, with where and next to what.

    Parameters
    ----------
    html : str
        The report page.
    ignore : tuple of str
        Phrases whose numbers are no figures (indicator names, region names).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REPORT_NUMBER_COLUMNS`: ``kind`` (``table``, ``text``,
        ``alt``), ``context`` (headers, caption, figure title or the
        sentence), ``text`` (the cell, sentence or alternative text), the
        number (sign included), its decimals as printed and whether a per
        cent sign or "Prozent(punkte)" follows (then it is no count).

    Examples
    --------
    >>> page = ('<figure data-title="Eintritte"><table><caption>Kennzahlen</caption>'
    ...     '<thead><tr><th>Region</th><th>2024</th></tr></thead>'
    ...     '<tbody><tr><td>Alt-Biberberg</td><td>1.477</td></tr></tbody></table></figure>'
    ...     '<p>Die Quote lag 2024 bei 6,6&nbsp;% (Abbildung 2), 5 nicht ausgewiesen.</p>'
    ...     '<img alt="Gymnasium 63,6 %, Hauptschule &minus;1,5 %">')
    >>> read_report_numbers(page)[["kind", "value", "decimals"]].values.tolist()
    [['table', 1477.0, 0], ['text', 6.6, 1], ['alt', 63.6, 1], ['alt', -1.5, 1]]
    """
    reader = _Reader()
    reader.feed(re.sub(r"data:[^\"')]+", "", html))
    rows = []
    for kind, context, text in reader.items:
        for value, decimals, percent in _numbers(text, ignore):
            rows.append((kind, context, text, value, decimals, percent))
    order = {"table": 0, "text": 1, "alt": 2}
    out = pd.DataFrame(rows, columns=list(REPORT_NUMBER_COLUMNS))
    return out.sort_values("kind", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def stamp_reports(folder: str | Path, regions: list[str], input_hash: str) -> Path:
    """Note that the reports of ``regions`` in ``folder`` are rendered from the set ``input_hash``.

    A batch calls this before its reports render (:data:`STAMP_FILE` beside
    the manifest; regions rendered earlier keep their entry).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = stamp_reports(d, ["17001"], "abc")
    ...     json.loads((Path(d) / STAMP_FILE).read_text())
    {'17001': 'abc'}
    """
    path = Path(folder) / STAMP_FILE
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    new = {**old, **{str(r): str(input_hash) for r in regions}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(new, indent=0, sort_keys=True), encoding="utf-8")
    return path


def report_files(
    root: str | Path, *, input_hash: str | None = None, stale: list[Path] | None = None
) -> Iterator[tuple[Path, str, int]]:
    """(HTML file, region, period) of every successful report in the manifests under ``root``.

    A report's HTML file is read; its PDF (printed from the same HTML) only
    when the batch kept no HTML. With ``input_hash``, only reports stamped with that protected set
    (:func:`stamp_reports`); the others (rendered from another set, under
    older rules, or before stamping) are appended to ``stale``.

    Examples
    --------
    >>> list(report_files("/nonexistent"))
    []
    """
    for manifest in sorted(Path(root).rglob("manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        stamp = manifest.parent / STAMP_FILE
        made = json.loads(stamp.read_text(encoding="utf-8")) if stamp.is_file() else {}
        for e in data.get("reports", []):
            if e.get("status") != "ok":
                continue
            period = int(e.get("parameters", {}).get("period", data.get("period")))
            current = input_hash is None or made.get(str(e["region"])) == input_hash
            outs = [str(o) for o in e.get("outputs", [])]
            # the PDF is printed from the same HTML; read it only when no HTML was kept
            kind = ".html" if any(o.endswith(".html") for o in outs) else ".pdf"
            for out in outs:
                if not out.endswith(kind) or not (manifest.parent / out).is_file():
                    continue
                if current:
                    yield manifest.parent / out, str(e["region"]), period
                elif stale is not None:
                    stale.append(manifest.parent / out)


def read_page(path: Path) -> str:
    """HTML of a report; a PDF's text (``pdftotext -layout``) as one paragraph per line."""
    if path.suffix.lower() != ".pdf":
        return path.read_text(encoding="utf-8")
    tool = shutil.which("pdftotext")
    if tool is None:
        raise DisclosureError(
            f"Prüfung: {path.name} ist nur als PDF erstellt und pdftotext fehlt",
            file=str(path),
            hint="poppler-utils installieren (apt-get install poppler-utils) oder die "
            "Berichte auch als HTML erstellen (--format html,pdf).",
        )
    done = subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DisclosureError(
            f"Prüfung: {path.name} ist nicht lesbar: {done.stderr.strip()[:200]}", file=str(path)
        )
    lines = (html.escape(line.strip()) for line in done.stdout.splitlines() if line.strip())
    return "".join(f"<p>{line}</p>" for line in lines)
