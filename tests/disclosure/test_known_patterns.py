"""Hand-made tables whose optimal suppression pattern is known.

The expected patterns are worked out by hand in the comments. The cost of a
pattern is the number of suppressed cells, ties broken by the smaller values
(``cost="cells"``, the default). tau-Argus assumes, as an attacker's a-priori
knowledge, that no cell lies outside [0, largest value of the table].
"""

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import audit, protect
from toolkit.errors import DataError


def with_margins(inner):
    """Rows r1.. x columns c1..c3 with row, column and grand totals ("")."""
    rows = []
    for r, vals in inner.items():
        rows += [(r, c, v) for c, v in zip(["c1", "c2", "c3"], vals, strict=True)]
        rows.append((r, "", sum(vals)))
    for j, c in enumerate(["c1", "c2", "c3"]):
        rows.append(("", c, sum(v[j] for v in inner.values())))
    rows.append(("", "", sum(sum(v) for v in inner.values())))
    return pd.DataFrame(rows, columns=["row", "col", "n"])


def _suppressed(p, key):
    f = p.frame
    return set(f.loc[f["flag"] == ".", key])


def test_one_dimension_with_total_suppresses_smallest_partner():
    # 1 is primary; one more part must go (not the total, which costs more):
    # the cheapest is the smallest other part, 5.
    df = pd.DataFrame({"c": ["a", "b", "c", "d", ""], "n": [1, 5, 9, 7, 22]})
    p = protect(df, keys=["c"], count="n")
    assert _suppressed(p, "c") == {"a", "b"}
    assert (p.report.primary, p.report.secondary) == (1, 1)
    a = audit(p)
    # attacker: a + b = 22 - 9 - 7 = 6, both >= 0 -> a in [0, 6]
    assert a.loc[0, "feasible_min"] == pytest.approx(0.0)
    assert a.loc[0, "feasible_max"] == pytest.approx(6.0)


def test_two_dimensions_with_margins_minimal_rectangle():
    #          c1  c2   c3 |  T
    #   r1      1  10   20 |  31
    #   r2      8  30   40 |  78
    #   r3     12  25   50 |  87
    #   T      21  65  110 | 196
    # r1c1 = 1 is primary. The smallest pattern is a rectangle of 4 inner
    # cells through r1c1; the candidates cost (sum of the 3 partners):
    #   r1c2 r2c1 r2c2 = 48, r1c2 r3c1 r3c2 = 47, r1c3 r2c1 r2c3 = 68,
    #   r1c3 r3c1 r3c3 = 82; margins only make it larger. Optimum: 47.
    inner = {"r1": [1, 10, 20], "r2": [8, 30, 40], "r3": [12, 25, 50]}
    p = protect(with_margins(inner), keys=["row", "col"], count="n")
    got = {(r.row, r.col) for r in p.frame.itertuples() if r.flag == "."}
    assert got == {("r1", "c1"), ("r1", "c2"), ("r3", "c1"), ("r3", "c2")}
    assert audit(p)["protected"].all()


def test_region_hierarchy_gemeinden_in_kreis_in_land():
    # Land 17 = Kreis 17001 (Gemeinden 10, 15, 25) + Kreis 17002 (one Gemeinde, 2).
    # Gemeinde 17002001 = 2 and its Kreis 17002 = 2 are primary. Under the
    # attacker bound (no cell above 52) suppressing the Land does not help
    # (52 - 50 = 2 stays exact within [50, 52]), so the other Kreis must go
    # and, because 17001 = sum of its Gemeinden, one of them: the smallest (10).
    df = pd.DataFrame(
        {
            "region_code": ["17", "17001", "17001001", "17001002", "17001003", "17002", "17002001"],
            "n": [52, 50, 10, 15, 25, 2, 2],
        }
    )
    p = protect(df, keys=["region_code"], count="n")
    assert _suppressed(p, "region_code") == {"17001", "17001001", "17002", "17002001"}
    assert (p.report.primary, p.report.secondary) == (2, 2)
    assert audit(p)["protected"].all()


def test_sozialraeume_inside_their_city():
    # City 17001000 = SR01 (1) + SR02 (30) + SR03 (40) = 71, Kreis 17001 = city.
    df = pd.DataFrame(
        {
            "region_code": [
                "17001",
                "17001000",
                "17001000-SR01",
                "17001000-SR02",
                "17001000-SR03",
            ],
            "n": [71, 71, 1, 30, 40],
        }
    )
    p = protect(df, keys=["region_code"], count="n")
    assert _suppressed(p, "region_code") == {"17001000-SR01", "17001000-SR02"}


def test_no_sensitive_cell_means_nothing_suppressed():
    df = pd.DataFrame({"c": ["a", "b", ""], "n": [0, 5, 5]})
    p = protect(df, keys=["c"], count="n")
    assert p.frame["flag"].tolist() == ["", "", ""]
    assert p.report.engine == ()
    # zeros become sensitive on request
    p = protect(df, keys=["c"], count="n", zeros=True)
    assert _suppressed(p, "c") == {"a", "b"}


