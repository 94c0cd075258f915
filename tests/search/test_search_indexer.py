"""The browser index writer, the whoosh writer, the query CLI and the eval metrics."""

from __future__ import annotations

import bisect
import json
import random
import re
import shutil
from pathlib import Path

import pytest

from generator import evaluate
from generator.search import SearchDoc, layout, whoosh_docs
from generator.search.analysis import analyze, keep, spell_keys, spellable, words
from generator.search.browser_index import doc_digest
from generator.search.cli import run_query
from generator.search.encoding import (
    ALPHABET,
    b36,
    decode_docs,
    decode_runs,
    default_name,
    encode_docs,
    encode_postings,
    encode_runs,
    file_name,
    front_code,
    utf16_key,
)
from generator.search.fixture import FACETS, FIXTURES, PARAMS, fixture_docs
from generator.search.impacts import split_tiers
from generator.search.indexer import write_browser_index
from generator.search.layout import Params, df_digit, lexicon_key, split_lead

PUT = re.compile(r'^__as\("([^"]+)",(.*)\);\n$', re.DOTALL)


def read_index(site: Path) -> dict[str, object]:
    """Every index file as key -> data, checking the script wrapper on the way."""
    out = {}
    for f in sorted((site / "search").rglob("*.js")):
        m = PUT.match(f.read_text(encoding="ascii"))
        assert m, f
        key = layout.key_of(f.relative_to(site).as_posix())
        assert layout.path(key) == f.relative_to(site).as_posix()
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


def separators(meta: dict) -> list[str]:
    """meta's front-coded separators, decoded (A-Z: how many characters the one before shares)."""
    out: list[str] = []
    for w in meta["shards"].split(" ") if meta["shards"] else []:
        if "A" <= w[0] <= "Z":
            w = out[-1][: ord(w[0]) - 64] + w[1:]
        out.append(w)
    return out


def shard_keys(meta: dict) -> list[str]:
    """Shard file keys in term order, as the engine derives them from the separators."""
    return ["t/_"] + [f"t/{file_name(s)}" for s in separators(meta)]


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
            df, directory = tiers[i]
            blocks = decode_postings(directory)
            tail: list[tuple[int, int]] = []
            for start, top in blocks:
                block = decode_postings(idx[f"u/{file_name(term)}.{b36(start)}"])
                assert block[0][0] == start and max(q for _d, q in block) == top
                assert not tail or tail[-1][0] < start  # blocks follow doc order
                tail.extend(block)
            # the head holds the highest impacts: none in the tail is above the head's lowest
            assert min(q for _d, q in head) >= max(q for _d, q in tail)
            assert len(head) + len(tail) == df
            out[term] = sorted(head + tail)
    return out


def cards(idx: dict[str, object], n: int) -> list[list]:
    """Every document's card, from the bundles, in number order."""
    per = idx["meta"]["bundle"]
    return [idx[f"d/{b36(d // per)}"][d % per] for d in range(n)]


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    write_browser_index(fixture_docs(), out, PARAMS, FACETS)
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
    (out / "search" / "index.html").write_text("search page")
    (out / "index.html").write_text("page")
    docs = fixture_docs()
    stats = write_browser_index((d for d in docs), out)  # a generator: consumed once
    assert stats.docs == len(docs)
    assert not (out / "search" / "t" / "stale.js").exists()
    assert (out / "index.html").read_text() == "page"
    assert (out / "search" / "index.html").read_text() == "search page"
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "search"]
    files = [p for p in (out / "search").rglob("*.js") if p.is_file()]
    assert stats.files == len(files)
    assert stats.bytes == sum(p.stat().st_size for p in files)


