"""Render executed report notebooks to self-contained HTML and to PDF.

The HTML has no code and no prompts, loads nothing from any other host
(require.js, MathJax, Mermaid and the widget manager are left out; the
reports do not need them and stay readable without JavaScript), embeds all
images, declares ``lang="de"`` and is byte-for-byte the same for the same
notebook. The PDF is printed from that HTML by the system Chromium.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_markdown_cell("# Bericht")]
>>> html = render_html(nb, title="Bericht")
>>> '<html lang="de">' in html and "<script src" not in html
True
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from toolkit.errors import DkbmError

__all__ = [
    "CHROMIUM_ENV",
    "REMOVE_TAGS",
    "find_chromium",
    "html_exporter",
    "html_to_pdf",
    "render_html",
    "write_atomic",
]

#: Environment variable naming the Chromium executable (default: ``chromium`` on PATH).
CHROMIUM_ENV = "DKBM_CHROMIUM"

#: Cell tags whose cells are left out of rendered reports.
REMOVE_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell")

_TEMPLATE_NAME = "dkbm_report.html.j2"

# headless, offline, no profile state, no browser header/footer lines on the pages (the
# report's own footer comes from its @page CSS, see toolkit.reports.layout), bookmarks
# from the headings; Chromium writes a tagged PDF by default (pdfinfo: "Tagged: yes")
_CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run "
    "--disable-component-update --disable-sync --disable-dev-shm-usage --no-pdf-header-footer "
    "--generate-pdf-document-outline"
).split()

# Extends nbconvert's "lab" page, dropping every block that would load a script
# from a CDN (require.js, MathJax, Mermaid, widget manager).
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<style type="text/css">
body.jp-Notebook { max-width: 60rem; margin: 0 auto; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
</style>
{% endblock extra_css %}
"""

_CSS_COMMENT_WITH_URL = re.compile(r"/\*(?:[^*]|\*(?!/))*?://(?:[^*]|\*(?!/))*\*/")
_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\ssrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*", re.I)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\shref=\"https?://[^\"]*\"[^>]*>\s*", re.I)


