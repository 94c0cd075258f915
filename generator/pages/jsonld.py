"""schema.org ``NewsArticle`` data for article pages, as JSON-LD.

It goes into ``<script type="application/ld+json">``: a data block, not a
script, so a Content-Security-Policy without inline scripts allows it. The
JSON is written so it can never end the element early (``<``, ``>`` and
``&`` are escaped as ``\\u003c`` …), whatever an article's text holds.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from generator.model.archive import Archive, Article, Entity

SCHEMA_TYPES = {"person": "Person", "organisation": "Organization", "place": "Place", "event": "Event"}  # others: Thing


def _absolute(archive: Archive, path: str) -> str | None:
    base = archive.site.base_url
    return base + path if base else None


def entity_node(archive: Archive, ent: Entity) -> dict[str, Any]:
    """An entity as a schema.org thing: its type, name, Wikidata ``sameAs`` and page."""
    node: dict[str, Any] = {"@type": SCHEMA_TYPES.get(ent.type, "Thing"), "name": ent.name}
    if ent.defn.aliases:
        node["alternateName"] = list(ent.defn.aliases)
    if ent.defn.wikidata:
        node["sameAs"] = f"https://www.wikidata.org/wiki/{ent.defn.wikidata}"
    url = _absolute(archive, ent.url)
    if url:
        node["url"] = url
    return node


def news_article(archive: Archive, art: Article) -> Markup:
    """The JSON-LD of one article: ``about`` the entities its metadata declares, ``mentions`` the others it names."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art.title,
        "inLanguage": archive.site.language,
        "wordCount": art.word_count,
        "isPartOf": {"@type": "WebSite", "name": archive.site.title},
    }
    url = _absolute(archive, art.url)
    if url:
        data["url"] = data["mainEntityOfPage"] = url
        data["isPartOf"]["url"] = archive.site.base_url
    if art.date:
        data["datePublished"] = art.date.isoformat()
    if art.summary:
        data["description"] = art.summary
    if art.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in art.authors]
    if art.source_name:
        publisher: dict[str, Any] = {"@type": "Organization", "name": art.source_name}
        src = archive.site.sources.get(art.source_id or "")
        if src and src.url:
            publisher["url"] = src.url
        data["publisher"] = publisher
    if art.source_url:
        data["isBasedOn"] = art.source_url
    if art.tags:
        data["keywords"] = list(dict.fromkeys(art.tags))
    declared = set(art.declared)
    about = [entity_node(archive, archive.entities[e]) for e in art.declared]
    mentions = [entity_node(archive, archive.entities[e]) for e in art.mention_counts if e not in declared]
    if about:
        data["about"] = about
    if mentions:
        data["mentions"] = mentions
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))

