"""Rendering pages, on one core or several.

Rendering is pure (a page spec and the shared context in, HTML out), so it
splits across processes: with ``jobs > 1`` on a system with ``fork``, worker
processes inherit the model and the Jinja environment and send back
``(path, html)`` pairs in order, so output stays deterministic and the writer
stays the only code touching disk.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
from collections.abc import Iterable, Iterator
from typing import Any

import jinja2

from generator.render import PageSpec, render

_STATE: dict[str, Any] = {}  # set only in forked workers, before they start


def _render_batch(batch: list[PageSpec]) -> list[tuple[str, str, str]]:
    env, common = _STATE["env"], _STATE["common"]
    return [(s.path, render(env, s, common), s.template) for s in batch]


def render_all(
    env: jinja2.Environment, specs: Iterable[PageSpec], common: dict[str, Any], jobs: int = 1, batch: int = 200
) -> Iterator[tuple[str, str, str]]:
    """Yield ``(path, html, origin)`` for every spec, in input order."""
    if jobs <= 1 or "fork" not in mp.get_all_start_methods():
        for spec in specs:
            yield spec.path, render(env, spec, common), spec.template
        return
    _STATE.update(env=env, common=common)
    ctx = mp.get_context("fork")
    try:
        with ctx.Pool(jobs) as pool:
            specs_iter = iter(specs)
            batches = iter(lambda: list(itertools.islice(specs_iter, batch)), [])
            for rendered in pool.imap(_render_batch, batches, chunksize=1):
                yield from rendered
    finally:
        _STATE.clear()
