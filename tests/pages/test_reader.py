"""The reader's archive, built: tags and sources to browse, undated and empty archives,
feeds, JSON-LD, robots.txt, singular and plural, and the offline zip.

Two small archives: the fixture archive with a few more tags and a named
source (dated, undated and mixed lists), and an all-undated archive with no
entities, like an imported news corpus before curation.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture, href
from test_build import Doc, doc

from generator import dist
from generator.build import BuildOptions, build
from generator.model import urls
from generator.util.diagnostics import BuildError

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://archive.example.org/"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def tagged_archive(root: Path) -> tuple[Path, Path]:
    """The fixture archive, plus: the undated clipping and the 2020 anniversary tagged Afghanistan,
    and the "Fixture Wire" source named in site.yaml."""
    seeds, content = copy_fixture(root)
    _write(content / "articles" / "clipping.yaml", "title: Rivers of the Panjshir\nsource: fixture-wire\ntags: [Afghanistan]\n")
    _write(content / "articles" / "anniversary.yaml", "title: Veterans remember Massoud\ntags: [afghanistan, History]\n")
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8")
                    + "sources:\n  Fixture Wire: {name: The Fixture Wire, url: 'https://example.org/wire'}\n", encoding="utf-8")
    return seeds, content


UNDATED_TITLES = ["Zebra crossings return", "apple harvest", "Élysée talks", "Banana prices", "123 go", "Budget day",
                  "Cricket scores", "Arsenal win"]


def undated_archive(root: Path) -> tuple[Path, Path]:
    """Eight undated stories, two topics as tags, one source code, no entity registry."""
    seeds, content = root / "seeds", root / "content"
    _write(content / "site.yaml", "title: Undated News\nper_page: 3\nsources:\n  bbc-news: {name: BBC News, url: 'https://www.bbc.co.uk/news'}\n")
    for i, title in enumerate(UNDATED_TITLES):
        _write(seeds / f"s{i}.txt", f"date undated\nStory {i} text about {title.lower()}.\n")
        _write(content / "articles" / f"s{i}.yaml",
               f"title: {json.dumps(title)}\nsource: bbc-news\ntags: [{'sport' if i % 2 else 'business'}]\n")
    return seeds, content


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("tagged")
    seeds, content = tagged_archive(tmp / "archive")
    out = tmp / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False, base_url=BASE))
    return out


@pytest.fixture(scope="module")
def undated(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("undated")
    seeds, content = undated_archive(tmp / "archive")
    out = tmp / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    return out


def _hrefs(html: str, cls: str | None = None) -> list[str]:
    pattern = rf'<a class="{cls}" href="([^"]+)"' if cls else r'<a href="([^"]+)"'
    return re.findall(pattern, html)


# --- tags and sources ------------------------------------------------------------------------------


def test_tag_page_lists_articles_newest_first_then_undated_paginated(site):
    first_path = urls.collection("tag", "afghanistan")
    second_path = urls.paginated(first_path, 2)
    first = (site / first_path).read_text(encoding="utf-8")
    second = (site / second_path).read_text(encoding="utf-8")
    assert not (site / urls.paginated(first_path, 3)).exists()
    listed = _hrefs(first, "title") + _hrefs(second, "title")
    # Dated newest first (2021-09-05, 2021-08-26, 2020-09-05), then the undated clipping.
    assert listed == [href(first_path, urls.article("000_88806ccc1889e30e")), href(first_path, urls.article("kabul-airport")),
                      href(second_path, urls.article("anniversary")), href(second_path, urls.article("clipping"))], listed
    d = Doc(first)
    assert d.h1 == "Afghanistan"  # the most used spelling ("afghanistan" once)
    assert "4 articles" in "".join(d.text)
    # Mixed dates: "Previous/Next", not "Newer/Older", which would mislabel the undated tail.
    assert 'rel="next">Next ›</a>' in first and "Older" not in first
    assert "Most named" in d.headings["h2"]
    taliban = href(first_path, urls.entity("taliban"))
    assert f'<a class="chip chip-organisation" href="{taliban}">Taliban <span class="count">2</span></a>' in first
    assert "Most named" not in Doc(second).headings["h2"]  # the first page has it


def test_tag_index_counts_and_article_tags_link(site):
    index = (site / "tags" / "index.html").read_text(encoding="utf-8")
    afghanistan = href("tags/index.html", urls.collection("tag", "afghanistan"))
    history = href("tags/index.html", urls.collection("tag", "history"))
    assert f'<a href="{afghanistan}">Afghanistan</a> <span class="count" title="articles">4</span>' in index
    assert f'<a href="{history}">History</a> <span class="count" title="articles">1</span>' in index
    assert Doc(index).h1 == "Tags A–Z 6 tags"
    article = (site / urls.article("000_88806ccc1889e30e")).read_text(encoding="utf-8")
    tag_link = href(urls.article("000_88806ccc1889e30e"), urls.collection("tag", "afghanistan"))
    assert f'<ul class="tags" aria-label="Tags"><li><a href="{tag_link}">Afghanistan</a></li>' in article
    home = (site / "index.html").read_text(encoding="utf-8")
    # Tags, sources and search are links in a list, not headings that look like empty sections.
    browse = home[home.index('<h2 class="nav-heading">Browse</h2>'):]
    browse = browse[: browse.index("</ul>")]
    links = re.findall(r'<li><a href="\./([^"]+)">([^<]+)</a></li>', browse)
    assert links[:2] == [("tags/index.html", "Tags"), ("sources/index.html", "Sources")]
    assert links[-1] == ("search/index.html", "Search")
    assert '<h2 class="nav-heading"><a href="./tags/' not in home and '<h2 class="nav-heading"><a href="./search/' not in home
    assert '<h2 class="nav-heading"><a href="./entities/index.html">Entities</a></h2>' in home  # hidden only when empty


def test_source_gets_its_name_and_website_from_site_yaml(site):
    wire = urls.collection("source", "fixture-wire")
    page = (site / wire).read_text(encoding="utf-8")
    d = Doc(page)
    assert d.h1 == "The Fixture Wire"
    assert '<a href="https://example.org/wire" rel="noopener noreferrer">Website</a>' in page
    assert _hrefs(page, "title") == [href(wire, urls.article("kabul-airport")), href(wire, urls.article("clipping"))]
    # Lists and article pages show the name, never the code.
    month = (site / "archive" / "2021" / "08" / "index.html").read_text(encoding="utf-8")
    assert "· The Fixture Wire</span>" in month and "· Fixture Wire" not in month
    article = (site / urls.article("clipping")).read_text(encoding="utf-8")
    assert f'<a href="{href(urls.article("clipping"), wire)}">The Fixture Wire</a>' in article
    index = (site / "sources" / "index.html").read_text(encoding="utf-8")
    from_index = href("sources/index.html", wire)
    assert f'<a href="{from_index}">The Fixture Wire</a> <span class="count" title="articles">2</span>' in index
    assert f'<a href="{href("sources/index.html", urls.collection("source", "republic-world"))}">Republic World</a>' in index


def test_source_in_site_yaml_that_no_article_has_is_a_warning(tmp_path):
    seeds, content = copy_fixture(tmp_path / "archive")
    site_yaml = content / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text + "sources:\n  Republic World: Republic\n  fixture-wyre: {name: Wire}\n", encoding="utf-8")
    result = build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))
    line = len(text.splitlines()) + 3
    assert [str(w) for w in result.diagnostics.warnings if "source" in w.message] == [
        f"{site_yaml}:{line}: warning: source 'Wire' (key 'fixture-wyre') is not the source of any article; "
        "its key must be the article metadata's 'source' (case and punctuation aside)"]


def test_bad_sources_in_site_yaml_are_errors_with_lines(tmp_path):
    seeds, content = copy_fixture(tmp_path / "archive")
    site_yaml = content / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text + "sources:\n  wire: {nam: Wire}\n  other: {name: Other, url: 'ftp://x'}\n", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))
    n = len(text.splitlines())
    assert [str(p) for p in exc.value.problems] == [
        f"{site_yaml}:{n + 2}: error: unknown key 'nam' in source 'wire' (did you mean 'name'?); known keys: name, url",
        f"{site_yaml}:{n + 2}: error: source 'wire' is missing required key 'name'",
        f"{site_yaml}:{n + 3}: error: 'url' must be an http:// or https:// address, got 'ftp://x'",
    ]


# --- feeds, JSON-LD, robots.txt -----------------------------------------------------------------------


def _feed(path: Path) -> ET.Element:
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, (path, required)
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, (path, required)
    return root


def _entries(root: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]


def test_every_feed_is_atom_and_follows_its_page(site):
    feeds = sorted(site.rglob("*.xml"))
    names = {p.relative_to(site).as_posix() for p in feeds}
    assert {"feed.xml", urls.entity_feed("taliban"), urls.collection_feed("tag", "afghanistan"),
            urls.collection_feed("source", "fixture-wire"), "sitemap.xml"} <= names
    for path in feeds:
        if path.name != "sitemap.xml":
            _feed(path)
    taliban = _feed(site / urls.entity_feed("taliban"))
    assert taliban.find(f"{ATOM}title").text == "Taliban · Test Archive"
    assert _entries(taliban) == [BASE + urls.article(a) for a in ("hostile", "000_88806ccc1889e30e", "kabul-airport")]
    # The undated clipping is in the tag but not in its feed: a feed is ordered by time.
    assert _entries(_feed(site / urls.collection_feed("tag", "afghanistan"))) == [
        BASE + urls.article(a) for a in ("000_88806ccc1889e30e", "kabul-airport", "anniversary")]
    page = (site / urls.entity("taliban")).read_text(encoding="utf-8")
    feed = href(urls.entity("taliban"), urls.entity_feed("taliban"))
    assert f'<link rel="alternate" type="application/atom+xml" title="Taliban · Test Archive" href="{feed}">' in page
    assert f'<a class="feed-link" href="{feed}" type="application/atom+xml">Feed</a>' in page
    tag = (site / urls.collection("tag", "afghanistan")).read_text(encoding="utf-8")
    feed = href(urls.collection("tag", "afghanistan"), urls.collection_feed("tag", "afghanistan"))
    assert f'<a class="feed-link" href="{feed}" type="application/atom+xml">Feed</a>' in tag


def _jsonld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.DOTALL)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_article_jsonld_is_a_news_article_about_its_entities(site):
    data = _jsonld((site / urls.article("000_88806ccc1889e30e")).read_text(encoding="utf-8"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Taliban suffer heavy losses as Panjshir resistance holds the valley"
    assert data["datePublished"] == "2021-09-05"
    assert data["url"] == BASE + urls.article("000_88806ccc1889e30e")
    assert data["publisher"] == {"@type": "Organization", "name": "Republic World"}
    about = {a["name"]: a for a in data["about"]}
    assert list(about) == ["Taliban", "National Resistance Front", "Ahmad Massoud", "Amrullah Saleh", "Panjshir Valley"]
    assert about["Ahmad Massoud"]["@type"] == "Person"
    assert about["Ahmad Massoud"]["sameAs"] == "https://www.wikidata.org/wiki/Q56291374"
    assert about["Ahmad Massoud"]["url"] == BASE + urls.entity("ahmad-massoud")
    assert about["Taliban"]["@type"] == "Organization"
    assert about["Panjshir Valley"]["@type"] == "Place"
    mentioned = {m["name"]: m["@type"] for m in data["mentions"]}
    assert mentioned["Ahmad Shah Massoud"] == "Person" and mentioned["Dasht-e-Rivet"] == "Place"
    assert not set(mentioned) & set(about)
    assert "sameAs" not in next(m for m in data["mentions"] if m["name"] == "Dasht-e-Rivet")  # no wikidata id


def test_jsonld_cannot_close_its_script_element(site):
    html = (site / urls.article("hostile")).read_text(encoding="utf-8")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block
    data = _jsonld(html)
    assert data["headline"] == "Council note <script>alert(1)</script> on the blockade"
    assert data["description"] == "A note with <img src=x onerror=alert(1)> in it."


def test_robots_txt_names_the_sitemap(site, undated):
    assert (site / "robots.txt").read_text(encoding="utf-8") == f"User-agent: *\nDisallow:\nSitemap: {BASE}sitemap.xml\n"
    assert (undated / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow:\n"


# --- undated and empty archives -----------------------------------------------------------------------


def test_undated_home_offers_the_a_to_z_list(undated):
    home = (undated / "index.html").read_text(encoding="utf-8")
    assert "No article in this archive has a date, so none is the latest." in home
    assert '<a href="./archive/undated/index.html">All 8 articles A–Z →</a>' in home
    assert "Browse the archive by date" not in home
    assert "<dt>Entities</dt>" not in home and ">Entities</a></dt>" not in home
    assert '<h2 class="nav-heading"><a href="./entities/index.html"' not in home  # empty nav section hidden
    assert '<a href="./sources/index.html">Sources</a></dt><dd>1</dd>' in home


def test_undated_archive_index_says_so(undated):
    index = (undated / "archive" / "index.html").read_text(encoding="utf-8")
    assert "No article in this archive has a date, so there is nothing to list by year." in index
    assert re.search(r'All 8 articles are undated:\s*<a href="../archive/undated/index.html">browse them A–Z</a>', index)


def test_undated_list_is_by_title_with_letter_jumps_that_land(undated):
    pages = [undated / "archive" / "undated" / "index.html"] + [undated / "archive" / "undated" / f"page-{n}.html" for n in (2, 3)]
    assert not (undated / "archive" / "undated" / "page-4.html").exists()
    htmls = [p.read_text(encoding="utf-8") for p in pages]
    titles = [t for h in htmls for t in re.findall(r'<a class="title" href="[^"]+">([^<]+)</a>', h)]
    # Letters in order (accents folded: Élysée among the E's), case ignored, digits and symbols last.
    assert titles == ["apple harvest", "Arsenal win", "Banana prices", "Budget day", "Cricket scores", "Élysée talks",
                      "Zebra crossings return", "123 go"]
    first = htmls[0]
    assert '<span class="meta"><span>Undated' not in first and "Undated ·" not in first  # says nothing here
    assert first.count("BBC News") == 3 and "bbc-news" not in first
    # Page links are named by their letter ranges, and lead on by "Next", not "Older".
    assert 'aria-label="Page 2: B–E">B–E</a>' in first and 'rel="next">Next ›</a>' in first and "Older" not in first
    jumps = re.findall(r'<nav class="az" aria-label="Jump to a letter">(.*?)</nav>', first, re.DOTALL)[0]
    targets = re.findall(r'<a href="([^"]+)">([^<]+)</a>', jumps)
    assert [t for _, t in targets] == ["A", "B", "C", "E", "Z", "#"]
    for link, letter in targets:
        path, anchor = link.split("#")
        target = (pages[0].parent / path).resolve()
        assert re.search(rf'<h2 id="{anchor}" class="letter">{re.escape(letter)}</h2>', target.read_text(encoding="utf-8")), link


def test_undated_articles_lead_on_in_title_order(undated):
    d = (undated / urls.article("s3")).read_text(encoding="utf-8")  # "Banana prices"
    s7, s5 = href(urls.article("s3"), urls.article("s7")), href(urls.article("s3"), urls.article("s5"))
    assert f'<a class="prev" rel="prev" href="{s7}"><span class="label">Previous</span> Arsenal win</a>' in d
    assert f'<a class="next" rel="next" href="{s5}"><span class="label">Next</span> Budget day</a>' in d


def test_undated_tag_pages_by_title_and_without_feeds(undated):
    sport = urls.collection("tag", "sport")
    page = (undated / sport).read_text(encoding="utf-8")
    assert "None of these articles has a date, so they are listed by title." in page
    assert _hrefs(page, "title") == [href(sport, urls.article(a)) for a in ("s1", "s7", "s3")]  # apple, Arsenal, Banana
    assert 'class="feed-link"' not in page and urls.collection_feed("tag", "sport") not in page
    assert not (undated / urls.collection_feed("tag", "sport")).exists()
    assert sorted(p.relative_to(undated).as_posix() for p in undated.rglob("*.xml")) == ["feed.xml"]
    assert _entries(_feed(undated / "feed.xml")) == []


def test_empty_entity_index_explains_how_to_add_entities(undated):
    page = (undated / "entities" / "index.html").read_text(encoding="utf-8")
    assert "This archive has no entities yet" in page
    assert "content/entities.yaml" in page and "python -m generator discover" in page
    assert 'class="type-tabs"' not in page and 'class="az"' not in page


# --- singular and plural ----------------------------------------------------------------------------


WRONG_PLURAL = re.compile(r"\b1 (articles|entities|mentions|words|results|tags|sources|pages|files|errors|warnings|lines)\b")


def test_bundled_archive_says_1_article_everywhere(tmp_path):
    """The bundled archive has one article: no page, feed or message may say "1 articles"."""
    from test_cli import run

    out = tmp_path / "site"
    proc = run("build", "--seeds", str(ROOT / "seeds"), "--content", str(ROOT / "content"), "--out", str(out), "--no-whoosh")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("built 1 article, 13 entities (clean): "), proc.stdout
    wrong = []
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".xml", ".txt"):
            wrong += [f"{path.relative_to(out)}: {m.group(0)}" for m in WRONG_PLURAL.finditer(path.read_text(encoding="utf-8"))]
    assert wrong == []
    assert "1 article" in (out / urls.collection("source", "republic-world")).read_text(encoding="utf-8")
    unchanged = run("build", "--seeds", str(ROOT / "seeds"), "--content", str(ROOT / "content"), "--out", str(out), "--no-whoosh")
    assert "(1 article)" in unchanged.stdout, unchanged.stdout


def test_import_of_one_line_says_1_article(tmp_path):
    from test_cli import run

    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"id": "a1", "title": "One", "date": None, "body": "Text.", "source": "wire",
                               "people": [], "orgs": [], "places": [], "topics": ["grain"]}) + "\n", encoding="utf-8")
    proc = run("import", "jsonl", str(src), "--seeds", str(tmp_path / "s"), "--content", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    assert "imported 1 article (0 without body text, 1 undated), 0 new entities (0 already there), refused 0 lines" in proc.stdout
    assert not WRONG_PLURAL.search(proc.stdout)


# --- make dist ----------------------------------------------------------------------------------------


def test_dist_zip_is_named_holds_the_site_and_a_readme_and_is_reproducible(site, tmp_path):
    target, count = dist.make_dist(site, tmp_path / "dist")
    assert re.fullmatch(r"test-archive-\d{4}-\d{2}-\d{2}\.zip", target.name)
    folder = target.stem
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        readme = zf.read(f"{folder}/README.txt").decode("utf-8")
    site_files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != ".archive-site")
    assert sorted(names) == sorted([f"{folder}/README.txt"] + [f"{folder}/{f}" for f in site_files])
    assert count == len(names)
    assert readme.startswith("Test Archive\n============\nA small archive for the test suite.\n")  # read from the site
    assert "open the file index.html" in readme and "no network connection is needed" in readme
    assert "latest articles" in readme and "every article by year and month (undated ones by title)" in readme
    first = target.read_bytes()
    again, _ = dist.make_dist(site, tmp_path / "dist")
    assert again == target and again.read_bytes() == first


def test_dist_readme_of_an_archive_without_dates_speaks_of_none(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    _write(content / "site.yaml", "title: Undated Papers\n")
    _write(seeds / "a.txt", "date undated\n\nA letter with no date on it.\n")
    _write(seeds / "b.txt", "date undated\n\nAnother letter, also undated.\n")
    build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))
    target, _ = dist.make_dist(tmp_path / "site", tmp_path / "dist")
    with zipfile.ZipFile(target) as zf:
        readme = zf.read(f"{target.stem}/README.txt").decode("utf-8")
    assert readme.startswith("Undated Papers\n")
    assert "latest" not in readme and "year and month" not in readme
    assert "every article, by title (the articles have no dates)" in readme


def test_dist_of_an_unbuilt_folder_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "site").mkdir()
    assert dist.main(["--site", str(tmp_path / "site"), "--out", str(tmp_path / "d")]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'site'}: error: not a built site (no .archive-site); run `make build` first\n"
    assert not (tmp_path / "d").exists()


def test_dist_writes_only_into_a_folder_it_made(site, tmp_path, capsys):
    mine = tmp_path / "papers"
    _write(mine / "notes.txt", "mine\n")
    assert dist.main(["--site", str(site), "--out", str(mine)]) == 1
    assert "refusing to write into a folder dist did not make" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert dist.main(["--site", str(site), "--out", str(site / "zips")]) == 1  # never into the site
    assert not (site / "zips").exists()
    assert dist.main(["--site", str(site), "--out", str(tmp_path / "d")]) == 0
    assert dist.main(["--site", str(site), "--out", str(tmp_path / "d")]) == 0  # its own folder, again


def test_dist_prints_its_size(site, tmp_path, capsys):
    assert dist.main(["--site", str(site), "--out", str(tmp_path / "d")]) == 0
    assert re.fullmatch(r"\S+/test-archive-\d{4}-\d{2}-\d{2}\.zip: \d+\.\d MB, \d+ files\n", capsys.readouterr().out)


def test_no_python_values_leak_into_pages(site):
    """Every page renders its letter groups under headings, never a raw Python value."""
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert "Pager(" not in html and "Collection(" not in html, path
    assert doc(site, "tags/index.html").h1.startswith("Tags A–Z")
