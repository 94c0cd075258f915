"""The reader's archive in Chromium: the offline zip from file://, 404.html from disk and from a
server at any depth, the dev server's error banner beside a usable top bar, and the pages the README's
screenshots show (``make screenshots`` takes the pictures)."""

from __future__ import annotations

import functools
import re
import shutil
import threading
import zipfile
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import PANJSHIR, ROOT, _QuietHandler, type_in_box
from playwright.sync_api import Page, expect
from screenshots import SHOTS
from test_browse import Watch, _walk

from generator import dist
from generator.build import BuildOptions, build
from generator.model import urls
from generator.serve import error_banner, inject_banner


def test_dist_zip_browses_and_searches_from_file_url(page: Page, built_site: Path, tmp_path: Path) -> None:
    target, _ = dist.make_dist(built_site, tmp_path / "dist")
    with zipfile.ZipFile(target) as zf:
        zf.extractall(tmp_path / "usb")
    folder = tmp_path / "usb" / target.stem
    assert (folder / "README.txt").is_file()
    visited = _walk(page, (folder / "index.html").as_uri())
    assert all(u.startswith(folder.as_uri()) for u in visited)
    # Search, offline: the index is read from the unzipped folder. Leave the walk's last page first, so
    # its favicon fetch, which Chromium aborts on navigation (net::ERR_ABORTED), is not counted here.
    page.wait_for_load_state("load")
    page.goto("about:blank")
    watch = Watch(page)
    page.goto((folder / urls.collection("tag", "afghanistan")).as_uri())
    type_in_box(page, "panjshir casualties")
    expect(page.locator("#as-list [role=option]").first).to_have_attribute("data-id", PANJSHIR)
    assert watch.problems == [], "\n".join(watch.problems)


class _NotFoundHandler(_QuietHandler):
    """Like a real web server: a missing address at any depth gets 404.html, with status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@pytest.fixture(scope="module")
def not_found_server(built_site: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_NotFoundHandler, directory=str(built_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _styled_with_working_links(page: Page, home: str) -> None:
    expect(page.locator("h1")).to_have_text("Page not found")
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).position") == "sticky"  # style.css applied
    link = page.get_by_role("link", name="Go to the home page")
    assert link.evaluate("a => a.href") == home
    page.wait_for_load_state("load")
    link.click()
    expect(page.locator("h1")).to_have_text("Test Archive")


def test_404_from_a_server_at_any_depth(page: Page, not_found_server: str) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    responses: list[tuple[int, str]] = []
    page.on("response", lambda r: responses.append((r.status, r.url)))
    # As deep as the site goes: a page of a long list, in its bucket and its group of a thousand pages.
    deep = urls.paginated(urls.entity("gone"), 1234)
    missing = not_found_server + deep
    page.goto(missing)
    page.wait_for_load_state("load")
    _styled_with_working_links(page, not_found_server + "index.html")
    # Every asset came from the site root. (Chromium's look-ahead may also try the relative
    # addresses before the base is set; those speculative requests are dropped, never used.)
    ok = {url for status, url in responses if status == 200}
    assert {not_found_server + f"assets/{a}" for a in ("notfound.js", "style.css", "search.css", "site.js", "search-analysis.js",
                                                      "search-engine.js", "search-ui.js")} <= ok
    assert all(url.startswith(not_found_server + deep.rpartition("/")[0] + "/") for url in failed), failed


def test_404_opened_from_disk(page: Page, built_site: Path) -> None:
    watch = Watch(page)
    page.goto((built_site / "404.html").as_uri())
    page.wait_for_load_state("load")
    _styled_with_working_links(page, (built_site / "index.html").as_uri())
    # The one request that fails is the root-absolute script that only a server can answer.
    assert [p for p in watch.problems if "notfound.js" not in p and "ERR_FILE_NOT_FOUND" not in p] == []
    assert any("file:///assets/notfound.js" in p for p in watch.problems)


def test_build_error_banner_leaves_the_top_bar_usable(page: Page, built_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    article = site / urls.article("kabul-airport")
    problems = [f"content/articles/a{i}.yaml:{i}: error: invalid YAML: a long message about line {i}" for i in range(40)]
    article.write_bytes(inject_banner(article.read_bytes(), error_banner(problems)))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(article.as_uri())
    banner, topbar = page.locator("#build-error"), page.locator("header.topbar")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("a39.yaml:39")
    b, t = banner.bounding_box(), topbar.bounding_box()
    assert b is not None and t is not None
    assert b["y"] >= t["y"] + t["height"], (b, t)  # below the top bar, never over it
    assert b["height"] <= 0.45 * 800  # long lists scroll inside the banner
    # The top bar is on top where it is drawn, and its search works.
    hit = page.evaluate("() => document.elementFromPoint(innerWidth - 100, 20).closest('header.topbar') !== null")
    assert hit
    type_in_box(page, "panjshir casualties")
    expect(page.locator("#as-list [role=option]").first).to_be_visible()
    page.locator("header a.brand").click()
    expect(page.locator("h1")).to_have_text("Test Archive")


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "site"
    build(BuildOptions(seeds=ROOT / "seeds", content=ROOT / "content", out=out, whoosh=False, cache=False))
    return out


@pytest.mark.parametrize("name", sorted(SHOTS))
def test_the_pages_of_the_readme_screenshots_load_cleanly(page: Page, bundled_site: Path, name: str) -> None:
    """README.md shows docs/screenshots/<name>.png of these pages of the bundled archive (``make screenshots``
    takes them; a test that rewrote them could never fail): each page loads without a problem, and the README
    shows a picture that is there."""
    watch = Watch(page)
    page.goto((bundled_site / SHOTS[name]).as_uri())
    page.wait_for_load_state("load")
    expect(page.locator("main h1")).to_be_visible()
    assert watch.problems == [], watch.problems
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"](docs/screenshots/{name}.png)" in readme
    assert re.search(r"\bbundled archive\b", readme)
    picture = ROOT / "docs" / "screenshots" / f"{name}.png"
    assert picture.read_bytes().startswith(b"\x89PNG\r\n") and picture.stat().st_size > 20_000  # a real page
