"""Mention linking: longest match, possessives, word boundaries, acronyms, accents, ambiguity."""

from __future__ import annotations

import functools
import itertools
import os
import re
from pathlib import Path, PurePosixPath

from conftest import href

from generator.build import BuildOptions, build
from generator.model import urls
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
    """(entity id, text) of each mention ``matcher`` finds in ``text`` read as a whole article."""
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


def test_names_match_with_their_capitalisation():
    assert found("US troops; tell us; Us and uS") == [("us", "US")]
    assert found("NRF, nrf, Nrf") == [("nrf", "NRF")]
    assert found("IRAN, iran and Iran") == [("iran", "Iran")]
    matcher = Matcher([("unprofor", "UNPROFOR"), ("us", "U.S."), ("nato", "Nato"), ("dg", "de Gaulle"),
                       ("ipod", "iPod")])
    assert found("UNPROFOR, Unprofor, unprofor", matcher=matcher) == [("unprofor", "UNPROFOR")]
    assert found("U.S. and u.s.", matcher=matcher) == [("us", "U.S.")]
    # "NATO" is another spelling of "Nato", to be listed as an alias: capitals are not a name's case.
    assert found("NATO and Nato", matcher=matcher) == [("nato", "Nato")]
    # A name written with a lower-case first letter may open a sentence capitalised; nothing else changes.
    assert found("De Gaulle and de Gaulle, not de gaulle or DE GAULLE in a sentence", matcher=matcher) == [
        ("dg", "De Gaulle"), ("dg", "de Gaulle")]
    assert found("IPod sales; iPod sales", matcher=matcher) == [("ipod", "IPod"), ("ipod", "iPod")]


def test_accent_folding_both_ways():
    assert found("Zurich, zürich, ZÜRICH and Herat, Hérat") == [
        ("zurich", "Zurich"), ("herat", "Herat"), ("herat", "Hérat")]
    # Offsets stay those of the original text even with accents before the match.
    text = "Ééé à Kabul"
    (m,) = MATCHER.find(text)
    assert text[m.start:m.end] == "Kabul"


def test_a_name_is_not_part_of_a_dotted_code_or_a_ticker():
    assert found("Unilever NV <US.AS>, Unilever <US> and the US.") == [("us", "US")]
    assert found("delisted from the <Northern Alliance> and <Kabul>") == [("na", "Northern Alliance"), ("kabul", "Kabul")]


def test_shared_alias_is_ambiguous_and_left_unlinked():
    assert MATCHER.ambiguous == [("Saleh", ("saleh-a", "saleh-b"))]
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


# --- the article rules: part names, shared names, text in capitals -----------------------------------

REGISTRY = Matcher.for_registry([
    ("john-major", "person", "John Major", ["Major"]),
    ("michael-jackson", "person", "Michael Jackson", ["Jackson"]),
    ("robert-jackson", "person", "Robert Jackson", ["Jackson", "Bob"]),
    ("jackson-ms", "place", "Jackson", []),
    ("robert-maxwell", "person", "Robert Maxwell", ["Maxwell"]),
    ("madonna", "person", "Madonna", ["Ciccone", "MDNA"]),
    ("kabul", "place", "Kabul", []),
    ("turkey", "place", "Turkey", []),
    ("microsoft", "organisation", "Microsoft Corporation", ["Microsoft"]),
    ("opec", "organisation", "Organization of Petroleum Exporting Countries", ["OPEC"]),
])


def linked(*blocks: str, declared: tuple[str, ...] = ()) -> list[list[tuple[str, str]]]:
    """(entity id, text) of each link per block of one article."""
    return [[(m.entity_id, text[m.start:m.end]) for m in ms] for text, ms in zip(blocks, REGISTRY.link(blocks, declared),
                                                                                 strict=True)]


def test_a_common_word_is_no_name():
    assert linked("It was a major scalp for the rebels; Kabul and opec and microsoft shares.") == [[("kabul", "Kabul")]]


def test_a_surname_alone_is_not_linked():
    assert linked("Major said the vote was close.", "Bob and Ciccone agreed.") == [[], []]


