"""Measure what a reader's browser downloads to search a built site, against the search budgets.

    python -m generator.search.measure SITE_DIR [--query TEXT ...] [--typos] [--chromium PATH]
    python -m generator.search.measure --reuters [--work DIR]      (make eval: imports and builds Reuters first)

Serves SITE_DIR with Python's plain HTTP/1.1-era server (http.server, no
compression) on 127.0.0.1 and drives headless Chromium (Playwright) through
it.  The server counts every byte it sends, response headers included, and
every request, so the numbers are what went over the wire.  For each query,
each in a fresh browser context (empty cache):

* ``page_alone``: the search page with no query (HTML, CSS, scripts, and the
  index files it loads: meta; a facet group's value list only once it is opened);
* ``page_first``: then the query typed into it, beyond ``page_alone``;
* ``page_next``: then the next query of the list on the same page;
* ``box_first`` / ``box_next``: the same in the top-bar box of the home page,
  beyond loading the home page.

A search is done when its status is written and its result list is no
longer ``aria-busy`` (the best known order shown while the exact one loads,
search-ui.js), and no request followed for ``QUIET_MS``.  A query of kind
``facet`` (queryset.py) then has its facet values ticked, as a reader would
(opening the value's group first, which loads its list): its cost is the
query and the refinement together.

The cost depends on the query, so budgets hold over a set (issue 18, the
default set is queryset.QUERIES, words, names, phrases, misspellings and
facets on Reuters): first query median <= 20 KB and 95th percentile <= 60 KB;
next query median <= 15 KB, p95 <= 40 KB; requests p95 <= 30; the search page
alone <= 150 KB (1 KB = 1,024 bytes); the whole site <= 2 files per article.
Prints one JSON line per query and a summary (median, p95 and max per
scenario, and whether each budget holds); with ``--reuters`` also whether the
page's top 10 equals ``query --engine client``'s for every query.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator.search.queryset import MISSPELLINGS, QUERIES, Query

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
# scenario kind -> (median bytes, p95 bytes, p95 requests); page_alone: its maximum bytes.
BUDGETS = {"page_alone": (None, 150 * KB, None), "first": (20 * KB, 60 * KB, 30), "next": (15 * KB, 40 * KB, 30)}
REPO = Path(__file__).resolve().parents[2]
REUTERS = REPO.parent / "shared" / "corpus" / "reuters21578"
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


_DONE = """([status, list]) => {
  const s = document.querySelector(status), l = document.querySelector(list);
  return s && s.textContent && !(l && l.getAttribute('aria-busy') === 'true');
}"""


def _settle(page, traffic: Traffic, status: str, listbox: str) -> None:
    """Wait for the result status to be written and the exact order shown, then for the requests to stop."""
    page.wait_for_function(_DONE, arg=[status, listbox], timeout=60000)
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


def _group_of(kind: str, value: str) -> str:
    """The facet group (search-ui.js data-facet-group) holding a value: "entity:place" for "place:japan"."""
    if kind in ("entity", "type"):
        return "entity:" + value.split(":")[0]
    return kind


def _open_group(page, traffic: Traffic, status: str, listbox: str, group: str) -> None:
    """Open a facet group as a reader does before ticking one of its values (its list loads then)."""
    details = page.locator(f"details[data-facet-group='{group}']")
    if details.count() and not details.evaluate("d => d.open"):
        details.locator("summary").click()
        details.locator("input").first.wait_for(timeout=60000)
        while time.monotonic() - traffic.last < QUIET_MS / 1000:
            page.wait_for_timeout(100)


def _search(page, traffic: Traffic, q: Query, field: str, status: str, listbox: str) -> dict:
    """Type a query (Enter on the search page) and tick its facets; what it cost.

    Facets ticked for the query before are unticked first, not counted: a reader
    starting a new search clears them."""
    # (click, not uncheck: the facet list is rebuilt by the search the click starts)
    while page.locator("input[data-facet]:checked").count():
        _blank(page, status)
        page.locator("input[data-facet]:checked").first.click()
        _settle(page, traffic, status, listbox)
    traffic.take()
    _blank(page, status)
    box = page.locator(field)
    box.fill(q.text)
    if field == "#as-page-q":
        box.press("Enter")
    _settle(page, traffic, status, listbox)
    for kind, values in q.facets.items() if field == "#as-page-q" else ():
        for v in values:
            _open_group(page, traffic, status, listbox, _group_of(kind, v))
            tick = page.locator(f"input[data-facet={kind}][value='{v}']")
            if not tick.count():
                raise RuntimeError(f"facet {kind}={v} not offered for {q.text!r}")
            _blank(page, status)
            tick.click()
            _settle(page, traffic, status, listbox)
    return _cost(traffic.take())


def measure(site: Path, queries: list[Query], chromium: str = CHROMIUM, box: bool = True,
            each: Callable[[dict], None] | None = None, sort: str = "", browser=None) -> list[dict]:
    """One dict per query: the cost of each scenario described in the module docstring (``each`` sees it at once).

    ``sort`` ("new", "old") opens the search page in that date order, so its queries are sorted by date.
    ``browser``: a Playwright browser to use (tests pass theirs); by default Chromium is launched here.
    """
    if browser is not None:
        return _measure(browser, site, queries, box, each, sort)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            return _measure(launched, site, queries, box, each, sort)
        finally:
            launched.close()


def _measure(browser, site: Path, queries: list[Query], box: bool, each: Callable[[dict], None] | None,
             sort: str) -> list[dict]:
    traffic = Traffic()
    handler = functools.partial(type("H", (_Handler,), {"traffic": traffic}), directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        for i, q in enumerate(queries):
            nxt = queries[(i + 1) % len(queries)]
            row: dict = {"query": q.text, "query_kind": q.kind, "facets": q.facets, "next_query": nxt.text}
            # the search page
            ctx = browser.new_context()
            page = ctx.new_page()
            traffic.take()
            page.goto(base + "search/index.html" + (f"?sort={sort}" if sort else ""))
            _settle(page, traffic, "#as-page-status", "#as-results")
            row["page_alone"] = _cost(traffic.take())
            row["page_first"] = _search(page, traffic, q, "#as-page-q", "#as-page-status", "#as-results")
            row["page_top10"] = page.eval_on_selector_all(
                "#as-results [role=option]", "ns => ns.slice(0, 10).map(n => n.getAttribute('data-id'))")
            row["page_next"] = _search(page, traffic, nxt, "#as-page-q", "#as-page-status", "#as-results")
            ctx.close()
            if not box:
                rows.append(row)
                if each:
                    each(row)
                continue
            # the top-bar box on the home page
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(base + "index.html")
            page.wait_for_load_state("load")
            while time.monotonic() - traffic.last < QUIET_MS / 1000:
                page.wait_for_timeout(100)
            traffic.take()
            row["box_first"] = _search(page, traffic, q, "#as-q", "#as-status", "#as-list")
            row["box_next"] = _search(page, traffic, nxt, "#as-q", "#as-status", "#as-list")
            ctx.close()
            rows.append(row)
            if each:
                each(row)
    finally:
        server.shutdown()
    return rows


def site_files(site: Path) -> dict:
    """Files in the site against the budget of 2 per article."""
    files = sum(1 for p in site.rglob("*") if p.is_file())
    articles = sum(1 for _ in (site / "articles").rglob("*.html"))  # in hash buckets (generator.util.folders)
    index = sum(1 for p in (site / "search").rglob("*") if p.is_file())
    return {"files": files, "articles": articles, "index_files": index,
            "files_per_article": round(files / max(articles, 1), 3),
            "index_files_per_article": round(index / max(articles, 1), 3)}


def percentile(values: list[int], p: float) -> int:
    """The nearest-rank percentile: the smallest value at least p of the values are not above."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def summary(rows: list[dict], files: dict) -> dict:
    """Median, 95th percentile and maximum per scenario, and whether each budget holds."""
    out: dict = {"kind": "summary", "queries": len(rows), **files}
    ok = files["files_per_article"] <= 2
    out["budget_files_per_article"] = ok
    for scenario in ("page_alone", "page_first", "page_next", "box_first", "box_next"):
        if not all(scenario in r for r in rows):
            continue
        bs = [r[scenario]["bytes"] for r in rows]
        ns = [r[scenario]["requests"] for r in rows]
        for name, f in (("median", statistics.median_low), ("p95", lambda v: percentile(v, 0.95)), ("max", max)):
            out[f"{scenario}_{name}_bytes"] = f(bs)
            out[f"{scenario}_{name}_requests"] = f(ns)
        median_b, p95_b, p95_n = BUDGETS[scenario.split("_", 1)[1] if scenario != "page_alone" else "page_alone"]
        if scenario == "page_alone":
            holds = max(bs) <= p95_b
        else:
            holds = (out[f"{scenario}_median_bytes"] <= median_b and out[f"{scenario}_p95_bytes"] <= p95_b
                     and out[f"{scenario}_p95_requests"] <= p95_n)
        out[f"budget_{scenario}"] = holds
        ok = ok and holds
    out["all_budgets"] = ok
    return out


