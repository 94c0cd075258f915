"""Full-text search: shared text analysis, the sharded browser index, whoosh."""

from dataclasses import dataclass


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
    source: str | None  # publication name
    summary: str  # plain text, may be ""
    body: str  # plain text, paragraphs separated by "\n\n"
    entities: tuple[tuple[str, str, str], ...]  # (entity id, display name, type)
    tags: tuple[tuple[str, str], ...] = ()  # (tag key, display name), key as in tag/<key>.html, for a Tags facet
    language: str = "en"  # BCP 47 tag of the text: chooses its analyser (search.languages)
