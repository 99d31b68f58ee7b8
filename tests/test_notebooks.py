"""Execute every notebook in ``notebooks/`` so that none can rot.

Each notebook runs in a fresh ``python3`` kernel (the interpreter running the tests,
i.e. the project's virtualenv) with a temporary working directory, so files a
notebook writes do not land in the repository. Notebooks are stored without outputs.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell


def test_there_are_notebooks() -> None:
    assert any(p.name == "01_erste_schritte.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "notebook without code cells"
    assert all(not c.outputs and c.execution_count is None for c in code), (
        f"{path.name}: Ausgaben vor dem Einchecken löschen (z. B. jupyter nbconvert "
        "--clear-output --inplace)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError naming the cell and the error
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("output_type") == "error"
    ]
    assert not errors
    reprs = _object_reprs(nb)
    assert not reprs, (
        f"{path.name}: Zellen zeigen die Beschreibung eines Objekts statt seines Inhalts "
        f"(Bild/Tabelle anzeigen, z. B. Image(chart.to_png())): {reprs}"
    )
    if path.name == "02_befragung_gewichten.ipynb":
        text = _text(nb)
        assert "nach Holm-Korrektur gesichert" in text
        assert "Rao-Scott" in text
        assert "Odds Ratio" in text  # the regression table
        assert _images(nb) >= 1  # the key chart is a picture
    if path.name == "01_erste_schritte.ipynb":
        text = "".join(
            o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
        )
        assert "synthetische Beispieldaten" in text
        assert re.search(r"09 Bayern\s+Kreise:\s+96\n", text)
        images = [
            o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
        ]
        assert len(images) == 1


# An output whose only representation is text like "<Figure size 700x670 with 1 Axes>" or
# "<module.Class object at 0x7f...>" shows the object's repr, not its content.
_REPR = re.compile(r"<[\w.]+( object at 0x[0-9a-f]+| size \d+x\d+ with \d+ Axes)>")


def _object_reprs(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            data = out.get("data", {})
            if out.get("output_type") in ("execute_result", "display_data") and set(data) == {
                "text/plain"
            }:
                text = data["text/plain"]
            elif out.get("output_type") == "stream":
                text = out.get("text", "")
            else:
                continue
            if _REPR.search(text):
                found.append(f"Zelle {i}: {text.strip()[:80]}")
    return found


def _text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
            parts.append(out.get("data", {}).get("text/html", ""))
    return "".join(parts)


def _images(nb: nbformat.NotebookNode) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def test_repr_detector_catches_the_figure_repr() -> None:
    bad = nbformat.v4.new_code_cell("grafik.figure")
    bad.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={"text/plain": "<Figure size 700x670 with 1 Axes>"},
            execution_count=1,
        )
    ]
    good = nbformat.v4.new_code_cell("Image(...)")
    good.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBO", "text/plain": "<IPython.core.display.Image object>"},
        )
    ]
    nb = nbformat.v4.new_notebook(cells=[bad, good])
    assert _object_reprs(nb) == ["Zelle 0: <Figure size 700x670 with 1 Axes>"]
