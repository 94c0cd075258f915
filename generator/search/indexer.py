"""Write search indexes to disk: the whoosh index, and the browser index for tools.

The browser index itself is built by ``browser_index.build_browser_index``, a
pure function returning the files, which the site build writes through
``generator/writer.py``; ``write_browser_index`` below writes them for the
evaluation, the fixture and the tests.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.search import FacetDef, SearchDoc
from generator.search.browser_index import build_browser_index
from generator.search.layout import Params
from generator.util.shelf import as_text

if TYPE_CHECKING:
    from whoosh.fields import Schema


@dataclass(frozen=True)
class IndexStats:
    """What a build wrote, for the build log and the closing measurements."""

    docs: int
    terms: int
    files: int
    bytes: int
    seconds: float


def write_browser_index(docs: Iterable[SearchDoc], site_dir: Path, params: Params | None = None,
                        facets: Sequence[FacetDef] = (), copies: bool = True) -> IndexStats:
    """Build the browser index from scratch and write it under ``site_dir/search/``, for tools.

    The evaluation, the fixture and the tests index documents without a site
    build; the build itself writes ``build_browser_index``'s files through
    ``generator/writer.py`` (``generator/indexes.py``).  Index files from an
    earlier run are removed first; other files under search/ (the search
    page) are left alone.
    """
    t0 = time.perf_counter()
    state, files = build_browser_index(list(docs), None, params, facets=facets, copies=copies)
    root = Path(site_dir)
    old = root / "search"
    if old.is_dir():
        for entry in old.iterdir():
            if entry.is_dir() and len(entry.name) == 1:
                shutil.rmtree(entry)
            elif entry.name == "meta.js":
                entry.unlink()
    size = 0
    made: set[Path] = set()
    for rel, data in sorted(files.items()):
        assert data is not None
        target = root / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
        size += len(data)
    return IndexStats(docs=len(state.digests), terms=len(state.terms), files=len(files), bytes=size,
                      seconds=round(time.perf_counter() - t0, 3))


def whoosh_schema() -> Schema:
    """Fields title, summary, entities and body with whoosh's StemmingAnalyzer, and the unique stored id.

    The text fields index through ``FastPositions``, which writes the same
    postings as whoosh's own ``Positions`` format in a fraction of the time.
    """
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    from generator.search.whoosh_format import FastPositions

    analyzer = StemmingAnalyzer()
    fields: dict[str, Any] = {"id": ID(stored=True, unique=True)}
    for name in ("title", "summary", "entities", "body"):
        field = TEXT(analyzer=analyzer)
        field.format = FastPositions(field_boost=field.format.field_boost)
        fields[name] = field
    return Schema(**fields)


def whoosh_fields(doc: SearchDoc) -> dict[str, str]:
    """The whoosh fields of a document (see :func:`whoosh_schema`)."""
    return {
        "id": doc.id,
        "title": doc.title or "",
        "summary": doc.summary or "",
        "entities": " ".join(name for _eid, name, _typ in doc.entities),
        "body": as_text(doc.body),
    }


SEGMENT_DOCS = 20_000  # documents per whoosh segment in a clean index (see write_whoosh_index)


def write_whoosh_index(docs: Iterable[SearchDoc], whoosh_dir: Path) -> None:
    """Recreate the whoosh index: the shell search and the reference BM25F ranker.

    Fields title, summary, entities and body with whoosh's StemmingAnalyzer,
    the setup the evaluation compares the browser engine against.
    """
    from whoosh import index

    from generator.search.whoosh_writer import LeanSegmentWriter

    whoosh_dir = Path(whoosh_dir)
    if whoosh_dir.exists():
        shutil.rmtree(whoosh_dir)
    whoosh_dir.mkdir(parents=True)
    schema = whoosh_schema()
    ix = index.create_in(str(whoosh_dir), schema)
    # One process: with FastPositions and LeanSegmentWriter, whoosh's multiprocessing writer
    # costs more CPU than it saves wall time while the site renders on the same cores (Reuters
    # clean build: ~2-6 CPU-s more, no faster), and it numbers documents in whichever order its
    # workers finish, so equal scores could rank differently from one build to the next.
    #
    # One segment per SEGMENT_DOCS documents, committed without merging: whoosh sorts a segment's
    # postings in memory up to ``limitmb`` and beyond that spills sorted runs to disk and merges
    # them in Python, which costs more than the indexing itself (Reuters x5, 107,890 documents:
    # 75 CPU-s in one segment, 47 without spilling).  Searches add up statistics across segments,
    # so scores and the order of ties (document numbers follow the input) are unchanged.
    writer = None
    for n, doc in enumerate(docs):
        if n % SEGMENT_DOCS == 0:
            if writer is not None:
                writer.commit(merge=False)
                gc.collect()  # a writer is a web of cycles: free it before the next (builds run without the collector)
            writer = LeanSegmentWriter(ix, limitmb=256)
        writer.add_document(**whoosh_fields(doc))
    if writer is None:
        writer = LeanSegmentWriter(ix, limitmb=256)
    writer.commit(merge=False)
