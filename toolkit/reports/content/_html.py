"""Small HTML building blocks for report cells (private).

Report cells display :class:`Html` objects: Jupyter shows them through
``_repr_html_`` and nbconvert copies the markup into the report unchanged.
All text is escaped here, so data values can never inject markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["Html", "esc", "html_table", "join_html"]


class Html(str):
    """A string of HTML that Jupyter displays as HTML.

    Examples
    --------
    >>> Html("<p>a</p>")._repr_html_()
    '<p>a</p>'
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


def esc(value: object) -> str:
    """Escape a value for HTML text or attributes.

    Examples
    --------
    >>> esc('<a href="x">')
    '&lt;a href=&quot;x&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


def join_html(parts: Iterable[str]) -> Html:
    """Join HTML fragments into one :class:`Html`.

    Examples
    --------
    >>> join_html(["<p>a</p>", "<p>b</p>"])
    '<p>a</p><p>b</p>'
    """
    return Html("".join(parts))


def html_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    caption: str = "",
    numeric: Sequence[bool] | None = None,
    css_class: str = "dkbm-table",
) -> Html:
    """Build an accessible HTML table from already formatted strings.

    Parameters
    ----------
    header : sequence of str
        Column headings (``<th scope="col">``).
    rows : iterable of sequence of str
        Cell texts; the first cell of each row is a row heading.
    caption : str, optional
        Table caption.
    numeric : sequence of bool, optional
        Right-align these columns.
    css_class : str, default "dkbm-table"
        Class of the table element.

    Returns
    -------
    Html
        The table markup.

    Examples
    --------
    >>> html_table(["A", "B"], [["x", "1"]], numeric=[False, True])
    '<table class="dkbm-table"><thead><tr><th scope="col" style="text-align:left">A</th><th scope="col" style="text-align:right">B</th></tr></thead><tbody><tr><th scope="row" style="text-align:left">x</th><td style="text-align:right">1</td></tr></tbody></table>'
    """
    numeric = list(numeric) if numeric is not None else [False] * len(header)
    align = [' style="text-align:right"' if n else ' style="text-align:left"' for n in numeric]
    out = [f'<table class="{esc(css_class)}">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>")
    out.extend(f'<th scope="col"{a}>{esc(h)}</th>' for h, a in zip(header, align, strict=True))
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = list(row)
        out.append("<tr>")
        out.append(f'<th scope="row"{align[0]}>{esc(cells[0])}</th>')
        out.extend(f"<td{a}>{esc(c)}</td>" for c, a in zip(cells[1:], align[1:], strict=True))
        out.append("</tr>")
    out.append("</tbody></table>")
    return Html("".join(out))
