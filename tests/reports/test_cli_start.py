"""`dkbm --help`, `--version` and `templates list` start at once (issue #12, item 6)."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from toolkit.cli import _COMMANDS, _overview_parser, build_parser

HEAVY = ("pandas", "pandera", "scipy", "numpy", "matplotlib", "nbconvert", "papermill")


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["templates", "list"]])
def test_fast_commands_import_nothing_heavy_and_use_little_cpu(argv):
    script = (
        "import sys\n"
        "from toolkit.cli import main\n"
        f"code = main({argv!r}) if {argv!r} != ['--help'] else 0\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "toolkit.cli", *argv], capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 0.3, cpu


def test_command_table_matches_what_the_modules_register():
    # the help listing made from the table equals the one of the full parser
    assert _overview_parser().format_help() == build_parser().format_help()
    assert set(_COMMANDS) <= set(build_parser().format_help().split())


def test_one_command_imports_only_its_module():
    parser = build_parser("templates")
    args = parser.parse_args(["templates", "list"])
    # the templates actions live in their own module, registered by toolkit.reports._cli
    assert args.func.__module__ == "toolkit.reports._templates_cli"
