"""Where the shipped templates and sample data are: in a clone or inside the installed wheel.

In a clone (or an editable install) they are the project folders
``templates/``, ``data_samples/`` and ``docs/vorlagen/`` (worked examples). A wheel carries copies of them in
``toolkit/_shipped/`` (written by ``setup.py`` when the wheel is built), so a
plain ``pip install`` of the wheel can run ``dkbm report``.

Examples
--------
>>> shipped_dir("templates").name
'templates'
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SHIPPED", "shipped_dir"]

#: Shipped folder -> its project folder (``setup.py`` copies exactly these into the wheel).
SHIPPED = {"templates": "templates", "data_samples": "data_samples", "beispiele": "docs/vorlagen"}


def shipped_dir(name: str) -> Path:
    """Return the folder ``templates``, ``data_samples`` or ``beispiele`` of this installation.

    Parameters
    ----------
    name : {'templates', 'data_samples', 'beispiele'}
        The shipped folder (``beispiele``: the worked example templates of
        ``docs/vorlagen``).

    Returns
    -------
    pathlib.Path
        ``toolkit/_shipped/<name>`` in an installed wheel, else the project
        folder next to the ``toolkit`` package (it may not exist, e.g. in a
        wheel built without it; callers say what is missing).

    Examples
    --------
    >>> (shipped_dir("data_samples") / "musterland" / "meta.json").is_file()
    True
    """
    if name not in SHIPPED:
        raise ValueError(f"unknown shipped folder {name!r}")
    packaged = Path(__file__).resolve().parent / "_shipped" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / SHIPPED[name]
