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
