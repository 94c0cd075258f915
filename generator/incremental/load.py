"""Load: read every input and build the model, reusing what earlier builds learnt.

Reading and parsing 20,000 seeds and their metadata, and finding every
mention in them, is most of a build's work before rendering.  An archive
changes a few files a day, so each article's result is remembered in an
:class:`ArticleRecord` (what the build read, the problems it reported, the
finished :class:`~generator.model.archive.Article`) and reused while its seed file,
its metadata file and the entity names stay the same — like Sphinx's
environment reuses the doctrees of unchanged documents.

Problems are remembered with the record and reported again on every build,
so a warning never disappears just because its file was not re-read.
"""

from __future__ import annotations

import glob
import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.inputs.content import (
    ArticleMeta,
    EntityDef,
    SiteConfig,
    list_metas,
    load_article_meta,
    load_entities,
    load_pages,
    load_site,
)
from generator.inputs.seeds import Seed, list_seeds, read_seed
from generator.model.archive import (
    Archive,
    Article,
    RelateState,
    build_article,
    check_duplicate_of,
    check_fields,
    check_sources,
    index_archive,
    make_matcher,
)
from generator.model.mentions import Matcher
from generator.util.diagnostics import Diagnostics, Problem
from generator.util.files import StatKey, modified_ns, stat_key
from generator.util.forking import fork_map
from generator.util.shelf import Shelf, Spans, SpanUnpickler, Stored, StoredText, as_bytes, encode_text, span_pickler
from generator.util.textio import prefetch
from generator.util.yamlio import URL_RE

# A file modified this close to the build may be modified again within the same
# clock tick without its status changing (coarse timestamps): such records are
# "racy" and read again next time, as git does with its index.
RACY_NS = 2_000_000_000




@dataclass(slots=True)
class ArticleRecord:
    """What the build learnt from one seed and its metadata file.

    Pickled as a flat tuple, with the parsed files (needed only when the
    entity names change) as one opaque blob: loading a 20,000-article cache
    then builds few Python objects.
    """

    seed_path: str
    seed_stat: StatKey
    meta_path: str | None
    meta_stat: StatKey | None
    names: bytes  # digest of the entity names the mentions were found with
    parsed: Any  # (seed without blocks, meta) — or those pickled (in memory, or Stored in the records file)
    read_problems: tuple[Problem, ...]  # reading and parsing both files
    build_problems: tuple[Problem, ...]  # combining them (derived titles, ...)
    article: Article
    racy: bool = False  # a file changed just before it was read: do not trust its status next time
    # Read from the build cache (see cache.decode_load) and reused unchanged since: a records file holding only
    # such records is not written again.  (A reused record is never racy: racy ones are read again.)  Its bytes
    # are not kept: they held every article's text a second time (61 MB of Reuters' 364).
    cached: bool = field(default=False, repr=False, compare=False)

    def shelve(self, put: Callable[[bytes, type[Stored]], Stored]) -> tuple[Any, Any, Any]:
        """Keep the texts (the article's text and blocks, the parsed files) as spans ``put`` writes (util.shelf).

        Returns what they were, for :meth:`unshelve` when the file is not kept.
        """
        art = self.article
        was = (art.plain_text, art.body, self.parsed)
        art.plain_text = put(encode_text(art.plain_text), StoredText)
        art.body = put(as_bytes(art._encoded()), Stored)
        self.parsed = put(as_bytes(self._encoded()), Stored)
        return was

    def share_paths(self, path: str, meta_path: str | None) -> None:
        """Refer to the listing's path strings wherever the record and its article hold the same paths: one copy
        of each, not three (the records file, the article and the listing each made their own)."""
        art = self.article
        if self.seed_path == path:
            self.seed_path = path
        if art.path == path:
            art.path = path
        if meta_path is not None:
            if self.meta_path == meta_path:
                self.meta_path = meta_path
            if art.meta_path == meta_path:
                art.meta_path = meta_path

    def unshelve(self, was: tuple[Any, Any, Any]) -> None:
        self.article.plain_text, self.article.body, self.parsed = was

    @property
    def seed_and_meta(self) -> tuple[Seed, ArticleMeta | None]:
        if isinstance(self.parsed, (bytes, Stored)):
            self.parsed = pickle.loads(as_bytes(self.parsed))
        return self.parsed

    def _encoded(self) -> bytes | Stored:
        """The parsed files pickled (as they are when they already are, in memory or in a records file)."""
        if isinstance(self.parsed, (bytes, Stored)):
            return self.parsed
        return pickle.dumps(self.parsed, protocol=pickle.HIGHEST_PROTOCOL)

    def __reduce__(self) -> tuple:
        return (ArticleRecord, (
            self.seed_path, self.seed_stat, self.meta_path, self.meta_stat, self.names, self._encoded(),
            tuple((p.path, p.line, p.level, p.message) for p in self.read_problems),
            tuple((p.path, p.line, p.level, p.message) for p in self.build_problems),
            self.article, self.racy,
        ))

    def __post_init__(self) -> None:
        self.read_problems = tuple(p if isinstance(p, Problem) else Problem(*p) for p in self.read_problems)
        self.build_problems = tuple(p if isinstance(p, Problem) else Problem(*p) for p in self.build_problems)


