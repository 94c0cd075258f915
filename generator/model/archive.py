"""The archive model: articles, entities and the indexes between them.

Everything is gathered here before anything is rendered (as in MkDocs'
``structure``): every cross-reference a page needs — mentions, entity article
lists, co-occurrence, related articles, month counts — is computed once, in
passes linear in the number of articles (related articles look only at a
bounded window of each entity's article list, so a very common entity does not
make the build quadratic).
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import hashlib
import heapq
import math
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from generator.inputs.content import ARTICLE_SCHEMA, ArticleMeta, EntityDef, FreePage, SiteConfig
from generator.inputs.seeds import Block, Seed
from generator.model import taxonomies, urls
from generator.model.mentions import Matcher, Mention, fold
from generator.util.diagnostics import Diagnostics
from generator.util.forking import map_parts
from generator.util.shelf import Stored, StoredText, as_bytes, as_text
from generator.util.text import derive_title, first_sentence, key_of, sentence_around

RELATED_WINDOW = 40  # articles looked at on each side of an article in each entity's list
RELATED_COUNT = 5


class Snippet(NamedTuple):
    """The sentence around an entity's first mention in an article."""

    before: str
    match: str
    after: str


@dataclass(eq=False, slots=True)  # (no __dict__ per article: ~100 bytes each of a million)
class Article:
    """One article, with its mentions found.

    What lists and search need (title, date, text, counts, snippets) is held
    as plain values; the parsed blocks and their mentions, needed only to
    render the article's own page, stay pickled while the article sits in
    the build cache and are decoded on first use (a large cache loads in a
    fraction of the time that way).
    """

    id: str
    path: str  # the seed file, for messages
    title: str
    date: dt.date | None
    source: str | None
    source_url: str | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str
    # The body as plain text, paragraphs separated by blank lines (``text``): in memory, or in the build cache's
    # records file once it is written there (generator.util.shelf).
    plain_text: str | StoredText
    word_count: int
    declared: tuple[str, ...]  # entity ids from the metadata
    mention_counts: dict[str, int]  # entity id -> mentions in the text (0 if only declared)
    snippets: dict[str, Snippet]  # entity id -> the sentence around its first mention
    card: bytes  # digest of what a list of articles shows of it (see generator.pages.fingerprints)
    digest: bytes  # digest of everything its own page shows
    body: Any  # (blocks, mentions per block), or those pickled (in memory, or Stored in the records file)
    index: int = 0  # position in date order (derived on every build, never cached)
    related: list[int] = field(default_factory=list)
    duplicate_of: str | None = None  # metadata: this article copies that one (search shows the original only)
    duplicate_where: tuple[str, int | None] | None = None  # (metadata file, line) of duplicate_of, for errors
    original: int | None = None  # index of that article, set by index_archive
    source_name: str | None = None  # the source as shown: its name from site.yaml, else as written
    extra: tuple[tuple[str, tuple[str, ...], int | None], ...] = ()  # metadata fields of declared taxonomies: (key, values, line)
    meta_path: str | None = None  # the metadata file, for messages
    language: str | None = None  # metadata: the article's language when not the site's (BCP 47)

    def values(self, field: str) -> tuple[str, ...]:
        """The values of a taxonomy's metadata field (``tags``, ``authors``, ``source`` or a declared one)."""
        if field == "tags":
            return self.tags
        if field == "authors":
            return self.authors
        if field == "source":
            return (self.source,) if self.source else ()
        for key, values, _line in self.extra:
            if key == field:
                return values
        return ()

    @property
    def source_id(self) -> str | None:
        return key_of(self.source) if self.source else None

    @property
    def text(self) -> str:
        """The body as plain text (read from the records file when it is kept there: not kept in memory)."""
        return as_text(self.plain_text)

    def parts(self) -> tuple[tuple[Block, ...], tuple[tuple[Mention, ...], ...]]:
        """The blocks and their mentions, decoded for the one page that needs them (not kept: memory)."""
        if isinstance(self.body, (bytes, Stored)):
            blocks, mentions = pickle.loads(as_bytes(self.body))
            return tuple(Block(*b) for b in blocks), tuple(tuple(Mention(*m) for m in ms) for ms in mentions)
        return self.body

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.parts()[0]

    @property
    def mentions(self) -> tuple[tuple[Mention, ...], ...]:
        return self.parts()[1]

    def pack(self) -> None:
        """Keep the body pickled: a 100,000-article model then holds a few large strings, not millions of objects."""
        self.body = self._encoded()

    def _encoded(self) -> bytes | Stored:
        """The body as plain tuples: pickling them is C-speed, unlike frozen dataclasses."""
        if isinstance(self.body, (bytes, Stored)):
            return self.body
        blocks, mentions = self.body
        plain = (tuple((b.kind, b.text) for b in blocks), tuple(tuple((m.entity_id, m.start, m.end) for m in ms) for ms in mentions))
        return pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)

    @property
    def lead(self) -> str:
        """The first paragraph (or heading): page descriptions and feed summaries."""
        return self.text.partition("\n\n")[0]

    @property
    def url(self) -> str:
        return urls.article(self.id)

    @property
    def entity_ids(self) -> list[str]:
        return list(self.mention_counts)

    @property
    def month_key(self) -> str | None:
        return None if self.date is None else f"{self.date.year:04d}-{self.date.month:02d}"

    def __reduce__(self) -> tuple:
        body = self._encoded()
        return (_restore_article, (
            self.id, self.path, self.title, self.date, self.source, self.source_url, self.authors, self.tags,
            self.summary, self.plain_text, self.word_count, self.declared, self.mention_counts,
            {k: tuple(v) for k, v in self.snippets.items()}, self.card, self.digest, body,
            self.duplicate_of, self.duplicate_where, self.extra, self.meta_path, self.language,
        ))


