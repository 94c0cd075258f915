"""Search in real Chromium: the top-bar box, keyboard use, facets, file:// and escaping.

Uses the session fixtures from conftest.py: ``built_site`` (the fixture archive
built once) and ``site_server`` (its HTTP base URL), plus pytest-playwright's
``page``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PANJSHIR, href, open_facet_group, served, type_in_box
from playwright.sync_api import Browser, Page, expect

from generator.build import BuildOptions, build
from generator.model import urls


@pytest.fixture()
def dialogs(page: Page) -> list[str]:
    """Any alert() fired by injected markup would land here (and fail the test)."""
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


def test_box_over_http_finds_the_article_and_keyboard_opens_it(page: Page, site_server: str) -> None:
    page.goto(site_server + "index.html")
    page.locator("body").press("/")
    expect(page.locator("#as-q")).to_be_focused()
    page.keyboard.type("panjshir casualties", delay=20)
    first = page.locator("#as-list [role=option]").first
    expect(first).to_have_attribute("data-id", PANJSHIR)
    expect(page.locator("#as-q")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#as-status")).to_contain_text("result")
    page.keyboard.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    active = page.locator("#as-q").get_attribute("aria-activedescendant")
    assert active == first.get_attribute("id")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape("/" + urls.article(PANJSHIR)) + "$"))


def test_results_as_you_type_complete_the_last_word(page: Page, site_server: str) -> None:
    page.goto(site_server + urls.article("hostile"))
    type_in_box(page, "casualt")  # a prefix of "casualties"
    expect(page.locator("#as-list [role=option]").first).to_have_attribute("data-id", PANJSHIR)
    expect(page.locator("#as-list mark").first).to_be_visible()


def test_box_works_from_file_url(page: Page, built_site: Path) -> None:
    page.goto((built_site / urls.article("hostile")).as_uri())
    type_in_box(page, "panjshir casualties")
    expect(page.locator("#as-list [role=option]").first).to_have_attribute("data-id", PANJSHIR)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("^file://.*/" + re.escape(urls.article(PANJSHIR)) + "$"))


def test_search_page_reads_the_url_and_filters_by_facet(page: Page, site_server: str) -> None:
    page.goto(site_server + "search/index.html?q=taliban")
    results = page.locator("#as-results [role=option]")
    expect(results.first).to_be_visible()
    before = results.count()
    assert before >= 3
    assert page.locator("input[data-facet=entity]").count() == 0  # a group's list loads when it is opened
    open_facet_group(page, "entity:person")
    saleh = page.locator("input[data-facet=entity][value='person:amrullah-saleh']")
    expect(saleh).to_be_visible()
    label = page.locator("label", has=saleh)
    count = int(re.search(r"\((\d+)\)", label.inner_text()).group(1))
    saleh.check()
    expect(results).to_have_count(count)
    assert count < before
    assert "entity=person%3Aamrullah-saleh" in page.url
    # the search page is a combobox too: arrows and Enter follow a result
    page.locator("#as-page-q").focus()
    page.keyboard.press("ArrowDown")
    href = results.first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href.replace("../", "")) + "$"))


def test_facets_browse_an_empty_query(page: Page, site_server: str) -> None:
    page.goto(site_server + "search/index.html?year=2020")
    results = page.locator("#as-results [role=option]")
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-id", "anniversary")


def test_phrase_and_exclusion_on_the_search_page(page: Page, site_server: str) -> None:
    page.goto(site_server + "search/index.html")
    page.locator("#as-page-q").fill('"northern alliance" -veterans')
    page.locator("#as-page-q").press("Enter")
    results = page.locator("#as-results [role=option]")
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-id", PANJSHIR)
    assert "q=%22northern+alliance%22+-veterans" in page.url


def test_markup_in_titles_and_snippets_shows_as_text(page: Page, site_server: str, dialogs: list[str]) -> None:
    page.goto(site_server + "index.html")
    type_in_box(page, "onerror")
    option = page.locator("#as-list [role=option]").first
    expect(option).to_have_attribute("data-id", "hostile")
    expect(option).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator("#as-list img, #as-list script").count() == 0
    page.goto(site_server + "search/index.html?q=onerror+script")
    expect(page.locator("#as-results [role=option]").first).to_contain_text("<script>")
    assert page.locator("#as-results img, #as-results script").count() == 0
    assert dialogs == []


def test_hostile_queries_do_not_break_the_page(page: Page, site_server: str, dialogs: list[str]) -> None:
    page.goto(site_server + "search/index.html")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    box = page.locator("#as-page-q")
    for q in ["<script>alert(1)</script>", ".*[(", "x" * 10_000, '"unclosed phrase']:
        box.fill(q)
        box.press("Enter")
        expect(page.locator("#as-page-status")).to_contain_text("result")
    assert errors == [] and dialogs == []


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def test_open_results_pass_axe(page: Page, site_server: str) -> None:
    """The combobox, its open listbox of result links and the search page with facets: no axe violations.

    The site's CSP stays on: axe comes in as an init script, which the page's policy does not govern."""
    assert AXE.exists(), "run npm ci (make test does)"
    page.add_init_script(path=str(AXE))
    page.goto(site_server + "index.html")
    type_in_box(page, "taliban")
    assert page.evaluate("axe.run().then(r => r.violations.map(v => v.id))") == []
    page.goto(site_server + "search/index.html?q=taliban")
    expect(page.locator("#as-results [role=option]").first).to_be_visible()
    expect(page.locator("[data-facets] input").first).to_be_visible()
    assert page.evaluate("axe.run().then(r => r.violations.map(v => v.id))") == []


def test_search_page_and_facets_from_file_url(page: Page, built_site: Path) -> None:
    """file:// has no fetch(): the page still loads shards, cards and facet files as scripts."""
    page.goto((built_site / "search" / "index.html").as_uri() + "?q=panjshir")
    results = page.locator("#as-results [role=option]")
    expect(results.first).to_be_visible()
    year = page.locator("input[data-facet=year][value='2020']")
    expect(year).to_be_visible()
    year.check()
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-id", "anniversary")
    expect(page.locator("#as-results mark").first).to_be_visible()


