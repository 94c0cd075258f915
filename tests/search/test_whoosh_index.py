"""The fast whoosh index is whoosh's own index: same postings, lengths, files and search results.

``FastPositions`` (analysis) and ``LeanSegmentWriter`` (commit) replace
whoosh code paths for speed.  These tests compare them with whoosh's own
``Positions`` + ``StemmingAnalyzer`` and ``SegmentWriter`` on real text (the
bundled seeds, the test fixtures), hostile text and a generated corpus large
enough for multi-block posting lists, long position lists and big deltas.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from whoosh import index, qparser, scoring
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions

from generator.search import SearchDoc, indexer
from generator.search.cli import run_whoosh
from generator.search.whoosh_format import FastPositions, encode_positions, is_standard_stemming

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
TEXT_FIELDS = ("title", "summary", "entities", "body")

HOSTILE = [
    "",
    " ",
    "a",
    "A b c d e f g",  # 1-letter words only: everything stopped
    "the and of to in is it",  # stop words only
    "The U.S. and U.K. said... e.g. i.e. 3.141 and 1,000,000.50 mln dlrs",
    "...!!!,,,;;;---",
    "..a..b.. .c. d.. ..e",
    "don't won't it's O'Neil's rock'n'roll 'quoted' \u2019curly\u2019 apostrophes",
    "under_score __init__ a*b* *star* ** *",
    "big-time e-mail re-elect co-operate",
    "Caf\u00e9 na\u00efve \u00c9COLE \u0130stanbul \u0130I \u00dfTRASSE stra\u00dfe \u1e9e",  # dotted I, sharp s
    "\u041c\u043e\u0441\u043a\u0432\u0430 \u0391\u0398\u0397\u039d\u0391 \u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03a3\u03a3",  # final sigma
    "\u5317\u4eac\u5e02 \u6771\u4eac \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0939\u093f\u0928\u094d\u0926\u0940",  # CJK, Arabic, combining marks
    "\u00bd \u00b2 \u2460 \u0663\u0664 \uff11\uff12 \u2167 x\u00b2y",  # unicode digits and numerics
    "Fi\ufb01ne \ufb00 \u212a\u00c5",  # ligatures, Kelvin and Angstrom signs
    "word\u200bjoined zero\u00a0width\ttab\nnewline\r\nline",
    "x" * 300 + " " + "antidisestablishmentarianism" * 8,  # very long words
    "running runs ran runner generalization generalizations hopefully agreed",
    "I i A a IT it THE The tHe",
    "\U0001d400\U0001d401 \U0001f600 emoji\U0001f600word",  # astral letters, emoji
    "one. two.three .four five. 6.7.8.9 a.b.c.d.e",
]


def _seed_docs() -> list[SearchDoc]:
    """Every .txt seed in the repository (bundled seed, fixture archives): real article text."""
    docs = []
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted(FIXTURES.glob("*/seeds/**/*.txt"))
    for i, path in enumerate(paths):
        text = path.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        docs.append(SearchDoc(id=f"seed{i}", url="", title=title, date=None, source=None,
                              summary=body[:200], body=body, entities=()))
    assert len(docs) > 10
    return docs


def _fixture_docs() -> list[SearchDoc]:
    rows = json.loads((FIXTURES / "search_docs.json").read_text(encoding="utf-8"))
    return [SearchDoc(**{**r, "entities": tuple(tuple(e) for e in r["entities"])}) for r in rows]


def _hostile_docs() -> list[SearchDoc]:
    return [SearchDoc(id=f"h{i}", url="", title=t[:40], date=None, source=None, summary=t[::-1], body=t,
                      entities=(("e", t[:20], "person"),) if t else ())
            for i, t in enumerate(HOSTILE)]


def _generated_docs(n: int = 300) -> list[SearchDoc]:
    """Random text from the seeds' words: common terms get multi-block posting lists,
    long documents get positions and deltas past 255 and a word repeated over 1000 times."""
    rng = random.Random(6)
    words = " ".join(d.body for d in _seed_docs()).split() + HOSTILE[5].split() + ["the", "a", "of"] * 50
    docs = []
    for i in range(n):
        size = rng.choice([0, 5, 40, 200, 900])
        body = " ".join(rng.choice(words) for _ in range(size))
        if i % 97 == 3:
            body = " ".join(["cocoa"] * 1200 + ["the"] * 300 + ["cocoa", "exports"])
        docs.append(SearchDoc(id=f"g{i}", url="", title=" ".join(rng.choice(words) for _ in range(6)), date=None,
                              source=None, summary=" ".join(rng.choice(words) for _ in range(rng.randint(0, 30))),
                              body=body, entities=(("x", rng.choice(words), "org"),)))
    return docs


def all_docs() -> list[SearchDoc]:
    return _seed_docs() + _fixture_docs() + _hostile_docs() + _generated_docs()


def _texts() -> list[str]:
    texts = list(HOSTILE)
    for d in all_docs():
        texts += [d.title, d.summary, d.body, " ".join(name for _e, name, _t in d.entities)]
    return texts


def test_the_fast_path_is_taken_for_the_schema_analyzer() -> None:
    """Otherwise the comparisons below would compare whoosh with itself."""
    schema = indexer.whoosh_schema()
    for name in TEXT_FIELDS:
        assert type(schema[name].format) is FastPositions
        assert is_standard_stemming(schema[name].analyzer)
    assert not is_standard_stemming(StemmingAnalyzer(minsize=3))
    assert not is_standard_stemming(StemmingAnalyzer(ignore={"running"}))
    assert not is_standard_stemming(StandardAnalyzer())


def test_word_values_equal_whoosh_positions() -> None:
    fast, slow = FastPositions(), Positions()
    texts = _texts()
    assert len(texts) > 1000
    for text in texts:
        expect = list(slow.word_values(text, StemmingAnalyzer(), mode="index"))
        got = list(fast.word_values(text, StemmingAnalyzer(), mode="index"))
        assert got == expect, text[:80]
    # field boosts scale the weight the same way
    assert list(FastPositions(field_boost=2.5).word_values(HOSTILE[5], StemmingAnalyzer(), mode="index")) == \
        list(Positions(field_boost=2.5).word_values(HOSTILE[5], StemmingAnalyzer(), mode="index"))


def test_other_analyzers_and_values_fall_back_to_whoosh() -> None:
    fast, slow = FastPositions(), Positions()
    for ana in (StemmingAnalyzer(minsize=3), StemmingAnalyzer(ignore={"running"}), StandardAnalyzer()):
        for text in HOSTILE:
            assert list(fast.word_values(text, ana, mode="index")) == list(slow.word_values(text, ana, mode="index"))
    words = ["Running", "the", "U.S."]
    assert list(fast.word_values(words, StemmingAnalyzer())) == list(slow.word_values(words, StemmingAnalyzer()))


@pytest.mark.parametrize("poslist", [
    [0], [1], [255], [256], [70000], [2**31], [0, 1], [3, 5, 300], [0, 255, 510], [1, 257],
    list(range(999)), list(range(1000)), list(range(1001)), list(range(0, 5000, 3)), list(range(250, 2600, 256)),
])
def test_encode_positions_equals_whoosh(poslist: list[int]) -> None:
    assert encode_positions(poslist) == Positions().encode(poslist)
    assert Positions().decode_positions(encode_positions(poslist)) == poslist


def _reference_index(docs: list[SearchDoc], folder: Path) -> None:
    """The index as whoosh builds it unaided (the code write_whoosh_index had before FastPositions)."""
    ana = StemmingAnalyzer()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=ana), summary=TEXT(analyzer=ana),
                    entities=TEXT(analyzer=ana), body=TEXT(analyzer=ana))
    folder.mkdir(parents=True)
    writer = index.create_in(str(folder), schema).writer(limitmb=256)
    for doc in docs:
        writer.add_document(id=doc.id, title=doc.title or "", summary=doc.summary or "",
                            entities=" ".join(name for _eid, name, _typ in doc.entities), body=doc.body or "")
    writer.commit()


def _contents(folder: Path, extremes: bool = True) -> dict:
    """Everything a search can see of an index, by document id (``extremes``: min and max field lengths)."""
    ix = index.open_dir(str(folder))
    with ix.reader() as r:
        ids = {n: f["id"] for n, f in r.iter_docs()}
        out: dict = {"docs": sorted(ids.values()), "lengths": {}, "postings": {}}
        for name in TEXT_FIELDS:
            each = sorted((ids[n], r.doc_field_length(n, name)) for n in ids)
            out["lengths"][name] = ((r.field_length(name), r.min_field_length(name), r.max_field_length(name), each)
                                    if extremes else (r.field_length(name), each))
        for name, term in r.all_terms():
            m = r.postings(name, term)
            rows = []
            while m.is_active():
                rows.append((ids[m.id()], m.weight(), m.value_as("frequency"), tuple(m.value_as("positions"))
                             if name != "id" else None))
                m.next()
            out["postings"][(name, term)] = (r.doc_frequency(name, term), r.frequency(name, term), sorted(rows))
    return out


QUERIES = ["cocoa exports", "Kabul peace talks", "U.S. dollar", "running runner", "taliban panjshir valley",
           "strasse caf\u00e9", "the", "x" * 300, "antidisestablishmentarianism", "ahmad massoud resistance"]


def _search(folder: Path) -> list:
    """Ranked ids with scores: free-text OR queries over all fields and phrase queries on the body."""
    ix = index.open_dir(str(folder))
    out = []
    with ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2)) as s:
        multi = qparser.MultifieldParser(list(TEXT_FIELDS), schema=ix.schema, group=qparser.OrGroup)
        body = qparser.QueryParser("body", schema=ix.schema)
        for q in QUERIES:
            out.append([(h["id"], round(h.score, 9)) for h in s.search(multi.parse(q), limit=50)])
        for phrase in ('"peace talks"', '"cocoa exports"', '"northern alliance"', '"U.S. dollar"'):
            hits = s.search(body.parse(phrase), limit=None)
            out.append(sorted((h["id"], round(h.score, 9)) for h in hits))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, list[SearchDoc]]:
    docs = all_docs()
    root = tmp_path_factory.mktemp("whoosh")
    random.seed(1234)  # whoosh names segments randomly: the same name makes the files comparable byte for byte
    _reference_index(docs, root / "reference")
    random.seed(1234)
    indexer.write_whoosh_index(docs, root / "fast")
    return root / "reference", root / "fast", docs


def _segment_parts(folder: Path) -> dict[str, bytes]:
    """The files inside the index's compound segment files (whose directory also holds their mtimes)."""
    storage = FileStorage(str(folder))
    parts = {}
    for name in storage.list():
        if name.endswith(".seg"):
            compound = CompoundStorage(storage.open_file(name), use_mmap=False)
            parts.update({part: compound.open_file(part).read() for part in compound.list()})
    return parts


