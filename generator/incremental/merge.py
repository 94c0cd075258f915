"""Merge: an edit of articles' own text, applied to the last build's model in memory instead of rebuilding it.

The dev server keeps what its last build made (:class:`Memory`): the model,
the navigation, the search documents.  Most saves while someone writes
change one article's body: a word, a sentence, a paragraph.  Such an edit
changes the article's own page and its search document, and nothing else,
as long as the article still shows the rest of the site exactly what it
showed before: its *card* (title, date, source, authors, tags, summary,
lead, language, taxonomy values; what lists and feeds show), the entities
it names with their counts, the sentence around each first mention (what
entity pages quote), and its messages.  Then the article is purged from the
model and merged back (as Sphinx's environment does per document), and the
build renders one page and updates the search index by one document, without
reading the other articles, relating them, grouping them, or fingerprinting
every page: on the 21,578-article Reuters archive, ~1.5 s of work becomes a
few hundredths.

Anything else (an article added or removed, retitled, re-dated, a name found
or lost, a sentence an entity page quotes, the registry, ``site.yaml``, a
page, a template, a message) makes :func:`absorb` return None and the build
takes its general path.  The general path is the reference:
``tests/incremental/test_incremental_property.py`` has the dev server's
builds go this way where they can, and compares every step with a clean
build byte for byte.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.incremental.load import (
    RACY_NS,
    ArticleRecord,
    LoadCache,
    _build,
    _extra_fields,
    _Parsed,
    _read,
    names_digest,
)
from generator.model.archive import Archive, Article, RelateState, check_fields, make_matcher
from generator.model.mentions import Matcher
from generator.output.indexes import SearchInput
from generator.util.diagnostics import Diagnostics, Problem
from generator.util.files import modified_ns, stat_key


@dataclass
class Memory:
    """What the dev server keeps from its last build, beside the build state (never saved)."""

    archive: Archive
    common: dict[str, Any]  # the plan's data shared by every page (navigation)
    base: bytes  # the plan's base digest (site, navigation, templates)
    files: dict[str, str]  # real path of each listed seed and metadata file -> its article id
    paths: dict[str, tuple[str, str | None]]  # article id -> (seed path, metadata path) as listed
    racy: frozenset[str] = frozenset()  # articles whose files changed just before they were read: look again
    search: SearchInput | None = None  # the search documents, once a build made them in this process
    doc_at: dict[str, int] | None = None  # article id -> its position among ``search.docs``
    matcher: Matcher | None = field(default=None, repr=False)  # for the registry the records were made with


def remember(archive: Archive, load: LoadCache, common: dict[str, Any], base: bytes,
             search: SearchInput | None) -> Memory | None:
    """What the next merge needs from a build that just succeeded (None: no listing to go by)."""
    listing = load.listing
    if listing is None:
        return None
    paths = {sid: (path, listing.meta_files.get(sid)) for sid, path in listing.seed_files}
    owner = {path: sid for sid, (seed, meta) in paths.items() for path in (seed, meta) if path is not None}
    files = {real: owner[listed] for real, listed in listing.names.items() if listed in owner}
    racy = frozenset(sid for sid, rec in load.records.items() if rec.racy)
    return Memory(archive, common, base, files, paths, racy, search)


@dataclass
class Merged:
    """The model with the edited articles merged in, and what changed."""

    archive: Archive
    load: LoadCache
    edited: list[int]  # positions of the articles whose own page may show something new
    records: dict[str, ArticleRecord]  # the records read again
    racy: frozenset[str]


def same_shape(old: Article, new: Article) -> bool:
    """Whether ``new`` shows every page but its own exactly what ``old`` did (see the module's docstring).

    What other pages show of an article is its card (lists, feeds, neighbours,
    related articles), its entities with their counts (entity pages, related
    articles, search facets) and its snippets (entity pages); its id and
    files name it.  Everything else an article holds is its own page's, or the
    search index's, which is updated per document.
    """
    return (old.id == new.id and old.path == new.path and old.meta_path == new.meta_path and old.card == new.card
            and list(old.mention_counts.items()) == list(new.mention_counts.items())
            and list(old.snippets.items()) == list(new.snippets.items()) and old.declared == new.declared)


def quiet_edits(before: LoadCache, after: LoadCache) -> list[int] | None:
    """Positions of the articles a load read again, when each still shows other pages what it showed before
    (:func:`same_shape`) and no article came or went and the registry is the same; else None.

    The CLI's counterpart of :func:`absorb`: its load rebuilt the model
    anyway, but the plan then need not fingerprint every page.
    """
    if after.registry is None or after.registry is not before.registry or len(after.records) != len(before.records):
        return None
    edited = []
    for sid, rec in after.records.items():
        old = before.records.get(sid)
        if old is None:
            return None
        if rec is not old:
            if not same_shape(old.article, rec.article):
                return None
            edited.append(rec.article.index)
    return sorted(edited)


def absorb(memory: Memory, load: LoadCache, changed: set[str], seeds_dir: Path, content: Path,
           base: Path | None) -> Merged | None:
    """The model after ``changed`` (every file changed since the build ``memory`` and ``load`` come from), or None
    when the edit is not one this module can merge.  Nothing of ``memory`` or ``load`` is modified."""
    listing = load.listing
    if listing is None or load.registry is None or not changed:
        return None
    if (os.path.realpath(seeds_dir), os.path.realpath(content)) != listing.dirs[:2]:
        return None
    if listing.links is None:
        listing.links = any(os.path.islink(p) for p in listing.names.values())
    if listing.links:  # an edit reaches a link's target under the target's name only
        return None
    touched: set[str] = set(memory.racy)
    for path in changed:
        sid = memory.files.get(os.path.realpath(path))
        if sid is None:  # not a listed article's file: new, deleted, or another kind of input
            return None
        touched.add(sid)
    archive = memory.archive
    defs = load.registry[1]
    names = names_digest(defs)
    if memory.matcher is None:
        memory.matcher = make_matcher(defs, Diagnostics())
    known = {d.id for d in defs}
    now = time.time_ns()
    fresh: dict[str, ArticleRecord] = {}
    racy = set(memory.racy)
    for sid in sorted(touched):
        old = load.records.get(sid)
        if old is None or sid not in memory.paths:
            return None
        path, meta_path = memory.paths[sid]
        seed_stat = stat_key(path)
        meta_stat = stat_key(meta_path) if meta_path else None
        if seed_stat is None or (meta_path is not None and meta_stat is None):
            return None  # deleted since
        if not old.racy and (old.seed_stat, old.meta_stat, old.names) == (seed_stat, meta_stat, names):
            continue
        diag = Diagnostics(base=base)
        part = _read(sid, path, meta_path, None, names, diag, LoadCache())
        if not isinstance(part, _Parsed) or diag.error_count:
            return None
        check_fields(archive.site, [_extra_fields(part)], diag)
        if diag.error_count:
            return None
        rec = _build(part, memory.matcher, known, names, diag)
        if rec is None or tuple(diag.problems) != _problems(old):
            return None  # the build's messages would change
        if not same_shape(old.article, rec.article):
            return None
        rec.racy = max(modified_ns(rec.seed_stat), modified_ns(rec.meta_stat) if rec.meta_stat else 0) > now - RACY_NS
        (racy.add if rec.racy else racy.discard)(sid)
        fresh[sid] = rec
    articles = list(archive.articles)
    edited: list[int] = []
    for sid, rec in fresh.items():
        before, art = load.records[sid].article, rec.article
        i = before.index
        if i >= len(articles) or articles[i] is not before:
            return None  # the model is not the one the records were last merged into
        art.index, art.related, art.original, art.source_name = i, before.related, before.original, before.source_name
        articles[i] = art
        if art.digest != before.digest:
            edited.append(i)
    merged = Archive(archive.site, articles, archive.entities, archive.pages)
    for name in ("taxonomies", "undated_starts"):  # made of indexes, names and titles, which did not change
        if name in archive.__dict__:
            merged.__dict__[name] = archive.__dict__[name]
    related = archive.relate_state
    if related is not None:
        related = RelateState(related.lists, related.weights, {**related.digests, **{
            sid: rec.article.digest for sid, rec in fresh.items()}}, related.related, related.days)
    merged.relate_state = related
    records = {**load.records, **fresh}
    cache = LoadCache(records=records, related=related, registry=load.registry, listing=listing)
    return Merged(merged, cache, sorted(edited), fresh, frozenset(racy))


def _problems(rec: ArticleRecord) -> tuple[Problem, ...]:
    return tuple(rec.read_problems) + tuple(rec.build_problems)
