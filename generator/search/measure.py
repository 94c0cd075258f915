"""Measure what a reader's browser downloads to search a built site, against the search budgets.

    python -m generator.search.measure SITE_DIR [--query TEXT ...] [--chromium PATH] [--json]

Serves SITE_DIR with Python's plain HTTP/1.1-era server (http.server, no
compression) on 127.0.0.1 and drives headless Chromium (Playwright) through
it.  The server counts every byte it sends, response headers included, and
every request, so the numbers are what went over the wire.  For each query,
each in a fresh browser context (empty cache):

* ``page_alone``: the search page with no query (HTML, CSS, scripts, and the
  index files it loads: meta, facets);
* ``page_first``: then the query typed into it, beyond ``page_alone``;
* ``page_next``: then the next query of the list on the same page;
* ``box_first`` / ``box_next``: the same in the top-bar box of the home page,
  beyond loading the home page.

Budgets (issue 7): page alone <= 150 KB; first query <= 50 KB and <= 30
requests; next query <= 15 KB and <= 20 requests (1 KB = 1,024 bytes); the
whole site <= 2 files per article.  Prints one JSON line per query and a
summary with the maxima and whether each budget holds.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
# Misspelt and transliterated names and words (Reuters), for --typos.
TYPO_QUERIES = ["volker federal reserve", "bundesbnak", "petroleos venezeula", "nakasone tokio", "opek quota"]
CHROMIUM = "/usr/lib/chromium/chromium"
KB = 1024
BUDGETS = {"page_alone": (150 * KB, None), "first": (50 * KB, 30), "next": (15 * KB, 20)}
QUIET_MS = 400  # no request for this long after the result status changed: the search is done


class Traffic:
    """Bytes and requests the server sent since the last ``take``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bytes = 0
        self.requests = 0
        self.last = time.monotonic()
        self.paths: list[str] = []

    def add(self, n: int) -> None:
        with self.lock:
            self.bytes += n
            self.last = time.monotonic()

    def request(self, path: str) -> None:
        with self.lock:
            self.requests += 1
            self.paths.append(path)
            self.last = time.monotonic()

    def take(self) -> dict:
        with self.lock:
            out = {"bytes": self.bytes, "requests": self.requests, "paths": self.paths}
            self.bytes, self.requests, self.paths = 0, 0, []
            return out


class _Counting:
    """A write-only file object that counts what passes through it."""

    def __init__(self, raw, traffic: Traffic) -> None:
        self.raw = raw
        self.traffic = traffic

    def write(self, data: bytes) -> int:
        self.traffic.add(len(data))
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a browser would use it
    traffic: Traffic

    def setup(self) -> None:
        super().setup()
        self.wfile = _Counting(self.wfile, self.traffic)  # type: ignore[assignment]

    def send_head(self):  # type: ignore[no-untyped-def]
        self.traffic.request(self.path.split("?")[0])
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _settle(page, traffic: Traffic, status: str) -> None:
    """Wait for the result status to be written, then for the requests to stop."""
    page.wait_for_function("(sel) => { const s = document.querySelector(sel); return s && s.textContent; }",
                           arg=status, timeout=60000)
    while time.monotonic() - traffic.last < QUIET_MS / 1000:
        page.wait_for_timeout(100)


def _blank(page, status: str) -> None:
    page.evaluate("(sel) => { const s = document.querySelector(sel); if (s) s.textContent = ''; }", status)


def _kind(path: str) -> str:
    if "/search/" in path and path.endswith(".js"):
        return path.rsplit("/search/", 1)[1].split("/")[0].removesuffix(".js")
    return "page"


def _cost(t: dict) -> dict:
    kinds: dict[str, int] = {}
    for p in t["paths"]:
        k = _kind(p)
        kinds[k] = kinds.get(k, 0) + 1
    return {"bytes": t["bytes"], "requests": t["requests"], "files": kinds}


def measure(site: Path, queries: list[str], chromium: str = CHROMIUM) -> list[dict]:
    """One dict per query: the cost of each scenario described in the module docstring."""
    from playwright.sync_api import sync_playwright

    traffic = Traffic()
    handler = functools.partial(type("H", (_Handler,), {"traffic": traffic}), directory=str(site))
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
                # the search page
                ctx = browser.new_context()
                page = ctx.new_page()
                traffic.take()
                page.goto(base + "search/index.html")
                _settle(page, traffic, "#as-page-status")
                row["page_alone"] = _cost(traffic.take())
                for name, text in (("page_first", q), ("page_next", nxt)):
                    _blank(page, "#as-page-status")
                    box = page.locator("#as-page-q")
                    box.fill(text)
                    box.press("Enter")
                    _settle(page, traffic, "#as-page-status")
                    row[name] = _cost(traffic.take())
                row["page_top"] = page.locator("#as-results [role=option]").first.get_attribute("data-id")
                ctx.close()
                # the top-bar box on the home page
                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(base + "index.html")
                page.wait_for_load_state("load")
                while time.monotonic() - traffic.last < QUIET_MS / 1000:
                    page.wait_for_timeout(100)
                traffic.take()
                for name, text in (("box_first", q), ("box_next", nxt)):
                    _blank(page, "#as-status")
                    page.locator("#as-q").fill(text)
                    _settle(page, traffic, "#as-status")
                    row[name] = _cost(traffic.take())
                ctx.close()
                rows.append(row)
            browser.close()
    finally:
        server.shutdown()
    return rows


def site_files(site: Path) -> dict:
    """Files in the site against the budget of 2 per article."""
    files = sum(1 for p in site.rglob("*") if p.is_file())
    articles = sum(1 for _ in (site / "articles").glob("*.html"))
    index = sum(1 for p in (site / "search").rglob("*") if p.is_file())
    return {"files": files, "articles": articles, "index_files": index,
            "files_per_article": round(files / max(articles, 1), 3),
            "index_files_per_article": round(index / max(articles, 1), 3)}


def summary(rows: list[dict], files: dict) -> dict:
    """Maxima per scenario and whether each budget holds."""
    out: dict = {"kind": "summary", "queries": len(rows), **files}
    ok = files["files_per_article"] <= 2
    out["budget_files_per_article"] = ok
    for scenario in ("page_alone", "page_first", "page_next", "box_first", "box_next"):
        b = max(r[scenario]["bytes"] for r in rows)
        n = max(r[scenario]["requests"] for r in rows)
        out[f"{scenario}_max_bytes"] = b
        out[f"{scenario}_max_requests"] = n
        limit_b, limit_n = BUDGETS[scenario.split("_", 1)[1] if scenario != "page_alone" else "page_alone"]
        holds = b <= limit_b and (limit_n is None or n <= limit_n)
        out[f"budget_{scenario}"] = holds
        ok = ok and holds
    out["all_budgets"] = ok
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.search.measure", description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--query", action="append", help="a query (repeatable); default: 10 Reuters queries")
    ap.add_argument("--typos", action="store_true", help="measure misspelt queries instead")
    ap.add_argument("--chromium", default=CHROMIUM)
    args = ap.parse_args(argv)
    if not (args.site / "search" / "meta.js").exists():
        print(f"error: {args.site}/search/meta.js not found: build the site first", file=sys.stderr)
        return 2
    queries = args.query or (TYPO_QUERIES if args.typos else DEFAULT_QUERIES)
    rows = measure(args.site, queries, args.chromium)
    for r in rows:
        print(json.dumps({"kind": "query", **r}))
    print(json.dumps(summary(rows, site_files(args.site))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