@dataclass
class LoadCache:
    """Per-article records, by article id."""

    records: dict[str, ArticleRecord] = field(default_factory=dict)
    reused: int = 0  # articles taken from the cache in the last load
    rebuilt: int = 0  # articles whose mentions were found again (entity names changed)
    read: int = 0  # articles read from disk
    related: RelateState | None = None  # what the related articles were computed from
    registry: tuple[Any, list[EntityDef], tuple[Problem, ...]] | None = None  # (files' status, entities, messages)
    listing: Listing | None = None  # the seed and metadata folders' listings (the dev server reuses them)


@dataclass
class Listing:
    """The seed and metadata files found, with what listing them reported.

    The dev server is told which files changed; when each of them is a file
    this listing already holds, the listing is reused and only those files'
    status is looked at (Hugo's server does the same), saving a listing and a
    ``stat`` of every file: ~0.25 s on a 21,578-article archive.
    """

    dirs: tuple[str, str, str]  # real paths: seeds, content, content/articles
    seed_files: list[tuple[str, str]]
    meta_files: dict[str, str]
    problems: tuple[Problem, ...]
    links: bool | None = None  # whether a listed file is a symbolic link (looked at once, when first needed)
    key: bytes | None = None  # what the listed folders held (names and kinds), when the build knew it
    # real path of each listed file -> its path as listed: made when the dev server first needs it (never saved;
    # two more strings per article that the CLI never reads)
    _names: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def names(self) -> dict[str, str]:
        if self._names is None:
            dirs = self.dirs
            names = {os.path.join(dirs[0], os.path.basename(p)): p for _sid, p in self.seed_files}
            names.update((os.path.join(dirs[2], os.path.basename(p)), p) for p in self.meta_files.values())
            self._names = names
        return self._names

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_names": None}


def _real_dirs(seeds_dir: Path, content: Path) -> tuple[str, str, str]:
    return os.path.realpath(seeds_dir), os.path.realpath(content), os.path.realpath(content / "articles")


def listing_key(seeds_dir: Path, content: Path, folders: dict[str, bytes | None]) -> bytes | None:
    """What a listing is made from: the two folders' paths as given and what they hold (``folders``: folder
    -> :func:`textio.folder_key`, as the listing or ``cache.inputs_digest`` saw it); None when unknown."""
    seeds_held = folders.get(str(seeds_dir))
    metas_held = folders.get(str(content / "articles"), b"-")  # no entry: no such folder, no metadata files
    if seeds_held is None or metas_held is None:
        return None
    return hashlib.blake2b(repr((str(seeds_dir), str(content))).encode("utf-8", "surrogatepass")
                           + seeds_held + metas_held, digest_size=16).digest()


