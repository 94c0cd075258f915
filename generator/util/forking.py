"""Forked workers, or a Dask cluster: map a function over parts of a list, or run one job beside the build.

Generic: nothing here knows what a page or an article is.  Workers are made
with ``fork`` so they inherit large read-only objects (the model, the
entity-name matcher) instead of receiving them pickled; only small chunks
travel to them and results come back in order, so outputs stay
deterministic.  Without ``fork`` (or with one job) everything runs here.

Inside :func:`cluster` the same maps run on a Dask cluster instead (past one
machine): the shared object is pickled and sent once per map to every
worker (``scatter(broadcast=True)``), the chunks follow as tasks, and the
results are still taken in order.  Dask is an optional extra
(``requirements-cluster.txt``), imported only there.
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import multiprocessing as mp
import os
import signal
import sys
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
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
    Inside :func:`cluster` (and with ``jobs`` > 1) the chunks go to the
    cluster's workers instead, and ``shared`` is pickled once for them all.
    """
    remote = _current_cluster()
    if remote is not None and jobs > 1 and len(chunks) >= 2:
        yield from remote.map(fn, shared, chunks)
        return
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


class BackgroundError(RuntimeError):
    """A forked step failed or its process died; the message says why (the child's traceback, or its signal)."""


class Background:
    """Run ``fn()`` in a forked process while the parent goes on; ``result()`` joins it.

    The search indexes are written this way during rendering: both are long,
    and one is mostly file-system calls while the other is mostly Python, so
    they overlap well even on two cores. Without ``fork`` (or with ``fork``
    False: a job whose maps must run on this process's cluster) it simply
    runs ``fn`` at ``result()``.

    ``fn`` may be a generator function: each value it yields is taken in turn
    with :meth:`next_part` as soon as it is ready (the parent uses a first
    part while the child still works on the next), and ``result()`` is then
    None once the child is done.
    """

    def __init__(self, fn: Callable[[], Any], fork: bool = True) -> None:
        self._fn = fn
        self._proc = None
        self._gen: Any = None
        if fork and "fork" in mp.get_all_start_methods():
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
            out = self._fn()
            if inspect.isgenerator(out):
                for part in out:
                    send.send(("part", part))
                out = None
            send.send(("ok", out))
        except BaseException:  # reported to the parent, which re-raises
            send.send(("error", traceback.format_exc()))
        finally:
            send.close()

    def _receive(self) -> tuple[str, Any]:
        try:
            return self._recv.recv()
        except (EOFError, OSError):  # (OSError: it died in the middle of sending)
            return "error", self._died()

    def _died(self) -> str:
        """Why the child is gone, as a reader can act on it (a SIGKILL is most often the out-of-memory killer)."""
        if self._proc is None:
            return "the background process died"
        self._proc.join(5)
        code = self._proc.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            hint = " (most often the system ran out of memory: see `dmesg`)" if -code == signal.SIGKILL else ""
            return f"the background process was killed by {name}{hint}"
        return f"the background process died (exit code {code})"

    def done(self) -> bool:
        """Whether the child has a value ready (without waiting); always False when it runs at ``result()``."""
        return self._proc is not None and self._recv.poll()

    def next_part(self) -> Any:
        """The next value a generator ``fn`` yields (raises if it failed, or ended without one)."""
        if self._proc is None:
            if self._gen is None:
                self._gen = self._fn()
            return next(self._gen)
        status, value = self._receive()
        if status != "part":
            self._proc.join()
            raise BackgroundError(f"background step failed:\n{value}" if status == "error" else "background step ended early")
        return value

    def result(self) -> Any:
        if self._proc is None:
            out = self._gen if self._gen is not None else self._fn()
            if inspect.isgenerator(out):
                for _rest in out:
                    pass
                return None
            return out
        status, value = self._receive()
        self._proc.join()
        if status != "ok":
            raise BackgroundError(f"background step failed:\n{value}")
        return value

    def cancel(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()


# ------------------------------------------------------------------ a Dask cluster (optional)


class ClusterError(Exception):
    """The cluster cannot be used: Dask is not installed, the scheduler is unreachable, or its workers differ from us."""


class _Held:
    """One map's shared object, boxed: Dask would scatter a tuple's or a list's items as separate objects."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _call_held(fn: Callable[[Any, Any], Any], held: _Held, chunk: Any) -> Any:
    """On a worker: ``fn(shared, chunk)``, the shared object being the copy this worker received once."""
    return fn(held.value, chunk)


def code_digest() -> str:
    """A digest of this package's Python files, to refuse workers that run other code (their output would differ)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _ordered(submit: Callable[[Any], Any], chunks: list[Any], window: int) -> Iterator[Any]:
    """Each chunk's result in the chunks' order, with at most ``window`` tasks submitted and not yet taken.

    The window bounds what waits in the workers' memory for us (rendered
    pages of a large archive), while keeping every worker busy.
    """
    pending: deque[Any] = deque()
    try:
        for chunk in chunks:
            pending.append(submit(chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # an abandoned map (an error in the caller) leaves no work behind on the cluster
        for future in pending:
            future.cancel()


class Cluster:
    """The Dask client that the maps of this process use inside :func:`cluster`."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.pid = os.getpid()  # a forked child (a Background job) must not use its parent's connection
        self.threads = sum(client.nthreads().values())

    def map(self, fn: Callable[[Any, Any], Any], shared: Any, chunks: list[Any]) -> Iterator[Any]:
        """``fn(shared, chunk)`` per chunk on the cluster, in order; ``shared`` travels once to each worker."""
        client = self.client
        held = client.scatter(_Held(shared), broadcast=True, hash=False)
        order = iter(range(len(chunks)))
        tag = uuid.uuid4().hex

        def submit(chunk: Any) -> Any:  # earlier chunks first: we take results in order
            n = next(order)  # keys named after the step, as the dashboard and the scheduler's counts show them
            return client.submit(_call_held, fn, held, chunk, key=f"{fn.__name__}-{tag}-{n}", priority=-n)

        try:
            yield from _ordered(submit, chunks, 4 * max(self.threads, 1) + 2)
        finally:
            held.release()


_ENGINE: dict[str, Cluster] = {}


def _current_cluster() -> Cluster | None:
    """The cluster the maps of this process run on, or None (forked workers, here)."""
    engine = _ENGINE.get("cluster")
    return engine if engine is not None and engine.pid == os.getpid() else None


def _connect(address: str, timeout: float) -> Any:
    try:
        from distributed import Client  # the optional extra: only a build given --cluster needs it
    except ImportError as e:
        raise ClusterError("--cluster needs Dask: pip install -r requirements-cluster.txt "
                           "(or the project's 'cluster' extra)") from e
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as e:
        raise ClusterError(f"no Dask cluster with workers at {address}: {e}") from e
    return client


def _check_workers(client: Any, folders: list[str]) -> None:
    """Refuse workers that run other code or do not see the build's folders: they would make another site."""
    mine = code_digest()
    for worker, theirs in client.run(code_digest).items():
        if theirs != mine:
            raise ClusterError(f"the Dask worker {worker} runs another version of the generator; "
                               "install the same code on every worker")
    for worker, seen in client.run(lambda: [os.path.isdir(f) for f in folders]).items():
        missing = [f for f, ok in zip(folders, seen, strict=True) if not ok]
        if missing:
            raise ClusterError(f"the Dask worker {worker} does not see {', '.join(missing)}: "
                               "workers read the inputs from the same paths (a shared file system)")


@contextmanager
def cluster(address: str | None, folders: Sequence[str | Path] = (), timeout: float = 30.0) -> Iterator[int]:
    """Inside this block the maps of this process (:func:`fork_map`, :func:`map_parts`) run on a Dask cluster.

    ``address`` is its scheduler's (``tcp://host:8786``); None changes
    nothing.  ``folders`` must exist on every worker at the same paths: the
    workers read the inputs themselves.  Yields the cluster's worker
    threads, which callers pass as ``jobs`` (parts are cut per thread).
    """
    if address is None:
        yield 0
        return
    client = _connect(address, timeout)
    try:
        _check_workers(client, [str(f) for f in folders])
        _ENGINE["cluster"] = Cluster(client)
        yield _ENGINE["cluster"].threads
    finally:
        _ENGINE.pop("cluster", None)
        client.close()
