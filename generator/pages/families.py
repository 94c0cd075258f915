"""One generator per output family, each yielding page specs from the model.

Generators are pure: they read the :class:`~generator.model.archive.Archive` and yield
:class:`~generator.pages.render.PageSpec` objects; rendering and writing happen
elsewhere, so families can be rendered in any order or in parallel.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.model import taxonomies, urls
from generator.model.archive import Archive, Article, Entity, neighbours
from generator.model.taxonomies import letter
from generator.pages import jsonld
from generator.pages.browse import collection_index_keys, collection_index_page, collection_keys, collection_page, taxa_links
from generator.pages.fingerprints import Encoder, article_deps
from generator.pages.pagination import letter_anchor, page_of, pages_for
from generator.pages.render import PageSpec, body_html, crumbs, month_name
from generator.pages.svg import timeline
from generator.util.text import plural


def nav_data(archive: Archive) -> dict[str, Any]:
    """The left navigation, the same on every page.

    It holds no counts: a count here would change every page of the site
    whenever one article is added, and an incremental build would have to
    rewrite them all.  Counts live on the pages the links lead to.
    """
    years = {a.date.year for a in archive.articles if a.date}
    types = {e.type for e in archive.entities.values() if e.articles}
    return {
        "years": [(y, urls.year(y)) for y in sorted(years, reverse=True)],
        "undated": any(a.date is None for a in archive.articles),
        "types": [(t, label, urls.entity_type(t)) for t, label in archive.site.entity_types.items() if t in types],
        "pages": [(p.title, urls.page(p.slug)) for p in archive.pages],
        # Sections with nothing in them are left out; whether there is anything is
        # a yes/no, so adding an article does not change the navigation.
        "browse": [(t.label, t.index_path) for t in archive.site.taxonomies if archive.collections(t.kind)],
    }


def _latest(archive: Archive, count: int) -> list[Article]:
    """The newest dated articles (undated ones sort first, so this reads from the end)."""
    out = []
    for art in reversed(archive.articles):
        if art.date is None or len(out) >= count:
            break
        out.append(art)
    return out


def home(archive: Archive, _key: None = None) -> PageSpec:
    site = archive.site
    newest = _latest(archive, site.latest)
    top = sorted(
        (e for e in archive.entities.values() if e.articles),
        key=lambda e: (-len(e.articles), e.name.lower(), e.id),
    )[: site.top_entities]
    per_type = Counter(e.type for e in archive.entities.values() if e.articles)
    return PageSpec(
        urls.HOME, "home.html", site.title,
        context={
            "latest": newest,
            "top_entities": top,
            "article_count": len(archive.articles),
            "entity_count": sum(per_type.values()),
            "per_type": [(label, per_type[t], urls.entity_type(t)) for t, label in site.entity_types.items() if per_type[t]],
            "date_range": archive.date_range(),
            "undated_count": len(archive.by_month[1]),
            "taxonomies": [(t.label, len(archive.collections(t.kind)), t.index_path)
                           for t in site.taxonomies if archive.collections(t.kind)],
        },
        description=site.description,
        feed=(site.title, urls.FEED) if newest else None,
    )


def _grouped_entities(archive: Archive, art: Article) -> list[tuple[str, list[tuple[Entity, int]]]]:
    groups: dict[str, list[tuple[Entity, int]]] = defaultdict(list)
    for eid, count in art.mention_counts.items():
        ent = archive.entities[eid]
        groups[ent.type].append((ent, count))
    out = []
    for t, label in archive.site.entity_types.items():
        if t in groups:
            out.append((label, sorted(groups[t], key=lambda ec: (-ec[1], ec[0].name.lower(), ec[0].id))))
    return out


def _taxa_context(archive: Archive, art: Article) -> dict[str, Any]:
    """Where the article page shows each taxonomy: the source in the date line, authors as its byline, tags as
    chips, any other (a desk, a region) on a line of its own."""
    taxa = taxa_links(archive, art)
    source = taxa.pop("source", None)
    authors = taxa.pop("authors", None)
    tags = taxa.pop("tags", None)
    return {
        "source_page": source[1][0][1] if source else None,
        "byline": authors[1] if authors else [(a, None) for a in art.authors],
        "tags": tags[1] if tags else [],
        "tags_label": tags[0] if tags else "Tags",
        "other_taxa": list(taxa.values()),
    }


def article_page(archive: Archive, i: int) -> PageSpec:
    arts = archive.articles
    art = arts[i]
    path = art.url
    body, toc = body_html(art, urls.root_of(path))
    trail = [("Archive", urls.ARCHIVE)]
    if art.date:
        trail += [(str(art.date.year), urls.year(art.date.year)),
                   (month_name(art.date.month), urls.month(art.date.year, art.date.month))]
    else:
        trail.append(("Undated", urls.UNDATED))
    prev, nxt = neighbours(archive, art)
    return PageSpec(
        path, "article.html", art.title,
        context={
            "article": art,
            "body": body,
            "groups": _grouped_entities(archive, art),
            "related": [arts[j] for j in art.related],
            "original": arts[art.original] if art.original is not None else None,
            **_taxa_context(archive, art),
            "jsonld": jsonld.news_article(archive, art),
        },
        breadcrumbs=crumbs(*trail, (art.title, path)),
        toc=toc,
        prev=(prev.title, prev.url) if prev else None,
        next=(nxt.title, nxt.url) if nxt else None,
        description=art.summary or art.lead[:200],
    )


def entity_keys(archive: Archive) -> list[Hashable]:
    per = archive.site.per_page
    return [(e.id, n) for e in archive.entities.values() for n in range(1, pages_for(len(e.articles), per) + 1)]


def _entity_listing(archive: Archive, ent: Entity, number: int) -> dict[str, Any]:
    """One page of an entity's articles, with its snippets, in reading order."""
    arts, per = archive.articles, archive.site.per_page
    if ent.reading is None:  # all dated: newest first, read backwards, without copying a long list per page
        total = len(ent.articles)
        hi = total - (number - 1) * per
        chunk = ent.articles[max(0, hi - per):hi][::-1]
        listing = page_of(range(total), number, per, ent.url, "date")
        listing["items"] = chunk
    else:
        order = "title" if ent.dated == 0 else "mixed"
        listing = page_of(ent.reading, number, per, ent.url, order,
                          lambda i: arts[ent.reading[i]].title, _starts(arts, ent.reading) if order == "title" else ())
    eid = ent.id
    pairs = {i: (arts[i], arts[i].snippets[eid]) for i in listing["items"]}
    listing["items"] = [pairs[i] for i in listing["items"]]
    if listing["groups"]:
        listing["groups"] = [(g, anchor, [pairs[i] for i in items]) for g, anchor, items in listing["groups"]]
    return listing


