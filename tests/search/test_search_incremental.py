"""build_browser_index as an update: the same bytes as a clean build, after any sequence of changes."""

from __future__ import annotations

import os
import pickle
import random

import pytest

from generator.search import FacetDef, SearchDoc, layout
from generator.search import browser_index as bi
from generator.search.layout import Params

# Tiny layout knobs, so a 40-document corpus has many shards, tiered terms, tail blocks and bundles.
SMALL = Params(shard_min=15, shard_max=50, shard_mod=3, head=3, block=2, bundle=2, rest_bundle=3, lead=60)
WORDS = ("oil price opec crude barrel saudi kuwait quota output cut rise fall market dollar yen bank rate "
         "coffee brazil cocoa sugar wheat grain soviet harvest gold mine south africa strike union "
         "baker volcker reserve treasury bond yield tax budget deficit trade japan tokyo tariff chip").split()
PEOPLE = [("p-baker", "James Baker"), ("p-volcker", "Paul Volcker"), ("p-sumita", "Satoshi Sumita")]
PLACES = [("pl-usa", "USA"), ("pl-japan", "Japan"), ("pl-brazil", "Brazil"), ("pl-uk", "UK")]
TAGS = [("tag", "oil", "Oil"), ("tag", "trade", "Trade"), ("desk", "markets", "Markets"), ("desk", "world", "World")]
FACETS = (FacetDef("place", "Places", entity=True), FacetDef("tag", "Tags"), FacetDef("desk", "Desks"))


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) + rng.choice(["", "s", "ing", "ed"]) for _ in range(n))


def _doc(rng: random.Random, serial: int, date: str | None) -> SearchDoc:
    ents = []
    if rng.random() < 0.6:
        ents.append((*rng.choice(PEOPLE), "person"))
    if rng.random() < 0.7:
        ents.append((*rng.choice(PLACES), "place"))
    if rng.random() < 0.1:
        ents.append((f"new-{serial}", f"Newcomer {serial}", "org"))
    paragraphs = [_text(rng, rng.randint(3, 40)) for _ in range(rng.randint(0, 4))]
    return SearchDoc(
        id=f"a{serial}", url=layout.article_url(f"a{serial}") if rng.random() < 0.9 else f"x/{serial}.html",
        title=_text(rng, rng.randint(0, 8)).capitalize(), date=date,
        source=rng.choice([None, "Reuters", "Kabul Times"]), summary=_text(rng, rng.randint(0, 6)) if rng.random() < 0.3 else "",
        body="\n\n".join(paragraphs), entities=tuple(ents),
        facets=tuple(t for t in TAGS if rng.random() < 0.3),
    )


def _date(rng: random.Random) -> str | None:
    return None if rng.random() < 0.05 else f"198{rng.randint(5, 7)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"


def _order(docs: list[SearchDoc]) -> list[SearchDoc]:
    """The build's order: undated first, then (date, id)."""
    return sorted(docs, key=lambda d: (d.date is not None, d.date or "", d.id))


def _apply(site: dict[str, bytes], files: dict[str, bytes | None]) -> None:
    for p, data in files.items():
        if data is None:
            assert p in site, f"deleting a file that was never written: {p}"
            del site[p]
        else:
            site[p] = data