def _list(seeds_dir: Path, content: Path, diag: Diagnostics) -> Listing:
    """The seed and metadata files, with a key made from the very folder reads they came from (a file
    renamed while a build runs cannot pair one folder's names with another's listing)."""
    sub = _capture(diag)
    keys: dict[str, bytes | None] = {}
    seed_files = list_seeds(seeds_dir, sub, keys)
    meta_files = list_metas(content, sub, keys)
    dirs = _real_dirs(seeds_dir, content)
    _replay(diag, tuple(sub.problems))
    return Listing(dirs, seed_files, meta_files, tuple(sub.problems), key=listing_key(seeds_dir, content, keys))


def _reusable(listing: Listing | None, seeds_dir: Path, content: Path, changed: Iterable[str] | None) -> set[str] | None:
    """The listed paths among ``changed`` when the previous listing still holds, else None.

    It holds when every changed path is either a listed seed or metadata file
    that still exists, or a file elsewhere under ``content/`` or outside both
    folders' listings (entities, pages, site.yaml, templates): nothing was
    added to or removed from the listed folders.  Anything unexpected (a new
    or deleted file, a folder moved, a path in another spelling) means
    listing again.
    """
    if listing is None or changed is None:
        return None
    seeds_real, content_real, metas_real = listing.dirs
    if (os.path.realpath(seeds_dir), os.path.realpath(content)) != (seeds_real, content_real):
        return None
    if listing.links is None:
        listing.links = any(os.path.islink(p) for p in listing.names.values())
    if listing.links:  # an edit reaches a link's target under the target's name only: look at every file
        return None
    touched: set[str] = set()
    for path in changed:
        real = os.path.realpath(path)
        folder = os.path.dirname(real)
        if folder in (seeds_real, metas_real):
            if real not in listing.names or not os.path.isfile(real):
                return None
            touched.add(listing.names[real])
        elif real.startswith(seeds_real + os.sep) or real in (seeds_real, metas_real, content_real):
            return None  # inside a seed sub-folder (reported by the listing), or a listed folder itself
    return touched


def names_digest(defs: list[EntityDef]) -> bytes:
    """Everything mention finding depends on: each entity's id, type (a person's one-word aliases are part names), name and aliases."""
    h = hashlib.blake2b(digest_size=16)
    for d in defs:
        h.update(repr((d.id, d.type, d.name, d.aliases)).encode("utf-8", "surrogatepass"))
    return h.digest()


def _capture(diag: Diagnostics) -> Diagnostics:
    return Diagnostics(base=diag.base)


def _replay(diag: Diagnostics, problems: tuple[Problem, ...]) -> None:
    for p in problems:
        diag.problems.append(p)
        if p.level == "error":
            diag.error_count += 1


def load_config(content: Path, base_url: str | None, diag: Diagnostics) -> SiteConfig:
    site = load_site(content, diag)
    if base_url:
        if not URL_RE.match(base_url):
            diag.error("--base-url", None, f"must be an http:// or https:// address, got {base_url!r}")
        else:
            site = SiteConfig(**{**site.__dict__, "base_url": base_url.rstrip("/") + "/"})
    return site


