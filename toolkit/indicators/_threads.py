"""Two threads for large computations (private).

Most of the indicator work is in numpy and pyarrow, which release the GIL,
so two threads use two cores. Small calls (a report's few regions) stay in
one thread: there, starting threads costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Rows (input or output) from which work is split over two threads.
PARALLEL_ROWS = 2_000_000


def cpus() -> int:
    """Return the number of CPUs this process may use.

    Examples
    --------
    >>> cpus() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_maybe_threaded(fn: Callable[[T], R], items: Iterable[T], rows: int) -> list[R]:
    """Return ``[fn(x) for x in items]``, run in two threads if ``rows`` is large.

    Items are handed out in order as threads become free; results come back
    in the order of ``items``. The threads end before this returns.

    Examples
    --------
    >>> map_maybe_threaded(lambda x: x * x, [1, 2, 3], rows=10)
    [1, 4, 9]
    """
    items = list(items)
    if len(items) < 2 or rows < PARALLEL_ROWS or cpus() < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dkbm-indicators") as pool:
        return list(pool.map(fn, items))
