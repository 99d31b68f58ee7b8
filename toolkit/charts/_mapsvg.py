"""The SVG renderer of a map layout: written directly, fast enough for 400 maps (private).

Why not ``Figure.savefig(format="svg")``: building a matplotlib figure with a
legend and text layout and writing it costs about 60 ms of CPU per map, most of
it in text metrics and the legend box; a map's SVG is a few hundred paths and
a dozen texts, written here from the same :class:`MapLayout` the matplotlib
renderer draws, in about a tenth of that. Text stays text (searchable, sharp in
print); the output has no date and is the same byte for byte on every run.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import numpy as np
import shapely

from toolkit.charts._mapdraw import AXES_BOX, DPI, LABEL_SIZE, Layer, MapLayout

__all__ = ["svg_map"]

_FONT = "DejaVu Sans, Bitstream Vera Sans, Arial, Helvetica, sans-serif"
_PT = DPI / 72.0  # pixels per point
_HATCH_SIZE = 8
_HATCH_LINES = {  # diagonal lines like matplotlib's "////", crossed like its "xxxx"
    "////": ("M-2,2l4,-4M0,8l8,-8M6,10l4,-4",),
    "xxxx": ("M-2,2l4,-4M0,8l8,-8M6,10l4,-4", "M-2,6l4,4M0,0l8,8M6,-2l4,4"),
}


class _Frame:
    """Map units -> SVG pixels (y down) for one layout."""

    def __init__(self, layout: MapLayout) -> None:
        width, height = layout.pixels
        _, bottom, box_w, box_h = AXES_BOX
        self.layout = layout
        self.x0 = AXES_BOX[0] * width
        self.y0 = bottom * height
        self.height = height
        self.box = (box_w * width, box_h * height)

    def points(self, coords: np.ndarray) -> np.ndarray:
        return self.layout.to_pixels(coords)

    def axes_fraction(self, fx: float, fy: float) -> tuple[float, float]:
        return self.x0 + fx * self.box[0], self.height - (self.y0 + fy * self.box[1])


def _paths(frame: _Frame, geometries: tuple[shapely.Geometry, ...]) -> list[str]:
    """SVG path data of each (multi)polygon, all rings at once (holes by even-odd fill)."""
    parts, part_of = shapely.get_parts(np.asarray(geometries, dtype=object), return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_of = shapely.get_coordinates(rings, return_index=True)
    xy = frame.points(coords).tolist()
    text = [f"{x:.1f} {y:.1f}" for x, y in xy]
    starts = np.searchsorted(coord_of, np.arange(len(rings)))
    ends = np.append(starts[1:], len(coords))
    pieces: list[list[str]] = [[] for _ in geometries]
    owners = part_of[ring_of]
    for owner, start, end in zip(owners.tolist(), starts.tolist(), ends.tolist(), strict=True):
        if end - start >= 3:  # the last vertex repeats the first: "Z" closes the ring
            pieces[owner].append(f"M{text[start]}L{' '.join(text[start + 1 : end - 1])}Z")
    return ["".join(p) for p in pieces]


def _layer(frame: _Frame, layer: Layer, hatch_ids: dict[str, str]) -> str:
    paths = _paths(frame, layer.geometries)
    fills = [layer.facecolor] * len(paths) if isinstance(layer.facecolor, str) else layer.facecolor
    if layer.hatch is not None:
        fills = [f"url(#{hatch_ids[layer.hatch]})"] * len(paths)
    codes = layer.codes or ("",) * len(paths)
    body = "".join(
        f'<path d="{d}" fill="{f}"{f" data-region={quoteattr(c)}" if c else ""}/>'
        for d, f, c in zip(paths, fills, codes, strict=True)
        if d
    )
    return (
        f'<g stroke="{layer.edgecolor}" stroke-width="{layer.linewidth * _PT:.2f}" '
        f'stroke-linejoin="round" fill-rule="evenodd">{body}</g>'
    )


def _text(x: float, y: float, text: str, size_pt: float, **attrs: str) -> str:
    """Text with its first baseline at ``y``; one ``tspan`` per line."""
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    lines = text.split("\n")
    size = size_pt * _PT
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * 1.2 * size:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text font-size="{size:.2f}"{extra}>{spans}</text>'


def _legend(layout: MapLayout, hatch_ids: dict[str, str]) -> str:
    width, height = layout.pixels
    x = 0.72 * width + 0.5 * 7.5 * _PT
    y = (1 - 0.88) * height + 0.4 * 7.5 * _PT
    out = []
    if layout.legend_title:
        out.append(_text(x, y + 8 * _PT, layout.legend_title, 8))
        y += 8 * _PT * 1.7
    box_w, box_h, line_h = 1.6 * 7.5 * _PT, 1.2 * 7.5 * _PT, 1.2 * 7.5 * _PT
    for entry in layout.legend:
        lines = entry.label.count("\n") + 1
        row = max(box_h, lines * line_h)
        top = y + (row - box_h) / 2
        if entry.line:
            mid = top + box_h / 2
            out.append(
                f'<path d="M{x:.1f} {mid:.1f}h{box_w:.1f}" stroke="{entry.edgecolor}" '
                f'stroke-width="{2.2 * _PT:.2f}"/>'
            )
        else:
            fill = f"url(#{hatch_ids[entry.hatch]})" if entry.hatch else entry.facecolor
            out.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{box_w:.1f}" height="{box_h:.1f}" '
                f'fill="{fill}" stroke="{entry.edgecolor}" stroke-width="{0.8 * _PT:.2f}"/>'
            )
        first = y + (row - lines * line_h) / 2 + 0.8 * 7.5 * _PT
        out.append(_text(x + box_w + 0.8 * 7.5 * _PT, first, entry.label, 7.5))
        y += row + 0.5 * 7.5 * _PT
    return "".join(out)


def _north(frame: _Frame) -> str:
    tx, ty = frame.axes_fraction(0.97, 0.87)
    _, tip = frame.axes_fraction(0.97, 0.99)
    size = 9 * _PT
    shaft = ty - 0.7 * size
    head = 5 * _PT
    return (
        f'<path d="M{tx:.1f} {shaft:.1f}V{tip + head:.1f}" stroke="#333333" '
        f'stroke-width="{1.2 * _PT:.2f}"/>'
        f'<path d="M{tx - head / 2.5:.1f} {tip + head:.1f}L{tx:.1f} {tip:.1f}'
        f'L{tx + head / 2.5:.1f} {tip + head:.1f}Z" fill="#333333"/>'
        + _text(tx, ty + 0.35 * size, "N", 9, text_anchor="middle", font_weight="bold")
    )


def _hatch_defs(layout: MapLayout) -> tuple[str, dict[str, str]]:
    used = sorted({layer.hatch for layer in layout.layers if layer.hatch})
    ids = {hatch: f"dkbm-hatch-{i}" for i, hatch in enumerate(used)}
    defs = "".join(
        f'<pattern id="{ids[h]}" patternUnits="userSpaceOnUse" '
        f'width="{_HATCH_SIZE}" height="{_HATCH_SIZE}">'
        f'<rect width="{_HATCH_SIZE}" height="{_HATCH_SIZE}" fill="white"/>'
        + "".join(f'<path d="{d}" stroke="#666666" stroke-width="0.9"/>' for d in _HATCH_LINES[h])
        + "</pattern>"
        for h in used
    )
    return (f"<defs>{defs}</defs>" if defs else ""), ids


def svg_map(layout: MapLayout) -> bytes:
    """Write ``layout`` as a standalone SVG document (UTF-8 bytes).

    Examples
    --------
    >>> empty = MapLayout(7.0, 4.0, (0.0, 1.0), (0.0, 1.0), (), (), (), "", "Karte", "Quelle")
    >>> svg = svg_map(empty).decode()
    >>> svg.startswith("<?xml") and ">Karte</tspan>" in svg
    True
    """
    width, height = layout.pixels
    frame = _Frame(layout)
    defs, hatch_ids = _hatch_defs(layout)
    body = [_layer(frame, layer, hatch_ids) for layer in layout.layers if layer.geometries]
    for label in layout.labels:
        (px, py), *_ = frame.points(np.array([[label.x, label.y]])).tolist()
        body.append(
            _text(
                px,
                py + 0.35 * LABEL_SIZE * _PT,
                label.text,
                LABEL_SIZE,
                text_anchor="middle",
                fill=label.colour,
            )
        )
    body.append(_north(frame))
    body.append(_legend(layout, hatch_ids))
    if layout.title:
        body.append(
            _text(0.01 * width, 0.015 * height + 11 * _PT, layout.title, 11, font_weight="bold")
        )
    footer_lines = layout.footer.count("\n")
    foot_y = height - 0.01 * height - 0.25 * 6.5 * _PT - footer_lines * 1.2 * 6.5 * _PT
    body.append(_text(0.01 * width, foot_y, layout.footer, 6.5, fill="#555555"))
    title = f"<title>{escape(layout.title.replace(chr(10), ' '))}</title>" if layout.title else ""
    document = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * 0.72:.1f}pt" '
        f'height="{height * 0.72:.1f}pt" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'font-family={quoteattr(_FONT)} role="img">{title}{defs}'
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="white"/>'
        + "".join(body)
        + "</svg>\n"
    )
    return document.encode("utf-8")
