"""The Python analyzer matches the committed vectors (search-analysis.js is checked against the same file)."""

import json
from pathlib import Path

import pytest

from generator.search import analysis, spelling
from generator.search.vectors import build

VECTORS = json.loads((Path(__file__).parents[1] / "fixtures" / "search_vectors.json").read_text(encoding="utf-8"))


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


PORTER = Path(__file__).parents[1] / "fixtures" / "search_porter.tsv"


def test_porter_standard_matches_the_published_reference() -> None:
    """Porter (1980) word for word against its author's vocabulary and output (source in the file's header)."""
    rows = [line.rstrip("\n").split("\t") for line in PORTER.read_text(encoding="ascii").splitlines()
            if line and not line.startswith("#")]
    assert len(rows) == 42588
    wrong = [(w, s, analysis.porter_standard(w)) for w, s in rows if analysis.porter_standard(w) != s]
    assert wrong == []


def test_departures_from_porter_are_only_the_named_exceptions() -> None:
    """porter() differs from the standard only on short words and the EXCEPTIONS list."""
    rows = [line.split("\t")[0] for line in PORTER.read_text(encoding="ascii").splitlines()
            if line and not line.startswith("#")]
    differ = {w for w in rows if analysis.porter(w) != analysis.porter_standard(w)}
    assert differ == {w for w in rows if len(w) <= analysis.SHORT_WORD and analysis.porter_standard(w) != w} | (
        set(analysis.EXCEPTIONS) & set(rows))
    assert analysis.porter("us") == "us" and analysis.porter_standard("us") == "u"
    # news words the old global "-er" rule broke keep their meaning
    assert [analysis.porter(w) for w in ("corner", "number", "offer", "reader")] == ["corner", "number", "offer", "reader"]


def test_spelling_skeleton_merges_transliterations() -> None:
    assert analysis.skeleton("qadhafi") == analysis.skeleton("kadhafi") == "kadafi"
    assert analysis.skeleton("poehl") == analysis.skeleton("pohl")
    assert analysis.skeleton("massoud") == analysis.skeleton("masood") == "masud"
    assert analysis.spell_keys("arsenall") == ("<ars", ">nal", "=arsnl")
    assert analysis.sound_key("ipood") == analysis.sound_key("ipod") == "ipd"


def test_spelling_choices_match_the_vectors() -> None:
    lexicon = [tuple(e) for e in VECTORS["lexicon"]]
    for c in VECTORS["typing_costs"]:
        assert spelling.typing_cost(c["typed"], c["word"]) == c["cost"], c
    for c in VECTORS["choices"]:
        assert {"typed": c["typed"], **spelling.choose(c["typed"], lexicon).row()} == c


def test_spelling_prefers_the_frequent_word_that_sounds_alike() -> None:
    lex = [("blair", 7), ("clare", 1), ("ipod", 5), ("iraq", 8), ("harvest", 4), ("harvets", 0)]
    assert [c.word for c in spelling.choose("blare", lex).alternatives] == ["blair"]
    assert spelling.typing_cost("blare", "clare") < spelling.typing_cost("blare", "blair")  # fewer edits, yet
    assert spelling.choose("ipood", lex).alternatives[0].word == "ipod"
    rare = spelling.choose("harvets", lex)
    assert (rare.alternatives[0].word, rare.replaced) == ("harvest", False)
    assert spelling.choose("harvets", [("harvest", 7), ("harvets", 0)]).replaced is True
    far = spelling.choose("ipxqd", lex)
    assert (far.alternatives[0].word, far.replaced) == ("ipod", False)


def test_keyboard_neighbours_cost_less_than_other_letters() -> None:
    assert spelling.typing_cost("coffre", "coffee") < spelling.typing_cost("coffpe", "coffee")  # r is beside e
    assert spelling.typing_cost("texacco", "texaco") < spelling.typing_cost("texamco", "texaco")  # a doubled letter
    assert spelling.typing_cost("kuwiat", "kuwait") < spelling.typing_cost("kuwrit", "kuwait")  # swapped letters


def test_folding_and_stop_words() -> None:
    assert analysis.analyze("The Émile of ZÜRICH's") == ["emil", "zurich"]
    assert analysis.analyze("U.S. trade") == ["us", "trade"]


def test_hostile_long_token_dropped() -> None:
    assert analysis.analyze("a" * 10_000) == []
