"""Template notebooks: schema, one parameters cell, no outputs, jupytext twins in sync, thin cells."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jupytext
import pytest

from toolkit.reports.registry import load_template

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NAMES = ["fakten_check", "uebergaenge", "vertragsloesungen"]


def _cells(nb):
    return [
        (
            c["cell_type"],
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
            sorted(c.get("metadata", {}).get("tags", [])),
        )
        for c in nb["cells"]
    ]


@pytest.mark.parametrize("name", NAMES)
def test_schema_and_parameters_cell(name):
    path = TEMPLATES / f"{name}.ipynb"
    template = load_template(path)  # checks the schema against the parameters cell
    assert template.name == name
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    tree = ast.parse(source)
    # every parameter is annotated and commented
    assert all(isinstance(n, ast.AnnAssign) for n in tree.body)
    assert all("#" in line for line in source.strip().splitlines())
    params = template.parameters
    assert {"region", "period", "comparison", "min_count", "data_dir"} <= set(params)
    assert all(p.help for p in params.values())
    if name == "fakten_check":
        assert set(params["topic"].allowed) == {
            "fruehe_bildung",
            "schule",
            "ausbildung",
            "befragung",
        }


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs_and_thin(name):
    nb = json.loads((TEMPLATES / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            source = "".join(cell["source"])
            tree = ast.parse(source)
            # cells only call the toolkit: no loops, function or class definitions,
            # and imports only from toolkit
            for node in ast.walk(tree):
                assert not isinstance(node, ast.For | ast.While | ast.FunctionDef | ast.ClassDef)
                if isinstance(node, ast.ImportFrom | ast.Import):
                    mods = (
                        [node.module]
                        if isinstance(node, ast.ImportFrom)
                        else [a.name for a in node.names]
                    )
                    assert all(m.startswith("toolkit") for m in mods)
            assert "read_dataset" not in source and "read_csv" not in source


@pytest.mark.parametrize("name", NAMES)
def test_jupytext_twin_in_sync(name):
    ipynb = json.loads((TEMPLATES / f"{name}.ipynb").read_text(encoding="utf-8"))
    twin = jupytext.read(TEMPLATES / f"{name}.py")
    assert _cells(twin) == _cells(ipynb)
    assert twin.metadata["dkbm"] == ipynb["metadata"]["dkbm"]
    assert '# %% tags=["parameters"]' in (TEMPLATES / f"{name}.py").read_text(encoding="utf-8")
