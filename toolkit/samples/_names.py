"""Fictional German-sounding place names for the synthetic Land "Musterland".

Names are put together from a first part and an ending (``Lindenau``,
``Kranichfelde``); any likeness to a real place is a coincidence of syllables.

Examples
--------
>>> import numpy as np
>>> place_names(np.random.default_rng(1), 3, taken={"Musterstadt"})
['Alt-Storchenwiese', 'Alt-Sanddorf', 'Untersonnenkirchen']
"""

from __future__ import annotations

import numpy as np

__all__ = ["SOZIALRAUM_NAMES", "place_names"]

_FIRST = (
    "Linden", "Buchen", "Eichen", "Birken", "Tannen", "Wiesen", "Sonnen", "Mühlen",
    "Brunnen", "Stein", "Kalten", "Roten", "Wester", "Oster", "Norder", "Süder",
    "Hasel", "Erlen", "Weiden", "Espen", "Falken", "Raben", "Hirsch", "Fuchs",
    "Hasen", "Otter", "Biber", "Rosen", "Lilien", "Kranich", "Lerchen", "Ulmen",
    "Ahorn", "Eschen", "Kiefern", "Moos", "Heide", "Auen", "Quell", "Sand",
    "Kies", "Lehm", "Hopfen", "Flachs", "Schilf", "Reiher", "Storchen", "Dachs",
    "Wolfs", "Bären", "Finken", "Meisen", "Drossel", "Holunder", "Wacholder", "Mispel",
    "Holder", "Klee", "Minzen", "Salbei", "Thymian", "Efeu", "Farn", "Distel",
    "Nessel", "Ginster", "Weiler", "Bühl", "Kuppen", "Grund", "Senken", "Hügel",
)  # fmt: skip
_END = (
    "au", "bach", "berg", "burg", "dorf", "feld", "felde", "hagen", "hausen", "heim",
    "hof", "hofen", "ingen", "kirchen", "leben", "rode", "stedt", "tal", "walde",
    "wang", "weiler", "beck", "brück", "furt", "horst", "lohe", "mar", "moor",
    "ried", "sund", "born", "stetten", "winkel", "wiese",
)  # fmt: skip
_PREFIX = ("", "", "", "", "", "", "Alt-", "Neu-", "Ober", "Unter", "Groß ", "Klein ", "Bad ")

#: Names of the Sozialräume of the largest city, in order of their ids.
SOZIALRAUM_NAMES: tuple[str, ...] = (
    "Altstadt", "Nordstadt", "Südstadt", "Weststadt", "Oststadt", "Bahnhofsviertel",
    "Gartenstadt", "Am Stadtpark", "Hafenviertel", "Lindenhof", "Schlossberg",
    "Auenviertel", "Sonnenfeld", "Kirchberg", "Mühlengrund",
)  # fmt: skip


def _join(prefix: str, first: str, end: str) -> str:
    # "Linden" + "ingen" -> "Lindingen" reads badly: drop a doubled vowel/'n'.
    stem = first[:-2] if first.endswith("en") and end[0] in "aeiouä" else first
    word = stem + end
    if prefix.endswith(("Ober", "Unter")) and not prefix.endswith(" "):
        word = word.lower()
    return prefix + word


def place_names(rng: np.random.Generator, n: int, *, taken: set[str] | None = None) -> list[str]:
    """Return ``n`` distinct fictional place names.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (the result depends only on its state).
    n : int
        Number of names wanted.
    taken : set of str, optional
        Names that must not be returned (updated in place with the new names).

    Returns
    -------
    list of str
        ``n`` names, none in ``taken``.

    Examples
    --------
    >>> import numpy as np
    >>> len(set(place_names(np.random.default_rng(0), 500)))
    500
    """
    used = taken if taken is not None else set()
    names: list[str] = []
    while len(names) < n:
        k = max(2 * (n - len(names)), 16)
        p = rng.integers(0, len(_PREFIX), size=k)
        f = rng.integers(0, len(_FIRST), size=k)
        e = rng.integers(0, len(_END), size=k)
        for pi, fi, ei in zip(p, f, e, strict=True):
            name = _join(_PREFIX[pi], _FIRST[fi], _END[ei])
            if name not in used:
                used.add(name)
                names.append(name)
                if len(names) == n:
                    break
    return names
