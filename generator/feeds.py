"""Machine-readable extras: Atom feed and sitemap (only with a base URL, which both need)."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import escape

from generator.model import Archive

SITEMAP_LIMIT = 50_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def extra_files(archive: Archive, page_paths: list[str]) -> Iterator[tuple[str, str]]:
    base = archive.site.base_url
    if not base:
        return
    html = sorted(p for p in page_paths if p.endswith(".html") and p != "404.html")
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
    newest = [a for a in reversed(archive.articles) if a.date][: archive.site.feed_items]
    updated = newest[0].date.isoformat() if newest else "1970-01-01"
    entries = []
    for a in newest:
        url = escape(base + a.url)
        summary = escape(a.summary or a.lead[:300])
        entries.append(
            f"<entry><title>{escape(a.title)}</title><link href=\"{url}\"/><id>{url}</id>"
            f"<updated>{a.date.isoformat()}T00:00:00Z</updated><summary>{summary}</summary></entry>"
        )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(archive.site.title)}</title><link href=\"{escape(base)}\"/>"
        f"<link rel=\"self\" href=\"{escape(base)}feed.xml\"/><id>{escape(base)}</id>"
        f"<updated>{updated}T00:00:00Z</updated><author><name>{escape(archive.site.author or archive.site.title)}</name></author>"
        + "".join(entries) + "</feed>\n"
    )
    yield "feed.xml", feed
