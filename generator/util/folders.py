"""How the site keeps every folder small: names spread over hash buckets, long lists grouped.

A FAT32 USB stick (the offline reader this archive is for) holds at most
65,534 entries in one folder, and file managers and hosts slow down long
before, so no folder of the site may hold more than :data:`MAX_ENTRIES`,
whatever the archive's size.  Folders whose entries grow with the archive
(one page per article, entity or taxonomy value; the search index's files)
put each name in one of :data:`BUCKETS` subfolders chosen by a hash of the
name alone, so a URL is a function of the id and never moves when a date or
title is corrected or the archive grows.  The browser's search engine
computes the same buckets (``templates/assets/search-engine.js``,
``bucket``): keep the two in step (``tests/js/engine.test.js`` and
``tests/util/test_folders.py`` check the same literal pairs).
"""

from __future__ import annotations

import functools
import math

MAX_ENTRIES = 10_000  # the most entries any folder of a built site may hold
BUCKET_BITS = 10
BUCKETS = 1 << BUCKET_BITS  # 1,024 subfolders, named by two base-32 characters: 00 .. vv
_B32 = "0123456789abcdefghijklmnopqrstuv"
GROUP = 1_000  # pages of a paginated list per folder (see group_of)


_FNV_PRIME = 0x01000193
_FNV_PRIME2 = _FNV_PRIME * _FNV_PRIME & 0xFFFFFFFF  # two steps at once: an ASCII character's high byte is 0


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over the UTF-16LE bytes: a hash the browser computes the same way.

    Every page's links go through it (each article's address), so the usual
    case is short cut: an ASCII character is the bytes (c, 0), and XOR with 0
    changes nothing, so its two steps are one multiplication by the prime
    squared (mod 2**32): the same hash in half the steps.
    """
    h = 0x811C9DC5
    if text.isascii():
        for c in text.encode("ascii"):
            h = (h ^ c) * _FNV_PRIME2 & 0xFFFFFFFF
        return h
    for byte in text.encode("utf-16-le", "surrogatepass"):
        h ^= byte
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


@functools.lru_cache(maxsize=1 << 17)
def bucket(name: str) -> str:
    """The bucket folder of ``name``: the top 10 bits of its FNV-1a hash as two base-32 characters.

    The top bits, because FNV-1a's last step is a multiplication, which mixes
    every input byte into the high bits; its low bits depend on few of them.
    Remembered per process (a bounded cache): a build asks for an article's
    bucket once for its page and again for every link to it.
    """
    b = fnv1a(name) >> (32 - BUCKET_BITS)
    return _B32[b >> 5] + _B32[b & 31]


def spread(folder: str, name: str, suffix: str = "") -> str:
    """``folder/<bucket(name)>/<name><suffix>``: where a named file of a growing folder lives.

    The bucket depends on ``name`` alone, so files sharing a name (a page, its
    feed and its page-N folder) share a bucket, and a name never moves.
    """
    return f"{folder}/{bucket(name)}/{name}{suffix}"


def bucket_bound(names: int) -> int:
    """The most of ``names`` hashed names one bucket should get: the mean plus 5 standard deviations, plus 5.

    A bucket's share is binomial (``names`` draws, p = 1/1,024); 5 standard
    deviations above the mean are passed by fewer than one bucket in a
    million.  With 1, 2 or 3 entries per name (a page; a page and its feed and
    page folder), ``MAX_ENTRIES`` holds up to :func:`capacity` names.
    """
    mean = names / BUCKETS
    return math.ceil(mean + 5 * math.sqrt(mean) + 5)


def capacity(entries_per_name: int) -> int:
    """The most names a bucketed folder takes while :func:`bucket_bound` keeps every bucket within ``MAX_ENTRIES``."""
    lo, hi = 0, BUCKETS * MAX_ENTRIES
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if entries_per_name * bucket_bound(mid) <= MAX_ENTRIES:
            lo = mid
        else:
            hi = mid - 1
    return lo


def group_of(number: int) -> str:
    """The subfolder of page ``number`` of a long list ("" for pages 1-999, else "pages-<thousands>/").

    Pages 2-999 sit beside the list's first page, as in a small archive; each
    later thousand has a folder of its own, so a list of 9 million pages
    still fits: at most 998 pages + 9,000 group folders in its folder.
    """
    start = number // GROUP * GROUP
    return f"pages-{start}/" if start else ""