def _restore_article(*fields: Any) -> Article:
    *cached, duplicate_of, duplicate_where, extra, meta_path, language = fields  # metadata, unlike index/related/original
    art = Article(*cached, duplicate_of=duplicate_of, duplicate_where=duplicate_where, extra=extra, meta_path=meta_path,
                  language=language)
    art.snippets = {k: Snippet(*v) for k, v in art.snippets.items()}
    return art


@dataclass
class Entity:
    """A registry entry plus everything the archive says about it."""

    defn: EntityDef
    articles: list[int] = field(default_factory=list)  # article indexes, oldest first (each quotes it: Article.snippets)
    mentions: int = 0
    months: Counter = field(default_factory=Counter)
    together: Counter = field(default_factory=Counter)
    # Set only when some of its articles are undated: the reading order (dated
    # newest first, then the undated by title) and how many are dated.
    reading: tuple[int, ...] | None = None
    dated: int | None = None

    @property
    def id(self) -> str:
        return self.defn.id

    @property
    def name(self) -> str:
        return self.defn.name

    @property
    def type(self) -> str:
        return self.defn.type

    @property
    def url(self) -> str:
        return urls.entity(self.defn.id)


def _restore_archive(site: SiteConfig, articles: list[Article], entities: dict[str, Entity], pages: list[FreePage],
                     derived: list[tuple[int, list[int], int | None, str | None]]) -> Archive:
    for art, (index, related, original, source_name) in zip(articles, derived, strict=True):
        art.index, art.related, art.original, art.source_name = index, related, original, source_name
    return Archive(site, articles, entities, pages)