def load(
    seeds_dir: Path, content: Path, base_url: str | None, diag: Diagnostics, previous: LoadCache | None = None,
    changed: Iterable[str] | None = None, jobs: int = 1, stats: dict[str, StatKey] | None = None,
    listing_key: bytes | None = None, spill: Path | None = None,
) -> tuple[Archive, LoadCache]:
    """Read every input file and build the model; raises BuildError on user errors.

    ``previous`` is the cache of the last good build (None: read everything).
    ``changed``, from the dev server's file events, lists every file changed
    since that build (None: unknown, so every file's status is looked at).
    With ``jobs`` > 1 and no cache, articles are read and made in forked
    workers (``_load_forked``); messages come out in the same order either way.
    ``stats`` holds files' status looked at earlier in this build (by path as
    listed), so that each file is looked at once.
    ``listing_key`` says what the listed folders hold (names and kinds, see
    :func:`listing_key`); when it equals the last listing's, that listing is
    reused (~0.3 s of a 21,578-article rebuild).
    ``spill`` (a folder: the build cache's) keeps the texts of articles read
    by forked workers out of this process's memory (see ``_load_chunk``).
    """
    site = load_config(content, base_url, diag)
    registry = _load_registry(content, site, diag, previous)
    defs = registry[1]
    pages = load_pages(content, diag)
    diag.check()  # a broken registry would make every declared entity look unknown
    touched = _reusable(previous.listing if previous is not None else None, seeds_dir, content, changed)
    last = previous.listing if previous is not None else None
    if touched is not None and last is not None:
        listing = last
        _replay(diag, listing.problems)
    elif (listing_key is not None and last is not None and last.key == listing_key
          and last.dirs == _real_dirs(seeds_dir, content)):
        listing = last
        listing.links = None  # no link was listed (see folder_key), but look again when it matters
        _replay(diag, listing.problems)
    else:
        listing = _list(seeds_dir, content, diag)
    seed_files, meta_files = listing.seed_files, listing.meta_files
    old = previous.records if previous is not None else {}
    names = names_digest(defs)
    cache = LoadCache(listing=listing, registry=registry if registry[0] is not None else None)
    now = time.time_ns()
    matched = _capture(diag)
    matcher = make_matcher(defs, matched)
    known = {d.id for d in defs}
    forked = None
    if not old and jobs > 1 and len(seed_files) >= PARALLEL_MIN:
        prefix = None
        if spill is not None:
            spill.mkdir(parents=True, exist_ok=True)
            prefix = str(spill / f".spill-{os.urandom(6).hex()}")  # (a ".*.tmp" left by a killed build is collected)
        forked = _load_forked(seed_files, meta_files, (names, matcher, known, diag.base, prefix), jobs)
        cache.read = sum(1 for _read_problems, part, _build_problems in forked if part is not None)
    # Phase 1: read what changed (every file's own errors, all reported together).
    if forked is not None:
        parts: list[Any] = []
        for read_problems, part, _build_problems in forked:
            _replay(diag, read_problems)
            if part is not None:
                check_fields(site, [_extra_fields(part)], diag)
            parts.append(part)
    else:
        parts = []
        for sid, path in seed_files:
            part = _read(sid, path, meta_files.get(sid), old.get(sid), names, diag, cache, touched, stats)
            if part is not None:  # each file's messages together, in the order of the files
                check_fields(site, [_extra_fields(part)], diag)
            parts.append(part)
    diag.check()
    # Phase 2: checks across files, and each article made from its seed, metadata and the registry.
    seed_ids = {sid for sid, _ in seed_files}
    for mid, path in sorted(meta_files.items()):
        if mid not in seed_ids:
            diag.error(path, None, f"metadata for a seed that does not exist: expected seeds/{Path(path).stem}.txt")
    _replay(diag, tuple(matched.problems))
    articles: list[Article] = []
    for n, part in enumerate(parts):
        if forked is not None:  # made by a worker: only its messages are left to report
            rec = part
            _replay(diag, forked[n][2])
        else:
            rec = part if isinstance(part, ArticleRecord) else _build(part, matcher, known, names, diag)
            if isinstance(part, ArticleRecord):
                _replay(diag, rec.build_problems)
        if rec is not None:
            rec.racy = max(modified_ns(rec.seed_stat), modified_ns(rec.meta_stat) if rec.meta_stat else 0) > now - RACY_NS
            sid, path = seed_files[n]
            rec.share_paths(path, meta_files.get(sid))
            cache.records[rec.article.id] = rec
            articles.append(rec.article)
    check_duplicate_of(articles, diag)
    check_sources(site, articles, diag)
    diag.check()
    archive = index_archive(site, articles, defs, pages, previous.related if previous is not None else None, jobs)
    cache.related = archive.relate_state
    return archive, cache


