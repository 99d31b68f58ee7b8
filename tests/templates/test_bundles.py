"""Template bundles (issue #18.3, #18.6): new, pack, validate, install, list, remove, diff."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest

from toolkit.cli import main
from toolkit.errors import TemplateError
from toolkit.reports.bundles import (
    MANIFEST_NAME,
    diff_templates,
    install_bundle,
    installed_bundles,
    new_bundle,
    pack_bundle,
    read_manifest_file,
    remove_bundle,
    verify_bundle,
)
from toolkit.reports.registry import get_template, scan_templates

OK = Path(__file__).parents[1] / "reports" / "notebooks" / "ok.ipynb"
OK_DATA = Path(__file__).parents[1] / "reports" / "data"


@pytest.fixture
def user(tmp_path, monkeypatch):
    folder = tmp_path / "user"
    monkeypatch.setenv("DKBM_USER_TEMPLATES_DIR", str(folder))
    monkeypatch.delenv("DKBM_TEMPLATES_DIR", raising=False)
    return folder


@pytest.fixture
def bundle(tmp_path) -> Path:
    """A bundle folder started from the small test template (runs in a second)."""
    return new_bundle(tmp_path / "ta", "ganztag-nord", author="TA Nord", source=OK, title="Ganztag")


def _bump(folder: Path, version: str, change: str, edit: str | None = None) -> None:
    """Make a new version of the bundle's template: version, a code change, changelog."""
    path = folder / "ganztag_nord.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.metadata["dkbm"]["version"] = version
    if edit is not None:
        nb.cells[-1].source += "\n" + edit
    nbformat.write(nb, path)
    jupytext.write(jupytext.read(path), path.with_suffix(".py"), fmt="py:percent")  # as Lab does
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["version"] = version
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    log = folder / "CHANGELOG.md"
    text = log.read_text(encoding="utf-8").replace(
        "# Änderungen\n", f"# Änderungen\n\n## {version}\n\n- {change}\n"
    )
    log.write_text(text, encoding="utf-8")


def test_pack_writes_a_complete_manifest_and_the_bundle_verifies(bundle, tmp_path):
    archive = pack_bundle(bundle, tmp_path / "dist")
    assert archive.name == "ganztag-nord-0.1.0.zip"
    manifest = read_manifest_file(bundle / MANIFEST_NAME)
    assert (manifest.name, manifest.version, manifest.author) == (
        "ganztag-nord",
        "0.1.0",
        "TA Nord",
    )
    assert manifest.toolkit == ">=0.1,<0.2"
    entry = manifest.templates["ganztag_nord"]
    assert entry["file"] == "ganztag_nord.ipynb" and entry["twin"] == "ganztag_nord.py"
    assert entry["parameters"]["region"]["default"] == "17001" and entry["version"] == "0.1.0"
    assert set(manifest.files) == {"CHANGELOG.md", "ganztag_nord.ipynb", "ganztag_nord.py"}
    assert verify_bundle(bundle) == []
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist())[0] == "ganztag-nord/CHANGELOG.md"
    # same input, same zip (fixed order and times): a checksum can be published
    again = pack_bundle(bundle, tmp_path / "dist2")
    assert again.read_bytes() == archive.read_bytes()


