"""The papermill engine ``dkbm`` and the choice of engine per template."""

from __future__ import annotations

import signal
from importlib.metadata import entry_points

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from toolkit.errors import TemplateError

from .conftest import DATA, NOTEBOOKS, batch


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_engine_is_registered_through_the_papermill_entry_point():
    names = {ep.name: ep.value for ep in entry_points(group="papermill.engine")}
    assert names.get("dkbm") == "toolkit.reports.engine:DkbmEngine"


def test_outputs_are_recorded_as_a_kernel_records_them():
    nb = _notebook(
        "print('a'); print('b')\nimport sys; print('fehler', file=sys.stderr)",
        "from IPython.display import Markdown, display\ndisplay(Markdown('**fett**'))\nx * 6",
        "import pandas as pd\npd.DataFrame({'w': [x]})",
    )
    out = papermill.execute_notebook(nb, None, {"x": 7}, engine_name="dkbm", progress_bar=False)
    streams = out.cells[2].outputs
    assert [(o.name, o.text) for o in streams] == [("stdout", "a\nb\n"), ("stderr", "fehler\n")]
    shown, result = out.cells[3].outputs
    assert shown.output_type == "display_data" and shown.data["text/markdown"] == "**fett**"
    assert result.output_type == "execute_result" and result.data["text/plain"] == "42"
    assert result.execution_count == out.cells[3].execution_count
    assert "<table" in out.cells[4].outputs[0].data["text/html"]
    assert out.metadata.papermill.parameters == {"x": 7}


def test_error_gives_papermills_error_cell_and_exception(tmp_path):
    nb = _notebook("y = x + 1", "raise ValueError(f'kaputt bei {y}')", "print('nie')")
    target = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            nb, str(target), {"x": 1}, engine_name="dkbm", progress_bar=False
        )
    assert (info.value.ename, info.value.evalue) == ("ValueError", "kaputt bei 2")
    saved = nbformat.read(target, as_version=4)
    tags = [t for c in saved.cells for t in c.metadata.get("tags", [])]
    assert tags.count("papermill-error-cell-tag") == 2
    assert saved.cells[-1].outputs == []  # stopped at the error


def test_execution_timeout_bounds_the_whole_run_and_is_not_swallowed(tmp_path):
    # two cells of 0.6 s each: each is under the limit, together they are over it (so the
    # limit is per run, not per cell); the second catches every Exception and still stops
    nb = _notebook(
        "import time; time.sleep(0.6)",
        "try:\n    time.sleep(0.6)\nexcept Exception:\n    pass",
        "x = 2",
    )
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            nb,
            str(tmp_path / "out.ipynb"),
            engine_name="dkbm",
            progress_bar=False,
            execution_timeout=1,
        )
    assert info.value.ename == "CellTimeoutError" and info.value.exec_count == 3
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left behind
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


def test_each_run_starts_with_an_empty_namespace():
    first = papermill.execute_notebook(
        _notebook("geheim = 4711"), None, {}, engine_name="dkbm", progress_bar=False
    )
    assert first.cells[1].outputs == []
    second = papermill.execute_notebook(
        _notebook("print('geheim' in globals())"), None, {}, engine_name="dkbm", progress_bar=False
    )
    assert second.cells[1].outputs[0].text == "False\n"


def test_template_can_ask_for_a_real_kernel(tmp_path):
    nb = nbformat.read(NOTEBOOKS / "prints_region.ipynb", as_version=4)
    nb.metadata["dkbm"]["name"] = "mit_kernel"
    nb.metadata["dkbm"]["engine"] = "kernel"
    nb.cells.append(
        nbformat.v4.new_code_cell("import sys\nprint('KERNEL:', 'ipykernel' in sys.modules)")
    )
    templates = tmp_path / "vorlagen"
    templates.mkdir()
    nbformat.write(nb, templates / "mit_kernel.ipynb")
    from toolkit.reports import run_batch

    result = run_batch(
        "mit_kernel",
        regions="17001",
        period=2024,
        out=tmp_path / "out",
        data_dir=DATA,
        templates_dir=templates,
        progress=False,
        internal=True,  # a plain notebook reading raw data
    )
    assert result.exit_code == 0, result.entries
    page = (tmp_path / "out" / "2024" / "mit_kernel" / "17001_testkreis-nord.html").read_text()
    assert "KERNEL: True" in page and "NAME: Testkreis Nord" in page


def test_failing_warm_up_stops_the_batch_with_its_cause(tmp_path):
    nb = nbformat.read(NOTEBOOKS / "ok.ipynb", as_version=4)
    nb.metadata["dkbm"]["name"] = "kaputt"
    nb.cells.append(nbformat.v4.new_code_cell("import gibts_nicht_modul_4711"))
    templates = tmp_path / "vorlagen"
    templates.mkdir()
    nbformat.write(nb, templates / "kaputt.ipynb")
    with pytest.raises(TemplateError, match="gibts_nicht_modul_4711"):
        batch("kaputt", "17001", tmp_path / "out", templates_dir=templates)
    assert not list((tmp_path / "out").rglob("*.html"))


def test_a_kernel_report_over_its_time_limit_is_a_timeout_with_its_notebook(tmp_path):
    """A template with ``"engine": "kernel"`` gets papermill's per-cell limit from nbclient.

    nbclient's CellTimeoutError came out of papermill as it is and the report was
    "failed: CellTimeoutError"; now it is a timeout like the dkbm engine's (papermill
    keeps no notebook of a kernel stopped so).
    """
    from toolkit.reports.tasks import ReportTask, produce

    nb = _notebook("import time\ntime.sleep(60)")
    nbformat.write(nb, tmp_path / "langsam.ipynb")
    task = ReportTask(
        str(tmp_path / "langsam.ipynb"),
        "T",
        "17001",
        "A",
        {},
        ("html",),
        str(tmp_path),
        "17001_a",
        "h",
        engine=None,
        timeout=2.0,
    )
    entry = produce(task)
    assert entry.status == "timeout", entry
    assert entry.error_type == "Timeout" and "Zeitlimit von 2 s" in entry.error
    assert not list(tmp_path.glob("17001_a.*"))