def test_a_surname_links_after_a_title_or_in_an_article_naming_the_person_in_full():
    assert linked("Mr Major said no; Prime Minister Major agreed.") == [[("john-major", "Major"), ("john-major", "Major")]]
    assert linked("Mr. Maxwell and Sir Major.") == [[("robert-maxwell", "Maxwell"), ("john-major", "Major")]]
    # The full name anywhere in the article, also after the surname or in another paragraph.
    assert linked("Major spoke first.", "Later John Major's aides left.") == [
        [("john-major", "Major")], [("john-major", "John Major")]]
    # Listed in the metadata: the archivist says the article is about him.
    assert linked("Major said no.", declared=("john-major",)) == [[("john-major", "Major")]]
    # A person's one-word name is the whole name; an acronym alias is no ordinary word.
    assert linked("Madonna and MDNA; Ciccone too.") == [
        [("madonna", "Madonna"), ("madonna", "MDNA"), ("madonna", "Ciccone")]]


def test_one_word_names_of_organisations_and_places_link_wherever_capitalised():
    assert linked("Microsoft said OPEC met in Kabul.") == [
        [("microsoft", "Microsoft"), ("opec", "OPEC"), ("kabul", "Kabul")]]


def test_a_surname_beside_another_name_word_is_someone_elses():
    assert linked("Robert Maxwell and his son Kevin Maxwell; Maxwell House coffee. But Maxwell said yes.") == [
        [("robert-maxwell", "Robert Maxwell"), ("robert-maxwell", "Maxwell")]]


def test_two_jacksons_the_one_named_in_full_wins():
    assert linked("Robert Jackson MP spoke.", "Jackson said the bill would pass.") == [
        [("robert-jackson", "Robert Jackson")], [("robert-jackson", "Jackson")]]
    assert linked("Michael Jackson sang; Jackson danced.") == [
        [("michael-jackson", "Michael Jackson"), ("michael-jackson", "Jackson")]]
    # Neither named in full: the place, Michael or Robert? Not linked.
    assert linked("Jackson said the bill would pass.") == [[]]
    # Both named in full: still ambiguous.
    assert linked("Michael Jackson met Robert Jackson. Jackson said no.") == [
        [("michael-jackson", "Michael Jackson"), ("robert-jackson", "Robert Jackson")]]
    # A title says "a person", not which of two.
    assert linked("Mr Jackson said no.") == [[]]


