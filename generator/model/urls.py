"""Where each page lives, site-root-relative, and relative links between pages.

Every page is an explicit ``.html`` file and every link is relative, so the
site works from ``file://`` (no directory-index magic there) and under any
base path on a server.

A page's address is a function of its id or key alone: an article's of its id
(never its date or title, so a correction does not move it), an entity's of
its id, a taxonomy value's of its kind and key.  Folders that grow with the
archive spread their pages over hash buckets (``articles/<bucket>/<id>.html``,
:func:`generator.util.folders.spread`) and long lists group their pages by the
thousand, so no folder holds more than ``folders.MAX_ENTRIES`` entries.
"""

from __future__ import annotations

from generator.util.folders import group_of, spread

HOME = "index.html"
ENTITIES = "entities/index.html"
ARCHIVE = "archive/index.html"
UNDATED = "archive/undated/index.html"
TAGS = "tags/index.html"
SOURCES = "sources/index.html"
FEED = "feed.xml"
SEARCH = "search/index.html"
NOT_FOUND = "404.html"


def article(article_id: str) -> str:
    return spread("articles", article_id, ".html")


def entity(entity_id: str) -> str:
    return spread("entity", entity_id, ".html")


def entity_type(type_id: str) -> str:
    return f"entities/{type_id}.html"


def entity_feed(entity_id: str) -> str:
    return spread("entity", entity_id, ".xml")


def tag(key: str) -> str:
    return collection("tag", key)


def source(key: str) -> str:
    return collection("source", key)


def collection(kind: str, key: str) -> str:
    """The page of a taxonomy value: a tag (``kind="tag"``), a source (``"source"``), an author..."""
    return spread(kind, key, ".html")


def collection_feed(kind: str, key: str) -> str:
    return spread(kind, key, ".xml")


def year(y: int) -> str:
    return f"archive/{y:04d}/index.html"


def month(y: int, m: int) -> str:
    return f"archive/{y:04d}/{m:02d}/index.html"


def page(slug: str) -> str:
    return f"pages/{slug}.html"


def paginated(first: str, number: int) -> str:
    """Page ``number`` (1-based) of a list whose first page is ``first``.

    Pages 2-999 sit in the list's folder (``entity/<b>/<id>/page-2.html``),
    later ones in a folder per thousand (``…/<id>/pages-1000/page-1234.html``),
    so a source holding a million articles still has small folders.
    """
    if number == 1:
        return first
    folder = first[: -len("index.html")] if first.endswith("/index.html") else f"{first[: -len('.html')]}/"
    return f"{folder}{group_of(number)}page-{number}.html"


def root_of(path: str) -> str:
    """The relative prefix from the page at ``path`` to the site root."""
    depth = path.count("/")
    return "../" * depth if depth else "./"
