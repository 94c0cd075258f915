"""Finding mentions of registered entities in article text.

The matcher is linear in the text length: at each word start it looks up the
candidate aliases that begin with that word (a dict keyed by the folded first
word, longest alias first), so a registry of thousands of names costs no more
per character than a registry of ten. Rules:

* whole words only ("Iran" does not match in "Iranian"); a possessive
  ("Massoud's", "Massoud’s") still matches the name;
* longest match first ("Ahmad Shah Massoud" wins over "Ahmad Massoud" and
  "Massoud"), and matches never overlap;
* case-insensitive, except for all-capital aliases (acronyms such as "US" or
  "NRF"), which must match exactly so "us" is not the United States;
* an alias shared by several entities links only when the article's metadata
  names exactly one of them; otherwise it is left unlinked (and the registry
  gets a warning).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_FIRST_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in base if not unicodedata.combining(c)) or ch
    low = base[0].lower()
    return low if len(low) == 1 else ch


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for matching (length-preserving)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


@dataclass(frozen=True)
class Mention:
    """One match of an entity name in one text block."""

    entity_id: str
    start: int
    end: int


@dataclass(frozen=True)
class _Alias:
    folded: str
    exact: str | None  # set for acronyms: must match this exact text
    entity_ids: tuple[str, ...]


class Matcher:
    """An immutable index of every name and alias in the registry."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """``names``: (entity id, name or alias) pairs."""
        owners: dict[tuple[str, str | None], set[str]] = {}
        for entity_id, name in names:
            name = " ".join(name.split())
            if not name or not _FIRST_WORD.match(fold(name)):
                continue
            exact = name if name.isupper() and len(name) <= 6 else None
            owners.setdefault((fold(name), exact), set()).add(entity_id)
        by_first: dict[str, list[_Alias]] = {}
        for (folded, exact), ids in owners.items():
            first = _FIRST_WORD.match(folded).group(0)
            by_first.setdefault(first, []).append(_Alias(folded, exact, tuple(sorted(ids))))
        for aliases in by_first.values():
            aliases.sort(key=lambda a: (-len(a.folded), a.folded, a.exact or ""))
        self._by_first = by_first
        self.ambiguous = sorted(
            (a.folded if a.exact is None else a.exact, a.entity_ids)
            for aliases in by_first.values() for a in aliases if len(a.entity_ids) > 1
        )

    def find(self, text: str, prefer: frozenset[str] = frozenset()) -> list[Mention]:
        """All non-overlapping mentions in ``text``, in order."""
        folded = fold(text)
        found: list[Mention] = []
        pos = 0
        n = len(text)
        by_first = self._by_first
        # Every word in one pass of the regex engine (a word starts where a run of \w does); words inside
        # a name just matched are skipped.
        for m in _FIRST_WORD.finditer(folded):
            start = m.start()
            if start < pos:
                continue
            candidates = by_first.get(m.group())
            if candidates:
                for alias in candidates:
                    end = start + len(alias.folded)
                    if end > n or folded[start:end] != alias.folded:
                        continue
                    if end < n and (folded[end].isalnum() or folded[end] == "_"):
                        continue
                    if alias.exact is not None and text[start:end] != alias.exact:
                        continue
                    entity_id = _resolve(alias.entity_ids, prefer)
                    if entity_id is None:
                        continue
                    found.append(Mention(entity_id, start, end))
                    pos = end
                    break
        return found


def _resolve(ids: tuple[str, ...], prefer: frozenset[str]) -> str | None:
    if len(ids) == 1:
        return ids[0]
    chosen = [i for i in ids if i in prefer]
    return chosen[0] if len(chosen) == 1 else None
