"""A reader in Chromium: home → article → entity → another article, over HTTP and from file://.

Every step is a click on a link; every page must load without console errors,
uncaught exceptions or failed requests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.model import urls

PHONE = {"width": 375, "height": 740}


class Watch:
    """Collects everything that went wrong on a page, so a test can assert there was nothing."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(f"console {m.type}: {m.text} ({m.location.get('url')})"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))


def _walk(page: Page, start: str) -> list[str]:
    watch = Watch(page)
    visited = []
    page.goto(start)
    expect(page.locator("h1")).to_have_text("Test Archive")
    visited.append(page.url)

    page.wait_for_load_state("load")  # let scripts and styles finish: leaving earlier aborts them
    page.locator("main a.title", has_text="Taliban suffer heavy losses").click()
    expect(page).to_have_url(re.compile(re.escape("/" + urls.article("000_88806ccc1889e30e")) + "$"))
    expect(page.locator("h1")).to_have_text("Taliban suffer heavy losses as Panjshir resistance holds the valley")
    expect(page.locator("main h2#situation-in-panjshir")).to_have_text("Situation in Panjshir")
    visited.append(page.url)

    page.wait_for_load_state("load")
    page.locator("main .body a.mention", has_text="Amrullah Saleh").first.click()
    expect(page).to_have_url(re.compile(re.escape("/" + urls.entity("amrullah-saleh")) + "$"))
    expect(page.locator("h1")).to_have_text("Amrullah Saleh")
    items = page.locator("main ol.mentions > li")
    expect(items).to_have_count(2)
    expect(items.first.locator("mark")).to_have_text("Amrullah Saleh")
    visited.append(page.url)

    page.wait_for_load_state("load")
    page.locator("main ol.mentions a.title", has_text="Blasts outside Kabul airport").click()
    expect(page).to_have_url(re.compile(re.escape("/" + urls.article("kabul-airport")) + "$"))
    expect(page.locator("h1")).to_have_text("Blasts outside Kabul airport as evacuations go on")
    expect(page.locator("main .body a.mention", has_text="Amrullah Saleh")).to_have_count(1)
    visited.append(page.url)

    # And back home through the site chrome.
    page.wait_for_load_state("load")
    page.locator("header a.brand").click()
    expect(page.locator("h1")).to_have_text("Test Archive")
    page.wait_for_load_state("load")
    assert watch.problems == [], "\n".join(watch.problems)
    return visited


def test_reader_path_over_http(page: Page, site_server: str):
    visited = _walk(page, site_server + "index.html")
    assert all(u.startswith(site_server) for u in visited)
    assert len(set(visited)) == 4


def test_reader_path_from_file_url(page: Page, built_site: Path):
    start = built_site.as_uri() + "/index.html"
    visited = _walk(page, start)
    assert all(u.startswith("file://") for u in visited)
    assert len(set(visited)) == 4


@pytest.mark.parametrize("path", ["index.html", urls.article("000_88806ccc1889e30e"), urls.entity("taliban"),
                                  "entities/index.html", "archive/index.html", "search/index.html"])
def test_phone_has_no_horizontal_scroll(page: Page, site_server: str, path: str):
    watch = Watch(page)
    page.set_viewport_size(PHONE)
    page.goto(site_server + path)
    page.wait_for_load_state("load")
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]")
    assert sizes[1] == PHONE["width"]
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[1], f"{path}: page is {sizes[0]}px wide on a {sizes[1]}px screen"
    assert watch.problems == [], "\n".join(watch.problems)


def test_phone_nav_toggle(page: Page, site_server: str):
    page.set_viewport_size(PHONE)
    page.goto(site_server + urls.article("kabul-airport"))
    toggle = page.locator("button.nav-toggle")
    sidebar = page.locator("#sidebar")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(sidebar).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sidebar).to_be_visible()
    # The opened menu is usable: its links go somewhere.
    sidebar.get_by_role("link", name="Archive", exact=True).click()
    expect(page.locator("h1")).to_have_text("Archive by date")
    toggle = page.locator("button.nav-toggle")
    toggle.click()
    expect(page.locator("#sidebar")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#sidebar")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    toggle.click()
    toggle.click()
    expect(page.locator("#sidebar")).to_be_hidden()


def test_desktop_shows_sidebar_without_toggle(page: Page, site_server: str):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_server + "index.html")
    expect(page.locator("#sidebar")).to_be_visible()
    expect(page.locator("button.nav-toggle")).to_be_hidden()


def _background(browser: Browser, url: str, scheme: str) -> tuple[str, str]:
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url)
        return page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
                                        getComputedStyle(document.body).color]""")
    finally:
        context.close()


def test_dark_mode_changes_background(browser: Browser, site_server: str):
    url = site_server + urls.article("kabul-airport")
    light_bg, light_fg = _background(browser, url, "light")
    dark_bg, dark_fg = _background(browser, url, "dark")
    assert light_bg != dark_bg
    assert light_fg != dark_fg

    def luminance(css: str) -> float:
        r, g, b = (int(float(x)) for x in css[css.index("(") + 1: css.index(")")].split(",")[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert luminance(dark_bg) < luminance(light_bg)
    assert luminance(dark_fg) > luminance(dark_bg)
