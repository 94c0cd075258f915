"""The search indexes as a build step, clean or incremental.

* The **browser index** (``site/search/``) is a set of files computed by
  ``generator.search``; they are written here through the site's
  :class:`~generator.output.writer.Writer` like every other file, so the one writer
  checks their paths and keeps them in the manifest.  An incremental build
  passes the index's previous state and writes only the files that changed.
* The **whoosh index** (``site.whoosh/`` beside the site, for
  ``query --engine whoosh``) is not built here: the build records its
  documents there (``generator.search.whoosh_docs``) and the index is
  brought up to date when it is used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from generator.model.archive import Archive
from generator.output.writer import Writer
from generator.search import FacetDef, SearchDoc

SEARCH_PREFIX = "search/"
PRODUCER = "search index"


@dataclass
class SearchInput:
    """The documents both search indexes get, one per article in date order, a digest of each, and the facets."""

    docs: list[SearchDoc]
    digests: list[bytes]
    facets: tuple[FacetDef, ...] = ()  # entity types, then the taxonomies, in site.yaml's order


def facet_defs(archive: Archive) -> tuple[FacetDef, ...]:
    """Every entity type and every taxonomy of site.yaml as a search facet, with its label: no case per kind;
    then the articles' languages (offered by the index only when there are several)."""
    types = tuple(FacetDef(t, label, entity=True) for t, label in archive.site.entity_types.items())
    return types + tuple(FacetDef(t.kind, t.label) for t in archive.site.taxonomies) + (
        FacetDef("lang", "Languages", language=True),)


def _facet_values(archive: Archive) -> list[list[tuple[str, str, str]]]:
    """Per article (by index), its (kind, key, name) in every taxonomy: the collections, inverted once."""
    out: list[list[tuple[str, str, str]]] = [[] for _ in archive.articles]
    for kind, collections in archive.taxonomies.items():
        for key, coll in collections.items():
            for i in coll.articles:
                out[i].append((kind, key, coll.name))
    return out


def _make_doc(archive: Archive, i: int, values: list[tuple[str, str, str]]) -> SearchDoc:
    art = archive.articles[i]
    entities = archive.entities
    ents = sorted(art.mention_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return SearchDoc(
        id=art.id,
        url=art.url,
        title=art.title,
        date=art.date.isoformat() if art.date else None,
        source=art.source_name,
        summary=art.summary,
        body=art.plain_text,  # read from the records file when it is kept there (util.shelf)
        entities=tuple((eid, entities[eid].name, entities[eid].type) for eid, _ in ents),
        facets=tuple(values),
        language=art.language or archive.site.language,
    )


def search_input(archive: Archive) -> SearchInput:
    """The search documents and their digests, made once per build for both indexes.

    A document's digest is its article's ``digest`` (title, date, source,
    summary, text) plus what the document adds from elsewhere: the source's
    display name, the entities' names and types, the taxonomies' values and
    names.  That is much cheaper than hashing every body again on every build.
    """
    docs, digests = [], []
    values = _facet_values(archive)
    for i, art in enumerate(archive.articles):
        if art.duplicate_of is not None:  # a marked copy: the original only
            continue
        doc = _make_doc(archive, i, values[i])
        docs.append(doc)
        digests.append(doc_digest(art.digest, doc))
    return SearchInput(docs, digests, facet_defs(archive))


class LazyDoc:
    """A search document made from its article when first read: :func:`search_input_edits` gives one per
    article, and an update of the index reads a few dozen of them (the edited ones, their bundles' neighbours).

    It pickles as the :class:`SearchDoc` it stands for; ``made()`` is that document.
    """

    __slots__ = ("_archive", "_doc", "_i", "_values", "id")

    def __init__(self, archive: Archive, i: int, values: list[list[tuple[str, str, str]]]) -> None:
        self.id = archive.articles[i].id
        self._archive, self._i, self._values = archive, i, values
        self._doc: SearchDoc | None = None

    def made(self) -> SearchDoc:
        if self._doc is None:
            self._doc = _make_doc(self._archive, self._i, self._values[self._i])
        return self._doc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # pickled as the document, byte for byte (pickle checks the class it names)
        return SearchDoc

    def __reduce_ex__(self, protocol: Any) -> Any:
        return self.made().__reduce_ex__(protocol)


def search_input_edits(archive: Archive, inputs: list[bytes], edited: list[int]) -> SearchInput | None:
    """:func:`search_input` after an edit that changed only the ``edited`` articles' texts (``merge.quiet_edits``),
    given the last build's document digests (``inputs``, the index state's ``copies.inputs``): those articles'
    digests computed again, every other one reused, and the documents made only when read (:class:`LazyDoc`).
    None when ``inputs`` cannot be the last build's (another number of documents).

    On Reuters: ~0.03 s instead of ~0.25 s for the 21,578 documents.
    """
    values = _facet_values(archive)
    docs: list[Any] = []
    at: dict[int, int] = {}
    wanted = set(edited)
    for i, art in enumerate(archive.articles):
        if art.duplicate_of is None:
            if i in wanted:
                at[i] = len(docs)
            docs.append(LazyDoc(archive, i, values))
    if len(docs) != len(inputs):
        return None
    digests = list(inputs)
    for i, n in at.items():
        digests[n] = doc_digest(archive.articles[i].digest, docs[n].made())
    return SearchInput(docs, digests, facet_defs(archive))


def doc_digest(article_digest: bytes, doc: SearchDoc) -> bytes:
    """A search document's digest: its article's, plus what the document takes from elsewhere (see search_input)."""
    extra = repr((doc.id, doc.url, doc.source, doc.entities, doc.facets)).encode("utf-8", "surrogatepass")
    if doc.language != "en":  # the analyser; English documents keep their digests
        extra += doc.language.encode()
    return hashlib.blake2b(article_digest + extra, digest_size=16).digest()


def browser_index(search: SearchInput, previous: Any, jobs: int = 1) -> tuple[Any, dict[str, bytes | None]]:
    """The browser index's files (site paths -> bytes, None = remove) and its new state (see generator.search.browser_index)."""
    from generator.search.browser_index import build_browser_index

    return build_browser_index(search.docs, previous, digests=search.digests, jobs=jobs, facets=search.facets)


def write_browser_index(writer: Writer, search: SearchInput, previous: Any, kept: list[str], jobs: int = 1) -> Any:
    """Apply the browser index to the site through ``writer``; returns the index's new state.

    ``kept`` lists the index's files from the previous build (in place, those
    not reported as changed stay as they are).
    """
    if not writer.in_place:
        previous = None
    state, files = browser_index(search, previous, jobs)
    apply_browser_index(writer, files, kept if previous is not None else [])
    return state


def apply_browser_index(writer: Writer, files: dict[str, bytes | None], kept: list[str]) -> None:
    """Claim the index's files in ``writer``: those of ``kept`` (the previous build's, when the index was updated
    from its state) as they are, then ``files`` (what :func:`browser_index` reported changed; None: removed).

    Split from :func:`write_browser_index` so that another process can compute the index while this one renders.
    """
    if writer.in_place:
        for rel in kept:
            writer.keep(rel, PRODUCER)
    for rel, data in sorted(files.items()):
        if not rel.startswith(SEARCH_PREFIX):
            raise ValueError(f"the search index may only write below {SEARCH_PREFIX}, not {rel!r}")
        writer.delete(rel)  # drops the claim kept from the previous build, if any
        if data is not None:
            writer.write(rel, data, PRODUCER)