def build_reuters(work: Path) -> Path:
    """Import the shared Reuters corpus into ``work`` (once) and build it (incrementally: the assets change); the site."""
    site = work / "site"
    py = sys.executable
    if not (work / "seeds").is_dir():
        subprocess.run([py, "-m", "generator", "import", "jsonl", str(REUTERS / "articles.jsonl"),
                        "--labels", str(REUTERS / "entity_labels.json"), "--seeds", str(work / "seeds"),
                        "--content", str(work / "content")], cwd=REPO, check=True, capture_output=True)
    subprocess.run([py, "-m", "generator", "build", "--seeds", str(work / "seeds"), "--content", str(work / "content"),
                    "--out", str(site), "--no-whoosh", "--quiet"], cwd=REPO, check=True, capture_output=True)
    return site


def same_as_cli(site: Path, rows: list[dict], sort: str = "") -> dict:
    """Whether the search page's top 10 equals ``query --engine client``'s (``--sort``), on every query without facets."""
    from generator.search.cli import run_client

    plain = [r for r in rows if not r["facets"]]
    cli = run_client(site, [(None, r["query"]) for r in plain], 10, options={"sort": sort} if sort else None)
    differ = [r["query"] for r, ids in zip(plain, cli, strict=True) if r["page_top10"] != ids]
    return {"kind": "ui_vs_cli", "queries": len(plain), "same": len(plain) - len(differ), "differ": differ}


