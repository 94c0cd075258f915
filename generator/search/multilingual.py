"""Analysis of text in languages other than English (twin: ``multi`` in templates/assets/search-analysis.js).

Why not English's pipeline with another stemmer: English folds accents
*before* stemming, but Snowball's stemmers read the accents (French "-ité",
Russian "-ий"), and stripping every combining mark would cut Devanagari and
Tamil words at their vowel signs.  So here:

NFKC -> lower-case -> tokens = a letter or digit followed by letters, marks
and digits, apostrophes inside words (an elided article in front, "l'", "d'",
"qu'", "dell'", is dropped; other apostrophes are removed), dotted acronyms
as one word -> Chinese and Japanese runs (Han, kana) become overlapping
character bigrams (a run of one character stays one term) -> the language's
Snowball stemmer, if it has one -> the stem's Latin, Greek and Cyrillic
accents folded (U+0300-U+036F after NFKD), so "economie" finds "économie".

No stop words: BM25's idf already makes "de" and "и" worth little, and a
list per language is a choice this project has not measured yet.  Every
non-English analyser tokenises identically; only the stemmer differs, which
lets the browser line up one query word's terms across analysers.
"""

from __future__ import annotations

import importlib
import re
import sys
import unicodedata
from collections.abc import Callable
from functools import cache

from generator.search.languages import algorithm

MAX_TOKEN = 40
MIN_TOKEN = 2

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# Elided articles and prepositions of French, Italian and Catalan, dropped from the front of a word.
ELISIONS = frozenset(
    "l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu quelqu dell dall nell sull all coll gl un".split()
)
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ACCENTS = re.compile("[\u0300-\u036f]")


@cache
def _token_pattern() -> re.Pattern[str]:
    """Letters/digits then letters, marks and digits (JavaScript: [\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}]*).

    Python's re has no \\p{M}: the class is built once, from unicodedata, and
    only by a build that has a non-English document (it costs ~0.3 s).
    """
    marks, start = [], None
    for cp in range(sys.maxunicode + 1):
        is_mark = unicodedata.category(chr(cp))[0] == "M"
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            marks.append((start, cp - 1))
            start = None
    m = "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in marks)
    word = f"(?:[^\\W_]|[{m}])"
    return re.compile(f"[^\\W\\d_](?:\\.[^\\W\\d_])+(?![^\\W_])|[^\\W_]{word}*(?:'{word}+)*")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` (CJK runs as bigrams), before stemming."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    out: list[str] = []
    for tok in _token_pattern().findall(text):
        if "." in tok:
            tok = tok.replace(".", "")
        elif "'" in tok:
            head, _, rest = tok.partition("'")
            tok = (rest if head in ELISIONS else head + rest).replace("'", "")
        if _CJK.search(tok):
            out.extend(_split_cjk(tok))
        else:
            out.append(tok)
    return out


def _split_cjk(tok: str) -> list[str]:
    """A token holding Chinese or Japanese characters: the other parts as words, each CJK run as bigrams."""
    out, pos = [], 0
    for m in _CJK.finditer(tok):
        if m.start() > pos:
            out.append(tok[pos : m.start()])
        run = m.group()
        out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        pos = m.end()
    if pos < len(tok):
        out.append(tok[pos:])
    return out


def keep(tok: str) -> bool:
    """Sane length; a single Chinese or Japanese character is a word."""
    return (MIN_TOKEN <= len(tok) <= MAX_TOKEN) or (len(tok) == 1 and _CJK.match(tok) is not None)


def fold_stem(stem: str) -> str:
    """Fold Latin, Greek and Cyrillic accents of a stem, keeping every other mark (vowel signs, hamza)."""
    if stem.isascii():
        return stem
    return unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFKD", stem)))


@cache
def stemmer(code: str) -> Callable[[str], str]:
    """The stem function of an analyser code (identity when it has no Snowball algorithm).

    Imports the generated pure-Python module directly: ``snowballstemmer.stemmer``
    would switch to PyStemmer's C library when that is installed, whose
    Snowball release may not be the one vendored for the browser.
    """
    algo = algorithm(code)
    if not algo:
        return lambda w: w
    mod = importlib.import_module(f"snowballstemmer.{algo}_stemmer")
    cls = getattr(mod, "".join(p.capitalize() for p in algo.split("_")) + "Stemmer")
    return cls().stemWord


def make_analyzer(code: str) -> Callable[[str], list[str]]:
    """Text -> terms for analyser ``code`` (not English), with a per-analyser cache of word -> term."""
    stem = stemmer(code)
    memo: dict[str, str | None] = {}

    def term(tok: str) -> str | None:
        t = memo.get(tok, "")
        if t == "":
            t = (tok if _CJK.match(tok) else fold_stem(stem(tok))) if keep(tok) else None
            if len(memo) < 500_000:
                memo[tok] = t
        return t

    def analyze(text: str) -> list[str]:
        return [t for t in map(term, tokens(text)) if t is not None]

    return analyze
