"""The attacker's LPs: one capped LP certifies many cells; the decision stays exact.

Reference: the feasible interval of every target solved on its own with
:func:`scipy.optimize.linprog` (two LPs per cell, no shared model).
"""

import numpy as np
import pytest
from scipy.optimize import linprog

from toolkit.disclosure import _lp
from toolkit.disclosure._lp import System


def _random_system(seed: int):
    """Random tables: parents are sums of kids, some cells hidden."""
    rng = np.random.default_rng(seed)
    values, rels = {}, []
    for t in range(4):
        kids = [f"{t}k{i}" for i in range(rng.integers(3, 7))]
        for k in kids:
            values[k] = float(rng.choice([1, 2, 3, 5, 8, 20]))
        values[f"{t}p"] = sum(values[k] for k in kids)
        coefs = {f"{t}p": 1.0, **{k: -1.0 for k in kids}}
        rels.append((coefs, "=", 0.0))
        if t:  # chain the tables by a bound that holds in the true figures
            lhs = values[f"{t - 1}k0"] - values[f"{t}k0"] - values[f"{t}k1"]
            sign = 1.0 if lhs <= 0 else -1.0
            coefs = {f"{t - 1}k0": sign, f"{t}k0": -sign, f"{t}k1": -sign}
            rels.append((coefs, "<=", 0.0))
    keys = sorted(values)
    hidden = {k for k in keys if rng.random() < 0.45}
    known = set(keys) - hidden
    return rels, values, known, sorted(hidden)


def _reference(rels, values, known, key):
    unknown = sorted({k for c, _, _ in rels for k in c if k not in known})
    col = {k: j for j, k in enumerate(unknown)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for coefs, sense, rhs in rels:
        row, b = np.zeros(len(unknown)), rhs
        for k, c in coefs.items():
            if k in known:
                b -= c * values[k]
            else:
                row[col[k]] += c
        (a_eq if sense == "=" else a_ub).append(row)
        (b_eq if sense == "=" else b_ub).append(b)
    if key not in col:
        return 0.0, np.inf
    c = np.zeros(len(unknown))
    c[col[key]] = 1.0
    kw = {
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": b_eq or None,
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": b_ub or None,
        "bounds": (0, None),
    }
    lo = linprog(c, **kw).fun
    hi = linprog(-c, **kw)
    return lo, (np.inf if hi.status == 3 else -hi.fun)


@pytest.mark.parametrize("seed", range(30))
def test_weak_cells_are_those_the_reference_narrows(seed):
    rels, values, known, hidden = _random_system(seed)
    x = np.array([values[k] for k in hidden])
    lo_req, hi_req = np.maximum(0.0, x - 1), x + 1
    weak = System(rels, values, known, integer=False).weak(hidden, lo_req, hi_req)
    expect = []
    for k, lo_r, hi_r in zip(hidden, lo_req, hi_req, strict=True):
        lo, hi = _reference(rels, values, known, k)
        expect.append(lo > lo_r + 1e-6 or hi < hi_r - 1e-6)
    assert weak.tolist() == expect


def test_protected_cells_are_certified_together(monkeypatch):
    # 200 hidden cells of 2 to 9 below a published total: each can move by 1 against another,
    # so all are protected. One LP per cell was the old way (200 solves of the sum); the
    # capped reward certifies most cells per solve, the last few get their own LPs
    values = {f"k{i}": float(2 + i % 8) for i in range(200)}
    values["p"] = sum(values.values())
    rels = [({"p": 1.0, **{k: -1.0 for k in values if k != "p"}}, "=", 0.0)]
    solves = []
    for name in ("certify", "solve_one", "solve_sum", "extremes"):
        if hasattr(_lp._Model, name):
            original = getattr(_lp._Model, name)

            def counted(self, *a, _original=original, _name=name):
                solves.append(_name)
                return _original(self, *a)

            monkeypatch.setattr(_lp._Model, name, counted)
    keys = [k for k in values if k != "p"]
    x = np.array([values[k] for k in keys])
    weak = System(rels, values, {"p"}, integer=False).weak(keys, x - 1, x + 1)
    assert not weak.any()
    assert len(solves) <= 2 * _lp._FEW + 10, solves
