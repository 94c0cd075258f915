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
edited, newer articles appended, the newest removed): only the postings that
change are recomputed (a term whose impact in the edited article stays is not
touched), the shards around them cut again (_repartition), their tail blocks,
the changed documents' bundles, the facet values they had or have, their
lexicon entries and meta from its cached parts re-rendered; the copies are
found again only when a changed document is or becomes one
(duplicates.collapse).  When numbers shift (an article inserted, removed or
re-dated in the middle of the date order) or the quantised average field
length moves, everything is re-rendered from the cached analyses and compared
with the previous files.  ``previous`` is never modified (the containers an
update changes are copied, in about a millisecond on Reuters), so a caller may
keep it, as the dev server does, when a build fails after the update.
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
from itertools import compress
from operator import ne
from typing import Any, NamedTuple

from generator.search import FacetDef, SearchDoc
from generator.search.analysis import analyze_noting_spellable, spell_keys
from generator.search.duplicates import Copies, collapse
from generator.search.encoding import default_name, encode_docs, encode_runs, front_code, separator, utf16_key
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
from generator.util.shelf import as_text

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


class FacetValue(NamedTuple):
    """One value of a facet: its display name, its documents (ascending) and them as the file writes them.

    Never modified once in a state (an update makes a new one), so states share them.
    """

    name: str
    docs: array
    runs: str | None = None  # encode_docs(docs), made when a file needs it


@dataclass
class IndexState:
    """Everything an update needs from the previous build (picklable; never modified by an update).

    An update copies the containers it changes (dict and list copies: about a millisecond on Reuters) and
    makes new values for what changed (postings, facet values), so ``previous`` stays usable: the dev
    server keeps it, and a build that fails after the index update goes on from it.
    """

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
    # The partition, in term order: each shard's path, its first term's utf16_key and its separator ("" first).
    shard_paths: list[str] = field(default_factory=list)
    shard_keys: list[bytes] = field(default_factory=list)
    shard_seps: list[str] = field(default_factory=list)
    meta_shards: str = ""  # front_code of the separators, as meta holds them
    facet_types: list[tuple[str, ...]] = field(default_factory=list)  # per doc: the facets it has values in
    facet_sizes: dict[str, int] = field(default_factory=dict)  # facet name (see _facet_values) -> values
    values: dict[str, dict[str, FacetValue]] = field(default_factory=dict)  # facet name -> value key -> value
    facet_defs: tuple[FacetDef, ...] = ()  # labels and order of the facets (meta's catalogue)
    contents: dict[bytes, bytes] = field(default_factory=dict)  # input doc digest -> content digest (duplicates)
    copies: Copies | None = None  # where the stories with copies are among the input (duplicates.collapse)
    rests: bytearray = field(default_factory=bytearray)  # per doc: 1 when the body has a rest (c/)
    word_df: dict[str, int] = field(default_factory=dict)  # spelling lexicon: word -> documents
    lexicon: dict[str, set[str]] = field(default_factory=dict)  # lexicon file path -> its words
    lexicon_size: int = 1  # number of lexicon files
    files: dict[str, bytes] = field(default_factory=dict)  # path -> digest of its bytes
    years: list[list] = field(default_factory=list)  # meta's year runs (_years)
    doc_langs: list[str] = field(default_factory=list)  # per doc: its analyser
    langs: list[list] = field(default_factory=list)  # meta's analysers (_languages)


def doc_digest(doc: SearchDoc) -> bytes:
    """A digest of everything the index reads from a document."""
    parts = [doc.id, doc.url, doc.title, doc.date or "\0", doc.source or "\0", doc.summary, as_text(doc.body)]
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
    for f, text in enumerate((doc.title, doc.summary, names, as_text(doc.body))):
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


