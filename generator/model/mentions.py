"""Finding mentions of registered entities in article text: links a careful reader would agree with.

A link that is wrong publishes a falsehood ("John Major is named in 230
articles" when 8 name him), so the rules favour being right over being
complete. They apply per article (an article's links depend on its own text,
its metadata and the registry, never on other articles, so an incremental
build re-finds an article's links only when it or the registry changes):

* whole words only ("Iran" does not match in "Iranian", "UN" not in the
  tickers "<UN.AS>" and "<UN>"); a possessive ("Massoud's", "Massoud’s") still matches;
* longest match first ("Ahmad Shah Massoud" wins over "Ahmad Massoud" and
  "Massoud"), and matches never overlap;
* names are proper nouns: a name or alias matches only with its own
  capitalisation ("Major" but not "major"; "US" but not "us"); accents are
  ignored ("Zurich" finds "Zürich"), and a name the registry writes with a
  lower-case first letter ("de Gaulle") may open a sentence capitalised;
* a block written all in capitals (a wire headline) has lost its case, so
  there a name of two or more words matches in capitals ("JOHN MAJOR"); a
  one-word name ("MAJOR", "TURKEY") only when the article also names that
  entity in ordinary text and never writes the word in lower case;
* a person's one-word alias (a surname or first name, a *part name*) links
  only in an article that names the person in full (the name or a longer
  alias), lists them in its metadata, or writes the word after a title or
  honorific ("Mr Major", "President Bush"); news style names a person in
  full first, so a bare "Major" elsewhere is another person or a word.
  Organisations and places are called by their short name ("OPEC",
  "Microsoft", "Kabul"), so their one-word names and aliases link wherever
  they are written with their capitalisation;
* a part name right beside another capitalised name word ("Kevin Maxwell",
  "Maxwell House") belongs to someone else's name and is not linked;
* a name several entities share ("Jackson") links to the one the article
  otherwise names in full or lists in its metadata; with none or several,
  it is not linked (after a title, to the only person among them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

PERSON = "person"

# Titles and honorifics that, written right before a person's part name, say "this is a person's name".
TITLES = (
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame", "Lord", "Lady", "Baroness", "Baron",
    "President", "Vice President", "Vice-President", "Prime Minister", "Premier", "Chancellor", "Minister",
    "Secretary", "Senator", "Sen", "Rep", "Representative", "Congressman", "Congresswoman", "Governor", "Gov",
    "Mayor", "Speaker", "Ambassador", "Commissioner", "Chairman", "Chairwoman", "Chair", "Judge", "Justice",
    "General", "Gen", "Colonel", "Col", "Captain", "Capt", "Admiral", "Commander", "Lieutenant", "Lt",
    "King", "Queen", "Prince", "Princess", "Emperor", "Pope", "Cardinal", "Archbishop", "Bishop", "Father",
    "Rev", "Reverend", "Rabbi", "Imam", "Ayatollah", "Sheikh", "Sheik", "Mullah", "Emir", "Sultan",
)
# Capitalised words that stand before a name without being part of it (sentence openers, days, months).
NOT_NAME_WORDS = frozenset("""
    A An And As At After Also Although Before But By Both Even For From However If In Meanwhile Nor Now Of On Only
    Or Since So Still That The Then There This Though To Under Until When Where While With Yet Yesterday Today
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December
""".split())

_WORD = re.compile(r"\w+")
_TITLE_BEFORE = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(TITLES, key=len, reverse=True))
    + r")\.?\s+\Z", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"(\w[\w'’-]*)\s+\Z")
_WORD_AFTER = re.compile(r"\s+(\w[\w'’-]*)")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    low = _plain_char(ch).lower()
    return low if len(low) == 1 else ch


@lru_cache(maxsize=65536)
def _plain_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in base if not unicodedata.combining(c)) or ch
    return base[0]


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for lookups and grouping (length-preserving)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


def plain(text: str) -> str:
    """``text`` without accents, capitalisation kept (length-preserving): what names are matched against."""
    if text.isascii():
        return text
    return "".join(map(_plain_char, text))


def is_part_name(entity_type: str, form: str, is_name: bool) -> bool:
    """Whether ``form`` is a part name: a person's one-word alias that is not an acronym ("Major", "John").

    A person's display name is never one (a one-word name, "Madonna", is the
    whole name); an acronym ("JFK") is matched exactly and is no ordinary word.
    """
    return entity_type == PERSON and not is_name and " " not in form.strip() and not form.isupper()


@dataclass(frozen=True)
class Mention:
    """One match of an entity name in one text block."""

    entity_id: str
    start: int
    end: int


@dataclass(frozen=True)
class _Alias:
    written: str  # as the registry writes it (for messages)
    plain: str  # the text must be this (accents aside) ...
    initial: str | None  # ... or this: a lower-case first letter capitalised at a sentence start ...
    upper: str | None  # ... or, in a block in capitals, this
    owners: tuple[str, ...]  # entity ids
    parts: frozenset[str]  # the owners for whom it is a part name
    one_word: bool


@dataclass(frozen=True)
class _Hit:
    """Where an alias's text occurs, with what the text around it says; which entity it is comes later."""

    start: int
    end: int
    alias: _Alias
    shouted: bool  # matched only because its block is in capitals
    titled: bool  # written right after a title or honorific
    beside: bool  # right beside another capitalised name word: a part name here is someone else's