@dataclass
class Archive:
    """The whole site's content, ready to render."""

    site: SiteConfig
    articles: list[Article]  # date order, undated first
    entities: dict[str, Entity]
    pages: list[FreePage]
    relate_state: RelateState | None = None  # what related articles were computed from (kept by the build cache)

    def __reduce__(self) -> tuple:
        """Pickled whole, to render on a cluster's workers: with the articles' derived fields, without the caches.

        An article pickles without what each build derives (its position,
        related articles, original, source name: the build cache must not
        keep them), so they travel beside it here.  The cached properties
        are made again where needed (one holds a lambda, which does not
        pickle), and ``relate_state`` serves only the next build.
        """
        derived = [(a.index, a.related, a.original, a.source_name) for a in self.articles]
        return (_restore_archive, (self.site, self.articles, self.entities, self.pages, derived))

    @cached_property
    def by_month(self) -> tuple[dict[int, dict[int, list[Article]]], list[Article]]:
        """Articles grouped by year and month (oldest first), and the undated ones."""
        months: dict[int, dict[int, list[Article]]] = defaultdict(lambda: defaultdict(list))
        undated = []
        for a in self.articles:
            if a.date is None:
                undated.append(a)
            else:
                months[a.date.year][a.date.month].append(a)
        return months, undated

    @cached_property
    def undated_by_title(self) -> list[Article]:
        """The undated articles A–Z: with no date, the title is the only order a reader can follow."""
        return sorted(self.by_month[1], key=taxonomies.title_key)

    @cached_property
    def undated_starts(self) -> tuple[tuple[str, int], ...]:
        return taxonomies.letter_starts(a.title for a in self.undated_by_title)

    @cached_property
    def taxonomies(self) -> dict[str, dict[str, taxonomies.Collection]]:
        """Every taxonomy's collections by kind, in site.yaml's order (tags, sources, authors, then the declared)."""
        out = {}
        for t in self.site.taxonomies:
            names = {k: (name, url) for k, name, url in t.names}
            out[t.kind] = taxonomies.group(self.articles, lambda a, f=t.field: a.values(f), key_of, names)
        return out

    def collections(self, kind: str) -> dict[str, taxonomies.Collection]:
        return self.taxonomies.get(kind, {})

    @property
    def tags(self) -> dict[str, taxonomies.Collection]:
        return self.collections("tag")

    @property
    def sources(self) -> dict[str, taxonomies.Collection]:
        return self.collections("source")

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        dated = [a.date for a in self.articles if a.date is not None]
        return (min(dated), max(dated)) if dated else None


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def neighbours(archive: Archive, art: Article) -> tuple[Article | None, Article | None]:
    """Previous and next article: in date order among the dated, in title order among the undated."""
    if art.date is None:
        undated = archive.undated_by_title
        i = bisect.bisect_left(undated, taxonomies.title_key(art), key=taxonomies.title_key)
        return (undated[i - 1] if i > 0 else None), (undated[i + 1] if i + 1 < len(undated) else None)
    arts, i = archive.articles, art.index
    prev = arts[i - 1] if i > 0 and arts[i - 1].date is not None else None
    return prev, (arts[i + 1] if i + 1 < len(arts) else None)


def build_article(seed: Seed, meta: ArticleMeta | None, matcher: Matcher, known: set[str], diag: Diagnostics) -> Article | None:
    """Combine a seed and its metadata; None when it cannot be trusted (errors reported)."""
    ok = True
    date = seed.date
    if meta is not None and meta.date is not None:
        date = meta.date
    elif not seed.has_date_line:
        diag.error(seed.path, seed.first_line, "no date: the seed must start with 'date YYYY-MM-DD' (or 'date undated'), or its metadata must give 'date'")
        ok = False
    declared: list[str] = []
    if meta is not None:
        for eid, line in zip(meta.entities, meta.entity_lines or (None,) * len(meta.entities), strict=False):
            if eid not in known:
                diag.error(meta.path, line, f"unknown entity '{eid}': add it to content/entities.yaml or fix the id")
                ok = False
            elif eid not in declared:
                declared.append(eid)
    if not ok:
        return None
    if not seed.blocks:
        diag.warn(seed.path, None, "the article has no body text")
    title = meta.title if meta and meta.title else None
    if title is None:
        title = derive_title(seed.blocks[0].text) if seed.blocks else f"(untitled {seed.id})"
        if meta is None:
            diag.warn(seed.path, None, f"no metadata file content/articles/{seed.path.stem}.yaml; title derived from the text")
        else:
            diag.warn(meta.path, None, "no 'title'; title derived from the text")
    mentions = matcher.link([b.text for b in seed.blocks], declared)
    counts: dict[str, int] = {}
    for block in mentions:
        for m in block:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
    for eid in declared:
        counts.setdefault(eid, 0)
    summary = meta.summary if meta else ""
    text = "\n\n".join(b.text for b in seed.blocks)
    fields = dict(
        title=title, date=date, source=meta.source if meta else None, source_url=meta.source_url if meta else None,
        authors=meta.authors if meta else (), tags=meta.tags if meta else (), summary=summary,
        duplicate_of=meta.duplicate_of if meta else None,
    )
    where = (str(meta.path), meta.duplicate_line) if meta and meta.duplicate_of else None
    extra = meta.extra if meta else ()
    language = meta.language if meta else None
    # The language joins the digests only when set, so articles without one keep the digests they had.
    card = _digest(seed.id, *fields.values(), text.partition("\n\n")[0], *((k, v) for k, v, _line in extra),
                   *((("language", language),) if language else ()))
    snippets = {eid: _snippet(seed.blocks, mentions, summary, eid) for eid in counts}
    return Article(
        id=seed.id,
        path=str(seed.path),
        plain_text=text,
        word_count=sum(len(b.text.split()) for b in seed.blocks),
        declared=tuple(declared),
        mention_counts=counts,
        snippets=snippets,
        card=card,
        digest=_digest(card, seed.blocks, mentions, counts, declared),
        body=(seed.blocks, mentions),
        duplicate_where=where,
        extra=extra,
        meta_path=str(meta.path) if meta else None,
        language=language,
        **fields,
    )


