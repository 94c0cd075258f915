"""The plan: whether the last build can be trusted, and which pages must be rendered again.

An incremental build starts here: :func:`open_previous` reads the build
cache (or takes the dev server's state in memory) and says whether it can
be used; :func:`plan` fingerprints every page of every family and every
feed without rendering, and lists those whose fingerprint changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.incremental import cache as cachemod
from generator.incremental.cache import BuildState, Summary
from generator.model.archive import Archive
from generator.pages import feeds
from generator.pages.families import FAMILIES, nav_data
from generator.pages.fingerprints import Encoder, base_digest
from generator.search import whoosh_docs

CLEAN_ABOVE = 2000  # pages to render again above which (and above a third of the site) a clean build is cheaper


def templates_digest(folder: Path) -> bytes:
    """Every template file (assets aside: they are copied, and pages only link to them)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "assets" not in path.relative_to(folder).parts:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.digest()


def open_previous(folder: Path, code: bytes, inputs: bytes, state: BuildState | None, *, use_cache: bool,
                  marker: Path, whoosh_folder: Path | None, keep: bool = False,
                  read: BuildState | None = None) -> tuple[BuildState | None, str, bool]:
    """The usable state of the last build, why there is none, and whether nothing changed since.

    The one place that decides whether the last build can be trusted: its
    cache must be readable and made by this code (``code``), describe the
    site on disk (the ``marker`` file's status), and, for "nothing changed",
    have seen the same ``inputs`` digest with no file modified too recently to
    tell (``racy``) and, when whoosh is on, its recorded documents
    (``whoosh_folder``) still there.

    ``read`` is the state the cache vouches for, when the caller read it
    already (see ``build._look``).  When nothing changed the state is not
    read (a no-change build only reports), unless ``keep``: the dev server starting on a current site
    keeps it in memory, so that its first rebuild is as quick as the next
    ones instead of reading the cache and looking at every file first.
    """
    if not use_cache:
        return None, "", False
    summary: Summary | None
    if state is not None and state.summary is not None:
        summary = state.summary  # the dev server's state, in memory: it owns the site (and the cache's `writing` file)
    else:
        state = None
        summary, why = cachemod.read_summary(folder, code)
        if summary is None:
            return None, why, False
    if summary.marker is None or summary.marker != cachemod.marker_stamp(marker):
        return None, f"{marker.parent}/ is not the site the build cache describes", False
    # Nothing changed, unless the whoosh documents recorded beside the site went missing (the build records them again).
    if inputs and summary.inputs == inputs and not summary.racy and (whoosh_folder is None or whoosh_docs.recorded(whoosh_folder)):
        if state is None and keep:
            state, _why = cachemod.read_state(folder, summary)  # unreadable: None, and the first rebuild reads again
        return state, "", True
    if state is None and read is not None and read.summary is not None and read.summary.id == summary.id:
        state = read
    if state is None:
        state, why = cachemod.read_state(folder, summary)
        if state is None:
            return None, why, False
    return state, "", False


@dataclass
class Plan:
    """Which pages to render: every page's fingerprint, compared with the last build's."""

    pages: dict[tuple[str, str], tuple[str, bytes]]  # (family, key) -> (path, fingerprint); path "" until rendered
    render: list[tuple[int, list[Any]]]  # (family index, keys)
    keep: list[tuple[str, str]]  # (path, origin) of pages whose fingerprint is unchanged
    common: dict[str, Any]
    feeds: list[feeds.FeedSpec] = field(default_factory=list)  # feeds to render (the rest are in ``keep``)
    base: bytes = b""  # what every page's fingerprint starts from (site, navigation, templates)


def page_base(archive: Archive, templates: Path) -> tuple[dict[str, Any], bytes]:
    """What every page shares: the data each template gets (site, navigation), and the digest every page's
    fingerprint starts from (those and the templates)."""
    nav = nav_data(archive)
    return {"site": archive.site, "nav": nav}, base_digest(archive.site, nav, templates_digest(templates))