def _registry_key(content: Path, site: Any) -> Any:
    """The status of every file of the entity registry, and the entity types: equal keys, equal registries.

    None when a file changed so recently that its status cannot be trusted (see RACY_NS).
    """
    files = [(str(content / "entities.yaml"), stat_key(content / "entities.yaml"))]
    try:
        with os.scandir(content / "entities") as it:
            files += sorted((e.path, stat_key(e.path)) for e in it)
    except OSError:
        files.append(("no entities/", None))
    newest = max((k[0] for _p, k in files if k is not None), default=0)
    if newest > time.time_ns() - RACY_NS:
        return None
    return (str(content), tuple(sorted(site.entity_types.items())), tuple(files))


def _load_registry(content: Path, site: Any, diag: Diagnostics, previous: LoadCache | None
                   ) -> tuple[Any, list[EntityDef], tuple[Problem, ...]]:
    """The entity registry, reused from the last build while none of its files changed.

    Parsing it again (YAML and every description's Markdown) cost ~0.1 s of
    each rebuild of the 21k Reuters archive, in the dev server too.
    """
    key = _registry_key(content, site)
    if key is not None and previous is not None and previous.registry is not None and previous.registry[0] == key:
        _replay(diag, previous.registry[2])
        return previous.registry
    sub = _capture(diag)
    defs = load_entities(content, site, sub)
    problems = tuple(sub.problems)
    _replay(diag, problems)
    return (key, defs, problems)


PARALLEL_MIN = 2000  # articles to read before a cold load is worth forking workers for
_CHUNK = 500  # articles per worker task


def _load_chunk(shared: tuple[bytes, Matcher, set[str], Path | None, str | None],
                chunk: list[tuple[str, str, str | None]]) -> Any:
    """In a worker: read and make each article of ``chunk``; its messages are returned, not printed.

    Returns ``(read problems, record or None, build problems)`` per article.
    The record is made even when another article's file has an error (the
    parent then stops after phase 1, as a serial load would).  With a
    ``spill`` name, the records' texts are appended to this worker's spill
    file and the list comes back as (that file, the list pickled with spans
    of it): the parent then never holds the texts (see util.shelf).
    """
    names, matcher, known, base, spill = shared
    prefetch([p for _sid, path, meta_path in chunk for p in (path, meta_path) if p is not None])
    out = []
    for sid, path, meta_path in chunk:
        read = Diagnostics(base=base)  # messages name files as the parent's do (relative to its base)
        part = _read(sid, path, meta_path, None, names, read, LoadCache())
        made = Diagnostics(base=base)
        rec = _build(part, matcher, known, names, made) if isinstance(part, _Parsed) else None
        out.append((tuple(read.problems), rec, tuple(made.problems)))
    if spill is None:
        return out
    file = f"{spill}-{os.getpid()}.tmp"
    with open(file, "ab") as fh:
        fh.seek(0, os.SEEK_END)
        spans = Spans(fh, fh.tell())
        for _read_problems, rec, _build_problems in out:
            if rec is not None:
                rec.shelve(spans.stored)
    buf = io.BytesIO()
    span_pickler(buf, pickle.HIGHEST_PROTOCOL).dump(out)
    return file, buf.getvalue()


