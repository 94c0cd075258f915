"""Tags and sources: the archive grouped into browsable collections.

A tag or a source is free text in the article metadata. Spellings that give
the same :func:`~generator.util.text.key_of` ("Taliban", "taliban") are one
collection, shown under its most used spelling (or, for a source, under the
name ``site.yaml`` gives it). Everything here is computed once per build from
the article list, in time linear in the number of articles.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from generator.util.text import slugify


class _Listed(Protocol):
    """What ordering needs of an article (kept structural so this module does not import the model)."""

    id: str
    title: str
    date: dt.date | None
    index: int


@dataclass(frozen=True)
class Collection:
    """One tag or source: its key (the page's file name), display name and articles."""

    key: str
    name: str
    articles: tuple[int, ...]  # article indexes in reading order: newest first, then the undated by title
    dated: int  # how many of them have a date (they come first)
    starts: tuple[tuple[str, int], ...] = ()  # (letter, position) in the undated tail, when all are undated
    url: str | None = None  # a source's own website, from site.yaml


def letter(name: str) -> str:
    """The A–Z group of a name: accents folded ("Élysée" under E); other scripts keep their letter; "#" for the rest."""
    folded = slugify(name)[:1].upper()
    return folded if folded.isalpha() else "#"


def title_key(article: _Listed) -> tuple[bool, str, str, str]:
    """Sort key of a title-ordered list: letter group ("#" last), folded title, then id.

    Sorting by group first keeps each letter's titles together ("Élysée"
    among the E's), so a letter heading appears once and letter jumps work.
    """
    g = letter(article.title)
    return (g == "#", g, slugify(article.title), article.id)


def letter_starts(titles: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """(letter, position of its first title) for a title-ordered list."""
    out: list[tuple[str, int]] = []
    for i, t in enumerate(titles):
        g = letter(t)
        if not out or out[-1][0] != g:
            out.append((g, i))
    return tuple(out)


def reading_order(articles: Sequence[_Listed], indexes: Iterable[int]) -> tuple[tuple[int, ...], int]:
    """Dated articles newest first, then the undated by title; and how many are dated.

    ``indexes`` come in date order (undated first), as the model keeps them.
    """
    dated, undated = [], []
    for i in indexes:
        (dated if articles[i].date is not None else undated).append(i)
    undated.sort(key=lambda i: title_key(articles[i]))
    return tuple(dated[::-1] + undated), len(dated)


def group(articles: Sequence[_Listed], labels: Callable[[_Listed], Iterable[str]], key_of: Callable[[str], str],
          names: dict[str, tuple[str, str | None]] | None = None) -> dict[str, Collection]:
    """Collections keyed by ``key_of(label)``, sorted by key.

    ``names`` overrides display names (and gives URLs) by key; otherwise a
    collection is named by its most frequent spelling, ties to the first in
    sorted order, so the output never depends on input order.
    """
    members: dict[str, list[int]] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for i, art in enumerate(articles):
        seen = set()
        for label in labels(art):
            key = key_of(label)
            spellings[key][label] += 1
            if key not in seen:
                seen.add(key)
                members[key].append(i)
    out = {}
    for key in sorted(members):
        order, dated = reading_order(articles, members[key])
        name, url = (names or {}).get(key, (None, None))
        if not name:
            name = sorted(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        starts = letter_starts(articles[i].title for i in order) if not dated else ()
        out[key] = Collection(key, name, order, dated, starts=starts, url=url)
    return out