def make_matcher(defs: list[EntityDef], diag: Diagnostics) -> Matcher:
    for d in defs:
        for name in (d.name, *d.aliases):
            if not re.match(r"\w", fold(name.strip())):
                diag.warn(d.path, d.line, f"the name '{name}' of entity '{d.id}' starts with no letter or digit, so it cannot be found in article text")
    matcher = Matcher.for_registry((d.id, d.type, d.name, d.aliases) for d in defs)
    by_id = {d.id: d for d in defs}
    for alias, ids in matcher.ambiguous:
        first = by_id[ids[0]]
        diag.warn(first.path, first.line, f"the name '{alias}' belongs to several entities ({', '.join(ids)}); it is linked only in an article that names one of them in full or lists it in its metadata")
    return matcher


def sort_key(article: Article) -> tuple[dt.date, str]:
    return (article.date or dt.date.min, article.id)


def index_archive(
    site: SiteConfig, articles: list[Article], defs: list[EntityDef], pages: list[FreePage], related: RelateState | None = None,
    jobs: int = 1,
) -> Archive:
    """Order articles and compute the entity indexes and related articles (incrementally, given ``related``)."""
    articles.sort(key=sort_key)
    entities = {d.id: Entity(d) for d in defs}
    position = {a.id: i for i, a in enumerate(articles)}
    for i, art in enumerate(articles):
        art.index = i
        if art.duplicate_of is not None:
            art.original = position.get(art.duplicate_of)
        if art.source:
            known = site.sources.get(key_of(art.source))
            art.source_name = known.name if known else art.source
        ids = art.entity_ids
        for eid in ids:
            ent = entities[eid]
            ent.articles.append(i)
            ent.mentions += art.mention_counts[eid]
            if art.month_key:
                ent.months[art.month_key] += 1
        if len(ids) <= 60:  # co-occurrence is k² per article: bounded for pathological articles
            for a in ids:
                together = entities[a].together
                for b in ids:
                    if a != b:
                        together[b] += 1
    for ent in entities.values():
        if ent.articles and articles[ent.articles[0]].date is None:  # undated sort first
            ent.reading, ent.dated = taxonomies.reading_order(articles, ent.articles)
    archive = Archive(site, articles, entities, pages)
    archive.relate_state = _relate(articles, entities, related, jobs)
    return archive


def _snippet(blocks: tuple[Block, ...], mentions: tuple[tuple[Mention, ...], ...], summary: str, eid: str) -> Snippet:
    for block, found in zip(blocks, mentions, strict=True):
        for m in found:
            if m.entity_id == eid:
                return Snippet(*sentence_around(block.text, m.start, m.end))
    text = summary or (blocks[0].text if blocks else "")
    return Snippet(first_sentence(text), "", "")


def related_weight(count: int) -> int:
    """How much sharing an entity named in ``count`` articles relates two articles: rarer counts more.

    An integer (sums do not depend on the order of addition) in half-octave
    steps of the count, so it rarely changes as an archive grows and an
    incremental build rarely has to relate every article of a big entity again.
    """
    return max(1, 24 - int(2 * math.log2(max(count, 1))))


