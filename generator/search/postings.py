"""One term's posting list and its rendered tiers, updated in place of the changed postings only.

A long list (more than ``head`` postings) is rendered as a head (its highest
impacts, in the term's shard) and tail blocks (the rest in doc order, cut where
``impacts.is_boundary`` says, at most 4 x ``block`` postings, one file each).
A change to a few postings re-renders the head, the block directory and only
the blocks between the natural boundaries around the changed documents, so an
edit costs about a block per long list instead of the whole list: "said" or
"reuter" are in nearly every Reuters story.

``tests/search/test_search_incremental.py`` checks the result against rendering the
list from scratch (``render`` with no previous state) on random changes.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.search.encoding import encode_postings, script
from generator.search.impacts import LEVELS, is_boundary
from generator.search.layout import Params, block_key, path

_ABOVE = [re.compile(b"[" + re.escape(bytes([q + 1])) + b"-" + re.escape(bytes([LEVELS])) + b"]") for q in range(LEVELS)]


@dataclass(slots=True)
class TermPostings:
    """A term's postings (doc numbers, quantised impacts) and what was rendered from them.

    ``blocks`` maps a tail block's first document to (max impact, file bytes);
    ``head_docs`` is empty for a list short enough to have no tail.  Slots keep
    the pickled build cache small and quick to load (~37,000 of these on Reuters).
    """

    docs: array = field(default_factory=lambda: array("I"))
    imps: bytearray = field(default_factory=bytearray)
    head_docs: array = field(default_factory=lambda: array("I"))
    head: str = ""
    row: list | None = None  # [df, block directory] for a tiered term
    blocks: dict[int, tuple[int, bytes]] = field(default_factory=dict)

    def copy(self) -> TermPostings:
        return TermPostings(array("I", self.docs), bytearray(self.imps), self.head_docs, self.head, self.row,
                            dict(self.blocks))

    def remove(self, doc: int) -> None:
        i = bisect.bisect_left(self.docs, doc)
        del self.docs[i], self.imps[i]

    def put(self, doc: int, imp: int) -> None:
        """Insert or replace the posting of ``doc``."""
        i = bisect.bisect_left(self.docs, doc)
        if i < len(self.docs) and self.docs[i] == doc:
            self.imps[i] = imp
        else:
            self.docs.insert(i, doc)
            self.imps.insert(i, imp)


def head_positions(imps: bytearray, head: int) -> list[int]:
    """Positions of the ``head`` highest impacts (equal impacts: the later, i.e. newer, first), in order.

    Counting impact levels and searching bytes keeps this in C for long lists.
    """
    n = len(imps)
    if n <= head:
        return list(range(n))
    if head == 0:
        return []
    taken, threshold = 0, 1
    for q in range(LEVELS, 0, -1):
        c = imps.count(q)
        if taken + c >= head:
            threshold = q
            break
        taken += c
    out = [m.start() for m in _ABOVE[threshold].finditer(imps)] if threshold < LEVELS else []
    mark, end = bytes([threshold]), n
    for _ in range(head - taken):
        end = imps.rfind(mark, 0, end)
        out.append(end)
    out.sort()
    return out


def _block_bytes(term: str, docs: list[int], imps: list[int]) -> tuple[int, bytes]:
    key = block_key(term, docs[0])
    return max(imps), script(key, encode_postings(docs, imps))


def _cut(term: str, tp: TermPostings, in_head: set[int], lo: int, hi: int, params: Params) -> None:
    """(Re)build the blocks of the tail documents in [lo, hi), where lo is a list start or natural boundary."""
    docs, imps = tp.docs, tp.imps
    i = bisect.bisect_left(docs, lo)
    end = bisect.bisect_left(docs, hi)
    cur_d: list[int] = []
    cur_q: list[int] = []
    limit = 4 * params.block
    while i < end:
        d = docs[i]
        if d not in in_head:
            if cur_d and (is_boundary(d, params.block) or len(cur_d) >= limit):
                tp.blocks[cur_d[0]] = _block_bytes(term, cur_d, cur_q)
                cur_d, cur_q = [], []
            cur_d.append(d)
            cur_q.append(imps[i])
        i += 1
    if cur_d:
        tp.blocks[cur_d[0]] = _block_bytes(term, cur_d, cur_q)


def _ranges(tp: TermPostings, changed: set[int], old_in_head: set[int], in_head: set[int], params: Params
            ) -> list[tuple[int, int]]:
    """Doc ranges [lo, hi) around the changed documents, bounded by unchanged natural block starts.

    A bound is a document whose posting did not change, that is in the tail
    before and after the change and that starts a block by its own hash:
    blocks before it and from it on are the same in the old and new rendering.
    Every such document starts one of the old blocks (``_cut`` starts a block
    at each natural boundary), so only the old block starts are looked at.
    """
    starts = sorted(tp.blocks)

    def bound(d: int) -> bool:
        return d not in changed and d not in old_in_head and d not in in_head and is_boundary(d, params.block)

    out: list[tuple[int, int]] = []
    for x in sorted(changed):
        if out and x < out[-1][1]:
            # Inside the last range: no bound lies between the previous change and that range's end, so the
            # first bound after x is the same end.  Skipping the scans keeps many changes close together (an
            # article re-dated by a few days renumbers hundreds) linear instead of quadratic.
            continue
        i = bisect.bisect_left(starts, x)
        lo = -1
        for j in range(i - 1, -1, -1):
            if bound(starts[j]):
                lo = starts[j]
                break
        hi = 1 << 32
        for j in range(i + (1 if i < len(starts) and starts[i] == x else 0), len(starts)):
            if bound(starts[j]):
                hi = starts[j]
                break
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def render(term: str, tp: TermPostings, touched: set[int] | None, params: Params) -> tuple[set[int], set[int]]:
    """Re-render ``tp`` (in place) after its postings for the ``touched`` docs changed; None: from scratch.

    Returns the first documents of blocks that were (re)written and of blocks
    that no longer exist, for the caller to turn into files.
    """
    old_blocks = dict(tp.blocks)
    heads = head_positions(tp.imps, params.head)
    docs = tp.docs
    if len(docs) <= params.head:
        tp.head_docs = array("I")
        tp.blocks = {}
        tp.row = None
        tp.head = encode_postings(docs, tp.imps)
        return set(), set(old_blocks)
    new_head = array("I", (docs[i] for i in heads))
    if touched is None or not tp.head_docs:
        tp.blocks = {}
        _cut(term, tp, set(new_head), -1, 1 << 32, params)
    else:
        old_in_head, in_head = set(tp.head_docs), set(new_head)
        changed = set(touched) | (old_in_head ^ in_head)
        for lo, hi in _ranges(tp, changed, old_in_head, in_head, params):
            for first in [f for f in tp.blocks if lo <= f < hi]:
                del tp.blocks[first]
            _cut(term, tp, in_head, max(lo, 0), hi, params)
    tp.head_docs = new_head
    tp.head = encode_postings(new_head, (tp.imps[i] for i in heads))
    firsts = sorted(tp.blocks)
    tp.row = [len(docs), encode_postings(firsts, (tp.blocks[f][0] for f in firsts))]
    written = {f for f, v in tp.blocks.items() if old_blocks.get(f) != v}
    return written, set(old_blocks) - set(tp.blocks)


def block_files(term: str, tp: TermPostings, firsts: Iterable[int]) -> dict[str, bytes]:
    return {path(block_key(term, f)): tp.blocks[f][1] for f in firsts}
