"""Text analysis shared by the indexer (here) and the browser (templates/assets/search-analysis.js).

Both sides must turn the same text into the same terms, or a query typed in
the browser would miss words the indexer stored.  Every step is therefore
simple enough to port line by line to JavaScript, and
tests/fixtures/search_vectors.json pins the output for both languages.

Pipeline: NFKD -> strip combining marks -> lower-case -> strip marks again
(lower-casing "İ" yields a combining dot) -> tokens = runs of letters/digits,
apostrophes inside words kept ("Massoud's" -> "massoud", "o'brien" ->
"obrien") -> drop stop words, 1-letter and over-long tokens -> Porter stem.
"""

from __future__ import annotations

import re
import unicodedata

# Longer tokens are noise (base64, URLs glued together) and a hostile query
# of 10,000 letters must not become a 10,000-letter term.
MAX_TOKEN = 40
MIN_TOKEN = 2

# A classic English list (Snowball-like), minus "us" (the country in news text).
_STOP_TEXT = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself
    yourselves"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# Dotted acronyms ("U.S.", "U.K.") become one word; otherwise runs of letters
# and digits, with apostrophes inside words.
_ASCII_WORD = re.compile(r"[a-z](?:\.[a-z])+(?![a-z0-9])|[a-z0-9]+(?:'[a-z0-9]+)*")


class _MarkTable(dict):
    """str.translate table deleting combining marks (category M), filled lazily per character.

    Scanning all of Unicode up front costs ~0.3 s per process, which would
    dominate the build of a small archive.
    """

    def __missing__(self, cp: int) -> int | None:
        value = None if unicodedata.category(chr(cp))[0] == "M" else cp
        self[cp] = value
        return value


_MARKS = _MarkTable()
# Python's [^\W_] is Unicode letters and numbers, i.e. JavaScript's [\p{L}\p{N}]
# (the analyzer vectors include scripts and symbols to keep checking that).
_UNICODE_WORD = re.compile(r"[^\W\d_](?:\.[^\W\d_])+(?![^\W_])|[^\W_]+(?:'[^\W_]+)*")


def _unicode_tables() -> tuple[re.Pattern[str], dict[int, int | None]]:
    return _UNICODE_WORD, _MARKS


def fold(text: str) -> str:
    """Case- and accent-fold: "Émile" -> "emile"."""
    if text.isascii():
        return text.lower().translate(_APOSTROPHES)
    _, marks = _unicode_tables()
    text = unicodedata.normalize("NFKD", text).translate(marks).lower().translate(marks)
    return text.translate(_APOSTROPHES)


def words(text: str) -> list[str]:
    """Folded word tokens before stop-word removal and stemming."""
    text = fold(text)
    pattern = _ASCII_WORD if text.isascii() else _unicode_tables()[0]
    out = []
    for tok in pattern.findall(text):
        if "." in tok:
            tok = tok.replace(".", "")
        elif "'" in tok:
            tok = tok.removesuffix("'s").replace("'", "")
        out.append(tok)
    return out


def keep(word: str) -> bool:
    """Whether a folded word becomes a term (not a stop word, sane length)."""
    return MIN_TOKEN <= len(word) <= MAX_TOKEN and word not in STOP_WORDS


_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """Porter-stem a folded word (cached: a corpus has far fewer distinct words than tokens)."""
    s = _stem_cache.get(word)
    if s is None:
        s = porter(word) if word.isascii() and word.isalpha() else word
        if len(_stem_cache) < 500_000:
            _stem_cache[word] = s
    return s


_info_cache: dict[str, tuple[str | None, bool]] = {}


def term_info(word: str) -> tuple[str | None, bool]:
    """A folded word's term (None for a stop word) and whether the spelling lexicon holds it, cached:
    indexing looks up each token once instead of calling ``keep``, ``stem`` and ``spellable``."""
    info = _info_cache.get(word)
    if info is None:
        kept = keep(word)
        info = (stem(word) if kept else None, kept and spellable(word))
        if len(_info_cache) < 500_000:
            _info_cache[word] = info
    return info


def analyze_noting_spellable(text: str, spelled: set[str]) -> list[str]:
    """``analyze(text)``, adding to ``spelled`` the words the spelling lexicon holds: one pass for indexing."""
    terms = []
    info = _info_cache.get
    for w in words(text):
        term, spell = info(w) or term_info(w)
        if term is not None:
            terms.append(term)
            if spell:
                spelled.add(w)
    return terms


def analyze(text: str) -> list[str]:
    """Text -> index terms, in order (stop words dropped, not kept as gaps)."""
    return [stem(w) for w in words(text) if keep(w)]


