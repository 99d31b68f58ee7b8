"""The same batch on a Dask distributed cluster (a LocalCluster here)."""

from __future__ import annotations

import json

import pytest

from .conftest import batch


def _imported(*names: str) -> dict[str, bool]:
    import sys

    return {name: name in sys.modules for name in names}


def test_batch_on_a_local_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    heavy = ("papermill", "nbconvert", "toolkit.blocks", "toolkit.reports.content")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=True,
        dashboard_address=":0",
        preload=["toolkit.reports.dask"],
    ) as cluster:
        with distributed.Client(cluster) as client:  # the preload imported them at start
            [imported] = client.run(_imported, *heavy).values()
        assert imported == dict.fromkeys(heavy, True)
        result = batch(
            "raises_for_region",
            "17001,17003",
            tmp_path,
            executor="dask",
            scheduler=cluster.scheduler_address,
        )
    statuses = {e["region"]: e["status"] for e in result.entries}
    assert statuses == {"17001": "ok", "17003": "failed"}
    manifest = json.loads((tmp_path / "2024" / "raises_for_region" / "manifest.json").read_text())
    assert manifest["summary"] == {"ok": 1, "failed": 1, "timeout": 0}
    assert (tmp_path / "2024" / "raises_for_region" / "17001_testkreis-nord.html").is_file()


def test_the_preload_imports_in_the_thread_the_reports_are_forked_from(monkeypatch):
    # per-thread state made at import (pyproj's PROJ context) must belong to the forking thread
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    import toolkit.reports.dask as dask_module

    threads: list[str] = []
    record = lambda *templates: threads.append(threading.current_thread().name)  # noqa: E731
    monkeypatch.setattr(dask_module, "_import_for", record)
    with ThreadPoolExecutor(1, thread_name_prefix="Dask-Default-Threads") as tasks:
        dask_module.dask_setup(SimpleNamespace(executors={"default": tasks}))
    assert len(threads) == 1
    assert threads[0].startswith("Dask-Default-Threads")


def test_the_quiet_worker_settings_are_dask_settings():
    # a misspelt or renamed key would be accepted by dask.config.set and do nothing
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    from toolkit.reports.dask import QUIET_WORKERS

    for key, value in QUIET_WORKERS.items():
        default = dask.config.get(key)  # raises KeyError for an unknown key
        assert type(default) is type(value) and default != value, key


def test_a_worker_that_does_not_see_the_batch_folders_stops_the_batch(tmp_path):
    pytest.importorskip("distributed")
    from toolkit.errors import ParameterError
    from toolkit.reports.dask import WarmWorker

    from .conftest import DATA, NOTEBOOKS

    gone = tmp_path / "nur-auf-dem-rechner-des-nutzers"
    for folders, missing in (((gone, tmp_path), gone), ((DATA, gone), gone)):
        plugin = WarmWorker(str(folders[0]), str(NOTEBOOKS / "ok.ipynb"), {}, None, str(folders[1]))
        with pytest.raises(ParameterError, match=f"{missing} ist auf dem Dask-Worker"):
            plugin.prepare()
    ready = WarmWorker(str(DATA), str(NOTEBOOKS / "ok.ipynb"), {}, None, str(tmp_path))
    ready.prepare()  # everything visible: prepared without the data
    assert ready.warm is None


def test_dask_needs_a_scheduler_address(tmp_path):
    from toolkit.errors import ParameterError

    with pytest.raises(ParameterError, match="--scheduler"):
        batch("ok", "17001", tmp_path, executor="dask", scheduler=None)


def test_an_unreachable_scheduler_is_refused_before_the_data_are_read(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from toolkit.errors import ParameterError
    from toolkit.reports import planning

    def refuse(address, timeout):  # what Client does after its timeout, without the wait
        raise OSError(f"Timed out trying to connect to {address} after {timeout}")

    monkeypatch.setattr(distributed, "Client", refuse)
    monkeypatch.setattr(planning, "load_dataset", lambda path: pytest.fail("data were read"))
    with pytest.raises(ParameterError, match=r"tcp://127\.0\.0\.1:9 nicht erreichbar"):
        batch("ok", "17001", tmp_path, executor="dask", scheduler="tcp://127.0.0.1:9")


def test_dask_timeout_and_warm_up_failure(tmp_path):
    distributed = pytest.importorskip("distributed")
    import nbformat

    from toolkit.errors import TemplateError

    from .conftest import NOTEBOOKS

    nb = nbformat.read(NOTEBOOKS / "ok.ipynb", as_version=4)
    nb.metadata["dkbm"]["name"] = "kaputt"
    nb.cells.append(nbformat.v4.new_code_cell("import gibts_nicht_modul_4711"))
    templates = tmp_path / "vorlagen"
    templates.mkdir()
    nbformat.write(nb, templates / "kaputt.ipynb")
    shutil_copy = __import__("shutil").copy
    shutil_copy(NOTEBOOKS / "sleeps.ipynb", templates / "sleeps.ipynb")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0"
    ) as cluster:
        address = cluster.scheduler_address
        result = batch(
            "sleeps",
            "17001,17002",
            tmp_path / "a",
            executor="dask",
            scheduler=address,
            timeout=4,
            templates_dir=templates,
        )
        with pytest.raises(Exception, match="gibts_nicht_modul_4711") as info:
            batch(
                "kaputt",
                "17001",
                tmp_path / "b",
                executor="dask",
                scheduler=address,
                templates_dir=templates,
            )
    statuses = {e.region: e.status for e in result.entries}
    assert statuses == {"17001": "ok", "17002": "timeout"}
    assert isinstance(info.value, TemplateError)
