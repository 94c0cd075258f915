"""One generator per output family, each yielding page specs from the model.

Generators are pure: they read the :class:`~generator.model.Archive` and yield
:class:`~generator.render.PageSpec` objects; rendering and writing happen
elsewhere, so families can be rendered in any order or in parallel.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from generator import urls
from generator.model import Archive, Article, Entity
from generator.render import PageSpec, body_html, format_date, month_name
from generator.svg import timeline


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


def paginate(items: Sequence[Any], per_page: int, first_path: str) -> Iterator[tuple[Pager, Sequence[Any]]]:
    total = max(1, math.ceil(len(items) / per_page))
    for n in range(1, total + 1):
        yield Pager(n, total, first_path), items[(n - 1) * per_page: n * per_page]


def nav_data(archive: Archive) -> dict[str, Any]:
    """The left navigation, the same on every page."""
    years = Counter(a.date.year for a in archive.articles if a.date)
    undated = sum(1 for a in archive.articles if a.date is None)
    types = Counter(e.type for e in archive.entities.values() if e.articles)
    return {
        "years": [(y, years[y], urls.year(y)) for y in sorted(years, reverse=True)],
        "undated": undated,
        "types": [
            (t, label, types[t], urls.entity_type(t))
            for t, label in archive.site.entity_types.items() if types[t]
        ],
        "pages": [(p.title, urls.page(p.slug)) for p in archive.pages],
    }


def _crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", urls.HOME), *pairs]


def home(archive: Archive) -> Iterator[PageSpec]:
    site = archive.site
    newest = [a for a in reversed(archive.articles)][: site.latest]
    top = sorted(
        (e for e in archive.entities.values() if e.articles),
        key=lambda e: (-len(e.articles), e.name.lower(), e.id),
    )[: site.top_entities]
    per_type = Counter(e.type for e in archive.entities.values() if e.articles)
    yield PageSpec(
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


def articles(archive: Archive) -> Iterator[PageSpec]:
    arts = archive.articles
    for i, art in enumerate(arts):
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
        yield PageSpec(
            path, "article.html", art.title,
            context={
                "article": art,
                "body": body,
                "groups": _grouped_entities(archive, art),
                "related": [arts[j] for j in art.related],
            },
            breadcrumbs=_crumbs(*crumbs, (art.title, path)),
            toc=toc,
            prev=(prev.title, prev.url) if prev else None,
            next=(nxt.title, nxt.url) if nxt else None,
            description=art.summary or (art.blocks[0].text[:200] if art.blocks else ""),
        )


def entities(archive: Archive) -> Iterator[PageSpec]:
    site = archive.site
    arts = archive.articles
    for ent in archive.entities.values():
        newest = list(reversed(ent.articles))
        label = site.entity_types[ent.type]
        together = [
            (archive.entities[eid], n)
            for eid, n in sorted(ent.together.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        ]
        chart = timeline(ent.months, f"Articles naming {ent.name} per month")
        for pager, chunk in paginate(newest, site.per_page, ent.url):
            path = pager.path(pager.number)
            title = ent.name if pager.number == 1 else f"{ent.name} (page {pager.number})"
            toc = []
            if pager.number == 1:
                if chart:
                    toc.append((2, "timeline", "Timeline"))
                toc.append((2, "articles", "Articles"))
                if together:
                    toc.append((2, "together", "Named alongside"))
            yield PageSpec(
                path, "entity.html", title,
                context={
                    "entity": ent,
                    "type_label": label,
                    "items": [(arts[i], ent.snippets[i]) for i in chunk],
                    "pager": pager,
                    "together": together if pager.number == 1 else [],
                    "chart": chart if pager.number == 1 else "",
                },
                breadcrumbs=_crumbs(("Entities", urls.ENTITIES), (label, urls.entity_type(ent.type)), (ent.name, path)),
                toc=toc,
                prev=(f"page {pager.number - 1}", pager.prev) if pager.prev else None,
                next=(f"page {pager.number + 1}", pager.next) if pager.next else None,
                description=f"{ent.name}: {len(ent.articles)} articles in {site.title}",
            )


def _letter(name: str) -> str:
    first = name.strip()[:1].upper()
    return first if first.isalpha() and first.isascii() else "#"


def _az(ents: list[Entity]) -> list[tuple[str, list[Entity]]]:
    groups: dict[str, list[Entity]] = defaultdict(list)
    for e in sorted(ents, key=lambda e: (e.name.lower(), e.id)):
        groups[_letter(e.name)].append(e)
    return sorted(groups.items(), key=lambda kv: (kv[0] == "#", kv[0]))


def entity_indexes(archive: Archive) -> Iterator[PageSpec]:
    site = archive.site
    all_ents = [e for e in archive.entities.values()]
    by_type: dict[str, list[Entity]] = defaultdict(list)
    for e in all_ents:
        by_type[e.type].append(e)
    types = [(t, label, len(by_type[t]), urls.entity_type(t)) for t, label in site.entity_types.items() if by_type[t]]
    letters = _az(all_ents)
    yield PageSpec(
        urls.ENTITIES, "entity_index.html", "Entities A–Z",
        context={"letters": letters, "types": types, "show_type": True, "current_type": None},
        breadcrumbs=_crumbs(("Entities", urls.ENTITIES)),
        toc=[(2, f"letter-{k}", k) for k, _ in letters],
    )
    for t, label, _, path in types:
        letters = _az(by_type[t])
        yield PageSpec(
            path, "entity_index.html", f"{label} A–Z",
            context={"letters": letters, "types": types, "show_type": False, "current_type": t},
            breadcrumbs=_crumbs(("Entities", urls.ENTITIES), (label, path)),
            toc=[(2, f"letter-{k}", k) for k, _ in letters],
        )


def date_archive(archive: Archive) -> Iterator[PageSpec]:
    site = archive.site
    by_month: dict[int, dict[int, list[Article]]] = defaultdict(lambda: defaultdict(list))
    undated = []
    for a in archive.articles:
        if a.date is None:
            undated.append(a)
        else:
            by_month[a.date.year][a.date.month].append(a)
    years = sorted(by_month, reverse=True)
    yield PageSpec(
        urls.ARCHIVE, "archive_index.html", "Archive by date",
        context={
            "years": [(y, sum(len(v) for v in by_month[y].values()),
                       [(m, len(by_month[y][m]), urls.month(y, m)) for m in sorted(by_month[y])]) for y in years],
            "undated": len(undated),
        },
        breadcrumbs=_crumbs(("Archive", urls.ARCHIVE)),
    )
    for i, y in enumerate(years):
        months = by_month[y]
        newer = years[i - 1] if i > 0 else None
        older = years[i + 1] if i + 1 < len(years) else None
        yield PageSpec(
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
    month_keys = [(y, m) for y in sorted(by_month) for m in sorted(by_month[y])]
    for i, (y, m) in enumerate(month_keys):
        items = list(reversed(by_month[y][m]))
        prev_key = month_keys[i - 1] if i > 0 else None
        next_key = month_keys[i + 1] if i + 1 < len(month_keys) else None
        for pager, chunk in paginate(items, site.per_page, urls.month(y, m)):
            path = pager.path(pager.number)
            name = f"{month_name(m)} {y}"
            yield PageSpec(
                path, "archive_list.html", name if pager.number == 1 else f"{name} (page {pager.number})",
                context={"items": chunk, "pager": pager, "total": len(items)},
                breadcrumbs=_crumbs(("Archive", urls.ARCHIVE), (str(y), urls.year(y)), (month_name(m), path)),
                prev=(f"{month_name(prev_key[1])} {prev_key[0]}", urls.month(*prev_key)) if prev_key else None,
                next=(f"{month_name(next_key[1])} {next_key[0]}", urls.month(*next_key)) if next_key else None,
            )
    if undated:
        for pager, chunk in paginate(undated, site.per_page, urls.UNDATED):
            path = pager.path(pager.number)
            yield PageSpec(
                path, "archive_list.html", "Undated articles",
                context={"items": chunk, "pager": pager, "total": len(undated)},
                breadcrumbs=_crumbs(("Archive", urls.ARCHIVE), ("Undated", path)),
            )


def free_pages(archive: Archive) -> Iterator[PageSpec]:
    for p in archive.pages:
        yield PageSpec(
            urls.page(p.slug), "page.html", p.title,
            context={"html": p.html},
            breadcrumbs=_crumbs((p.title, urls.page(p.slug))),
            toc=list(p.toc),
        )


def special(archive: Archive) -> Iterator[PageSpec]:
    yield PageSpec(urls.SEARCH, "search.html", "Search", breadcrumbs=_crumbs(("Search", urls.SEARCH)))
    yield PageSpec(urls.NOT_FOUND, "404.html", "Page not found")


FAMILIES = (home, articles, entities, entity_indexes, date_archive, free_pages, special)


def all_pages(archive: Archive) -> Iterator[PageSpec]:
    for family in FAMILIES:
        yield from family(archive)


__all__ = ["FAMILIES", "all_pages", "format_date", "nav_data", "paginate"]