def _cuts(state: IndexState, start: int, stop: Any = None) -> Iterable[int]:
    """Where shards start, scanning ``state.terms`` from ``start`` (a shard start): the content-defined rule.

    A term starts a new shard when the shard would outgrow ``shard_max``
    bytes, or when the shard has ``shard_min`` bytes and a hash of the term is
    0 modulo ``shard_mod``.  So a grown or new term moves the boundaries after
    it only until the next hash cut both versions agree on (usually the next
    one or two), where a count- or size-only rule would move every later one;
    and from a boundary on, the shards depend only on the terms from there.
    Yields ``start`` and every later start; ``stop(i)`` ends the scan at a start.
    """
    terms, params, widths = state.terms, state.params, state.widths
    lo, hi, mod = params.shard_min, params.shard_max, params.shard_mod
    yield start
    size = 0
    crc = zlib.crc32
    for i in range(start, len(terms)):
        t = terms[i]
        w = widths[t]
        if size and (size + w > hi or (size >= lo and crc(t.encode("utf-8", "surrogatepass")) % mod == 0)):
            if stop is not None and stop(i):
                return
            yield i
            size = 0
        size += w


def _shard(state: IndexState, a: int) -> tuple[str, str]:
    """The path and separator of the shard starting at term ``a``."""
    terms = state.terms
    sep = "" if a == 0 else separator(terms[a - 1], terms[a])
    return path(shard_key(sep or None)), sep


def _partition(state: IndexState) -> None:
    """Cut every term into shards (see _cuts): sets the partition fields of ``state``."""
    starts = list(_cuts(state, 0)) if state.terms else [0]
    state.shard_paths, state.shard_seps = [], []
    for a in starts:
        p, sep = _shard(state, a)
        state.shard_paths.append(p)
        state.shard_seps.append(sep)
    state.shard_keys = [state.keys[a] if a < len(state.keys) else b"" for a in starts]
    ends = [*starts[1:], len(state.terms)]
    state.shards = {p: tuple(state.terms[a:b]) for p, a, b in zip(state.shard_paths, starts, ends, strict=True)}
    state.meta_shards = front_code(state.shard_seps[1:])


def _repartition(state: IndexState, prev: IndexState, touched: Iterable[str]) -> tuple[set[str], set[str]]:
    """Update the partition of ``state`` (its terms changed from ``prev``'s) around the ``touched`` terms.

    ``touched``: the terms whose postings changed, that came or that went.
    Only the shards around them are cut again: from the last boundary before
    each that stays (its first term untouched: the size that cut it is the
    same), until a boundary at a term where ``prev`` had one too (from there
    on the shards are ``prev``'s, see _cuts).  The shard after such a region
    keeps its terms but may change its separator (the term before it came or
    went), so its path.  Returns the paths of the shards whose file must be
    written again and those that are gone; ``state.shards`` follows.
    """
    keys = state.keys
    old_keys, old_paths, old_seps = prev.shard_keys, prev.shard_paths, prev.shard_seps
    old_starts = set(old_keys)
    touched_keys = sorted({utf16_key(t) for t in touched})
    moved = set(touched_keys)
    new_keys: list[bytes] = []
    new_paths: list[str] = []
    new_seps: list[str] = []
    dirty: set[str] = set()
    done = 0  # the old shards before this one are copied or cut again
    check = -1  # the old shard that resumes prev's boundaries after a region: its separator may change

    def copy(upto: int) -> None:
        nonlocal done
        if done <= check < upto:
            new_keys.extend(old_keys[done:check])
            new_paths.extend(old_paths[done:check])
            new_seps.extend(old_seps[done:check])
            p, sep = _shard(state, bisect.bisect_left(keys, old_keys[check]))
            if p != old_paths[check]:
                dirty.add(p)
            new_keys.append(old_keys[check])
            new_paths.append(p)
            new_seps.append(sep)
            done = check + 1
        new_keys.extend(old_keys[done:upto])
        new_paths.extend(old_paths[done:upto])
        new_seps.extend(old_seps[done:upto])
        done = max(done, upto)

    resync: list[int] = []

    def stop(i: int) -> bool:
        if keys[i] in old_starts and keys[i] not in moved:
            resync.append(i)
            return True
        return False

    t = 0
    while t < len(touched_keys) and keys:
        s = bisect.bisect_right(old_keys, touched_keys[t]) - 1
        while s > 0 and old_keys[s] in moved:  # a boundary at a touched term may move: start a shard earlier
            s -= 1
        s = max(s, done)
        copy(s)
        resync.clear()
        for c in _cuts(state, 0 if s == 0 else bisect.bisect_left(keys, old_keys[s]), stop):
            p, sep = _shard(state, c)
            new_keys.append(keys[c])
            new_paths.append(p)
            new_seps.append(sep)
            dirty.add(p)
        if not resync:  # cut again to the end
            done = len(old_keys)
            break
        k = keys[resync[0]]
        done = check = bisect.bisect_left(old_keys, k)  # the old shard starting there: prev's boundaries resume
        t = bisect.bisect_left(touched_keys, k)
    if keys:
        copy(len(old_keys))
    else:  # no terms: one empty shard
        new_keys, new_paths, new_seps = [b""], [path(shard_key(None))], [""]
    # the shards holding a touched term, their boundaries kept or not, are written again; the others cut
    # again only when their terms or path differ
    holders = {new_paths[max(bisect.bisect_right(new_keys, k) - 1, 0)] for k in touched_keys}
    state.shard_keys, state.shard_paths, state.shard_seps = new_keys, new_paths, new_seps
    if new_seps != old_seps:
        state.meta_shards = front_code(new_seps[1:])
    shards = state.shards = dict(prev.shards)
    gone = set(old_paths).difference(new_paths) if dirty else set()
    for p in gone:
        del shards[p]
    index = {p: i for i, p in enumerate(new_paths)} if dirty or holders else {}
    written = set(holders)
    for p in dirty | holders:
        i = index[p]
        a = 0 if i == 0 else bisect.bisect_left(keys, new_keys[i])
        b = bisect.bisect_left(keys, new_keys[i + 1]) if i + 1 < len(new_keys) else len(keys)
        shards[p] = tuple(state.terms[a:b])
        if shards[p] != prev.shards.get(p):
            written.add(p)
    return written, gone


