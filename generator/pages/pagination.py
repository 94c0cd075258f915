"""Long lists of articles cut into pages, with labels that fit the list's order.

A date-ordered list pages "‹ Newer / Older ›". A list with no dates is
ordered by title, so its pages are labelled by letter range ("A–C"), it gets
letter jumps that lead to the page holding each letter, and each page is
split under letter headings. Everything a page needs is computed from the
list's length and the titles at the page's edges, so a page costs the same
whatever the list's size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.model import urls
from generator.model.taxonomies import letter

ORDERS = {  # order -> (previous, next) link words
    "date": ("Newer", "Older"),
    "title": ("Previous", "Next"),
    "mixed": ("Previous", "Next"),  # dated newest first, then the undated by title
}


def letter_anchor(group: str) -> str:
    """Anchor of a letter group; '#' (digits, symbols) is not valid in a URL fragment."""
    return "letter-other" if group == "#" else f"letter-{group}"


def pages_for(count: int, per_page: int) -> int:
    """Pages a list of ``count`` items needs: at least one, so an empty list still has its page."""
    return max(1, math.ceil(count / per_page))


@dataclass(frozen=True)
class Pager:
    """Where a page sits in a paginated list, and how its neighbours are named."""

    number: int
    total: int
    first_path: str
    order: str = "date"
    ranges: tuple[str, ...] = field(default=())  # title order: "A–C" per page

    def path(self, number: int) -> str:
        return urls.paginated(self.first_path, number)

    def label(self, number: int) -> str:
        return self.ranges[number - 1] if self.ranges else str(number)

    @property
    def words(self) -> tuple[str, str]:
        return ORDERS[self.order]

    @property
    def prev(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.total else None

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to show, with None for a gap: 1 … 4 5 6 … 20."""
        keep = {1, self.total, self.number - 1, self.number, self.number + 1}
        out: list[int | None] = []
        for n in range(1, self.total + 1):
            if n in keep:
                out.append(n)
            elif out and out[-1] is not None:
                out.append(None)
        return out


def _range(first: str, last: str) -> str:
    a, b = letter(first), letter(last)
    return a if a == b else f"{a}–{b}"


def page_of(items: Sequence[Any], number: int, per_page: int, first_path: str, order: str,
            title_at: Callable[[int], str] | None = None, starts: Sequence[tuple[str, int]] = ()) -> dict[str, Any]:
    """Context for page ``number`` of ``items``: the slice, its pager and, in title order, letters.

    In title order ``title_at(i)`` is the title of ``items[i]`` and ``starts``
    the (letter, position) where each letter begins (see
    :func:`generator.model.taxonomies.letter_starts`): from them come the page ranges,
    the letter jumps and this page's letter headings.
    """
    total = pages_for(len(items), per_page)
    lo, hi = (number - 1) * per_page, min(len(items), number * per_page)
    chunk = list(items[lo:hi])
    if order != "title" or title_at is None:
        return {"items": chunk, "pager": Pager(number, total, first_path, order), "groups": None, "jumps": []}
    ranges = tuple(_range(title_at(i * per_page), title_at(min(len(items), (i + 1) * per_page) - 1))
                   for i in range(total)) if items else ()
    pager = Pager(number, total, first_path, order, ranges)
    jumps = [(g, pager.path(pos // per_page + 1) + "#" + letter_anchor(g)) for g, pos in starts]
    groups: list[tuple[str, str, list[Any]]] = []
    for i, item in enumerate(chunk, lo):
        g = letter(title_at(i))
        if not groups or groups[-1][0] != g:
            groups.append((g, letter_anchor(g), []))
        groups[-1][2].append(item)
    return {"items": chunk, "pager": pager, "groups": groups, "jumps": jumps}