def test_pack_refuses_missing_changelog_entry_and_stale_twin(bundle):
    manifest = json.loads((bundle / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["version"] = "0.2.0"
    (bundle / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    twin = bundle / "ganztag_nord.py"
    twin.write_text(
        twin.read_text(encoding="utf-8") + "\n# %%\nprint('nur im Zwilling')\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError) as info:
        pack_bundle(bundle)
    text = [p.describe() for p in info.value.problems]
    assert any("keinen Abschnitt für Version 0.2.0" in t for t in text)
    assert any("ganztag_nord.ipynb und ganztag_nord.py weichen voneinander ab" in t for t in text)


def test_strict_manifest(bundle):
    manifest = json.loads((bundle / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest.update(autor="x", toolkit="ab 0.1", name="Ganztag Nord")
    (bundle / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        read_manifest_file(bundle / MANIFEST_NAME)
    text = [p.describe() for p in info.value.problems]
    assert any("'autor' (meinten Sie 'author'?)" in t for t in text)
    assert any("'ab 0.1' ist kein Versionsbereich" in t for t in text)
    assert any("'Ganztag Nord' ist kein Paketname" in t for t in text)


def test_install_list_run_update_and_remove(bundle, tmp_path, user, capsys):
    archive = pack_bundle(bundle, tmp_path / "dist")
    assert main(["templates", "install", str(archive)]) == 0
    assert "Installiert: ganztag-nord 0.1.0" in capsys.readouterr().out
    template = get_template("ganztag_nord")
    assert template.origin == "Paket ganztag-nord 0.1.0"
    assert template.path == (user / "ganztag-nord" / "ganztag_nord.ipynb").resolve()
    assert main(["templates", "list"]) == 0
    listed = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["ganztag_nord", "0.1.0", "Ganztag", "[Paket", "ganztag-nord", "0.1.0]"] in listed
    # the installed template runs like a shipped one
    code = main(
        [
            "run",
            "ganztag_nord",
            "--region",
            "17002",
            "--period",
            "2024",
            "--data",
            str(OK_DATA),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0 and (tmp_path / "out" / "2024" / "ganztag_nord").is_dir()

    assert install_bundle(archive).unchanged  # same bundle again: nothing to do
    _bump(bundle, "0.2.0", "Tabelle ergänzt", edit="print('neu')")
    newer = pack_bundle(bundle, tmp_path / "dist")
    done = install_bundle(newer)
    assert (
        done.previous == "0.1.0" and len(done.changes) == 1 and "Tabelle ergänzt" in done.changes[0]
    )
    assert get_template("ganztag_nord").version == "0.2.0"
    with pytest.raises(TemplateError, match=r"0\.2\.0 ist installiert; 0\.1\.0 ist nicht neuer"):
        install_bundle(archive)
    assert install_bundle(archive, force=True).previous == "0.2.0"

    assert main(["templates", "remove", "ganztag_nord"]) == 0
    assert installed_bundles() == [] and scan_templates().find("ganztag_nord") is None
    with pytest.raises(TemplateError, match="Kein installiertes Paket"):
        remove_bundle("ganztag-nord")


def test_tampered_or_foreign_bundles_are_refused(bundle, tmp_path, user):
    pack_bundle(bundle, tmp_path / "dist")
    nb = bundle / "ganztag_nord.ipynb"
    nb.write_text(
        nb.read_text(encoding="utf-8").replace("Testbericht", "Geändert"), encoding="utf-8"
    )
    with pytest.raises(TemplateError) as info:
        install_bundle(bundle)
    text = [p.describe() for p in info.value.problems]
    assert any("ganztag_nord.ipynb: Prüfsumme stimmt nicht" in t for t in text)
    assert not user.exists() or installed_bundles() == []

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../ausserhalb.txt", "x")
    with pytest.raises(TemplateError, match="unzulässigen Pfad"):
        install_bundle(evil)
    (tmp_path / "kaputt.zip").write_text("kein zip", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"keine gültige \.zip"):
        install_bundle(tmp_path / "kaputt.zip")


def test_toolkit_range_and_name_clash_are_checked(bundle, tmp_path, user):
    manifest = json.loads((bundle / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["toolkit"] = ">=9.0"
    (bundle / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    archive = pack_bundle(bundle, tmp_path / "dist")
    with pytest.raises(TemplateError) as info:
        install_bundle(archive)
    assert "braucht dkbm-toolkit >=9.0, installiert ist 0.1.0" in str(info.value)

    manifest["toolkit"] = ">=0.1"
    (bundle / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    install_bundle(pack_bundle(bundle, tmp_path / "dist"))
    other = tmp_path / "other"
    shutil.copytree(bundle, other)
    manifest["name"] = "anderes-paket"
    (other / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        install_bundle(pack_bundle(other, tmp_path / "dist"))
    assert "Vorlage 'ganztag_nord' gibt es schon im Paket ganztag-nord" in str(info.value)


def test_diff_of_two_bundle_versions_is_reviewable(bundle, tmp_path, capsys):
    old = pack_bundle(bundle, tmp_path / "dist")
    _bump(bundle, "0.2.0", "Hinweis zur Quote", edit="print('Hinweis zur Quote')")
    new = pack_bundle(bundle, tmp_path / "dist")
    assert main(["templates", "diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "- version: '0.1.0'" in out and "+ version: '0.2.0'" in out
    assert "Neu im CHANGELOG:\n## 0.2.0" in out
    assert "+  print('Hinweis zur Quote')" in out
    assert "/metadata/dkbm/version" in out
    same = io.StringIO()
    assert diff_templates(new, new, out=same) == 0 and same.getvalue() == "Keine Unterschiede.\n"


def test_validate_a_packed_bundle(bundle, tmp_path, capsys, user):
    archive = pack_bundle(bundle, tmp_path / "dist")
    assert main(["templates", "validate", str(archive), "--data", str(OK_DATA), "--intern"]) == 0
    out = capsys.readouterr().out
    assert "ganztag_nord 0.1.0" in out and "Probelauf 17001 2024" in out
    assert "alles in Ordnung" in out


def test_new_command_starts_a_bundle(tmp_path, user, capsys):
    assert (
        main(
            [
                "templates",
                "new",
                "kita-sued",
                "--author",
                "TA Süd",
                "--out",
                str(tmp_path),
                "--from",
                str(OK),
            ]
        )
        == 0
    )
    folder = tmp_path / "kita-sued"
    assert (folder / "kita_sued.ipynb").is_file() and (folder / "kita_sued.py").is_file()
    assert "## 0.1.0" in (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    with pytest.raises(TemplateError, match="Ordner gibt es schon"):
        new_bundle(tmp_path, "kita-sued", author="x", source=OK)


def test_git_working_folder_validates_before_packing_and_keeps_subfolders_out(bundle, capsys, user):
    pack_bundle(bundle)
    _bump(bundle, "0.2.0", "neue Zeile", edit="print('neu')")  # edited, not packed yet
    (bundle / "testdaten").mkdir()
    (bundle / "testdaten" / "regions.csv").write_text("x", encoding="utf-8")
    assert (
        main(["templates", "validate", str(bundle), "--no-run", "--data", str(OK_DATA), "--intern"])
        == 0
    )
    assert "alles in Ordnung" in capsys.readouterr().out
    first = pack_bundle(bundle, bundle / "dist")  # a dist/ folder inside the repository
    second = pack_bundle(bundle, bundle / "dist")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        assert not any("testdaten" in n or "dist" in n for n in zf.namelist())
    assert install_bundle(bundle).manifest.version == "0.2.0"  # a packed git checkout installs


def test_install_refuses_code_naming_toolkit_functions_that_do_not_exist(bundle, tmp_path, user):
    path = bundle / "ganztag_nord.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("from toolkit.blocks_der_zukunft import neu"))
    nbformat.write(nb, path)
    path.with_suffix(".py").unlink()
    with pytest.raises(TemplateError) as info:
        install_bundle(pack_bundle(bundle, tmp_path / "dist"))
    assert "ganztag_nord: Zelle 9, toolkit hat keinen Namen 'blocks_der_zukunft'" in str(info.value)
    assert installed_bundles() == []


def test_new_without_from_starts_from_the_guides_example_or_a_shipped_template(tmp_path, user):
    from toolkit._resources import shipped_dir

    assert main(["templates", "new", "start", "--author", "A", "--out", str(tmp_path)]) == 0
    nb = nbformat.read(tmp_path / "start" / "start.ipynb", as_version=4)
    example = shipped_dir("beispiele") / "ganztag.ipynb"
    source = example if example.is_file() else get_template("uebergaenge").path
    first = [c.source for c in nbformat.read(source, as_version=4).cells]
    assert [c.source for c in nb.cells] == first
    assert nb.metadata["dkbm"]["version"] == "0.1.0" and nb.metadata["dkbm"]["name"] == "start"