def test_several_kreise_without_land_are_protected_separately():
    # no Land row: an artificial total links the Kreise; it is never shown
    df = pd.DataFrame(
        {
            "region_code": ["17001", "17001001", "17001002", "17002", "17002001", "17002002"],
            "n": [12, 2, 10, 20, 8, 12],
        }
    )
    p = protect(df, keys=["region_code"], count="n")
    assert _suppressed(p, "region_code") == {"17001001", "17001002"}
    assert len(p.frame) == len(df)


def test_incomplete_children_error_or_rest():
    # Kreis 17001 = 30, but only two of its Gemeinden are listed (2 + 10)
    df = pd.DataFrame({"region_code": ["17001", "17001001", "17001002"], "n": [30, 2, 10]})
    with pytest.raises(DataError, match="nicht additiv"):
        protect(df, keys=["region_code"], count="n")
    p = protect(df, keys=["region_code"], count="n", incomplete="rest")
    # the unlisted rest (18) is not shown, so it protects 17001001 for free
    assert _suppressed(p, "region_code") == {"17001001"}
    a = audit(p)
    assert a["protected"].all()
    assert a.loc[0, "feasible_max"] == pytest.approx(20.0)


def test_rest_below_threshold_is_protected_too():
    # Kreis 40 = 20 + 18 listed + unlisted rest 2: the rest is a real group of
    # two persons and must not be computable, so a listed Gemeinde goes.
    df = pd.DataFrame({"region_code": ["17001", "17001001", "17001002"], "n": [40, 20, 18]})
    p = protect(df, keys=["region_code"], count="n", incomplete="rest")
    assert _suppressed(p, "region_code") == {"17001002"}
    assert audit(p)["protected"].all()


def test_non_additive_total_error_names_cell():
    df = pd.DataFrame({"sex": ["m", "w", ""], "n": [4, 5, 10]})
    with pytest.raises(DataError) as exc:
        protect(df, keys=["sex"], count="n")
    assert "sex=" in str(exc.value)
    assert "Summe der Teile 9" in str(exc.value)


def test_inconsistent_hierarchy_cycle():
    df = pd.DataFrame({"s": ["A", "B", "C"], "n": [5, 5, 5]})
    with pytest.raises(DataError, match="Zyklus"):
        protect(df, keys=["s"], count="n", hierarchy={"s": {"A": "B", "B": "A"}})


def test_duplicate_keys_and_negative_counts():
    df = pd.DataFrame({"c": ["a", "a", ""], "n": [1, 2, 3]})
    with pytest.raises(DataError, match="nicht eindeutig"):
        protect(df, keys=["c"], count="n")
    df = pd.DataFrame({"c": ["a", "b", ""], "n": [-1, 2, 1]})
    with pytest.raises(DataError, match="negative"):
        protect(df, keys=["c"], count="n")


def test_missing_inner_cell_fail_or_zero():
    df = pd.DataFrame({"r": ["x", "x", "y"], "c": ["a", "b", "a"], "n": [5, 6, 7]})
    with pytest.raises(DataError, match="fehlen"):
        protect(df, keys=["r", "c"], count="n")
    p = protect(df, keys=["r", "c"], count="n", missing="zero")
    assert p.report.primary == 0
    assert np.isfinite(p.frame["n"]).all()


def test_bad_region_code_is_a_data_error():
    df = pd.DataFrame({"region_code": ["17", "1700x"], "n": [3, 3]})
    with pytest.raises(DataError, match="1700x"):
        protect(df, keys=["region_code"], count="n")


def test_mod_fallback_method_also_protects():
    df = pd.DataFrame({"c": ["a", "b", "c", "d", ""], "n": [1, 5, 9, 7, 22]})
    p = protect(df, keys=["c"], count="n", solver="MOD")
    assert p.report.engine == ("MOD",)
    assert audit(p)["protected"].all()
    assert p.report.primary + p.report.secondary >= 2


def test_region_hierarchy_object_from_regions_module():
    # a RegionHierarchy (toolkit.regions) gives the same nesting as the codes
    from toolkit.regions import RegionHierarchy

    df = pd.DataFrame(
        {
            "region_code": ["17", "17001", "17001001", "17001002", "17001003", "17002", "17002001"],
            "n": [52, 50, 10, 15, 25, 2, 2],
        }
    )
    h = RegionHierarchy.from_codes(df["region_code"])
    p = protect(df, keys=["region_code"], count="n", hierarchy={"region_code": h})
    assert _suppressed(p, "region_code") == {"17001", "17001001", "17002", "17002001"}


def test_mod_on_two_dimensional_table_is_protected():
    inner = {"r1": [1, 10, 20], "r2": [8, 30, 40], "r3": [12, 25, 2]}
    p = protect(
        with_margins(inner),
        keys=["row", "col"],
        count="n",
        solver="MOD",
    )
    assert p.report.engine == ("MOD",)
    assert p.report.primary == 2
    assert audit(p)["protected"].all()
