"""Full-text search: shared text analysis, the sharded browser index, whoosh."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SearchDoc:
    """What the search index knows of one article.

    Kept separate from the page model so the indexer can be fed from a stream
    of articles without holding rendered pages.
    """

    id: str  # article id: the seed file name without .txt (slugified)
    url: str  # site-root-relative URL, e.g. "articles/1f/123.html"
    title: str
    date: str | None  # "YYYY-MM-DD" or None for undated articles
    source: str | None  # publication name, as a result shows it
    summary: str  # plain text, may be ""
    # Plain text, paragraphs separated by "\n\n"; or a StoredText of the build cache's records file, read where it
    # is used (util.shelf.as_text): a million documents then do not hold a million bodies.
    body: Any
    entities: tuple[tuple[str, str, str], ...]  # (entity id, display name, type)
    # Values of the facets the search page offers besides entities (FacetDef.kind, value key, display name):
    # ("tag", "taliban", "Taliban"), ("source", "bbc-news", "BBC News"), ("desk", "world", "World").
    facets: tuple[tuple[str, str, str], ...] = ()
    copies: int = 1  # how many identical articles this one stands for (set by the index: duplicates.collapse)
    language: str = "en"  # BCP 47 tag of the text: chooses its analyser (search.languages)


@dataclass(frozen=True)
class FacetDef:
    """A group of values the search page filters and counts by, generically: one code path for every one.

    A taxonomy of ``site.yaml`` (tags, sources, authors, a desk) is one, its
    values in ``SearchDoc.facets`` under ``kind``; an entity type is one too
    (``entity=True``), its values the documents' entities of that type.  Any
    other value list needs only a ``FacetDef`` and the values; the documents'
    languages are one too (``language=True``: the values come from ``SearchDoc.language``).
    The order of the ``FacetDef`` list is the order of the groups on the page.
    """

    kind: str  # "tag", "desk"; an entity type ("person") when entity is True; "lang" for the languages
    label: str  # the group's heading, plural: "Tags", "People"
    entity: bool = False
    # The documents' languages as values (``SearchDoc.language``, by the analyser it chooses: "pt-BR" is "pt"),
    # each named in its own language ("Français"); the group is offered only when there are two or more.
    # Its URL parameter is its kind ("lang=fr"), which no taxonomy takes (layout.RESERVED_PARAMS).
    language: bool = False
