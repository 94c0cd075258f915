"""Rendering pages, on one core or several.

Rendering is pure (model + page key in, HTML out). With ``jobs > 1`` on a
system with ``fork``, worker processes inherit the model and the Jinja
environment; only page keys (small tuples) travel to them and ``(path,
html)`` pairs come back, in order, so the output stays deterministic and the
writer stays the only code touching disk.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from typing import Any

import jinja2

from generator.generators import FAMILIES
from generator.model import Archive
from generator.render import render

_STATE: dict[str, Any] = {}  # filled before forking; workers read their inherited copy


def _render_batch(task: tuple[int, list[Any]]) -> list[tuple[str, str, str]]:
    family_index, keys = task
    archive, env, common = _STATE["archive"], _STATE["env"], _STATE["common"]
    family = FAMILIES[family_index]
    out = []
    for key in keys:
        spec = family.page(archive, key)
        out.append((spec.path, render(env, spec, common), f"{family.name} {key!r}"))
    return out


def _tasks(archive: Archive, batch: int) -> Iterator[tuple[int, list[Any]]]:
    for i, family in enumerate(FAMILIES):
        keys = family.keys(archive)
        for start in range(0, len(keys), batch):
            yield i, keys[start:start + batch]


def render_all(
    archive: Archive, env: jinja2.Environment, common: dict[str, Any], jobs: int = 1, batch: int = 100
) -> Iterator[tuple[str, str, str]]:
    """Yield ``(path, html, origin)`` for every page of every family, in a fixed order."""
    _STATE.update(archive=archive, env=env, common=common)
    try:
        tasks = _tasks(archive, batch)
        if jobs <= 1 or "fork" not in mp.get_all_start_methods():
            for task in tasks:
                yield from _render_batch(task)
            return
        with mp.get_context("fork").Pool(jobs) as pool:
            for rendered in pool.imap(_render_batch, tasks, chunksize=1):
                yield from rendered
    finally:
        _STATE.clear()
