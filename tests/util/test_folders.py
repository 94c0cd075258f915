"""Folders a USB stick can hold: the bucket function, page addresses, and the entries per folder of a built site."""

from __future__ import annotations

import math
import os
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath

import pytest
import yaml
from conftest import copy_fixture

from generator import dist
from generator.bench import tree_stats
from generator.build import BuildOptions, build
from generator.curation.linkcheck import check_site
from generator.model import urls
from generator.search import layout
from generator.search.encoding import b36
from generator.util.folders import BUCKETS, GROUP, MAX_ENTRIES, bucket, bucket_bound, capacity, fnv1a

# The same literal pairs as tests/js/engine.test.js ("folder twins"): Python and the browser name one file.
TWINS = {"kabul-airport": "9h", "21578-r4": "fp", "z\u00fcrich\U0001d538": "vt", "": "g4"}
KEYS = {"meta": "search/meta.js", "d/12": "search/d/lv/12.js", "t/_": "search/t/ls/_.js",
        "u/oil.1z": "search/u/qf/oil.1z.js", "f/_src": "search/f/89/_src.js"}


def test_bucket_agrees_with_the_browser_on_literal_pairs() -> None:
    assert {name: bucket(name) for name in TWINS} == TWINS
    assert fnv1a("z\u00fcrich\U0001d538") == 4282911637  # the lexicon's hash, which the bucket shares
    assert {key: layout.path(key) for key in KEYS} == KEYS
    assert all(layout.key_of(p) == key for key, p in KEYS.items())
    assert urls.article("kabul-airport") == layout.article_url("kabul-airport") == "articles/9h/kabul-airport.html"


def _fnv1a_bytewise(text: str) -> int:
    """The definition, one UTF-16LE byte at a time (fnv1a shortcuts ASCII text: two steps per character in one)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-16-le", "surrogatepass"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


@pytest.mark.parametrize("name", ["", "a", "10010", "21578-r4", "kabul-airport", "~\x7f\x00 !", "z\u00fcrich",
                                  "\u00ff", "\u0100", "\u5317\u4eac", "z\u00fcrich\U0001d538", "lone\ud800half"])
def test_fnv1a_equals_its_bytewise_definition(name: str) -> None:
    assert fnv1a(name) == _fnv1a_bytewise(name)


def test_fnv1a_equals_its_bytewise_definition_on_every_ascii_pair() -> None:
    names = [chr(a) + chr(b) for a in range(128) for b in range(128)]
    assert [fnv1a(n) for n in names] == [_fnv1a_bytewise(n) for n in names]


def _spread(names: list[str]) -> Counter:
    return Counter(bucket(n) for n in names)


@pytest.mark.parametrize("shape", ["reuters x5 ids", "slugs", "numbers in base 36", "tag keys"])
def test_bucket_spreads_every_shape_of_name_evenly(shape: str) -> None:
    """Sequential ids, slugs and the index's numbered files all fill the 1,024 buckets evenly (deterministic names)."""
    names = {
        "reuters x5 ids": [f"{i}-r{k}" if k else str(i) for i in range(1, 21_579) for k in range(5)],
        "slugs": [f"story-{i:05d}-about-the-valley" for i in range(60_000)],
        "numbers in base 36": [b36(i) for i in range(60_000)],
        "tag keys": [f"{w}-{i}" for i in range(3_000) for w in ("oil", "grain", "trade", "fx", "gold", "ship", "crude",
                                                                    "wheat", "corn", "coffee", "sugar", "cocoa")],
    }[shape]
    counts = _spread(names)
    mean = len(names) / BUCKETS
    assert len(counts) == BUCKETS  # every bucket used
    assert max(counts.values()) <= bucket_bound(len(names)), (max(counts.values()), bucket_bound(len(names)))
    assert min(counts.values()) >= mean - 5 * math.sqrt(mean) - 5
    chi2 = sum((c - mean) ** 2 / mean for c in counts.values()) / (BUCKETS - 1)
    assert 0.5 < chi2 < 1.5, chi2  # as spread as chance would spread them: no bucket favoured