def test_every_term_is_in_the_shard_meta_points_to(site: Path) -> None:
    idx = read_index(site)
    meta = idx["meta"]
    keys = shard_keys(meta)
    assert len(keys) >= 5, "fixture should have several shards"
    assert sorted(keys) == sorted(k for k in idx if k.startswith("t/"))
    bounds = [utf16_key(b) for b in separators(meta)]
    seen = set()
    for key, data in idx.items():
        if not key.startswith("t/"):
            continue
        terms = data[0]
        assert terms == sorted(terms, key=utf16_key)
        for term in terms:
            assert keys[bisect.bisect_right(bounds, utf16_key(term))] == key
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
    assert [c[0] for c in cards(idx, len(docs))] == [d.id for d in docs]
    # standard Porter: "fighters"/"fighter" -> "fighter", "fighting" -> "fight"
    assert {docs[n].id for n, _q in postings["fighter"]} == {"panjshir-battle", "fighting-report"}
    assert {docs[n].id for n, _q in postings["fight"]} == {"fighting-report"}
    # title words weigh more than the same word once in a long body
    imp = dict(postings["panjshir"])
    battle = next(i for i, d in enumerate(docs) if d.id == "panjshir-battle")
    profile = next(i for i, d in enumerate(docs) if d.id == "saleh-profile")
    assert imp[battle] > imp[profile]


def test_cards_hold_what_the_results_show(site: Path) -> None:
    idx = read_index(site)
    docs = fixture_docs()
    for d, c in zip(docs, cards(idx, len(docs)), strict=True):
        full = c + [""] * (9 - len(c))  # trailing empty fields are left out
        assert full[0:3] == [d.id, d.title, d.date or ""]
        assert (full[4] or []) == [[name, typ] for _eid, name, typ in d.entities[:3]] and full[5] == (d.source or "")
        assert full[8] in ("", d.url) and (full[8] or layout.article_url(d.id)) == d.url


def test_years_are_runs_and_facets_list_documents(site: Path) -> None:
    idx = read_index(site)
    meta = idx["meta"]
    # [year, first doc, last doc, [month, its first doc, ...]]: a date range is a range of numbers
    assert meta["years"] == [["", 0, 0], ["2019", 1, 1, [3, 1]], ["2020", 2, 2, [6, 2]],
                             ["2021", 3, 7, [9, 3, 10, 6, 11, 7]], ["2022", 8, 14, [4, 8]]]
    # every facet alike, in the order given: [label, file, values, URL parameter, entity type]
    assert meta["facets"] == [["People", "f/person", 4, "entity", "person"], ["Organisations", "f/org", 3, "entity", "org"],
                              ["Places", "f/place", 3, "entity", "place"], ["Tags", "f/_tag", 2, "tag"],
                              ["Sources", "f/_source", 3, "source"], ["Desks", "f/_desk", 1, "desk"]]
    # [key, documents (encode_docs), name unless it is the key's default_name], by name.  Runs ("0"): Massoud
    # in doc 3 ((3 + 1) * 2 = "8"), Conflict in doc 4 ("a" = 10); bitmaps ("1"): Saleh in docs 2-3 (001100 =
    # "c"), Afghanistan in docs 1, 3-4 (010110 = "m")
    assert idx["f/person"][:2] == [["ahmad-massoud", "08"], ["amrullah-saleh", "1c"]]
    assert idx["f/_tag"] == [["afghanistan", "1m"], ["conflict", "0a"]]
    assert idx["f/org"][1] == ["opec", "0e", "OPEC"] and idx["f/place"][2] == ["zurich", "0g", "Zürich"]


def test_lexicon_holds_every_spellable_word_under_its_three_keys(site: Path) -> None:
    """Each word of >= 4 letters is in the files of its three spelling keys, with its df as a log2 digit."""
    idx = read_index(site)
    files = idx["meta"]["lexicon"]
    lexicon: dict[str, dict[str, int]] = {}
    for key, data in idx.items():
        if key.startswith("w/"):
            lexicon[key] = {e[:-1]: int(e[-1]) for e in data.split(" ")}
    df: dict[str, int] = {}
    for d in fixture_docs():
        text = " ".join([d.title, d.summary, " ".join(e[1] for e in d.entities), d.body])
        for w in {w for w in words(text) if spellable(w) and keep(w)}:
            df[w] = df.get(w, 0) + 1
    assert "mourinho" in df and "valley" in df
    for w, n in df.items():
        for k in spell_keys(w):
            assert lexicon[lexicon_key(k, files)][w] == df_digit(n), w
    assert sum(len(v) for v in lexicon.values()) <= 3 * len(df)
    assert df_digit(1) == 0 and df_digit(8) == 3 and df_digit(10**6) == 9


