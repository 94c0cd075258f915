"""The search budget measurement: its byte counting server, its verdicts, and one facet query in Chromium."""

from __future__ import annotations

import functools
import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

from generator.search import layout, measure
from generator.search.layout import article_url
from generator.search.queryset import Query


def test_server_counts_every_byte_it_sends_headers_included(tmp_path: Path) -> None:
    body = b"__as('meta',{});\n" * 40
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "meta.js").write_bytes(body)
    traffic = measure.Traffic()
    handler = functools.partial(type("H", (measure._Handler,), {"traffic": traffic}), directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/search/meta.js"
        with urllib.request.urlopen(url) as resp:
            assert resp.read() == body
            head = f"HTTP/1.1 {resp.status} {resp.reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in resp.getheaders())
        assert traffic.take() == {"bytes": len(head) + 2 + len(body), "requests": 1, "paths": ["/search/meta.js"]}
        try:
            urllib.request.urlopen(url.replace("meta.js", "nothing.js"))
            raise AssertionError("no 404")
        except urllib.error.HTTPError as e:
            assert e.code == 404
        missing = traffic.take()
        assert missing["requests"] == 1 and missing["paths"] == ["/search/nothing.js"] and missing["bytes"] > 0
    finally:
        server.shutdown()


def _row(**costs: tuple[int, int]) -> dict:
    base = {"page_alone": (100_000, 10), "page_first": (10_000, 10), "page_next": (10_000, 10),
            "box_first": (20_000, 10), "box_next": (10_000, 10)}
    base.update(costs)
    return {k: {"bytes": b, "requests": n, "files": {}} for k, (b, n) in base.items()}


def test_summary_applies_the_issue_budgets_to_medians_and_95th_percentiles() -> None:
    files = {"files": 300, "articles": 150, "index_files": 100, "files_per_article": 2.0, "index_files_per_article": 0.667}
    rows = [_row() for _ in range(19)] + [_row(page_next=(40 * 1024, 30))]
    ok = measure.summary(rows, files)
    assert ok["all_budgets"] is True and ok["page_next_p95_bytes"] == 10_000 and ok["page_next_max_bytes"] == 40 * 1024
    # one query in 20 may cost more (the 95th percentile is the 19th of 20), two may not
    two = measure.summary(rows[:18] + [_row(page_next=(40 * 1024 + 1, 3))] * 2, files)
    assert two["budget_page_next"] is False and two["page_next_p95_bytes"] == 40 * 1024 + 1
    median = measure.summary([_row(page_first=(20 * 1024 + 1, 3))] * 11 + [_row()] * 9, files)
    assert median["budget_page_first"] is False and median["budget_page_next"] is True
    requests = measure.summary([_row(box_first=(1000, 31))] * 2 + [_row()] * 18, files)
    assert requests["budget_box_first"] is False and requests["all_budgets"] is False
    alone = measure.summary([_row(page_alone=(150 * 1024 + 1, 99))], files)
    assert alone["budget_page_alone"] is False
    many = measure.summary([_row()], {**files, "files_per_article": 2.01})
    assert many["budget_files_per_article"] is False and many["all_budgets"] is False


def test_percentile_is_the_nearest_rank() -> None:
    assert measure.percentile(list(range(1, 101)), 0.95) == 95
    assert measure.percentile([5], 0.95) == 5
    assert measure.percentile([3, 1, 2], 0.5) == 2


def test_query_set_is_realistic_and_large_enough() -> None:
    from generator.search.queryset import MISSPELLINGS, QUERIES

    kinds = {q.kind for q in QUERIES}
    assert len(QUERIES) >= 100 and kinds == {"word", "name", "phrase", "typo", "facet"}
    assert len({q.text for q in QUERIES if not q.facets}) == sum(1 for q in QUERIES if not q.facets)
    assert len(MISSPELLINGS) >= 19 and all(k != v for k, v in MISSPELLINGS.items())


def test_site_files_counts_articles_and_index(tmp_path: Path) -> None:
    for rel in (article_url("a"), article_url("b"), "index.html", "search/meta.js", layout.path("t/_")):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert measure.site_files(tmp_path) == {"files": 5, "articles": 2, "index_files": 2, "files_per_article": 2.5,
                                            "index_files_per_article": 1.0}


def test_missing_site_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert measure.main([str(tmp_path)]) == 2
    assert "search/meta.js not found" in capsys.readouterr().err


def test_a_facet_query_opens_the_group_and_ticks_the_value(built_site: Path, browser) -> None:
    """As a reader: the group's list loads when it is opened, and its cost counts with the query's."""
    query = Query("taliban", "facet", {"entity": ["person:amrullah-saleh"]})
    [row] = measure.measure(built_site, [query, Query("kabul", "word")], box=False, browser=browser)[:1]
    assert row["page_first"]["files"].get("f") == 1  # f/person, opened for the tick
    assert "f" not in row["page_alone"]["files"]  # the empty page loads no value list
    assert row["page_top10"] and all(isinstance(i, str) for i in row["page_top10"])
