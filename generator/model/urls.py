"""Where each page lives, site-root-relative, and relative links between pages.

Every page is an explicit ``.html`` file and every link is relative, so the
site works from ``file://`` (no directory-index magic there) and under any
base path on a server.
"""

from __future__ import annotations

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
    return f"articles/{article_id}.html"


def entity(entity_id: str) -> str:
    return f"entity/{entity_id}.html"


def entity_type(type_id: str) -> str:
    return f"entities/{type_id}.html"


def entity_feed(entity_id: str) -> str:
    return f"entity/{entity_id}.xml"


def tag(key: str) -> str:
    return f"tag/{key}.html"


def source(key: str) -> str:
    return f"source/{key}.html"


def collection(kind: str, key: str) -> str:
    """The page of a tag (``kind="tag"``) or a source (``"source"``)."""
    return f"{kind}/{key}.html"


def collection_feed(kind: str, key: str) -> str:
    return f"{kind}/{key}.xml"


def year(y: int) -> str:
    return f"archive/{y:04d}/index.html"


def month(y: int, m: int) -> str:
    return f"archive/{y:04d}/{m:02d}/index.html"


def page(slug: str) -> str:
    return f"pages/{slug}.html"


def paginated(first: str, number: int) -> str:
    """Page ``number`` (1-based) of a list whose first page is ``first``."""
    if number == 1:
        return first
    if first.endswith("/index.html"):
        return f"{first[: -len('index.html')]}page-{number}.html"
    return f"{first[: -len('.html')]}/page-{number}.html"


def root_of(path: str) -> str:
    """The relative prefix from the page at ``path`` to the site root."""
    depth = path.count("/")
    return "../" * depth if depth else "./"
