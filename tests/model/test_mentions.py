"""Mention linking: longest match, possessives, word boundaries, acronyms, accents, ambiguity."""

from __future__ import annotations

import itertools
from pathlib import Path

from generator.build import BuildOptions, build
from generator.model.mentions import Matcher

NAMES = [
    ("ahmad-massoud", "Ahmad Massoud"), ("ahmad-massoud", "Massoud"),
    ("ahmad-shah-massoud", "Ahmad Shah Massoud"),
    ("iran", "Iran"), ("us", "US"), ("nrf", "NRF"), ("kabul", "Kabul"),
    ("zurich", "Zürich"), ("herat", "Hérat"),
    ("na", "Northern Alliance"), ("naf", "Northern Alliance Forces"),
    ("saleh-a", "Saleh"), ("saleh-b", "Saleh"),
    ("ny", "New York"), ("nyt", "New York Times"), ("ytb", "York Times Building"),
]
MATCHER = Matcher(NAMES)


def found(text: str, prefer: frozenset[str] = frozenset(), matcher: Matcher = MATCHER) -> list[tuple[str, str]]:
    return [(m.entity_id, text[m.start:m.end]) for m in matcher.find(text, prefer)]


def test_longest_match_first():
    text = "Ahmad Shah Massoud and Ahmad Massoud met Massoud."
    assert found(text) == [
        ("ahmad-shah-massoud", "Ahmad Shah Massoud"),
        ("ahmad-massoud", "Ahmad Massoud"),
        ("ahmad-massoud", "Massoud"),
    ]
    assert found("Northern Alliance Forces and the Northern Alliance") == [
        ("naf", "Northern Alliance Forces"), ("na", "Northern Alliance")]


def test_possessives_straight_and_curly():
    assert found("Massoud's men and Massoud’s father") == [("ahmad-massoud", "Massoud"), ("ahmad-massoud", "Massoud")]
    assert found("Ahmad Shah Massoud's name") == [("ahmad-shah-massoud", "Ahmad Shah Massoud")]


def test_word_boundaries():
    assert found("Iran and Iranian and Irani and Iran-backed and (Iran).") == [
        ("iran", "Iran"), ("iran", "Iran"), ("iran", "Iran")]
    assert found("Massouds Kabuli SubKabul Kabul2 _Kabul") == []


def test_acronyms_are_case_sensitive_names_are_not():
    assert found("US troops; tell us; Us and uS") == [("us", "US")]
    assert found("NRF, nrf, Nrf") == [("nrf", "NRF")]
    assert found("IRAN, iran and Iran") == [("iran", "IRAN"), ("iran", "iran"), ("iran", "Iran")]


def test_only_all_capital_names_up_to_6_characters_must_match_exactly():
    """The README's rule as the matcher applies it: ``name.isupper() and len(name) <= 6``."""
    matcher = Matcher([("unicef", "UNICEF"), ("us", "U.S."), ("usaid", "US AID"),
                       ("unprofor", "UNPROFOR"), ("usarmy", "US ARMY"), ("nato", "Nato")])
    assert found("UNICEF, Unicef, unicef", matcher=matcher) == [("unicef", "UNICEF")]  # 6 characters: exact
    assert found("U.S. and u.s.", matcher=matcher) == [("us", "U.S.")]
    assert found("US AID, Us Aid", matcher=matcher) == [("usaid", "US AID")]  # 6 with the space
    # 7 or more characters: a shouting headline's name, matched in any case.
    assert found("UNPROFOR, Unprofor, unprofor", matcher=matcher) == [("unprofor", "UNPROFOR"), ("unprofor", "Unprofor"),
                                                                      ("unprofor", "unprofor")]
    assert found("US ARMY and the US Army", matcher=matcher) == [("usarmy", "US ARMY"), ("usarmy", "US Army")]
    # A name not all in capitals matches in any case, also when short.
    assert found("NATO and Nato", matcher=matcher) == [("nato", "NATO"), ("nato", "Nato")]


