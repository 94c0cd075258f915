"""Realistic queries on the Reuters-21578 archive, for measuring search cost and checking the UI against the CLI.

The cost of a search depends on the query far more than on the engine: one
common word loads one shard, a name that is also a word loads tail blocks to
prove its order, a misspelling loads lexicon files and its variants' shards.
So budgets are checked over a set of queries of every kind a reader types,
never over one (``measure.py``, ``make bench``).  The kinds:

* ``word``: one or two topic words ("coffee", "trade deficit");
* ``name``: people, organisations, places and companies the stories name;
* ``phrase``: quoted phrases (their candidates are checked on their text);
* ``typo``: misspelt and transliterated words and names;
* ``facet``: a query refined by one facet value, as a reader clicks it.

``MISSPELLINGS`` pairs misspelt names with the archive word a reader meant:
the spelling check of ``make eval`` counts how many are found.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    """One query: its text, its kind, and the facet values (``"place:japan"``) a reader then selects."""

    text: str
    kind: str
    facets: dict[str, list[str]] = field(default_factory=dict)


_WORDS = [
    "oil prices opec", "coffee quota brazil", "interest rates bundesbank", "trade deficit japan",
    "gold mining south africa", "takeover bid shares", "sugar harvest cuba", "wheat exports soviet union",
    "coffee", "cocoa", "copper", "inflation", "dividend", "merger", "strike", "earthquake", "tin",
    "soybeans", "rubber", "shipping", "bankruptcy", "recession", "tariffs", "drought", "layoffs",
    "airline", "steel imports", "money supply growth", "crude oil output", "grain storage", "pork bellies",
    "cattle", "natural gas pipeline", "stock split", "quarterly dividend", "net loss", "unemployment rate",
    "budget deficit", "consumer prices", "housing starts", "leveraged buyout", "junk bonds",
    "insider trading", "currency intervention", "fiscal policy", "farm subsidies", "rice", "palm oil",
    "cotton", "aluminium", "zinc smelter",
]
_NAMES = [
    "james baker dollar", "volcker federal reserve", "reagan", "nakasone", "yeutter", "lawson",
    "miyazawa", "stoltenberg", "greenspan", "sumita", "balladur", "poehl", "thatcher", "chirac",
    "boesky", "icahn", "delors", "mulroney", "gorbachev", "kohl", "opec", "gatt", "imf", "world bank",
    "oecd", "chrysler", "texaco", "exxon", "boeing", "citicorp", "general motors", "ibm", "bank of england",
    "bank of japan", "ec commission", "saudi arabia", "kuwait", "ecuador", "indonesia", "petrobras",
]
_PHRASES = [
    '"interest rates"', '"trade surplus"', '"crude oil"', '"money supply"', '"stock split"',
    '"federal reserve"', '"bank of japan"', '"net profit"', '"gulf war"', '"debt rescheduling"',
]
_TYPOS = [
    "volker federal reserve", "bundesbnak", "petroleos venezeula", "nakasone tokio", "opek quota",
    "reagen", "thacher", "cofee", "brasil coffee", "inflaton", "stoltenburg", "miyazowa", "grenspan",
    "yeuter", "balladure", "mulrony", "chrisler", "texacco", "kuwiat", "indonesai", "shiping",
]
_FACETS = [
    ("oil", {"entity": ["place:saudi-arabia"]}), ("coffee", {"entity": ["place:brazil"]}),
    ("dollar", {"entity": ["person:james-baker"]}), ("rates", {"entity": ["organisation:imf"]}),
    ("trade", {"entity": ["place:japan"]}), ("wheat", {"entity": ["place:ussr"]}),
    ("shares", {"year": ["1987"]}), ("debt", {"entity": ["place:brazil"]}),
    ("sugar", {"entity": ["organisation:ec"]}), ("bank", {"entity": ["place:uk"]}),
]

QUERIES: list[Query] = (
    [Query(t, "word") for t in _WORDS] + [Query(t, "name") for t in _NAMES]
    + [Query(t, "phrase") for t in _PHRASES] + [Query(t, "typo") for t in _TYPOS]
    + [Query(t, "facet", f) for t, f in _FACETS]
)

# Misspelt names and words -> the archive word meant (typed by hand, not generated from the lexicon; none is
# itself a word of the archive: Reuters has "regan" (Donald Regan), "argentine" and even "boing").
MISSPELLINGS: dict[str, str] = {
    "volker": "volcker", "reagen": "reagan", "raegan": "reagan", "thacher": "thatcher", "nakasoni": "nakasone",
    "yeuter": "yeutter", "stoltenburg": "stoltenberg", "miyazowa": "miyazawa", "grenspan": "greenspan",
    "sumitta": "sumita", "baladur": "balladur", "pohl": "poehl", "shirac": "chirac", "boeskey": "boesky",
    "ikahn": "icahn", "delor": "delors", "mulrony": "mulroney", "gorbachov": "gorbachev", "khol": "kohl",
    "chrisler": "chrysler", "texacco": "texaco", "exon": "exxon", "boieng": "boeing", "citycorp": "citicorp",
    "kuwiat": "kuwait", "indonesai": "indonesia", "venezeula": "venezuela", "bundesbnak": "bundesbank",
    "petrobas": "petrobras", "argentinia": "argentina", "equador": "ecuador", "nigera": "nigeria",
}