def test_results_are_links_to_the_article(page: Page, site_server: str) -> None:
    """Box and page: each result is an <a href> to the article; Ctrl+click and middle-click open a new tab."""
    page.goto(site_server + "index.html")
    type_in_box(page, "panjshir casualties")
    first = page.locator("#as-list a[role=option]").first
    expect(first).to_have_attribute("href", href("index.html", urls.article(PANJSHIR)))
    with page.context.expect_page() as opened:
        first.click(modifiers=["Control"])
    assert opened.value.url.endswith("/" + urls.article(PANJSHIR))
    assert page.url.endswith("/index.html")  # the search stays where it was
    opened.value.close()
    page.goto(site_server + "search/index.html?q=panjshir+casualties")
    result = page.locator("#as-results a[role=option]").first
    expect(result).to_have_attribute("href", href("search/index.html", urls.article(PANJSHIR)))
    with page.context.expect_page() as opened:
        result.click(button="middle")
    assert opened.value.url.endswith("/" + urls.article(PANJSHIR))
    opened.value.close()


def test_misspelt_name_shows_results_for_the_archive_spelling(page: Page, site_server: str) -> None:
    page.goto(site_server + "search/index.html?q=panjsher")
    expect(page.locator("#as-results a[role=option]").first).to_be_visible()
    note = page.locator("[data-correction]")
    expect(note).to_contain_text("Showing results for panjshir")
    expect(note.locator("a").first).to_have_attribute("href", re.compile(r"q=panjshir$"))
    # "search instead" asks for the word as typed: nothing, and no stale counts
    note.locator("a", has_text="panjsher").click()
    expect(page.locator("#as-page-status")).to_have_text("No results")
    expect(page.locator("[data-facets] input")).to_have_count(0)
    assert "exact=1" in page.url


def test_no_results_page_shows_no_counts(page: Page, site_server: str) -> None:
    page.goto(site_server + "search/index.html?q=zzzqqq")
    expect(page.locator("#as-page-status")).to_have_text("No results")
    expect(page.locator("[data-facets] input")).to_have_count(0)
    assert "undated" not in page.locator("[data-facets]").inner_text()


def test_result_titles_follow_the_site_link_colour(browser: Browser, site_server: str) -> None:
    for scheme in ("light", "dark"):
        ctx = browser.new_context(color_scheme=scheme)
        page = ctx.new_page()
        page.goto(site_server + "search/index.html?q=taliban")
        title = page.locator("#as-results .as-title").first
        expect(title).to_be_visible()
        accent = page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent').trim()")
        probe = page.evaluate("(c) => { const s = document.createElement('span'); s.style.color = c; "
                              "document.body.appendChild(s); return getComputedStyle(s).color; }", accent)
        assert title.evaluate("e => getComputedStyle(e).color") == probe, scheme
        ctx.close()


