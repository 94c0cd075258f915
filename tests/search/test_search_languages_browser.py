"""An archive in four languages (tests/fixtures/multilingual: Arabic site, French, Russian, Chinese articles)
searched in Chromium from file://, with the site's CSP on: each language's words find their articles by
its own analysis, the language facet filters, and the right-to-left page is mirrored."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from generator.build import BuildOptions, build
from generator.model import urls

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "multilingual"


@pytest.fixture(scope="module")
def ml_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("multilingual") / "site"
    build(BuildOptions(seeds=FIXTURE / "seeds", content=FIXTURE / "content", out=out, whoosh=False, cache=False))
    return out


def _ids(page: Page, site: Path, query: str) -> list[str]:
    page.goto((site / "search" / "index.html").as_uri() + "?q=" + query)
    results = page.locator("#as-results [role=option]")
    expect(results.first).to_be_visible()
    return [a.get_attribute("data-id") or "" for a in results.all()]


@pytest.mark.parametrize(("query", "first"), [
    ("économiques", "fr-economie"),       # French stem: économiques / économie
    ("economie", "fr-economie"),          # accents folded after stemming
    ("переговоров", "ru-peregovory"),     # Russian: переговоры / переговоров
    ("اقتصاد", "ar-iqtisad"),             # Arabic: الاقتصاد
    ("经济", "zh-jingji"),                # Chinese: character bigrams
    ("\"阿富汗经济\"", "zh-jingji"),       # a Chinese phrase
])
def test_each_language_is_found_from_file_url(page: Page, ml_site: Path, query: str, first: str) -> None:
    assert _ids(page, ml_site, query)[0] == first


def test_result_in_another_language_carries_its_lang(page: Page, ml_site: Path) -> None:
    _ids(page, ml_site, "réfugiés")
    hit = page.locator("#as-results a[data-id=fr-refugies]")
    expect(hit).to_have_attribute("lang", "fr")
    expect(hit.locator("mark").first).to_be_visible()


def test_language_facet_filters(page: Page, ml_site: Path) -> None:
    page.goto((ml_site / "search" / "index.html").as_uri())
    # A facet group like any other (generic FacetDef): closed until opened, its values named in their language.
    group = page.locator("details[data-facet-group=lang]")
    expect(group.locator("summary")).to_have_text("Languages")
    group.locator("summary").click()
    boxes = page.locator("input[data-facet=lang]")
    expect(boxes).to_have_count(4)
    expect(group).to_contain_text("Русский")
    expect(group).to_contain_text("Français")
    page.locator("input[data-facet=lang][value=ru]").check()
    results = page.locator("#as-results [role=option]")
    expect(results).to_have_count(3)
    assert all((a.get_attribute("data-id") or "").startswith("ru-") for a in results.all())
    assert "lang=ru" in page.url


def test_rtl_page_is_mirrored_and_other_articles_keep_their_direction(page: Page, ml_site: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto((ml_site / urls.article("ar-muqawama")).as_uri())
    assert page.evaluate("document.documentElement.dir") == "rtl"
    main = page.locator("main").bounding_box()
    nav = page.locator("nav").first.bounding_box()
    assert main and nav and nav["x"] > main["x"]  # the navigation is on the right of the text
    page.goto((ml_site / urls.article("fr-resistance")).as_uri())
    article = page.locator("article.article")
    expect(article).to_have_attribute("lang", "fr")
    expect(article).to_have_attribute("dir", "ltr")
    assert page.evaluate("getComputedStyle(document.querySelector('article.article')).direction") == "ltr"
