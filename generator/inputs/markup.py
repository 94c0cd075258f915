"""Markdown for entity descriptions and free pages, sanitised.

Markdown allows raw HTML; archivists paste from the web. Everything rendered
goes through nh3 (the Ammonia sanitiser) with an allow-list, so ``<script>``,
event handlers and ``javascript:`` links never reach a page.
"""

from __future__ import annotations

import html as html_lib
import re

import markdown
import nh3
from markdown.extensions.toc import slugify as toc_slugify

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}
_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "td": {"align"}, "th": {"align"},
    "abbr": {"title"},
}


_REL_WITHOUT_HREF = re.compile(r'<a((?:(?!\shref=)[^>])*?) rel="noopener noreferrer"((?:(?!\shref=)[^>])*)>')


# ids the page layout uses (base.html, the search box, page sections): a content
# heading must not take one, or "On this page" would jump to the navigation.
RESERVED_IDS = frozenset({
    "main", "sidebar", "toc-heading", "named-heading", "related-heading", "timeline", "articles",
    "together", "latest", "most-named", "build-error",
    "as-q", "as-list", "as-status", "as-page-q", "as-results", "as-help", "as-page-status",
})


def heading_id(value: str, separator: str = "-") -> str:
    """Markdown's heading slug, moved aside when it would clash with a layout id."""
    slug = toc_slugify(value, separator)
    return f"{slug}-section" if slug in RESERVED_IDS or slug.startswith("letter-") else slug


def sanitize(html: str) -> str:
    """Allow-list sanitising: unknown tags dropped, only http(s)/mailto/relative links."""
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # nh3 drops a refused href (javascript:) but still adds rel, and an <a>
    # without href must not have rel (HTML spec): keep it as a plain <a>.
    return _REL_WITHOUT_HREF.sub(r"<a\1\2>", clean)


def render_markdown(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Markdown to safe HTML, plus the table of contents as (level, id, text).

    Headings start at ``h2`` because the page title is the ``h1``.
    """
    if not text.strip():
        return "", []
    def convert(baselevel: int) -> markdown.Markdown:
        md = markdown.Markdown(extensions=["toc", "tables", "fenced_code", "sane_lists"],
                               extension_configs={"toc": {"baselevel": baselevel, "permalink": False, "slugify": heading_id}})
        md.html = md.convert(text)
        return md

    # Shift only when the text uses '#' (h1): '## Sources' stays an h2 rather
    # than becoming an h3 that skips a level after the page's h1.
    md = convert(1)
    if _uses_h1(getattr(md, "toc_tokens", [])):
        md = convert(2)
    html = md.html
    toc: list[tuple[int, str, str]] = []

    def walk(tokens: list[dict]) -> None:
        for tok in tokens:
            toc.append((tok["level"], tok["id"], html_lib.unescape(tok["name"])))
            walk(tok.get("children", []))

    walk(getattr(md, "toc_tokens", []))
    return sanitize(html), toc


def _uses_h1(tokens: list[dict]) -> bool:
    return any(tok["level"] == 1 or _uses_h1(tok.get("children", [])) for tok in tokens)