def test_narrow_screen_folds_filters_and_touch_hides_key_hints(browser: Browser, site_server: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(site_server + "search/index.html?q=taliban")
    first = page.locator("#as-results a[role=option]").first
    expect(first).to_be_visible()
    toggle = page.locator("[data-filters-toggle]")
    expect(toggle).to_be_visible()
    expect(page.locator("[data-facets]")).to_be_hidden()
    assert first.bounding_box()["y"] < 500
    expect(page.locator(".as-keys")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-facets] input").first).to_be_visible()
    ctx.close()
    wide = browser.new_context(viewport={"width": 1200, "height": 800})
    page = wide.new_page()
    page.goto(site_server + "search/index.html?q=taliban")
    expect(page.locator("[data-facets] input").first).to_be_visible()
    expect(page.locator("[data-filters-toggle]")).to_be_hidden()
    expect(page.locator(".as-keys")).to_be_visible()
    wide.close()


@pytest.fixture(scope="module")
def many_server(tmp_path_factory: pytest.TempPathFactory):
    """A 30-article archive (more than a page of results for "harvest")."""
    root = tmp_path_factory.mktemp("many")
    seeds, content = root / "seeds", root / "content"
    seeds.mkdir()
    (content / "articles").mkdir(parents=True)
    (content / "site.yaml").write_text("title: Many\n")
    for i in range(30):
        (seeds / f"story-{i:02d}.txt").write_text(
            f"date 2020-{1 + i % 12:02d}-{1 + i:02d}\n\nThe harvest report number {i} from the valley farms.\n")
    # a typo in the archive itself: a rare word beside a common one
    (seeds / "typo.txt").write_text("date 2021-01-01\n\nThe harvets were late this year in the valley.\n")
    build(BuildOptions(seeds=seeds, content=content, out=root / "site"))
    with served(root / "site") as url:
        yield url


def test_more_results_and_filters_survive_back(page: Page, many_server: str) -> None:
    page.goto(many_server + "search/index.html?q=harvest")
    results = page.locator("#as-results a[role=option]")
    expect(results).to_have_count(10)
    page.locator("[data-more]").click()
    expect(results).to_have_count(20)
    assert "n=20" in page.url
    page.locator("input[data-facet=year][value='2020']").check()
    expect(page.locator("input[data-facet=year][value='2020']")).to_be_checked()
    assert "year=2020" in page.url
    results.nth(3).click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-v]{2}/story-\d+\.html$"))  # urls.article: a bucket, the id
    page.go_back()
    expect(page.locator("input[data-facet=year][value='2020']")).to_be_checked()
    expect(results).to_have_count(10)  # choosing a filter starts again at the first page
    page.locator("[data-more]").click()
    expect(results).to_have_count(20)
    results.nth(15).click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-v]{2}/story-\d+\.html$"))
    page.go_back()
    expect(results).to_have_count(20)
    assert "n=20" in page.url and "year=2020" in page.url


def test_rare_word_offers_the_common_spelling(page: Page, many_server: str) -> None:
    page.goto(many_server + "search/index.html?q=harvets")
    expect(page.locator("[data-correction]")).to_contain_text("Did you mean harvest?")
    results = page.locator("#as-results a[role=option]")
    expect(results.first).to_have_attribute("data-id", "typo")  # the exact word first
    expect(results).to_have_count(10)  # then the variant's articles, below it
    page.locator("[data-correction] a").click()
    expect(page.locator("#as-page-q")).to_have_value("harvest")
    expect(page.locator("#as-page-status")).to_have_text("30 results")


def test_tags_facet_filters_results(page: Page, site_server: str) -> None:
    page.goto(site_server + "search/index.html?tag=evacuation")
    results = page.locator("#as-results [role=option]")
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-id", "kabul-airport")
    page.goto(site_server + "search/index.html?q=taliban")
    expect(results.first).to_be_visible()
    before = results.count()
    open_facet_group(page, "tag")
    tag = page.locator("input[data-facet=tag][value='afghanistan']")
    expect(tag).to_be_visible()
    label = page.locator("label", has=tag)
    assert label.inner_text().strip().startswith("Afghanistan (")
    count = int(re.search(r"\((\d+)\)", label.inner_text()).group(1))
    assert count == 2 and count < before
    tag.check()
    expect(results).to_have_count(2)
    assert sorted(results.nth(i).get_attribute("data-id") for i in range(2)) == sorted([PANJSHIR, "kabul-airport"])
    assert "tag=afghanistan" in page.url
