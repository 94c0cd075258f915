"""Small text helpers: slugs, sentences, titles."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator

# A sentence ends at . ! or ?, then any closing quotes or brackets (kept with the sentence), then space and
# what can start a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'”’)]*)\s+(?=[A-Z0-9\"'“‘(])")
# Words whose period does not end a sentence: titles before a name, and months or "No." before a number.
_TITLES = frozenset("mr mrs ms messrs dr prof rev gen col lt sgt capt cmdr adm maj sen rep gov st mt vs".split())
_ACRONYM_END = re.compile(r"\b(?:[A-Z]\.){2,}$")
_BEFORE_NUMBER = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec no nos".split())


def _sentence_ends(text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
    """Sentence ends in ``text[pos:endpos]``, skipping the period of a title ("Mr."), initial ("John F.") or "Jan. 5"."""
    for m in _SENTENCE_END.finditer(text, pos, len(text) if endpos is None else endpos):
        dot = m.start() - 1
        if text[dot] == "." and not m.group(1):
            j = dot
            while j > 0 and text[j - 1].isalpha():
                j -= 1
            word = text[j:dot].lower()
            initial = len(word) == 1 and text[j].isupper() and (j == 0 or text[j - 1] != ".")  # "F." but not "U.S."
            if initial or word in _TITLES or (
                    word in _BEFORE_NUMBER and text[m.end():m.end() + 1].isdigit()):
                continue
        yield m


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)


@functools.lru_cache(maxsize=1 << 18)
def slugify(text: str) -> str:
    """A slug for file names and URLs: accents folded, lower case, '-' between words.

    Latin letters lose their accents ("Über" -> "uber"); letters of other
    scripts are kept ("کابل" stays), so an archive with Dari or Arabic file
    names still gets one page per file.
    """
    if _SLUG.fullmatch(text):  # already a slug (most seed file names): nothing to fold
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\W]+", "-", text).strip("-_").lower()


def sentence_around(text: str, start: int, end: int, limit: int = 320) -> tuple[str, str, str]:
    """The sentence of ``text`` containing ``text[start:end]``, as (before, match, after).

    Sentences are cut at ., ! or ? followed by space and a capital; a very
    long sentence is trimmed around the match so snippets stay short.
    """
    s = 0
    for m in _sentence_ends(text, 0, start):
        s = m.end()
    m = next(_sentence_ends(text, end), None)
    e = m.end(1) if m else len(text)
    before, match, after = text[s:start], text[start:end], text[end:e]
    half = limit // 2
    if len(before) > half:
        before = "…" + before[-half:].split(" ", 1)[-1]
    if len(after) > half:
        after = after[:half].rsplit(" ", 1)[0] + "…"
    return before, match, after


def derive_title(first_paragraph: str, limit: int = 90) -> str:
    """A title for an article that has none: its first sentence, shortened."""
    text = first_paragraph.strip()
    m = next(_sentence_ends(text), None)
    sentence = text[: m.end(1)] if m else text  # closing quotes stay: '"Quoted." Next' -> '"Quoted."'
    if not _ACRONYM_END.search(sentence):  # "... to the U.S." keeps its last period
        sentence = sentence.rstrip(".")
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence or "(untitled)"


def first_sentence(text: str, limit: int = 240) -> str:
    m = next(_sentence_ends(text), None)
    sentence = text[: m.end(1)] if m else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + "…"
    return sentence


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``count`` with the right form of the noun: "1 article", "2 articles", "0 entities".

    Every count a reader or a shell user sees goes through here, so no page
    or message says "1 articles".
    """
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


def key_of(text: str) -> str:
    """The id of a free-text label (a tag, a source): its slug, or a stable hash when it has no letters.

    "Taliban" and "taliban" share a page; "!!!" still gets one ("x-" and 8 hex digits).
    """
    return slugify(text) or "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
