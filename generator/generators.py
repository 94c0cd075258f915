"""One generator per output family, each yielding page specs from the model.

Generators are pure: they read the :class:`~generator.model.Archive` and yield
:class:`~generator.render.PageSpec` objects; rendering and writing happen
elsewhere, so families can be rendered in any order or in parallel.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator import urls
from generator.model import Archive, Article, Entity
from generator.render import PageSpec, body_html, month_name
from generator.svg import timeline
from generator.textutil import slugify


@dataclass(frozen=True)
class Pager:
    """Where a page sits in a paginated list."""

    number: int
    total: int
    first_path: str

    def path(self, number: int) -> str:
        return urls.paginated(self.first_path, number)

    @property
    def prev(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.total else None

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to show, with None for a gap: 1 … 4 5 6 … 20."""
        keep = {1, self.total, self.number - 1, self.number, self.number + 1}
        out: list[int | None] = []
        for n in range(1, self.total + 1):
            if n in keep:
                out.append(n)
            elif out and out[-1] is not None:
                out.append(None)
        return out


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
    }


def _crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", urls.HOME), *pairs]


def home(archive: Archive, _key: None = None) -> PageSpec:
    site = archive.site
    newest = list(reversed(archive.articles))[: site.latest]
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
            "source_count": len({a.source for a in archive.articles if a.source}),
        },
        description=site.description,
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


def article_page(archive: Archive, i: int) -> PageSpec:
    arts = archive.articles
    art = arts[i]
    path = art.url
    body, toc = body_html(art, urls.root_of(path))
    crumbs = [("Archive", urls.ARCHIVE)]
    if art.date:
        crumbs += [(str(art.date.year), urls.year(art.date.year)),
                   (month_name(art.date.month), urls.month(art.date.year, art.date.month))]
    else:
        crumbs.append(("Undated", urls.UNDATED))
    prev = arts[i - 1] if i > 0 else None
    nxt = arts[i + 1] if i + 1 < len(arts) else None
    return PageSpec(
        path, "article.html", art.title,
        context={
            "article": art,
            "body": body,
            "groups": _grouped_entities(archive, art),
            "related": [arts[j] for j in art.related],
            "original": arts[art.original] if art.original is not None else None,
        },
        breadcrumbs=_crumbs(*crumbs, (art.title, path)),
        toc=toc,
        prev=(prev.title, prev.url) if prev else None,
        next=(nxt.title, nxt.url) if nxt else None,
        description=art.summary or art.lead[:200],
    )


def entity_keys(archive: Archive) -> list[Hashable]:
    per = archive.site.per_page
    return [(e.id, n) for e in archive.entities.values() for n in range(1, max(1, math.ceil(len(e.articles) / per)) + 1)]


def entity_page(archive: Archive, key: tuple[str, int]) -> PageSpec:
    eid, number = key
    site = archive.site
    arts = archive.articles
    ent = archive.entities[eid]
    label = site.entity_types[ent.type]
    total = len(ent.articles)
    pager = Pager(number, max(1, math.ceil(total / site.per_page)), ent.url)
    # Newest first, without copying the whole list for each page of a very common entity.
    hi = total - (number - 1) * site.per_page
    chunk = ent.articles[max(0, hi - site.per_page):hi][::-1]
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
            "items": [(arts[i], ent.snippets[i]) for i in chunk],
            "pager": pager,
            "together": together,
            "chart": chart,
        },
        breadcrumbs=_crumbs(("Entities", urls.ENTITIES), (label, urls.entity_type(ent.type)), (ent.name, path)),
        toc=toc,
        prev=(f"page {number - 1}", pager.prev) if pager.prev else None,
        next=(f"page {number + 1}", pager.next) if pager.next else None,
        description=f"{ent.name}: {len(ent.articles)} articles in {site.title}",
    )


def _letter(name: str) -> str:
    """The A–Z group of a name: accents folded ("Élysée" under E); other scripts keep their letter."""
    folded = slugify(name)[:1].upper()
    return folded if folded.isalpha() else "#"


def letter_anchor(letter: str) -> str:
    """Anchor of a letter group; '#' (digits, symbols) is not valid in a URL fragment."""
    return "letter-other" if letter == "#" else f"letter-{letter}"