def _step(rng: random.Random, docs: list[SearchDoc], serial: int) -> tuple[list[SearchDoc], str]:
    """One random change an archivist makes; returns the new documents and what was done."""
    docs = list(docs)
    kind = rng.choice(["edit", "edit", "edit", "append", "append", "delete-newest", "delete", "redate",
                       "entities", "title", "noop", "insert-undated", "duplicate", "facets", "copy-edited"])
    newest = max((d.date or "" for d in docs), default="1987-12-31")
    if kind == "edit" and docs:
        i = rng.randrange(len(docs))
        docs[i] = SearchDoc(**{**docs[i].__dict__, "body": docs[i].body + " " + _text(rng, rng.randint(1, 30))})
    elif kind == "append":
        for k in range(rng.randint(1, 3)):
            docs.append(_doc(rng, serial + k, "1988-0" + str(rng.randint(1, 9)) + "-01" if newest < "1988" else newest))
    elif kind == "delete-newest" and docs:
        docs = _order(docs)[:-1]
    elif kind == "delete" and docs:
        docs.pop(rng.randrange(len(docs)))
    elif kind == "redate" and docs:
        i = rng.randrange(len(docs))
        docs[i] = SearchDoc(**{**docs[i].__dict__, "date": _date(rng)})
    elif kind == "entities" and docs:
        i = rng.randrange(len(docs))
        ents = (*tuple(e for e in docs[i].entities if rng.random() < 0.5), (*rng.choice(PLACES), "place"))
        docs[i] = SearchDoc(**{**docs[i].__dict__, "entities": ents, "source": rng.choice([None, "Wire"])})
    elif kind == "title" and docs:
        i = rng.randrange(len(docs))
        docs[i] = SearchDoc(**{**docs[i].__dict__, "title": _text(rng, 4).upper()})
    elif kind == "insert-undated":
        docs.append(_doc(rng, serial, None))
    elif kind == "duplicate" and docs:  # an identical copy (another source or tag, maybe): indexed once
        src = rng.choice(docs)
        docs.append(SearchDoc(**{**src.__dict__, "id": f"a{serial}", "url": layout.article_url(f"a{serial}"),
                                 "facets": tuple(t for t in TAGS if rng.random() < 0.3)}))
    elif kind == "facets" and docs:
        i = rng.randrange(len(docs))
        docs[i] = SearchDoc(**{**docs[i].__dict__, "facets": tuple(t for t in TAGS if rng.random() < 0.5)})
    elif kind == "copy-edited" and docs:  # one of a story's copies edited: no longer the same story
        twins = [i for i, d in enumerate(docs) if sum((e.title, e.body) == (d.title, d.body) for e in docs) > 1]
        if twins:
            i = rng.choice(twins)
            docs[i] = SearchDoc(**{**docs[i].__dict__, "body": docs[i].body + " corrected"})
    return _order(docs), kind


@pytest.mark.parametrize("seed", range(6))
def test_random_updates_equal_a_clean_build(seed: int) -> None:
    """Random edit/add/delete/re-date sequences: every update, applied, gives the clean build's bytes."""
    rng = random.Random(seed)
    docs = _order([_doc(rng, i, _date(rng)) for i in range(40)])
    state, files = bi.build_browser_index(docs, None, SMALL, facets=FACETS)
    site = dict(files)
    assert all(v is not None for v in files.values())
    serial = 1000
    kinds = []
    for _ in range(40):
        docs, kind = _step(rng, docs, serial)
        serial += 10
        kinds.append(kind)
        # The state goes through the build cache: updates must work from a pickled copy.
        previous = pickle.loads(pickle.dumps(state))
        before = dict(site)
        state, files = bi.build_browser_index(docs, previous, SMALL, facets=FACETS)
        _apply(site, files)
        _clean_state, clean = bi.build_browser_index(docs, None, SMALL, facets=FACETS)
        assert site == clean, f"after {kinds}"
        # Only files whose bytes changed are returned.
        assert all(before.get(p) != data for p, data in files.items()), kind
    assert {"edit", "append"} <= set(kinds) and {"delete", "delete-newest"} & set(kinds)


def test_updates_touch_only_what_the_change_reaches() -> None:
    """An edited body rewrites its bundle, meta and the files of its own terms; appending or removing the
    newest article a fraction of the index."""
    rng = random.Random(11)
    docs = _order([_doc(rng, i, f"1987-0{1 + i % 9}-1{i % 10}") for i in range(120)])
    state, files = bi.build_browser_index(docs, None, SMALL)
    total = len(files)
    edited = list(docs)
    edited[50] = SearchDoc(**{**docs[50].__dict__, "body": "cocoa " + docs[50].body})
    new_state, files = bi.build_browser_index(edited, state, SMALL)
    terms = set(bi.analyse(edited[50]).terms)
    from generator.search.encoding import file_name

    for p in files:
        key = layout.key_of(p)
        kind = key.split("/")[0]
        if kind == "t":
            assert terms & set(new_state.shards[p]), p
        elif kind == "u":
            assert key.split("/")[1].split(".")[0] in {file_name(t) for t in terms}, p
        else:
            assert key in {"meta", "d/p", "c/g"}, p  # doc 50: bundle 25, rest bundle 16
    assert layout.path("d/p") in files
    appended = [*docs, _doc(rng, 999, "1988-01-01")]
    _s, files = bi.build_browser_index(appended, state, SMALL)
    assert len(files) < total / 4, (len(files), total)
    _s, files = bi.build_browser_index(docs[:-1], state, SMALL)
    assert len(files) < total / 4, (len(files), total)


