"""Turning page specs into HTML with Jinja2.

Templates inherit from ``base.html``; the few things that are easier in
Python than in a template (article bodies with linked mentions, dates in
words) live here as plain functions and filters.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator.inputs.markup import RESERVED_IDS
from generator.model import urls
from generator.model.archive import Article
from generator.model.mentions import Mention
from generator.search.languages import direction
from generator.util.text import plural, slugify


def crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """A page's breadcrumbs: Home, then ``(title, path)`` pairs down to the page."""
    return [("Home", urls.HOME), *pairs]


@dataclass
class PageSpec:
    """One output page before rendering: where it goes, which template, what data."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, path); last is current
    toc: list[tuple[int, str, str]] = field(default_factory=list)  # (level, anchor, text)
    prev: tuple[str, str] | None = None  # (title, path)
    next: tuple[str, str] | None = None
    description: str = ""
    root: str | None = None  # override the relative root (404.html is served at any depth)
    feed: tuple[str, str] | None = None  # (title, path) of the Atom feed that follows this page


@functools.lru_cache(maxsize=1 << 14)
def format_date(value: dt.date | None, style: str = "long") -> str:
    """A date in words (or ``iso``, ``month``); remembered, as lists show each date many times (~435k on Reuters)."""
    if value is None:
        return "Undated"
    if style == "iso":
        return value.isoformat()
    if style == "month":
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


@functools.lru_cache(maxsize=16)
def month_name(number: int) -> str:
    return dt.date(2000, number, 1).strftime("%B")


@jinja2.pass_context
def href(ctx: jinja2.runtime.Context, target: str) -> str:
    """A site-root-relative path made relative to the page being rendered."""
    return ctx["root"] + target


def body_html(article: Article, root: str) -> tuple[Markup, list[tuple[int, str, str]]]:
    """The article body as HTML, mentions linked, plus its table of contents."""
    parts: list[str] = []
    toc: list[tuple[int, str, str]] = []
    used: set[str] = set(RESERVED_IDS)
    blocks, found = article.parts()
    for block, mentions in zip(blocks, found, strict=True):
        if block.kind == "h":
            anchor = slugify(block.text) or "section"
            base, n = anchor, 2
            while anchor in used:
                anchor, n = f"{base}-{n}", n + 1
            used.add(anchor)
            toc.append((2, anchor, block.text))
            parts.append(f'<h2 id="{anchor}">{_linked(block.text, mentions, root)}</h2>')
            continue
        parts.append(f"<p>{_linked(block.text, mentions, root)}</p>")
    return Markup("\n".join(parts)), toc


def _linked(text: str, mentions: tuple[Mention, ...], root: str) -> str:
    """``text`` escaped, each mention a link to its entity: in sub-headings too, so every mention an
    entity page counts is one the reader can see and follow."""
    pos, out = 0, []
    for m in mentions:
        out.append(str(escape(text[pos:m.start])))
        out.append(f'<a class="mention" href="{root}{urls.entity(m.entity_id)}">{escape(text[m.start:m.end])}</a>')
        pos = m.end
    out.append(str(escape(text[pos:])))
    return "".join(out)


def make_env(template_dir: Path, bytecode: Path | None = None) -> jinja2.Environment:
    """The Jinja environment; ``bytecode`` is a folder where compiled templates are kept between builds.

    Compiling the templates costs about 0.1 s, a tenth of a one-page rebuild;
    Jinja checks each kept template against its source's checksum.
    """
    cache = None
    if bytecode is not None:
        bytecode.mkdir(parents=True, exist_ok=True)
        cache = jinja2.FileSystemBytecodeCache(str(bytecode))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        bytecode_cache=cache,
        auto_reload=False,  # a build's templates do not change under it: no stat of each template for every page
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = href
    env.filters["date"] = format_date
    env.filters["month_name"] = month_name
    env.filters["plural"] = plural  # {{ n|plural("article") }} -> "1 article", "2 articles"
    env.filters["direction"] = direction  # {{ "ar"|direction }} -> "rtl"
    env.globals["urls"] = urls
    return env


def render(env: jinja2.Environment, spec: PageSpec, common: dict[str, Any]) -> str:
    root = spec.root or urls.root_of(spec.path)
    template = env.get_template(spec.template)
    return template.render(**common, **spec.context, page=spec, root=root)