def _width(term: str, tp: TermPostings) -> int:
    """A term's share of its shard file, as ``_partition`` counts it (after ``render`` set its head and row)."""
    return len(term) + len(tp.head) + (len(tp.row[1]) + 12 if tp.row else 0) + 6


def _shard_bytes(state: IndexState, p: str, a: int, b: int) -> bytes:
    terms = state.terms[a:b]
    outs = [state.postings[t] for t in terms]
    return render_shard(key_of(p), terms, [o.head for o in outs], [o.row for o in outs])


def _bundle_bytes(docs: Sequence[SearchDoc], k: int, params: Params, rests: bytearray) -> bytes:
    lo, hi = k * params.bundle, min(len(docs), (k + 1) * params.bundle)
    cards = [card(docs[d], split_lead(as_text(docs[d].body), params.lead)[0], bool(rests[d])) for d in range(lo, hi)]
    return render_bundle(bundle_key(lo, params.bundle), cards)


def _rest_bytes(docs: Sequence[SearchDoc], k: int, params: Params, rests: bytearray) -> bytes | None:
    lo, hi = k * params.rest_bundle, min(len(docs), (k + 1) * params.rest_bundle)
    if not any(rests[lo:hi]):
        return None
    parts = [split_lead(as_text(docs[d].body), params.lead)[1] for d in range(lo, hi)]
    return render_rests(rest_key(lo, params.rest_bundle), parts)


def _facet_index(docs: Sequence[SearchDoc], lang: str | None) -> dict[str, dict[str, FacetValue]]:
    """Every facet's values: each value's documents, and its name as the first of them gives it."""
    values: dict[str, dict[str, tuple[str, array]]] = {}
    for n, d in enumerate(docs):
        for f, key, name in _facet_values(d, lang):
            fv = values.get(f)
            if fv is None:
                fv = values[f] = {}
            entry = fv.get(key)
            if entry is None:
                fv[key] = (name, array("I", (n,)))
            elif entry[1][-1] != n:
                entry[1].append(n)
    return {f: {key: FacetValue(name, dl) for key, (name, dl) in fv.items()} for f, fv in values.items()}


def _facet_file(facet: str, values: dict[str, FacetValue], lang: str | None) -> tuple[bytes | None, int]:
    """One facet's file, [key, documents (encode_docs), name] by name, and its number of values.

    The name is left out when it is the key's ``default_name`` and the key is
    ASCII ("saudi-arabia", "Saudi Arabia": 143 of Reuters' 147 places).
    None when it has no value, or for the languages' facet one (a filter that keeps everything).
    ``values`` must belong to the state being made: the documents a value lacks the code of are coded.
    """
    if not values or (facet == lang and len(values) < 2):
        return None, 0
    rows = []
    for key, v in values.items():
        if v.runs is None:
            v = values[key] = v._replace(runs=encode_docs(v.docs))
        rows.append([key, v.runs] if key.isascii() and v.name == default_name(key) else [key, v.runs, v.name])
    rows.sort(key=lambda r: (values[r[0]].name.casefold(), r[0]))
    return render_facet(facet_key(facet), rows), len(rows)


