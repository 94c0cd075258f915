"""Finding identical and near-identical articles (the same story filed twice under two ids).

Two articles are near-identical when 90% or more of the word 5-grams
("shingles") of each are in the other. Comparing every pair would be
quadratic; instead each article keeps the few smallest hashes of its
shingles (a bottom-k sketch, in the MinHash family): two articles that share
90% of their shingles almost surely share one of those, so only articles
that do are compared exactly. Hashes are of word numbers given in a fixed
order, so the report is the same on every run. Articles shorter than
``MIN_WORDS`` words (headline-only wire items, sign-offs) are not compared.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.curation.yamledit import add_key

SHINGLE = 5
SKETCH = 4  # smallest shingle hashes kept per article
THRESHOLD = 0.9
MIN_WORDS = 12
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicate:
    """``copy`` repeats ``original`` (the smaller id); share = shingles in common / shingles of the larger."""

    original: str
    copy: str
    share: float

    @property
    def identical(self) -> bool:
        return self.share >= 1.0


def _shingles(ids: list[int]) -> set[int]:
    return {hash(t) for t in zip(*(ids[i:] for i in range(SHINGLE)), strict=False)}


def find_duplicates(articles: Iterable[tuple[str, str]], threshold: float = THRESHOLD) -> list[Duplicate]:
    """(id, text) pairs in; each copy is reported once, against the first article it repeats."""
    vocab: dict[str, int] = {}
    words: dict[str, list[int]] = {}
    for aid, text in sorted(articles):
        toks = _WORD.findall(text.lower())
        if len(toks) >= MIN_WORDS:
            words[aid] = [vocab.setdefault(t, len(vocab)) for t in toks]
    exact: dict[tuple[int, ...], str] = {}
    found: dict[str, Duplicate] = {}
    buckets: dict[int, list[str]] = defaultdict(list)
    sketches: dict[str, set[int]] = {}
    for aid, ids in words.items():
        key = tuple(ids)
        if key in exact:
            found[aid] = Duplicate(exact[key], aid, 1.0)
            continue
        exact[key] = aid
        sh = _shingles(ids)
        sketches[aid] = sh
        for h in heapq.nsmallest(SKETCH, sh):
            buckets[h].append(aid)
    compared: set[tuple[str, str]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if (a, b) in compared or b in found:
                    continue
                compared.add((a, b))
                sa, sb = sketches[a], sketches[b]
                share = len(sa & sb) / max(len(sa), len(sb))
                if share >= threshold:
                    found[b] = Duplicate(a, b, round(share, 3))
    return sorted(found.values(), key=lambda d: (d.original, d.copy))


def report_duplicates(archive: object, diag: object, found: list[Duplicate] | None = None,
                      marked_now: Iterable[str] = ()) -> None:
    """Warn about each copy not marked ``duplicate_of`` (naming both seed files)."""
    arts = {a.id: a for a in archive.articles}  # type: ignore[attr-defined]
    marked = {a.id for a in arts.values() if a.duplicate_of} | set(marked_now)
    if found is None:
        found = find_duplicates((a.id, a.text) for a in arts.values())
    for d in found:
        if d.copy in marked or d.original in marked:
            continue
        orig, copy = Path(arts[d.original].path), Path(arts[d.copy].path)
        how = "is identical to" if d.identical else f"repeats {d.share:.0%} of"
        diag.warn(copy, None, f"{copy.name} {how} {orig.name}; if it is a copy, "  # type: ignore[attr-defined]
                  f"add 'duplicate_of: {d.original}' to content/articles/{copy.stem}.yaml")


@dataclass
class Marking:
    """What ``check --mark-duplicates`` did: files written, near copies left for review, copies left alone and why."""

    written: list[tuple[str, str, Path]] = field(default_factory=list)  # (copy, original, metadata file)
    review: list[Duplicate] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)  # (copy, reason)


def mark_duplicates(archive: object, content: Path, found: list[Duplicate], metas: dict[str, str]) -> Marking:
    """Write ``duplicate_of`` into the metadata of every identical copy; list near-identical ones for review.

    Only identical texts are marked: a near copy may be a correction or an
    update, which only a reader can tell. A copy whose metadata already says
    ``duplicate_of`` is never touched (the archivist's choice wins, even
    when it differs), nor one the archivist named as another copy's
    original; when the archivist marked the would-be original as a copy,
    the new mark points to what it copies, so no chain of copies is made.
    ``metas`` maps article ids to their metadata files (``inputs.content.list_metas``).
    """
    arts = {a.id: a for a in archive.articles}  # type: ignore[attr-defined]
    chosen = {a.duplicate_of: a.id for a in arts.values() if a.duplicate_of}  # originals the archivist named
    out = Marking()
    for d in found:
        if not d.identical:
            out.review.append(d)
            continue
        copy = arts[d.copy]
        if copy.duplicate_of:
            out.left.append((d.copy, f"its metadata already says duplicate_of: {copy.duplicate_of}"))
            continue
        if d.copy in chosen:
            out.left.append((d.copy, f"the metadata of {chosen[d.copy]} names it as the original"))
            continue
        original = arts[d.original].duplicate_of or d.original
        if original == d.copy:
            out.left.append((d.copy, f"the metadata of {d.original} says it is a copy of {d.copy}"))
            continue
        path = Path(metas.get(d.copy) or content / "articles" / f"{Path(copy.path).stem}.yaml")
        path.parent.mkdir(parents=True, exist_ok=True)
        problem = add_key(path, "duplicate_of", original)
        if problem:
            out.left.append((d.copy, f"{path}: {problem}"))
        else:
            out.written.append((d.copy, original, path))
    return out
