"""``bericht.toml``: who publishes a municipality's reports, and how it is looked up.

One file per municipality says who publishes the reports (Herausgeber,
contact, logo, accent colour, data licence, source line, publication date);
:mod:`toolkit.reports.layout` lays every report page out with it.

Lookup order: the path given (``dkbm … --bericht`` or the environment variable
``DKBM_BERICHT``), else ``bericht.toml`` in the data directory, else the
documented defaults (:class:`BerichtConfig`).

Examples
--------
>>> BerichtConfig(herausgeber="Landkreis Beispiel").farbe
'#0072B2'
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

from toolkit.errors import ParameterError

__all__ = ["BERICHT_ENV", "BERICHT_FILE", "BerichtConfig", "load_bericht_config"]

#: Environment variable naming a ``bericht.toml`` (set by ``--bericht``).
BERICHT_ENV = "DKBM_BERICHT"
#: File name looked up in the data directory.
BERICHT_FILE = "bericht.toml"

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class BerichtConfig:
    """Publisher settings of a municipality's reports (all optional).

    Parameters
    ----------
    herausgeber : str
        Publisher shown in the footer and Impressum.
    kontakt : str
        Contact (address, e-mail, phone), one line.
    logo : str
        Image file (PNG, SVG, JPEG), relative to ``bericht.toml``; embedded.
    farbe : str
        Accent colour of headings and rules (``#RRGGBB``).
    lizenz : str
        Licence of the data.
    quelle : str
        Source line under each figure.
    veroeffentlicht : str
        Publication date (ISO ``YYYY-MM-DD``); default: ``SOURCE_DATE_EPOCH``
        if set, else today.
    path : str
        The file read ("" for defaults).

    Examples
    --------
    >>> BerichtConfig().lizenz
    'Datenlizenz Deutschland – Namensnennung – Version 2.0'
    """

    herausgeber: str = "Bildungsmonitoring (Herausgeber in bericht.toml eintragen)"
    kontakt: str = ""
    logo: str = ""
    farbe: str = "#0072B2"
    lizenz: str = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    quelle: str = "Statistische Ämter des Bundes und der Länder; eigene Berechnungen"
    veroeffentlicht: str = ""
    path: str = ""

    def publication_date(self) -> date:
        """Return the publication date (configured, ``SOURCE_DATE_EPOCH`` or today).

        Examples
        --------
        >>> BerichtConfig(veroeffentlicht="2025-03-01").publication_date().isoformat()
        '2025-03-01'
        """
        if self.veroeffentlicht:
            return date.fromisoformat(self.veroeffentlicht)
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        return date.today()


def load_bericht_config(
    data_dir: str | os.PathLike[str] | None = None,
    path: str | os.PathLike[str] | None = None,
) -> BerichtConfig:
    """Read ``bericht.toml`` (given path, ``DKBM_BERICHT``, data directory) or the defaults.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory of the reports; its ``bericht.toml`` is used when no
        path is given.
    path : str or path-like, optional
        Explicit file (wins over ``DKBM_BERICHT`` and the data directory).

    Returns
    -------
    BerichtConfig
        The settings; defaults where the file says nothing.

    Raises
    ------
    toolkit.errors.ParameterError
        When the file is missing (explicit path), not TOML, has unknown keys,
        a bad colour or date, or a logo that does not exist.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "bericht.toml").write_text('herausgeber = "Stadt X"', encoding="utf-8")
    ...     load_bericht_config(d).herausgeber
    'Stadt X'
    """
    chosen = path or os.environ.get(BERICHT_ENV, "") or None
    if chosen is not None:
        file = Path(chosen).expanduser()
        if not file.is_file():
            raise ParameterError(
                "bericht.toml nicht gefunden",
                file=str(file),
                hint=f"Pfad bei --bericht bzw. {BERICHT_ENV} prüfen",
            )
    else:
        if data_dir is None:
            return BerichtConfig()
        file = Path(data_dir) / BERICHT_FILE
        if not file.is_file():
            return BerichtConfig()
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ParameterError(f"bericht.toml ist kein gültiges TOML: {exc}", file=str(file)) from exc
    known = {f.name for f in fields(BerichtConfig)} - {"path"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ParameterError(
            f"bericht.toml: unbekannte Einträge {', '.join(unknown)}",
            file=str(file),
            hint=f"erlaubt sind: {', '.join(sorted(known))}",
        )
    values = {k: str(v) for k, v in raw.items()}
    if "farbe" in values and not _COLOUR.match(values["farbe"]):
        raise ParameterError(
            f"bericht.toml: farbe {values['farbe']!r} ist keine Farbe",
            file=str(file),
            hint='als "#RRGGBB" angeben, z. B. "#0072B2"',
        )
    if values.get("veroeffentlicht"):
        try:
            date.fromisoformat(values["veroeffentlicht"])
        except ValueError as exc:
            raise ParameterError(
                f"bericht.toml: veroeffentlicht {values['veroeffentlicht']!r} ist kein Datum",
                file=str(file),
                hint='als "JJJJ-MM-TT" angeben',
            ) from exc
    if values.get("logo"):
        logo = (file.parent / values["logo"]).resolve()
        if not logo.is_file():
            raise ParameterError(
                f"bericht.toml: Logo {values['logo']!r} nicht gefunden",
                file=str(file),
                hint="Pfad relativ zur bericht.toml angeben",
            )
        values["logo"] = str(logo)
    return BerichtConfig(**values, path=str(file.resolve()))
