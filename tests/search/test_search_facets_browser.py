"""Facet groups in real Chromium, the site's CSP on: every value is reachable ("Show all N"), and the three
codes of a value's documents (encoding.encode_docs: runs, bitmap, Rice) count and filter right.

The archive: 120 stories about the harvest, one a day (so document numbers follow the stories); tags "Harvest" (every story: runs), "Valley" (two in three: a
bitmap), "Crop 00" .. "Crop 19" (six each) and "Rare" (stories 0, 40, 80 and 119: Rice-coded gaps).  The
group shows 12 values (Harvest, Valley, Crop 00 .. Crop 09, ties by name): Crop 10 .. 19 and Rare only after
"Show all 23".
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import open_facet_group, served
from playwright.sync_api import Page, expect

from generator.build import BuildOptions, build
from generator.search import layout

STORIES = 120
RARE = (0, 40, 80, 119)


def _tags(i: int) -> list[str]:
    return ["Harvest", *(["Valley"] if i % 3 else []), f"Crop {i % 20:02d}", *(["Rare"] if i in RARE else [])]


@pytest.fixture(scope="module")
def tagged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tagged")
    seeds, content = root / "seeds", root / "content"
    seeds.mkdir()
    (content / "articles").mkdir(parents=True)
    (content / "site.yaml").write_text("title: Tagged\n")
    for i in range(STORIES):
        (seeds / f"story-{i:03d}.txt").write_text(
            f"date {date(2020, 1, 1) + timedelta(days=i)}\n\nThe harvest report number {i} from the farms.\n")
        (content / "articles" / f"story-{i:03d}.yaml").write_text(f"tags: [{', '.join(_tags(i))}]\n")
    build(BuildOptions(seeds=seeds, content=content, out=root / "site"))
    return root / "site"


@pytest.fixture(scope="module")
def tagged_server(tagged_site: Path):
    with served(tagged_site) as url:
        yield url


def test_the_archive_uses_every_code(tagged_site: Path) -> None:
    text = (tagged_site / layout.path("f/_tag")).read_text(encoding="ascii")
    rows = {r[0]: r for r in json.loads(text.split(",", 1)[1].rsplit(")", 1)[0])}
    assert len(rows) == 23
    assert rows["harvest"][1][0] == "0" and rows["valley"][1][0] == "1" and rows["rare"][1][0] not in "01"
    assert all(len(r) == 2 for r in rows.values())  # every name is its key's default name


def _count(page: Page, value: str) -> int:
    label = page.locator("label", has=page.locator(f"input[data-facet=tag][value='{value}']"))
    return int(re.search(r"\((\d+)\)", label.inner_text()).group(1))


def _show_all_and_tick_rare(page: Page) -> None:
    results = page.locator("#as-results [role=option]")
    expect(results.first).to_be_visible()
    open_facet_group(page, "tag")
    boxes = page.locator("details[data-facet-group='tag'] input[data-facet=tag]")
    expect(boxes).to_have_count(12)
    assert page.locator("input[data-facet=tag][value='rare']").count() == 0
    assert (_count(page, "harvest"), _count(page, "valley"), _count(page, "crop-00")) == (120, 80, 6)
    more = page.locator("[data-facet-more='tag']")
    expect(more).to_have_text("Show all 23")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(boxes).to_have_count(23)
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(more).to_be_focused()
    assert (_count(page, "rare"), _count(page, "crop-19")) == (4, 6)
    assert page.locator("label", has=page.locator("input[value='rare']")).inner_text().strip() == "Rare (4)"
    page.locator("input[data-facet=tag][value='rare']").check()
    expect(page.locator("#as-page-status")).to_have_text("4 results")
    expect(results).to_have_count(4)
    ids = sorted(results.nth(i).get_attribute("data-id") for i in range(4))
    assert ids == [f"story-{i:03d}" for i in RARE]
    # counts follow the refined results: the Valley stories among the rare ones are 40, 80 and 119 (0 % 3 == 0)
    expect(page.locator("input[data-facet=tag][value='rare']")).to_be_checked()
    assert (_count(page, "harvest"), _count(page, "valley"), _count(page, "rare")) == (4, 3, 4)


def test_every_value_is_reachable_and_filters_over_http(page: Page, tagged_server: str) -> None:
    page.goto(tagged_server + "search/index.html?q=harvest")
    _show_all_and_tick_rare(page)
    assert "tag=rare" in page.url
    # the URL keeps the filter: a reload (or a shared link) shows the rare value ticked, in the first rows
    page.reload()
    expect(page.locator("#as-page-status")).to_have_text("4 results")
    expect(page.locator("input[data-facet=tag][value='rare']")).to_be_checked()
    # unticking it gives back every result (a click: the search it starts rebuilds the list)
    page.locator("input[data-facet=tag][value='rare']").click()
    expect(page.locator("#as-page-status")).to_have_text("120 results")
    assert "tag=rare" not in page.url


def test_every_value_is_reachable_from_file_url(page: Page, tagged_site: Path) -> None:
    """file:// forbids fetch: the tag list comes as a script, its three codes decoded the same."""
    page.goto((tagged_site / "search" / "index.html").as_uri() + "?q=harvest")
    _show_all_and_tick_rare(page)


def test_a_long_group_passes_axe_shut_and_shown_whole(page: Page, tagged_server: str) -> None:
    """The "Show all N" button and the list it shows: no axe violations (axe as an init script, CSP on)."""
    axe = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.exists(), "run npm ci (make test does)"
    page.add_init_script(path=str(axe))
    page.goto(tagged_server + "search/index.html?q=harvest")
    expect(page.locator("#as-results [role=option]").first).to_be_visible()
    open_facet_group(page, "tag")
    expect(page.locator("[data-facet-more='tag']")).to_be_visible()
    assert page.evaluate("axe.run().then(r => r.violations.map(v => v.id))") == []
    page.locator("[data-facet-more='tag']").click()
    expect(page.locator("[data-facet-more='tag']")).to_have_text("Show fewer")
    assert page.evaluate("axe.run().then(r => r.violations.map(v => v.id))") == []
    page.locator("[data-facet-more='tag']").click()
    expect(page.locator("details[data-facet-group='tag'] input[data-facet=tag]")).to_have_count(12)
