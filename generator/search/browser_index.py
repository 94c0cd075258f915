"""The browser search index as a pure function: documents (and the previous state) in, files out.

    state, files = build_browser_index(docs)              # every file
    state, files = build_browser_index(docs, state)       # only what changed

``files`` maps site-root-relative paths ("search/meta.js") to bytes, or to
None for a file to delete; the site's writer writes them.  Applying an
update's files to the previous output gives exactly the bytes a clean build of
the same documents gives (tests/search/test_search_incremental.py checks it on random
edit sequences).  The state is picklable (it goes in the build cache) and keeps
each document's analysis by a digest of its content, so unchanged documents are
never analysed again.

Work is proportional to the change when document numbers stay put (an article
edited, newer articles appended, the newest removed): only the postings of the
changed documents' terms are recomputed and only their shards, tail blocks,
bundles and facet files re-rendered.  When numbers shift (an article inserted,
removed or re-dated in the middle of the date order) or the quantised average
field length moves, everything is re-rendered from the cached analyses and
compared with the previous files.
"""

from __future__ import annotations

import bisect
import hashlib
import pickle
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from generator.search import FacetDef, SearchDoc
from generator.search.analysis import analyze_noting_spellable, spell_keys
from generator.search.duplicates import collapse
from generator.search.encoding import encode_runs, front_code, separator, utf16_key
from generator.search.impacts import FIELDS, K1, LEVELS, field_norms, impact, quantised_average
from generator.search.languages import ENGLISH, algorithm, analyser, stemmer_script
from generator.search.languages import name as language_name
from generator.search.layout import (
    FORMAT,
    ROOT,
    Params,
    block_key,
    bundle_key,
    card,
    df_digit,
    facet_key,
    facet_param,
    key_of,
    lexicon_files,
    lexicon_key,
    path,
    render_bundle,
    render_facet,
    render_lexicon,
    render_meta,
    render_rests,
    render_shard,
    rest_key,
    shard_key,
    split_lead,
)
from generator.search.multilingual import make_analyzer
from generator.search.postings import TermPostings, block_files, render
from generator.util.forking import map_parts

# An update touching more documents than this fraction re-renders everything (it is faster).
FULL_FRACTION = 0.25

Files = dict[str, "bytes | None"]