@dataclass
class RelateState:
    """What the related articles were computed from, for the next build (article ids, not positions)."""

    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entity -> its article ids, in date order
    weights: dict[str, int] = field(default_factory=dict)
    digests: dict[str, bytes] = field(default_factory=dict)  # article id -> Article.digest
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)  # article id -> related article ids
    days: dict[str, int | None] = field(default_factory=dict)  # article id -> its date's ordinal (None: undated)


def _changed_span(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[int, int]:
    """``(p, q)``: ``new[:p]`` and ``new[q:]`` equal the start and end of ``old`` (found by halving, in C-speed slices)."""
    lo, hi = 0, min(len(old), len(new))
    while lo < hi:  # longest common prefix
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    p = lo
    lo, hi = 0, min(len(old), len(new)) - p
    while lo < hi:  # longest common suffix not overlapping the prefix
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid:] == new[len(new) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return p, len(new) - lo


RELATE_FORK_MIN = 4000  # articles to relate before two processes are worth forking (a cold load: all of them)


def _related_of(shared: tuple, todo: list[int]) -> list[tuple[int, tuple[int, ...]]]:
    """The related articles (positions) of the articles at positions ``todo``: the loop of :func:`_relate`.

    A function of its own so that a cold build can run it in forked workers:
    at 108k articles it is ~6 s, most of index_archive.  Positions, not ids,
    come back, so the parent's lists share its own id strings.
    """
    articles, entities, weights, days, ids = shared
    far = 10**7  # the distance in days when either article is undated
    out: list[tuple[int, tuple[int, ...]]] = []
    for i in todo:
        art = articles[i]
        if not art.mention_counts:
            out.append((i, ()))
            continue
        scores: dict[int, int] = defaultdict(int)
        for eid in art.mention_counts:
            lst = entities[eid].articles
            w = weights[eid]
            pos = bisect.bisect_left(lst, i)
            for other in lst[max(0, pos - RELATED_WINDOW):pos + RELATED_WINDOW + 1]:
                scores[other] += w
        scores.pop(i, None)
        if len(scores) > RELATED_COUNT:  # only the best scores can rank: order just those by the full key
            least = heapq.nlargest(RELATED_COUNT, scores.values())[-1]
            items = [(o, sc) for o, sc in scores.items() if sc >= least]
        else:
            items = list(scores.items())
        day = days[i]
        ranked = sorted(
            (-sc, abs(days[o] - day) if day is not None and days[o] is not None else far, ids[o], o) for o, sc in items
        )[:RELATED_COUNT]
        out.append((i, tuple(r[3] for r in ranked)))
    return out


def _relate(
    articles: list[Article], entities: dict[str, Entity], previous: RelateState | None, jobs: int = 1,
) -> RelateState:
    """Related articles: most shared entities (weighted by rarity), then nearest in time, then id.

    Candidates come from a window of RELATED_WINDOW articles on each side in
    each shared entity's (date-ordered) list, so the cost per article is
    bounded by its number of entities, not by the size of the archive.  With
    ``previous``, only articles whose windows or weights changed (and changed
    articles) are related again; the rest keep their lists.
    """
    ids = [a.id for a in articles]
    days = [a.date.toordinal() if a.date else None for a in articles]
    state = RelateState(
        lists={eid: tuple(ids[i] for i in e.articles) for eid, e in entities.items() if e.articles},
        digests={a.id: a.digest for a in articles},
        days=dict(zip(ids, days, strict=True)),
    )
    state.weights = {eid: related_weight(len(lst)) for eid, lst in state.lists.items()}
    if previous is None:
        dirty: set[int] | range = range(len(articles))
    else:
        dirty = {a.index for a in articles if previous.digests.get(a.id) != a.digest or a.id not in previous.related}
        for i in list(dirty):
            art = articles[i]
            if art.id in previous.days and previous.days[art.id] != days[i]:
                # Re-dated without moving in any list: ties among the articles whose windows hold it are
                # broken by the distance in days to it, which changed.
                for eid in art.mention_counts:
                    positions = entities[eid].articles
                    p = bisect.bisect_left(positions, i)
                    dirty.update(positions[max(0, p - RELATED_WINDOW):p + RELATED_WINDOW + 1])
        for eid, lst in state.lists.items():
            old = previous.lists.get(eid)
            if old == lst and previous.weights.get(eid) == state.weights[eid]:
                continue
            positions = entities[eid].articles
            if old is None or previous.weights.get(eid) != state.weights[eid]:
                dirty.update(positions)
                continue
            p, q = _changed_span(old, lst)
            dirty.update(positions[max(0, p - RELATED_WINDOW):min(len(lst), q + RELATED_WINDOW)])

    shared = (articles, entities, state.weights, days, ids)
    for _part, done in map_parts(_related_of, shared, sorted(dirty), jobs, RELATE_FORK_MIN):
        for i, found in done:
            state.related[ids[i]] = tuple(ids[o] for o in found)
    if previous is not None:
        for art in articles:
            if art.id not in state.related:
                state.related[art.id] = previous.related[art.id]
    index = {a.id: a.index for a in articles}
    for art in articles:
        art.related = [index[r] for r in state.related[art.id]]
    return state


def build_archive(site: SiteConfig, seeds: list[Seed], metas: dict[str, ArticleMeta], defs: list[EntityDef], pages: list[FreePage], diag: Diagnostics) -> Archive:
    """Cross-check the loaded input and build the model."""
    seed_ids = {s.id for s in seeds}
    for mid, meta in sorted(metas.items()):
        if mid not in seed_ids:
            diag.error(meta.path, None, f"metadata for a seed that does not exist: expected seeds/{meta.path.stem}.txt")
    check_fields(site, ((str(m.path), m.extra) for _id, m in sorted(metas.items()) if m.extra), diag)
    matcher = make_matcher(defs, diag)
    known = {d.id for d in defs}
    articles = []
    for seed in seeds:
        art = build_article(seed, metas.get(seed.id), matcher, known, diag)
        if art is not None:
            articles.append(art)
    check_duplicate_of(articles, diag)
    check_sources(site, articles, diag)
    diag.check()
    return index_archive(site, articles, defs, pages)


def check_duplicate_of(articles: list[Article], diag: Diagnostics) -> None:
    """``duplicate_of`` must name another article, one that is itself an original."""
    by_id = {a.id: a for a in articles}
    for art in articles:
        target = art.duplicate_of
        if target is None:
            continue
        path, line = art.duplicate_where or (art.path, None)
        if target == art.id:
            diag.error(path, line, "'duplicate_of' names the article itself")
        elif target not in by_id:
            diag.error(path, line, f"'duplicate_of': there is no article '{target}' (expected seeds/{target}.txt)")
        elif by_id[target].duplicate_of:
            diag.error(path, line, f"'duplicate_of': '{target}' is itself a copy of "
                       f"'{by_id[target].duplicate_of}'; point to the original instead")


def check_fields(site: SiteConfig, extras: Iterable[tuple[str, tuple[tuple[str, tuple[str, ...], int | None], ...]]],
                 diag: Diagnostics) -> None:
    """A metadata field no taxonomy of site.yaml declares is most likely a typo (``titel``): an error, with a hint.

    ``extras`` are (metadata file, its fields the schema does not know).
    Checked with the site's config rather than when the file is read,
    because which fields are declared is site.yaml's to say: a change there
    must not need every article's metadata read again.
    """
    declared = {t.field for t in site.taxonomies}
    known = sorted(set(ARTICLE_SCHEMA) | declared)
    for path, extra in extras:
        for key, _values, line in extra:
            if key not in declared:
                hint = difflib.get_close_matches(key, known, n=1)
                more = f" (did you mean '{hint[0]}'?)" if hint else ""
                diag.error(path, line, f"unknown key '{key}' in article metadata{more}; known keys: {', '.join(known)}")


def check_sources(site: SiteConfig, articles: list[Article], diag: Diagnostics) -> None:
    """A source named in site.yaml that no article has is most likely a misspelt key: say so."""
    used = {a.source_id for a in articles}
    for key, src in site.sources.items():
        if key not in used:
            diag.warn(src.path, src.line, f"source '{src.name}' (key '{key}') is not the source of any article; "
                      "its key must be the article metadata's 'source' (case and punctuation aside)")