def test_an_address_is_a_function_of_the_id_alone() -> None:
    """Same id, same address, however often and in whatever order asked: a date or title never enters it."""
    ids = [f"{i}-r{k}" for i in range(500) for k in range(3)]
    first = [urls.article(i) for i in ids]
    assert [urls.article(i) for i in reversed(ids)] == first[::-1]
    assert all(p == f"articles/{bucket(i)}/{i}.html" for i, p in zip(ids, first, strict=True))
    assert urls.entity("taliban").rsplit("/", 1)[0] == urls.entity_feed("taliban").rsplit("/", 1)[0]  # page and feed together
    assert urls.collection("tag", "oil") == f"tag/{bucket('oil')}/oil.html"


@pytest.mark.parametrize(("number", "tail"), [
    (2, "oil/page-2.html"), (999, "oil/page-999.html"), (1000, "oil/pages-1000/page-1000.html"),
    (1999, "oil/pages-1000/page-1999.html"), (2000, "oil/pages-2000/page-2000.html"),
    (123_456, "oil/pages-123000/page-123456.html"),
])
def test_long_lists_group_their_pages_by_the_thousand(number: int, tail: str) -> None:
    first = urls.collection("tag", "oil")
    assert urls.paginated(first, 1) == first
    assert urls.paginated(first, number) == f"{first.rsplit('/', 1)[0]}/{tail}"
    assert urls.paginated("archive/1987/03/index.html", number) == f"archive/1987/03/{tail.removeprefix('oil/')}"


def test_the_limit_holds_for_millions_of_articles() -> None:
    """The README's figures: 9.7 million articles, 3.1 million entities or taxonomy values, before 10,000 entries."""
    assert capacity(1) == 9_735_648 and capacity(3) == 3_125_028
    assert bucket_bound(1_014_166) <= MAX_ENTRIES // 8  # a million articles: ~1,150 a bucket
    assert BUCKETS <= MAX_ENTRIES and GROUP + 9_000 <= MAX_ENTRIES  # family folders; a list of 9 million pages


# --- a generated archive: every folder within the bound, every link resolving ------------------------------

ARTICLES, ENTITIES, TAGS, PER_PAGE = 2_010, 240, 60, 2