def test_accent_folding_both_ways():
    assert found("Zurich, zürich, ZÜRICH and Herat, Hérat") == [
        ("zurich", "Zurich"), ("zurich", "zürich"), ("zurich", "ZÜRICH"), ("herat", "Herat"), ("herat", "Hérat")]
    # Offsets stay those of the original text even with accents before the match.
    text = "Ééé à Kabul"
    (m,) = MATCHER.find(text)
    assert text[m.start:m.end] == "Kabul"


def test_shared_alias_is_ambiguous_and_left_unlinked():
    assert MATCHER.ambiguous == [("saleh", ("saleh-a", "saleh-b"))]
    assert found("Saleh said") == []
    assert found("Saleh said", frozenset({"saleh-b"})) == [("saleh-b", "Saleh")]
    # Naming both is no help: still ambiguous.
    assert found("Saleh said", frozenset({"saleh-a", "saleh-b"})) == []


def test_overlapping_aliases_never_overlap_in_output():
    text = "the New York Times Building in New York"
    result = MATCHER.find(text)
    assert [(m.entity_id, text[m.start:m.end]) for m in result] == [("nyt", "New York Times"), ("ny", "New York")]
    for a, b in itertools.pairwise(result):
        assert a.end <= b.start


def test_whitespace_in_names_is_normalised():
    matcher = Matcher([("x", "  Panjshir   Valley ")])
    assert found("the Panjshir Valley", matcher=matcher) == [("x", "Panjshir Valley")]


# --- through a build: ambiguity warning, metadata preference, links in HTML ---------------------------


def _archive(tmp_path: Path) -> tuple[Path, Path]:
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    seeds.mkdir()
    (content / "site.yaml").write_text("title: Mentions\n", encoding="utf-8")
    (content / "entities.yaml").write_text(
        "amrullah-saleh:\n  type: person\n  name: Amrullah Saleh\n  aliases: [Saleh]\n"
        "barham-saleh:\n  type: person\n  name: Barham Saleh\n  aliases: [Saleh]\n"
        "iran:\n  type: place\n  name: Iran\n"
        "massoud:\n  type: person\n  name: Ahmad Massoud\n  aliases: [Massoud]\n",
        encoding="utf-8",
    )
    (seeds / "plain.txt").write_text("date 2021-09-01\nSaleh spoke. Iranian media and Massoud’s aides listened.\n",
                                     encoding="utf-8")
    (seeds / "named.txt").write_text("date 2021-09-02\nSaleh spoke again about Iran.\n", encoding="utf-8")
    (content / "articles" / "named.yaml").write_text("title: Named\nentities: [amrullah-saleh]\n", encoding="utf-8")
    (content / "articles" / "plain.yaml").write_text("title: Plain\n", encoding="utf-8")
    return seeds, content


def test_ambiguity_warning_and_links_in_built_html(tmp_path):
    seeds, content = _archive(tmp_path)
    out = tmp_path / "site"
    result = build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    warnings = [str(w) for w in result.diagnostics.warnings]
    assert warnings == [f"{content / 'entities.yaml'}:1: warning: the name 'saleh' belongs to several entities "
                        "(amrullah-saleh, barham-saleh); it is linked only where an article's metadata names one of them"]
    plain = (out / "articles" / "plain.html").read_text(encoding="utf-8")
    named = (out / "articles" / "named.html").read_text(encoding="utf-8")
    # Ambiguous 'Saleh' is not linked without a hint; 'Iranian' is not Iran; the possessive links.
    assert "<p>Saleh spoke." in plain
    assert 'href="../entity/iran.html"' not in plain
    assert '<a class="mention" href="../entity/massoud.html">Massoud</a>’s aides' in plain
    # The metadata names Amrullah Saleh, so 'Saleh' links to him (and Iran links too).
    assert '<a class="mention" href="../entity/amrullah-saleh.html">Saleh</a> spoke again' in named
    assert '<a class="mention" href="../entity/iran.html">Iran</a>' in named
    assert "barham-saleh.html" not in named.split('<div class="body">')[1].split("</div>")[0]
    # Entity pages list exactly the articles that mention them.
    barham = (out / "entity" / "barham-saleh.html").read_text(encoding="utf-8")
    assert "No article names Barham Saleh yet." in barham
    iran = (out / "entity" / "iran.html").read_text(encoding="utf-8")
    assert "articles/named.html" in iran and "articles/plain.html" not in iran
