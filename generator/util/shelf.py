"""Article texts kept on disk, in the build cache's records files, instead of in memory.

An article's text, its pickled blocks and its parsed files are most of what
the model holds (2.3 of 5 KB per Reuters article), and a page or a search
document needs them once.  So a records file carries them as a region of
raw bytes, and the model holds a :class:`Stored` (the file and a span) in
their place: 1,000,000 articles then keep ~0.3 KB each instead of 2.6.

A span is read with ``os.pread`` on a descriptor opened when the file is
read or written, not through ``mmap``: mapped pages count in every process's
resident size once touched (a clean build touches them all), and the
descriptor keeps the bytes readable after the file is replaced or removed
(the dev server keeps a model whose records file a later build rewrote).
Forked workers inherit the descriptor, so render and search workers read
the texts themselves instead of copying them from the parent's memory.

A :class:`Stored` pickles as the bytes or text it stands for (a Dask worker
on another machine has no such file); only the records file's own pickler
(:func:`span_pickler`) writes it as a span, read back by :class:`SpanUnpickler`.
"""

from __future__ import annotations

import copyreg
import os
import pickle
from typing import Any, BinaryIO


class Shelf:
    """An open records file whose bytes spans are read from (see the module's text)."""

    __slots__ = ("fd", "path")

    def __init__(self, path: str) -> None:
        self.path, self.fd = path, -1  # (set first: __del__ runs even when the open fails)
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))

    def read(self, start: int, end: int) -> bytes:
        data = os.pread(self.fd, end - start, start)
        if len(data) != end - start:
            raise OSError(f"{self.path}: the build cache's records file is shorter than its index says")
        return data

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __del__(self) -> None:
        self.close()

    def __reduce__(self) -> Any:
        raise TypeError("a Shelf is an open file: pickle what it stores instead")


class Stored:
    """Bytes kept in a records file: ``get()`` reads them."""

    __slots__ = ("end", "shelf", "start")

    def __init__(self, shelf: Shelf, start: int, end: int) -> None:
        self.shelf, self.start, self.end = shelf, start, end

    def get(self) -> bytes:
        return self.shelf.read(self.start, self.end)

    def __len__(self) -> int:
        return self.end - self.start

    def __reduce__(self) -> Any:
        return (bytes, (self.get(),))


class StoredText(Stored):
    """A text kept in a records file as UTF-8 (a lone surrogate passes through)."""

    __slots__ = ()

    def text(self) -> str:
        return self.get().decode("utf-8", "surrogatepass")

    def __reduce__(self) -> Any:
        return (str, (self.get(), "utf-8", "surrogatepass"))


def as_bytes(value: bytes | Stored) -> bytes:
    return value.get() if isinstance(value, Stored) else value


def as_text(value: str | StoredText | None) -> str:
    """The text itself, read from its file when it is kept there (None, which some callers allow: "")."""
    return value.text() if isinstance(value, StoredText) else (value or "")


def encode_text(value: str | StoredText) -> bytes:
    return value.get() if isinstance(value, StoredText) else value.encode("utf-8", "surrogatepass")


class Spans:
    """The bytes region of a records file being written: what :meth:`put` adds, it returns a span of."""

    def __init__(self, fh: BinaryIO, start: int) -> None:
        self.fh, self.at = fh, start

    def put(self, data: bytes) -> tuple[int, int]:
        self.fh.write(data)
        start, self.at = self.at, self.at + len(data)
        return start, self.at

    def stored(self, data: bytes, kind: type[Stored] = Stored) -> Stored:
        """``data`` written, as a :class:`Stored` (or ``kind``) whose shelf is set once the file is in place."""
        s = kind.__new__(kind)
        s.start, s.end = self.put(data)
        return s


def _span(start: int, end: int) -> Stored:  # pragma: no cover - replaced by SpanUnpickler.find_class
    raise pickle.UnpicklingError("a span read without its records file")


def _text_span(start: int, end: int) -> StoredText:  # pragma: no cover - replaced by SpanUnpickler.find_class
    raise pickle.UnpicklingError("a span read without its records file")


def span_pickler(fh: BinaryIO, protocol: int) -> pickle.Pickler:
    """A pickler that writes each :class:`Stored` as its span in the file it belongs to (no bytes)."""
    pickler = pickle.Pickler(fh, protocol=protocol)
    table = copyreg.dispatch_table.copy()
    table[Stored] = lambda s: (_span, (s.start, s.end))
    table[StoredText] = lambda s: (_text_span, (s.start, s.end))
    pickler.dispatch_table = table
    return pickler


class SpanUnpickler(pickle.Unpickler):
    """Reads what :func:`span_pickler` wrote: each span becomes a :class:`Stored` of ``shelf``.

    ``find_class`` is asked once per pickle for each name, so the spans cost
    no Python call beyond their own construction.
    """

    def __init__(self, fh: BinaryIO, shelf: Shelf) -> None:
        super().__init__(fh)
        self.shelf = shelf

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_span":
            shelf = self.shelf
            return lambda start, end: Stored(shelf, start, end)
        if module == __name__ and name == "_text_span":
            shelf = self.shelf
            return lambda start, end: StoredText(shelf, start, end)
        return super().find_class(module, name)
