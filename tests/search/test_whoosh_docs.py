"""The whoosh index is brought up to date when it is used: what builds record, and what ``sync`` makes of it."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from conftest import copy_fixture
from whoosh import index

from generator.build import BuildOptions, build
from generator.search import SearchDoc, whoosh_docs
from generator.search.browser_index import doc_digest
from generator.search.cli import run_query
from generator.search.layout import article_url


def _doc(i: int, body: str) -> SearchDoc:
    return SearchDoc(id=f"a{i}", url=article_url(f"a{i}"), title=f"Story {i}", date=f"1987-03-{i % 28 + 1:02d}",
                     source="Wire", summary="", body=body, entities=())


def _held_ids(folder: Path) -> list[str]:
    ix = index.open_dir(str(folder / whoosh_docs.INDEX))
    with ix.searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


def _found(folder: Path, word: str) -> list[str]:
    from whoosh.qparser import QueryParser

    ix = index.open_dir(str(folder / whoosh_docs.INDEX))
    with ix.searcher() as s:
        return sorted(h["id"] for h in s.search(QueryParser("body", ix.schema).parse(word), limit=None))


def test_changes_are_appended_and_read_back_in_order(tmp_path: Path) -> None:
    docs = [_doc(i, f"body {i} river") for i in range(10)]
    staged, rec = whoosh_docs.stage(tmp_path, docs, [doc_digest(d) for d in docs])
    assert whoosh_docs.read_target(tmp_path) is None  # staged only: nothing is recorded before commit
    whoosh_docs.commit(staged, tmp_path)
    edited = [*docs[:3], _doc(3, "body 3 changed mountain"), *docs[5:], _doc(42, "a new report")]
    rec2 = whoosh_docs.record(tmp_path, rec, edited, [doc_digest(d) for d in edited])
    assert rec2.token == rec.token and (tmp_path / whoosh_docs.LOG).stat().st_size > 0
    target = whoosh_docs.read_target(tmp_path)
    assert target is not None
    assert list(target) == [d.id for d in edited if d.id != "a42"] + ["a42"]  # removed gone, new last
    assert pickle.loads(target["a3"][1]).body == "body 3 changed mountain"
    assert whoosh_docs.record(tmp_path, rec2, edited, [doc_digest(d) for d in edited]) == rec2  # nothing changed
    size = (tmp_path / whoosh_docs.LOG).stat().st_size
    # A torn last frame (a build killed while appending) and frames of a replaced generation are ignored.
    with open(tmp_path / whoosh_docs.LOG, "ab") as fh:
        fh.write(b"\x40\x00\x00\x00\x00\x00\x00\x00partial")
    assert whoosh_docs.read_target(tmp_path) == target
    (tmp_path / whoosh_docs.LOG).write_bytes((tmp_path / whoosh_docs.LOG).read_bytes()[:size])
    staged, rec3 = whoosh_docs.stage(tmp_path, docs, [doc_digest(d) for d in docs])
    log = (tmp_path / whoosh_docs.LOG).read_bytes()
    whoosh_docs.commit(staged, tmp_path)
    (tmp_path / whoosh_docs.LOG).write_bytes(log)  # as if the build was killed between commit and dropping the log
    assert list(whoosh_docs.read_target(tmp_path) or {}) == [d.id for d in docs]
    # A record made for another generation than the one on disk writes everything again.
    rec4 = whoosh_docs.record(tmp_path, rec2, edited, [doc_digest(d) for d in edited])
    assert rec4.token not in (rec2.token, rec3.token) and not (tmp_path / whoosh_docs.LOG).exists()


def test_sync_updates_in_place_and_redoes_an_interrupted_update(tmp_path: Path) -> None:
    docs = [_doc(i, f"body {i} river") for i in range(20)]
    staged, rec = whoosh_docs.stage(tmp_path, docs, [doc_digest(d) for d in docs])
    whoosh_docs.commit(staged, tmp_path)
    with pytest.raises(Exception):  # noqa: B017 - no index before the first sync
        _held_ids(tmp_path)
    first = whoosh_docs.sync(tmp_path)
    assert (first.docs, first.indexed, first.removed, first.rebuilt) == (20, 20, 0, True)
    assert _held_ids(tmp_path) == sorted(d.id for d in docs)
    again = whoosh_docs.sync(tmp_path)
    assert (again.indexed, again.removed, again.rebuilt) == (0, 0, False)
    edited = [d for d in docs if d.id != "a7"]
    edited[2] = _doc(2, "body 2 now about a volcano")
    rec = whoosh_docs.record(tmp_path, rec, edited, [doc_digest(d) for d in edited])
    second = whoosh_docs.sync(tmp_path)
    assert (second.docs, second.indexed, second.removed, second.rebuilt) == (19, 1, 1, False)
    assert _held_ids(tmp_path) == sorted(d.id for d in edited)
    assert _found(tmp_path, "volcano") == ["a2"] and "a2" not in _found(tmp_path, "river")
    # An update killed halfway leaves no held.pickle: the next sync indexes everything again.
    (tmp_path / whoosh_docs.HELD).unlink()
    redo = whoosh_docs.sync(tmp_path)
    assert redo.rebuilt and redo.indexed == 19 and _held_ids(tmp_path) == sorted(d.id for d in edited)
    # Many changes at once: from scratch is cheaper than document by document.
    many = [_doc(i, f"body {i} glacier") for i in range(20)]
    whoosh_docs.record(tmp_path, rec, many, [doc_digest(d) for d in many])
    bulk = whoosh_docs.sync(tmp_path)
    assert bulk.rebuilt and _found(tmp_path, "glacier") == sorted(d.id for d in many)


def test_sync_without_recorded_documents_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no documents recorded"):
        whoosh_docs.sync(tmp_path / "site.whoosh")


def test_builds_record_and_the_first_query_indexes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds, content = copy_fixture(tmp_path / "archive")
    out = tmp_path / "site"
    folder = Path(str(out) + ".whoosh")
    # A folder of the layout before index/ (an index at the top): cleaned up by the build.
    folder.mkdir()
    (folder / "_MAIN_1.toc").write_bytes(b"old")
    (folder / "MAIN_abc.seg").write_bytes(b"old")
    opts = BuildOptions(seeds=seeds, content=content, out=out)
    first = build(opts)
    assert sorted(p.name for p in folder.iterdir()) == [whoosh_docs.DOCS]  # recorded, not indexed
    assert run_query(["--site", str(out), "--engine", "whoosh", "panjshir"]) == 0
    captured = capsys.readouterr()
    assert f"from scratch: {first.articles} indexed" in captured.err
    assert json.loads(captured.out)["results"]
    assert run_query(["--site", str(out), "--engine", "whoosh", "zyxwvut"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and json.loads(captured.out)["results"] == []  # up to date: nothing to index
    seed = sorted(seeds.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\n\nThe zyxwvut committee met.\n", encoding="utf-8")
    os.utime(seed, (1_000_000_000, 1_000_000_000))  # long ago: the cache need not look at it again (load.RACY_NS)
    assert build(opts).mode == "incremental"
    assert run_query(["--site", str(out), "--engine", "whoosh", "zyxwvut"]) == 0
    captured = capsys.readouterr()
    assert "in place: 1 indexed, 0 removed" in captured.err
    assert json.loads(captured.out)["results"] == [seed.stem]
    # The recorded documents deleted while nothing else changed: the next build records them again.
    (folder / whoosh_docs.DOCS).unlink()
    assert build(opts).mode == "incremental"
    assert whoosh_docs.recorded(folder)
    assert build(opts).mode == "unchanged"
    # A build without whoosh drops them, so no query answers from documents the site no longer has.
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    assert not whoosh_docs.recorded(folder)
    assert run_query(["--site", str(out), "--engine", "whoosh", "zyxwvut"]) == 2
    assert "no documents recorded" in capsys.readouterr().err


def test_damaged_records_and_index_are_reported_or_rebuilt(tmp_path: Path) -> None:
    docs = [_doc(i, f"body {i} river") for i in range(12)]
    staged, rec = whoosh_docs.stage(tmp_path, docs, [doc_digest(d) for d in docs])
    whoosh_docs.commit(staged, tmp_path)
    whoosh_docs.sync(tmp_path)
    # A damaged index (a segment file overwritten): the next update indexes everything from scratch.
    edited = [*docs[:-1], _doc(11, "body 11 now a delta")]
    whoosh_docs.record(tmp_path, rec, edited, [doc_digest(d) for d in edited])
    for seg in (tmp_path / whoosh_docs.INDEX).glob("*.seg"):
        seg.write_bytes(b"garbage")
    report = whoosh_docs.sync(tmp_path)
    assert report.rebuilt and _found(tmp_path, "delta") == ["a11"]
    # Damaged records: a clear error that says what to run, no traceback.
    (tmp_path / whoosh_docs.LOG).write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00junk!")
    with pytest.raises(RuntimeError, match=r"unreadable .* build --full"):
        whoosh_docs.sync(tmp_path)
    (tmp_path / whoosh_docs.DOCS).write_bytes(b"not a pickle")
    with pytest.raises(RuntimeError, match="unreadable"):
        whoosh_docs.sync(tmp_path)


def test_an_index_made_by_other_indexing_code_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [_doc(i, f"body {i} river") for i in range(6)]
    staged, _rec = whoosh_docs.stage(tmp_path, docs, [doc_digest(d) for d in docs])
    whoosh_docs.commit(staged, tmp_path)
    assert whoosh_docs.sync(tmp_path).rebuilt
    assert not whoosh_docs.sync(tmp_path).rebuilt
    monkeypatch.setattr(whoosh_docs, "indexing_fingerprint", lambda: b"another analyzer")
    again = whoosh_docs.sync(tmp_path)  # same documents, but what the index holds of them would differ
    assert again.rebuilt and again.indexed == 6


def test_a_long_log_is_folded_into_the_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whoosh_docs, "COMPACT_BYTES", 0)
    docs = [_doc(i, f"body {i} river " * 30) for i in range(8)]
    staged, rec = whoosh_docs.stage(tmp_path, docs, [doc_digest(d) for d in docs])
    whoosh_docs.commit(staged, tmp_path)
    whoosh_docs.sync(tmp_path)
    for n in range(3):  # each edit grows the log past a quarter of docs.pickle
        docs = [*docs[:n], _doc(n, f"rewritten {n} " * 300), *docs[n + 1:]]
        new = whoosh_docs.record(tmp_path, rec, docs, [doc_digest(d) for d in docs])
        assert new.token != rec.token and not (tmp_path / whoosh_docs.LOG).exists()
        rec = new
        report = whoosh_docs.sync(tmp_path)  # folding the log in does not make the index start over
        assert (report.indexed, report.rebuilt) == (1, False)
    target = whoosh_docs.read_target(tmp_path) or {}
    assert [pickle.loads(data) for _dg, data in target.values()] == docs
    assert _found(tmp_path, "rewritten") == ["a0", "a1", "a2"]


def test_a_build_does_not_wait_for_an_indexing_query(tmp_path: Path) -> None:
    """The index has a lock of its own: a long (re)indexing holds it, not the site's lock that builds take."""
    seeds, content = copy_fixture(tmp_path / "archive")
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out))
    held = whoosh_docs._lock_index(Path(str(out) + ".whoosh"))  # as a sync indexing right now
    try:
        seed = sorted(seeds.glob("*.txt"))[0]
        seed.write_text(seed.read_text(encoding="utf-8") + "\n\nMore.\n", encoding="utf-8")
        assert build(BuildOptions(seeds=seeds, content=content, out=out)).mode == "incremental"
    finally:
        held.close()


def test_query_mistakes_fail_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo" / "site"
    assert run_query(["--site", str(missing), "--engine", "whoosh", "oil"]) == 2
    assert "no documents recorded" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()  # a mistyped --site makes no folders