def test_a_headline_in_capitals():
    # A name of two or more words matches in capitals, and names the person in full.
    assert linked("JOHN MAJOR WINS VOTE", "Major said he was pleased.") == [
        [("john-major", "JOHN MAJOR")], [("john-major", "Major")]]
    # A one-word name in capitals: only when the article names the entity in ordinary text...
    assert linked("MAJOR WINS VOTE", "John Major won.") == [[("john-major", "MAJOR")], [("john-major", "John Major")]]
    assert linked("KABUL FALLS", "Kabul fell at dawn.") == [[("kabul", "KABUL")], [("kabul", "Kabul")]]
    assert linked("KABUL FALLS", "The city fell at dawn.") == [[], []]
    # ... and never writes the word in lower case.
    assert linked("MAJOR BANKS CUT RATES", "John Major said major banks had acted.") == [
        [], [("john-major", "John Major")]]
    assert linked("TURKEY PRICES RISE", "Turkey said turkey farmers gained.") == [[], [("turkey", "Turkey")]]
    # An acronym is written as in the registry: no exception needed.
    assert linked("OPEC MEETS IN VIENNA") == [[("opec", "OPEC")]]
    # Capitals inside ordinary text are not a headline.
    assert linked("He wrote KABUL and MAJOR on the wall; Kabul and John Major.") == [
        [("kabul", "Kabul"), ("john-major", "John Major")]]


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
    (seeds / "plain.txt").write_text("date 2021-09-01\nSaleh spoke. Iranian media and Ahmad Massoud’s aides listened; Massoud’s men waited.\n",
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
    assert warnings == [f"{content / 'entities.yaml'}:1: warning: the name 'Saleh' belongs to several entities "
                        "(amrullah-saleh, barham-saleh); it is linked only in an article that names one of them in full "
                        "or lists it in its metadata"]
    plain = (out / urls.article("plain")).read_text(encoding="utf-8")
    named = (out / urls.article("named")).read_text(encoding="utf-8")
    to = functools.partial(href, urls.article("plain"))  # both articles link from the same depth
    # Ambiguous 'Saleh' is not linked without a hint; 'Iranian' is not Iran; possessives link.
    assert "<p>Saleh spoke." in plain
    assert f'href="{to(urls.entity("iran"))}"' not in plain
    assert f'<a class="mention" href="{to(urls.entity("massoud"))}">Ahmad Massoud</a>’s aides' in plain
    assert f'<a class="mention" href="{to(urls.entity("massoud"))}">Massoud</a>’s men' in plain
    # The metadata names Amrullah Saleh, so 'Saleh' links to him (and Iran links too).
    assert f'<a class="mention" href="{to(urls.entity("amrullah-saleh"))}">Saleh</a> spoke again' in named
    assert f'<a class="mention" href="{to(urls.entity("iran"))}">Iran</a>' in named
    assert "barham-saleh.html" not in named.split('<div class="body">')[1].split("</div>")[0]
    # Entity pages list exactly the articles that mention them.
    barham = (out / urls.entity("barham-saleh")).read_text(encoding="utf-8")
    assert "No article names Barham Saleh yet." in barham
    iran = (out / urls.entity("iran")).read_text(encoding="utf-8")
    assert urls.article("named") in iran and urls.article("plain") not in iran


# --- the traps through a build: links on the pages, and counts that match them ------------------------

TRAPS = {
    "scalp": "date 2005-01-03\nIt was a major scalp for the Tories.\n\nMajor banks said little about it.\n",
    "surname": "date 2005-01-04\nMajor said the vote had been close.\n",
    "mister": "date 2005-01-05\nMr Major said the vote had been close. Major added that he was pleased.\n",
    "full": "date 2005-01-06\nJohn Major visited Kabul.\n\nSituation in Kabul\n\nMajor said the city was calm.\n",
    "headline": "date 2005-01-07\nMAJOR BANKS CUT RATES\n\nThe major banks cut rates, John Major said.\n",
    "resigns": "date 2005-01-08\nJOHN MAJOR RESIGNS\n\nThe prime minister left office on Monday.\n",
    "jacksons": "date 2005-01-09\nRobert Jackson MP spoke in the debate.\n\nJackson said the bill would pass.\n",
    "jackson": "date 2005-01-10\nJackson said the bill would pass.\n",
}
REGISTRY_YAML = (
    "john-major:\n  type: person\n  name: John Major\n  aliases: [Major]\n"
    "michael-jackson:\n  type: person\n  name: Michael Jackson\n  aliases: [Jackson]\n"
    "robert-jackson:\n  type: person\n  name: Robert Jackson\n  aliases: [Jackson]\n"
    "kabul:\n  type: place\n  name: Kabul\n"
)


def _traps(tmp_path: Path) -> tuple[Path, Path]:
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    (content / "articles").mkdir(parents=True)
    (content / "site.yaml").write_text("title: Traps\n", encoding="utf-8")
    (content / "entities.yaml").write_text(REGISTRY_YAML, encoding="utf-8")
    for stem, text in TRAPS.items():
        (seeds / f"{stem}.txt").write_text(text, encoding="utf-8")
        (content / "articles" / f"{stem}.yaml").write_text(f"title: {stem.title()}\n", encoding="utf-8")
    return seeds, content


def _links_to(site: Path, entity: str) -> dict[str, list[str]]:
    """Per article page, the texts of its links to ``entity``'s page (only pages with at least one)."""
    out = {}
    for page in sorted((site / "articles").rglob("*.html")):
        link = re.escape(href(urls.article(page.stem), urls.entity(entity)))
        found = re.findall(rf'<a class="mention" href="{link}">([^<]*)</a>', page.read_text("utf-8"))
        if found:
            out[page.stem] = found
    return out


def _listed(site: Path, entity: str) -> tuple[list[str], str]:
    """The articles the entity page lists, and its "N articles · M mentions" line."""
    html = (site / urls.entity(entity)).read_text(encoding="utf-8")
    listed = [PurePosixPath(u).stem for u in re.findall(r'<a class="title" href="([^"]+)">', html)]
    meta = re.search(r'<p class="meta">(\d+ articles? · \d+ mentions?)', html)
    return sorted(listed), meta.group(1) if meta else ""


def test_the_traps_on_the_built_pages(tmp_path):
    seeds, content = _traps(tmp_path)
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    assert _links_to(out, "john-major") == {
        "full": ["John Major", "Major"],  # the full name makes the surname his
        "headline": ["John Major"],  # "MAJOR BANKS" is no name: the article writes "major banks"
        "mister": ["Major", "Major"],  # "Mr Major", then "Major" in the same article
        "resigns": ["JOHN MAJOR"],  # two words in capitals
    }  # not "scalp" (a major scalp; "Major banks") nor "surname" (a surname alone)
    assert _links_to(out, "robert-jackson") == {"jacksons": ["Robert Jackson", "Jackson"]}
    assert _links_to(out, "michael-jackson") == {}
    # A mention in a sub-heading is linked like any other.
    assert _links_to(out, "kabul") == {"full": ["Kabul", "Kabul"]}
    assert '<h2 id="situation-in-kabul">Situation in <a class="mention"' in (out / urls.article("full")).read_text("utf-8")


def test_counts_of_articles_naming_an_entity_match_its_page(tmp_path):
    seeds, content = _traps(tmp_path)
    (content / "articles" / "surname.yaml").write_text("title: Surname\nentities: [john-major]\n", encoding="utf-8")
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    # The metadata of "surname" lists him: its "Major" links, and the article counts among his.
    linked = _links_to(out, "john-major")
    assert linked["surname"] == ["Major"]
    listed, meta = _listed(out, "john-major")
    assert listed == sorted(linked) == ["full", "headline", "mister", "resigns", "surname"]
    assert meta == f"5 articles · {sum(len(v) for v in linked.values())} mentions" == "5 articles · 7 mentions"
    home = (out / "index.html").read_text(encoding="utf-8")
    chips = {PurePosixPath(u).stem: n for u, n in re.findall(
        r'<a class="chip chip-\w+" href="\./(entity/[^"]+)">[^<]*<span class="count">(\d+)</span>', home)}
    assert chips == {"john-major": "5", "robert-jackson": "1", "kabul": "1"}
    assert _listed(out, "michael-jackson") == ([], "0 articles · 0 mentions")
    index = (out / "entities" / "index.html").read_text(encoding="utf-8")
    assert re.search(re.escape(urls.entity("john-major")) + r'">John Major</a>.*?<span class="count" title="articles">5</span>', index)


def test_a_type_change_finds_the_mentions_again(tmp_path):
    """A person's surname is a part name, an organisation's one-word alias is not: the build cache must know."""
    seeds, content = _traps(tmp_path)
    long_ago = 1_000_000_000 * 10**9  # files edited long before the build: their cached records are trusted
    for path in (*seeds.iterdir(), *content.rglob("*.yaml")):
        os.utime(path, ns=(long_ago, long_ago))
    out, ref = tmp_path / "site", tmp_path / "ref"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    assert "surname" not in _links_to(out, "john-major")
    registry = content / "entities.yaml"
    registry.write_text(REGISTRY_YAML.replace("type: person\n  name: John Major", "type: organisation\n  name: John Major"),
                        "utf-8")
    os.utime(registry, ns=(long_ago + 10**9, long_ago + 10**9))
    result = build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    assert result.mode == "incremental"
    assert result.state.load.rebuilt == len(TRAPS) and result.state.load.read == 0  # every article's mentions found again, no file read
    assert _links_to(out, "john-major")["surname"] == ["Major"]
    build(BuildOptions(seeds=seeds, content=content, out=ref, whoosh=False, cache=False))
    ours = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    clean = {p.relative_to(ref): p.read_bytes() for p in ref.rglob("*") if p.is_file()}
    assert ours == clean