def _load_forked(seed_files: list[tuple[str, str]], meta_files: dict[str, str],
                 shared: tuple[bytes, Matcher, set[str], Path | None, str | None], jobs: int) -> list[tuple]:
    """A cold load's articles, read and made by ``jobs`` forked workers, in seed order.

    Reading, parsing and finding mentions is most of a cold load (4-5 s of
    the 21k Reuters archive's ~7 s) and nothing else runs meanwhile, so two
    cores nearly halve it; records come back pickled (a flat tuple each).
    With a spill name (``shared[-1]``) their texts stay in the workers' spill
    files, which are removed here once read: each is kept open by its
    :class:`~generator.util.shelf.Shelf` until the records move to the cache.
    """
    todo = [(sid, path, meta_files.get(sid)) for sid, path in seed_files]
    chunks = [todo[i:i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
    spill = shared[-1]
    if spill is None:
        return [item for done in fork_map(_load_chunk, shared, chunks, jobs) for item in done]
    shelves: dict[str, Shelf] = {}
    items: list[tuple] = []
    try:
        for file, blob in fork_map(_load_chunk, shared, chunks, jobs):
            if file not in shelves:
                shelves[file] = Shelf(file)
            items.extend(SpanUnpickler(io.BytesIO(blob), shelves[file]).load())
    finally:
        for file in glob.glob(glob.escape(spill) + "-*.tmp"):
            os.unlink(file)
    return items


def _extra_fields(part: ArticleRecord | _Parsed) -> tuple[str, tuple]:
    """(metadata file, its fields the schema does not know) of a record or of files just read."""
    if isinstance(part, ArticleRecord):
        return part.article.meta_path or "", part.article.extra
    return (str(part.meta.path), part.meta.extra) if part.meta is not None else ("", ())


@dataclass
class _Parsed:
    """An article's files, read (or taken from the cache when only the entity names changed), to be combined."""

    path: str
    seed_stat: StatKey
    meta_path: str | None
    meta_stat: StatKey | None
    seed: Seed
    meta: ArticleMeta | None
    read_problems: tuple[Problem, ...]


def _read(
    sid: str, path: str, meta_path: str | None, rec: ArticleRecord | None, names: bytes, diag: Diagnostics,
    cache: LoadCache, touched: set[str] | None = None, stats: dict[str, StatKey] | None = None,
) -> ArticleRecord | _Parsed | None:
    """One article's files: the cached record when nothing it depends on changed, else parsed again.

    With ``touched`` (the files known to have changed), a record whose files
    are not among them is trusted without a ``stat`` unless it is racy.
    """
    if (touched is not None and rec is not None and not rec.racy and path not in touched
            and (meta_path is None or meta_path not in touched)):
        seed_stat, meta_stat = rec.seed_stat, rec.meta_stat
    elif stats:
        seed_stat = stats.get(path) or stat_key(path)
        meta_stat = (stats.get(meta_path) or stat_key(meta_path)) if meta_path else None
    else:
        seed_stat = stat_key(path)
        meta_stat = stat_key(meta_path) if meta_path else None
    same_files = (
        rec is not None and not rec.racy and seed_stat is not None and rec.seed_path == path and rec.seed_stat == seed_stat
        and rec.meta_path == meta_path and rec.meta_stat == meta_stat
    )
    if same_files and rec is not None and seed_stat is not None:
        _replay(diag, rec.read_problems)
        if rec.names == names:
            cache.reused += 1
            rec.article.index, rec.article.related = 0, []
            return rec
        # The entity names changed: find the mentions again, without reading the files.
        head, meta = rec.seed_and_meta
        cache.rebuilt += 1
        seed = Seed(head.id, Path(path), head.date, head.has_date_line, rec.article.blocks, head.first_line)
        return _Parsed(path, seed_stat, meta_path, meta_stat, seed, meta, rec.read_problems)
    sub = _capture(diag)
    seed = read_seed(Path(path), sid, sub)
    meta = load_article_meta(Path(meta_path), sub) if meta_path else None
    _replay(diag, tuple(sub.problems))
    if seed is None or sub.error_count or seed_stat is None:
        return None
    cache.read += 1
    return _Parsed(path, seed_stat, meta_path, meta_stat, seed, meta, tuple(sub.problems))


def _build(part: _Parsed | None, matcher: Matcher, known: set[str], names: bytes, diag: Diagnostics) -> ArticleRecord | None:
    if part is None:
        return None
    sub = _capture(diag)
    article = build_article(part.seed, part.meta, matcher, known, sub)
    _replay(diag, tuple(sub.problems))
    if article is None:
        return None
    article.pack()
    seed = part.seed
    return ArticleRecord(
        seed_path=part.path, seed_stat=part.seed_stat, meta_path=part.meta_path,
        meta_stat=part.meta_stat, names=names,
        parsed=(Seed(seed.id, seed.path, seed.date, seed.has_date_line, (), seed.first_line), part.meta),
        read_problems=part.read_problems, build_problems=tuple(sub.problems), article=article,
    )
