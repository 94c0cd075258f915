"""Forked workers: map a function over parts of a list, or run one job beside the build.

Generic: nothing here knows what a page or an article is.  Workers are made
with ``fork`` so they inherit large read-only objects (the model, the
entity-name matcher) instead of receiving them pickled; only small chunks
travel to them and results come back in order, so outputs stay
deterministic.  Without ``fork`` (or with one job) everything runs here.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from generator.util.files import libc

_STATE: dict[str, Any] = {}


def worker_state() -> dict[str, Any]:
    """What a forked worker inherits from its parent, filled just before forking (one dict per process)."""
    return _STATE


def die_with_parent() -> None:
    """Ask Linux to kill this forked helper when the build dies (a killed build must not leave workers behind)."""
    if not sys.platform.startswith("linux"):
        return
    lib = libc()
    try:
        lib.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)  # filled before forking; workers read their inherited copy


def _call_shared(chunk: Any) -> Any:
    fn, shared = _STATE["map"]
    return fn(shared, chunk)


def fork_map(fn: Callable[[Any, Any], Any], shared: Any, chunks: list[Any], jobs: int) -> Iterator[Any]:
    """``fn(shared, chunk)`` for each chunk, in order, in ``jobs`` forked workers that inherit ``shared``.

    Only the chunks travel to the workers and the results back; ``shared``
    (a large read-only object, such as the entity-name matcher) is inherited
    through ``fork``.  Without ``fork``, or with one job, it runs here.
    """
    if jobs <= 1 or len(chunks) < 2 or "fork" not in mp.get_all_start_methods():
        for chunk in chunks:
            yield fn(shared, chunk)
        return
    _STATE["map"] = (fn, shared)
    try:
        with mp.get_context("fork").Pool(jobs, initializer=die_with_parent) as pool:
            yield from pool.imap(_call_shared, chunks, chunksize=1)
    finally:
        _STATE.pop("map", None)


def map_parts(fn: Callable[[Any, list[Any]], Any], shared: Any, items: list[Any], jobs: int,
              minimum: int) -> Iterator[tuple[list[Any], Any]]:
    """``(part, fn(shared, part))`` for consecutive parts of ``items``, in order.

    With ``jobs`` > 1 and at least ``minimum`` items, the parts go to forked
    workers (:func:`fork_map`), four parts a worker so that one slow part
    does not hold the others; below that, forking costs more than it saves
    and the whole list is one part, done here.
    """
    if jobs <= 1 or len(items) < minimum:
        yield items, fn(shared, items)
        return
    step = -(-len(items) // (4 * jobs))
    parts = [items[k:k + step] for k in range(0, len(items), step)]
    yield from zip(parts, fork_map(fn, shared, parts, jobs), strict=True)


class Background:
    """Run ``fn()`` in a forked process while the parent goes on; ``result()`` joins it.

    The search indexes are written this way during rendering: both are long,
    and one is mostly file-system calls while the other is mostly Python, so
    they overlap well even on two cores. Without ``fork`` it simply runs
    ``fn`` at ``result()``.
    """

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._fn = fn
        self._proc = None
        if "fork" in mp.get_all_start_methods():
            ctx = mp.get_context("fork")
            self._recv, send = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=self._child, args=(send,))  # not daemonic: whoosh forks workers
            self._proc.start()
            send.close()

    def _child(self, send: Any) -> None:
        die_with_parent()
        # A batch job that builds one large, long-lived result: the cycle collector would only walk it again
        # and again (the browser index of Reuters: 6.8 CPU-s with it, 5.7 without).
        gc.disable()
        try:
            send.send(("ok", self._fn()))
        except BaseException:  # reported to the parent, which re-raises
            send.send(("error", traceback.format_exc()))
        finally:
            send.close()

    def result(self) -> Any:
        if self._proc is None:
            return self._fn()
        try:
            status, value = self._recv.recv()
        except EOFError:
            status, value = "error", f"the background process died (exit code {self._proc.exitcode})"
        self._proc.join()
        if status != "ok":
            raise RuntimeError(f"background step failed:\n{value}")
        return value

    def cancel(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()
