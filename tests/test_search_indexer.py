"""The browser index writer, the whoosh writer, the query CLI and the eval metrics."""

from __future__ import annotations

import bisect
import json
import re
import shutil
from pathlib import Path

import pytest

from generator import evaluate
from generator.search import SearchDoc
from generator.search.analysis import analyze
from generator.search.cli import run_query
from generator.search.fixture import FIXTURES, SHARD_TARGET, fixture_docs
from generator.search.indexer import (
    ALPHABET,
    b36,
    encode_postings,
    encode_runs,
    utf16_key,
    write_browser_index,
    write_whoosh_index,
)

PUT = re.compile(r'^__archiveSearch\.put\("([^"]+)",(.*)\);\n$', re.DOTALL)


def read_index(site: Path) -> dict[str, object]:
    """Every index file as key -> data, checking the script wrapper on the way."""
    out = {}
    for f in sorted((site / "search").rglob("*.js")):
        m = PUT.match(f.read_text(encoding="ascii"))
        assert m, f
        key = f.relative_to(site / "search").with_suffix("").as_posix()
        assert m.group(1) == key
        out[key] = json.loads(m.group(2))
    return out


def decode_postings(s: str) -> list[tuple[int, int]]:
    code = {c: i for i, c in enumerate(ALPHABET)}
    out, i, prev = [], 0, -1
    while i < len(s):
        v = 0
        while code[s[i]] >= 32:
            v = v * 32 + code[s[i]] - 32
            i += 1
        v = v * 32 + code[s[i]]
        prev += v
        out.append((prev, code[s[i + 1]]))
        i += 2
    return out


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    write_browser_index(iter(fixture_docs()), out, shard_target=SHARD_TARGET)
    return out


def test_committed_fixture_is_current_and_build_is_deterministic(site: Path) -> None:
    """Byte-identical to the committed copy (regenerate: python -m generator.search.fixture)."""
    committed = FIXTURES / "search_site" / "search"
    mine = sorted(p.relative_to(site / "search") for p in (site / "search").rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert mine == theirs
    for rel in mine:
        assert (site / "search" / rel).read_bytes() == (committed / rel).read_bytes(), rel


def test_writes_only_under_search_and_starts_afresh(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "search" / "t").mkdir(parents=True)
    (out / "search" / "t" / "stale.js").write_text("old")
    (out / "index.html").write_text("page")
    docs = fixture_docs()
    stats = write_browser_index((d for d in docs), out)  # a generator: consumed once
    assert stats.docs == len(docs)
    assert not (out / "search" / "t" / "stale.js").exists()
    assert (out / "index.html").read_text() == "page"
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "search"]
    files = [p for p in (out / "search").rglob("*") if p.is_file()]
    assert stats.files == len(files)
    assert stats.bytes == sum(p.stat().st_size for p in files)


def test_every_term_is_in_the_shard_meta_points_to(site: Path) -> None:
    idx = read_index(site)
    meta = idx["meta"]
    bounds = [utf16_key(b) for b in meta["shards"].split(" ")]
    assert len(bounds) >= 5, "fixture should have several shards"
    seen = set()
    for key, data in idx.items():
        if not key.startswith("t/"):
            continue
        terms, posts = data
        assert terms == sorted(terms, key=utf16_key)
        for term, post in zip(terms, posts, strict=True):
            assert bisect.bisect_right(bounds, utf16_key(term)) == int(key[2:], 36)
            seen.add(term)
            assert all(1 <= q <= meta["levels"] for _d, q in decode_postings(post))
    expected = set()
    for d in fixture_docs():
        expected.update(analyze(" ".join([d.title, d.summary, " ".join(e[1] for e in d.entities), d.body])))
    assert seen == expected


def test_postings_point_at_the_right_documents(site: Path) -> None:
    idx = read_index(site)
    docs = fixture_docs()
    postings = {}
    for key, data in idx.items():
        if key.startswith("t/"):
            postings.update({t: decode_postings(p) for t, p in zip(*data, strict=True)})
    for n, d in enumerate(docs):
        assert idx[f"d/{b36(n)}"]["id"] == d.id
    fight_docs = {docs[n].id for n, _q in postings["fight"]}
    assert fight_docs == {"panjshir-battle", "fighting-report"}
    # title words weigh more than the same word once in a long body
    imp = dict(postings["panjshir"])
    battle = next(i for i, d in enumerate(docs) if d.id == "panjshir-battle")
    profile = next(i for i, d in enumerate(docs) if d.id == "saleh-profile")
    assert imp[battle] > imp[profile]
    assert idx["ids"] == [d.id for d in docs]