def frame_digest(archive: Archive, templates: Path) -> bytes:
    """The site's configuration, its free pages and the templates: what frames every page besides the articles and
    the registry.  While it stays the same and every edited article shows other pages what it showed before
    (``merge.same_shape``), only the edited articles' own pages can change (:func:`plan_edits`)."""
    h = hashlib.blake2b(repr((archive.site, archive.pages)).encode("utf-8", "surrogatepass"), digest_size=16)
    h.update(templates_digest(templates))
    return h.digest()


def fingerprint_edits(archive: Archive, previous: dict[tuple[str, str], tuple[str, bytes]], edited: list[int],
                      base: bytes, family_index: int) -> tuple[dict[tuple[str, str], tuple[str, bytes]], list[int]]:
    """Every page's fingerprint, with the per-article pages at ``edited`` fingerprinted again (their path kept
    until they are rendered), and those of them whose fingerprint changed: the pages to render."""
    family = FAMILIES[family_index]
    assert family.fingerprint is not None and family.per_article
    enc = Encoder(archive)
    pages = dict(previous)
    todo = []
    for i in edited:
        ident = (family.name, family.identity(archive, i))
        fp = hashlib.blake2b(base + family.fingerprint(archive, i, enc), digest_size=16).digest()
        if pages[ident][1] != fp:
            pages[ident] = (pages[ident][0], fp)
            todo.append(i)
    return pages, todo


def plan_edits(archive: Archive, previous: dict[tuple[str, str], tuple[str, bytes]], edited: list[int], base: bytes,
               family_index: int) -> Plan:
    """The plan when only the pages of the articles at ``edited`` can have changed (see :func:`frame_digest`):
    those are fingerprinted, every other page is kept as the last build made it."""
    family = FAMILIES[family_index]
    pages, todo = fingerprint_edits(archive, previous, edited, base, family_index)
    again = {(family.name, family.identity(archive, i)) for i in todo}
    keep = [(path, f"{ident[0]} {ident[1]!r}") for ident, (path, _fp) in previous.items() if ident not in again]
    common = {"site": archive.site, "nav": nav_data(archive)}
    return Plan(pages, [(family_index, todo)] if todo else [], keep, common, [], base)


def plan(archive: Archive, templates: Path, previous: dict[tuple[str, str], tuple[str, bytes]] | None) -> Plan:
    """Fingerprint every page (no rendering) and list those that must be rendered."""
    common, base = page_base(archive, templates)
    enc = Encoder(archive)
    pages: dict[tuple[str, str], tuple[str, bytes]] = {}
    render: list[tuple[int, list[Any]]] = []
    keep: list[tuple[str, str]] = []
    for i, family in enumerate(FAMILIES):
        todo = []
        for key in family.keys(archive):
            ident = (family.name, family.identity(archive, key))
            if family.fingerprint is not None:
                fp, path = family.fingerprint(archive, key, enc), ""
            else:
                spec = family.page(archive, key)
                fp, path = enc.spec(spec), spec.path
            fp = hashlib.blake2b(base + fp, digest_size=16).digest()
            old = previous.get(ident) if previous is not None else None
            if old is not None and old[1] == fp and (not path or path == old[0]):
                pages[ident] = old
                keep.append((old[0], f"{family.name} {key!r}"))
            else:
                pages[ident] = (path, fp)
                todo.append(key)
        if todo:
            render.append((i, todo))
    todo_feeds = []
    for spec in feeds.feed_specs(archive):
        ident = ("feed", spec.path)
        fp = hashlib.blake2b(base + spec.digest(), digest_size=16).digest()
        old = previous.get(ident) if previous is not None else None
        if old is not None and old[1] == fp:
            pages[ident] = old
            keep.append((spec.path, f"feed {spec.path}"))
        else:
            pages[ident] = (spec.path, fp)
            todo_feeds.append(spec)
    return Plan(pages, render, keep, common, todo_feeds, base)