def _starts(arts: Sequence[Article], order: Sequence[int]) -> tuple[tuple[str, int], ...]:
    return taxonomies.letter_starts(arts[i].title for i in order)


def entity_page(archive: Archive, key: tuple[str, int]) -> PageSpec:
    eid, number = key
    site = archive.site
    ent = archive.entities[eid]
    label = site.entity_types[ent.type]
    listing = _entity_listing(archive, ent, number)
    pager = listing["pager"]
    path = pager.path(number)
    together, chart = [], Markup("")
    toc: list[tuple[int, str, str]] = []
    if number == 1:
        together = [
            (archive.entities[other], n)
            for other, n in sorted(ent.together.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        ]
        chart = timeline(ent.months, f"Articles naming {ent.name} per month")
        if chart:
            toc.append((2, "timeline", "Timeline"))
        toc.append((2, "articles", "Articles"))
        if together:
            toc.append((2, "together", "Named alongside"))
    return PageSpec(
        path, "entity.html", ent.name if number == 1 else f"{ent.name} (page {number})",
        context={
            "entity": ent,
            "type_label": label,
            **listing,
            "together": together,
            "chart": chart,
        },
        breadcrumbs=crumbs(("Entities", urls.ENTITIES), (label, urls.entity_type(ent.type)), (ent.name, path)),
        toc=toc,
        prev=(f"page {number - 1}", pager.prev) if pager.prev else None,
        next=(f"page {number + 1}", pager.next) if pager.next else None,
        description=f"{ent.name}: {plural(len(ent.articles), 'article')} in {site.title}",
        feed=_entity_feed(archive, ent),
    )


def _entity_feed(archive: Archive, ent: Entity) -> tuple[str, str] | None:
    """(title, path) of an entity's Atom feed; none when no article naming it has a date."""
    if not ent.articles or archive.articles[ent.articles[-1]].date is None:  # undated sort first
        return None
    return (f"{ent.name} · {archive.site.title}", urls.entity_feed(ent.id))


def _az(ents: list[Entity]) -> list[tuple[str, str, list[Entity]]]:
    """(letter, anchor, entities) groups, letters in order, '#' last."""
    groups: dict[str, list[Entity]] = defaultdict(list)
    for e in sorted(ents, key=lambda e: (e.name.lower(), e.id)):
        groups[letter(e.name)].append(e)
    return [(k, letter_anchor(k), v) for k, v in sorted(groups.items(), key=lambda kv: (kv[0] == "#", kv[0]))]


def _types(archive: Archive) -> tuple[dict[str, list[Entity]], list[tuple[str, str, int, str]]]:
    by_type: dict[str, list[Entity]] = defaultdict(list)
    for e in archive.entities.values():
        by_type[e.type].append(e)
    types = [(t, label, len(by_type[t]), urls.entity_type(t)) for t, label in archive.site.entity_types.items() if by_type[t]]
    return by_type, types


def entity_index_keys(archive: Archive) -> list[Hashable]:
    _, types = _types(archive)
    return [None] + [t for t, *_ in types]


def entity_index_page(archive: Archive, type_id: str | None) -> PageSpec:
    by_type, types = _types(archive)
    if type_id is None:
        letters = _az(list(archive.entities.values()))
        path, title, trail = urls.ENTITIES, "Entities A–Z", [("Entities", urls.ENTITIES)]
    else:
        label = archive.site.entity_types[type_id]
        letters = _az(by_type[type_id])
        path = urls.entity_type(type_id)
        title, trail = f"{label} A–Z", [("Entities", urls.ENTITIES), (label, path)]
    return PageSpec(
        path, "entity_index.html", title,
        context={"letters": letters, "types": types, "show_type": type_id is None, "current_type": type_id,
                 "type_labels": list(archive.site.entity_types.values())},
        breadcrumbs=crumbs(*trail),
        toc=[(2, anchor, k) for k, anchor, _ in letters],
    )


def archive_keys(archive: Archive) -> list[Hashable]:
    per = archive.site.per_page
    by_month, undated = archive.by_month
    keys: list[Hashable] = [("index",)]
    keys += [("year", y) for y in sorted(by_month, reverse=True)]
    for y in sorted(by_month):
        for m in sorted(by_month[y]):
            keys += [("month", y, m, n) for n in range(1, pages_for(len(by_month[y][m]), per) + 1)]
    if undated:
        keys += [("undated", n) for n in range(1, pages_for(len(undated), per) + 1)]
    return keys


def archive_page(archive: Archive, key: tuple) -> PageSpec:
    """One date-archive page (index, year, a page of a month, or of the undated)."""
    site = archive.site
    by_month, undated = archive.by_month
    years = sorted(by_month, reverse=True)
    kind = key[0]
    if kind == "index":
        return PageSpec(
            urls.ARCHIVE, "archive_index.html", "Archive by date",
            context={
                "years": [(y, sum(len(v) for v in by_month[y].values()),
                           [(m, len(by_month[y][m]), urls.month(y, m)) for m in sorted(by_month[y])]) for y in years],
                "undated": len(undated),
                "total": len(archive.articles),
            },
            breadcrumbs=crumbs(("Archive", urls.ARCHIVE)),
        )
    if kind == "year":
        y = key[1]
        i = years.index(y)
        months = by_month[y]
        newer = years[i - 1] if i > 0 else None
        older = years[i + 1] if i + 1 < len(years) else None
        return PageSpec(
            urls.year(y), "archive_year.html", f"{y}",
            context={
                "year": y,
                "months": [(m, months[m], urls.month(y, m)) for m in sorted(months)],
                "total": sum(len(v) for v in months.values()),
            },
            breadcrumbs=crumbs(("Archive", urls.ARCHIVE), (str(y), urls.year(y))),
            toc=[(2, f"m{m:02d}", month_name(m)) for m in sorted(months)],
            prev=(str(older), urls.year(older)) if older else None,
            next=(str(newer), urls.year(newer)) if newer else None,
        )
    if kind == "month":
        _, y, m, number = key
        month_keys = [(yy, mm) for yy in sorted(by_month) for mm in sorted(by_month[yy])]
        i = month_keys.index((y, m))
        items = by_month[y][m][::-1]
        prev_key = month_keys[i - 1] if i > 0 else None
        next_key = month_keys[i + 1] if i + 1 < len(month_keys) else None
        listing = page_of(items, number, site.per_page, urls.month(y, m), "date")
        path = listing["pager"].path(number)
        name = f"{month_name(m)} {y}"
        return PageSpec(
            path, "archive_list.html", name if number == 1 else f"{name} (page {number})",
            context={**listing, "total": len(items), "undated_list": False},
            breadcrumbs=crumbs(("Archive", urls.ARCHIVE), (str(y), urls.year(y)), (month_name(m), path)),
            prev=(f"{month_name(prev_key[1])} {prev_key[0]}", urls.month(*prev_key)) if prev_key else None,
            next=(f"{month_name(next_key[1])} {next_key[0]}", urls.month(*next_key)) if next_key else None,
        )
    number = key[1]
    by_title = archive.undated_by_title
    listing = page_of(by_title, number, site.per_page, urls.UNDATED, "title",
                      lambda i: by_title[i].title, archive.undated_starts)
    path = listing["pager"].path(number)
    return PageSpec(
        path, "archive_list.html", "Undated articles" if number == 1 else f"Undated articles (page {number})",
        context={**listing, "total": len(undated), "undated_list": True},
        breadcrumbs=crumbs(("Archive", urls.ARCHIVE), ("Undated", path)),
        toc=[(2, anchor, g) for g, anchor, _ in listing["groups"]],
    )


def free_page(archive: Archive, i: int) -> PageSpec:
    p = archive.pages[i]
    return PageSpec(
        urls.page(p.slug), "page.html", p.title,
        context={"html": p.html},
        breadcrumbs=crumbs((p.title, urls.page(p.slug))),
        toc=list(p.toc),
    )


def special_page(archive: Archive, key: str) -> PageSpec:
    if key == "search":
        return PageSpec(urls.SEARCH, "search.html", "Search", breadcrumbs=crumbs(("Search", urls.SEARCH)))
    # A server shows 404.html for any missing path, at any depth, where its relative
    # links would break; opened from disk, only relative links work. So the links stay
    # relative and a script loaded from the site's root (base_url's path, or /) sets
    # the page's <base> when a server shows it (see assets/notfound.js).
    base = archive.site.base_url
    site_root = "/" + base.split("://", 1)[1].partition("/")[2] if base else "/"
    return PageSpec(urls.NOT_FOUND, "404.html", "Page not found", context={"site_root": site_root})


def _by_key(_archive: Archive, key: Any) -> str:
    return repr(key)


def _article_id(archive: Archive, i: int) -> str:
    """Article pages are keyed by position but known by id: an article inserted earlier in date order must not
    make every later page look new."""
    return archive.articles[i].id


@dataclass(frozen=True)
class Family:
    """One output family: cheap, picklable keys, a pure function from key to page, and what a page is made from.

    Keys let the renderer split the work across processes without sending
    the model (which workers already hold) — only keys travel.  Everything
    the incremental build needs to know of a family is here too:
    ``identity`` says what a page is across builds (by default its key), and
    ``fingerprint`` digests what the page is made from without building its
    spec (by default the spec itself is fingerprinted; see
    :mod:`generator.pages.fingerprints`).
    """

    name: str
    keys: Callable[[Archive], list[Hashable]]
    page: Callable[[Archive, Any], PageSpec]
    identity: Callable[[Archive, Any], str] = _by_key
    fingerprint: Callable[[Archive, Any, Encoder], bytes] | None = None
    # One page per article, keyed by its position: the only page an edit of an article's own page content
    # (its body, not what lists show of it) changes (see generator.incremental.merge).
    per_article: bool = False


FAMILIES = (
    Family("home", lambda a: [None], home),
    Family("articles", lambda a: list(range(len(a.articles))), article_page, _article_id, article_deps, per_article=True),
    Family("entities", entity_keys, entity_page),
    Family("entity indexes", entity_index_keys, entity_index_page),
    Family("date archive", archive_keys, archive_page),
    Family("taxonomies", collection_keys, collection_page),
    Family("taxonomy indexes", collection_index_keys, collection_index_page),
    Family("pages", lambda a: list(range(len(a.pages))), free_page),
    Family("special", lambda a: ["search", "404"], special_page),
)

