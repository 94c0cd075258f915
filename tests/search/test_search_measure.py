"""The search budget measurement: its byte counting server and its verdicts (Chromium runs in test_search_browser)."""

from __future__ import annotations

import functools
import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

from generator.search import measure


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


def test_summary_applies_the_issue_budgets() -> None:
    files = {"files": 300, "articles": 150, "index_files": 100, "files_per_article": 2.0, "index_files_per_article": 0.667}
    ok = measure.summary([_row(), _row(page_next=(15 * 1024, 20))], files)
    assert ok["all_budgets"] is True and ok["page_next_max_bytes"] == 15 * 1024
    over = measure.summary([_row(page_next=(15 * 1024 + 1, 3)), _row(box_first=(1000, 31))], files)
    assert (over["budget_page_next"], over["budget_box_first"], over["budget_page_alone"]) == (False, False, True)
    assert over["all_budgets"] is False
    alone = measure.summary([_row(page_alone=(150 * 1024 + 1, 99))], files)
    assert alone["budget_page_alone"] is False
    many = measure.summary([_row()], {**files, "files_per_article": 2.01})
    assert many["budget_files_per_article"] is False and many["all_budgets"] is False


def test_site_files_counts_articles_and_index(tmp_path: Path) -> None:
    for rel in ("articles/a.html", "articles/b.html", "index.html", "search/meta.js", "search/t/_.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert measure.site_files(tmp_path) == {"files": 5, "articles": 2, "index_files": 2, "files_per_article": 2.5,
                                            "index_files_per_article": 1.0}


def test_missing_site_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert measure.main([str(tmp_path)]) == 2
    assert "search/meta.js not found" in capsys.readouterr().err