def _languages(codes: Sequence[str]) -> list[list]:
    """Per analyser (``codes``: each document's): [code, Snowball algorithm or "", the runs of its documents],
    the most used first.

    Empty when every document is English, so an English archive's index is as
    it was.  The browser analyses a query with each listed analyser and
    scores, phrase-checks and highlights a document with its own.
    """
    if not codes or set(codes) == {ENGLISH}:
        return []
    by: dict[str, list[int]] = {}
    for n, c in enumerate(codes):
        by.setdefault(c, []).append(n)
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


def _years(docs: Sequence[SearchDoc], start: int = 0, prev: list[list] | None = None) -> list[list]:
    """Year runs [year, first doc, last doc, [month, its first doc, ...]] ("" for the undated, first).

    Documents are numbered in date order, so a year or a month is a range of
    numbers: the engine filters by date range and sorts by date from these
    alone, without reading any document's card.  With ``prev`` (the runs of
    documents that are the same before ``start``), only the documents from
    ``start`` on are read; ``prev`` is not modified.
    """
    years: list[list] = []
    for y in prev or ():
        if y[1] >= start:
            break
        months = [m for k in range(0, len(y[3]) if len(y) > 3 else 0, 2) for m in y[3][k:k + 2] if y[3][k + 1] < start]
        years.append([y[0], y[1], min(y[2], start - 1), months])
    for n in range(start if prev is not None else 0, len(docs)):
        d = docs[n]
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


def _year_month(years: list[list], d: int) -> tuple[str, int]:
    """The year and month (0: none) that ``years`` (see _years) give document ``d``."""
    y = next(y for y in reversed(years) if y[1] <= d)
    month = 0
    for k in range(0, len(y[3]) if len(y) > 3 else 0, 2):
        if y[3][k + 1] <= d:
            month = y[3][k]
    return y[0], month


