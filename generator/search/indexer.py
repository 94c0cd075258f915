"""Write the search indexes to disk: the whoosh index, and (temporarily) the browser index.

The browser index itself is built by ``browser_index.build_browser_index``, a
pure function returning the files; ``write_browser_index`` below only writes
them and exists until the build writes them through ``generator/writer.py``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from generator.search import SearchDoc
from generator.search.browser_index import build_browser_index
from generator.search.layout import Params

WHOOSH_PARALLEL_MIN = 3000  # documents before whoosh gets a multiprocessing writer


@dataclass(frozen=True)
class IndexStats:
    """What a build wrote, for the build log and the closing measurements."""

    docs: int
    terms: int
    files: int
    bytes: int
    seconds: float


def write_browser_index(docs: Iterable[SearchDoc], site_dir: Path, params: Params | None = None) -> IndexStats:
    """TEMPORARY compatibility wrapper: build the browser index and write it to ``site_dir/search/``.

    To be removed once generator/build.py passes the files of
    ``build_browser_index`` to the site's writer (see README.md).
    """
    t0 = time.perf_counter()
    state, files = build_browser_index(list(docs), None, params)
    root = Path(site_dir)
    if (root / "search").exists():
        shutil.rmtree(root / "search")
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


def write_whoosh_index(docs: Iterable[SearchDoc], whoosh_dir: Path) -> None:
    """Recreate the whoosh index: the shell search and the reference BM25F ranker.

    Fields title, summary, entities and body with whoosh's StemmingAnalyzer,
    the setup the evaluation compares the browser engine against.
    """
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    whoosh_dir = Path(whoosh_dir)
    if whoosh_dir.exists():
        shutil.rmtree(whoosh_dir)
    whoosh_dir.mkdir(parents=True)
    analyzer = StemmingAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer),
        summary=TEXT(analyzer=analyzer),
        entities=TEXT(analyzer=analyzer),
        body=TEXT(analyzer=analyzer),
    )
    ix = index.create_in(str(whoosh_dir), schema)
    # whoosh indexes in pure Python; on a large corpus its multiprocessing writer
    # roughly halves the time (Reuters: ~21 s -> ~10 s on 2 cores).  Small corpora
    # stay in-process, where forking would cost more than it saves.
    it = iter(docs)
    head = list(islice(it, WHOOSH_PARALLEL_MIN))
    procs = min(os.cpu_count() or 1, 4) if len(head) == WHOOSH_PARALLEL_MIN else 1
    writer = ix.writer(limitmb=256, procs=procs, multisegment=procs > 1)
    for doc in chain(head, it):
        writer.add_document(
            id=doc.id,
            title=doc.title or "",
            summary=doc.summary or "",
            entities=" ".join(name for _eid, name, _typ in doc.entities),
            body=doc.body or "",
        )
    writer.commit()
