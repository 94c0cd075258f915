"""Tag and source pages: each tag's (source's) articles, and the A–Z lists of all of them.

A tag or source page lists its articles in reading order (dated newest first,
then the undated by title) with the entities they name most; an all-undated
one reads A–Z with letter jumps. Like every page family, these are pure
functions of the :class:`~generator.model.archive.Archive`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence

from generator.model import urls
from generator.model.archive import Archive, Entity
from generator.model.taxonomies import Collection, letter
from generator.pages.pagination import letter_anchor, page_of, pages_for
from generator.pages.render import PageSpec
from generator.util.text import plural

KINDS = {"tag": ("Tags", urls.TAGS), "source": ("Sources", urls.SOURCES)}  # collection kind -> (label, index)


def _crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", urls.HOME), *pairs]


def _collections(archive: Archive, kind: str) -> dict[str, Collection]:
    return archive.tags if kind == "tag" else archive.sources


def collection_keys(kind: str) -> Callable[[Archive], list[Hashable]]:
    """Keys of every page of every tag (or source): (key, page number)."""
    def keys(archive: Archive) -> list[Hashable]:
        per = archive.site.per_page
        return [(c.key, n) for c in _collections(archive, kind).values() for n in range(1, pages_for(len(c.articles), per) + 1)]
    return keys


def _most_named(archive: Archive, articles: Sequence[int]) -> list[tuple[Entity, int]]:
    """The entities named in most of ``articles``, with how many of them name each."""
    counts: Counter = Counter()
    for i in articles:
        counts.update(archive.articles[i].mention_counts.keys())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], archive.entities[kv[0]].name.lower(), kv[0]))
    return [(archive.entities[eid], n) for eid, n in ranked[: archive.site.top_entities]]


def collection_feed(archive: Archive, kind: str, c: Collection) -> tuple[str, str] | None:
    """(title, path) of a tag's or source's Atom feed; none when none of its articles has a date."""
    return (f"{c.name} · {archive.site.title}", urls.collection_feed(kind, c.key)) if c.dated else None


def collection_page(kind: str) -> Callable[[Archive, tuple[str, int]], PageSpec]:
    """Page function of the tags (or sources) family: one page of one tag's articles."""
    def page(archive: Archive, key: tuple[str, int]) -> PageSpec:
        ckey, number = key
        c = _collections(archive, kind)[ckey]
        arts = archive.articles
        order = "date" if c.dated == len(c.articles) else ("title" if c.dated == 0 else "mixed")
        listing = page_of(c.articles, number, archive.site.per_page, urls.collection(kind, c.key), order,
                          lambda i: arts[c.articles[i]].title, c.starts)
        listing["items"] = [arts[i] for i in listing["items"]]
        if listing["groups"]:
            listing["groups"] = [(g, anchor, [arts[i] for i in items]) for g, anchor, items in listing["groups"]]
        path = listing["pager"].path(number)
        label, index = KINDS[kind]
        named = _most_named(archive, c.articles) if number == 1 else []
        toc = [(2, "articles", "Articles")] + ([(2, "most-named", "Most named")] if named else [])
        return PageSpec(
            path, "collection.html", c.name if number == 1 else f"{c.name} (page {number})",
            context={"collection": c, "kind": kind, "kind_label": label, "index_path": index,
                     "total": len(c.articles), "named": named, **listing},
            breadcrumbs=_crumbs((label, index), (c.name, path)),
            toc=toc,
            description=f"{c.name}: {plural(len(c.articles), 'article')} in {archive.site.title}",
            feed=collection_feed(archive, kind, c),
        )
    return page


def collection_index_keys(kind: str) -> Callable[[Archive], list[Hashable]]:
    return lambda archive: [kind] if _collections(archive, kind) else []


def collection_index_page(archive: Archive, kind: str) -> PageSpec:
    """Every tag (or source) A–Z, with how many articles each has."""
    label, index = KINDS[kind]
    items = sorted(_collections(archive, kind).values(), key=lambda c: (letter(c.name) == "#", letter(c.name), c.name.casefold(), c.key))
    groups: list[tuple[str, str, list[Collection]]] = []
    for c in items:
        g = letter(c.name)
        if not groups or groups[-1][0] != g:
            groups.append((g, letter_anchor(g), []))
        groups[-1][2].append(c)
    return PageSpec(
        index, "collection_index.html", f"{label} A–Z",
        context={"letters": groups, "kind": kind, "count": len(items)},
        breadcrumbs=_crumbs((label, index)),
        toc=[(2, anchor, g) for g, anchor, _ in groups],
    )
