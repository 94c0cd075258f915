"""The build, top to bottom: load → model → render → write, each step timed.

The site is written into a temporary folder beside the output and swapped in
only when every step succeeded, so a failed build never leaves a half-written
``site/``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator import feeds
from generator.content import SiteConfig, listed, load_article_meta, load_entities, load_pages, load_site
from generator.diagnostics import BuildError, Diagnostics
from generator.generators import nav_data
from generator.model import Archive, build_archive
from generator.parallel import Background, render_all
from generator.render import make_env
from generator.search import SearchDoc
from generator.seeds import Seed, read_seed
from generator.textutil import slugify
from generator.writer import Writer, discard, staging_dir, swap_into_place
from generator.yamlio import URL_RE

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_ROOT / "templates"


@dataclass
class BuildOptions:
    seeds: Path = Path("seeds")
    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = TEMPLATES
    base_url: str | None = None
    whoosh: bool = True
    jobs: int = 1
    strict: bool = False  # warnings fail the build (before anything is written)


@dataclass
class BuildResult:
    articles: int = 0
    entities: int = 0
    files: int = 0
    bytes: int = 0
    steps: list[tuple[str, float]] = field(default_factory=list)
    diagnostics: Diagnostics | None = None
    search: object | None = None

    @property
    def seconds(self) -> float:
        return sum(s for _, s in self.steps)


@contextmanager
def _step(result: BuildResult, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    result.steps.append((name, time.perf_counter() - start))


def load_seeds(folder: Path, diag: Diagnostics) -> list[Seed]:
    """Every ``*.txt`` in ``folder``; anything else there is reported, never dropped silently."""
    if not folder.is_dir():
        diag.error(folder, None, "the seeds folder does not exist")
        return []
    seeds: list[Seed] = []
    owners: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            diag.warn(path, None, "sub-folders of seeds/ are not read; move its articles up")
            continue
        if path.suffix.lower() != ".txt":
            diag.warn(path, None, "ignored: seeds must be .txt files")
            continue
        seed_id = slugify(path.stem)
        if not seed_id:
            diag.error(path, None, "the file name gives an empty id; rename it with letters or digits")
            continue
        if seed_id in owners:
            diag.error(path, None, f"two seeds give the id '{seed_id}': {owners[seed_id].name} and {path.name}; rename one")
            continue
        owners[seed_id] = path
        seed = read_seed(path, seed_id, diag)
        if seed is not None:
            seeds.append(seed)
    if not owners:
        diag.warn(folder, None, "no seed files (*.txt): the site will have no articles")
    return seeds


def load_metas(content: Path, diag: Diagnostics) -> dict:
    metas = {}
    for path in listed(content / "articles", (".yaml", ".yml"), "article metadata", diag):
        key = slugify(path.stem)
        if key in metas:
            diag.error(path, None, f"two metadata files for the article '{key}'")
            continue
        meta = load_article_meta(path, diag)
        if meta is not None:
            metas[key] = meta
    return metas


def search_docs(archive: Archive) -> Iterator[SearchDoc]:
    """What the search index gets: one document per article, in date order."""
    for art in (a for a in archive.articles if a.duplicate_of is None):  # a marked copy: the original only
        ents = sorted(art.mention_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        yield SearchDoc(
            id=art.id,
            url=art.url,
            title=art.title,
            date=art.date.isoformat() if art.date else None,
            source=art.source,
            summary=art.summary,
            body=art.text,
            entities=tuple((eid, archive.entities[eid].name, archive.entities[eid].type) for eid, _ in ents),
        )


def load(opts: BuildOptions, diag: Diagnostics) -> Archive:
    """Read every input file and build the model; raises BuildError on user errors."""
    site = load_site(opts.content, diag)
    if opts.base_url:
        if not URL_RE.match(opts.base_url):
            diag.error("--base-url", None, f"must be an http:// or https:// address, got {opts.base_url!r}")
        else:
            site = SiteConfig(**{**site.__dict__, "base_url": opts.base_url.rstrip("/") + "/"})
    defs = load_entities(opts.content, site, diag)
    pages = load_pages(opts.content, diag)
    seeds = load_seeds(opts.seeds, diag)
    metas = load_metas(opts.content, diag)
    diag.check()
    return build_archive(site, seeds, metas, defs, pages, diag)


MARKER = ".archive-site"  # marks a folder this generator may replace


def check_output(opts: BuildOptions, diag: Diagnostics) -> None:
    """Refuse an output folder whose replacement would destroy the archivist's files.

    The build replaces ``--out`` wholesale, so ``--out .`` or ``--out seeds``
    would delete the input. Only an empty folder or one carrying our marker
    (written into every site) may be replaced.
    """
    out = opts.out.resolve()
    for name, folder in (("seeds", opts.seeds), ("content", opts.content), ("templates", opts.templates), ("current", Path.cwd())):
        f = folder.resolve()
        if out == f or out in f.parents:
            diag.error(opts.out, None, f"the output folder would replace the {name} folder {folder}; choose another --out")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        diag.error(opts.out, None, f"refusing to replace {opts.out}: it is not empty and was not built by this generator "
                   f"(no {MARKER} file); remove it or choose another --out")
    diag.check()


def build(opts: BuildOptions) -> BuildResult:
    """Build the site into ``opts.out``. Raises BuildError; the old site survives."""
    from generator.search.indexer import write_browser_index, write_whoosh_index

    result = BuildResult()
    diag = Diagnostics(base=Path.cwd())
    result.diagnostics = diag
    check_output(opts, diag)
    with _step(result, "load+model"):
        archive = load(opts, diag)
    if opts.strict and diag.warnings:
        raise BuildError([dataclasses.replace(w, level="error") for w in diag.warnings])
    result.articles = len(archive.articles)
    result.entities = len(archive.entities)
    staged = staging_dir(opts.out)
    whoosh_final = Path(str(opts.out) + ".whoosh")
    staged_whoosh = staging_dir(whoosh_final) if opts.whoosh else None
    staged_search = staging_dir(opts.out)
    try:
        writer = Writer(staged)
        env = make_env(opts.templates)
        common = {
            "site": archive.site,
            "nav": nav_data(archive),
            "stats": {"articles": len(archive.articles), "entities": sum(1 for e in archive.entities.values() if e.articles)},
        }
        _ = archive.by_month  # computed once, before any process forks

        def indexes() -> object:
            # The browser index goes to its own folder (it owns search/ and starts it
            # afresh) and is moved into the site after rendering.
            stats = write_browser_index(search_docs(archive), staged_search)
            if staged_whoosh is not None:
                write_whoosh_index(search_docs(archive), staged_whoosh)
            return stats

        with _step(result, "render (search indexes alongside)"):
            background = Background(indexes)
            try:
                for path, html, origin in render_all(archive, env, common, opts.jobs):
                    writer.write(path, html, origin)
                writer.write(MARKER, "This folder is generated by `python -m generator build`; it is replaced on every build.\n", "marker")
                writer.copy_tree(opts.templates / "assets", "assets")
                for path, text in feeds.extra_files(archive, sorted(writer.paths())):
                    writer.write(path, text, "feeds")
            except BaseException:
                background.cancel()
                raise
        with _step(result, "search indexes (rest)"):
            result.search = background.result()
            writer.adopt(staged_search / "search", "search")
        with _step(result, "swap"):  # includes deleting the previous site
            swap_into_place(staged, opts.out)
            if staged_whoosh is not None:
                swap_into_place(staged_whoosh, whoosh_final)
    except BaseException:
        discard(staged)
        if staged_whoosh is not None:
            discard(staged_whoosh)
        raise
    finally:
        discard(staged_search)
    # Counted as written (a walk over 100k files after the build would cost seconds).
    result.files = writer.count + (result.search.files if result.search else 0)
    result.bytes = writer.bytes + (result.search.bytes if result.search else 0)
    return result
