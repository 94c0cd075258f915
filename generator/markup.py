"""Markdown for entity descriptions and free pages, sanitised.

Markdown allows raw HTML; archivists paste from the web. Everything rendered
goes through nh3 (the Ammonia sanitiser) with an allow-list, so ``<script>``,
event handlers and ``javascript:`` links never reach a page.
"""

from __future__ import annotations

import html as html_lib

import markdown
import nh3

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


def sanitize(html: str) -> str:
    """Allow-list sanitising: unknown tags dropped, only http(s)/mailto/relative links."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Markdown to safe HTML, plus the table of contents as (level, id, text).

    Headings start at ``h2`` because the page title is the ``h1``.
    """
    if not text.strip():
        return "", []
    md = markdown.Markdown(extensions=["toc", "tables", "fenced_code", "sane_lists"],
                           extension_configs={"toc": {"baselevel": 2, "permalink": False}})
    html = md.convert(text)
    toc: list[tuple[int, str, str]] = []

    def walk(tokens: list[dict]) -> None:
        for tok in tokens:
            toc.append((tok["level"], tok["id"], html_lib.unescape(tok["name"])))
            walk(tok.get("children", []))

    walk(getattr(md, "toc_tokens", []))
    return sanitize(html), toc
