"""Taxonomies from site.yaml: tags, sources and authors by default; a desk or a region with no code.

Built from the fixture archive (whose kabul-airport article has an author),
with site.yaml and article metadata edited per test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import copy_fixture, href
from test_build import Doc

from generator.build import BuildOptions, build
from generator.model import urls
from generator.util.diagnostics import BuildError

KABUL = urls.article("kabul-airport")


def _build(root: Path, seeds: Path, content: Path, out: str = "site", full: bool = False) -> Path:
    site = root / out
    build(BuildOptions(seeds=seeds, content=content, out=site, whoosh=False, full=full))
    return site


def _add_to_site_yaml(content: Path, text: str) -> None:
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + text, encoding="utf-8")


def _add_to_meta(content: Path, article: str, text: str) -> None:
    meta = content / "articles" / f"{article}.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_authors_are_a_taxonomy_by_default(tmp_path: Path) -> None:
    seeds, content = copy_fixture(tmp_path / "archive")
    site = _build(tmp_path, seeds, content)

    reporter = urls.collection("author", "a-reporter")
    page = (site / reporter).read_text(encoding="utf-8")
    assert Doc(page).h1 == "A. Reporter"
    assert f'href="{href(reporter, KABUL)}"' in page
    index = (site / "authors" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{href("authors/index.html", reporter)}">A. Reporter</a> <span class="count" title="articles">1</span>' in index
    assert (site / urls.collection_feed("author", "a-reporter")).is_file()  # a dated author gets a feed, like a tag
    article = (site / KABUL).read_text(encoding="utf-8")
    assert f' · by <a href="{href(KABUL, reporter)}">A. Reporter</a>' in article
    home = (site / "index.html").read_text(encoding="utf-8")
    browse = home[home.index('<h2 class="nav-heading">Browse</h2>'):]
    browse = browse[:browse.index("</ul>")]
    assert [line.strip() for line in browse.splitlines() if "<li>" in line] == [
        '<li><a href="./tags/index.html">Tags</a></li>',
        '<li><a href="./sources/index.html">Sources</a></li>',
        '<li><a href="./authors/index.html">Authors</a></li>',
        '<li><a href="./search/index.html">Search</a></li>',  # a link in the list, not a heading over nothing
    ]


def test_a_desk_declared_in_site_yaml_gets_pages_a_feed_and_links_with_no_code(tmp_path: Path) -> None:
    seeds, content = copy_fixture(tmp_path / "archive")
    _add_to_site_yaml(content, "taxonomies:\n  desk: {field: desk, label: Desks, names: {world: World news}}\n"
                               "  author: off\n")
    _add_to_meta(content, "kabul-airport", "desk: [World, Security]\n")
    _add_to_meta(content, "000_88806ccc1889e30e", "desk: world\n")  # another spelling of the same value
    site = _build(tmp_path, seeds, content)

    world = (site / urls.collection("desk", "world")).read_text(encoding="utf-8")
    assert Doc(world).h1 == "World news"  # the name site.yaml gives the value
    assert world.count(f'href="{urls.root_of(urls.collection("desk", "world"))}articles/') >= 2
    assert (site / urls.collection("desk", "security")).is_file()
    assert (site / urls.collection_feed("desk", "world")).is_file()
    index = (site / "desks" / "index.html").read_text(encoding="utf-8")
    assert Doc(index).h1 == "Desks A–Z 2 desks"
    article = (site / KABUL).read_text(encoding="utf-8")
    desks = [href(KABUL, urls.collection("desk", d)) for d in ("world", "security")]
    assert f'<p class="meta taxa">Desks: <a href="{desks[0]}">World</a>, <a href="{desks[1]}">Security</a></p>' in article
    # Turned off: no author pages, and the byline is plain text.
    assert not (site / "author").exists() and not (site / "authors").exists()
    assert " · by A. Reporter" in article


def test_an_undeclared_field_is_an_error_naming_file_line_and_the_likely_key(tmp_path: Path) -> None:
    seeds, content = copy_fixture(tmp_path / "archive")
    meta = content / "articles" / "kabul-airport.yaml"
    lines = meta.read_text(encoding="utf-8").count("\n")
    _add_to_meta(content, "kabul-airport", "tagz: [Kabul]\n")
    with pytest.raises(BuildError) as exc:
        _build(tmp_path, seeds, content)
    assert [str(p) for p in exc.value.problems] == [
        f"{meta}:{lines + 1}: error: unknown key 'tagz' in article metadata (did you mean 'tags'?); known keys: "
        "authors, date, duplicate_of, entities, language, source, source_url, summary, tags, title",
    ]
    # Declaring it in site.yaml makes the same metadata good: no file but site.yaml changed.
    _add_to_site_yaml(content, "taxonomies:\n  tagz: tagz\n")
    site = _build(tmp_path, seeds, content)
    assert (site / urls.collection("tagz", "kabul")).is_file()


@pytest.mark.parametrize("body, message", [
    ("taxonomies:\n  entity: {field: topic}\n", "taxonomy 'entity' must be a lower-case id, not one of"),
    ("taxonomies:\n  series: {field: series, index: series}\n", "its index folder must differ from 'series/'"),
    ("taxonomies:\n  region: {field: tags, index: tags}\n", "the folder 'tags/' is taken (by taxonomy 'tag')"),
    ("taxonomies:\n  blurb: {field: summary}\n", "'summary' is not a field articles can be grouped by"),
])
def test_a_taxonomy_that_would_collide_is_refused(tmp_path: Path, body: str, message: str) -> None:
    seeds, content = copy_fixture(tmp_path / "archive")
    _add_to_site_yaml(content, body)
    with pytest.raises(BuildError) as exc:
        _build(tmp_path, seeds, content)
    problems = [str(p) for p in exc.value.problems]
    assert any(str(content / "site.yaml") in p and message in p for p in problems), problems


def test_taxonomy_edits_build_incrementally_to_the_clean_result(tmp_path: Path) -> None:
    seeds, content = copy_fixture(tmp_path / "archive")
    _build(tmp_path, seeds, content)  # the state the next builds start from
    steps = [
        lambda: _add_to_site_yaml(content, "taxonomies:\n  desk: {field: desk, label: Desks}\n"),
        lambda: _add_to_meta(content, "kabul-airport", "desk: [World]\n"),
        lambda: _add_to_meta(content, "000_88806ccc1889e30e", "desk: [World, Asia]\n"),
        lambda: (content / "site.yaml").write_text(
            (content / "site.yaml").read_text(encoding="utf-8").replace("label: Desks", "label: Newsdesks"),
            encoding="utf-8"),
    ]
    for n, step in enumerate(steps):
        step()
        incremental = _build(tmp_path, seeds, content)
        clean = _build(tmp_path, seeds, content, out="clean", full=True)
        same = {p.relative_to(incremental): p.read_bytes() for p in incremental.rglob("*") if p.is_file()}
        fresh = {p.relative_to(clean): p.read_bytes() for p in clean.rglob("*") if p.is_file()}
        assert same.keys() == fresh.keys(), f"step {n}"
        assert [k for k in same if same[k] != fresh[k]] == [], f"step {n}"
        shutil.rmtree(clean)
    assert "Newsdesks" in (tmp_path / "site" / "desks" / "index.html").read_text(encoding="utf-8")
