"""Error types of the toolkit.

Every error a user can meet is a :class:`DkbmError`. It carries structured
context (file, column, rows, hint) so that a notebook, the CLI and the batch
manifest can show *where* the problem is and *what to do*, not a traceback
from deep inside pandas.

Examples
--------
>>> err = DataError("Spalte fehlt", file="kita.csv", column="kinder", hint="Spalte ergänzen")
>>> print(err)
Spalte fehlt
  Datei: kita.csv
  Spalte: kinder
  Hinweis: Spalte ergänzen
>>> isinstance(err, DkbmError)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "ConvergenceError",
    "DataError",
    "DisclosureError",
    "DkbmError",
    "ParameterError",
    "Problem",
    "TemplateError",
]


def _format_rows(rows: Sequence[int], limit: int = 20) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    if len(rows) > limit:
        shown += f", … ({len(rows) - limit} weitere)"
    return shown


@dataclass(frozen=True)
class Problem:
    """One problem found while checking input.

    Parameters
    ----------
    message : str
        What is wrong, in words a user understands.
    column : str, optional
        Column the problem is in.
    rows : sequence of int, optional
        Row numbers as the user sees them in the file (1 = first data row
        after the header, unless stated otherwise).
    hint : str, optional
        What to do about it.

    Examples
    --------
    >>> Problem("negative Anzahl", column="kinder", rows=(4, 9)).describe()
    "Spalte 'kinder', Zeilen 4, 9: negative Anzahl"
    """

    message: str
    column: str | None = None
    rows: tuple[int, ...] = field(default_factory=tuple)
    hint: str | None = None

    def describe(self) -> str:
        """Return a one-line German description of the problem.

        Examples
        --------
        >>> Problem("fehlt", column="ags").describe()
        "Spalte 'ags': fehlt"
        """
        parts = []
        if self.column is not None:
            parts.append(f"Spalte '{self.column}'")
        if self.rows:
            label = "Zeile" if len(self.rows) == 1 else "Zeilen"
            parts.append(f"{label} {_format_rows(self.rows)}")
        prefix = ", ".join(parts)
        text = f"{prefix}: {self.message}" if prefix else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class DkbmError(Exception):
    """Base class of all toolkit errors.

    Parameters
    ----------
    message : str
        Main message.
    file : str, optional
        File the problem was found in.
    column : str, optional
        Column concerned.
    rows : iterable of int, optional
        Row numbers concerned (as the user sees them).
    hint : str, optional
        What the user can do.
    problems : iterable of Problem, optional
        All problems found, when several were collected at once.

    Examples
    --------
    >>> e = DkbmError("kaputt", rows=[3, 5])
    >>> e.rows
    (3, 5)
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: Iterable[int] | None = None,
        hint: str | None = None,
        problems: Iterable[Problem] | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.column = column
        self.rows = tuple(int(r) for r in rows) if rows is not None else ()
        self.hint = hint
        self.problems = tuple(problems) if problems is not None else ()
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [self.message]
        if self.file:
            lines.append(f"  Datei: {self.file}")
        if self.column:
            lines.append(f"  Spalte: {self.column}")
        if self.rows:
            lines.append(f"  Zeilen: {_format_rows(self.rows)}")
        for p in self.problems:
            lines.append(f"  - {p.describe()}")
        if self.hint:
            lines.append(f"  Hinweis: {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """Return the structured context, e.g. for a batch manifest.

        Examples
        --------
        >>> DataError("x", file="a.csv").to_dict()["file"]
        'a.csv'
        """
        return {
            "type": type(self).__name__,
            "message": self.message,
            "file": self.file,
            "column": self.column,
            "rows": list(self.rows),
            "hint": self.hint,
            "problems": [p.describe() for p in self.problems],
        }


class DataError(DkbmError):
    """Input data are malformed, incomplete or inconsistent."""


class ParameterError(DkbmError, ValueError):
    """A function or template parameter is invalid."""


class ConvergenceError(DkbmError):
    """An iterative procedure (raking, calibration) did not reach its target."""


class DisclosureError(DkbmError):
    """Disclosure control cannot be applied or would be violated."""


class TemplateError(DkbmError):
    """A report template is malformed or failed to run."""