def _clean_notebook(nb: Any) -> Any:
    """Return a copy fit for rendering: no stderr, no tagged cells, stable ids."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & set(REMOVE_TAGS):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                out
                for out in cell.get("outputs", [])
                if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
        cells.append(cell)
    for index, cell in enumerate(cells):
        if "id" in cell:
            cell["id"] = f"zelle-{index}"
    nb.cells = cells
    return nb


def html_exporter() -> Any:
    """Return nbconvert's exporter configured for reports (templates compiled once per object).

    The batch runner makes one in its warm parent and passes it to every
    report (:func:`render_html` ``exporter=``), so the Jinja templates are
    not compiled again for each report.

    Examples
    --------
    >>> type(html_exporter()).__name__
    'HTMLExporter'
    """
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code="de",
        sanitize_html=False,
    )


def render_html(
    nb: Any,
    *,
    title: str | None = None,
    exporter: Any = None,
    bericht: Any = None,
    region_name: str = "",
) -> str:
    """Render an executed notebook to one self-contained German HTML page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Executed notebook (not modified).
    title : str, optional
        Page title (``<title>``); defaults to the notebook's ``title``
        metadata or ``"Bericht"``.
    exporter : nbconvert.HTMLExporter, optional
        From :func:`html_exporter` (default: a new one).
    bericht : toolkit.reports.layout.BerichtConfig, optional
        Publisher settings from ``bericht.toml`` (default: the documented
        defaults); adds A4 print CSS, footer, figure numbers and Impressum.
    region_name : str, optional
        Region of the report, added to figure titles.

    Returns
    -------
    str
        The HTML document. Code cells show their outputs only; cells tagged
        as in :data:`REMOVE_TAGS` and stderr outputs are left out.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("1 + 1", outputs=[
    ...     nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)])]
    >>> html = render_html(nb, title="Test")
    >>> "1 + 1" in html, "<title>Test</title>" in html
    (False, True)
    """
    clean = _clean_notebook(nb)
    clean.metadata["title"] = title or nb.metadata.get("title") or "Bericht"
    exporter = exporter if exporter is not None else html_exporter()
    body, _ = exporter.from_notebook_node(clean, resources={"metadata": {"name": "Bericht"}})
    # Links in the stylesheet's comments are never fetched, but a report should
    # not mention other hosts at all; the head holds only nbconvert's CSS.
    head, sep, rest = body.partition("<body")
    head = _CSS_COMMENT_WITH_URL.sub("", head)
    body = head + sep + rest
    body = _EXTERNAL_SCRIPT.sub("", body)
    body = _EXTERNAL_LINK.sub("", body)
    from toolkit.reports.layout import BerichtConfig, decorate_html

    meta = nb.metadata.get("dkbm") or {}  # the template's metadata, kept by papermill
    template = f"{meta.get('name', '')} {meta['version']}".strip() if meta.get("version") else ""
    return decorate_html(
        body, bericht or BerichtConfig(), region_name=region_name, template=template
    )


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write a file so that readers never see it half-written.

    The data go to a temporary file in the same directory, which then
    replaces ``path`` in one step.

    Parameters
    ----------
    path : str or path-like
        Target file (its directory is created).
    data : str or bytes
        Content; ``str`` is written as UTF-8.

    Returns
    -------
    pathlib.Path
        The target path.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_atomic(Path(d) / "a" / "x.txt", "hallo").read_text()
    'hallo'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        # mkstemp creates 0600 files; reports are meant to be shared.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def find_chromium() -> str | None:
    """Return the Chromium executable, or ``None`` when it is not installed.

    Looks at ``DKBM_CHROMIUM`` first, then ``chromium`` and
    ``chromium-browser`` on ``PATH``.

    Examples
    --------
    >>> find_chromium() is None or Path(find_chromium()).name.startswith("chromium")
    True
    """
    env = os.environ.get(CHROMIUM_ENV, "")
    if env:
        return shutil.which(env) or (env if Path(env).is_file() else None)
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(
    html_path: str | os.PathLike[str],
    pdf_path: str | os.PathLike[str],
    *,
    timeout: float = 120.0,
) -> Path:
    """Print an HTML file to PDF with headless Chromium.

    Parameters
    ----------
    html_path : str or path-like
        Self-contained HTML file.
    pdf_path : str or path-like
        PDF to write (replaced atomically).
    timeout : float
        Seconds to wait for Chromium.

    Returns
    -------
    pathlib.Path
        The PDF path.

    Raises
    ------
    toolkit.errors.DkbmError
        When Chromium is not installed (with the command to install it) or
        fails to print.

    Examples
    --------
    >>> import tempfile
    >>> if find_chromium():
    ...     with tempfile.TemporaryDirectory() as d:
    ...         _ = Path(d, "r.html").write_text("<html lang='de'><p>Hallo</p></html>")
    ...         pdf = html_to_pdf(Path(d, "r.html"), Path(d, "r.pdf"))
    ...         ok = pdf.read_bytes()[:5] == b"%PDF-"
    ... else:
    ...     ok = True
    >>> ok
    True
    """
    chromium = find_chromium()
    if chromium is None:
        raise DkbmError(
            "PDF-Ausgabe braucht Chromium, es ist nicht installiert",
            hint=(
                "Debian/Ubuntu: sudo apt-get install chromium; oder den Pfad in "
                f"{CHROMIUM_ENV} setzen; oder nur --format html wählen"
            ),
        )
    source = Path(html_path).resolve()
    target = Path(pdf_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dkbm-chromium-") as profile:
        tmp_pdf = Path(profile) / "out.pdf"
        command = [chromium, *_CHROMIUM_FLAGS, f"--user-data-dir={profile}/profile"]
        command += [f"--print-to-pdf={tmp_pdf}", source.as_uri()]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise DkbmError(
                f"Chromium hat die PDF-Ausgabe nicht in {timeout:.0f} s beendet",
                file=str(source),
            ) from exc
        if proc.returncode != 0 or not tmp_pdf.is_file():
            tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
            raise DkbmError(
                f"Chromium konnte kein PDF erzeugen (Exit-Code {proc.returncode})",
                file=str(source),
                hint=tail or None,
            )
        write_atomic(target, tmp_pdf.read_bytes())
    return target
