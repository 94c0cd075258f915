"""Build the browser search index (sharded script files) and the whoosh index.

Browser index layout, all under ``site/search/`` and all classic scripts that
call ``__as(key, data)`` (Chromium refuses ``fetch()`` on
file://, but ``<script src>`` works there):

* ``meta.js``      corpus size, BM25F constants, shard boundaries, year runs,
                   facet catalogue.  The only file every query needs.
* ``t/<n>.js``     a contiguous range of sorted terms with their postings.  A
                   query loads only the shards holding its terms.  A term
                   with more than ``tier_head`` postings keeps only its
                   highest-impact postings here (the head tier).
* ``u/<n>.js``     a block of such a term's remaining postings (its tail):
                   the tail is cut in doc order into blocks of ``TIER_BLOCK``
                   postings, and the shard lists each block's first document
                   and highest impact.  The browser loads a block only when
                   its top results cannot be proven without it (a block-max
                   bound on the scores of the documents the block covers), or
                   all of them when it needs every match (facet counts,
                   phrases, exclusions).
* ``d/<n>.js``     one document's card: id, url, title, date, source,
                   summary, entities.  Loaded for the results shown.
* ``b/<n>.js``     one document's body, apart because it is most of the
                   bytes: loaded for snippets and to verify quoted phrases.
                   A long body keeps only its lead here (about ``BODY_LEAD``
                   characters, as a one-element list) and the rest in
                   ``c/<n>.js``: the top-bar box takes its snippets from leads.
* ``f/<n>.js``     one facet (an entity type, or sources): values with their
                   document lists.  Loaded only when facets are shown/used.
* ``ids.js``       every document id in number order, for the command line
                   runner (a browser never loads it).

Postings store, per document, the doc-number gap and one character holding the
document's quantized BM25F saturation for the term.  Field weights, length
normalisation and k1 are folded in at build time, so the browser needs no
document lengths; it computes idf from the posting count (the full count is
in the shard for a tiered term, whose lower tiers it may never load).  Documents are
numbered in arrival order, which is (date, id), so years are number ranges.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from generator.search import SearchDoc
from generator.search.analysis import analyze

# Field order in the packed term frequency: title, summary, entity names, body.
FIELDS = ("title", "summary", "entities", "body")
WEIGHTS = (3.0, 1.5, 2.0, 1.0)
B = (0.5, 0.75, 0.5, 0.75)
K1 = 1.2
LEVELS = 63  # impact quantisation: one base-64 character, 1..63
SHARD_TARGET = 1200  # bytes of postings per term shard: smaller shards, bigger meta.js (see measure.py)
FORMAT = 2
# Characters of a body the top-bar box's snippets read: news puts the point in the
# lead, and a few long articles in the top results otherwise cost 3-5 KB a query.
BODY_LEAD = 1000
# Postings a term keeps in its shard before the rest go to tier files: the top
# few hundred impacts decide the top results of most queries, while the long
# lists of words like "price" or "share" (7-8 KB) would otherwise be loaded whole.
TIER_HEAD = 400
# Postings per tail block: small blocks let a query fetch just the parts of a
# long list that hold its few contending documents, and give tighter maxima.
TIER_BLOCK = 32
WHOOSH_PARALLEL_MIN = 3000  # documents before whoosh gets a multiprocessing writer

# 64 characters that need no escaping in a JSON string.
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


@dataclass(frozen=True)
class IndexStats:
    """What a build wrote, for the build log and the closing measurements."""

    docs: int
    terms: int
    postings: int
    shards: int
    files: int
    bytes: int
    seconds: float


def b36(n: int) -> str:
    """Short file names for doc and shard numbers."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(digits[r])
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


def encode_postings(docs: Iterable[int], impacts: Iterable[int] | None = None) -> str:
    """Gap-encode ascending doc numbers, each followed by its impact character if given."""
    out: list[str] = []
    prev = -1
    if impacts is None:
        for d in docs:
            encode_gap(d - prev, out)
            prev = d
    else:
        for d, q in zip(docs, impacts, strict=True):
            encode_gap(d - prev, out)
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


def _js(key: str, data: object) -> bytes:
    body = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    # A short global name: it is repeated in every file a query loads (tail blocks are ~60 bytes).
    return f"__as({json.dumps(key)},{body});\n".encode("ascii")


