"""Key numbers computed independently from the raw sample tables with plain pandas.

Nothing here calls the toolkit: the tables are read with ``pandas.read_csv``
and the definitions are written out from DOMAIN.md / data_samples/README.md,
so the template outputs are checked against a second implementation.
"""

from __future__ import annotations

import html
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

SAMPLE = Path(__file__).resolve().parents[2] / "data_samples" / "musterland"


class Tables:
    """Raw CSV tables of one data directory, codes kept as strings."""

    def __init__(self, directory: Path = SAMPLE) -> None:
        self.dir = Path(directory)
        self._cache: dict[str, pd.DataFrame] = {}

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._cache:
            self._cache[name] = pd.read_csv(
                self.dir / f"{name}.csv",
                dtype={"region_code": str, "parent_code": str, "beruf": str},
                keep_default_na=False,
                na_values=[""],
            )
        return self._cache[name]

    def meta(self) -> dict:
        return json.loads((self.dir / "meta.json").read_text(encoding="utf-8"))

    # --- regions -------------------------------------------------------------
    def name(self, code: str) -> str:
        r = self.regions
        return str(r.loc[r["region_code"] == code, "region_name"].iloc[0])

    def gemeinden(self, code: str) -> list[str]:
        """Gemeinde codes making up a region (Land, Kreis or Gemeinde)."""
        r = self.regions
        gem = r.loc[r["level"] == "gemeinde", "region_code"]
        return [c for c in gem if c.startswith(code)]

    def sozialraeume(self, code: str) -> list[str]:
        r = self.regions
        return sorted(
            r.loc[
                (r["level"] == "sozialraum") & r["region_code"].str.startswith(code), "region_code"
            ]
        )

    def base(self, code: str) -> list[str]:
        """Rows to sum for a region: itself for DG, else its Gemeinden."""
        return ["DG"] if code == "DG" else self.gemeinden(code)

    def kreise(self, code: str) -> list[str]:
        r = self.regions
        kr = r.loc[r["level"] == "kreis", "region_code"]
        return ["DG"] if code == "DG" else [c for c in kr if c.startswith(code[:5])]

    # --- indicators ----------------------------------------------------------
    def betreuungsquote(self, code: str, year: int, group: str = "u3") -> float:
        num, den = self.betreuung_counts(code, year, group)
        return 100 * num / den

    def betreuung_counts(self, code: str, year: int, group: str = "u3") -> tuple[int, int]:
        """Children in care (1 March) and population of the age (31 Dec of the year before)."""
        ages = {"u3": [0, 1, 2], "3u6": [3, 4, 5]}[group]
        k, p = self.kita, self.population
        kids = k[
            k["region_code"].isin(self.base(code)) & (k["year"] == year) & (k["age_group"] == group)
        ]
        pop = p[
            p["region_code"].isin(self.base(code)) & (p["year"] == year - 1) & p["age"].isin(ages)
        ]
        return int(kids["children"].sum()), int(pop["population"].sum())

    def uebergangsquote(self, code: str, year: int, school_type: str) -> float:
        t = self.transitions
        t = t[t["region_code"].isin(self.base(code)) & (t["year"] == year)]
        num = t.loc[t["school_type"] == school_type, "pupils"].sum()
        den = t.loc[t["school_type"] == "jg4_abgaenge", "pupils"].sum()
        return 100 * num / den

    def abgaenge_anteil(self, code: str, year: int, abschluss: str) -> float:
        s = self.school_leavers
        s = s[s["region_code"].isin(self.base(code)) & (s["year"] == year)]
        return 100 * s.loc[s["abschluss"] == abschluss, "leavers"].sum() / s["leavers"].sum()

    def iabe_anteil(self, code: str, year: int, sector: str) -> float:
        i = self.iabe
        i = i[i["region_code"].isin(self.kreise(code)) & (i["year"] == year)]
        return 100 * i.loc[i["sector"] == sector, "entrants"].sum() / i["entrants"].sum()

    def _contracts(self, code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        n, d = self.contracts_new, self.contracts_dissolved
        return n[n["region_code"].isin(self.kreise(code))], d[
            d["region_code"].isin(self.kreise(code))
        ]

    def vertragsloesungsquote(self, code: str, year: int, **where: str) -> float:
        """BIBB Schichtenmodell: 100 * sum_{s=t-3..t} L_t(s) / N(s)."""
        n, d = self._contracts(code)
        for col, val in where.items():
            n, d = n[n[col] == val], d[d[col] == val]
        d = d[d["year"] == year]
        total = 0.0
        for s in range(year - 3, year + 1):
            layer = d.loc[d["start_year"].clip(lower=year - 3) == s, "dissolutions"].sum()
            total += layer / n.loc[n["year"] == s, "contracts"].sum()
        return 100 * total

    def dissolutions(self, code: str, year: int, **where: str) -> int:
        _, d = self._contracts(code)
        d = d[d["year"] == year]
        for col, val in where.items():
            d = d[d[col] == val]
        return int(d["dissolutions"].sum())

    def probezeit_anteil(self, code: str, year: int) -> float:
        _, d = self._contracts(code)
        d = d[d["year"] == year]
        pz = d["probezeit"].astype(str).str.lower() == "true"
        return 100 * d.loc[pz, "dissolutions"].sum() / d["dissolutions"].sum()

    def survey_share(self, sozialraeume: list[str], item: str) -> float:
        """Post-stratified share: cell weight N_c / respondents_c, among those answering."""
        s = self.survey_families
        s = s[
            s["sozialraum"].isin(sozialraeume) & (s["responded"].astype(str).str.lower() == "true")
        ]
        m = self.survey_families_margins
        m = m[m["sozialraum"].isin(sozialraeume)].set_index(["sozialraum", "child_age_group"])
        n_resp = s.groupby(["sozialraum", "child_age_group"]).size()
        w = m["households"] / n_resp
        answered = s[s[item].notna()]
        weights = (
            answered.set_index(["sozialraum", "child_age_group"]).index.map(w).to_numpy(dtype=float)
        )
        yes = answered[item].astype(str).str.lower() == "true"
        return 100 * float((weights * yes.to_numpy()).sum() / weights.sum())


def de(value: float, decimals: int = 1) -> str:
    """German number, rounded half up (the rule of official tables)."""
    q = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(q):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    sign = "-" if q < 0 else ""
    return sign + groups + ("," + frac if frac else "")


def pct(value: float) -> str:
    return f"{de(value)} %"


def change_pp(cur: float, prev: float) -> str:
    delta = cur - prev
    word = "mehr" if delta > 0 else "weniger"
    return f"{de(abs(delta))} Prozentpunkte {word} als im Vorjahr"


def change_cell(cur: float, prev: float) -> str:
    """Change of a rate as the key figures table shows it: signed, U+2212, Rundungsdifferenz mark.

    The change is computed from unrounded values; where it differs from the difference
    of the two rounded values, the table marks it with "²" (Rundungsdifferenzen note).
    """
    delta = cur - prev
    rounded = lambda x: float(de(x).replace(".", "").replace(",", "."))  # noqa: E731
    sign = "+" if rounded(abs(delta)) > 0 and delta > 0 else ("\u2212" if delta < 0 else "")
    mark = "²" if rounded(delta) != rounded(rounded(cur) - rounded(prev)) else ""
    return f"{sign}{de(abs(delta))} Prozentpunkte{mark}"


def key_row(name: str, value: float, num: float, den: float | None, change: str, *comps) -> str:
    """One row of the key figures table in page_text: name, rate, case numbers, change, comparisons."""
    cases = f"{de(num, 0)} / {de(den, 0) if den is not None else 'x'}"
    return " ".join([name, pct(value), cases, change, *(pct(c) for c in comps)])


def page_text(path: Path) -> str:
    """Visible text of a rendered report (tags dropped, entities and no-break spaces normalised)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    raw = re.sub(r'src="data:[^"]*"', "", raw)
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def images(path: Path) -> list[str]:
    """Alt texts of the images in a rendered report."""
    raw = path.read_text(encoding="utf-8")
    return [
        html.unescape(a).replace("\u00a0", " ") for a in re.findall(r'<img [^>]*alt="([^"]*)"', raw)
    ]


def figure_rows(path: Path) -> dict[str, list[str]]:
    """Rows of the data tables under the figures ("Daten zur Abbildung"): label -> cells."""
    raw = path.read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for table in re.findall(r'<details class="dkbm-figdata">(.*?)</details>', raw, flags=re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[-1], flags=re.S):
            cells = [
                html.unescape(re.sub(r"<[^>]+>", "", c)).replace("\u00a0", " ")
                for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)
            ]
            if cells:
                out.setdefault(cells[0], cells[1:])
    return out


def map_tables(path: Path) -> list[dict[str, list[str]]]:
    """Every map's data table: area name (row header) -> its other cells (code, value, ...)."""
    raw = path.read_text(encoding="utf-8")
    tables = []
    for table in re.findall(
        r'<details class="dkbm-figdata dkbm-maptable"[^>]*>(.*?)</details>', raw, flags=re.S
    ):
        rows = {}
        for head, cells in re.findall(
            r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table.split("<tbody>", 1)[-1], flags=re.S
        ):
            rows[html.unescape(head).replace("\u00a0", " ")] = [
                html.unescape(re.sub(r"<[^>]+>", "", c)).replace("\u00a0", " ").strip()
                for c in re.findall(r"<td>(.*?)</td>", cells, flags=re.S)
            ]
        tables.append(rows)
    return tables


def map_values(path: Path) -> dict[str, str]:
    """Region name -> value as shown in the table under the map ("Tabelle zur Karte")."""
    return {name: cells[1] for t in map_tables(path) for name, cells in t.items()}


def figure_tables(path: Path) -> list[list[list[str]]]:
    """Every figure's data table as a list of rows (cells as shown, no-break spaces normalised)."""
    raw = path.read_text(encoding="utf-8")
    tables = []
    for table in re.findall(r'<details class="dkbm-figdata">(.*?)</details>', raw, flags=re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
            rows.append(
                [html.unescape(re.sub(r"<[^>]+>", "", c)).replace("\u00a0", " ") for c in cells]
            )
        tables.append(rows)
    return tables


def captions(path: Path) -> list[str]:
    raw = path.read_text(encoding="utf-8")
    found = re.findall(r"<figcaption>(.*?)</figcaption>", raw, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).replace("\u00a0", " ") for c in found]
