"""The Content-Security-Policy on every page, and the site still working under it in Chromium.

Every page forbids inline script, inline event handlers, eval and other
origins; navigation, the top-bar search box and the search page must still
work from file:// and over HTTP without a single CSP violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
PANJSHIR = "000_88806ccc1889e30e"


def test_every_page_carries_the_policy_and_no_inline_script(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        m = POLICY.search(html)
        assert m, f"{page} has no Content-Security-Policy"
        policy = m.group(1)
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        # 'self', not 'none': 404.html's notfound.js sets a same-origin <base> when served at any depth.
        assert "object-src 'none'" in policy and "base-uri 'self'" in policy
        # JSON-LD is a data block, never run (the policy does not apply to it); any other inline script would be.
        assert not re.search(r'<script(?![^>]*\ssrc=)(?![^>]*type="application/ld\+json")[^>]*>', html), f"{page}: inline <script>"
        # Attribute names of real tags (text is escaped, and values are blanked: content="... onerror=...").
        tags = [re.sub(r'"[^"]*"', '""', t) for t in re.findall(r"<[a-zA-Z][^>]*>", html)]
        assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t, re.IGNORECASE)], f"{page}: inline event handler"
        assert not [t for t in tags if re.search(r"\sstyle\s*=", t, re.IGNORECASE)], f"{page}: inline style attribute"


@pytest.fixture()
def violations(page: Page) -> list[str]:
    """CSP violations reported by the page, and console errors that mention the policy."""
    seen: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "{ (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });"
    )
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None)
    return seen


def _reported(page: Page, seen: list[str]) -> list[str]:
    return seen + (page.evaluate("window.__csp || []") or [])


@pytest.mark.parametrize("over", ["http", "file"])
def test_navigation_box_and_search_page_work_under_the_policy(page: Page, violations: list[str], built_site: Path,
                                                              site_server: str, over: str) -> None:
    base = site_server if over == "http" else built_site.as_uri() + "/"
    page.goto(base + "index.html")
    page.locator("nav.sidebar a", has_text="Archive").first.click()
    page.wait_for_url(re.compile(r"archive/index\.html$"))
    assert _reported(page, violations) == []
    box = page.locator("#as-q")
    box.click()
    box.press_sequentially("panjshir casualties", delay=20)
    expect(page.locator("#as-list [role=option]").first).to_have_attribute("data-id", PANJSHIR)
    assert _reported(page, violations) == []
    page.goto(base + "search/index.html?q=taliban")
    expect(page.locator("#as-results [role=option]").first).to_be_visible()
    page.locator("nav.sidebar a", has_text="Entities").first.click()
    page.wait_for_url(re.compile(r"entities/index\.html$"))
    assert _reported(page, violations) == []