class Matcher:
    """An immutable index of every name and alias in the registry.

    Linear in the text length: at each word start it looks up the aliases
    that begin with that word (a dict keyed by the folded first word, longest
    alias first), so a registry of thousands of names costs no more per
    character than a registry of ten.
    """

    def __init__(self, names: Iterable[tuple[str, str]], parts: Iterable[tuple[str, str]] = ()) -> None:
        """``names``: (entity id, name or alias) pairs that name the entity in full; ``parts``: its part names."""
        owners: dict[str, tuple[set[str], set[str], set[str]]] = {}  # plain form -> (owners, part owners, spellings)
        for is_part, pairs in ((False, names), (True, parts)):
            for entity_id, name in pairs:
                name = " ".join(name.split())
                if not name or not _WORD.match(fold(name)):
                    continue
                ids, part_ids, spellings = owners.setdefault(plain(name), (set(), set(), set()))
                ids.add(entity_id)
                spellings.add(name)
                if is_part:
                    part_ids.add(entity_id)
        by_first: dict[str, list[_Alias]] = {}
        for form, (ids, part_ids, spellings) in owners.items():
            alias = _make_alias(form, min(spellings), tuple(sorted(ids)), frozenset(part_ids))
            by_first.setdefault(_WORD.match(fold(form)).group(0), []).append(alias)
        for aliases in by_first.values():
            aliases.sort(key=lambda a: (-len(a.plain), a.plain))
        self._by_first = by_first
        self.ambiguous = sorted((a.written, a.owners) for aliases in by_first.values() for a in aliases if len(a.owners) > 1)

    @classmethod
    def for_registry(cls, entries: Iterable[tuple[str, str, str, Sequence[str]]]) -> Matcher:
        """The matcher of a registry: (entity id, type, name, aliases) per entity; see :func:`is_part_name`."""
        names: list[tuple[str, str]] = []
        parts: list[tuple[str, str]] = []
        for entity_id, entity_type, name, aliases in entries:
            for form, is_name in ((name, True), *((a, False) for a in aliases)):
                (parts if is_part_name(entity_type, form, is_name) else names).append((entity_id, form))
        return cls(names, parts)

    def find(self, text: str, declared: Iterable[str] = ()) -> list[Mention]:
        """The mentions in ``text`` read as a whole article (one block); see :meth:`link`."""
        return list(self.link([text], declared)[0])

    def link(self, texts: Sequence[str], declared: Iterable[str] = ()) -> tuple[tuple[Mention, ...], ...]:
        """The mentions in each block of one article, in order; ``declared``: the entities its metadata lists."""
        shouted = [t.isupper() for t in texts]
        plains = [plain(t) for t in texts]
        hits = [self._hits(p, s) for p, s in zip(plains, shouted, strict=True)]
        named = set(declared)
        for block in hits:
            named.update(_greedy(block, _anchor))
        lower = _LowerWords(plains, shouted)
        return tuple(
            tuple(Mention(e, h.start, h.end) for h, e in _greedy_hits(block, lambda h: _choose(h, named, lower)))
            for block in hits
        )

    def _hits(self, text: str, shouted: bool) -> list[list[_Hit]]:
        """Every alias occurrence in ``text`` (accents stripped), grouped by word start, longest first."""
        by_first = self._by_first
        n = len(text)
        out: list[list[_Hit]] = []
        for m in _WORD.finditer(fold(text)):
            candidates = by_first.get(m.group())
            if not candidates:
                continue
            start = m.start()
            found = []
            for alias in candidates:
                end = start + len(alias.plain)
                if end > n or not _whole(text, start, end):
                    continue
                seg = text[start:end]
                exact = seg == alias.plain or seg == alias.initial
                if not exact and not (shouted and seg == alias.upper):
                    continue
                titled = beside = False
                if alias.parts or len(alias.owners) > 1:
                    titled, beside = _title_before(text, start), _name_beside(text, start, end)
                found.append(_Hit(start, end, alias, not exact, titled, beside))
            if found:
                out.append(found)
        return out


