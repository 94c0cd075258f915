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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from generator.search import SearchDoc


def content_digest(doc: SearchDoc) -> bytes:
    """What makes two documents the same story: identical title and body."""
    text = f"{doc.title}\x1f{doc.body}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).digest()


@dataclass(frozen=True)
class Collapsed:
    """The documents to index (one per story, in the input's order) and what the next build may reuse."""

    docs: list[SearchDoc]
    digests: list[bytes]  # per kept document; a representative's also covers its copies
    contents: dict[bytes, bytes]  # document digest -> content digest, for every input document


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
    return replace(rep, entities=tuple(entities), facets=tuple(facets), copies=1 + len(copies))


def collapse(docs: Sequence[SearchDoc], digests: Sequence[bytes], known: Mapping[bytes, bytes],
             enabled: bool = True) -> Collapsed:
    """Keep one document per identical (title, body); ``known`` maps document digests to content digests.

    ``enabled`` False keeps every document (and hashes nothing).
    """
    if not enabled:
        return Collapsed(list(docs), list(digests), {})
    contents: dict[bytes, bytes] = {}
    groups: dict[bytes, list[int]] = {}
    for i, (doc, dg) in enumerate(zip(docs, digests, strict=True)):
        cd = known.get(dg) or content_digest(doc)
        contents[dg] = cd
        if doc.title or doc.body:  # an empty article is no story to repeat
            groups.setdefault(cd, []).append(i)
        else:
            groups[dg + b"\0"] = [i]
    keep: dict[int, list[int]] = {}  # representative -> its copies, by position
    for members in groups.values():
        if len(members) == 1:
            keep[members[0]] = []
            continue
        rep = min(members, key=lambda i: docs[i].id)
        keep[rep] = sorted((i for i in members if i != rep), key=lambda i: docs[i].id)
    out_docs, out_digests = [], []
    for i in sorted(keep):
        copies = keep[i]
        if not copies:
            out_docs.append(docs[i])
            out_digests.append(digests[i])
            continue
        out_docs.append(_merged(docs[i], [docs[c] for c in copies]))
        joined = b"".join([digests[i], *(digests[c] for c in copies)])
        out_digests.append(hashlib.blake2b(joined, digest_size=16).digest())
    return Collapsed(out_docs, out_digests, contents)