def _archive(root: Path) -> tuple[Path, Path]:
    """2,010 articles from one source over 72 months, 240 entities and 60 tags, 2 a page: a source of 1,005 pages."""
    seeds, content = root / "seeds", root / "content"
    (content / "articles").mkdir(parents=True)
    seeds.mkdir()
    (content / "site.yaml").write_text(f"title: Folders\nper_page: {PER_PAGE}\nfeed_items: 5\n", encoding="utf-8")
    registry = {f"person-{i}": {"type": "person", "name": f"Person Number{i}"} for i in range(ENTITIES)}
    (content / "entities.yaml").write_text(yaml.safe_dump(registry), encoding="utf-8")
    for i in range(ARTICLES):
        sid = f"{i}-r{i % 7}"
        (seeds / f"{sid}.txt").write_text(f"date {1980 + i // 12 % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}\n\nReport {i}.\n",
                                          encoding="utf-8")
        meta = {"title": f"Report {i}", "source": "The Wire", "entities": [f"person-{i % ENTITIES}"]}
        if i % 3 == 0:
            meta["tags"] = [f"Tag {i // 3 % TAGS}"]
        (content / "articles" / f"{sid}.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    return seeds, content


def _entries(site: Path) -> dict[str, int]:
    """Entries (files and folders) of every folder of the site, by path relative to it."""
    out = {}
    for folder, subfolders, files in os.walk(site):
        out[Path(folder).relative_to(site).as_posix()] = len(subfolders) + len(files)
    return out


def _bound(folder: str, sizes: dict[str, int]) -> int:
    """What the layout promises for ``folder``, from the archive's counts (``sizes``: names per bucketed family)."""
    parts = folder.split("/")
    family = parts[0] if parts[0] != "search" else "/".join(parts[:2])
    bucketed = family in sizes
    if bucketed and len(parts) == (3 if family.startswith("search/") else 2):  # a bucket
        per_name = 1 if family in ("articles",) or family.startswith("search/") else 3  # page, feed, page-N folder
        return per_name * bucket_bound(sizes[family])
    if parts[-1].startswith("pages-"):
        return GROUP
    return max(BUCKETS, GROUP - 2 + 9_000 // GROUP, 64)  # a family's buckets; a list's pages and groups; the rest


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("folders")
    seeds, content = _archive(root)
    out = root / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    return out


def test_every_folder_of_a_generated_archive_is_within_the_formula(generated: Path) -> None:
    entries = _entries(generated)
    search_files = Counter(p.parent.parent.relative_to(generated).as_posix()
                           for p in (generated / "search").rglob("*.js") if p.parent.parent != generated / "search")
    sizes = {"articles": ARTICLES, "entity": ENTITIES, "tag": TAGS, "source": 1, **search_files}
    over = {f: (n, _bound(f, sizes)) for f, n in entries.items() if n > _bound(f, sizes)}
    assert over == {}
    assert max(entries.values()) <= MAX_ENTRIES
    assert entries["articles"] == len({bucket(f"{i}-r{i % 7}") for i in range(ARTICLES)}) > 0.85 * BUCKETS
    # Without buckets articles/ would hold 2,010 files and search/d/ 1,005; with them, a bucket holds a few.
    assert max(n for f, n in entries.items() if f.startswith("articles/")) <= bucket_bound(ARTICLES) < ARTICLES / 100


def test_a_source_of_a_thousand_pages_groups_them_and_its_links_resolve(generated: Path) -> None:
    first = urls.collection("source", "the-wire")
    pages = math.ceil(ARTICLES / PER_PAGE)
    assert pages > GROUP
    assert (generated / urls.paginated(first, GROUP - 1)).is_file() and (generated / urls.paginated(first, pages)).is_file()
    assert urls.paginated(first, pages).endswith(f"/the-wire/pages-1000/page-{pages}.html")
    listing = generated / first.removesuffix(".html")
    assert sorted(p.name for p in listing.iterdir() if p.is_dir()) == ["pages-1000"]
    stats = tree_stats(generated)  # what make bench reports
    assert stats["most_folder_entries"] == max(_entries(generated).values()) == _entries(generated)[stats["fullest_folder"]]
    checked, problems = check_site(generated)  # pager links across groups, mentions, feeds: all resolve
    assert problems == [] and checked > ARTICLES


def test_the_offline_zip_keeps_the_folders(generated: Path, tmp_path: Path) -> None:
    """make dist: the zip's folders are the site's, so unzipped on a stick none holds more than the site's fullest."""
    target, count = dist.make_dist(generated, tmp_path / "dist")
    with zipfile.ZipFile(target) as zf:
        names = [n.split("/", 1)[1] for n in zf.namelist()]
    children: dict[str, set[str]] = {}
    for name in names:  # every file, and every folder on its way, is an entry of the folder above it
        path = PurePosixPath(name)
        for child in (path, *path.parents[:-1]):
            children.setdefault(child.parent.as_posix(), set()).add(child.name)
    assert max(len(c) for c in children.values()) <= tree_stats(generated)["most_folder_entries"] <= MAX_ENTRIES
    assert urls.paginated(urls.collection("source", "the-wire"), 1005) in names and count == len(names)


def test_a_corrected_date_or_title_leaves_every_address_where_it_was(tmp_path: Path) -> None:
    """An article's address is its id's: correcting its date and title (an incremental build) moves no page."""
    seeds, content = copy_fixture(tmp_path / "archive")
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "archive" not in p.parts)
    meta = content / "articles" / "kabul-airport.yaml"
    text = meta.read_text(encoding="utf-8").replace("Blasts outside Kabul airport", "Blasts at Kabul airport, corrected,")
    meta.write_text(text + "date: 2019-01-02\n", encoding="utf-8")  # the seed said 2021-08-26
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    after = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "archive" not in p.parts)
    assert after == before  # date pages (archive/<year>/...) follow the date; nothing else moves
    page = (out / urls.article("kabul-airport")).read_text(encoding="utf-8")
    assert "Blasts at Kabul airport, corrected," in page and 'datetime="2019-01-02"' in page