def spelling_check(site: Path) -> dict:
    """queryset.MISSPELLINGS searched one word at a time: found (the meant word is the correction), and none empty."""
    from generator.search.analysis import stem
    from generator.search.cli import client_rows

    typed = list(MISSPELLINGS)
    rows = client_rows(site, [(None, t) for t in typed], 10)
    found, missed, empty = 0, [], []
    for t, row in zip(typed, rows, strict=True):
        meant = MISSPELLINGS[t]
        got = [c["to"] for c in row["corrections"]]
        if got[:1] == [meant] or (not got and stem(t) == stem(meant)):  # "delor" finds "delors" by its stem
            found += 1
        else:
            missed.append(f"{t} -> {got[0] if got else '(none)'} (meant {meant})")
        if not row["results"] and not got:
            empty.append(t)
    return {"kind": "spelling", "misspellings": len(typed), "found": found, "missed": missed,
            "empty_without_suggestion": empty}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.search.measure", description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path, nargs="?")
    ap.add_argument("--query", action="append", help="a query (repeatable); default: queryset.QUERIES")
    ap.add_argument("--typos", action="store_true", help="measure the 5 misspelt queries of issue 7 instead")
    ap.add_argument("--pagefind", action="store_true", help="measure the 10 queries of shared/peers/pagefind.py")
    ap.add_argument("--reuters", action="store_true", help="import and build Reuters (in --work) and measure it")
    ap.add_argument("--work", type=Path, help="with --reuters: where to build (kept; reused when built)")
    ap.add_argument("--no-box", action="store_true", help="measure the search page only")
    ap.add_argument("--sort", choices=("new", "old"), help="the search page's queries in date order (the box has none)")
    ap.add_argument("--chromium", default=CHROMIUM)
    args = ap.parse_args(argv)
    if args.reuters:
        if not (REUTERS / "articles.jsonl").exists():
            print(f"error: {REUTERS} not found", file=sys.stderr)
            return 2
        work = args.work or Path(tempfile.mkdtemp(prefix="search-measure-"))
        args.site = build_reuters(work)
    if args.site is None or not (args.site / "search" / "meta.js").exists():
        print(f"error: {args.site}/search/meta.js not found: build the site first", file=sys.stderr)
        return 2
    if args.query:
        queries = [Query(t, "given") for t in args.query]
    elif args.typos or args.pagefind:
        queries = [Query(t, "given") for t in (TYPO_QUERIES if args.typos else DEFAULT_QUERIES)]
    else:
        queries = QUERIES
    rows = measure(args.site, queries, args.chromium, box=not args.no_box and not args.sort, sort=args.sort or "",
                   each=lambda r: print(json.dumps({"kind": "query", **r}), flush=True))
    out = summary(rows, site_files(args.site))
    print(json.dumps(out))
    if args.reuters:
        print(json.dumps(same_as_cli(args.site, rows, args.sort or "")))
        print(json.dumps(spelling_check(args.site)))
    print(report(out), file=sys.stderr)
    return 0


def report(s: dict) -> str:
    """The summary as a small table for people."""
    lines = [f"{s['queries']} queries; bytes (1 KB = 1,024 B) and requests per query, median / p95 / max"]
    for scenario in ("page_alone", "page_first", "page_next", "box_first", "box_next"):
        if f"{scenario}_median_bytes" not in s:
            continue
        b = " / ".join(f"{s[f'{scenario}_{k}_bytes'] / KB:.1f}" for k in ("median", "p95", "max"))
        n = " / ".join(str(s[f"{scenario}_{k}_requests"]) for k in ("median", "p95", "max"))
        lines.append(f"  {scenario:<11} {b:>22} KB   {n:>12} requests   budget {'ok' if s[f'budget_{scenario}'] else 'MISSED'}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