def test_tiers_hold_the_same_postings_as_one_list(tmp_path: Path) -> None:
    """Tiering only moves postings: the same (doc, impact) pairs as an untiered build."""
    docs = [_doc(i, " ".join(["oil", "price"][: 1 + i % 2] * (1 + i % 5)) + f" w{i % 7}") for i in range(60)]
    write_browser_index(docs, tmp_path / "tiered", Params(head=5, block=4))
    write_browser_index(docs, tmp_path / "flat", Params(head=10**9))
    tiered, flat = read_index(tmp_path / "tiered"), read_index(tmp_path / "flat")
    assert term_postings(tiered) == term_postings(flat)
    assert not any(k.startswith("u/") for k in flat)
    assert len(term_postings(tiered)["oil"]) == 60


def test_long_bodies_are_split_into_lead_and_rest(site: Path) -> None:
    idx = read_index(site)
    docs = fixture_docs()
    split = 0
    for n, (d, c) in enumerate(zip(docs, cards(idx, len(docs)), strict=True)):
        lead = c[3] if len(c) > 3 else ""
        if len(c) > 6 and c[6]:
            split += 1
            rest = idx[f"c/{b36(n // PARAMS.rest_bundle)}"][n % PARAMS.rest_bundle]
            assert len(lead) <= PARAMS.lead and lead + rest == d.body
        else:
            assert lead == d.body
    assert split >= 1
    lead, rest = split_lead("Alpha beta gamma.\n\nThree. " + "x " * 30, 24)
    assert (lead, rest[:5]) == ("Alpha beta gamma.\n\n", "Three")
    assert split_lead("short", 20) == ("short", "")
    assert split_lead("y" * 100, 20) == ("y" * 20, "y" * 80)


def test_split_tiers_head_is_the_highest_impacts() -> None:
    # the three 9s (newer first among equals) in the head; the rest in doc order, one block per posting
    head, blocks = split_tiers([0, 1, 2, 3, 4, 5, 6], [5, 9, 9, 1, 7, 9, 3], head=3, block=1)
    assert (head, blocks) == ([1, 2, 5], [[0], [3], [4], [6]])
    head, blocks = split_tiers([0, 1, 2, 3, 4, 5, 6], [5, 9, 9, 1, 7, 9, 3], head=2, block=10**6)
    assert (head, blocks) == ([2, 5], [[0, 1, 3, 4, 6]])
    assert split_tiers([0, 1], [1, 2], head=2, block=4) == ([0, 1], [])


def test_tail_block_boundaries_do_not_move_when_a_posting_joins() -> None:
    """Content-defined boundaries: one more posting changes one block, not every later one."""
    docs = list(range(0, 4000, 3))
    impacts = [1] * len(docs)
    _h, before = split_tiers(docs, impacts, head=0, block=8)
    grown = sorted([*docs, 1000])
    _h, after = split_tiers(grown, [1] * len(grown), head=0, block=8)
    firsts = {docs[b[0]] for b in before}
    assert len(before) > 50
    assert len(firsts ^ {grown[b[0]] for b in after}) <= 2
    assert sum(1 for b in before if len(b) > 32) == 0  # capped at 4 x block


def test_encoders() -> None:
    assert encode_postings([0, 40, 1040], [5, 63, 1]) == "15x8__81"
    assert encode_runs([0, 1, 2, 3, 10, 12, 13]) == "33e51"
    # one run: (gap 1) * 2 + 1, then length - 1 = 21577 = 21*32^2 + 2*32 + 9
    assert encode_runs(range(21578)) == "3Ry9"
    assert b36(0) == "0" and b36(36 * 36 + 1) == "101"