# ---------------------------------------------------------------- spelling skeleton
# Misspelt and transliterated names (Gaddafi / Qadhafi, Pöhl / Poehl, Massoud /
# Masood) differ in letters that sound alike and in doubled letters.  The
# skeleton maps those to one spelling; the browser looks for a word that is not
# in the archive among archive words sharing the first or last three letters of
# its skeleton, within one or two edits (browser_index: lexicon files, w/).
_SKELETON_RULES = (
    ("ph", "f"), ("ck", "k"), ("c", "k"), ("q", "k"), ("kh", "k"), ("dh", "d"), ("gh", "g"), ("th", "t"),
    ("oe", "o"), ("ae", "a"), ("ue", "u"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ie", "i"), ("y", "i"),
    ("z", "s"),
)
_DOUBLES = re.compile(r"(.)\1+")
_VOWELS = re.compile("[aeiouyhw]")  # and h, w: silent or vowel-like after the first letter (kohl / khol)
SPELL_MIN = 4  # shorter words are not corrected: too many neighbours within one edit


def skeleton(word: str) -> str:
    """A folded word with sound-alike spellings merged and doubled letters single: "qadhafi" -> "kadafi"."""
    for a, b in _SKELETON_RULES:
        if a in word:
            word = word.replace(a, b)
    return _DOUBLES.sub(r"\1", word)


def sound_key(word: str) -> str:
    """The skeleton's first letter and its consonants but h and w: vowel slips and doubled letters ("ipood",
    "blare") keep it."""
    sk = skeleton(word)
    return _DOUBLES.sub(r"\1", sk[:1] + _VOWELS.sub("", sk[1:]))


def spell_keys(word: str) -> tuple[str, str, str]:
    """The three lexicon keys of a word: its skeleton's first and last three letters, and its sound key.

    A misspelling is in reach of an archive word when it keeps either end of
    the skeleton (errors in the middle or at the other end) or its consonants
    (vowel errors anywhere: "ipood" keeps neither end of "ipod"'s skeleton)."""
    sk = skeleton(word)
    return "<" + sk[:3], ">" + sk[-3:], "=" + sound_key(word)


def spellable(word: str) -> bool:
    """Words the lexicon holds and the browser corrects: ASCII letters only, at least SPELL_MIN of them."""
    return len(word) >= SPELL_MIN and word.isascii() and word.isalpha()


# ---------------------------------------------------------------- Porter stemmer
# M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980: the
# algorithm as published, checked word for word against its author's reference
# vocabulary and output (tests/fixtures/search_porter.tsv).  Departures are the
# named exceptions below, each justified in README.md by `make eval` numbers and
# a news example; nothing else is bent.

# Words of one or two letters are left alone: the standard algorithm turns the
# country "US" into "u" (and "as" into "a").
SHORT_WORD = 2
# Whole words given their stem outright, before the algorithm runs.
EXCEPTIONS: dict[str, str] = {}


def _cons(w: str, i: int) -> bool:
    c = w[i]
    if c in "aeiou":
        return False
    if c == "y":
        return i == 0 or not _cons(w, i - 1)
    return True


def _m(w: str) -> int:
    """The measure of w: the number of vowel-consonant sequences."""
    n, i, k = 0, 0, len(w)
    while i < k and _cons(w, i):
        i += 1
    while i < k:
        while i < k and not _cons(w, i):
            i += 1
        if i >= k:
            break
        n += 1
        while i < k and _cons(w, i):
            i += 1
    return n


def _has_vowel(w: str) -> bool:
    return any(not _cons(w, i) for i in range(len(w)))


def _doublec(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _cons(w, len(w) - 1)


def _cvc(w: str) -> bool:
    k = len(w)
    return k >= 3 and _cons(w, k - 3) and not _cons(w, k - 2) and _cons(w, k - 1) and w[-1] not in "wxy"


_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
    ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
    ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
    ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
)
_STEP3 = (
    ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""),
    ("ness", ""),
)
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
    "ism", "ate", "iti", "ous", "ive", "ize",
)


def _replace(w: str, rules: tuple[tuple[str, str], ...]) -> str:
    """The longest matching suffix decides; it is replaced only when m(stem) > 0."""
    best = None
    for suf, rep in rules:
        if w.endswith(suf) and (best is None or len(suf) > len(best[0])):
            best = (suf, rep)
    if best is None:
        return w
    stem_ = w[: len(w) - len(best[0])]
    return stem_ + best[1] if _m(stem_) > 0 else w


def porter(w: str) -> str:
    """Stem one lower-case ASCII word (with the exceptions above)."""
    if len(w) <= SHORT_WORD:
        return w
    if w in EXCEPTIONS:
        return EXCEPTIONS[w]
    return porter_standard(w)


def porter_standard(w: str) -> str:
    """The published algorithm, no exceptions: what the reference output checks."""
    # step 1a
    if w.endswith(("sses", "ies")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    # step 1b
    if w.endswith("eed"):
        if _m(w[:-3]) > 0:
            w = w[:-1]
    else:
        for suf in ("ed", "ing"):
            if w.endswith(suf) and _has_vowel(w[: -len(suf)]):
                w = w[: -len(suf)]
                if w.endswith(("at", "bl", "iz")):
                    w += "e"
                elif _doublec(w) and w[-1] not in "lsz":
                    w = w[:-1]
                elif _m(w) == 1 and _cvc(w):
                    w += "e"
                break
    # step 1c
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    w = _replace(w, _STEP2)
    w = _replace(w, _STEP3)
    # step 4: the longest matching suffix decides
    best = ""
    for suf in _STEP4:
        if w.endswith(suf) and len(suf) > len(best):
            best = suf
    if best:
        stem_ = w[: -len(best)]
        if best == "ion":
            ok = bool(stem_) and stem_[-1] in "st" and _m(stem_) > 1
        else:
            ok = _m(stem_) > 1
        if ok:
            w = stem_
    # step 5a
    if w.endswith("e"):
        m = _m(w[:-1])
        if m > 1 or (m == 1 and not _cvc(w[:-1])):
            w = w[:-1]
    # step 5b
    if _m(w) > 1 and _doublec(w) and w.endswith("l"):
        w = w[:-1]
    return w
