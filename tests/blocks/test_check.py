"""Static template checks: unprotected data are refused, the opt-out is found."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

import toolkit.blocks as b
from toolkit.errors import TemplateError

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SHIPPED = sorted(TEMPLATES.glob("*.ipynb"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_templates_read_protected_data_only(path):
    assert b.template_problems(path) == []
    assert b.template_problems(path.with_suffix(".py")) == []
    assert not b.uses_internal_data(path)
    b.check_template(path)  # does not raise


def _with_cell(tmp_path: Path, code: str) -> Path:
    """The Fakten-Check template with one more code cell, written as a new notebook."""
    nb = jupytext.read(TEMPLATES / "fakten_check.py")
    nb.cells.append(jupytext.reads(f"# %%\n{code}\n", fmt="py:percent").cells[0])
    out = tmp_path / "eigene_vorlage.ipynb"
    jupytext.write(nb, out)
    return out


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("from toolkit.indicators import compute_all\ncompute_all(data)", "compute_all"),
        ("import toolkit.indicators as ti\nti.compute_all(data)", "compute_all"),
        (
            "from toolkit.reports.runtime import load_dataset\nload_dataset(data_dir)",
            "load_dataset",
        ),
        ("import pandas as pd\npd.read_csv('kita.csv')", "read_csv"),
        ("data._dataset.tables['kita']", "_dataset"),
        ("ctx.dataset.tables['kita']", "dataset"),
        ("ctx.prepared.dataset", "dataset"),
        ("ctx.unprotected_frame()", "unprotected_frame"),
        ("getattr(ctx, 'data' + 'set')", "getattr"),
        ("open('kita.csv').read()", "open"),
        ("ctx._open_internal()", "_open_internal"),
    ],
)
def test_template_reaching_for_unprotected_data_is_refused(tmp_path, code, named):
    path = _with_cell(tmp_path, code)
    problems = b.template_problems(path)
    assert problems, code
    text = " ".join(p.describe() for p in problems)
    assert named in text and "Zelle 9" in text
    with pytest.raises(TemplateError, match="ungeschützte Daten") as err:
        b.check_template(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    "code",
    [
        "from toolkit.blocks import internal_context\nctx = internal_context(data, region, period, topic=topic)",
        "from toolkit.blocks import internal_context as intern\nctx = intern(data, region, period)",
        "import toolkit.blocks as tb\nctx = tb.internal_context(data, region, period, topic=topic)",
        "ctx = internal_context(data, region, period, topic=topic",  # does not even parse
    ],
)
def test_opt_out_is_found_in_the_code(tmp_path, code):
    path = _with_cell(tmp_path, code)
    assert b.uses_internal_data(path)
    assert b.uses_internal_data(b.template_code(path))


def test_internal_template_may_read_raw_data_but_stays_internal(tmp_path):
    code = (
        "from toolkit.blocks import internal_context\n"
        "ctx = internal_context(data, region, period, topic=topic)\n"
        "ctx.unprotected_frame()"
    )
    path = _with_cell(tmp_path, code)
    assert b.template_problems(path) == [] and b.uses_internal_data(path)


def test_syntax_error_is_a_problem():
    (problem,) = b.template_problems("header(ctx")
    assert "Syntaxfehler" in problem.describe()
    assert b.template_problems("%matplotlib inline\nheader(ctx)") == []
