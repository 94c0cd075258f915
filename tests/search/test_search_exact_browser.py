"""The search page shows the exact ranking: the CLI's top 10 on every query, with the results sure to be in it first.

The fixture index (tests/fixtures/search_site: heads of 1 posting, tail blocks
of 1) is put into a built site, so nearly every query needs tail blocks to
prove its order: the page must load them, as ``query --engine client`` does.
Runs with the site's CSP in force.
"""

from __future__ import annotations

import itertools
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import served
from playwright.sync_api import Page, Route, expect

from generator.search.cli import run_client
from generator.search.fixture import FIXTURES, fixture_docs

DONE = """() => {
  const s = document.querySelector('#as-page-status'), l = document.querySelector('#as-results');
  return s.textContent && l.getAttribute('aria-busy') !== 'true';
}"""


@pytest.fixture(scope="module")
def tiered_site(built_site: Path, tmp_path_factory) -> Path:
    """The built fixture site with its search index replaced by the tiny-block fixture index."""
    site = tmp_path_factory.mktemp("tiered") / "site"
    shutil.copytree(built_site, site)
    for part in (site / "search").iterdir():
        if part.is_dir():
            shutil.rmtree(part)
        elif part.name != "index.html":
            part.unlink()
    shutil.copytree(FIXTURES / "search_site" / "search", site / "search", dirs_exist_ok=True)
    return site


@pytest.fixture(scope="module")
def tiered_server(tiered_site: Path):
    with served(tiered_site) as url:
        yield url


def _queries() -> list[str]:
    """Words of the fixture titles alone, in pairs and with a misspelling, phrases and exclusions."""
    titles = [re.findall(r"[A-Za-z]{4,}", d.title.lower()) for d in fixture_docs()]
    words = sorted({w for t in titles for w in t})
    pairs = [f"{a} {b}" for t in titles for a, b in itertools.pairwise(t)]
    common = ["taliban", "valley", "panjshir", "forces", "massoud", "resistance", "north", "sea", "brown", "oil",
              "valley taliban", "taliban forces", "panjshir resistance", "north sea oil", "massoud saleh"]
    return words[:25] + pairs[:20] + common + ["mourhino", '"north sea"', "valley -massoud", "brown bears",
                                               '"northern alliance"', '"north sea" oil', '"taliban forces" -valley']


def _search(page: Page, text: str) -> list[str]:
    page.evaluate("document.querySelector('#as-page-status').textContent = ''")
    page.locator("#as-page-q").fill(text)
    page.locator("#as-page-q").press("Enter")
    page.wait_for_function(DONE)
    return page.eval_on_selector_all("#as-results a[role=option]", "ns => ns.slice(0, 10).map(n => n.dataset.id)")


def test_search_page_top_10_equals_the_cli_on_every_query(page: Page, tiered_server: str, tiered_site: Path) -> None:
    queries = _queries()
    assert len(queries) >= 40
    cli = run_client(tiered_site, [(None, q) for q in queries], 10)
    page.goto(tiered_server + "search/index.html")
    page.wait_for_function("() => document.querySelector('#as-page-status').textContent")
    differ = []
    for q, expected in zip(queries, cli, strict=True):
        got = _search(page, q)
        if got != expected:
            differ.append((q, got, expected))
    assert differ == []
    assert sum(1 for r in cli if len(r) >= 3) >= 10  # the queries have results to order


def test_best_known_order_first_marked_loading_then_the_exact_one(page: Page, tiered_server: str,
                                                                   tiered_site: Path) -> None:
    """Tail blocks arrive late: the page shows at once, busy, the results already sure to be in the top 10
    (in their best known order), then the proven order, keeping the very nodes of the results that stay in place."""
    def slow(route: Route) -> None:
        time.sleep(0.4)
        route.continue_()

    page.route(re.compile(r"/search/u/"), slow)
    page.goto(tiered_server + "search/index.html")
    page.wait_for_function("() => document.querySelector('#as-page-status').textContent")
    page.locator("#as-page-q").fill("taliban valley massoud")
    page.locator("#as-page-q").press("Enter")
    results = page.locator("#as-results")
    expect(results).to_have_attribute("aria-busy", "true")
    expect(page.locator("#as-page-status")).to_contain_text("putting them in order")
    first = page.eval_on_selector_all("#as-results a[role=option]", """ns => ns.map((n, i) => {
      n.dataset.seen = String(i); return n.dataset.id; })""")
    assert first
    page.wait_for_function(DONE)
    final = page.eval_on_selector_all("#as-results a[role=option]", "ns => ns.map(n => [n.dataset.id, n.dataset.seen])")
    assert [i for i, _ in final] == run_client(tiered_site, [(None, "taliban valley massoud")], 10)[0]
    assert set(first) <= {i for i, _ in final}  # nothing shown vanishes
    # a result shown in the same place before and after is the same node (no re-render, no jump)
    for pos, (doc, seen) in enumerate(final):
        if pos < len(first) and first[pos] == doc:
            assert seen == str(pos)
    assert page.locator("#as-page-status").inner_text().endswith("results")
