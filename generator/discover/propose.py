"""``discover``: propose the people, organisations and places an archive names but its registry lacks.

Pipeline (each step linear in the archive's size):

1. ``discover_text`` finds capitalised runs and cuts them into candidate
   names, with corpus-wide counts deciding which sentence-initial capitals
   are grammar.
2. Inside each article, short forms are tied to the long form they stand for:
   "Brown" and "Mr Brown" to "Gordon Brown" (a person's last words), "Texaco"
   to "Texaco Inc" (an organisation's first words), "EC" to "European
   Community" (initials). News names someone in full first and briefly after,
   so the article is the right place to resolve this; a short form whose ties
   across the archive point to one long form (80% or more) joins it
   everywhere.
3. Each group gets a type from the evidence around its mentions: titles and
   honorifics, "said he/she", role nouns and known first names for people;
   suffixes and heads (Inc, Bank, Ministry, ...) and "said it" for
   organisations; the GeoNames gazetteer for places. Weak or conflicting
   evidence gives "unsure", never a guess.
4. Names already in the registry are left out; near-identical spellings of a
   registry name are flagged; the rest is written, most-named first, to a
   YAML file the archivist reviews (``discover_accept`` turns it into
   registry entries). The registry itself is never touched here.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.discover.gazetteer import CITY, COUNTRY, place_strength
from generator.discover.names import (
    ACRONYM_STOPWORDS,
    ORG_FIRST,
    ORG_NOUNS,
    ORG_SUFFIXES,
    ROLE_NOUNS,
    STOPWORDS,
    STYLE_TITLES,
    TITLE_MODIFIERS,
    TITLES,
    WORK_NOUNS,
    Candidate,
    WordStats,
    candidates,
    count_words,
    find_runs,
    is_demonym,
    is_org_name,
)
from generator.inputs.content import EntityDef
from generator.inputs.seeds import Block
from generator.model.mentions import fold
from generator.util.text import sentence_around, slugify

_CONTRACTION = re.compile(r"['’](?:re|m|ll|ve|d|t)$", re.IGNORECASE)
_PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,}s$")  # "ECUs", "ADRs": plurals of abbreviated nouns
_BRAND = re.compile(r"^[a-z]{1,4}[A-Z][a-z]{2,}")  # "iPod", "eBay"
_NAME_PARTICLES = frozenset(("de", "van", "von", "bin", "al", "da", "di", "du", "le", "la", "del", "der", "den"))
LINK_SHARE = 0.8  # a short form joins a long form everywhere when this share of its ties point there


@dataclass
class Proposal:
    """One proposed entity, as written to the proposals file."""

    id: str
    type: str  # person, organisation, place or unsure
    name: str
    aliases: list[str]
    articles: int
    confidence: float
    example: str
    example_article: str
    similar: list[str] = field(default_factory=list)  # "Name (id)" of registry entries spelled nearly alike
    evidence: dict[str, float] = field(default_factory=dict)  # person/organisation/place votes (for review)


@dataclass
class DiscoverResult:
    proposals: list[Proposal]
    articles: int  # articles read
    known: int  # groups left out because the registry already has them
    candidates: int  # distinct names seen before filtering


@dataclass
class _Group:
    """Everything seen of one name across the archive."""

    forms: Counter = field(default_factory=Counter)  # surface form -> mentions
    articles: set = field(default_factory=set)
    mentions: int = 0
    initial: int = 0  # mentions that opened a sentence
    person: float = 0.0
    org: float = 0.0
    place_context: int = 0  # "in X", "from X"
    the: int = 0  # "the X": no person's name takes an article ("the Conservatives", "the BBC")
    work: int = 0  # "the film X", "X star ...": a film, book or show
    first_seen: tuple[int, int, int, str] | None = None  # (article index, block, start, form) of a mention


def key_of(tokens: tuple[str, ...]) -> str:
    """Merge key: case, accents, and the dots of acronyms ("U.S." = "US") ignored."""
    text = " ".join(tokens).replace("’", "'")
    if text.replace(".", "").replace(" ", "").isupper():
        text = text.replace(".", "")
    return fold(text)


def _low(token: str) -> str:
    return token.lower().rstrip(".")


def _acronym(tokens: tuple[str, ...]) -> str | None:
    if len(tokens) != 1:
        return None
    letters = tokens[0].replace(".", "").replace("&", "")
    return letters if 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper() else None


def _initials(tokens: tuple[str, ...]) -> tuple[str, str]:
    """Initials of the capitalised words, and of every word ("Bank of Japan": BJ, BOJ).

    A short all-capital word counts whole: "UK Independence Party" is UKIP.
    """
    def first(t: str) -> str:
        return t if t.isupper() and t.isalpha() and len(t) <= 3 else t[0]

    caps = "".join(first(t) for t in tokens if t[:1].isupper())
    every = "".join(first(t).upper() for t in tokens if t[:1].isalpha())
    return caps, every


def _strip_suffix(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """ "Texaco Inc" -> "Texaco", "Goldman Sachs and Co" -> "Goldman Sachs"."""
    while len(tokens) > 1 and _low(tokens[-1]) in ORG_SUFFIXES:
        tokens = tokens[:-1]
        if len(tokens) > 1 and tokens[-1] in ("and", "&"):
            tokens = tokens[:-1]
    return tokens


def _short_for_firm(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """ "Texaco" and "Computer Terminal" for "Texaco Inc" and "Computer Terminal Systems Inc".

    Only a firm's name with a legal suffix is shortened this way, by at most
    two words and never across "of" ("Ford Motor Co" is not short for "Ford
    Motor Co of Canada Ltd").
    """
    core = _strip_suffix(long)
    if core == long or len(short) > len(core) or len(core) - len(short) > 2:
        return False
    if any(t in ("of", "for", "and", "&", "the") for t in core[len(short):]):
        return False
    return tuple(map(_low, core[: len(short)])) == tuple(map(_low, short))


HONORIFICS = frozenset("mr mrs ms miss mme sir dame lord lady dr".split())
# Heads that alone are common nouns capitalised for a body named earlier ("the Commission said").
GENERIC_HEADS = frozenset("""
commission ministry department association council agency committee board bank court union party group company
corporation government administration institute fund authority office organisation organization foundation
trust society exchange service club league community chapter section article class unit division
""".split())


def is_name(tokens: tuple[str, ...], stats: WordStats, honorific: bool = False) -> bool:
    """Whether a candidate can be a name at all (before any counting).

    After an honorific ("Lord Young", "Mr Brown") a word is a name even
    when the archive mostly writes it in lower case.
    """
    words = [t for t in tokens if t[:1].isupper() or _BRAND.match(t)]
    if not words:
        return False
    if any(_CONTRACTION.search(t) for t in tokens):
        return False  # "We're", "I'm"
    if all(_low(t) in ORG_SUFFIXES or t in ("and", "&") for t in tokens):
        return False  # "Co Inc"
    if len(tokens) == 1:
        tok = tokens[0]
        bare = tok.replace(".", "")
        low = bare.lower()
        if len(bare) < 2 or low in STOPWORDS or low in ORG_SUFFIXES or low in GENERIC_HEADS or is_demonym(tok) \
                or _PLURAL_ACRONYM.match(bare):
            return False
        if bare.isupper():
            if set(bare) <= {"A", "B"} and len(bare) <= 3:
                return False  # credit ratings: AA, BBB
            return bare not in ACRONYM_STOPWORDS and len(bare) <= 6
        if low in TITLE_MODIFIERS and 2 * stats.before_title[tok] >= stats.capital_mid[tok]:
            return False  # "Finance", "Trade": mostly the first word of a title ("Labour" is mostly a party's name)
        return (honorific or not stats.common_alone(tok)) and low not in TITLES
    if is_demonym(tokens[-1]) or all(_low(t) in STOPWORDS for t in words):
        return False
    if all(_low(t) in TITLES or _low(t) in TITLE_MODIFIERS or t in ("of", "the") for t in tokens):
        return False  # "Prime Minister", "Finance Minister"
    return not any(len(t) > 6 and t.isupper() for t in tokens)  # shouted headline words


class Discoverer:
    """Collects candidates article by article, then groups, types and ranks them."""

    def __init__(self, registry: Iterable[EntityDef] = ()) -> None:
        self.stats = WordStats()
        self.registry = list(registry)
        self._articles: list[tuple[str, tuple[Block, ...], list]] = []

    def add(self, article_id: str, blocks: tuple[Block, ...]) -> None:
        runs, texts = find_runs(blocks)
        count_words(self.stats, runs, texts)
        self._articles.append((article_id, blocks, runs))

    # -- grouping -------------------------------------------------------------------------

    def _mentions(self) -> list[dict[str, list[Candidate]]]:
        """Per article: merge key -> its candidate mentions."""
        out = []
        forms: dict[str, tuple[str, ...]] = {}
        cuts: dict = {}
        keys: dict[tuple, str | None] = {}  # (tokens, after an honorific) -> merge key, None when no name
        for _, _, runs in self._articles:
            per: dict[str, list[Candidate]] = defaultdict(list)
            for run in runs:
                for cand in candidates(run, self.stats, cuts):
                    honorific = cand.title.lower() in HONORIFICS
                    key = keys.get((cand.tokens, honorific), "")
                    if key == "":
                        key = keys[cand.tokens, honorific] = (
                            key_of(cand.tokens) if is_name(cand.tokens, self.stats, honorific) else None)
                    if key is not None:
                        forms.setdefault(key, cand.tokens)
                        per[key].append(cand)
            out.append(per)
        self._tokens = forms
        return out

    def _person_evidence(self, per_article: list[dict[str, list[Candidate]]]) -> tuple[dict[str, float], set[str], Counter]:
        """Person votes and mentions per key, and the first names of people named with a title."""
        votes: dict[str, float] = defaultdict(float)
        mentions: Counter = Counter()
        for per in per_article:
            for key, cands in per.items():
                mentions[key] += len(cands)
                for c in cands:
                    votes[key] += _person_vote(c)
        given = Counter()
        for key, v in votes.items():
            toks = self._tokens[key]
            if v >= 2 and 2 <= len(toks) <= 4 and not is_org_name(toks) and not place_strength(toks[-1]):
                given[toks[0]] += 1
        # "United" starts "United Nations", "United Airlines" and "United States": no first name
        heads = Counter(toks[0] for toks in self._tokens.values()
                        if len(toks) > 1 and (is_org_name(toks) or place_strength(" ".join(toks)) >= CITY))
        return votes, {name for name in given
                       if len(name) > 1 and "." not in name and not self.stats.common_alone(name)
                       and not place_strength(name) and heads[name] <= given[name]}, mentions

    @staticmethod
    def _personish(toks: tuple[str, ...], votes: float, mentions: int, given: set[str]) -> bool:
        """Shaped like a person's full name, with some evidence: its last words may stand for it."""
        if not 2 <= len(toks) <= 4 or is_org_name(toks):
            return False
        if not all(t[:1].isupper() or t in _NAME_PARTICLES for t in toks):
            return False
        if place_strength(" ".join(toks)):
            return False
        evidence = (votes >= 1 and votes >= 0.2 * mentions) or toks[0] in given
        # "Charles Kennedy": a surname that is also a city's name needs evidence the name is a person's
        return evidence and (place_strength(toks[-1]) < CITY or votes >= 1 or toks[0] in given)

    def _name_shaped(self, toks: tuple[str, ...]) -> bool:
        """ "Peter Jackson": two or three capitalised words that are no body's or place's name.

        In an article that names it, a last word alone ("Jackson") stands for it,
        as news writes a person's full name first and the surname after.
        """
        if not 2 <= len(toks) <= 3 or is_org_name(toks) or place_strength(" ".join(toks)):
            return False
        if not all(t[:1].isupper() and t.replace("-", "").replace("'", "").isalpha() and not t.isupper() for t in toks):
            return False
        first = toks[0]
        return not (self.stats.common(first) or is_demonym(first) or place_strength(first) >= CITY
                    or _low(first) in TITLES or _low(first) in TITLE_MODIFIERS or place_strength(toks[-1]) >= COUNTRY)

    def _links(self, per_article: list[dict[str, list[Candidate]]], personish: set[str]) -> tuple[list[dict[str, str]], dict[str, Counter]]:
        """Tie short forms to long forms inside each article; count the ties."""
        ties: dict[str, Counter] = defaultdict(Counter)
        local: list[dict[str, str]] = []
        by_last: dict[str, list[str]] = defaultdict(list)
        for per in per_article:
            links: dict[str, str] = {}
            longs = [k for k in per if len(self._tokens[k]) > 1]
            if longs:
                by_last.clear()
                for long_key in longs:
                    toks = self._tokens[long_key]
                    by_last[_low(toks[-1])].append(long_key)
                    by_last[_low(toks[0])].append(long_key)
                for short, cands in per.items():
                    called = any(_person_vote(c) > 0 for c in cands)
                    target = self._target(short, longs, by_last, personish, called)
                    if target is not None:
                        links[short] = target
                        ties[short][target] += 1
            local.append(links)
        return local, ties

    def _target(self, short: str, longs: list[str], by_last: dict[str, list[str]], personish: set[str],
                called: bool = False) -> str | None:
        """The long form ``short`` stands for in one article, if exactly one fits.

        ``called``: the article gives the short form a person's evidence ("Mr
        Kennedy"), so a city of that name ("Kennedy") does not stop the tie.
        """
        stoks = self._tokens[short]
        n = len(stoks)
        acr = _acronym(stoks)
        where = 0.0 if acr else place_strength(" ".join(stoks))
        if where >= COUNTRY or (where >= CITY and not called):
            return None  # "Japan" is not short for "Japan Airlines"
        found = []
        pool = longs if acr else by_last.get(_low(stoks[-1]), ()) + by_last.get(_low(stoks[0]), ())
        for long_key in dict.fromkeys(pool):
            if long_key == short:
                continue
            ltoks = self._tokens[long_key]
            if len(ltoks) <= n and not acr:
                continue
            if acr:
                if acr in _initials(ltoks) and len(ltoks) > 1:
                    found.append(long_key)
            elif tuple(map(_low, ltoks[-n:])) == tuple(map(_low, stoks)) and (
                    long_key in personish or (n == 1 and self._name_shaped(ltoks))):
                found.append(long_key)
            elif _short_for_firm(stoks, ltoks):
                found.append(long_key)
        return found[0] if len(found) == 1 else None

    def run(self, min_articles: int = 2) -> DiscoverResult:
        per_article = self._mentions()
        votes, given, mentions = self._person_evidence(per_article)
        personish = {k for k, toks in self._tokens.items() if self._personish(toks, votes.get(k, 0.0), mentions[k], given)}
        local, ties = self._links(per_article, personish)
        everywhere = self._everywhere(per_article, ties, personish)
        groups: dict[str, _Group] = defaultdict(_Group)
        for index, (per, links) in enumerate(zip(per_article, local, strict=True)):
            for key, cands in per.items():
                target = links.get(key) or everywhere.get(key, key)
                for _ in range(3):  # "Mr Brown" -> "Brown" -> "Gordon Brown"
                    target = everywhere.get(target, target)
                _collect(groups[target], index, key == target, cands)
        self._merge_variants(groups)
        return self._propose(groups, given, min_articles)

    def _everywhere(self, per_article: list[dict[str, list[Candidate]]], ties: dict[str, Counter],
                    personish: set[str]) -> dict[str, str]:
        """A short form whose ties mostly point to one long form joins it everywhere.

        A firm's short name must also be tied in a good share of its articles:
        "Vodafone" named with "Vodafone KK" in 2 of 30 articles is the parent
        firm elsewhere, while "Blair" is Tony Blair in articles that say "Mr Blair" only.
        """
        seen_in: Counter = Counter(key for per in per_article for key in per)
        out: dict[str, str] = {}
        for short, targets in ties.items():
            (top, n), total = targets.most_common(1)[0], sum(targets.values())
            if n < LINK_SHARE * total:
                continue
            if top not in personish and len(self._tokens[short]) < len(self._tokens[top]) and n < 0.25 * seen_in[short] \
                    and not _acronym(self._tokens[short]):
                continue
            out[short] = top
        return out

    def _merge_variants(self, groups: dict[str, _Group]) -> None:
        """One group for a plural and its singular ("Tories", "Tory") and a clipped form ("Lib Dems", "Liberal Democrats").

        People are left apart: "Williams" is no plural of "William".
        """
        def personal(g: _Group) -> bool:
            return g.person >= 0.3 * max(g.mentions, 1)

        for key in sorted(groups, key=lambda k: (len(k), k)):
            g = groups.get(key)
            if g is None:
                continue
            toks = self._tokens[key]
            single = _singular(toks[-1])
            other = key_of((*toks[:-1], single)) if single != toks[-1] else None
            if other and other in groups and not personal(g) and not personal(groups[other]):
                keep, drop = (other, key) if groups[other].mentions >= g.mentions else (key, other)
                _absorb(groups[keep], groups.pop(drop))
        by_shape: dict[tuple, list[str]] = defaultdict(list)
        for key in groups:
            toks = self._tokens[key]
            if 2 <= len(toks) <= 4 and all(t[:1].isupper() for t in toks):
                by_shape[tuple(t[0] for t in toks)].append(key)
        for keys in by_shape.values():
            for short in sorted(keys, key=len):
                for long in sorted(keys, key=len, reverse=True):
                    if short in groups and long in groups and short != long and \
                            _clipped(self._tokens[short], self._tokens[long]) and not personal(groups[short]):
                        keep, drop = (long, short) if groups[long].mentions >= groups[short].mentions else (short, long)
                        _absorb(groups[keep], groups.pop(drop))  # named as written most often
                        break

    # -- typing and output ------------------------------------------------------------------

    def _propose(self, groups: dict[str, _Group], given: set[str], min_articles: int) -> DiscoverResult:
        known_keys = {key_of(tuple(n.split())) for d in self.registry for n in (d.name, *d.aliases)}
        known_ids = {d.id for d in self.registry}
        typed = self._resolve_single_people(groups, given)
        proposals: list[Proposal] = []
        known = 0
        used_ids: set[str] = set()
        for key, g in sorted(groups.items(), key=lambda kv: (-len(kv[1].articles), kv[0])):
            if len(g.articles) < min_articles or key not in typed:
                continue
            name, aliases, (etype, votes, certainty) = typed[key]
            if key in known_keys or key_of(tuple(name.split())) in known_keys:
                known += 1
                continue
            aliases = [a for a in aliases if key_of(tuple(a.split())) not in known_keys]
            pid = _unique_id(slugify(name) or "entity", etype, known_ids | used_ids)
            used_ids.add(pid)
            n = len(g.articles)
            mid = 1 - g.initial / max(g.mentions, 1)
            confidence = (1 - 0.5 ** n) * (0.7 + 0.3 * mid) * certainty
            index, block, start, form = g.first_seen or (min(g.articles), 0, 0, name)
            aid, blocks, _ = self._articles[index]
            example = _example(blocks[block].text if block < len(blocks) else "", start, form)
            proposals.append(Proposal(pid, etype, name, aliases, n, round(confidence, 2), example, aid, evidence=votes))
        _flag_similar(proposals, self.registry)
        proposals.sort(key=lambda p: (-p.articles, -p.confidence, p.name.lower(), p.id))
        return DiscoverResult(proposals, len(self._articles), known, len(groups))

    def _typed(self, key: str, g: _Group, given: set[str]) -> tuple[str, list[str], tuple[str, dict[str, float], float]]:
        name = _display_name(self._tokens[key], g.forms)
        aliases = _aliases(name, g.forms, set())
        return name, aliases, _guess_type(self._tokens[key], name, aliases, g, given)

    def _resolve_single_people(self, groups: dict[str, _Group], given: set[str]) -> dict[str, tuple]:
        """Type every group worth proposing; a one-word person joins the full name it is part of, or goes.

        "Jackson" left over (named alone in articles that never give the full
        name) becomes an alias of the one person named "... Jackson" in full;
        with two such people it is ambiguous and not proposed, and a first
        name alone ("John") never is. A name seen only at the start of
        sentences, with no other evidence, is grammar ("Speaking", "Shadow").
        """
        typed: dict[str, tuple] = {}
        for key, g in groups.items():
            if len(self._tokens[key]) == 1 and g.initial == g.mentions and g.person == 0 and g.org == 0 and not g.the:
                continue
            typed[key] = self._typed(key, g, given)
        full: dict[str, list[str]] = defaultdict(list)
        firsts: set[str] = set()
        for key, (_, _, (etype, _, _)) in typed.items():
            toks = self._tokens[key]
            if etype == "person" and self._name_shaped(toks):
                full[_low(toks[-1])].append(key)
                firsts.add(_low(toks[0]))
        for key in [k for k, t in typed.items() if len(self._tokens[k]) == 1 and _personal(*t[2][:2])]:
            word = _low(self._tokens[key][0])
            owners = full.get(word, [])
            if len(owners) == 1 and word not in firsts:
                _absorb(groups[owners[0]], groups.pop(key))
                typed[owners[0]] = self._typed(owners[0], groups[owners[0]], given)
                del typed[key]
            elif owners or word in firsts or word in given:
                del typed[key]
        return typed


def _personal(etype: str, votes: dict[str, float]) -> bool:
    """Typed a person, or unsure with a person's evidence ahead: "Kidder" (of Kidder, Peabody) is not."""
    return etype == "person" or (etype == "unsure" and votes["person"] > max(votes["organisation"], votes["place"]))


def _collect(g: _Group, index: int, own: bool, cands: list[Candidate]) -> None:
    """Add one article's mentions of a name to its group, with the evidence around each."""
    g.articles.add(index)
    for c in cands:
        g.forms[c.form] += 1
        g.mentions += 1
        g.initial += c.initial
        g.person += _person_vote(c)
        g.org += (0.5 * (c.pronoun in ("it", "its")) + 1.0 * (c.owner and not c.title) + 1.0 * c.holding
                  + 0.5 * (c.before in ORG_NOUNS) + 0.5 * (c.apposition == "plural"))
        g.place_context += c.before in ("in", "from", "near", "across", "throughout") and not c.holding
        g.the += c.before == "the"
        g.work += c.work or c.before in WORK_NOUNS
        if own and g.first_seen is None:
            g.first_seen = (index, c.block, c.start, c.form)


def _absorb(into: _Group, other: _Group) -> None:
    """Merge the evidence of ``other`` into ``into`` (variants of one name)."""
    into.forms.update(other.forms)
    into.articles |= other.articles
    into.mentions += other.mentions
    into.initial += other.initial
    into.person += other.person
    into.org += other.org
    into.place_context += other.place_context
    into.the += other.the
    into.work += other.work
    if into.first_seen is None:
        into.first_seen = other.first_seen


def _singular(word: str) -> str:
    """ "Tories" -> "Tory", "Oscars" -> "Oscar"; a word that is no English plural comes back unchanged."""
    if len(word) > 4 and word.endswith("ies") and word[:1].isupper():
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s")) and word[-2].islower():
        return word[:-1]
    if _BRAND.match(word) and word.endswith("s"):
        return word[:-1]
    return word


def _clipped(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """ "Lib Dems" for "Liberal Democrats": each word the start of the other's word (plurals aside).

    A clipped word is short (at most 4 letters) and at least 2 letters shorter
    than the word it clips: "Lehman" is no clipping of a typo "Lehmand", nor
    "York" of "York-LaGuardia".
    """
    if len(short) != len(long) or short == long or not all(t.isalpha() for t in short + long):
        return False
    pairs = list(zip(map(_low, (*short[:-1], _singular(short[-1]))), map(_low, (*long[:-1], _singular(long[-1]))),
                     strict=True))
    return all(a == b or (b.startswith(a) and 3 <= len(a) <= 4 and len(b) >= len(a) + 2) for a, b in pairs) \
        and any(a != b for a, b in pairs)


def _aliases(name: str, forms: Counter, known_keys: set[str]) -> list[str]:
    """Other spellings worth matching: not the name again in other capitals ("NEW YORK"), not known ones.

    An all-capital spelling of a word name stays ("OPEC" beside "Opec"):
    the build matches all-capital names exactly, other names in any case.
    """
    seen = {fold(name)}
    out = []
    for form, _ in forms.most_common():
        f = fold(form)
        acronym = form.replace(".", "").isupper() and len(form.replace(".", "")) <= 6
        if (f in seen and not acronym) or form == name or key_of(tuple(form.split())) in known_keys:
            continue
        if form.isupper() and len(form.replace(".", "").replace(" ", "")) > 6:
            continue  # "NEW YORK": a shouted spelling
        seen.add(f)
        out.append(form)
    return out[:8]


def _person_vote(c: Candidate) -> float:
    title = c.title.lower()
    vote = 0.0
    if title in TITLES:
        vote += 2.0 if title in ("mr", "mrs", "ms", "miss", "mme", "sir", "dame", "lord", "lady") else 1.0
    if c.before in ROLE_NOUNS:
        vote += 1.0
    if c.pronoun in ("he", "she", "his", "her"):
        vote += 1.0
    if len(c.tokens) == 2 and _low(c.tokens[0]) in STYLE_TITLES:
        vote += 0.5  # "King Fahd", "Lord Young" (weak: "King Kong" is a film)
    if c.apposition in ("who", "age"):
        vote += 1.0  # "Eastwood, 74, thanked ...", "Rooney, who joined ..."
    if c.pronoun in ("it", "its"):
        vote -= 0.5
    return max(vote, 0.0)


def _display_name(tokens: tuple[str, ...], forms: Counter) -> str:
    """The most used spelling of the group's own key (its longest form)."""
    key = key_of(tokens)
    best = [f for f, _ in forms.most_common() if key_of(tuple(f.split())) == key]
    return best[0] if best else " ".join(tokens)


def _guess_type(tokens: tuple[str, ...], name: str, aliases: list[str], g: _Group, given: set[str]) -> tuple[str, dict[str, float], float]:
    """(type, votes, certainty 0.5-1): unsure unless the evidence clearly points one way."""
    toks = tuple(name.split())
    person = g.person
    if 2 <= len(toks) <= 4 and toks[0] in given and not is_org_name(toks):
        person += 0.5 * g.mentions  # a first name seen with a title elsewhere
    org = g.org + (3.0 * g.mentions if is_org_name(toks) else 0.0)
    if not place_strength(name):
        org += 0.5 * g.the  # "the BBC", "the Tories": a body
    place = max([place_strength(name)] + [place_strength(a) for a in aliases if a.replace(".", "").isupper()])
    if not place and (_acronym(toks) or any(_acronym((a,)) for a in aliases)):
        org += 0.5 * g.mentions  # "GATT", "NASDAQ": an abbreviated name that is no place is most often a body's
    if not place and ((len(toks) == 1 and _low(toks[0]).endswith(("bank", "bancorp", "corp"))) or
                      (len(toks) > 2 and any(_low(t) in ORG_FIRST for t in toks))):
        org += 1.0 * g.mentions  # "Bundesbank", "Group of Seven"
    # A small town's name ("Chelsea", "Reading") counts only where the text says "in X", "from X".
    place_votes = (place * g.mentions + g.place_context if place >= CITY else g.place_context) if place else 0.0
    votes = {"person": round(person, 1), "organisation": round(org, 1), "place": round(place_votes, 1)}
    if place >= COUNTRY and person < 0.3 * g.mentions:
        return "place", votes, 1.0  # "Soviet Union" is a country, though "Union" heads organisations
    if is_org_name(toks) and person < g.mentions:
        return "organisation", votes, 1.0
    if place >= CITY and person < 0.3 * g.mentions and org < 2 * g.mentions:
        return "place", votes, 1.0 if place > CITY else 0.9
    if g.work and g.work >= 0.2 * g.mentions and g.work >= 0.5 * max(person, org):
        return "unsure", votes, 0.5  # a film, book or show: a type the archivist names
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    (top, best), (_, second) = ranked[0], ranked[1]
    if best >= 1 and best >= 2 * second and best >= 0.2 * g.mentions:
        return top, votes, min(1.0, 0.7 + 0.3 * best / max(g.mentions, 1))
    return "unsure", votes, 0.5


def _unique_id(base: str, etype: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    if f"{base}-{etype}" not in taken:
        return f"{base}-{etype}"
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _example(text: str, start: int, form: str) -> str:
    at = text.find(form, max(0, start - 40))
    if at < 0:
        at = text.find(form)
    if at < 0:
        return text[:200]
    before, match, after = sentence_around(text, at, at + len(form), limit=240)
    return (before + match + after).strip()


def _flag_similar(proposals: list[Proposal], registry: list[EntityDef]) -> None:
    """Note registry names spelled nearly like a proposal ("Ahmad Masood" ~ "Ahmad Massoud")."""
    index: dict[str, list[tuple[str, EntityDef]]] = defaultdict(list)
    for d in registry:
        for n in (d.name, *d.aliases):
            f = fold(n)
            for w in set(re.findall(r"\w+", f)):
                if len(w) >= 3:
                    index[w[:3]].append((f, d))
    for p in proposals:
        f = fold(p.name)
        seen: dict[str, str] = {}
        for w in set(re.findall(r"\w+", f)):
            for other, d in index.get(w[:3], ()):
                if d.id in seen or abs(len(other) - len(f)) > 3 or min(len(f), len(other)) < 5:
                    continue
                if difflib.SequenceMatcher(None, f, other).ratio() >= 0.85:
                    seen[d.id] = f"{d.name} ({d.id})"
        p.similar = [seen[k] for k in sorted(seen)]