def _az(ents: list[Entity]) -> list[tuple[str, str, list[Entity]]]:
    """(letter, anchor, entities) groups, letters in order, '#' last."""
    groups: dict[str, list[Entity]] = defaultdict(list)
    for e in sorted(ents, key=lambda e: (e.name.lower(), e.id)):
        groups[_letter(e.name)].append(e)
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
        path, title, crumbs = urls.ENTITIES, "Entities A–Z", [("Entities", urls.ENTITIES)]
    else:
        label = archive.site.entity_types[type_id]
        letters = _az(by_type[type_id])
        path = urls.entity_type(type_id)
        title, crumbs = f"{label} A–Z", [("Entities", urls.ENTITIES), (label, path)]
    return PageSpec(
        path, "entity_index.html", title,
        context={"letters": letters, "types": types, "show_type": type_id is None, "current_type": type_id},
        breadcrumbs=_crumbs(*crumbs),
        toc=[(2, anchor, k) for k, anchor, _ in letters],
    )


def archive_keys(archive: Archive) -> list[Hashable]:
    per = archive.site.per_page
    by_month, undated = archive.by_month
    keys: list[Hashable] = [("index",)]
    keys += [("year", y) for y in sorted(by_month, reverse=True)]
    for y in sorted(by_month):
        for m in sorted(by_month[y]):
            keys += [("month", y, m, n) for n in range(1, math.ceil(len(by_month[y][m]) / per) + 1)]
    keys += [("undated", n) for n in range(1, math.ceil(len(undated) / per) + 1)]
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
            },
            breadcrumbs=_crumbs(("Archive", urls.ARCHIVE)),
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
            breadcrumbs=_crumbs(("Archive", urls.ARCHIVE), (str(y), urls.year(y))),
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
        pager = Pager(number, math.ceil(len(items) / site.per_page), urls.month(y, m))
        path = pager.path(number)
        name = f"{month_name(m)} {y}"
        return PageSpec(
            path, "archive_list.html", name if number == 1 else f"{name} (page {number})",
            context={"items": items[(number - 1) * site.per_page: number * site.per_page], "pager": pager, "total": len(items)},
            breadcrumbs=_crumbs(("Archive", urls.ARCHIVE), (str(y), urls.year(y)), (month_name(m), path)),
            prev=(f"{month_name(prev_key[1])} {prev_key[0]}", urls.month(*prev_key)) if prev_key else None,
            next=(f"{month_name(next_key[1])} {next_key[0]}", urls.month(*next_key)) if next_key else None,
        )
    number = key[1]
    pager = Pager(number, math.ceil(len(undated) / site.per_page), urls.UNDATED)
    path = pager.path(number)
    return PageSpec(
        path, "archive_list.html", "Undated articles" if number == 1 else f"Undated articles (page {number})",
        context={"items": undated[(number - 1) * site.per_page: number * site.per_page], "pager": pager, "total": len(undated)},
        breadcrumbs=_crumbs(("Archive", urls.ARCHIVE), ("Undated", path)),
    )


def free_page(archive: Archive, i: int) -> PageSpec:
    p = archive.pages[i]
    return PageSpec(
        urls.page(p.slug), "page.html", p.title,
        context={"html": p.html},
        breadcrumbs=_crumbs((p.title, urls.page(p.slug))),
        toc=list(p.toc),
    )


def special_page(archive: Archive, key: str) -> PageSpec:
    if key == "search":
        return PageSpec(urls.SEARCH, "search.html", "Search", breadcrumbs=_crumbs(("Search", urls.SEARCH)))
    # A server shows 404.html for any missing path, at any depth: relative links
    # would break, so this page links from the site's root (base_url's path, or /).
    base = archive.site.base_url
    root = "/" + base.split("://", 1)[1].partition("/")[2] if base else "/"
    return PageSpec(urls.NOT_FOUND, "404.html", "Page not found", root=root)


@dataclass(frozen=True)
class Family:
    """One output family: cheap, picklable keys and a pure function from key to page.

    Keys let the renderer split the work across processes without sending
    the model (which workers already hold) — only keys travel.
    """

    name: str
    keys: Callable[[Archive], list[Hashable]]
    page: Callable[[Archive, Any], PageSpec]


FAMILIES = (
    Family("home", lambda a: [None], home),
    Family("articles", lambda a: list(range(len(a.articles))), article_page),
    Family("entities", entity_keys, entity_page),
    Family("entity indexes", entity_index_keys, entity_index_page),
    Family("date archive", archive_keys, archive_page),
    Family("pages", lambda a: list(range(len(a.pages))), free_page),
    Family("special", lambda a: ["search", "404"], special_page),
)