def _whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole words: no letter or digit right after it, and no part of a
    dotted code or a ticker in angle brackets (neither "<UN.AS>" nor "<UN>", Unilever's, names the UN;
    a name in brackets, "<American Stock Exchange>", is still a name)."""
    n = len(text)
    if end < n and (text[end].isalnum() or text[end] == "_"):
        return False
    if end + 1 < n and text[end] == "." and text[end + 1].isalnum():
        return False
    if start >= 1 and text[start - 1] == "<" and end < n and text[end] in ">." and text[start:end].isupper():
        return False
    return not (start >= 2 and text[start - 1] == "." and text[start - 2].isalnum())


def _make_alias(form: str, written: str, owners: tuple[str, ...], parts: frozenset[str]) -> _Alias:
    initial = form[0].upper() + form[1:] if form[0].islower() and len(form[0].upper()) == 1 else None
    upper = form.upper()
    return _Alias(written, form, initial, upper if len(upper) == len(form) else None, owners, parts, " " not in form)


def _title_before(text: str, start: int) -> bool:
    return _TITLE_BEFORE.search(text[max(0, start - 40):start]) is not None


def _is_name_word(word: str) -> bool:
    """A capitalised word that could be part of a name: not an acronym, possessive, title or sentence opener."""
    return (word[0].isupper() and any(c.islower() for c in word) and not word.endswith(("'s", "’s", "'", "’"))
            and word not in NOT_NAME_WORDS and word not in TITLES)


def _name_beside(text: str, start: int, end: int) -> bool:
    """Whether another capitalised name word stands right before or after ``text[start:end]``."""
    before = _WORD_BEFORE.search(text[max(0, start - 40):start])
    if before is not None and _is_name_word(before.group(1)):
        return True
    after = _WORD_AFTER.match(text, end)
    return after is not None and _is_name_word(after.group(1))


class _LowerWords:
    """The words an article writes in lower case outside blocks in capitals (gathered on first use)."""

    def __init__(self, plains: list[str], shouted: list[bool]) -> None:
        self._texts = [t for t, s in zip(plains, shouted, strict=True) if not s]
        self._words: set[str] | None = None

    def __contains__(self, form: str) -> bool:
        if self._words is None:
            self._words = {w for t in self._texts for w in _WORD.findall(t) if w.islower()}
        return all(w in self._words for w in _WORD.findall(form.lower()))


def _anchor(hit: _Hit) -> str | None:
    """The entity ``hit`` names in full (a unique full name, or a part name after a title), if any."""
    a = hit.alias
    if hit.shouted and a.one_word:
        return None
    owners = [e for e in a.owners if not (hit.beside and e in a.parts)]
    if len(owners) == 1 and owners[0] not in a.parts:
        return owners[0]
    if hit.titled:
        people = [e for e in owners if e in a.parts]
        if len(people) == 1:
            return people[0]
    return None


def _choose(hit: _Hit, named: set[str], lower: _LowerWords) -> str | None:
    """The entity ``hit`` links to in an article that names (or declares) the entities ``named``."""
    a = hit.alias
    owners = [e for e in a.owners if not (hit.beside and e in a.parts)]
    if hit.shouted and a.one_word:
        if a.plain in lower:
            return None
        chosen = [e for e in owners if e in named]
        return chosen[0] if len(chosen) == 1 else None
    if len(owners) == 1:
        e = owners[0]
        return e if e not in a.parts or e in named or hit.titled else None
    chosen = [e for e in owners if e in named]
    if len(chosen) == 1:
        return chosen[0]
    if not chosen and hit.titled:
        people = [e for e in owners if e in a.parts]
        if len(people) == 1:
            return people[0]
    return None


def _greedy_hits(block: list[list[_Hit]], pick) -> list[tuple[_Hit, str]]:
    """Left to right, the longest hit at each word start that ``pick`` resolves; hits never overlap."""
    out: list[tuple[_Hit, str]] = []
    pos = 0
    for group in block:
        if group[0].start < pos:
            continue
        for hit in group:
            entity_id = pick(hit)
            if entity_id is not None:
                out.append((hit, entity_id))
                pos = hit.end
                break
    return out


def _greedy(block: list[list[_Hit]], pick) -> list[str]:
    return [e for _h, e in _greedy_hits(block, pick)]
