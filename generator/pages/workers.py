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

from generator.model.archive import Archive
from generator.pages.families import FAMILIES
from generator.pages.render import render
from generator.util.forking import die_with_parent, worker_state

_STATE = worker_state()


def _render_batch(task: tuple[int, list[Any]]) -> list[tuple[str, str, int, Any]]:
    family_index, keys = task
    archive, env, common = _STATE["archive"], _STATE["env"], _STATE["common"]
    family = FAMILIES[family_index]
    out = []
    for key in keys:
        spec = family.page(archive, key)
        out.append((spec.path, render(env, spec, common), family_index, key))
    return out


def batches(tasks: list[tuple[int, list[Any]]], batch: int = 100) -> Iterator[tuple[int, list[Any]]]:
    """Cut ``(family index, keys)`` tasks into batches small enough to spread over processes."""
    for i, keys in tasks:
        for start in range(0, len(keys), batch):
            yield i, keys[start:start + batch]


def render_all(
    archive: Archive, env: jinja2.Environment, common: dict[str, Any], jobs: int = 1,
    tasks: list[tuple[int, list[Any]]] | None = None,
) -> Iterator[tuple[str, str, int, Any]]:
    """Yield ``(path, html, family index, key)`` for the given pages (default: every page of every family), in order.

    Work is forked only when there is enough of it: an incremental build that
    renders a dozen pages would spend longer starting processes.
    """
    if tasks is None:
        tasks = [(i, family.keys(archive)) for i, family in enumerate(FAMILIES)]
    count = sum(len(keys) for _, keys in tasks)
    _STATE.update(archive=archive, env=env, common=common)
    try:
        if jobs <= 1 or count < 400 or "fork" not in mp.get_all_start_methods():
            for task in batches(tasks):
                yield from _render_batch(task)
            return
        with mp.get_context("fork").Pool(jobs, initializer=die_with_parent) as pool:
            for rendered in pool.imap(_render_batch, batches(tasks), chunksize=1):
                yield from rendered
    finally:
        _STATE.clear()