def _meta_bytes(n: int, state: IndexState) -> bytes:
    return render_meta({
        "n": n,
        "k1": K1,
        "levels": LEVELS,
        "bundle": state.params.bundle,
        "rest": state.params.rest_bundle,
        "shards": state.meta_shards,  # front-coded (encoding.front_code); terms never contain spaces
        "years": state.years,
        "facets": _catalogue(state),
        "lexicon": state.lexicon_size if state.word_df else 0,  # 0: no lexicon (no English words)
        **({"langs": state.langs} if state.langs else {}),
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
        state.rests.append(1 if split_lead(as_text(doc.body), params.lead)[1] else 0)
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
    _partition(state)
    for p, terms in state.shards.items():
        a = bisect.bisect_left(state.keys, utf16_key(terms[0])) if terms else 0
        out[p] = _shard_bytes(state, p, a, a + len(terms))
    for k in range((len(docs) + params.bundle - 1) // params.bundle):
        out[path(bundle_key(k * params.bundle, params.bundle))] = _bundle_bytes(docs, k, params, state.rests)
    for k in range((len(docs) + params.rest_bundle - 1) // params.rest_bundle):
        data = _rest_bytes(docs, k, params, state.rests)
        if data is not None:
            out[path(rest_key(k * params.rest_bundle, params.rest_bundle))] = data
    state.values = _facet_index(docs, lang)
    for typ in sorted(state.values):
        data, size = _facet_file(typ, state.values[typ], lang)
        if data is not None:
            out[path(facet_key(typ))] = data
            state.facet_sizes[typ] = size
    state.doc_langs = [sys.intern(analyser(d.language)) for d in docs]
    state.langs = _languages(state.doc_langs)
    state.years = _years(docs)
    out[path("meta")] = _meta_bytes(len(docs), state)
    out.update(_language_files(state.langs))
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
    kept = collapse(docs, digests, getattr(previous, "contents", None) or {}, enabled=copies,
                    previous=getattr(previous, "copies", None))
    state, files = _build(kept.docs, kept.digests, previous, params, defs, jobs)
    if state is not previous:
        state.contents, state.copies = kept.contents, kept.copies
    elif kept.contents != previous.contents or kept.copies != previous.copies:  # never modify ``previous``
        state = replace(previous, contents=kept.contents, copies=kept.copies)
    return state, files


def _build(docs: list[SearchDoc], digests: list[bytes], previous: IndexState | None, params: Params,
           defs: tuple[FacetDef, ...], jobs: int) -> tuple[IndexState, Files]:
    if previous is None or previous.params != params or previous.format != FORMAT:
        state, out = _full(docs, digests, params, previous.analyses if previous is not None else {}, defs, jobs)
        return state, (dict(out) if previous is None else _diff(previous.files, state, out))
    old, n = previous.digests, len(docs)
    changed = list(compress(range(min(len(old), n)), map(ne, old, digests)))
    changed += range(min(len(old), n), max(len(old), n))
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
    """Apply in-place edits, appends and removals at the end; None when every impact must change.

    The work follows the change: the postings of the terms whose postings
    changed, the shards around them (_repartition), the changed documents'
    bundles, the facet values they had or have, the lexicon entries of their
    words, meta from its cached parts.  ``prev`` is not modified: the
    containers that change are copied (the biggest, ~40,000 entries on
    Reuters, in about a millisecond together) and what changes in them is new.
    """
    params = prev.params
    n, old_n = len(docs), len(prev.digests)
    state = replace(
        prev, digests=digests, analyses=Packed(prev.analyses), postings=Packed(prev.postings), widths=dict(prev.widths),
        lengths=[array("I", col) for col in prev.lengths], sums=list(prev.sums), terms=list(prev.terms),
        keys=list(prev.keys), facet_types=list(prev.facet_types), facet_sizes=dict(prev.facet_sizes),
        rests=bytearray(prev.rests), files=dict(prev.files), word_df=dict(prev.word_df), lexicon=dict(prev.lexicon),
        facet_defs=defs, doc_langs=list(prev.doc_langs),
    )
    touched: dict[str, set[int]] = {}  # term -> documents whose posting changed
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
    for a in old_analyses.values():
        for f in range(len(FIELDS)):
            state.sums[f] -= a.lengths[f]
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
    if lexicon_files(len(state.word_df) - sum(1 for w in spelled if not state.word_df[w])) != prev.lexicon_size:
        return None  # every word moves to another file
    if n < old_n:
        for col in state.lengths:
            del col[n:]
        del state.facet_types[n:]
        del state.rests[n:]
        del state.doc_langs[n:]
    for d in changed:
        old = old_analyses.get(d)
        new = new_analyses.get(d)
        imps: dict[str, int] = {}
        if new is not None:
            for f in range(len(FIELDS)):
                if d < len(state.lengths[f]):
                    state.lengths[f][d] = new.lengths[f]
                else:
                    state.lengths[f].append(new.lengths[f])
            norms = _norms(state, d)
            by_packed: dict[int, int] = {}
            for term, packed in zip(new.terms, new.packed, strict=True):
                q = by_packed.get(packed)
                if q is None:
                    q = by_packed[packed] = impact(packed, norms)
                imps[term] = q
        for term in old.terms if old is not None else ():
            if term not in imps:
                own(term).remove(d)
                touched[term].add(d)
        for term, q in imps.items():
            tp = state.postings.get(term)
            if tp is not None:  # the same posting as before (an edit that leaves this term's impact): no change
                i = bisect.bisect_left(tp.docs, d)
                if i < len(tp.docs) and tp.docs[i] == d and tp.imps[i] == q:
                    continue
            own(term).put(d, q)
            touched[term].add(d)
        if d < n:
            doc = docs[d]
            types = _facet_types(doc, lang)
            rest = 1 if split_lead(as_text(doc.body), params.lead)[1] else 0
            code = sys.intern(analyser(doc.language))
            if d < len(state.facet_types):
                state.facet_types[d] = types
                state.rests[d] = rest
                state.doc_langs[d] = code
            else:
                state.facet_types.append(types)
                state.rests.append(rest)
                state.doc_langs.append(code)
    gone = {prev.digests[d] for d in changed if d < old_n} - {digests[d] for d in changed if d < n}
    for dg in gone:
        dict.pop(state.analyses, dg, None)

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
        written, gone_blocks = render(term, tp, touched[term] if present else None, params)
        state.widths[term] = _width(term, tp)
        out.update(block_files(term, tp, written))
        for first in gone_blocks:
            out[path(block_key(term, first))] = None

    dirty, gone_shards = _repartition(state, prev, touched)
    for p in gone_shards:
        out.setdefault(p, None)
    for p in dirty:
        a, b = _range_of(state, p)
        out[p] = _shard_bytes(state, p, a, b)

    for k in sorted({d // params.bundle for d in changed}):
        p = path(bundle_key(k * params.bundle, params.bundle))
        out[p] = _bundle_bytes(docs, k, params, state.rests) if k * params.bundle < n else None
    for k in sorted({d // params.rest_bundle for d in changed}):
        p = path(rest_key(k * params.rest_bundle, params.rest_bundle))
        out[p] = _rest_bytes(docs, k, params, state.rests) if k * params.rest_bundle < n else None
    for typ in sorted(_update_facets(state, prev, docs, changed, lang)):
        p = path(facet_key(typ))
        data, size = _facet_file(typ, state.values.get(typ, {}), lang)
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
    # meta's document runs: the years from the first document whose year or month may differ, the analysers
    # when a document's changed
    start = min(n, old_n)
    for d in changed:
        if d < start and (d >= n or _year_month(prev.years, d) != _year_month_of(docs[d])):
            start = d
            break
    if start < max(n, old_n):
        state.years = _years(docs, start, prev.years)
    if n != old_n or any(state.doc_langs[d] != prev.doc_langs[d] for d in changed if d < n):
        state.langs = _languages(state.doc_langs)
    out[path("meta")] = _meta_bytes(n, state)
    if state.langs != prev.langs:
        scripts = _language_files(state.langs)
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


def _year_month_of(doc: SearchDoc) -> tuple[str, int]:
    date = doc.date or ""
    return date[:4], int(date[5:7] or 0)


def _range_of(state: IndexState, p: str) -> tuple[int, int]:
    """Shard ``p``'s terms as a range of ``state.terms`` (``state.shards`` holds them)."""
    terms = state.shards[p]
    a = bisect.bisect_left(state.keys, utf16_key(terms[0])) if terms else 0
    return a, a + len(terms)


def _update_facets(state: IndexState, prev: IndexState, docs: list[SearchDoc], changed: list[int],
                   lang: str | None) -> set[str]:
    """Move the changed documents in and out of their facet values (new values, prev's untouched); the facets
    whose values changed."""
    n, old_n = len(docs), len(prev.digests)
    values = state.values = dict(prev.values)
    owned: set[str] = set()
    touched: dict[str, set[str]] = {}

    def of(f: str) -> dict[str, FacetValue]:
        if f not in owned:
            owned.add(f)
            values[f] = dict(values.get(f, {}))
        return values[f]

    for d in changed:
        if d < old_n:
            for f in prev.facet_types[d]:
                fv = of(f)
                for key, v in fv.items():
                    i = bisect.bisect_left(v.docs, d)
                    if i < len(v.docs) and v.docs[i] == d:
                        dl = array("I", v.docs)
                        del dl[i]
                        fv[key] = FacetValue(v.name, dl)
                        touched.setdefault(f, set()).add(key)
        if d < n:
            for f, key, name in _facet_values(docs[d], lang):
                fv = of(f)
                v = fv.get(key)
                if v is None:
                    fv[key] = FacetValue(name, array("I", (d,)))
                else:
                    i = bisect.bisect_left(v.docs, d)
                    if i < len(v.docs) and v.docs[i] == d:
                        continue
                    dl = array("I", v.docs)
                    dl.insert(i, d)
                    fv[key] = FacetValue(v.name, dl)
                touched.setdefault(f, set()).add(key)
    changed_facets = set()
    for f, keys in touched.items():
        fv, before = values[f], prev.values.get(f, {})
        for key in keys:
            v = fv[key]
            if not v.docs:
                del fv[key]
            else:  # a value is named by its first document (as _facet_index names it)
                name = next(nm for g, k, nm in _facet_values(docs[v.docs[0]], lang) if g == f and k == key)
                old = before.get(key)
                fv[key] = old if old is not None and old.name == name and old.docs == v.docs else FacetValue(name, v.docs)
            if fv.get(key) is not before.get(key):
                changed_facets.add(f)
        if not fv:
            del values[f]
    return changed_facets


