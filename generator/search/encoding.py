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


# encode_docs: the first character says how the rest is written.
DOCS_RUNS, DOCS_BITMAP, DOCS_RICE = 0, 1, 2  # DOCS_RICE + k: Rice code of parameter k (0-15)
_RICE_MAX = 15


_SIX = {format(i, "06b"): c for i, c in enumerate(ALPHABET)}


def _pack(bits: str) -> str:
    """A string of "0"/"1" as 6 bits a character, most significant first, the last padded with zeros."""
    bits += "0" * (-len(bits) % 6)
    six = _SIX
    return "".join([six[bits[i : i + 6]] for i in range(0, len(bits), 6)])


def _bitmap(docs: list[int]) -> str:
    if not docs:
        return ""
    bits = bytearray(b"0" * (docs[-1] + 1))
    for d in docs:
        bits[d] = 49  # "1"
    return _pack(bits.decode("ascii"))


def _rice(gaps: list[int], k: int) -> str:
    """Each gap (documents skipped) as its quotient by 2**k in unary (zeros, then a one) and k low bits.

    Padding zeros after the last code never complete a quotient, so the end needs no count."""
    if not k:
        return _pack("".join(["0" * g + "1" for g in gaps]))
    low, form = (1 << k) - 1, f"0{k}b"
    return _pack("".join(["0" * (g >> k) + "1" + format(g & low, form) for g in gaps]))


def _rice_k(gaps: list[int]) -> tuple[int, int]:
    """The Rice parameter (0-15) giving the fewest bits, the first of equals, and those bits.

    bits(k) = sum(g >> k) + len(gaps) * (k + 1) is convex in k (what k + 1 saves,
    sum(g >> k) - sum(g >> k + 1), never grows), so the descent stops at the minimum."""
    n = len(gaps)
    k, best = 0, sum(gaps) + n
    while k < _RICE_MAX:
        bits = sum(g >> (k + 1) for g in gaps) + n * (k + 2)
        if bits >= best:
            break
        k, best = k + 1, bits
    return k, best


def encode_docs(docs: Iterable[int]) -> str:
    """Facet value's documents (ascending, distinct) in the shortest of three codes, its kind the first character:
    ``0`` + ``encode_runs`` (long runs: a source holding every document); ``1`` + a bitmap (a value in
    most documents: "usa" on Reuters); ``ALPHABET[2 + k]`` + the gaps Rice-coded with parameter k (the
    rest), bits packed 6 a character.  Within 3% of the lists' binomial entropy on Reuters' facets, where
    ``encode_runs`` alone was 1.4 times it (``decode_docs`` and ``decodeDocs`` in search-engine.js undo it).
    Only the code chosen is written (the others' lengths are counted): the first of the shortest, in that order.
    """
    docs = list(docs)
    runs = encode_runs(docs)
    gaps = [d - p - 1 for p, d in zip([-1, *docs], docs, strict=False)]
    k, rice_bits = _rice_k(gaps)
    sizes = [len(runs), -(-(docs[-1] + 1) // 6) if docs else 0, -(-rice_bits // 6)]
    code = sizes.index(min(sizes))
    if code == 0:
        return ALPHABET[DOCS_RUNS] + runs
    if code == 1:
        return ALPHABET[DOCS_BITMAP] + _bitmap(docs)
    return ALPHABET[DOCS_RICE + k] + _rice(gaps, k)


def _bits(text: str) -> str:
    return "".join(format(ALPHABET.index(c), "06b") for c in text)


def decode_docs(text: str) -> list[int]:
    """``encode_docs`` undone (the twin of ``decodeDocs`` in search-engine.js; tests and tools)."""
    mode, body = ALPHABET.index(text[0]), text[1:]
    if mode == DOCS_RUNS:
        return decode_runs(body)
    bits = _bits(body)
    if mode == DOCS_BITMAP:
        return [i for i, b in enumerate(bits) if b == "1"]
    k, out, prev, pos = mode - DOCS_RICE, [], -1, 0
    while True:
        one = bits.find("1", pos)
        if one < 0:
            return out
        q, pos = one - pos, one + 1
        r = int(bits[pos : pos + k], 2) if k else 0
        pos += k
        prev += (q << k) + r + 1
        out.append(prev)


def decode_runs(text: str) -> list[int]:
    """``encode_runs`` undone."""
    out: list[int] = []
    i, prev = 0, -1

    def num() -> int:
        nonlocal i
        v = 0
        while True:
            c = ALPHABET.index(text[i])
            i += 1
            if c < 32:
                return v * 32 + c
            v = v * 32 + c - 32

    while i < len(text):
        v = num()
        start = prev + v // 2
        end = start + num() if v % 2 else start
        out.extend(range(start, end + 1))
        prev = end
    return out


def default_name(key: str) -> str:
    """The display name a facet value's file leaves out, its key's words capitalised ("saudi-arabia" ->
    "Saudi Arabia"): written only for ASCII keys, where JavaScript's ``toUpperCase`` agrees (``facetName``)."""
    return " ".join(w[:1].upper() + w[1:] for w in key.split("-"))


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
