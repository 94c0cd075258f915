"""Spelling correction: which archive word a reader most likely meant, and whether to apply it or only offer it.

The twin of the spelling section of templates/assets/search-analysis.js (the
browser corrects queries; this side generates and checks the shared vectors
and measures held-out misspellings in ``make eval``).  Both compute in
integers, so they agree to the unit.

A misspelt word is looked up in the lexicon files of its three spelling keys
(analysis.spell_keys): the first and the last three letters of its skeleton,
and its sound key (consonants only), so a word with errors at both ends but
the right consonants ("ipood" -> "ipod") is still in reach.  Candidates are
ranked like a noisy channel: how often the archive uses the word (log2 of its
document count: a name in 178 stories beats one in 3) against how unlikely
the typing error is (``cost``: keyboard neighbours, doubled letters, swapped
letters and vowel slips cost less than other edits, sound-alike spellings
less still).  One full edit is worth a factor 8 in frequency (``EDIT``), so
"tony blare" becomes "blair" (frequent, sounds the same) and not "clare"
(one edit, but rare and a different sound).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.search.analysis import skeleton, sound_key, stem

# Costs in tenths of an edit (integers: the JavaScript twin must agree exactly).
EDIT = 10           # insert, delete, substitute
NEIGHBOUR = 5       # substitute a key next to it on a QWERTY keyboard
VOWEL = 6           # one vowel for another
DOUBLE = 4          # insert or delete a letter beside the same letter ("ipood", "texacco"), or an h (often silent)
SWAP = 6            # adjacent letters swapped
SAME_SKELETON = 5   # at most this when the skeletons agree (Qadhafi / Kadhafi, Poehl / Pohl)
SAME_SOUND = 4      # taken off when the sound keys agree (blare / blair), down to ...
SOUND_FLOOR = 2
# A frequency doubling (one log2 digit) is worth FREQ; an edit EDIT * PER_EDIT / 10: 3 digits, factor 8.
FREQ = 10
PER_EDIT = 3
CLOSE = 10          # alternatives within this score of the best (a factor 2) join it; others are dropped
MAX_ALTERNATIVES = 3
OFFER = 3           # a known rare word is offered alternatives at least 2**3 times as common ("Did you mean")
APPLY = 6           # ... and replaced by one at least 2**6 times as common, at most one edit away
SURE = 15           # an unknown word is replaced only by a word this close (1.5 edits); a farther one is offered
VOWELS = "aeiouy"
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, set[str]]:
    pos = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    out: dict[str, set[str]] = {c: set() for c in pos}
    for a, (ra, ia) in pos.items():
        for b, (rb, ib) in pos.items():
            # same row, next key; or the row above/below, the two keys that touch (rows are staggered)
            if a != b and ((ra == rb and abs(ia - ib) == 1) or (abs(ra - rb) == 1 and (ib - ia) in
                                                                 ((0, 1) if rb < ra else (-1, 0)))):
                out[a].add(b)
    return out


NEIGHBOURS = _neighbours()


def _sub(a: str, b: str) -> int:
    if a == b:
        return 0
    if b in NEIGHBOURS.get(a, ()):
        return NEIGHBOUR
    if a in VOWELS and b in VOWELS:
        return VOWEL
    return EDIT


def _indel(word: str, i: int) -> int:
    """Cost of inserting or deleting word[i]: less when it doubles a neighbouring letter or is a silent-ish h
    (mourhino, shwarzenegger, thacher)."""
    c = word[i]
    if c == "h" or (i > 0 and word[i - 1] == c) or (i + 1 < len(word) and word[i + 1] == c):
        return DOUBLE
    return EDIT


def typing_cost(typed: str, word: str) -> int:
    """How unlikely it is to type ``word`` as ``typed``: weighted optimal string alignment, sound-adjusted."""
    n, m = len(typed), len(word)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        d[i][0] = d[i - 1][0] + _indel(typed, i - 1)
    for j in range(1, m + 1):
        d[0][j] = d[0][j - 1] + _indel(word, j - 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            v = min(d[i - 1][j] + _indel(typed, i - 1), d[i][j - 1] + _indel(word, j - 1),
                    d[i - 1][j - 1] + _sub(typed[i - 1], word[j - 1]))
            if i > 1 and j > 1 and typed[i - 1] == word[j - 2] and typed[i - 2] == word[j - 1]:
                v = min(v, d[i - 2][j - 2] + SWAP)
            d[i][j] = v
    cost = d[n][m]
    if skeleton(typed) == skeleton(word):
        cost = min(cost, SAME_SKELETON)
    if sound_key(typed) == sound_key(word):
        cost = max(cost - SAME_SOUND, min(cost, SOUND_FLOOR))
    return cost


def osa(a: str, b: str, cap: int) -> int:
    """Optimal string alignment distance (adjacent transpositions count 1), capped at cap + 1."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i]
        for k in range(1, len(b) + 1):
            v = min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + (a[i - 1] != b[k - 1]))
            if i > 1 and k > 1 and a[i - 1] == b[k - 2] and a[i - 2] == b[k - 1]:
                v = min(v, prev2[k - 2] + 1)
            cur.append(v)
        if min(cur) > cap:
            return cap + 1
        prev2, prev = prev, cur
    return prev[len(b)]