def test_unchanged_documents_are_not_analysed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    docs = _order([_doc(rng, i, _date(rng)) for i in range(30)])
    state, _ = bi.build_browser_index(docs, None, SMALL)
    seen: list[str] = []
    real = bi.analyse
    monkeypatch.setattr(bi, "analyse", lambda d: (seen.append(d.id), real(d))[1])
    edited = list(docs)
    edited[7] = SearchDoc(**{**docs[7].__dict__, "body": "entirely new words"})
    bi.build_browser_index(edited, state, SMALL)
    assert seen == [docs[7].id]
    seen.clear()
    # a shifted numbering re-renders everything, still from the cached analyses
    bi.build_browser_index(docs[1:], state, SMALL)
    assert seen == []


def test_no_change_returns_nothing_and_the_same_state() -> None:
    rng = random.Random(5)
    docs = _order([_doc(rng, i, _date(rng)) for i in range(10)])
    state, _ = bi.build_browser_index(docs, None, SMALL)
    again, files = bi.build_browser_index(list(docs), state, SMALL)
    assert files == {} and again is state


def test_a_state_from_the_build_cache_decodes_only_what_an_update_touches() -> None:
    """Pickled (as the build cache holds it), a state keeps postings and analyses as bytes until used; an
    update from it gives the same files and state as one from the state in memory."""
    rng = random.Random(5)
    docs = _order([_doc(rng, i, f"1987-0{1 + i % 9}-1{i % 10}") for i in range(80)])
    state, _files = bi.build_browser_index(docs, None, SMALL)
    cached = pickle.loads(pickle.dumps(state))
    assert isinstance(cached.postings, bi.Packed) and isinstance(cached.analyses, bi.Packed)
    assert all(type(v) is bytes for _k, v in cached.postings.raw_items())
    edited = list(docs)
    edited[30] = SearchDoc(**{**docs[30].__dict__, "body": "cocoa harvest " + docs[30].body})
    from_memory, files_memory = bi.build_browser_index(edited, state, SMALL)
    from_cache, files_cache = bi.build_browser_index(edited, cached, SMALL)
    assert files_cache == files_memory
    decoded = {k for k, v in from_cache.postings.raw_items() if type(v) is not bytes}
    reached = set(bi.analyse(docs[30]).terms) | set(bi.analyse(edited[30]).terms)
    for p in files_cache:  # shard files written again list their terms' heads
        reached |= set(from_cache.shards.get(p, ()))
    assert decoded and decoded <= reached and len(decoded) < len(from_cache.postings), decoded
    # Saved again and reloaded, it still updates like the state in memory.
    again = pickle.loads(pickle.dumps(from_cache))
    edited[31] = SearchDoc(**{**docs[31].__dict__, "title": "Sugar quota"})
    assert bi.build_browser_index(edited, again, SMALL)[1] == bi.build_browser_index(edited, from_memory, SMALL)[1]
    assert dict(again.postings.items()) == dict(from_memory.postings.items())


def test_a_redated_article_renumbering_many_documents_updates_like_a_clean_build() -> None:
    """A date moved by some days renumbers every document in between: many changes close together in each list.

    They take the in-place path (fewer than FULL_FRACTION of the documents), whose block ranges around
    runs of changed documents must merge exactly as a clean rendering cuts them.
    """
    rng = random.Random(7)
    days = [f"1987-03-{d:02d}" for d in range(1, 29)]
    docs = _order([_doc(rng, i, days[i % len(days)]) for i in range(400)])
    state, files = bi.build_browser_index(docs, None, SMALL)
    site = dict(files)
    for shift in (2, -3, 4):
        i = rng.randrange(len(docs))
        day = days[min(len(days) - 1, max(0, days.index(docs[i].date) + shift))]
        moved = _order([*docs[:i], SearchDoc(**{**docs[i].__dict__, "date": day}), *docs[i + 1:]])
        renumbered = sum(1 for a, b in zip(docs, moved, strict=True) if a.id != b.id)
        assert 8 < renumbered < bi.FULL_FRACTION * len(docs), renumbered  # the in-place path, with many changes
        state, files = bi.build_browser_index(moved, pickle.loads(pickle.dumps(state)), SMALL)
        _apply(site, files)
        assert site == bi.build_browser_index(moved, None, SMALL)[1], f"date moved by {shift} days"
        docs = moved


