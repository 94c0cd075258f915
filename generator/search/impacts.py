"""Per-posting scores folded in at build time, and how long posting lists are cut into tiers.

A posting stores one character: the document's BM25F saturation for the term,
``tf~ / (k1 + tf~)`` quantised to ``LEVELS`` steps, where
``tf~ = sum_f w_f tf_f / (1 - b_f + b_f len_f / avg_f)`` over title, summary,
entity names and body.  The browser multiplies it by the term's idf (from the
posting count) at query time, so it needs no document lengths.

``avg_f`` is the field's mean length *quantised* to eighths of an octave
(steps of ~9%): one article more or less almost never moves it, so an edit
changes the impacts of that article's own postings and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Field order in the packed term frequency: title, summary, entity names, body.
FIELDS = ("title", "summary", "entities", "body")
WEIGHTS = (3.0, 1.5, 2.0, 1.0)
B = (0.5, 0.75, 0.5, 0.75)
K1 = 1.2
LEVELS = 63  # impact quantisation: one base-64 character, 1..63
AVG_STEPS_PER_OCTAVE = 8


def quantised_average(total: int, count: int) -> float:
    """Mean field length rounded to a power of 2^(1/8); 1.0 for an empty field or corpus."""
    if count == 0 or total == 0:
        return 1.0
    step = round(math.log2(total / count) * AVG_STEPS_PER_OCTAVE)
    return 2.0 ** (step / AVG_STEPS_PER_OCTAVE)


def field_norms(lengths: Sequence[int], averages: Sequence[float]) -> tuple[float, ...]:
    """Per-field weight over the BM25 length normalisation, for one document."""
    return tuple(
        WEIGHTS[f] / (1 - B[f] + B[f] * lengths[f] / averages[f]) for f in range(len(FIELDS))
    )


def impact(packed: int, norms: Sequence[float]) -> int:
    """Quantised saturation of one posting; ``packed`` holds 8 bits of tf per field, title lowest."""
    tf = 0.0
    f = 0
    while packed:
        c = packed & 255
        if c:
            tf += c * norms[f]
        packed >>= 8
        f += 1
    q = round(tf / (K1 + tf) * LEVELS)
    return max(1, min(q, LEVELS))


def is_boundary(doc: int, block: int) -> bool:
    """Whether a tail block starts at this document: a hash of the doc number, not a count.

    Content-defined boundaries keep a posting list's other blocks byte-identical
    when one posting joins or leaves it (a count would shift every later block).
    """
    return ((doc * 2654435761) & 0xFFFFFFFF) % block == 0


def split_tiers(docs: Sequence[int], impacts: Sequence[int], head: int, block: int) -> tuple[list[int], list[list[int]]]:
    """Cut one posting list into its head and tail blocks, as posting indexes in doc order.

    The head holds the ``head`` highest impacts (equal impacts: the newer
    document first, like the ranking's tie-break); the rest, in doc order, is cut
    into blocks of about ``block`` postings at content-defined boundaries (at
    most 4 x ``block``).  Bucketing the impact levels keeps it linear.
    """
    n = len(impacts)
    if n <= head:
        return list(range(n)), []
    buckets: list[list[int]] = [[] for _ in range(LEVELS + 1)]
    for i in range(n - 1, -1, -1):
        buckets[impacts[i]].append(i)
    in_head = bytearray(n)
    taken = 0
    for q in range(LEVELS, 0, -1):
        for i in buckets[q]:
            if taken == head:
                break
            in_head[i] = 1
            taken += 1
    first = [i for i in range(n) if in_head[i]]
    blocks: list[list[int]] = []
    for i in range(n):
        if in_head[i]:
            continue
        if not blocks or is_boundary(docs[i], block) or len(blocks[-1]) >= 4 * block:
            blocks.append([i])
        else:
            blocks[-1].append(i)
    return first, blocks
