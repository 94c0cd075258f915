"""A whoosh ``SegmentWriter`` that writes the same segment with less Python work per posting.

When a segment is committed, whoosh's codec asks for the field length of the
posting's document once per posting (1.4 million times for Reuters), and each
answer seeks and reads one byte of the lengths column through three layers of
file objects: a fifth of the commit.  ``LoadedLengthsReader`` reads each
column once into an array and answers from it, with the same values.
``LeanPostingPool`` adds postings to the sort pool without whoosh's per-item
type assertions (the format and the fields make the types), with the same
memory accounting, so runs spill exactly when whoosh's pool would.
"""

from __future__ import annotations

from array import array
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter


class LoadedLengthsReader(W3PerDocReader):
    """``W3PerDocReader`` whose ``doc_field_length`` answers from each lengths column read once."""

    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._loaded: dict[str, array[int] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        try:
            column = self._loaded[fieldname]
        except KeyError:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            column = self._loaded[fieldname] = None if reader is None else reader.load()
        if column is None:
            return default
        lbyte = column[docnum] if docnum < len(column) else 0
        # As W3PerDocReader: None (not 0) for a zero length byte.
        return byte_to_length(lbyte) if lbyte else None


class LeanPostingPool(PostingPool):
    """``PostingPool.add`` without the per-posting type assertions; same size accounting and spills."""

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, _docnum, _weight, vbytes = item
        self.fieldnames.add(fieldname)
        # whoosh's estimate: tuple 48 + str 21 + unicode 26 + long 18 + float 16 + value 21, plus the lengths.
        self.currentsize += 150 + len(fieldname) + len(tbytes) * 2 + len(vbytes or "")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class LeanSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with ``LeanPostingPool`` and, for the standard codec, ``LoadedLengthsReader``."""

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        pool = LeanPostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self.pool = pool

    def per_document_reader(self) -> Any:
        if type(self.codec) is not W3Codec:
            return super().per_document_reader()
        if not self.perdocwriter.is_closed:
            raise Exception("Per-doc writer is still open")
        return LoadedLengthsReader(self.storage, self.get_segment())
