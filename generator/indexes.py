"""The search indexes as a build step, clean or incremental.

* The **browser index** (``site/search/``) is a set of files computed by
  ``generator.search``; they are written here through the site's
  :class:`~generator.writer.Writer` like every other file, so the one writer
  checks their paths and keeps them in the manifest.  An incremental build
  passes the index's previous state and writes only the files that changed.
* The **whoosh index** (``site.whoosh/`` beside the site, for
  ``query --engine whoosh``) is updated in place: whoosh replaces and deletes
  documents by id, and its commit is atomic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.model import Archive
from generator.search import SearchDoc
from generator.textutil import key_of
from generator.writer import Writer

SEARCH_PREFIX = "search/"
PRODUCER = "search index"


def search_docs(archive: Archive) -> Iterator[SearchDoc]:
    """What the search indexes get: one document per article, in date order."""
    for art in (a for a in archive.articles if a.duplicate_of is None):  # a marked copy: the original only
        ents = sorted(art.mention_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        yield SearchDoc(
            id=art.id,
            url=art.url,
            title=art.title,
            date=art.date.isoformat() if art.date else None,
            source=art.source_name,
            summary=art.summary,
            body=art.text,
            entities=tuple((eid, archive.entities[eid].name, archive.entities[eid].type) for eid, _ in ents),
            tags=tuple((key, archive.tags[key].name) for key in dict.fromkeys(key_of(t) for t in art.tags)),
        )


def doc_digest(doc: SearchDoc) -> bytes:
    return hashlib.blake2b(repr(doc).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def browser_index(docs: list[SearchDoc], previous: Any) -> tuple[Any, dict[str, bytes | None]]:
    """The browser index's files (site paths -> bytes, None = remove) and its new state (see generator.search.browser_index)."""
    from generator.search.browser_index import build_browser_index

    return build_browser_index(docs, previous)


def write_browser_index(writer: Writer, docs: list[SearchDoc], previous: Any, kept: list[str]) -> Any:
    """Apply the browser index to the site through ``writer``; returns the index's new state.

    ``kept`` lists the index's files from the previous build (in place, those
    not reported as changed stay as they are).
    """
    if writer.in_place and previous is not None:
        for rel in kept:
            writer.keep(rel, PRODUCER)
    else:
        previous = None
    state, files = browser_index(docs, previous)
    for rel, data in sorted(files.items()):
        if not rel.startswith(SEARCH_PREFIX):
            raise ValueError(f"the search index may only write below {SEARCH_PREFIX}, not {rel!r}")
        writer.delete(rel)  # drops the claim kept from the previous build, if any
        if data is not None:
            writer.write(rel, data, PRODUCER)
    return state


def whoosh_fields(doc: SearchDoc) -> dict[str, str]:
    return {
        "id": doc.id,
        "title": doc.title or "",
        "summary": doc.summary or "",
        "entities": " ".join(name for _eid, name, _typ in doc.entities),
        "body": doc.body or "",
    }


def update_whoosh(docs: list[SearchDoc], folder: Path, previous: dict[str, bytes] | None) -> dict[str, bytes]:
    """Bring the whoosh index in ``folder`` up to date; a clean index when there is no usable previous one."""
    from whoosh import index

    from generator.search.indexer import write_whoosh_index

    digests = {doc.id: doc_digest(doc) for doc in docs}
    if previous is None or not index.exists_in(str(folder)):
        write_whoosh_index(docs, folder)
        return digests
    gone = [i for i in previous if i not in digests]
    changed = [doc for doc in docs if previous.get(doc.id) != digests[doc.id]]
    if gone or changed:
        ix = index.open_dir(str(folder))
        w = ix.writer(limitmb=128)
        for doc_id in gone:
            w.delete_by_term("id", doc_id)
        for doc in changed:
            w.update_document(**whoosh_fields(doc))
        w.commit()
    return digests
