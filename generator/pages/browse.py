"""Taxonomy pages: one page per value (a tag, a source, an author, a desk...) and an A–Z of each taxonomy's values.

Every taxonomy site.yaml declares (tags, sources and authors by default) is
handled by the same code: nothing here names a tag or a source.  A value's
page lists its articles in reading order (dated newest first, then the
undated by title) with the entities they name most; an all-undated one
reads A–Z with letter jumps. Like every page family, these are pure
functions of the :class:`~generator.model.archive.Archive`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

from generator.inputs.content import TaxonomyDef
from generator.model import urls
from generator.model.archive import Archive, Article, Entity
from generator.model.taxonomies import Collection, letter
from generator.pages.pagination import letter_anchor, page_of, pages_for
from generator.pages.render import PageSpec, crumbs
from generator.util.text import key_of, plural


def _taxonomy(archive: Archive, kind: str) -> TaxonomyDef:
    t = archive.site.taxonomy(kind)
    if t is None:
        raise KeyError(f"no taxonomy '{kind}' in site.yaml")
    return t


def collection_keys(archive: Archive) -> list[Hashable]:
    """Keys of every page of every value of every taxonomy: (kind, key, page number)."""
    per = archive.site.per_page
    return [(kind, c.key, n) for kind, collections in archive.taxonomies.items() for c in collections.values()
            for n in range(1, pages_for(len(c.articles), per) + 1)]


def _most_named(archive: Archive, articles: Sequence[int]) -> list[tuple[Entity, int]]:
    """The entities named in most of ``articles``, with how many of them name each."""
    counts: Counter = Counter()
    for i in articles:
        counts.update(archive.articles[i].mention_counts.keys())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], archive.entities[kv[0]].name.lower(), kv[0]))
    return [(archive.entities[eid], n) for eid, n in ranked[: archive.site.top_entities]]


def collection_feed(archive: Archive, kind: str, c: Collection) -> tuple[str, str] | None:
    """(title, path) of one value's Atom feed (a tag's, a source's, an author's); none when none of its articles has a date."""
    return (f"{c.name} · {archive.site.title}", urls.collection_feed(kind, c.key)) if c.dated else None


def collection_page(archive: Archive, key: tuple[str, str, int]) -> PageSpec:
    """One page of one value's articles (a tag's, a source's, an author's, a desk's...)."""
    kind, ckey, number = key
    t = _taxonomy(archive, kind)
    c = archive.collections(kind)[ckey]
    arts = archive.articles
    order = "date" if c.dated == len(c.articles) else ("title" if c.dated == 0 else "mixed")
    listing = page_of(c.articles, number, archive.site.per_page, urls.collection(kind, c.key), order,
                      lambda i: arts[c.articles[i]].title, c.starts)
    listing["items"] = [arts[i] for i in listing["items"]]
    if listing["groups"]:
        listing["groups"] = [(g, anchor, [arts[i] for i in items]) for g, anchor, items in listing["groups"]]
    path = listing["pager"].path(number)
    named = _most_named(archive, c.articles) if number == 1 else []
    toc = [(2, "articles", "Articles")] + ([(2, "most-named", "Most named")] if named else [])
    return PageSpec(
        path, "collection.html", c.name if number == 1 else f"{c.name} (page {number})",
        context={"collection": c, "kind": kind, "kind_label": t.label, "index_path": t.index_path,
                 "total": len(c.articles), "named": named, **listing},
        breadcrumbs=crumbs((t.label, t.index_path), (c.name, path)),
        toc=toc,
        description=f"{c.name}: {plural(len(c.articles), 'article')} in {archive.site.title}",
        feed=collection_feed(archive, kind, c),
    )


def collection_index_keys(archive: Archive) -> list[Hashable]:
    """The taxonomies that have values: each has an A–Z page."""
    return [kind for kind, collections in archive.taxonomies.items() if collections]


def collection_index_page(archive: Archive, kind: str) -> PageSpec:
    """Every value of a taxonomy A–Z (every tag, every source...), with how many articles each has."""
    t = _taxonomy(archive, kind)
    items = sorted(archive.collections(kind).values(),
                   key=lambda c: (letter(c.name) == "#", letter(c.name), c.name.casefold(), c.key))
    groups: list[tuple[str, str, list[Collection]]] = []
    for c in items:
        g = letter(c.name)
        if not groups or groups[-1][0] != g:
            groups.append((g, letter_anchor(g), []))
        groups[-1][2].append(c)
    return PageSpec(
        t.index_path, "collection_index.html", f"{t.label} A–Z",
        context={"letters": groups, "kind": kind, "count": len(items)},
        breadcrumbs=crumbs((t.label, t.index_path)),
        toc=[(2, anchor, g) for g, anchor, _ in groups],
    )


def taxa_links(archive: Archive, art: Article) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Per taxonomy field the article has values for: (label, [(value as written, its page)]).

    A value is linked once even when spelt twice ("Taliban", "taliban").
    """
    out: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for t in archive.site.taxonomies:
        first: dict[str, str] = {}
        for v in art.values(t.field):
            first.setdefault(key_of(v), v)
        if first:
            out[t.field] = (t.label, [(v, urls.collection(t.kind, k)) for k, v in first.items()])
    return out
