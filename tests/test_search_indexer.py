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
from generator.search.fixture import BODY_LEAD, FIXTURES, SHARD_TARGET, TIER_BLOCK, TIER_HEAD, fixture_docs
from generator.search.indexer import (
    ALPHABET,
    b36,
    encode_postings,
    encode_runs,
    impact_tiers,
    split_lead,
    utf16_key,
    write_browser_index,
    write_whoosh_index,
)

PUT = re.compile(r'^__as\("([^"]+)",(.*)\);\n$', re.DOTALL)


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


def term_postings(idx: dict[str, object]) -> dict[str, list[tuple[int, int]]]:
    """Every term's complete posting list (head + tail blocks), checking the tier invariants on the way."""
    out: dict[str, list[tuple[int, int]]] = {}
    for key, data in idx.items():
        if not key.startswith("t/"):
            continue
        terms, posts = data[0], data[1]
        tiers = {row[0]: row[1:] for row in (data[2] if len(data) > 2 else [])}
        for i, (term, post) in enumerate(zip(terms, posts, strict=True)):
            head = decode_postings(post)
            if i not in tiers:
                out[term] = head
                continue
            df, first, directory = tiers[i]
            blocks = decode_postings(directory)
            tail: list[tuple[int, int]] = []
            for j, (start, top) in enumerate(blocks):
                block = decode_postings(idx[f"u/{b36(first + j)}"])
                assert block[0][0] == start and max(q for _d, q in block) == top
                assert not tail or tail[-1][0] < start  # blocks follow doc order
                tail.extend(block)
            # the head holds the highest impacts: none in the tail is above the head's lowest
            assert min(q for _d, q in head) >= max(q for _d, q in tail)
            assert len(head) + len(tail) == df
            out[term] = sorted(head + tail)
    return out


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    write_browser_index(
        iter(fixture_docs()), out, shard_target=SHARD_TARGET, tier_head=TIER_HEAD, tier_block=TIER_BLOCK,
        body_lead=BODY_LEAD,
    )
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
        terms = data[0]
        assert terms == sorted(terms, key=utf16_key)
        for term in terms:
            assert bisect.bisect_right(bounds, utf16_key(term)) == int(key[2:], 36)
            seen.add(term)
    full = term_postings(idx)
    assert set(full) == seen
    assert sum(1 for key in idx if key.startswith("u/")) >= 10, "fixture should have tail blocks"
    for post in full.values():
        assert all(1 <= q <= meta["levels"] for _d, q in post)
    expected = set()
    for d in fixture_docs():
        expected.update(analyze(" ".join([d.title, d.summary, " ".join(e[1] for e in d.entities), d.body])))
    assert seen == expected


def test_postings_point_at_the_right_documents(site: Path) -> None:
    idx = read_index(site)
    docs = fixture_docs()
    postings = term_postings(idx)
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


def test_tiers_hold_the_same_postings_as_one_list(tmp_path: Path) -> None:
    """Tiering only moves postings: the same (doc, impact) pairs as an untiered build."""
    docs = [_doc(i, " ".join(["oil", "price"][: 1 + i % 2] * (1 + i % 5)) + f" w{i % 7}") for i in range(60)]
    write_browser_index(docs, tmp_path / "tiered", tier_head=5, tier_block=4)
    write_browser_index(docs, tmp_path / "flat", tier_head=10**9)
    tiered, flat = read_index(tmp_path / "tiered"), read_index(tmp_path / "flat")
    assert term_postings(tiered) == term_postings(flat)
    assert not any(k.startswith("u/") for k in flat)
    assert len(term_postings(tiered)["oil"]) == 60


def test_long_bodies_are_split_into_lead_and_rest(site: Path) -> None:
    idx = read_index(site)
    docs = fixture_docs()
    split = 0
    for n, d in enumerate(docs):
        body = idx[f"b/{b36(n)}"]
        if isinstance(body, list):
            split += 1
            assert len(body[0]) <= BODY_LEAD and body[0] + idx[f"c/{b36(n)}"] == d.body
        else:
            assert body == d.body and f"c/{b36(n)}" not in idx
    assert split >= 1
    lead, rest = split_lead("Alpha beta gamma.\n\nThree. " + "x " * 30, 24)
    assert (lead, rest[:5]) == ("Alpha beta gamma.\n\n", "Three")
    assert split_lead("short", 20) == ("short", "")
    assert split_lead("y" * 100, 20) == ("y" * 20, "y" * 80)


def test_impact_tiers_head_is_the_highest_impacts() -> None:
    tiers = impact_tiers([5, 9, 9, 1, 7, 9, 3], head=3, block=2)
    # the three 9s (newer first among equals), then doc order in blocks of 2
    assert tiers == [[1, 2, 5], [0, 3], [4, 6]]
    tiers = impact_tiers([5, 9, 9, 1, 7, 9, 3], head=2, block=10)
    assert tiers == [[2, 5], [0, 1, 3, 4, 6]]
    assert impact_tiers([1, 2], head=2) == [[0, 1]]


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


def test_client_ranks_tiered_index_like_the_untiered_one(tmp_path: Path) -> None:
    """The real search.js under Node: pruning by tail-block bounds gives the exhaustive top k.

    A deterministic Zipf-like corpus where common words have long lists cut into
    a head of 8 and blocks of 4, queried at several k, compared with the same
    corpus written untiered (every posting in the shard, no pruning possible).
    """
    import random

    from generator.search.cli import run_client

    if shutil.which("node") is None:
        pytest.fail("node is required for the client engine")
    rng = random.Random(7)
    vocab = [f"w{chr(97 + i % 26)}{chr(97 + i // 26)}x" for i in range(80)]
    weights = [1 / (r + 1) for r in range(len(vocab))]
    docs = [_doc(i, " ".join(rng.choices(vocab, weights, k=rng.randint(5, 60)))) for i in range(240)]
    write_browser_index(docs, tmp_path / "tiered", tier_head=8, tier_block=4)
    write_browser_index(docs, tmp_path / "flat", tier_head=10**9)
    assert sum(1 for _ in (tmp_path / "tiered" / "search" / "u").iterdir()) > 100
    queries = [(str(i), " ".join(rng.sample(vocab[:30], rng.randint(1, 4)))) for i in range(120)]
    for k in (1, 3, 10):
        assert run_client(tmp_path / "tiered", queries, k) == run_client(tmp_path / "flat", queries, k)
