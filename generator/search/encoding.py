"""Byte-level encodings of the browser index, shared by every file kind.

Everything here has a twin in ``templates/assets/search-engine.js`` (the
decoders, ``fileKey``); ``tests/js/engine.test.js`` checks the pairs agree on
the same literal strings as ``tests/search/test_search_indexer.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

# 64 characters that need no escaping in a JSON string.
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def b36(n: int) -> str:
    """Short file names for bundle numbers and block starts."""
    if n == 0:
        return "0"
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(_B36[r])
    return "".join(reversed(out))


def encode_gap(gap: int, out: list[str]) -> None:
    """Variable-length base-32 number: continuation digits use the alphabet's upper half."""
    digits = []
    while True:
        digits.append(gap & 31)
        gap >>= 5
        if not gap:
            break
    for d in reversed(digits[1:]):
        out.append(ALPHABET[32 + d])
    out.append(ALPHABET[digits[0]])


def _gap_table(size: int) -> list[str]:
    table: list[str] = []
    for gap in range(size):
        out: list[str] = []
        encode_gap(gap, out)
        table.append("".join(out))
    return table


_GAPS = _gap_table(1 << 12)  # every gap below 4,096, encoded once: postings are most of an index's bytes


def encode_postings(docs: Iterable[int], impacts: Iterable[int] | None = None) -> str:
    """Gap-encode ascending doc numbers, each followed by its impact character if given."""
    out: list[str] = []
    gaps, limit = _GAPS, len(_GAPS)
    prev = -1
    if impacts is None:
        for d in docs:
            gap = d - prev
            if 0 <= gap < limit:
                out.append(gaps[gap])
            else:
                encode_gap(gap, out)
            prev = d
    else:
        for d, q in zip(docs, impacts, strict=True):
            gap = d - prev
            if 0 <= gap < limit:
                out.append(gaps[gap])
            else:
                encode_gap(gap, out)
            out.append(ALPHABET[q])
            prev = d
    return "".join(out)


def encode_runs(docs: Iterable[int]) -> str:
    """Facet document lists: runs of consecutive numbers cost one extra number, not one per doc.

    Each run is written as (gap * 2 + has_more) and, when has_more, (length - 1).
    A source holding every document becomes a few characters instead of one per doc.
    """
    runs: list[list[int]] = []
    for d in docs:
        if runs and runs[-1][1] == d - 1:
            runs[-1][1] = d
        else:
            runs.append([d, d])
    out: list[str] = []
    prev = -1
    for a, b in runs:
        encode_gap((a - prev) * 2 + (1 if b > a else 0), out)
        if b > a:
            encode_gap(b - a, out)
        prev = b
    return "".join(out)


def utf16_key(term: str) -> bytes:
    """Sort like JavaScript's string comparison (UTF-16 code units), so shard lookups agree."""
    return term.encode("utf-16-be")


def separator(prev: str, first: str) -> str:
    """Shortest prefix of ``first`` that still sorts after ``prev`` (smaller meta.js)."""
    for i in range(1, len(first) + 1):
        p = first[:i]
        if utf16_key(p) > utf16_key(prev):
            return p
    return first


def front_code(words: list[str]) -> str:
    """Sorted strings as one space-separated string, each sharing k <= 26 leading characters with the
    one before written as chr(64 + k) + the rest ("oil oilse" -> "oil Dse"): separators cost ~30% less.

    Terms are folded (never upper-case ASCII), so the marker letter is unambiguous.
    """
    out, prev = [], ""
    for w in words:
        k = 0
        while k < 26 and k < len(prev) and k < len(w) - 1 and prev[k] == w[k]:
            k += 1
        out.append((chr(64 + k) if k else "") + w[k:])
        prev = w
    return " ".join(out)


def file_name(text: str) -> str:
    """A term, separator or facet type as a portable file name: [a-z0-9] kept, other UTF-16 units as _hhhh.

    Lower-case ASCII only, so case-insensitive file systems (exFAT, macOS) and
    URLs need no further escaping, and distinct inputs never share a name.
    """
    out = []
    for ch in text:
        if ch in _SAFE:
            out.append(ch)
        else:
            for unit in range(0, len(ch.encode("utf-16-be")), 2):
                code = int.from_bytes(ch.encode("utf-16-be")[unit : unit + 2], "big")
                out.append(f"_{code:04x}")
    return "".join(out)


def script(key: str, data: object) -> bytes:
    """One index file: a classic script registering ``data`` under ``key`` (works from file://)."""
    body = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    # A short global name: it is repeated in every file a query loads.
    return f"__as({json.dumps(key)},{body});\n".encode("ascii")
