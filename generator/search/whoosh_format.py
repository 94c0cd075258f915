"""A faster whoosh ``Positions`` format for fields analysed by ``StemmingAnalyzer``.

whoosh analyses text through a chain of generators that move one ``Token``
object through a tokenizer and three filters, one word at a time; on Reuters
that is about half of the whoosh index's CPU time.  ``FastPositions`` computes
the very same ``(word, frequency, weight, encoded positions)`` tuples with one
regex ``findall``, list comprehensions and a plain dict of stems, and encodes
the positions byte for byte as ``Positions.encode`` does, so the index is the
same (``tests/search/test_whoosh_index.py`` compares both ways, posting by posting).

It replicates whoosh 2.7's ``StemmingAnalyzer()`` defaults exactly:

* ``RegexTokenizer``: ``[\\w\\*]+(\\.?[\\w\\*]+)*`` matches; token *i* has position *i*;
* ``LowercaseFilter``: ``str.lower()`` of each token;
* ``StopFilter``: drops ``STOP_WORDS`` and tokens shorter than 2 characters;
  with ``renumber=True`` the first kept token keeps its position and each
  later kept token gets the previous kept position + 1;
* ``StemFilter``: the Porter ``stem`` (its cache only saves time).

Any other analyzer, a non-string value or other options fall back to whoosh's
own code, so the format is never wrong, only sometimes not faster.  Queries
still go through the field's analyzer.  The class is pickled in the index's
table of contents, so opening the index needs this module importable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pickle import dumps
from typing import Any

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.formats import Positions
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

# whoosh's default token pattern without its capturing group, so findall returns whole matches.
TOKEN = re.compile(default_pattern.pattern.replace("(", "(?:"), default_pattern.flags)
STEM_CACHE_MAX = 500_000  # distinct words kept; Reuters has ~40k, a long-lived dev server stays bounded


class _Stems(dict[str, str]):
    """word -> Porter stem; a dict lookup on a hit (whoosh's lfu cache costs a Python call per word)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= STEM_CACHE_MAX:
            self.clear()
        s = self[word] = stem(word)
        return s


_STEMS = _Stems()
_STOPS = frozenset(STOP_WORDS)
# Positions.encode is pack_uint(count) + pickle.dumps(deltas, 2).  For small lists of ints that
# pickle is PROTO 2, EMPTY_LIST, BINPUT 0, then one int and APPEND, or MARK, the ints and APPENDS,
# then STOP; an int is BININT1 (< 256), BININT2 (< 65536) or BININT (< 2**31).
_HEAD = b"\x80\x02]q\x00"
_BININT1 = [b"K" + bytes((i,)) for i in range(256)]
_APPENDS_BATCH = 1000  # pickle splits longer lists into several MARK ... APPENDS runs
_BININT_MAX = 2**31


def _int_op(d: int) -> bytes:
    return b"M" + d.to_bytes(2, "little") if d < 65536 else b"J" + d.to_bytes(4, "little")


def encode_positions(poslist: list[int]) -> bytes:
    """``Positions.encode(poslist)``, byte for byte, without pickling lists of ints below 2**31."""
    n = len(poslist)
    if n == 1:
        p = poslist[0]
        if p < 256:  # a new bytes object every time: whoosh pickles blocks of values, and pickle
            # would write a shared object once and refer to it, changing the posting file
            return pack_uint(1) + _HEAD + _BININT1[p] + b"a."
        if p < _BININT_MAX:
            return pack_uint(1) + _HEAD + _int_op(p) + b"a."
        return pack_uint(1) + dumps(poslist, 2)
    deltas = [poslist[0]] + [b - a for a, b in pairwise(poslist)]
    if n > _APPENDS_BATCH or max(deltas) >= _BININT_MAX:
        return pack_uint(n) + dumps(deltas, 2)
    ops = b"".join([_BININT1[d] if d < 256 else _int_op(d) for d in deltas])
    return pack_uint(n) + _HEAD + b"(" + ops + b"e."


def is_standard_stemming(analyzer: Any) -> bool:
    """Whether ``analyzer`` is exactly ``StemmingAnalyzer()`` with its default options."""
    if type(analyzer) is not CompositeAnalyzer or len(analyzer.items) != 4:
        return False
    tok, low, stop, stemf = analyzer.items
    return (
        type(tok) is RegexTokenizer and not tok.gaps
        and tok.expression.pattern == default_pattern.pattern and tok.expression.flags == default_pattern.flags
        and type(low) is LowercaseFilter
        and type(stop) is StopFilter and stop.stops == _STOPS and stop.min == 2 and stop.max is None
        and stop.renumber
        and type(stemf) is StemFilter and stemf.stemfn is stem and not stemf.ignore and not stemf.lang
    )


_checked: list[Any] = [None, False]  # the last analyzer checked (kept alive, so its id is not reused) and the answer


def analyse(text: str) -> tuple[list[str], int]:
    """The kept, stemmed words of ``text`` in order, and the position of the first one."""
    words = TOKEN.findall(text.lower()) if text.isascii() else [w.lower() for w in TOKEN.findall(text)]
    stops = _STOPS
    first = 0
    for first, w in enumerate(words):  # noqa: B007 (first is used after the loop)
        if len(w) > 1 and w not in stops:
            break
    else:
        return [], 0
    stems = _STEMS
    return [stems[w] for w in words[first:] if len(w) > 1 and w not in stops], first


class FastPositions(Positions):
    """``Positions`` whose ``word_values`` is fast for ``StemmingAnalyzer()`` text (same output)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterable[tuple[str, int, float, bytes]]:
        if _checked[0] is not analyzer:
            _checked[:] = [analyzer, is_standard_stemming(analyzer)]
        if not _checked[1] or type(value) is not str or kwargs.get("mode", "index") != "index" or len(kwargs) > 1:
            return super().word_values(value, analyzer, **kwargs)
        return self._fast(value)

    def _fast(self, text: str) -> Iterator[tuple[str, int, float, bytes]]:
        words, first = analyse(text)
        poses: dict[str, list[int]] = {}
        for pos, w in enumerate(words, first):
            lst = poses.get(w)
            if lst is None:
                poses[w] = [pos]
            else:
                lst.append(pos)
        fb = self.field_boost
        for w, poslist in poses.items():
            n = len(poslist)
            yield w, n, float(n) * fb, encode_positions(poslist)
