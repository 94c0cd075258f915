"""discover as an archivist's assistant (issue 17): small archives with the traps, and the proposals asserted.

Each archive is a handful of short stories written for the trap it sets; the
assertions name the proposal an archivist would want, so a regression shows as
a wrong name, type or merge, not as a changed score.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.discover.accept import accept
from generator.discover.propose import Proposal
from generator.discover.run import discover_archive, write_proposals
from generator.util.diagnostics import Diagnostics


def _archive(tmp_path: Path, stories: list[str]) -> tuple[Path, Path]:
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    content.mkdir()
    (content / "site.yaml").write_text("title: Test\n", encoding="utf-8")
    for n, text in enumerate(stories):
        (seeds / f"story-{n:02}.txt").write_text(f"date 2005-04-{n + 1:02}\n\n{text}\n", encoding="utf-8")
    return seeds, content


def _discover(tmp_path: Path, stories: list[str]) -> dict[str, Proposal]:
    seeds, content = _archive(tmp_path, stories)
    return {p.name: p for p in discover_archive(seeds, content, Diagnostics()).proposals}


def _owner(props: dict[str, Proposal], form: str) -> list[Proposal]:
    """Every proposal that has ``form`` as its name or an alias."""
    return [p for p in props.values() if form == p.name or form in p.aliases]


POLITICS = [
    "Charles Kennedy launched the Liberal Democrat manifesto in Leeds. Mr Kennedy said his party would scrap "
    "tuition fees. The Tories said the sums did not add up.",
    "Mr Kennedy told voters in Cardiff that the Lib Dems were now the real opposition. The Conservatives disagreed, "
    "and a Tory spokesman called the plans a fantasy.",
    "Charles Kennedy, who has led the Liberal Democrats since 1999, was heckled in Bristol. The Tories and Labour "
    "both attacked his tax plans.",
    "Labour's manifesto promises more money for schools. Tony Blair said the Conservatives would cut services. "
    "Mr Blair spoke in Manchester.",
    "Tony Blair and Michael Howard clashed over immigration. Mr Howard said the Tories would set a limit, and "
    "Labour said the Conservatives had no plan.",
    "Michael Howard, who leads the Conservatives, spoke in Kent. Labour's campaign chief said Mr Howard was "
    "scaremongering.",
]


def test_mr_kennedy_is_a_person_and_his_surname_an_alias_of_the_full_name(tmp_path):
    props = _discover(tmp_path, POLITICS)
    kennedy = props["Charles Kennedy"]
    assert kennedy.type == "person"
    assert "Kennedy" in kennedy.aliases and kennedy.articles == 3  # "Mr Kennedy" alone in story 2 joins him
    assert not [p for p in props.values() if "Kennedy" in p.name and p is not kennedy]
    assert props["Michael Howard"].type == "person" and "Howard" in props["Michael Howard"].aliases


def test_parties_are_proposed_as_organisations_with_plural_and_clipped_forms_merged(tmp_path):
    props = _discover(tmp_path, POLITICS)
    tories = _owner(props, "Tories")
    assert len(tories) == 1 and _owner(props, "Tory") == tories  # Tory/Tories: one proposal
    assert tories[0].type == "organisation"
    assert props["Conservatives"].type == "organisation"  # "the Conservatives"
    libdems = _owner(props, "Liberal Democrats")
    assert len(libdems) == 1 and _owner(props, "Lib Dems") == libdems  # a clipped form joins the full one
    assert props["Labour"].type == "organisation"  # "Labour's manifesto", "Labour's campaign chief"


def test_acronym_in_brackets_and_without_them_is_one_proposal(tmp_path):
    props = _discover(tmp_path, [
        "The United Nations (UN) has sent more aid to Darfur. UN officials said the roads were closed.",
        "The UN said it needed more money. Kofi Annan, who leads the United Nations, appealed to donors.",
        "UN envoy Jan Pronk said the talks in Abuja would resume. The UN has 3,000 staff in Sudan.",
        "The Confederation of British Industry (CBI) said firms were gloomy. The CBI wants lower taxes.",
        "The CBI said exporters were hurt by the strong pound, in its quarterly survey.",
    ])
    un = _owner(props, "UN")
    assert len(un) == 1 and un[0].name == "United Nations" and un[0].articles == 3
    assert un[0].type == "organisation"
    assert _owner(props, "CBI") == [props["Confederation of British Industry"]]


def test_nationality_words_and_titles_are_not_part_of_a_name(tmp_path):
    props = _discover(tmp_path, [
        "Russian Nikolay Davydenko beat Tim Henman in Doha. Davydenko said he had played well.",
        "Nikolay Davydenko, 23, reached the final, where Swiss Roger Federer awaits him.",
        "Roger Federer beat Russian Nikolay Davydenko in the final. Federer said he was tired.",
        "East Midlands MEP Robert Kilroy-Silk has left the party. Mr Kilroy-Silk said he would start another.",
        "Robert Kilroy-Silk launched Veritas in London. Kilroy-Silk said it would field candidates.",
        "Jonathan Miller, Chief Executive of AOL UK, said broadband was growing. AOL UK has two million members.",
        "The Chief Executive of AOL UK said the firm would cut prices. Analysts said AOL UK was losing ground.",
    ])
    names = set(props)
    assert {"Nikolay Davydenko", "Roger Federer", "Robert Kilroy-Silk"} <= names
    assert not {n for n in names if n.startswith(("Russian", "Swiss", "East Midlands MEP", "MEP", "Executive"))}
    assert props["Nikolay Davydenko"].type == "person"
    assert "Executive of AOL UK" not in names and props["AOL UK"].type == "organisation"


def test_king_kong_is_no_person_named_kong(tmp_path):
    props = _discover(tmp_path, [
        "Peter Jackson's remake of King Kong has cost more than $200m. King Kong opens in December.",
        "The first trailer for King Kong was shown in cinemas. Director Peter Jackson said he loved the original.",
        "King Kong star Naomi Watts said filming in Wellington had been hard. Jackson, who made the film, agreed.",
    ])
    assert "Kong" not in props and not _owner(props, "Kong")
    assert props.get("King Kong") is None or props["King Kong"].type != "person"
    assert props["Peter Jackson"].type == "person" and "Jackson" in props["Peter Jackson"].aliases


def test_a_first_name_or_an_ambiguous_surname_alone_is_not_proposed(tmp_path):
    props = _discover(tmp_path, [
        "John Prescott opened the bridge in Hull. Mr Prescott said it was on time.",
        "John Reid, the health secretary, visited a hospital in Leeds. Mr Reid said waiting lists were falling.",
        "John Prescott and John Reid both spoke in Glasgow. John was later seen leaving with aides.",
        "Later, John said he would not comment. Reid, who was angry, left early. Prescott, 66, stayed.",
        "Michael Jackson arrived at court in Santa Maria. Jackson, 46, denies the charges.",
        "Peter Jackson, the director, was in Wellington. Jackson said he was pleased.",
        "Fans of Jackson gathered outside. Jackson said nothing.",
        "Jackson did not speak to reporters. Jackson was driven away.",
    ])
    assert "John" not in props and not _owner(props, "John")
    assert "Jackson" not in props  # two people share the surname: alone, it is neither
    assert "Reid" in props["John Reid"].aliases and props["John Reid"].type == "person"


def test_organisations_known_by_their_context(tmp_path):
    props = _discover(tmp_path, [
        "Microsoft said it would cut prices. Shares in Google rose 5% after the search firm beat forecasts.",
        "Arsenal striker Thierry Henry scored twice. Microsoft said profits rose, and shares in Google fell.",
        "Arsenal manager Arsene Wenger praised his side. Google said it would hire 1,000 engineers.",
        "Analysts at Barclays said Microsoft was cheap. Arsenal have won the cup, and Microsoft chairman Bill Gates "
        "said he was a fan.",
    ])
    for name in ("Microsoft", "Google", "Arsenal"):
        assert props[name].type == "organisation", (name, props[name].evidence)


def test_broadcasters_and_brands_with_numbers_or_small_first_letters(tmp_path):
    props = _discover(tmp_path, [
        "Channel 4 will show the match live. The BBC said it had not bid, and ITV and Channel 5 declined to comment.",
        "Viewers of Channel 4 complained. ITV said it would show the final, and the BBC said it had no plans.",
        "Channel 4's chief executive said the channel needed new money. Channel 4 said it would cut costs.",
        "Apple sold four million iPods. The iPod is now the best-selling player, and iTunes sold 300 million songs.",
        "Apple said sales of the iPod rose again. The BBC has put its radio shows on iTunes.",
    ])
    assert props["Channel 4"].type == "organisation" and "Channel" not in props
    ipod = _owner(props, "iPods")
    assert len(ipod) == 1 and ipod[0].name == "iPod"
    assert "iTunes" in props


def test_a_type_set_by_hand_is_accepted_whatever_the_confidence(tmp_path):
    seeds, content = _archive(tmp_path, POLITICS)
    result = discover_archive(seeds, content, Diagnostics())
    out = content / "entities.proposed.yaml"
    write_proposals(result, out)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    data["labour"].update(type="organisation", guessed_type="unsure", confidence=0.3)  # the archivist decided
    data["tony-blair"].update(confidence=0.3)  # untouched by hand: below the threshold
    assert data["tony-blair"]["guessed_type"] == data["tony-blair"]["type"] == "person"
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    written, skipped = accept(out, content, 0.8, Diagnostics())
    names = {p.stem for p in written}
    assert "labour" in names and "tony-blair" not in names
    assert any("tony-blair: confidence 0.3 is below --min-confidence 0.8" in s for s in skipped)