@dataclass(frozen=True)
class Candidate:
    word: str
    digit: int   # log2 of the documents using it (layout.df_digit)
    cost: int    # typing_cost, tenths of an edit
    score: int   # FREQ * digit - PER_EDIT * cost

    def row(self) -> list:
        return [self.word, self.digit, self.cost, self.score]


def in_reach(typed: str, word: str) -> bool:
    """Skeletons within one edit (two from 6 letters), or the same sound key."""
    sk = skeleton(typed)
    return osa(sk, skeleton(word), 2 if len(sk) >= 6 else 1) <= (2 if len(sk) >= 6 else 1) or \
        sound_key(typed) == sound_key(word)


def rank(typed: str, entries: list[tuple[str, int]], reach: bool = True) -> list[Candidate]:
    """Archive words (word, digit) that ``typed`` may be a misspelling of, the likeliest first, one per stem."""
    own = stem(typed)
    found = []
    seen = set()
    for w, digit in entries:
        if w == typed or w in seen:
            continue
        seen.add(w)
        if stem(w) == own or (reach and not in_reach(typed, w)):
            continue
        cost = typing_cost(typed, w)
        found.append(Candidate(w, digit, cost, FREQ * digit - PER_EDIT * cost))
    found.sort(key=lambda c: (-c.score, c.cost, c.word))
    stems: set[str] = set()
    out = []
    for c in found:
        t = stem(c.word)
        if t not in stems:
            stems.add(t)
            out.append(c)
    return out


@dataclass(frozen=True)
class Choice:
    """What to do with a typed word: alternatives (best first) and whether the best replaces it."""

    alternatives: tuple[Candidate, ...] = ()
    replaced: bool = False

    def row(self) -> dict:
        return {"alternatives": [c.row() for c in self.alternatives], "replaced": self.replaced}


def choose(typed: str, entries: list[tuple[str, int]]) -> Choice:
    """The correction for ``typed`` given the lexicon entries its keys load (the typed word among them if known).

    Unknown word: the likely alternatives replace it ("Showing results for")
    when the best is at most SURE away, else they are offered ("Did you mean");
    with none in reach, the nearest word of the files loaded is offered ("Did
    you mean"), so a one-word query with no results always suggests an archive word.  Known
    word (the engine asks only for rare ones): alternatives at least 2**OFFER
    times as common are offered and join the results below it; one at least
    2**APPLY times as common and at most one edit away replaces it.
    """
    own = dict(entries).get(typed)
    ranked = rank(typed, entries)
    if own is not None:
        ranked = [c for c in ranked if c.digit >= own + OFFER]
    if not ranked:
        if own is not None:
            return Choice()
        near = rank(typed, entries, reach=False)
        near.sort(key=lambda c: (c.cost, -c.digit, c.word))
        return Choice(tuple(near[:1]), False)
    best = ranked[0]
    alts = tuple(c for c in ranked if c.score >= best.score - CLOSE)[:MAX_ALTERNATIVES]
    replaced = best.cost <= SURE if own is None else best.digit >= own + APPLY and best.cost <= EDIT
    return Choice(alts, replaced)