def test_segment_files_are_byte_identical(built) -> None:
    reference, fast, _docs = built
    expect = _segment_parts(reference)
    assert sorted(n.rsplit(".", 1)[1] for n in expect) == ["col", "col", "col", "col", "col", "pst", "trm"]
    assert _segment_parts(fast) == expect


def test_same_terms_postings_and_lengths(built) -> None:
    reference, fast, docs = built
    a, b = _contents(reference), _contents(fast)
    assert len(a["docs"]) == len(docs)
    assert len(a["postings"]) > 1000
    assert any(len(rows) > 128 for _df, _f, rows in a["postings"].values())  # over one 128-posting block
    assert any(p and max(p) > 1000 for _df, _f, rows in a["postings"].values() for *_x, p in rows)
    assert a == b


def test_same_search_results(built) -> None:
    reference, fast, _docs = built
    expect = _search(reference)
    assert sum(map(len, expect)) > 50 and all(expect[-4:-1])  # the phrases are found
    assert _search(fast) == expect
    queries = [(i, q) for i, q in enumerate(QUERIES)]
    assert run_whoosh(fast, queries, 20) == run_whoosh(reference, queries, 20)


def test_the_index_is_the_same_every_time(tmp_path) -> None:
    """Documents are numbered in input order, so equal scores rank the same in every build."""
    docs = all_docs()
    random.seed(1)
    indexer.write_whoosh_index(docs, tmp_path / "one")
    random.seed(2)  # other segment names
    indexer.write_whoosh_index(list(reversed(docs)), tmp_path / "reversed")
    indexer.write_whoosh_index(docs, tmp_path / "two")

    def by_kind(folder: Path) -> dict[str, bytes]:
        return {name.split(".", 1)[1]: data for name, data in _segment_parts(folder).items()}

    assert by_kind(tmp_path / "one") == by_kind(tmp_path / "two")
    assert by_kind(tmp_path / "one") != by_kind(tmp_path / "reversed")
    assert _contents(tmp_path / "one") == _contents(tmp_path / "reversed")  # the same index, numbered otherwise
    with index.open_dir(str(tmp_path / "one")).reader() as r:
        assert [f["id"] for _n, f in r.iter_docs()] == [d.id for d in docs]


def test_an_index_in_several_segments_searches_like_one(built, tmp_path, monkeypatch) -> None:
    """Large archives are indexed a segment per SEGMENT_DOCS documents (no spill to disk): same hits, same
    scores, same order of ties, same terms and postings as one segment."""
    reference, _fast, docs = built
    monkeypatch.setattr(indexer, "SEGMENT_DOCS", 70)
    indexer.write_whoosh_index(docs, tmp_path / "segments")
    assert len([n for n in FileStorage(str(tmp_path / "segments")).list() if n.endswith(".seg")]) == -(-len(docs) // 70)
    assert _search(tmp_path / "segments") == _search(reference)
    one, several = _contents(reference), _contents(tmp_path / "segments", extremes=False)
    assert several["postings"] == one["postings"] and several["docs"] == one["docs"]
    for name in TEXT_FIELDS:  # whoosh's multi-segment reader has no min/max field length (BM25F needs neither),
        # and says None, not 0, for a document of a segment where the field is empty everywhere
        total, each = several["lengths"][name]
        expect = one["lengths"][name]
        assert (total, [(i, n or 0) for i, n in each]) == (expect[0], [(i, n or 0) for i, n in expect[3]])