class Packed(dict):
    """A dict whose values may still be pickled: each is decoded on first access.

    The index state's per-term postings and per-document analyses are most of
    a 21k-document state (36 MB); an edit touches a few dozen of them.  Held
    this way, the build cache loads them as bytes and pickles back only the
    values that were decoded (``__reduce__``).  Copying a Packed (``Packed(d)``)
    copies the raw values; ``raw_items`` iterates without decoding.
    """

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        if type(value) is bytes:
            value = pickle.loads(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def values(self) -> Any:  # type: ignore[override]
        return [self[k] for k in self]

    def items(self) -> Any:  # type: ignore[override]
        return [(k, self[k]) for k in self]

    def raw_items(self) -> Any:
        return dict.items(self)

    def __reduce__(self) -> tuple:
        top = pickle.HIGHEST_PROTOCOL
        pairs = [(k, v if type(v) is bytes else pickle.dumps(v, protocol=top)) for k, v in dict.items(self)]
        return (Packed, (pairs,))


class DocAnalysis(NamedTuple):
    """What the index needs of one document's text: packed term frequencies and field lengths.

    Terms are interned, so a pickled state stores each term once however many
    documents hold it.
    """

    terms: tuple[str, ...]
    packed: array  # per term: 8 bits of count per field, title lowest
    lengths: tuple[int, ...]  # terms per field
    words: tuple[str, ...]  # distinct folded words the spelling lexicon holds (analysis.spellable)


@dataclass
class IndexState:
    """Everything an update needs from the previous build (picklable; never modified by an update)."""

    params: Params
    format: int = FORMAT
    digests: list[bytes] = field(default_factory=list)
    analyses: dict[bytes, DocAnalysis] = field(default_factory=Packed)
    postings: dict[str, TermPostings] = field(default_factory=Packed)
    widths: dict[str, int] = field(default_factory=dict)  # per term: its share of a shard (see _partition)
    lengths: list[array] = field(default_factory=list)  # per field, per doc
    sums: list[int] = field(default_factory=list)  # per field
    averages: tuple[float, ...] = ()
    terms: list[str] = field(default_factory=list)  # sorted as JavaScript sorts (UTF-16)
    keys: list[bytes] = field(default_factory=list)  # utf16_key of terms, for bisect
    shards: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shard path -> its terms
    facet_types: list[tuple[str, ...]] = field(default_factory=list)  # per doc: the facets it has values in
    facet_sizes: dict[str, int] = field(default_factory=dict)  # facet name (see _facet_values) -> values
    facet_defs: tuple[FacetDef, ...] = ()  # labels and order of the facets (meta's catalogue)
    contents: dict[bytes, bytes] = field(default_factory=dict)  # input doc digest -> content digest (duplicates)
    rests: bytearray = field(default_factory=bytearray)  # per doc: 1 when the body has a rest (c/)
    word_df: dict[str, int] = field(default_factory=dict)  # spelling lexicon: word -> documents
    lexicon: dict[str, set[str]] = field(default_factory=dict)  # lexicon file path -> its words
    lexicon_size: int = 1  # number of lexicon files
    files: dict[str, bytes] = field(default_factory=dict)  # path -> digest of its bytes


def doc_digest(doc: SearchDoc) -> bytes:
    """A digest of everything the index reads from a document."""
    parts = [doc.id, doc.url, doc.title, doc.date or "\0", doc.source or "\0", doc.summary, doc.body]
    parts.extend("\x1e".join(e) for e in doc.entities)
    parts.append("\x1d" + "\x1e".join("\x1c".join(f) for f in doc.facets))
    parts.append(str(doc.copies))
    if analyser(doc.language) != ENGLISH:  # English documents keep the digests they had before languages
        parts.append("\x1b" + analyser(doc.language))
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _file_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


_analyzers: dict[str, Any] = {}


def analyse(doc: SearchDoc) -> DocAnalysis:
    """Terms per field: title, summary, entity names, body (see impacts.FIELDS), by the document's analyser.

    Only English documents feed the spelling lexicon: its sound-alike rules are English's.
    """
    names = " ".join(name for _eid, name, _typ in doc.entities)
    counts: dict[str, int] = {}
    lengths = []
    spelled: set[str] = set()
    code = analyser(doc.language)
    other = None
    if code != ENGLISH:
        other = _analyzers.get(code) or _analyzers.setdefault(code, make_analyzer(code))
    for f, text in enumerate((doc.title, doc.summary, names, doc.body)):
        if not text:
            terms = []
        elif other is None:
            terms = analyze_noting_spellable(text, spelled)
        else:
            terms = other(text)
        lengths.append(len(terms))
        for term, c in Counter(terms).items():
            counts[term] = counts.get(term, 0) | (min(c, 255) << (8 * f))
    return DocAnalysis(tuple(sys.intern(t) for t in counts), array("I", counts.values()), tuple(lengths),
                       tuple(sys.intern(w) for w in sorted(spelled)))


def _facet_values(doc: SearchDoc, lang: str | None = None) -> Iterable[tuple[str, str, str]]:
    """A document's facet values as (facet name, key, display name), every facet alike.

    A facet is named by its entity type ("person"), by "\\0" + its kind
    ("\\0tag", "\\0desk") or, for the languages, "\\1" + its kind: an entity
    type and a taxonomy may share a word (a type "topic" beside a taxonomy
    "topic"), the names may not.  ``lang``: the languages' facet name, when
    the facets have one (its value is the document's analyser, see FacetDef).
    """
    for eid, name, typ in doc.entities:
        yield typ, eid, name
    for kind, key, name in doc.facets:
        yield "\0" + kind, key, name
    if lang is not None:
        code = analyser(doc.language)
        yield lang, code, language_name(code)


def _facet_types(doc: SearchDoc, lang: str | None = None) -> tuple[str, ...]:
    return tuple(sorted({f for f, _key, _name in _facet_values(doc, lang)}))


def _facet_name(d: FacetDef) -> str:
    return "\1" + d.kind if d.language else d.kind if d.entity else "\0" + d.kind


def _language_facet(defs: Sequence[FacetDef]) -> str | None:
    """The name of the languages' facet among ``defs``, if any."""
    return next((_facet_name(d) for d in defs if d.language), None)


# ---------------------------------------------------------------- rendering


def _partition(state: IndexState) -> list[tuple[str, str, int, int]]:
    """Term shards as (path, separator, first, end) over ``state.terms``, cut by content.

    A term starts a new shard when the shard would outgrow ``shard_max``
    bytes, or when the shard has ``shard_min`` bytes and a hash of the term is
    0 modulo ``shard_mod``.  A grown or new term moves the boundaries after
    it only until the next hash cut both versions agree on (usually the next
    one or two), where a count- or size-only rule would move every later one.
    """
    terms, params, widths = state.terms, state.params, state.widths
    starts = [0]
    size = 0
    lo, hi, mod = params.shard_min, params.shard_max, params.shard_mod
    for i, t in enumerate(terms):
        w = widths[t]
        if size and (size + w > hi or (size >= lo and zlib.crc32(t.encode("utf-8", "surrogatepass")) % mod == 0)):
            starts.append(i)
            size = 0
        size += w
    out = []
    for j, a in enumerate(starts):
        b = starts[j + 1] if j + 1 < len(starts) else len(terms)
        sep = "" if a == 0 else separator(terms[a - 1], terms[a])
        out.append((path(shard_key(sep or None)), sep, a, b))
    return out


def _width(term: str, tp: TermPostings) -> int:
    """A term's share of its shard file, as ``_partition`` counts it (after ``render`` set its head and row)."""
    return len(term) + len(tp.head) + (len(tp.row[1]) + 12 if tp.row else 0) + 6


def _shard_bytes(state: IndexState, p: str, a: int, b: int) -> bytes:
    terms = state.terms[a:b]
    outs = [state.postings[t] for t in terms]
    return render_shard(key_of(p), terms, [o.head for o in outs], [o.row for o in outs])


def _bundle_bytes(docs: Sequence[SearchDoc], k: int, params: Params, rests: bytearray) -> bytes:
    lo, hi = k * params.bundle, min(len(docs), (k + 1) * params.bundle)
    cards = [card(docs[d], split_lead(docs[d].body or "", params.lead)[0], bool(rests[d])) for d in range(lo, hi)]
    return render_bundle(bundle_key(lo, params.bundle), cards)


def _rest_bytes(docs: Sequence[SearchDoc], k: int, params: Params, rests: bytearray) -> bytes | None:
    lo, hi = k * params.rest_bundle, min(len(docs), (k + 1) * params.rest_bundle)
    if not any(rests[lo:hi]):
        return None
    parts = [split_lead(docs[d].body or "", params.lead)[1] for d in range(lo, hi)]
    return render_rests(rest_key(lo, params.rest_bundle), parts)


def _facet_bytes(docs: Sequence[SearchDoc], facet: str, lang: str | None = None) -> tuple[bytes | None, int]:
    """One facet's file, [key, name, document runs] by name, and its number of values.

    None when it has no value, or for the languages' facet one (a filter that keeps everything).
    """
    values: dict[str, tuple[str, list[int]]] = {}
    for n, d in enumerate(docs):
        for f, key, name in _facet_values(d, lang):
            if f != facet:
                continue
            entry = values.get(key)
            if entry is None:
                values[key] = (name, [n])
            elif entry[1][-1] != n:
                entry[1].append(n)
    rows = sorted(([key, name, encode_runs(dl)] for key, (name, dl) in values.items()),
                  key=lambda v: (v[1].casefold(), v[0]))
    if facet == lang and len(rows) < 2:
        return None, 0
    return (render_facet(facet_key(facet), rows) if rows else None), len(rows)


def _languages(docs: Sequence[SearchDoc]) -> list[list]:
    """Per analyser: [code, Snowball algorithm or "", the runs of its documents], the most used first.

    Empty when every document is English, so an English archive's index is as
    it was.  The browser analyses a query with each listed analyser and
    scores, phrase-checks and highlights a document with its own; the runs
    also make the language facet.
    """
    by: dict[str, list[int]] = {}
    for n, d in enumerate(docs):
        by.setdefault(analyser(d.language), []).append(n)
    if not by or set(by) == {ENGLISH}:
        return []
    order = sorted(by, key=lambda c: (-len(by[c]), c))
    return [[c, algorithm(c), encode_runs(by[c])] for c in order]


_SCRIPTS = f"{ROOT}s/"  # every stemmer file is below search/s/ (each in its bucket: layout.path)


def _language_files(langs: list[list]) -> dict[str, bytes]:
    """The vendored Snowball scripts the analysers need (search/s/), base runtime included."""
    algos = sorted({a for _c, a, _r in langs if a})
    return {path(f"s/{a}"): stemmer_script(a) for a in (["base", *algos] if algos else [])}


def _catalogue(state: IndexState) -> list[list]:
    """meta's facets, in the order of ``state.facet_defs`` (then any undeclared, by name).

    Each row is [label, file, values, URL parameter, entity type]: the page
    shows and loads every facet alike; an entity type's values go in the
    "entity" parameter as "type:id".
    """
    order = [_facet_name(d) for d in state.facet_defs]
    labels = {_facet_name(d): d.label for d in state.facet_defs}
    names = [f for f in order if f in state.facet_sizes]
    names += sorted(f for f in state.facet_sizes if f not in labels)
    rows = []
    for f in names:
        row = [labels.get(f, f.lstrip("\0\1")), facet_key(f), state.facet_sizes[f], facet_param(f)]
        if f[:1] not in ("\0", "\1"):  # an entity type
            row.append(f)
        rows.append(row)
    return rows


def _years(docs: Sequence[SearchDoc]) -> list[list]:
    """Year runs [year, first doc, last doc, [month, its first doc, ...]] ("" for the undated, first).

    Documents are numbered in date order, so a year or a month is a range of
    numbers: the engine filters by date range and sorts by date from these
    alone, without reading any document's card.
    """
    years: list[list] = []
    for n, d in enumerate(docs):
        date = d.date or ""
        year, month = date[:4], int(date[5:7] or 0)
        if years and years[-1][0] == year:
            years[-1][2] = n
        else:
            years.append([year, n, n, []])
        months = years[-1][3]
        if month and (not months or months[-2] != month):
            months += [month, n]
    for y in years:
        if not y[3]:
            y.pop()
    return years


def _meta_bytes(docs: Sequence[SearchDoc], state: IndexState, shards: list[tuple[str, str, int, int]],
                langs: list[list] | None = None) -> bytes:
    sep_text = front_code([sep for _p, sep, _a, _b in shards[1:]])
    return render_meta({
        "n": len(docs),
        "k1": K1,
        "levels": LEVELS,
        "bundle": state.params.bundle,
        "rest": state.params.rest_bundle,
        "shards": sep_text,  # front-coded (encoding.front_code); terms never contain spaces
        "years": _years(docs),
        "facets": _catalogue(state),
        "lexicon": state.lexicon_size if state.word_df else 0,  # 0: no lexicon (no English words)
        **({"langs": langs} if langs else {}),
    })


# ---------------------------------------------------------------- building


def _lexicon_paths(word: str, files: int) -> set[str]:
    return {path(lexicon_key(k, files)) for k in spell_keys(word)}


def _lexicon_bytes(state: IndexState, p: str) -> bytes | None:
    words_ = state.lexicon.get(p)
    if not words_:
        return None
    return render_lexicon(key_of(p), ((w, state.word_df[w]) for w in words_))


def _norms(state: IndexState, d: int) -> tuple[float, ...]:
    return field_norms([state.lengths[f][d] for f in range(len(FIELDS))], state.averages)


ANALYSE_FORK_MIN = 4000  # documents to analyse before forked workers are worth it (a clean build)


def _analyse_chunk(docs: Sequence[SearchDoc], chunk: list[int]) -> list[DocAnalysis]:
    return [analyse(docs[i]) for i in chunk]


def _analyse_all(docs: Sequence[SearchDoc], todo: list[int], jobs: int) -> dict[int, DocAnalysis]:
    """The analyses of the documents at positions ``todo``, in ``jobs`` forked workers when there are many.

    Why: analysing is ~60% of a clean index (Reuters: 4.2 of 7.1 s) and
    the index is built in one background process beside the page renderers;
    at 108k articles the build then waited ~11 s for it after the pages
    were done, with one core idle.  Split over workers, the index's share of
    the CPU follows its size.
    """

    out: dict[int, DocAnalysis] = {}
    # Terms unpickled from a worker are copies: interned again, each term is held once (see DocAnalysis).
    # Those made here already are, and interning them again is cheap (0.13 s for all of Reuters).
    intern = sys.intern
    for part, done in map_parts(_analyse_chunk, docs, todo, jobs, ANALYSE_FORK_MIN):
        for i, a in zip(part, done, strict=True):
            out[i] = DocAnalysis(tuple(map(intern, a.terms)), a.packed, a.lengths, tuple(map(intern, a.words)))
    return out


def _full(docs: Sequence[SearchDoc], digests: list[bytes], params: Params, cache: dict[bytes, DocAnalysis],
          defs: tuple[FacetDef, ...], jobs: int = 1) -> tuple[IndexState, dict[str, bytes]]:
    """Every file from scratch (re-using cached analyses)."""
    state = IndexState(params=params, digests=digests, facet_defs=defs)
    state.lengths = [array("I") for _ in FIELDS]
    lang = _language_facet(defs)
    analyses = []
    seen: set[bytes] = set()
    todo = []
    for i, dg in enumerate(digests):
        if dg not in cache and dg not in seen:
            seen.add(dg)
            todo.append(i)
    fresh = _analyse_all(docs, todo, jobs)
    for i, (doc, dg) in enumerate(zip(docs, digests, strict=True)):
        a = state.analyses.get(dg) or cache.get(dg) or fresh[i]
        state.analyses[dg] = a
        analyses.append(a)
        for f in range(len(FIELDS)):
            state.lengths[f].append(a.lengths[f])
        state.facet_types.append(_facet_types(doc, lang))
        state.rests.append(1 if split_lead(doc.body or "", params.lead)[1] else 0)
    state.sums = [sum(col) for col in state.lengths]
    state.averages = tuple(quantised_average(s, len(docs)) for s in state.sums)
    postings = state.postings
    for n, a in enumerate(analyses):
        norms = _norms(state, n)
        impacts: dict[int, int] = {}  # a document's terms share a few distinct counts: each impact computed once
        for term, packed in zip(a.terms, a.packed, strict=True):
            tp = postings.get(term)
            if tp is None:
                tp = postings[term] = TermPostings()
            tp.docs.append(n)
            q = impacts.get(packed)
            if q is None:
                q = impacts[packed] = impact(packed, norms)
            tp.imps.append(q)
    state.terms = sorted(postings, key=utf16_key)
    state.keys = [utf16_key(t) for t in state.terms]
    out: dict[str, bytes] = {}
    for a in analyses:
        for w in a.words:
            state.word_df[w] = state.word_df.get(w, 0) + 1
    state.lexicon_size = lexicon_files(len(state.word_df))
    for w in state.word_df:
        for p in _lexicon_paths(w, state.lexicon_size):
            state.lexicon.setdefault(p, set()).add(w)
    for p in state.lexicon:
        out[p] = _lexicon_bytes(state, p)  # type: ignore[assignment]
    for t in state.terms:
        tp = postings[t]
        written, _gone = render(t, tp, None, params)
        out.update(block_files(t, tp, written))
        state.widths[t] = _width(t, tp)
    shards = _partition(state)
    for p, _sep, a, b in shards:
        out[p] = _shard_bytes(state, p, a, b)
        state.shards[p] = tuple(state.terms[a:b])
    for k in range((len(docs) + params.bundle - 1) // params.bundle):
        out[path(bundle_key(k * params.bundle, params.bundle))] = _bundle_bytes(docs, k, params, state.rests)
    for k in range((len(docs) + params.rest_bundle - 1) // params.rest_bundle):
        data = _rest_bytes(docs, k, params, state.rests)
        if data is not None:
            out[path(rest_key(k * params.rest_bundle, params.rest_bundle))] = data
    for typ in sorted({t for ts in state.facet_types for t in ts}):
        data, size = _facet_bytes(docs, typ, lang)
        if data is not None:
            out[path(facet_key(typ))] = data
            state.facet_sizes[typ] = size
    langs = _languages(docs)
    out[path("meta")] = _meta_bytes(docs, state, shards, langs)
    out.update(_language_files(langs))
    state.files = {p: _file_digest(b) for p, b in out.items()}
    return state, out


def _diff(previous: dict[str, bytes], state: IndexState, out: dict[str, bytes]) -> Files:
    """Only the files whose bytes differ from ``previous`` (path -> digest), plus deletions."""
    changed: Files = {p: b for p, b in out.items() if previous.get(p) != state.files[p]}
    for p in previous:
        if p not in state.files:
            changed[p] = None
    return changed


def build_browser_index(docs: Sequence[SearchDoc] | Iterable[SearchDoc], previous: IndexState | None = None,
                        params: Params | None = None, digests: list[bytes] | None = None,
                        jobs: int = 1, facets: Sequence[FacetDef] = (), copies: bool = True) -> tuple[IndexState, Files]:
    """The index files for ``docs`` (in doc order), as a whole or as the change from ``previous``.

    With ``previous`` None, every file.  Otherwise only the files whose bytes
    differ from what ``previous`` produced, and None for files to delete;
    ``previous`` itself is left as it was.  ``params`` defaults to the previous
    state's (else the shipped layout); a change of params re-renders everything.
    ``digests`` (one per document, changing whenever the document does) may
    come from the caller, who often knows them more cheaply than
    :func:`doc_digest`; a state must always be updated with digests of the
    same kind as it was made with.  With ``jobs`` > 1, many documents to
    analyse are analysed in that many forked workers (see :func:`_analyse_all`).
    ``facets`` labels and orders the facet groups (entity types, taxonomies);
    facets the documents have and ``facets`` lacks are offered under their name.
    Exact duplicates are indexed once (``duplicates.collapse``): document
    numbers count the documents kept.  ``copies=False`` indexes every copy
    (the evaluation's test collections judge each copy on its own).
    """
    docs = list(docs)
    defs = tuple(facets)
    params = params or (previous.params if previous is not None else Params())
    if digests is None:
        digests = [doc_digest(d) for d in docs]
    elif len(digests) != len(docs):
        raise ValueError("one digest per document")
    # (a state pickled by a build of index format 3 has no ``contents``: it is rebuilt in full below anyway)
    kept = collapse(docs, digests, getattr(previous, "contents", None) or {}, enabled=copies)
    state, files = _build(kept.docs, kept.digests, previous, params, defs, jobs)
    if state is not previous:
        state.contents = kept.contents
    elif kept.contents != previous.contents:  # never modify ``previous``
        state = replace(previous, contents=kept.contents)
    return state, files


def _build(docs: list[SearchDoc], digests: list[bytes], previous: IndexState | None, params: Params,
           defs: tuple[FacetDef, ...], jobs: int) -> tuple[IndexState, Files]:
    if previous is None or previous.params != params or previous.format != FORMAT:
        state, out = _full(docs, digests, params, previous.analyses if previous is not None else {}, defs, jobs)
        return state, (dict(out) if previous is None else _diff(previous.files, state, out))
    old, n = previous.digests, len(docs)
    changed = [d for d in range(max(len(old), n)) if d >= len(old) or d >= n or old[d] != digests[d]]
    if not changed and defs == previous.facet_defs:
        return previous, {}
    if len(changed) > max(8, FULL_FRACTION * n) or _language_facet(defs) != _language_facet(previous.facet_defs):
        state, out = _full(docs, digests, params, previous.analyses, defs, jobs)
        return state, _diff(previous.files, state, out)
    result = _update(docs, digests, previous, changed, defs)
    if result is None:  # the quantised average length moved: every impact changes
        state, out = _full(docs, digests, params, previous.analyses, defs, jobs)
        return state, _diff(previous.files, state, out)
    return result


def _update(docs: list[SearchDoc], digests: list[bytes], prev: IndexState,
            changed: list[int], defs: tuple[FacetDef, ...]) -> tuple[IndexState, Files] | None:
    """Apply in-place edits, appends and removals at the end; None when every impact must change."""
    params = prev.params
    n, old_n = len(docs), len(prev.digests)
    state = replace(
        prev, digests=digests, analyses=Packed(prev.analyses), postings=Packed(prev.postings), widths=dict(prev.widths),
        lengths=[array("I", col) for col in prev.lengths], sums=list(prev.sums), terms=list(prev.terms),
        keys=list(prev.keys), shards=dict(prev.shards), facet_types=list(prev.facet_types),
        facet_sizes=dict(prev.facet_sizes), rests=bytearray(prev.rests), files=dict(prev.files),
        word_df=dict(prev.word_df), lexicon=dict(prev.lexicon), facet_defs=defs,
    )
    touched: dict[str, set[int]] = {}  # term -> documents whose posting changed
    facets: set[str] = set()
    lang = _language_facet(defs)

    def own(term: str) -> TermPostings:
        """The term's postings, copied before the first change (``prev`` must stay as it was)."""
        if term not in touched:
            touched[term] = set()
            tp = state.postings.get(term)
            state.postings[term] = tp.copy() if tp is not None else TermPostings()
        return state.postings[term]

    old_analyses = {d: prev.analyses[prev.digests[d]] for d in changed if d < old_n}
    new_analyses = {}
    for d in changed:
        if d < n:
            a = state.analyses.get(digests[d]) or analyse(docs[d])
            state.analyses[digests[d]] = a
            new_analyses[d] = a
    for d, a in old_analyses.items():
        for f in range(len(FIELDS)):
            state.sums[f] -= a.lengths[f]
        facets.update(prev.facet_types[d])
    for a in new_analyses.values():
        for f in range(len(FIELDS)):
            state.sums[f] += a.lengths[f]
    averages = tuple(quantised_average(s, n) for s in state.sums)
    if averages != prev.averages:
        return None
    spelled: set[str] = set()
    for a in old_analyses.values():
        for w in a.words:
            state.word_df[w] -= 1
            spelled.add(w)
    for a in new_analyses.values():
        for w in a.words:
            state.word_df[w] = state.word_df.get(w, 0) + 1
            spelled.add(w)
    if lexicon_files(sum(1 for w in state.word_df if state.word_df[w] > 0)) != prev.lexicon_size:
        return None  # every word moves to another file
    if n < old_n:
        for col in state.lengths:
            del col[n:]
        del state.facet_types[n:]
        del state.rests[n:]
    for d, a in old_analyses.items():
        for term in a.terms:
            own(term).remove(d)
            touched[term].add(d)
    for d in sorted(new_analyses):
        a = new_analyses[d]
        for f in range(len(FIELDS)):
            if d < len(state.lengths[f]):
                state.lengths[f][d] = a.lengths[f]
            else:
                state.lengths[f].append(a.lengths[f])
        norms = _norms(state, d)
        for term, packed in zip(a.terms, a.packed, strict=True):
            own(term).put(d, impact(packed, norms))
            touched[term].add(d)
        types = _facet_types(docs[d], lang)
        rest = 1 if split_lead(docs[d].body or "", params.lead)[1] else 0
        if d < len(state.facet_types):
            state.facet_types[d] = types
            state.rests[d] = rest
        else:
            state.facet_types.append(types)
            state.rests.append(rest)
        facets.update(types)
    live = set(digests)
    state.analyses = Packed((dg, a) for dg, a in state.analyses.raw_items() if dg in live)

    out: Files = {}
    for term in sorted(touched, key=utf16_key):
        tp = state.postings[term]
        i = bisect.bisect_left(state.keys, utf16_key(term))
        present = i < len(state.terms) and state.terms[i] == term
        if not tp.docs:
            for p in block_files(term, prev.postings[term], prev.postings[term].blocks):
                out[p] = None
            del state.postings[term], state.terms[i], state.keys[i], state.widths[term]
            continue
        if not present:
            state.terms.insert(i, term)
            state.keys.insert(i, utf16_key(term))
        written, gone = render(term, tp, touched[term] if present else None, params)
        state.widths[term] = _width(term, tp)
        out.update(block_files(term, tp, written))
        for first in gone:
            out[path(block_key(term, first))] = None

    shards = _partition(state)
    new_shards: dict[str, tuple[str, ...]] = {}
    for p, _sep, a, b in shards:
        terms = tuple(state.terms[a:b])
        new_shards[p] = terms
        if prev.shards.get(p) != terms or any(t in touched for t in terms):
            out[p] = _shard_bytes(state, p, a, b)
    for p in prev.shards:
        if p not in new_shards:
            out.setdefault(p, None)
    state.shards = new_shards

    bundles = {d // params.bundle for d in changed}
    for k in sorted(bundles):
        p = path(bundle_key(k * params.bundle, params.bundle))
        out[p] = _bundle_bytes(docs, k, params, state.rests) if k * params.bundle < n else None
    for k in sorted({d // params.rest_bundle for d in changed}):
        p = path(rest_key(k * params.rest_bundle, params.rest_bundle))
        out[p] = _rest_bytes(docs, k, params, state.rests) if k * params.rest_bundle < n else None
    for typ in sorted(facets):
        p = path(facet_key(typ))
        data, size = _facet_bytes(docs, typ, lang)
        out[p] = data
        if data is None:
            state.facet_sizes.pop(typ, None)
        else:
            state.facet_sizes[typ] = size
    lexicon_changed: set[str] = set()
    for w in sorted(spelled):
        before, after = prev.word_df.get(w, 0), state.word_df[w]
        if before and after and df_digit(before) == df_digit(after):
            continue
        for p in _lexicon_paths(w, state.lexicon_size):
            lexicon_changed.add(p)
            members = state.lexicon[p] = set(state.lexicon.get(p, ()))
            if after:
                members.add(w)
            else:
                members.discard(w)
        if not after:
            del state.word_df[w]
    for p in sorted(lexicon_changed):
        out[p] = _lexicon_bytes(state, p)
        if out[p] is None:
            del state.lexicon[p]
    langs = _languages(docs)
    out[path("meta")] = _meta_bytes(docs, state, shards, langs)
    scripts = _language_files(langs)
    out.update(scripts)
    for p in prev.files:
        if p.startswith(_SCRIPTS) and p not in scripts:
            out[p] = None

    changed_files: Files = {}
    for p, data in out.items():
        if data is None:
            if p in state.files:
                del state.files[p]
                changed_files[p] = None
            continue
        dg = _file_digest(data)
        if state.files.get(p) != dg:
            state.files[p] = dg
            changed_files[p] = data
    return state, changed_files
