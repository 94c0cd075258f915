"""Whole builds of the fixture archive: determinism, atomic swap, escaping, and what each page lists."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from conftest import FIXTURE, copy_fixture, href

from generator.build import TEMPLATES, BuildOptions, build, load
from generator.model import urls
from generator.util.diagnostics import BuildError, Diagnostics
from generator.util.text import derive_title, sentence_around

ASSETS = ["site.js", "search-analysis.js", "search-engine.js", "search-ui.js"]  # the only scripts a page loads
SEED_IDS = sorted(p.stem.lower() for p in (FIXTURE / "seeds").glob("*.txt"))


class Doc(HTMLParser):
    """Elements (tag, attrs) and text of a page, with the text of each h1/h2 and of <main>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.headings: dict[str, list[str]] = {"h1": [], "h2": []}
        self._heading: str | None = None
        self._buf: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in self.headings:
            self._heading, self._buf = tag, []

    def handle_endtag(self, tag):
        if tag == self._heading:
            self.headings[tag].append(" ".join("".join(self._buf).split()))
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading:
            self._buf.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag]

    @property
    def h1(self) -> str:
        assert len(self.headings["h1"]) == 1, self.headings["h1"]
        return self.headings["h1"][0]


def doc(site: Path, rel: str) -> Doc:
    return Doc((site / rel).read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(tmp_path: Path, out_name: str = "site", **kw) -> Path:
    seeds, content = tmp_path / "archive" / "seeds", tmp_path / "archive" / "content"
    if not seeds.exists():
        copy_fixture(tmp_path / "archive")
    out = tmp_path / out_name
    build(BuildOptions(seeds=seeds, content=content, out=out, **kw))
    return out


# --- determinism and the atomic swap -------------------------------------------------------------


def test_byte_identical_output_in_two_dirs_and_in_the_same_dir(tmp_path):
    a = snapshot(_build(tmp_path, "one", whoosh=False))
    b = snapshot(_build(tmp_path, "two", whoosh=False, jobs=2))
    assert len(a) > 40
    assert sorted(a) == sorted(b)
    differing = [p for p in a if a[p] != b[p]]
    assert differing == []
    again = snapshot(_build(tmp_path, "one", whoosh=False))
    assert sorted(again) == sorted(a)
    assert [p for p in a if a[p] != again[p]] == []


def _beside(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


def test_failed_build_leaves_previous_site_untouched(tmp_path):
    out = _build(tmp_path)  # with the whoosh index beside it
    before = snapshot(out)
    whoosh_before = snapshot(tmp_path / "site.whoosh")
    assert _beside(tmp_path) == [".site-cache", "archive", "site", "site.whoosh"]
    meta = tmp_path / "archive" / "content" / "articles" / "kabul-airport.yaml"
    meta.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        _build(tmp_path)
    assert [str(p) for p in exc.value.problems] == [
        f"{meta}:2: error: invalid YAML: while parsing a flow sequence: did not find expected ',' or ']' (started on line 1)"]
    assert snapshot(out) == before
    assert snapshot(tmp_path / "site.whoosh") == whoosh_before
    assert _beside(tmp_path) == [".site-cache", "archive", "site", "site.whoosh"]


def test_failure_while_rendering_discards_the_staged_site(tmp_path):
    out = _build(tmp_path)
    before = snapshot(out)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    entity = templates / "entity.html"
    entity.write_text(entity.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}{{ no_such_variable }}"),
                      encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        _build(tmp_path, templates=templates)
    assert snapshot(out) == before
    assert _beside(tmp_path) == [".site-cache", "archive", "site", "site.whoosh", "templates"]


def test_two_pages_on_one_path_is_refused_naming_both(tmp_path):
    copy_fixture(tmp_path / "archive")
    pages = tmp_path / "archive" / "content" / "pages"
    (pages / "About.md").write_text("---\ntitle: About again\n---\nText.\n", encoding="utf-8")
    (pages / "team.md").write_text("---\ntitle: Team\nslug: about\n---\nText.\n", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        _build(tmp_path, whoosh=False)
    errors = [str(p) for p in exc.value.problems]
    assert errors == [
        f"{pages / 'about.md'}:1: error: two pages give the address pages/about.html: About.md and about.md; "
        "rename one or set 'slug'",
        f"{pages / 'team.md'}:3: error: two pages give the address pages/about.html: About.md and team.md; "
        "rename one or set 'slug'",
    ]
    assert _beside(tmp_path) == ["archive"]


# --- escaping ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("build"), whoosh=False, base_url="https://archive.example.org/")


def _scripts(d: Doc) -> list[dict]:
    """Executable scripts: JSON-LD (type application/ld+json) is a data block, checked in test_reader.py."""
    return [s for s in d.all("script") if s.get("type") != "application/ld+json"]


def test_hostile_article_text_and_metadata_are_escaped(site):
    html = (site / urls.article("hostile")).read_text(encoding="utf-8")
    d = Doc(html)
    # Only the two bundled scripts; no img element at all; no event handler attributes anywhere.
    assert [s.get("src") for s in _scripts(d)] == [href(urls.article("hostile"), f"assets/{a}") for a in ASSETS]
    assert d.all("img") == []
    assert d.all("b") == []
    assert not any(k.startswith("on") for _, attrs in d.elements for k in attrs)
    assert "<script>alert" not in html and "<img src=x" not in html
    # ... and the hostile text is shown as text.
    assert d.h1 == "Council note <script>alert(1)</script> on the blockade"
    text = "".join(d.text)
    assert 'reading <img src=x onerror=alert(1)> and <script>alert("x")</script> about the Taliban blockade' in text
    assert "A note with <img src=x onerror=alert(1)> in it." in text
    assert "Fixture <b>Wire</b>" in text
    assert "<title>Council note &lt;script&gt;alert(1)&lt;/script&gt; on the blockade · Test Archive</title>" in html


def test_hostile_text_escaped_on_listing_pages_and_feed(site):
    for rel in ["index.html", urls.entity("taliban"), "archive/2021/09/index.html", "archive/2021/index.html"]:
        html = (site / rel).read_text(encoding="utf-8")
        assert "<script>alert" not in html, rel
        assert "<img src=x" not in html, rel
        assert "Council note &lt;script&gt;alert(1)&lt;/script&gt;" in html, rel
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in feed and "&lt;script&gt;alert(1)&lt;/script&gt;" in feed


def test_markdown_pages_are_sanitised(site):
    html = (site / "pages" / "about.html").read_text(encoding="utf-8")
    d = Doc(html)
    assert "javascript:" not in html.lower()
    assert "alert(1)" not in html
    hrefs = [a.get("href") for a in d.all("a")]
    assert "https://example.org/" in hrefs
    assert not any(h and h.strip().lower().startswith(("javascript:", "data:", "vbscript:")) for h in hrefs)
    # The refused link keeps its text but is no link and carries no rel (invalid without href).
    assert "<a>bad</a>" in html
    assert [s.get("src") for s in _scripts(d)] == [f"../assets/{a}" for a in ASSETS]
    # '## Sources' is the page's first section: an h2 after the h1, never an h3 skipping a level.
    body = html.split('<article class="free-page">')[1].split("</article>")[0]
    assert re.findall(r"<h(\d)", body) == ["1", "2"]
    assert '<h2 id="sources">Sources</h2>' in body


def test_entity_description_markdown_is_sanitised(tmp_path):
    copy_fixture(tmp_path / "archive")
    ents = tmp_path / "archive" / "content" / "entities.yaml"
    with ents.open("a", encoding="utf-8") as fh:
        fh.write("zz:\n  type: place\n  name: Zzland\n  description: \"A [trap](javascript:alert(1)) and "
                 "<script>alert(2)</script><img src=x onerror=alert(3)> and **bold**.\"\n")
    out = _build(tmp_path, whoosh=False)
    html = (out / urls.entity("zz")).read_text(encoding="utf-8")
    assert "javascript:" not in html and "onerror" not in html and "alert(2)" not in html
    assert "<strong>bold</strong>" in html


# --- what the pages list ---------------------------------------------------------------------------


def test_every_seed_has_an_article_page(site):
    assert len(SEED_IDS) == 5
    pages = sorted(p.stem for p in (site / "articles").rglob("*.html"))
    assert pages == SEED_IDS
    titles = {sid: doc(site, urls.article(sid)).h1 for sid in SEED_IDS}
    assert titles == {
        "000_88806ccc1889e30e": "Taliban suffer heavy losses as Panjshir resistance holds the valley",
        "anniversary": "A year before the fall of Kabul, the Northern Alliance veterans met in Panjshir to…",  # no metadata
        "clipping": "An undated clipping about the Panjshir Valley and its rivers",  # no metadata
        "hostile": "Council note <script>alert(1)</script> on the blockade",  # escaped in the HTML, text here
        "kabul-airport": "Blasts outside Kabul airport as evacuations go on",
    }
    home = doc(site, "index.html")
    linked = {a["href"].removeprefix("./") for a in home.all("a") if "articles/" in (a.get("href") or "")}
    # latest: 5 shows every dated article; the undated clipping has no place in "Latest"
    assert linked == {urls.article(s) for s in SEED_IDS if s != "clipping"}


@pytest.mark.parametrize(("first_paragraph", "title"), [
    ("An undated clipping about the Panjshir Valley and its rivers.", "An undated clipping about the Panjshir Valley and its rivers"),
    ("Kabul fell. The Taliban entered the city.", "Kabul fell"),  # the first sentence only, its full stop dropped
    ("Where is Massoud? Nobody knows.", "Where is Massoud?"),  # ? and ! stay
    ("U.S. forces left Kabul. Then the airport closed.", "U.S. forces left Kabul"),  # no cut inside "U.S. forces"
    ("Talks ended at 3.30 p.m. in Doha", "Talks ended at 3.30 p.m. in Doha"),  # a full stop before a lower-case word ends no sentence
    ("No full stop at all", "No full stop at all"),
    ('"We will not leave." The commander spoke at dawn.', '"We will not leave."'),  # the closing quote stays
    ("He said “no.” Then he left.", "He said “no.”"),
    ("Mr. Massoud spoke in Jangalak. Then he left.", "Mr. Massoud spoke in Jangalak"),  # a title's period ends nothing
    ("Gen. Dostum and John F. Kennedy Jr met. Later.", "Gen. Dostum and John F. Kennedy Jr met"),  # nor an initial's
    ("On Jan. 5 the army left. Then it rained.", "On Jan. 5 the army left"),  # nor a month's before a day
    ("Talks ran into Jan. The envoy left.", "Talks ran into Jan"),  # but a month ends a sentence like any word
    ("No. 10 said so. Then it was over.", "No. 10 said so"),
    ("Wheat exports to the U.S. The ministry spoke.", "Wheat exports to the U.S."),  # an acronym can end one
    # Longer than 90 characters: cut at the last whole word, trailing comma dropped, an ellipsis added.
    ("A year before the fall of Kabul, the Northern Alliance veterans met in Panjshir to remember Ahmad Shah Massoud.",
     "A year before the fall of Kabul, the Northern Alliance veterans met in Panjshir to…"),
    ("Word " * 16 + "twenty, more words follow here.", "Word " * 16 + "twenty…"),
    ("   ", "(untitled)"),
])
def test_derived_title(first_paragraph: str, title: str) -> None:
    """The title an article without one gets: its first sentence, at most 90 characters plus '…'."""
    assert derive_title(first_paragraph) == title
    assert len(title) <= 91


def test_snippet_is_the_whole_sentence_around_a_mention() -> None:
    """Entity pages quote the sentence of a mention: from after the previous sentence to its closing quote."""
    text = 'Fighting resumed. Mr. Massoud said "we stay." Then he left.'
    at = text.index("Massoud")
    assert sentence_around(text, at, at + len("Massoud")) == ("Mr. ", "Massoud", ' said "we stay."')


def test_article_page_shows_metadata_and_linked_mentions(site):
    path = urls.article("000_88806ccc1889e30e")
    html = (site / path).read_text(encoding="utf-8")
    d = Doc(html)
    assert d.h1 == "Taliban suffer heavy losses as Panjshir resistance holds the valley"
    assert '<time datetime="2021-09-05">5 September 2021</time>' in html
    assert f'<a href="{href(path, urls.source("republic-world"))}">Republic World</a>' in html
    assert '<a class="source" href="https://www.republicworld.com/" rel="noopener noreferrer">Original</a>' in html
    assert (f'<h2 id="situation-in-panjshir">Situation in <a class="mention" href="{href(path, urls.entity("panjshir-valley"))}">'
            'Panjshir</a></h2>') in html  # a mention in a sub-heading is linked too
    assert f'<a class="mention" href="{href(path, urls.entity("ahmad-shah-massoud"))}">Ahmad Shah Massoud</a>' in html
    assert "Named in this article" in d.headings["h2"]
    assert f'<link rel="canonical" href="https://archive.example.org/{path}">' in html


def _article_links(d: Doc, css_class: str | None = None) -> list[str]:
    return [a["href"] for a in d.all("a") if "articles/" in (a.get("href") or "") and (css_class is None or a.get("class") == css_class)]


def test_entity_pages_list_every_mentioning_article_newest_first_with_snippets(site):
    archive = load(BuildOptions(seeds=FIXTURE / "seeds", content=FIXTURE / "content"), Diagnostics())
    for ent in archive.entities.values():
        expected = [archive.articles[i] for i in reversed(ent.articles)]
        mentioning = [a for a in archive.articles if ent.id in a.mention_counts]
        assert sorted(a.id for a in expected) == sorted(a.id for a in mentioning)
        listed: list[str] = []
        page, n = urls.entity(ent.id), 1
        while True:
            html = (site / page).read_text(encoding="utf-8")
            items = re.findall(r'<li>\s*<a class="title" href="([^"]+)">.*?<blockquote class="snippet">(.*?)</blockquote>',
                               html, re.S)
            assert len(items) == min(2, len(expected) - len(listed))  # per_page: 2
            for link, snippet in items:
                art_id = Path(link).stem
                assert link == href(page, urls.article(art_id))
                listed.append(art_id)
                art = archive.articles[[a.id for a in archive.articles].index(art_id)]
                if art.mention_counts[ent.id]:
                    assert "<mark>" in snippet, (ent.id, art.id, snippet)
                assert snippet.strip(), (ent.id, art.id)
            n += 1
            nxt = urls.paginated(urls.entity(ent.id), n)
            if not (site / nxt).exists():
                break
            assert f'href="{href(page, nxt)}" rel="next"' in html  # the page links to the next one
            page = nxt
        assert listed == [a.id for a in expected], ent.id
        dates = [a.date for a in expected if a.date]
        assert dates == sorted(dates, reverse=True)
        if not ent.articles:
            assert f"No article names {ent.name} yet." in "".join(doc(site, urls.entity(ent.id)).text)


def test_pagination_of_taliban(site):
    first_rel, second_rel = urls.entity("taliban"), urls.paginated(urls.entity("taliban"), 2)
    assert second_rel == f"{first_rel.removesuffix('.html')}/page-2.html"  # entity/<bucket>/taliban/page-2.html
    first = (site / first_rel).read_text(encoding="utf-8")
    second_path = site / second_rel
    second = second_path.read_text(encoding="utf-8")
    assert "3 articles" in first
    assert f'href="{href(first_rel, second_rel)}" rel="next"' in first
    assert "<h1>Taliban <small>page 2</small></h1>" in second
    assert f'href="{href(second_rel, first_rel)}"' in second  # back to page 1
    assert f'href="{href(second_rel, "assets/style.css")}"' in second
    assert "kabul-airport.html" in second and "kabul-airport.html" not in first.split('id="articles"')[1].split("</section>")[0]
    assert not (site / urls.paginated(first_rel, 3)).exists()
    # Links from page 2 resolve to existing files.
    for link in re.findall(r'href="(\.\./[^"#]+)"', second):
        assert (second_path.parent / link).resolve().is_file(), link


def test_related_articles_share_an_entity(site):
    archive = load(BuildOptions(seeds=FIXTURE / "seeds", content=FIXTURE / "content"), Diagnostics())
    with_related = 0
    for art in archive.articles:
        html = (site / art.url).read_text(encoding="utf-8")
        if not art.related:
            assert "Related articles" not in html
            continue
        with_related += 1
        section = html.split('id="related-heading"')[1].split("</section>")[0]
        hrefs = [Path(link).stem for link in re.findall(r'href="([^"]+)"', section)]
        assert hrefs == [archive.articles[i].id for i in art.related]
        assert art.id not in hrefs
        for i in art.related:
            assert set(archive.articles[i].mention_counts) & set(art.mention_counts)
    assert with_related == 5  # every fixture article shares an entity with another
    assert [len(a.related) for a in archive.articles] == [3, 3, 4, 4, 2]


def test_archive_counts(site):
    html = (site / "archive" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'>2021</a> <span class="count">3</span>', html)
    assert re.search(r'>2020</a> <span class="count">1</span>', html)
    assert re.search(r'August <span class="count">1</span>', html)
    assert re.search(r'2021/09/index.html">September <span class="count">2</span>', html)
    assert re.search(r'1 article has no date:\s*<a href="../archive/undated/index.html">browse it A–Z</a>', html)
    assert "<small>2 articles</small>" in (site / "archive" / "2021" / "09" / "index.html").read_text(encoding="utf-8")
    undated = (site / "archive" / "undated" / "index.html").read_text(encoding="utf-8")
    assert "clipping.html" in undated and "<small>1 article</small>" in undated
    # The navigation on every page links years without counts: a count there would
    # change every page of the site whenever one article is added.
    nav = (site / urls.article("kabul-airport")).read_text(encoding="utf-8").split('<nav id="sidebar"', 1)[1].split("</nav>", 1)[0]
    assert 'archive/2021/index.html">2021</a>' in nav and 'archive/undated/index.html">Undated</a>' in nav
    assert 'class="count"' not in nav


def test_404_page_and_special_pages(site):
    d = doc(site, "404.html")
    assert d.h1 == "Page not found"
    assert doc(site, "search/index.html").h1 == "Search"
    assert doc(site, "entities/index.html").h1 == "Entities A–Z"
    assert doc(site, "pages/about.html").h1 == "About"


def test_base_url_feed_and_sitemap(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert "https://archive.example.org/index.html" in locs
    assert all(f"https://archive.example.org/{urls.article(s)}" in locs for s in SEED_IDS)
    assert "https://archive.example.org/404.html" not in locs
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 4  # the undated clipping has no feed date
    assert feed.index("hostile.html") < feed.index("000_88806ccc1889e30e.html") < feed.index("kabul-airport.html")


def test_no_base_url_no_sitemap_or_canonical(tmp_path):
    """Without a base URL: no sitemap or canonical links (they need absolute URLs); feeds link relatively."""
    out = _build(tmp_path, whoosh=False)
    assert not (out / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (out / "index.html").read_text(encoding="utf-8")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert f'<link rel="alternate" type="text/html" href="{urls.article("kabul-airport")}"/>' in feed
    assert 'rel="self"' not in feed and "<id>urn:uuid:" in feed


def test_every_relative_link_resolves(site):
    broken = []
    pages = sorted(site.rglob("*.html"))
    assert site / "404.html" in pages
    for page in pages:
        for link in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(encoding="utf-8")):
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            # Every page links relatively; 404.html (served at any depth) relative to the site root, where a
            # script it loads from there sets <base> (tests/pages/test_reader_browser.py follows its links at depth).
            if page.name == "404.html" and link == "/assets/notfound.js":
                continue  # the root-absolute script that sets the base: checked in test_404_page_links_from_the_site_root
            target = page.parent / link
            if link.startswith("/") or not target.resolve().is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert broken == []


# --- README claims: top_entities, free-page order, 404.html from the site root ---------------------------


def _most_named(html: str) -> list[tuple[str, str]]:
    """(entity page, count) of each chip in the home page's "Most named" list, in order."""
    section = html[html.index('id="most-named"'):]
    section = section[: section.index("</section>")]
    return [(Path(link).stem, n) for link, n in re.findall(r'href="\./(entity/[^"]+)">[^<]+<span class="count">(\d+)</span>', section)]


@pytest.mark.parametrize(("setting", "expected"), [
    # Not "ahmad-massoud" in third place: kabul-airport's bare "Massoud's forces" (son or father?) links neither.
    ("", ["panjshir-valley", "taliban", "ahmad-shah-massoud", "amrullah-saleh", "kabul", "northern-alliance",
          "afghanistan", "ahmad-massoud", "danah", "dasht-e-rivet", "fahim-dashti", "hamid-karzai-airport"]),  # 12
    ("top_entities: 4\n", ["panjshir-valley", "taliban", "ahmad-shah-massoud", "amrullah-saleh"]),
    ("top_entities: 1\n", ["panjshir-valley"]),
])
def test_top_entities_is_the_most_named_list(tmp_path, setting, expected):
    """The most-named entities, most articles first, ties by name; ``top_entities`` of them (default 12)."""
    copy_fixture(tmp_path / "archive")
    with (tmp_path / "archive" / "content" / "site.yaml").open("a", encoding="utf-8") as fh:
        fh.write(setting)
    html = (_build(tmp_path, whoosh=False) / "index.html").read_text(encoding="utf-8")
    chips = _most_named(html)
    assert [eid for eid, _ in chips] == expected
    counts = [int(n) for _, n in chips]
    assert counts == sorted(counts, reverse=True)


def test_top_entities_must_be_positive(tmp_path):
    copy_fixture(tmp_path / "archive")
    site_yaml = tmp_path / "archive" / "content" / "site.yaml"
    n = len(site_yaml.read_text(encoding="utf-8").splitlines())
    with site_yaml.open("a", encoding="utf-8") as fh:
        fh.write("top_entities: 0\n")
    with pytest.raises(BuildError) as exc:
        _build(tmp_path, whoosh=False)
    assert [str(p) for p in exc.value.problems] == [
        f"{site_yaml}:{n + 1}: error: 'top_entities' must be a positive whole number, got '0'"]


def test_free_pages_follow_order_then_file_name(tmp_path):
    """``order`` places a free page in the navigation; pages without it come last; ties go by slug."""
    copy_fixture(tmp_path / "archive")
    pages = tmp_path / "archive" / "content" / "pages"
    (pages / "contact.md").write_text("---\ntitle: Contact\norder: 2\n---\nWrite to us.\n", encoding="utf-8")
    (pages / "team.md").write_text("---\ntitle: Team\norder: 2\n---\nWho we are.\n", encoding="utf-8")
    (pages / "alpha.md").write_text("---\ntitle: Alpha notes\n---\nNo order given.\n", encoding="utf-8")
    (pages / "zeta.md").write_text("---\ntitle: Zeta\norder: 1\n---\nBefore contact.\n", encoding="utf-8")
    html = (_build(tmp_path, whoosh=False) / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<h2 class="nav-heading">About</h2>'):]
    nav = nav[: nav.index("</ul>")]
    assert re.findall(r'<a href="\./(pages/[^"]+)">([^<]+)</a>', nav) == [
        ("pages/about.html", "About"), ("pages/zeta.html", "Zeta"), ("pages/contact.html", "Contact"),
        ("pages/team.html", "Team"), ("pages/alpha.html", "Alpha notes"),
    ]


def _links(html: str) -> list[str]:
    return [h for h in re.findall(r'(?:href|src)="([^"#?]+)', html) if not h.startswith(("http://", "https://", "mailto:"))]


@pytest.mark.parametrize(("base_url", "root"), [
    (None, "/"),
    ("https://archive.example.org/", "/"),
    ("https://archive.example.org/news", "/news/"),
])
def test_404_page_links_from_the_site_root(tmp_path, base_url, root):
    """A server shows 404.html for a missing address at any depth: the one script it loads by the site root's
    address (base_url's path) makes that root the page's base, so every other link is written from the root."""
    out = _build(tmp_path, whoosh=False, base_url=base_url)
    links = _links((out / "404.html").read_text(encoding="utf-8"))
    assert [h for h in links if h.startswith("/")] == [f"{root}assets/notfound.js"]
    assert "./index.html" in links and "./assets/style.css" in links and "./search/index.html" in links
    assert [h for h in links if not h.startswith("/") and not (out / h).is_file()] == []



def test_a_step_run_twice_is_reported_once():
    """An incremental build that finds most pages changed plans, then builds clean and plans again (above
    ``CLEAN_ABOVE`` pages: too big for this suite): the summary names ``plan`` once, with both plans' time."""
    from generator.build import BuildResult, _step

    result = BuildResult()
    for name in ("check cache", "plan", "render 9 pages", "plan"):
        with _step(result, name):
            pass
    assert [name for name, _ in result.steps] == ["check cache", "plan", "render 9 pages"]
