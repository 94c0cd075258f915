"""The Python analyzer matches the committed vectors (search.js is checked against the same file)."""

import json
from pathlib import Path

import pytest

from generator.search import analysis
from generator.search.vectors import build

VECTORS = json.loads((Path(__file__).parent / "fixtures" / "search_vectors.json").read_text(encoding="utf-8"))


def test_vectors_are_current() -> None:
    """The committed file is what the generator produces now (regenerate with python -m generator.search.vectors)."""
    assert build() == VECTORS


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["input"][:30])
def test_case(case: dict) -> None:
    assert analysis.words(case["input"]) == case["words"]
    assert analysis.analyze(case["input"]) == case["terms"]


def test_porter_vectors() -> None:
    for p in VECTORS["porter"]:
        assert analysis.porter(p["word"]) == p["stem"], p["word"]


def test_stemming_conflates_fighters() -> None:
    assert analysis.analyze("fighters fighter fighting") == ["fight"] * 3


def test_folding_and_stop_words() -> None:
    assert analysis.analyze("The Émile of ZÜRICH's") == ["emil", "zurich"]
    assert analysis.analyze("U.S. trade") == ["us", "trade"]


def test_hostile_long_token_dropped() -> None:
    assert analysis.analyze("a" * 10_000) == []
