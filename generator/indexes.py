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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model import Archive
from generator.search import SearchDoc
from generator.textutil import key_of
from generator.writer import Writer

SEARCH_PREFIX = "search/"
PRODUCER = "search index"


@dataclass
class SearchInput:
    """The documents both search indexes get, one per article in date order, and a digest of each."""

    docs: list[SearchDoc]
    digests: list[bytes]


def search_input(archive: Archive) -> SearchInput:
    """The search documents and their digests, made once per build for both indexes.

    A document's digest is its article's ``digest`` (title, date, source,
    summary, text) plus what the document adds from elsewhere: the source's
    display name, the entities' names and types, the tags' names.  That is
    much cheaper than hashing every body again on every build.
    """
    docs, digests = [], []
    entities, tags = archive.entities, archive.tags
    for art in archive.articles:
        if art.duplicate_of is not None:  # a marked copy: the original only
            continue
        ents = sorted(art.mention_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        doc = SearchDoc(
            id=art.id,
            url=art.url,
            title=art.title,
            date=art.date.isoformat() if art.date else None,
            source=art.source_name,
            summary=art.summary,
            body=art.text,
            entities=tuple((eid, entities[eid].name, entities[eid].type) for eid, _ in ents),
            tags=tuple((key, tags[key].name) for key in dict.fromkeys(key_of(t) for t in art.tags)),
        )
        docs.append(doc)
        extra = repr((doc.id, doc.url, doc.source, doc.entities, doc.tags)).encode("utf-8", "surrogatepass")
        digests.append(hashlib.blake2b(art.digest + extra, digest_size=16).digest())
    return SearchInput(docs, digests)


def browser_index(search: SearchInput, previous: Any) -> tuple[Any, dict[str, bytes | None]]:
    """The browser index's files (site paths -> bytes, None = remove) and its new state (see generator.search.browser_index)."""
    from generator.search.browser_index import build_browser_index

    return build_browser_index(search.docs, previous, digests=search.digests)


def write_browser_index(writer: Writer, search: SearchInput, previous: Any, kept: list[str]) -> Any:
    """Apply the browser index to the site through ``writer``; returns the index's new state.

    ``kept`` lists the index's files from the previous build (in place, those
    not reported as changed stay as they are).
    """
    if writer.in_place and previous is not None:
        for rel in kept:
            writer.keep(rel, PRODUCER)
    else:
        previous = None
    state, files = browser_index(search, previous)
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


def update_whoosh(search: SearchInput, folder: Path, previous: dict[str, bytes] | None) -> dict[str, bytes]:
    """Bring the whoosh index in ``folder`` up to date; a clean index when there is no usable previous one."""
    from whoosh import index

    from generator.search.indexer import write_whoosh_index

    docs = search.docs
    digests = {doc.id: dg for doc, dg in zip(docs, search.digests, strict=True)}
    if previous is None or not index.exists_in(str(folder)):
        write_whoosh_index(docs, folder)
        return digests
    gone = [i for i in previous if i not in digests]
    changed = [doc for doc in docs if previous.get(doc.id) != digests[doc.id]]
    if gone or changed:
        from generator.search.whoosh_writer import LeanSegmentWriter

        ix = index.open_dir(str(folder))
        w = LeanSegmentWriter(ix, limitmb=128)
        for doc_id in gone:
            w.delete_by_term("id", doc_id)
        for doc in changed:
            w.update_document(**whoosh_fields(doc))
        w.commit()
    return digests