def test_facet_documents_take_the_shortest_code_and_decode_back() -> None:
    """encode_docs: runs for long runs, a bitmap for a value in most documents, Rice-coded gaps otherwise; the
    literals are the ones tests/js/engine.test.js decodes (decodeDocs)."""
    assert encode_docs([0, 1, 2, 3, 10, 12, 13]) == "1Y2M"  # bitmap 111100 000010 110000
    assert encode_docs(range(21578)) == "03Ry9"  # one run, as encode_runs writes it
    assert encode_docs([0, 64, 200, 201, 1000]) == "9wbZ3M04Y"  # Rice, k = 7 ("9" = ALPHABET[2 + 7])
    assert encode_docs([]) == "0"
    rng = random.Random(18)
    for _ in range(400):
        n = rng.choice([1, 7, 60, 700, 21578])
        p = rng.random() ** 3
        docs = [d for d in range(n) if rng.random() < p]
        text = encode_docs(docs)
        assert decode_docs(text) == docs
        assert len(text) <= 1 + len(encode_runs(docs))  # never longer than the runs it replaces
        assert decode_runs(encode_runs(docs)) == docs
    # Reuters' "usa" (most documents) as a bitmap: ~N/6 characters, where runs took 5.8 KB
    dense = [d for d in range(21270) if rng.random() < 0.58]
    assert encode_docs(dense)[0] == "1" and len(encode_docs(dense)) <= 21270 // 6 + 2
    # a value in 1 document of 100: Rice, under half of what runs cost
    sparse = sorted(rng.sample(range(21270), 212))
    assert encode_docs(sparse)[0] not in "01" and len(encode_docs(sparse)) < len(encode_runs(sparse)) * 0.9


def test_default_names_are_left_out() -> None:
    assert default_name("saudi-arabia") == "Saudi Arabia" and default_name("usa") == "Usa"
    assert default_name("a--b") == "A  B"


def test_front_coding() -> None:
    assert front_code(["a", "af", "ag", "arr", "bo", "oil", "oilse", "oilseed"]) == "a Af Ag Arr bo oil Cse Eed"
    assert separators({"shards": front_code(["x1", "x19", "x2", "y"])}) == ["x1", "x19", "x2", "y"]


def test_file_names_are_portable_and_distinct() -> None:
    assert file_name("zürich") == "z_00fcrich"
    assert file_name("a b") == "a_0020b"
    assert file_name("\U0001d538x") == "_d835_dd38x"  # one code point outside the BMP: two UTF-16 units
    assert file_name("_") != file_name("_005f") and file_name("_src") == "_005fsrc"


def test_empty_corpus(tmp_path: Path) -> None:
    stats = write_browser_index([], tmp_path / "site")
    assert stats.docs == 0
    meta = read_index(tmp_path / "site")["meta"]
    assert (meta["n"], meta["shards"], meta["facets"], meta["years"]) == (0, "", [], [])


def _doc(i: int, body: str) -> SearchDoc:
    return SearchDoc(id=f"a{i}", url=layout.article_url(f"a{i}"), title=f"Story {i}", date=f"1987-03-0{i % 9 + 1}",
                     source="Wire", summary="", body=body, entities=())


def test_whoosh_index_and_cli(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = fixture_docs()
    folder = Path(str(site) + ".whoosh")
    whoosh_docs.commit(whoosh_docs.stage(folder, docs, [doc_digest(d) for d in docs])[0], folder)  # as a build records them
    assert run_query(["--site", str(site), "--engine", "whoosh", "panjshir"]) == 0
    captured = capsys.readouterr()
    assert f"from scratch: {len(docs)} indexed, 0 removed" in captured.err  # the first query indexed them
    row = json.loads(captured.out)
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
    """The real search engine under Node: pruning by tail-block bounds gives the exhaustive top k.

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
    write_browser_index(docs, tmp_path / "tiered", Params(head=8, block=4))
    write_browser_index(docs, tmp_path / "flat", Params(head=10**9))
    assert sum(1 for _ in (tmp_path / "tiered" / "search" / "u").rglob("*.js")) > 100
    queries = [(str(i), " ".join(rng.sample(vocab[:30], rng.randint(1, 4)))) for i in range(120)]
    for k in (1, 3, 10):
        assert run_client(tmp_path / "tiered", queries, k) == run_client(tmp_path / "flat", queries, k)
