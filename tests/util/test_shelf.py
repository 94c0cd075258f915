"""Texts kept in a records file (generator.util.shelf): written as spans, read back, portable when pickled."""

from __future__ import annotations

import gc
import io
import os
import pickle
import sys

import pytest

from generator.util.shelf import Shelf, Spans, SpanUnpickler, Stored, StoredText, as_text, span_pickler


def _write(path, texts: list[str]) -> list[Stored]:
    """Each text as a span of ``path``, and a pickle of them (the records' part) after the bytes."""
    with open(path, "wb") as fh:
        spans = Spans(fh, 0)
        made = [spans.stored(t.encode("utf-8", "surrogatepass"), StoredText) for t in texts]
    shelf = Shelf(str(path))
    for s in made:
        s.shelf = shelf
    return made


def test_spans_read_back_their_texts_even_after_the_file_is_removed(tmp_path):
    texts = ["Kabul, 1 Sept.", "", "Café, 東京 and a lone \udc80 surrogate"]
    made = _write(tmp_path / "r", texts)
    os.unlink(tmp_path / "r")  # a later build replaced the file: the open descriptor still reads it
    assert [s.text() for s in made] == texts
    assert [as_text(s) for s in made] == texts and as_text("plain") == "plain"
    assert [len(s) for s in made] == [len(t.encode("utf-8", "surrogatepass")) for t in texts]


def test_the_records_pickler_writes_spans_and_the_reader_binds_them_to_its_file(tmp_path):
    made = _write(tmp_path / "r", ["one", "two"])
    buf = io.BytesIO()
    span_pickler(buf, pickle.HIGHEST_PROTOCOL).dump({"a": made[0], "b": [made[1], made[1]]})
    assert b"one" not in buf.getvalue() and b"two" not in buf.getvalue()  # spans, not the texts
    back = SpanUnpickler(io.BytesIO(buf.getvalue()), Shelf(str(tmp_path / "r"))).load()
    assert back["a"].text() == "one" and [s.text() for s in back["b"]] == ["two", "two"]
    with pytest.raises(pickle.UnpicklingError):  # a span without its file cannot be read as something else
        pickle.loads(buf.getvalue())


def test_a_stored_text_pickles_as_its_text_anywhere_else(tmp_path):
    """A cluster's worker on another machine has no such file: it gets the text (and bytes as bytes)."""
    text, = _write(tmp_path / "r", ["Herat"])
    raw = Stored(text.shelf, text.start, text.end)
    assert pickle.loads(pickle.dumps(text)) == "Herat"
    assert pickle.loads(pickle.dumps(raw)) == b"Herat"
    with pytest.raises(TypeError):
        pickle.dumps(text.shelf)


def test_a_file_shorter_than_its_spans_is_an_error_not_a_short_text(tmp_path):
    text, = _write(tmp_path / "r", ["Jalalabad"])
    os.truncate(tmp_path / "r", 3)
    with pytest.raises(OSError, match="shorter"):
        text.text()


def test_a_missing_records_file_is_an_oserror_and_nothing_else(tmp_path, monkeypatch):
    """No second error from the half-made Shelf's clean-up (``__del__`` ran with no descriptor set)."""
    ignored = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    with pytest.raises(FileNotFoundError):
        Shelf(str(tmp_path / "gone"))
    gc.collect()
    assert ignored == []
