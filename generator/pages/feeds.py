"""Machine-readable extras: Atom feeds, sitemap, robots.txt.

Feeds: the archive's newest articles (``feed.xml``) and one per entity and
per value of every taxonomy (tag, source, author...) that has dated
articles (``entity/<id>.xml``, ``tag/<key>.xml``, ``author/<key>.xml``), so
a reader can follow a person or a reporter. Undated articles are
left out: a feed is ordered by time and they have none. With a ``base_url``
links and ids are absolute URLs; without one, links are relative to the feed
(RFC 4287 resolves them against the feed's own address) and ids are stable
``urn:uuid:`` names, so feeds work wherever the site is put.

The sitemap needs absolute URLs, so it is written only with a ``base_url``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markupsafe import escape

from generator.model import urls
from generator.model.archive import Archive, Article
from generator.pages.browse import collection_feed

SITEMAP_LIMIT = 50_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedSpec:
    """One feed before it is rendered: where it goes, what it is for, its entries newest first."""

    path: str
    title: str
    page: str
    entries: list[Article]

    def digest(self) -> bytes:
        """What the feed shows: its own address and title, and each entry's card (title, date, authors, tags,
        summary, lead: see generator.model.archive).  The site's title, language, author and base URL are part of every
        page's fingerprint already."""
        h = hashlib.blake2b(repr((self.path, self.title, self.page)).encode("utf-8", "surrogatepass"), digest_size=16)
        for a in self.entries:
            h.update(a.card)
        return h.digest()


def extra_files(archive: Archive, page_paths: list[str]) -> Iterator[tuple[str, str]]:
    """Sitemaps and robots.txt (feeds come from :func:`feed_specs`, fingerprinted like pages)."""
    yield from sitemaps(archive, page_paths)
    yield "robots.txt", robots(archive)


def robots(archive: Archive) -> str:
    """Everything may be crawled; the sitemap is named when there is one."""
    lines = ["User-agent: *", "Disallow:"]
    if archive.site.base_url:
        lines.append(f"Sitemap: {archive.site.base_url}sitemap.xml")
    return "\n".join(lines) + "\n"


def sitemaps(archive: Archive, page_paths: list[str]) -> Iterator[tuple[str, str]]:
    base = archive.site.base_url
    if not base:
        return
    html = sorted(p for p in page_paths if p.endswith(".html") and p != urls.NOT_FOUND)
    chunks = [html[i:i + SITEMAP_LIMIT] for i in range(0, len(html), SITEMAP_LIMIT)] or [[]]
    names = ["sitemap.xml"] if len(chunks) == 1 else [f"sitemap-{i + 1}.xml" for i in range(len(chunks))]
    for name, chunk in zip(names, chunks, strict=True):
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
        lines += [f"<url><loc>{escape(base + p)}</loc></url>" for p in chunk]
        lines.append("</urlset>")
        yield name, "\n".join(lines) + "\n"
    if len(chunks) > 1:  # the protocol allows 50,000 URLs per file: large archives get an index
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
        lines += [f"<sitemap><loc>{escape(base + n)}</loc></sitemap>" for n in names]
        lines.append("</sitemapindex>")
        yield "sitemap.xml", "\n".join(lines) + "\n"


def feed_specs(archive: Archive) -> Iterator[FeedSpec]:
    """Every feed, in a fixed order: the site's, then per entity, tag and source."""
    arts, limit = archive.articles, archive.site.feed_items
    yield FeedSpec(urls.FEED, archive.site.title, urls.HOME, _newest(arts, range(len(arts)), limit))
    for ent in archive.entities.values():
        newest = _newest(arts, ent.articles, limit)
        if newest:
            yield FeedSpec(urls.entity_feed(ent.id), ent.name, ent.url, newest)
    for kind, collections in archive.taxonomies.items():
        for c in collections.values():
            info = collection_feed(archive, kind, c)
            if info:  # c.articles is newest first, dated before undated
                newest = [arts[i] for i in c.articles[: min(c.dated, limit)]]
                yield FeedSpec(info[1], c.name, urls.collection(kind, c.key), newest)


def render_feed(archive: Archive, spec: FeedSpec) -> str:
    return feed(archive, spec.path, spec.title, spec.page, spec.entries)


def all_feeds(archive: Archive) -> Iterator[tuple[str, str]]:
    """Every feed rendered, as (path, text)."""
    for spec in feed_specs(archive):
        yield spec.path, render_feed(archive, spec)


def _newest(arts: Sequence[Article], indexes: Sequence[int], limit: int) -> list[Article]:
    """The newest ``limit`` dated articles of a date-ordered index list (undated sort first)."""
    out = []
    for i in reversed(indexes):
        if arts[i].date is None or len(out) >= limit:
            break
        out.append(arts[i])
    return out


def _id(archive: Archive, path: str) -> str:
    """A permanent id: the page's URL with a base_url, else a name-based UUID of site title and path."""
    if archive.site.base_url:
        return archive.site.base_url + path
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{archive.site.title}/{path}"))


def feed(archive: Archive, path: str, title: str, page: str, entries: list[Article]) -> str:
    """One Atom feed at ``path`` for ``page``, its entries newest first."""
    site, base = archive.site, archive.site.base_url

    def link(target: str) -> str:
        return str(escape(base + target if base else "../" * path.count("/") + target))

    updated = f"{entries[0].date.isoformat()}T00:00:00Z" if entries else "1970-01-01T00:00:00Z"
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang="{escape(site.language)}">',
        f"<title>{escape(title if title == site.title else f'{title} · {site.title}')}</title>",
        f'<link rel="alternate" type="text/html" href="{link(page)}"/>',
    ]
    if base:
        head.append(f'<link rel="self" href="{link(path)}"/>')
    head += [
        f"<id>{escape(_id(archive, path))}</id>",
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(site.author or site.title)}</name></author>",
        "<generator>news-archive-generator</generator>",
    ]
    body = []
    for a in entries:
        when = f"{a.date.isoformat()}T00:00:00Z"
        summary = a.summary or a.lead[:300]
        parts = [
            f"<entry><title>{escape(a.title)}</title>",
            f'<link rel="alternate" type="text/html" href="{link(a.url)}"/>',
            f"<id>{escape(_id(archive, a.url))}</id>",
            f"<published>{when}</published><updated>{when}</updated>",
        ]
        parts += [f"<author><name>{escape(name)}</name></author>" for name in a.authors]
        parts += [f'<category term="{escape(t)}"/>' for t in dict.fromkeys(a.tags)]
        if summary:
            parts.append(f"<summary>{escape(summary)}</summary>")
        parts.append("</entry>")
        body.append("".join(parts))
    return "\n".join(head + body + ["</feed>"]) + "\n"
