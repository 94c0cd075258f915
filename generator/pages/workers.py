"""Rendering pages, on one core, several, or a Dask cluster.

Rendering is pure (model + page key in, HTML out). With ``jobs > 1`` on a
system with ``fork``, worker processes inherit the model and the Jinja
environment; only page keys (small tuples) travel to them and ``(path,
html)`` pairs come back, in order, so the output stays deterministic and the
writer stays the only code touching disk.  On a cluster
(``generator.util.forking.cluster``) the model travels once to each worker
and the environment is made there again from the same template folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from generator.model.archive import Archive
from generator.pages.families import FAMILIES
from generator.pages.render import make_env, render
from generator.util.forking import fork_map

RENDER_FORK_MIN = 400  # pages to render before workers are worth starting (an incremental build renders a dozen)


class PortableEnv:
    """The Jinja environment, which does not pickle, sent to another machine as its template folder.

    Forked workers inherit it as it is; a cluster's worker makes its own from
    the same folder (compiling the templates, ~0.1 s, once per worker).
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        loader = self.env.loader
        assert isinstance(loader, jinja2.FileSystemLoader) and len(loader.searchpath) == 1
        return (_env_from, (loader.searchpath[0],))


def _env_from(templates: str) -> PortableEnv:
    return PortableEnv(make_env(Path(templates)))


def _render_batch(shared: tuple[Archive, PortableEnv, dict[str, Any]], task: tuple[int, list[Any]]) -> list[tuple[str, str, int, Any]]:
    archive, env, common = shared
    family_index, keys = task
    family = FAMILIES[family_index]
    out = []
    for key in keys:
        spec = family.page(archive, key)
        out.append((spec.path, render(env.env, spec, common), family_index, key))
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
    shared = (archive, PortableEnv(env), common)
    if count < RENDER_FORK_MIN:
        jobs = 1
    for rendered in fork_map(_render_batch, shared, list(batches(tasks)), jobs):
        yield from rendered
