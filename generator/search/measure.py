"""Measure what a reader's browser downloads to search a built site.

    python -m generator.search.measure SITE_DIR [--query TEXT ...] [--chromium PATH]

Serves SITE_DIR on 127.0.0.1, opens it in headless Chromium (Playwright) and
counts the bytes of every response under ``search/`` (index files only; the
engine itself, assets/search.js, is reported apart since the browser caches
it like any other page asset).  Per query, in a fresh browser context (empty
cache):

* ``first``: the home page, then the query put into the top-bar box at once;
* ``typed``: the same, typed one key at a time, 150 ms apart (as-you-type
  prefix searches load extra shards and cards on the way);
* ``next``: after ``first``, the next query of the list in the same page;
* ``page``: the full search page ``search/index.html?q=...`` with its facets.

Prints one JSON line per query and a summary line (medians and maxima).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

# The Reuters queries shared/peers/pagefind.py uses, so numbers compare.
DEFAULT_QUERIES = [
    "oil prices opec",
    "james baker dollar",
    "coffee quota brazil",
    "interest rates bundesbank",
    "trade deficit japan",
    "gold mining south africa",
    "takeover bid shares",
    "sugar harvest cuba",
    "volcker federal reserve",
    "wheat exports soviet union",
]
CHROMIUM = "/usr/lib/chromium/chromium"
# About 60 words a minute: between keys, the box's debounce (120 ms) sometimes fires.
TYPING_DELAY_MS = 150


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def index_size(site: Path) -> dict[str, int]:
    """Bytes of the index on disk, by part."""
    root = site / "search"
    parts = {"meta": 0, "shards": 0, "tails": 0, "cards": 0, "bodies": 0, "facets": 0, "ids": 0}
    names = {"t": "shards", "u": "tails", "d": "cards", "b": "bodies", "c": "bodies", "f": "facets"}
    files = 0
    for f in root.rglob("*.js"):
        rel = f.relative_to(root).parts
        key = names.get(rel[0], "meta" if rel[0] == "meta.js" else "ids")
        parts[key] += f.stat().st_size
        files += 1
    parts["total"] = sum(parts.values())
    parts["browser_total"] = parts["total"] - parts["ids"]  # ids.js is for the command line only
    parts["files"] = files
    return parts


class _Counter:
    """Sums response bytes under /search/ (index) and for assets/search.js (engine).

    Only URLs are recorded in the event handler (calling back into Playwright
    from there is unreliable); sizes come from the served files, which
    http.server sends byte for byte (no compression), so they are what went
    over the wire minus headers.
    """

    def __init__(self, site: Path) -> None:
        self.site = site
        self.urls: list[str] = []
        self.engine = 0

    def on_response(self, response) -> None:  # playwright Response
        self.urls.append(response.url.split("?")[0])

    def take(self) -> tuple[int, list[str]]:
        total, files = 0, []
        for url in self.urls:
            if "/search/" in url and url.endswith(".js"):
                rel = url.rsplit("/search/", 1)[1]
                files.append(rel)
                total += (self.site / "search" / rel).stat().st_size
            elif url.endswith("/assets/search.js"):
                self.engine = (self.site / "assets" / "search.js").stat().st_size
        self.urls = []
        return total, files


def _clear(page, selector: str) -> None:
    """Blank the live status so the next wait sees this search's own message."""
    page.evaluate("(sel) => { const s = document.querySelector(sel); if (s) s.textContent = ''; }", selector)


def _wait_results(page, selector: str) -> None:
    """Wait until the live status says something, then for late script loads to finish."""
    page.wait_for_function(
        "(sel) => { const s = document.querySelector(sel); return s && s.textContent; }",
        arg=selector,
        timeout=30000,
    )
    page.wait_for_timeout(400)


def _open(browser, site: Path, url: str) -> tuple:
    """A fresh browser context (empty cache) on ``url``, counting the search bytes it loads."""
    ctx = browser.new_context()
    page = ctx.new_page()
    counter = _Counter(site)
    page.on("response", counter.on_response)
    page.goto(url)
    return ctx, page, counter


def measure(site: Path, queries: list[str], chromium: str = CHROMIUM) -> list[dict]:
    """One dict per query with the byte counts described in the module docstring."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for i, q in enumerate(queries):
                nxt = queries[(i + 1) % len(queries)]
                row: dict = {"query": q, "next_query": nxt}
                # first + next, query set at once
                ctx, page, c = _open(browser, site, base + "index.html")
                page.wait_for_load_state("load")
                c.take()
                box = page.locator("#as-q")
                box.fill(q)
                _wait_results(page, "#as-status")
                row["first"], row["first_files"] = c.take()
                row["first_top"] = page.locator("#as-list [role=option]").first.get_attribute("data-id")
                _clear(page, "#as-status")
                box.fill(nxt)
                _wait_results(page, "#as-status")
                row["next"], _ = c.take()
                row["engine_js"] = c.engine
                ctx.close()
                # typed one key at a time
                ctx, page, c = _open(browser, site, base + "index.html")
                page.wait_for_load_state("load")
                c.take()
                page.locator("#as-q").press_sequentially(q, delay=TYPING_DELAY_MS)
                page.wait_for_timeout(300)
                _wait_results(page, "#as-status")
                row["typed"], _ = c.take()
                ctx.close()
                # the full search page, with facets
                ctx, page, c = _open(browser, site, base + "search/index.html?q=" + quote(q))
                _wait_results(page, "#as-page-status")
                row["page"], files = c.take()
                row["page_facet_bytes"] = sum(
                    (site / "search" / f).stat().st_size for f in files if f.startswith("f/")
                )
                ctx.close()
                rows.append(row)
            browser.close()
    finally:
        server.shutdown()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.search.measure", description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--query", action="append", help="a query (repeatable); default: 10 Reuters queries")
    ap.add_argument("--chromium", default=CHROMIUM)
    args = ap.parse_args(argv)
    if not (args.site / "search" / "meta.js").exists():
        print(f"error: {args.site}/search/meta.js not found", file=sys.stderr)
        return 2
    size = index_size(args.site)
    print(json.dumps({"kind": "index", **size}))
    rows = measure(args.site, args.query or DEFAULT_QUERIES, args.chromium)
    for r in rows:
        print(json.dumps({"kind": "query", **{k: v for k, v in r.items() if k != "first_files"}}))
    summary: dict = {"kind": "summary", "queries": len(rows)}
    for key in ("first", "typed", "next", "page", "page_facet_bytes"):
        vals = [r[key] for r in rows]
        summary[f"{key}_median"] = statistics.median(vals)
        summary[f"{key}_max"] = max(vals)
    summary["engine_js"] = rows[0]["engine_js"] if rows else 0
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