def test_years_are_runs_and_facets_list_documents(site: Path) -> None:
    meta = read_index(site)["meta"]
    assert meta["years"] == [["", 0, 0], ["2019", 1, 1], ["2020", 2, 2], ["2021", 3, 7]]
    assert [t[0] for t in meta["types"]] == ["org", "person", "place"]


def test_encoders() -> None:
    assert encode_postings([0, 40, 1040], [5, 63, 1]) == "15x8__81"
    assert encode_runs([0, 1, 2, 3, 10, 12, 13]) == "33e51"
    assert encode_runs(range(21578)) == encode_runs(range(21578))
    assert len(encode_runs(range(21578))) <= 6


def test_empty_corpus(tmp_path: Path) -> None:
    stats = write_browser_index([], tmp_path / "site")
    assert stats.docs == 0
    assert (tmp_path / "site" / "search" / "meta.js").exists()


def _doc(i: int, body: str) -> SearchDoc:
    return SearchDoc(id=f"a{i}", url=f"articles/a{i}.html", title=f"Story {i}", date=f"1987-03-0{i % 9 + 1}",
                     source="Wire", summary="", body=body, entities=())


def test_index_time_is_linear(tmp_path: Path) -> None:
    """Twice the documents must not cost much more than twice the time (no quadratic steps)."""
    import time

    words = ["oil", "price", "opec", "market", "trade", "bank", "rate", "dollar", "yen", "gold", "wheat", "sugar"]

    def docs(n: int) -> list[SearchDoc]:
        return [_doc(i, " ".join(words[(i * 7 + k) % len(words)] + str(k % 50) for k in range(120))) for i in range(n)]

    small, big = docs(1500), docs(6000)
    t0 = time.perf_counter()
    write_browser_index(small, tmp_path / "s")
    t1 = time.perf_counter()
    write_browser_index(big, tmp_path / "b")
    t2 = time.perf_counter()
    assert (t2 - t1) < 8 * (t1 - t0) + 0.5


def test_whoosh_index_and_cli(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_whoosh_index(iter(fixture_docs()), Path(str(site) + ".whoosh"))
    assert run_query(["--site", str(site), "--engine", "whoosh", "panjshir"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["query_id"] is None
    assert set(row["results"]) == {"panjshir-battle", "saleh-profile"}
    if shutil.which("node") is None:
        pytest.fail("node is required for the client engine")
    assert run_query(["--site", str(site), "--engine", "client", "--limit", "1", "fighters"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["query_id"] is None and len(row["results"]) == 1
    assert row["results"][0] in {"panjshir-battle", "fighting-report"}
    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": "q1", "text": "oil opec"}\n{"id": 2, "text": "\\"northern alliance\\""}\n'
                     '{"id": "q3", "text": "<script>"}\n')
    for engine in ("client", "whoosh"):
        assert run_query(["--site", str(site), "--engine", engine, "--queries", str(qfile)]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [r["query_id"] for r in rows] == ["q1", 2, "q3"]
        assert rows[0]["results"][0] == "oil-prices"
        assert rows[1]["results"][0] == "panjshir-battle"
    assert run_query(["--site", str(tmp_path / "nowhere"), "x"]) == 2


def test_metrics_follow_trec_eval() -> None:
    rels = {"a": 2, "b": 0, "c": 1}
    assert evaluate.average_precision(["a", "b", "c"], rels) == pytest.approx((1 + 2 / 3) / 2)
    assert evaluate.precision_at(["a"], rels) == 0.1
    ideal = 2 + 1 / 1.584962500721156
    assert evaluate.ndcg_at(["c", "a"], rels) == pytest.approx((1 + 2 / 1.584962500721156) / ideal)
    s = evaluate.evaluate({"q1": ["a", "a", "c"]}, {"q1": rels, "q2": {"x": 0}})
    assert s.queries == 1 and s.map == pytest.approx(1.0)


def test_eval_without_collections_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main(["--ir", str(tmp_path)]) == 2
    assert "not found" in capsys.readouterr().err