def test_documents_analysed_in_forked_workers_give_the_same_index(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """A clean build analyses many documents in workers; files and state are those of one process."""
    rng = random.Random(11)
    docs = _order([_doc(rng, i, _date(rng)) for i in range(40)])
    one_state, one = bi.build_browser_index(docs, None, SMALL)
    monkeypatch.setattr(bi, "ANALYSE_FORK_MIN", 1)
    pids = tmp_path / "pids"
    real = bi._analyse_chunk

    def chunk(d, todo):
        with pids.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(d, todo)

    monkeypatch.setattr(bi, "_analyse_chunk", chunk)
    two_state, two = bi.build_browser_index(docs, None, SMALL, jobs=2)
    assert two == one
    assert two_state.analyses == one_state.analyses and len(two_state.analyses) == len(docs)
    # the state updates alike: an edit gives the same files from either
    edited = list(docs)
    edited[5] = SearchDoc(**{**docs[5].__dict__, "body": docs[5].body + " volcker"})
    assert bi.build_browser_index(edited, two_state, SMALL)[1] == bi.build_browser_index(edited, one_state, SMALL)[1]
    made_in = set(pids.read_text().split())
    assert made_in and str(os.getpid()) not in made_in  # the analyses were made in other processes


def test_a_new_facet_label_rewrites_meta_only() -> None:
    """A taxonomy renamed in site.yaml changes the catalogue in meta, not a posting or a value list."""
    rng = random.Random(7)
    docs = _order([_doc(rng, i, _date(rng)) for i in range(30)])
    state, _files = bi.build_browser_index(docs, None, SMALL, facets=FACETS)
    renamed = (FACETS[0], FacetDef("tag", "Topics"), FACETS[2])
    _state, files = bi.build_browser_index(docs, state, SMALL, facets=renamed)
    assert list(files) == ["search/meta.js"] and b'"Topics"' in files["search/meta.js"]
    assert bi.build_browser_index(docs, _state, SMALL, facets=renamed)[1] == {}


def test_in_place_updates_equal_a_clean_build_and_leave_the_previous_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits, appends and removals of the newest, in several languages (the in-place path: shards cut again
    around the changed terms only, facet values, years, languages and copies updated from the previous state)
    give a clean build's bytes and state; the previous state is left as it was, since the dev server keeps it
    when a build fails after the index update."""
    from dataclasses import replace

    rng = random.Random(21)
    defs = (*FACETS, FacetDef("lang", "Languages", language=True))
    langs = ["en"] * 8 + ["fr", "de-CH"]

    def doc(serial: int, date: str) -> SearchDoc:
        return replace(_doc(rng, serial, date), language=rng.choice(langs))

    docs = _order([doc(i, f"1987-0{1 + i % 9}-1{i % 10}") for i in range(150)])
    state, files = bi.build_browser_index(docs, None, SMALL, facets=defs)
    site = dict(files)
    in_place = []
    real = bi._update
    monkeypatch.setattr(bi, "_update", lambda *a: in_place.append(1) or real(*a))
    for step in range(80):
        docs = list(docs)
        kind = rng.choice(["body", "body", "title", "entities", "facets", "language", "append", "drop", "copy"])
        i = rng.randrange(len(docs))
        if kind == "body":
            docs[i] = replace(docs[i], body=docs[i].body + " " + _text(rng, rng.randint(1, 12)))
        elif kind == "title":
            docs[i] = replace(docs[i], title=_text(rng, 3))
        elif kind == "entities":
            docs[i] = replace(docs[i], entities=((*rng.choice(PLACES), "place"),) if rng.random() < 0.8 else ())
        elif kind == "facets":
            docs[i] = replace(docs[i], facets=tuple(t for t in TAGS if rng.random() < 0.5))
        elif kind == "language":
            docs[i] = replace(docs[i], language=rng.choice(["en", "fr", "ru"]))
        elif kind == "append":
            docs.append(doc(2000 + step, "1988-0" + str(1 + step // 10) + "-01"))
        elif kind == "drop":
            docs.pop()
        elif kind == "copy":  # an identical copy of the newest, filed under another id
            docs.append(replace(docs[-1], id=f"b{step}", url=layout.article_url(f"b{step}")))
        docs = _order(docs)
        before = pickle.dumps(state)
        new_state, files = bi.build_browser_index(docs, state, SMALL, facets=defs)
        assert pickle.dumps(state) == before, kind  # the previous state is as it was
        _apply(site, files)
        clean_state, clean = bi.build_browser_index(docs, None, SMALL, facets=defs)
        assert site == clean, (step, kind)
        for name in ("shards", "shard_paths", "shard_keys", "shard_seps", "meta_shards", "years", "doc_langs", "langs",
                     "facet_sizes", "contents", "copies", "digests", "terms", "widths", "word_df"):
            assert getattr(new_state, name) == getattr(clean_state, name), (step, kind, name)
        values = {f: {k: (v.name, list(v.docs)) for k, v in fv.items()} for f, fv in new_state.values.items()}
        assert values == {f: {k: (v.name, list(v.docs)) for k, v in fv.items()} for f, fv in clean_state.values.items()}
        state = new_state
    assert len(in_place) > 50, len(in_place)


def test_shards_cut_again_around_changed_terms_are_those_a_clean_cut_makes() -> None:
    """_repartition against _partition on random vocabularies: terms that grow, shrink, come and go, many of
    them first in their shard (whose boundary may move when the size that made it changes)."""
    from dataclasses import replace

    rng = random.Random(5)
    letters = "abcdefghij"
    for trial in range(400):
        params = Params(shard_min=rng.choice([10, 30]), shard_max=rng.choice([40, 60, 90]), shard_mod=rng.choice([2, 3, 7]))
        vocab = sorted({"".join(rng.choices(letters, k=rng.randint(1, 4))) for _ in range(rng.randint(1, 80))},
                       key=bi.utf16_key)
        prev = bi.IndexState(params=params, terms=vocab, keys=[bi.utf16_key(t) for t in vocab],
                             widths={t: rng.randint(6, 30) for t in vocab})
        bi._partition(prev)
        firsts = [t for t in vocab if bi.utf16_key(t) in set(prev.shard_keys)]
        touched = set(rng.sample(firsts, min(len(firsts), rng.randint(0, 3))))  # first terms of shards
        touched |= set(rng.sample(vocab, min(len(vocab), rng.randint(0, 3))))
        widths = dict(prev.widths)
        terms = list(vocab)
        for t in list(touched):
            if rng.random() < 0.2:  # gone
                terms.remove(t)
                del widths[t]
            else:  # grown or shrunk
                widths[t] = max(6, widths[t] + rng.choice([-20, -8, -1, 1, 8, 20]))
        for _ in range(rng.randint(0, 3)):  # new terms
            t = "".join(rng.choices(letters, k=rng.randint(1, 5)))
            if t not in widths:
                terms.append(t)
                widths[t] = rng.randint(6, 30)
                touched.add(t)
        terms.sort(key=bi.utf16_key)
        state = replace(prev, terms=terms, keys=[bi.utf16_key(t) for t in terms], widths=widths)
        written, gone = bi._repartition(state, prev, touched)
        clean = replace(state)
        bi._partition(clean)
        got = (state.shard_keys, state.shard_paths, state.shard_seps, state.meta_shards, state.shards)
        assert got == (clean.shard_keys, clean.shard_paths, clean.shard_seps, clean.meta_shards, clean.shards), trial
        assert gone == set(prev.shard_paths) - set(clean.shard_paths), trial
        # every shard whose terms or path changed, or that holds a touched term, is written again
        for p, ts in clean.shards.items():
            if prev.shards.get(p) != ts or touched & set(ts):
                assert p in written, (trial, p)