class _Writer:
    """Counts files and bytes as it writes them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0

    def put(self, key: str, data: object) -> int:
        raw = _js(key, data)
        path = self.root / f"{key}.js"
        path.write_bytes(raw)
        self.files += 1
        self.bytes += len(raw)
        return len(raw)


def split_lead(body: str, lead: int = BODY_LEAD) -> tuple[str, str]:
    """Cut a long body into (lead, rest), lead + rest == body; ("body", "") when short.

    The cut falls at the last paragraph break, else sentence end, else space in
    the second half of the lead, so snippets do not end mid-word.  Bodies up to
    a quarter longer than the lead stay whole: a tiny rest file saves nothing.
    """
    if len(body) <= lead + lead // 4:
        return body, ""
    for sep in ("\n\n", ". ", " "):
        cut = body.rfind(sep, lead // 2, lead)
        if cut >= 0:
            cut += len(sep)
            return body[:cut], body[cut:]
    return body[:lead], body[lead:]


def impact_tiers(impacts: list[int], head: int, block: int = TIER_BLOCK) -> list[list[int]]:
    """Split one posting list into its head and tail blocks, as lists of posting indexes in doc order.

    The head holds the ``head`` highest impacts (equal impacts: the newer document
    first, like the ranking's tie-break); the rest, in doc order, is cut into
    blocks of ``block`` postings.  Bucketing the 63 impact levels keeps it linear.
    """
    n = len(impacts)
    if n <= head:
        return [list(range(n))]
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
    tail = [i for i in range(n) if not in_head[i]]
    return [first] + [tail[j : j + block] for j in range(0, len(tail), block)]


def write_browser_index(
    docs: Iterable[SearchDoc],
    site_dir: Path,
    shard_target: int = SHARD_TARGET,
    tier_head: int = TIER_HEAD,
    tier_block: int = TIER_BLOCK,
    body_lead: int = BODY_LEAD,
) -> IndexStats:
    """Write ``site_dir/search/`` from scratch in one pass over ``docs``.

    ``shard_target``, ``tier_head``, ``tier_block`` and ``body_lead`` exist for
    tests, which want several shards, tail blocks and split bodies from a few
    documents (a huge ``tier_head`` writes untiered lists, the exhaustive reference).

    Linear: each document is analysed once and its document file written at
    once; postings are kept as compact arrays and turned into shards at the end.
    """
    t0 = time.perf_counter()
    root = Path(site_dir) / "search"
    if root.exists():
        shutil.rmtree(root)
    for sub in ("t", "u", "d", "b", "c", "f"):
        (root / sub).mkdir(parents=True)
    w = _Writer(root)

    postings: dict[str, tuple[array, array]] = {}
    lengths = [array("I") for _ in FIELDS]
    ids: list[str] = []
    years: list[list] = []  # [year or "", first doc, last doc] runs
    sources: dict[str, array] = {}
    entities: dict[tuple[str, str], tuple[str, array]] = {}  # (type, id) -> (name, docs)

    n = 0
    for doc in _once(docs):
        names = " ".join(name for _eid, name, _typ in doc.entities)
        fields = (doc.title, doc.summary, names, doc.body)
        counts: dict[str, int] = {}
        for f, text in enumerate(fields):
            terms = analyze(text) if text else []
            lengths[f].append(len(terms))
            for term, c in Counter(terms).items():
                counts[term] = counts.get(term, 0) | (min(c, 255) << (8 * f))
        for term, packed in counts.items():
            entry = postings.get(term)
            if entry is None:
                entry = postings[term] = (array("I"), array("I"))
            entry[0].append(n)
            entry[1].append(packed)
        year = (doc.date or "")[:4]
        if years and years[-1][0] == year and years[-1][2] == n - 1:
            years[-1][2] = n
        else:
            years.append([year, n, n])
        if doc.source:
            sources.setdefault(doc.source, array("I")).append(n)
        seen = set()
        for eid, name, typ in doc.entities:
            if (typ, eid) in seen:
                continue
            seen.add((typ, eid))
            entry2 = entities.get((typ, eid))
            if entry2 is None:
                entry2 = entities[(typ, eid)] = (name, array("I"))
            entry2[1].append(n)
        w.put(
            f"d/{b36(n)}",
            {
                "id": doc.id,
                "u": doc.url,
                "t": doc.title,
                "d": doc.date or "",
                "s": doc.source or "",
                "m": doc.summary,
                "e": [list(e) for e in doc.entities],
            },
        )
        lead, rest = split_lead(doc.body or "", body_lead)
        if rest:
            w.put(f"b/{b36(n)}", [lead])
            w.put(f"c/{b36(n)}", rest)
        else:
            w.put(f"b/{b36(n)}", doc.body)
        ids.append(doc.id)
        n += 1

    # Quantized BM25F saturation per posting; all length statistics are known now.
    avg = [(sum(col) / n if n else 0.0) or 1.0 for col in lengths]
    norms = [
        [WEIGHTS[f] / (1 - B[f] + B[f] * lengths[f][d] / avg[f]) for d in range(n)] for f in range(len(FIELDS))
    ]
    terms = sorted(postings, key=utf16_key)
    bounds: list[str] = []
    shard_terms: list[str] = []
    shard_posts: list[str] = []
    # Per tiered term of the shard: [index in shard, df, first block file, block directory], the
    # directory encoded like postings: each block's first document and its highest impact.
    shard_tiers: list[list[int | str]] = []
    size = 0
    total_postings = 0
    tier_files = 0

    def flush() -> None:
        nonlocal size
        data: list = [shard_terms[:], shard_posts[:]]
        if shard_tiers:
            data.append([row[:] for row in shard_tiers])
        w.put(f"t/{b36(len(bounds))}", data)
        shard_terms.clear()
        shard_posts.clear()
        shard_tiers.clear()
        size = 0

    prev_term = ""
    for term in terms:
        dnums, packed = postings[term]
        total_postings += len(dnums)
        impacts = []
        for d, p in zip(dnums, packed, strict=True):
            tf = 0.0
            f = 0
            while p:
                c = p & 255
                if c:
                    tf += c * norms[f][d]
                p >>= 8
                f += 1
            q = round(tf / (K1 + tf) * LEVELS)
            impacts.append(max(1, min(q, LEVELS)))
        tiers = impact_tiers(impacts, tier_head, tier_block)
        enc = encode_postings((dnums[i] for i in tiers[0]), (impacts[i] for i in tiers[0]))
        if shard_terms and size + len(enc) > shard_target:
            flush()
            bounds.append(separator(prev_term, term))
        if len(tiers) > 1:
            directory = encode_postings((dnums[t[0]] for t in tiers[1:]), (max(impacts[i] for i in t) for t in tiers[1:]))
            shard_tiers.append([len(shard_terms), len(dnums), tier_files, directory])
            for tier in tiers[1:]:
                w.put(f"u/{b36(tier_files)}", encode_postings((dnums[i] for i in tier), (impacts[i] for i in tier)))
                tier_files += 1
            size += len(directory) + 16
        shard_terms.append(term)
        shard_posts.append(enc)
        size += len(enc) + len(term) + 6
        prev_term = term
    if shard_terms or not bounds:
        flush()

    # Facets: one file per entity type plus one for sources.
    facet_meta = []
    types = sorted({typ for typ, _eid in entities})
    for i, typ in enumerate(types):
        values = sorted(
            ((eid, name, encode_runs(dl)) for (t, eid), (name, dl) in entities.items() if t == typ),
            key=lambda v: (v[1].casefold(), v[0]),
        )
        w.put(f"f/{b36(i)}", [list(v) for v in values])
        facet_meta.append([typ, f"f/{b36(i)}", len(values)])
    src_values = sorted([s, s, encode_runs(dl)] for s, dl in sources.items())
    w.put("f/s", src_values)

    w.put("ids", ids)
    meta = {
        "v": FORMAT,
        "n": n,
        "k1": K1,
        "levels": LEVELS,
        "shards": " ".join(bounds),  # terms never contain spaces; one string is smaller than a list
        "years": years,
        "types": facet_meta,
        "sources": "f/s",
    }
    w.put("meta", meta)
    return IndexStats(
        docs=n,
        terms=len(terms),
        postings=total_postings,
        shards=len(bounds) + 1,
        files=w.files,
        bytes=w.bytes,
        seconds=round(time.perf_counter() - t0, 3),
    )


def _once(docs: Iterable[SearchDoc]) -> Iterator[SearchDoc]:
    """Iterate the input exactly once, whatever it is (list or stream)."""
    yield from docs


def write_whoosh_index(docs: Iterable[SearchDoc], whoosh_dir: Path) -> None:
    """Recreate the whoosh index: the shell search and the reference BM25F ranker.

    Fields title, summary, entities and body with whoosh's StemmingAnalyzer,
    the setup the evaluation compares the browser engine against.
    """
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    whoosh_dir = Path(whoosh_dir)
    if whoosh_dir.exists():
        shutil.rmtree(whoosh_dir)
    whoosh_dir.mkdir(parents=True)
    analyzer = StemmingAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer),
        summary=TEXT(analyzer=analyzer),
        entities=TEXT(analyzer=analyzer),
        body=TEXT(analyzer=analyzer),
    )
    ix = index.create_in(str(whoosh_dir), schema)
    # whoosh indexes in pure Python; on a large corpus its multiprocessing writer
    # roughly halves the time (Reuters: ~21 s -> ~10 s on 2 cores).  Small corpora
    # stay in-process, where forking would cost more than it saves.
    it = iter(docs)
    head = list(islice(it, WHOOSH_PARALLEL_MIN))
    procs = min(os.cpu_count() or 1, 4) if len(head) == WHOOSH_PARALLEL_MIN else 1
    writer = ix.writer(limitmb=256, procs=procs, multisegment=procs > 1)
    for doc in chain(head, it):
        writer.add_document(
            id=doc.id,
            title=doc.title or "",
            summary=doc.summary or "",
            entities=" ".join(name for _eid, name, _typ in doc.entities),
            body=doc.body or "",
        )
    writer.commit()
