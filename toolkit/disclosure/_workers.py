"""Worker processes for independent parts of a protection (internal).

Each worker is a fresh interpreter (running :func:`_main`)
fed pickled calls on its standard input: nothing of the parent is copied
(a forked child would count the parent's gigabytes once more and inherit its
threads), and unlike :mod:`multiprocessing`'s ``spawn`` it never re-imports
the caller's script, so scripts need no ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO, Any

from toolkit.errors import DisclosureError

__all__ = ["run_in_workers"]

_HEAD = struct.Struct("<Q")


def _send(stream: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEAD.pack(len(data)))
    stream.write(data)
    stream.flush()


def _recv(stream: IO[bytes]) -> Any:
    head = stream.read(_HEAD.size)
    if len(head) < _HEAD.size:
        return None
    (n,) = _HEAD.unpack(head)
    return pickle.loads(stream.read(n))


def run_in_workers(
    func: Callable[..., Any], calls: Sequence[tuple[tuple[Any, ...], dict[str, Any]]], workers: int
) -> list[Any]:
    """Return ``[func(*args, **kwargs) for args, kwargs in calls]``, computed in ``workers`` processes.

    ``func`` must be importable (module level); calls are handed out in order,
    each to a fresh process, at most ``workers`` at a time.

    Raises
    ------
    DisclosureError
        When a call fails in a worker (with its traceback) or a worker dies.

    Examples
    --------
    >>> run_in_workers(divmod, [((7, 2), {}), ((9, 4), {})], 2)
    [(3, 1), (2, 1)]
    """
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(calls)):
        todo.put(i)
    results: list[Any] = [None] * len(calls)
    done = [False] * len(calls)
    errors: list[str] = []

    def drive() -> None:
        # not ``-m``: the package imports this module, runpy would warn about running it twice
        cmd = [sys.executable, "-c", "from toolkit.disclosure._workers import _main; _main()"]
        while not errors:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                break
            # one fresh process per call: memory a call leaves behind is returned at once
            with subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as proc:
                assert proc.stdin is not None and proc.stdout is not None
                args, kwargs = calls[i]
                try:
                    _send(proc.stdin, (func, args, kwargs))
                finally:
                    proc.stdin.close()
                answer = _recv(proc.stdout)
            if answer is None:
                errors.append(f"Arbeitsprozess beendet (Exit-Code {proc.returncode})")
                break
            ok, value = answer
            if not ok:
                errors.append(str(value))
                break
            results[i], done[i] = value, True

    threads = [threading.Thread(target=drive, daemon=True) for _ in range(max(1, workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors or not all(done):
        raise DisclosureError(
            "Geheimhaltung: ein Arbeitsprozess ist gescheitert: "
            + (errors[0] if errors else "ohne Ergebnis"),
            hint="Mit jobs=1 im selben Prozess wiederholen, um den Fehler zu sehen.",
        )
    return results


def _main() -> None:
    """Worker loop: read calls from stdin, answer ``(ok, result or traceback)`` on stdout."""
    import traceback

    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed (also by C libraries) goes to stderr, not the channel
    sys.stdout = sys.stderr
    source = sys.stdin.buffer
    while (call := _recv(source)) is not None:
        func, args, kwargs = call
        try:
            answer = (True, func(*args, **kwargs))
        except Exception:  # reported to the parent, which raises it
            answer = (False, traceback.format_exc())
        _send(channel, answer)
