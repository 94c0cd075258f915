"""The search page's date order, date range, collapsed duplicates and facet groups, in Chromium with the CSP on.

Built from the fixture archive plus a declared taxonomy (a desk) and an
identical copy of one article under another id and source, as an archive
holds before ``check --mark-duplicates`` has run.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import PANJSHIR, copy_fixture, open_facet_group, served
from playwright.sync_api import Page, expect

from generator.build import BuildOptions, build
from generator.search.cli import run_client, run_query
from generator.search.layout import article_url, key_of

KABUL = "kabul-airport"
COPY = "kabul-airport-wire"  # an identical copy: the larger id, so kabul-airport is the one shown


@pytest.fixture(scope="module")
def order_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("order")
    seeds, content = copy_fixture(root / "archive")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "taxonomies:\n  desk: {field: desk, label: Desks}\n")
    meta = content / "articles"
    shutil.copy(seeds / f"{KABUL}.txt", seeds / f"{COPY}.txt")
    text = (meta / f"{KABUL}.yaml").read_text(encoding="utf-8")
    (meta / f"{COPY}.yaml").write_text(text.replace("source: Fixture Wire", "source: Other Wire") + "desk: [Wires]\n")
    (meta / f"{KABUL}.yaml").write_text(text + "desk: [World]\n")
    page = meta / f"{PANJSHIR}.yaml"
    page.write_text(page.read_text(encoding="utf-8") + "desk: [World]\n")
    build(BuildOptions(seeds=seeds, content=content, out=root / "site", whoosh=False))
    return root / "site"


@pytest.fixture(scope="module")
def order_server(order_site: Path):
    with served(order_site) as url:
        yield url


def _ids(page: Page) -> list[str]:
    results = page.locator("#as-results a[role=option]")
    expect(results.first).to_be_visible()
    expect(page.locator("#as-results")).not_to_have_attribute("aria-busy", "true")
    return [results.nth(i).get_attribute("data-id") for i in range(results.count())]


def test_date_order_and_range_are_in_the_url_and_survive_back(page: Page, order_server: str) -> None:
    page.goto(order_server + "search/index.html?q=panjshir")
    relevance = _ids(page)
    assert "clipping" in relevance  # the undated clipping about the valley
    page.locator("[data-sort]").select_option("new")
    expect(page.locator("#as-page-status")).to_contain_text("newest first")
    newest = _ids(page)
    assert "sort=new" in page.url
    assert newest[-1] == "clipping" and newest.index(PANJSHIR) < newest.index("anniversary")
    # the undated one is listed after the dated ones, says so, and the page says why
    expect(page.locator("#as-results a[data-id=clipping] .as-undated")).to_have_text("undated")
    expect(page.locator("[data-date-note]")).to_contain_text("listed after the dated ones")
    page.locator("[data-sort]").select_option("old")
    expect(page.locator("#as-page-status")).to_contain_text("oldest first")
    oldest = _ids(page)
    assert oldest[0] == "anniversary" and oldest[-1] == "clipping"
    # a range: from 2021 (years as the Year facet, plus months)
    page.locator("select[data-range=from][data-part=year]").select_option("2021")
    expect(page.locator("select[data-range=from][data-part=month]")).to_be_enabled()
    expect(page.locator("#as-results a[data-id=anniversary]")).to_have_count(0)
    in_2021 = _ids(page)
    assert "clipping" not in in_2021 and PANJSHIR in in_2021
    expect(page.locator("[data-date-note]")).to_contain_text("no date range")
    page.locator("select[data-range=to][data-part=year]").select_option("2021")
    page.locator("select[data-range=to][data-part=month]").select_option("08")
    expect(page.locator("#as-results a[data-id='000_88806ccc1889e30e']")).to_have_count(0)
    assert _ids(page) == [KABUL]
    assert "from=2021" in page.url and "to=2021-08" in page.url and "sort=old" in page.url
    # Back from an article returns to the same order and range
    page.locator("#as-results a[role=option]").first.click()
    page.wait_for_url(re.compile(re.escape(article_url(KABUL)) + "$"))
    page.go_back()
    assert _ids(page) == [KABUL]
    expect(page.locator("[data-sort]")).to_have_value("old")
    expect(page.locator("select[data-range=to][data-part=month]")).to_have_value("08")


def test_a_shared_link_opens_the_same_date_order_from_file_url(page: Page, order_site: Path) -> None:
    page.goto((order_site / "search" / "index.html").as_uri() + "?q=panjshir&sort=old&from=2020-09&to=2021-09")
    assert _ids(page) == ["anniversary", KABUL, PANJSHIR]  # the Kabul report names Panjshir too
    # the command line gives the same order (query --sort old --from 2020-09 --to 2021-09)
    options = {"sort": "old", "from": "2020-09", "to": "2021-09"}
    assert run_client(order_site, [(None, "panjshir")], 10, options=options) == [["anniversary", KABUL, PANJSHIR]]
    expect(page.locator("[data-sort]")).to_have_value("old")
    expect(page.locator("select[data-range=from][data-part=month]")).to_have_value("09")


def test_an_identical_copy_is_one_result_saying_two_copies(page: Page, order_server: str) -> None:
    page.goto(order_server + "search/index.html?q=evacuation+flights")
    ids = _ids(page)
    assert KABUL in ids and COPY not in ids
    expect(page.locator(f"#as-results a[data-id={KABUL}] .as-copies")).to_have_text("2 copies")
    # the copy's source and desk lead to the story too
    open_facet_group(page, "source")
    expect(page.locator("input[data-facet=source][value='other-wire']")).to_be_visible()
    page.goto(order_server + "search/index.html?desk=wires")
    assert _ids(page) == [KABUL]


def test_facet_groups_are_labelled_taxonomies_and_load_only_when_opened(page: Page, order_server: str) -> None:
    loaded: list[str] = []
    # the keys of the value lists requested ("f/_desk"), whatever bucket folder holds them
    page.on("request", lambda r: loaded.append(key_of("search/" + r.url.split("/search/", 1)[-1]))
            if "/search/f/" in r.url else None)
    page.goto(order_server + "search/index.html")
    expect(page.locator("details[data-facet-group=desk] summary")).to_have_text("Desks")
    # entity types, then the taxonomies in site.yaml's order, each under its label (groups with values only)
    labels = page.locator("details[data-facet-group] > summary").all_inner_texts()
    assert labels == ["Year", "People", "Organisations", "Places", "Tags", "Sources", "Authors", "Desks"]
    assert loaded == []  # the empty page loads no value list
    page.locator("#as-page-q").fill("taliban")
    page.locator("#as-page-q").press("Enter")
    _ids(page)
    assert loaded == []  # nor does a query while every group is closed
    open_facet_group(page, "desk")
    assert loaded == ["f/_desk"]
    world = page.locator("input[data-facet=desk][value=world]")
    count = int(re.search(r"\((\d+)\)", page.locator("label", has=world).inner_text()).group(1))
    world.check()
    expect(page.locator("#as-results a[role=option]")).to_have_count(count)
    assert "desk=world" in page.url
    # the group stays open for the next query, its list counted with it
    page.locator("#as-page-q").fill("kabul")
    page.locator("#as-page-q").press("Enter")
    expect(page.locator("details[data-facet-group=desk]")).to_have_attribute("open", "")
    expect(page.locator("input[data-facet=desk][value=world]")).to_be_checked()


def test_query_sorts_by_date_from_the_command_line(order_site: Path, capsys: pytest.CaptureFixture) -> None:
    assert run_query(["--site", str(order_site), "--sort", "new", "--to", "2021", "panjshir"]) == 0
    assert capsys.readouterr().out == f'{{"query_id": null, "results": ["{PANJSHIR}", "{KABUL}", "anniversary"]}}\n'
    with pytest.raises(SystemExit):
        run_query(["--site", str(order_site), "--engine", "whoosh", "--sort", "new", "panjshir"])
    assert "the client engine's" in capsys.readouterr().err
