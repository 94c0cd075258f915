"""Exact duplicates collapsed at index time: one result per story, saying how many copies there are.

Until an archivist marks copies (``duplicate_of``, which ``check
--mark-duplicates`` writes for every identical copy), an archive may hold the
same story under several ids (Reuters has ~300).  Search would show each:
the same story twice in a top 3.  So the index keeps one document per
distinct (title, body), the one with the smallest id (the article ``check
--mark-duplicates`` names as the original, so marking later changes nothing a
reader sees), and writes on its card how many copies it stands for.  The
copies' facet values (another source, another tag) join it, so a filter
that would have found a copy finds the story.

Exact and cheap: a digest of title and body per document, kept by the
document's digest in the index state, so an incremental build hashes only
the documents that changed; grouping is one dictionary pass.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import compress
from operator import ne
from typing import Any

from generator.search import SearchDoc
from generator.util.shelf import as_text


def content_digest(doc: SearchDoc) -> bytes:
    """What makes two documents the same story: identical title and body."""
    text = f"{doc.title}\x1f{as_text(doc.body)}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).digest()


@dataclass(frozen=True)
class Copies:
    """Where the stories with copies are among the input documents: what an update of ``collapse`` reuses."""

    inputs: list[bytes]  # every input document's digest, in order
    kept: bytearray  # per input document: 1 when it is indexed (the copies' are 0)
    groups: tuple[tuple[int, bytes], ...]  # per story with copies: its representative's input position, its digest
    shared: frozenset[bytes]  # the content digests of those stories


@dataclass(frozen=True)
class Collapsed:
    """The documents to index (one per story, in the input's order) and what the next build may reuse."""

    docs: list[SearchDoc]
    digests: list[bytes]  # per kept document; a representative's also covers its copies
    contents: dict[bytes, bytes]  # document digest -> content digest, for every input document
    copies: Copies | None = None  # None: copies are not collapsed


def _merged(rep: SearchDoc, copies: list[SearchDoc]) -> SearchDoc:
    entities, facets = list(rep.entities), list(rep.facets)
    seen_e, seen_f = {e[0] for e in entities}, {f[:2] for f in facets}
    for c in copies:
        for e in c.entities:
            if e[0] not in seen_e:
                seen_e.add(e[0])
                entities.append(e)
        for f in c.facets:
            if f[:2] not in seen_f:
                seen_f.add(f[:2])
                facets.append(f)
    made = getattr(rep, "made", None)  # a document made when first read (output.indexes.LazyDoc): the document
    return replace(made() if made else rep, entities=tuple(entities), facets=tuple(facets), copies=1 + len(copies))


# Merged representatives by the digest of their copies' digests (which change whenever a copy does), so a
# process updating the index again and again (the dev server) merges only the stories whose copies changed.
_MERGED: dict[bytes, SearchDoc] = {}
# An update changing more input documents than this collapses them all again (it is as fast).
UPDATE_MAX = 64


def collapse(docs: Sequence[SearchDoc], digests: Sequence[bytes], known: Mapping[bytes, bytes],
             enabled: bool = True, previous: Copies | None = None) -> Collapsed:
    """Keep one document per identical (title, body); ``known`` maps document digests to content digests.

    ``enabled`` False keeps every document (and hashes nothing).  With
    ``previous`` (``Collapsed.copies`` of the call ``known`` came from), a
    change that leaves every story with copies as it was (no changed document
    is or becomes a copy) costs a few passes over the digests in C; otherwise
    only the documents whose content digest another shares are looked at one
    by one (Reuters: ~600 of 21,578).
    """
    if not enabled:
        return Collapsed(list(docs), list(digests), {})
    if previous is not None:
        done = _update(docs, digests, known, previous)
        if done is not None:
            return done
    cds = list(map(known.get, digests))
    if None in cds:
        for i in [i for i, cd in enumerate(cds) if cd is None]:
            cds[i] = content_digest(docs[i])
    contents = dict(zip(digests, cds, strict=True))
    kept = bytearray(b"\x01") * len(docs)
    if len(contents) == len(set(cds)) == len(cds):  # no two documents alike: every one is kept
        return Collapsed(list(docs), list(digests), contents, Copies(list(digests), kept, (), frozenset()))
    shared = {cd for cd, k in Counter(cds).items() if k > 1}
    groups: dict[bytes, list[int]] = {}
    for i in compress(range(len(cds)), map(shared.__contains__, cds)):
        doc = docs[i]
        if doc.title or as_text(doc.body):  # an empty article is no story to repeat
            groups.setdefault(cds[i], []).append(i)
    out_docs, out_digests = list(docs), list(digests)
    reps = []
    for members in groups.values():
        if len(members) > 1:
            rep = min(members, key=lambda i: docs[i].id)
            copies = sorted((i for i in members if i != rep), key=lambda i: docs[i].id)
            joined = b"".join([digests[rep], *(digests[c] for c in copies)])
            dg = out_digests[rep] = hashlib.blake2b(joined, digest_size=16).digest()
            doc = _MERGED.get(dg)
            if doc is None:
                doc = _MERGED[dg] = _merged(docs[rep], [docs[c] for c in copies])
            out_docs[rep] = doc
            reps.append((rep, dg))
            for c in copies:
                kept[c] = 0
    if len(_MERGED) > 4 * len(reps) + 1000:  # a long dev session: forget the stories no longer merged
        _MERGED.clear()
    info = Copies(list(digests), kept, tuple(sorted(reps)),
                  frozenset(cd for cd, members in groups.items() if len(members) > 1))
    return Collapsed(list(compress(out_docs, kept)), list(compress(out_digests, kept)), contents, info)


def _update(docs: Sequence[SearchDoc], digests: Sequence[bytes], known: Mapping[bytes, bytes],
            previous: Copies) -> Collapsed | None:
    """``collapse`` when no changed document is, was or becomes a copy; None when one may."""
    old, n, m = previous.inputs, len(digests), len(previous.inputs)
    changed = list(compress(range(min(n, m)), map(ne, old, digests)))
    changed += range(min(n, m), max(n, m))
    if len(changed) > UPDATE_MAX:
        return None
    shared = previous.shared
    if any(dg not in _MERGED for _rep, dg in previous.groups):  # merged in another process: merge them all
        return None
    fresh: dict[bytes, bytes] = {}
    # the content digests of the other documents (a few changes: scanned in C; more: a set)
    values: Any = known.values() if len(changed) <= 4 else None
    for p in changed:
        before = known.get(old[p]) if p < m else None
        if (before is None and p < m) or before in shared:
            return None
        if p < n:
            doc, dg = docs[p], digests[p]
            cd = known.get(dg) or content_digest(doc)
            if cd in shared or cd in fresh.values():
                return None
            if cd != before:  # another document may have this content (an identical copy made)
                if values is None:
                    values = set(known.values())  # (a copy's digest among them: one of the stories above)
                if cd in values:
                    return None
            fresh[dg] = cd
    contents = dict(known)
    for p in changed:
        if p < m and old[p] not in fresh:
            contents.pop(old[p], None)
    contents.update(fresh)
    kept = previous.kept[:n] + b"\x01" * max(0, n - m)
    out_docs, out_digests = list(docs), list(digests)
    for rep, dg in previous.groups:
        out_digests[rep] = dg
        out_docs[rep] = _MERGED[dg]
    copies = Copies(list(digests), kept, previous.groups, shared)
    return Collapsed(list(compress(out_docs, kept)), list(compress(out_digests, kept)), contents, copies)
