"""Result objects of disclosure control: :class:`Protected` and its report."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.disclosure._tables import CellTable

__all__ = ["DisclosureReport", "Protected"]


@dataclass(frozen=True)
class DisclosureReport:
    """What disclosure control did to a table.

    Attributes
    ----------
    method : str
        ``suppress`` or ``round``.
    min_count : int
        Minimum frequency used.
    cells : int
        Published count cells examined (numerators and denominators count
        separately for an IndicatorFrame).
    primary : int
        Cells suppressed because they are sensitive themselves.
    secondary : int
        Further cells suppressed so that no sensitive cell can be recomputed.
    suppressed_value : float
        Sum of the suppressed counts (information loss in persons).
    total_value : float
        Sum of all examined counts.
    rows_suppressed : int
        Rows of the result whose value is replaced by ``.``.
    engine : tuple of str
        tau-Argus methods used (``OPT``, ``MOD``).
    engine_seconds : float
        Time spent inside tau-Argus.
    notes : tuple of str
        German notes for the report, e.g. that rounded totals do not add up.

    Examples
    --------
    >>> r = DisclosureReport("suppress", 3, cells=10, primary=1, secondary=1)
    >>> r.information_loss
    0.2
    >>> print(r.summary())
    Geheimhaltung: 2 von 10 Zellen gesperrt (1 primär, 1 sekundär), Mindestfallzahl 3.
    """

    method: str
    min_count: int
    cells: int = 0
    primary: int = 0
    secondary: int = 0
    suppressed_value: float = 0.0
    total_value: float = 0.0
    rows_suppressed: int = 0
    engine: tuple[str, ...] = ()
    engine_seconds: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def information_loss(self) -> float:
        """Share of examined cells that are suppressed (0 for rounding).

        Examples
        --------
        >>> DisclosureReport("round", 3).information_loss
        0.0
        """
        return (self.primary + self.secondary) / self.cells if self.cells else 0.0

    def summary(self) -> str:
        """Return one German sentence for the report's notes.

        Examples
        --------
        >>> print(DisclosureReport("round", 3, cells=4, notes=("Basis 5.",)).summary())
        Geheimhaltung: 4 Zellen gerundet. Basis 5.
        """
        if self.method == "round":
            text = f"Geheimhaltung: {self.cells} Zellen gerundet."
        else:
            n = self.primary + self.secondary
            text = (
                f"Geheimhaltung: {n} von {self.cells} Zellen gesperrt "
                f"({self.primary} primär, {self.secondary} sekundär), "
                f"Mindestfallzahl {self.min_count}."
            )
        return " ".join([text, *self.notes])


@dataclass(frozen=True)
class Protected:
    """A protected table and the report of what was done.

    Attributes
    ----------
    frame : pandas.DataFrame
        The input with suppressed values replaced by NaN and flag ``.``
        (or with rounded counts).
    report : DisclosureReport
        Counts of suppressed cells and information loss.

    Examples
    --------
    >>> p = Protected(pd.DataFrame({"n": [5.0]}), DisclosureReport("suppress", 3, cells=1))
    >>> p.report.primary
    0
    """

    frame: pd.DataFrame
    report: DisclosureReport
    tables: tuple[CellTable, ...] = field(default=(), repr=False)
    keys: tuple[np.ndarray, ...] | None = field(default=None, repr=False)
    names: tuple[str, ...] = field(default=(), repr=False)
