"""The seed reader: date lines, paragraphs and sub-headings, encodings, and refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.inputs.content import SiteConfig
from generator.inputs.seeds import load_seeds, parse_date, read_seed
from generator.model.archive import build_archive
from generator.util.diagnostics import BuildError, Diagnostics

FIXTURE_SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "archive" / "seeds"
BUNDLED = FIXTURE_SEEDS / "000_88806ccc1889e30e.txt"


def _read(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    diag = Diagnostics()
    seed = read_seed(path, path.stem, diag)
    return seed, diag


def _messages(diag: Diagnostics, level: str | None = None) -> list[str]:
    return [str(p) for p in diag.problems if level is None or p.level == level]


def test_bundled_seed_date_body_and_subheading():
    diag = Diagnostics()
    seed = read_seed(BUNDLED, "000_88806ccc1889e30e", diag)
    assert diag.problems == []
    assert seed.date == dt.date(2021, 9, 5)
    assert seed.has_date_line
    # The file starts with a space and the body starts on the date line itself.
    assert BUNDLED.read_bytes().startswith(b" date 2021-09-05 Taliban")
    assert seed.blocks[0].kind == "p"
    assert seed.blocks[0].text.startswith("Taliban has not only failed to enter Panjshir")
    assert "2021-09-05" not in seed.blocks[0].text
    headings = [b.text for b in seed.blocks if b.kind == "h"]
    assert headings == ["Situation in Panjshir"]
    kinds = [b.kind for b in seed.blocks]
    assert kinds == ["p", "p", "p", "p", "p", "h", "p"]
    assert seed.blocks[-1].text.endswith("force them to surrender.")
    # Runs of blank lines do not produce empty paragraphs.
    assert all(b.text for b in seed.blocks)


def test_odd_spacing_is_normalised(tmp_path):
    seed, diag = _read(tmp_path, "spacing.txt",
                       b"   \n\t date   2021-09-05   Body   with \t  odd    spacing.\n  \n\n \n\nNext   para.  \n\n\n")
    assert _messages(diag) == []
    assert seed.date == dt.date(2021, 9, 5)
    assert [b.text for b in seed.blocks] == ["Body with odd spacing.", "Next para."]


def test_paragraph_lines_are_joined_and_nbsp_blank_line_separates(tmp_path):
    seed, diag = _read(tmp_path, "wrap.txt",
                       "date 2021-09-05\nA sentence that\nwraps over lines.\n\u00a0\nSecond one.\n".encode())
    assert _messages(diag) == []
    assert [b.text for b in seed.blocks] == ["A sentence that wraps over lines.", "Second one."]


def test_crlf_and_cr_line_endings(tmp_path):
    seed, diag = _read(tmp_path, "crlf.txt", b"date 2021-09-05\r\nFirst para.\r\n\r\nSub heading\r\n\r\nSecond para here.\r\n")
    assert _messages(diag) == []
    assert seed.date == dt.date(2021, 9, 5)
    assert [(b.kind, b.text) for b in seed.blocks] == [("p", "First para."), ("h", "Sub heading"), ("p", "Second para here.")]
    assert not any("\r" in b.text for b in seed.blocks)
    seed, diag = _read(tmp_path, "cr.txt", b"date 2021-09-05\rOne.\r\rTwo.\r")
    assert [b.text for b in seed.blocks] == ["One.", "Two."]


def test_utf8_bom_is_dropped(tmp_path):
    seed, diag = _read(tmp_path, "bom.txt", b"\xef\xbb\xbfdate 2021-09-05\nCaf\xc3\xa9 in Kabul.\n")
    assert _messages(diag) == []
    assert seed.date == dt.date(2021, 9, 5)
    assert seed.blocks[0].text == "Café in Kabul."
    assert "\ufeff" not in seed.blocks[0].text


def test_latin1_file_is_read_with_a_warning_naming_the_file(tmp_path):
    seed, diag = _read(tmp_path, "latin.txt", b"date 2021-09-05\nCaf\xe9 in Kabul, \xabquoted\xbb.\n")
    assert seed.blocks[0].text == "Café in Kabul, «quoted»."
    assert diag.errors == []
    assert _messages(diag, "warning") == [f"{tmp_path / 'latin.txt'}:2: warning: not valid UTF-8; read as "
                                          "Latin-1/Windows-1252 (save the file as UTF-8 to silence this)"]


def test_missing_date_line_is_an_error_naming_file_and_line(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "nodate.txt").write_text("Just text without a date.\n", encoding="utf-8")
    diag = Diagnostics()
    loaded = load_seeds(seeds, diag)
    assert len(loaded) == 1 and not loaded[0].has_date_line
    with pytest.raises(BuildError) as exc:
        build_archive(SiteConfig(), loaded, {}, [], [], diag)
    msgs = [str(p) for p in exc.value.problems]
    assert len(msgs) == 1
    assert msgs[0].startswith(f"{seeds / 'nodate.txt'}:1: error: no date")


def test_unreadable_date_is_an_error_with_line(tmp_path):
    seed, diag = _read(tmp_path, "soon.txt", b"\n\ndate: soon\nBody.\n")
    assert seed.date is None
    errors = _messages(diag, "error")
    assert len(errors) == 1
    assert "soon.txt:3: error: cannot read the date in 'soon'" in errors[0]


def test_unreadable_numeric_date_is_an_error(tmp_path):
    _, diag = _read(tmp_path, "slash.txt", b"date 5/9/21 Body.\n")
    errors = _messages(diag, "error")
    assert len(errors) == 1 and "slash.txt:1: error: cannot read the date in '5/9/21 Body.'" in errors[0]


def test_prose_starting_with_the_word_date_is_body_not_a_date_line(tmp_path):
    seed, diag = _read(tmp_path, "palms.txt", b"Date palms were planted along the river.\n\nMore.\n")
    assert not seed.has_date_line
    assert seed.blocks[0].text == "Date palms were planted along the river."
    assert _messages(diag, "error") == []


@pytest.mark.parametrize(
    "first_line, expected",
    [
        ("date 2021-09-05", dt.date(2021, 9, 5)),
        ("date: 2021-09-05", dt.date(2021, 9, 5)),
        ("DATE:2021-09-05", dt.date(2021, 9, 5)),
        ("Date 5 September 2021", dt.date(2021, 9, 5)),
        ("date 5th Sept. 2021", dt.date(2021, 9, 5)),
        ("date September 5, 2021", dt.date(2021, 9, 5)),
        ("date Sep 5 2021", dt.date(2021, 9, 5)),
        ("date undated", None),
        ("Date: Undated", None),
    ],
)
def test_date_spellings(tmp_path, first_line, expected):
    seed, diag = _read(tmp_path, "d.txt", f"{first_line}\nThe body.\n".encode())
    assert _messages(diag) == []
    assert seed.has_date_line
    assert seed.date == expected
    assert [b.text for b in seed.blocks] == ["The body."]


def test_word_starting_with_date_is_not_a_date_line(tmp_path):
    seed, diag = _read(tmp_path, "dated.txt", b"dated reports came in.\n")
    assert diag.problems == []
    assert not seed.has_date_line
    assert seed.blocks[0].text == "dated reports came in."


@pytest.mark.parametrize("bad", ["2021-02-30", "2021-13-01", "31 April 2021", "February 29, 2021"])
def test_impossible_dates_are_errors(tmp_path, bad):
    seed, diag = _read(tmp_path, "bad.txt", f"\ndate {bad}\nBody.\n".encode())
    errors = _messages(diag, "error")
    assert len(errors) == 1, errors
    assert "bad.txt:2: error: impossible date" in errors[0]
    assert seed.date is None
    assert [b.text for b in seed.blocks] == ["Body."]


def test_parse_date_unit():
    assert parse_date("2020-02-29 rest") == (dt.date(2020, 2, 29), 10)
    assert parse_date("soon") is None
    assert parse_date("5 Smarch 2021") is None
    with pytest.raises(ValueError):
        parse_date("2021-02-30")


def test_binary_file_is_refused(tmp_path):
    seed, diag = _read(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert seed is None
    errors = _messages(diag, "error")
    assert len(errors) == 1
    assert "photo.txt: error:" in errors[0] and "binary" in errors[0]


def test_trailing_short_line_stays_a_paragraph(tmp_path):
    seed, _ = _read(tmp_path, "r.txt", b"date 1987-02-26\nFirst paragraph of the story.\n\nReuter\n")
    assert [b.kind for b in seed.blocks] == ["p", "p"]


def test_load_seeds_reports_non_txt_and_subfolders(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-01-01\nA.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    diag = Diagnostics()
    seeds = load_seeds(tmp_path, diag)
    assert [s.id for s in seeds] == ["a"]
    assert _messages(diag) == [f"{tmp_path / 'notes.md'}: warning: ignored: seeds must be .txt files",
                               f"{tmp_path / 'sub'}: warning: sub-folders of seeds/ are not read; move its articles up"]


def test_utf16_file_with_bom_is_text_not_binary(tmp_path):
    for codec in ("utf-16", "utf-16-be"):
        data = "date 2021-09-05\r\nCafé in Kabul.\r\n".encode(codec)
        if codec == "utf-16-be":
            data = b"\xfe\xff" + data
        seed, diag = _read(tmp_path, f"{codec}.txt", data)
        assert diag.problems == [], codec
        assert seed.date == dt.date(2021, 9, 5)
        assert [b.text for b in seed.blocks] == ["Café in Kabul."]


TWELVE_WORDS = "One two three four five six seven eight nine ten eleven twelve"


@pytest.mark.parametrize(("line", "heading"), [
    # The README's rule: ≤ 12 words, ≤ 80 characters, a capital or digit first, no closing punctuation.
    ("Situation in Panjshir", True),
    ("1987 Harvest", True),
    (TWELVE_WORDS, True),
    (TWELVE_WORDS + " thirteen", False),  # 13 words
    ("A" + "b" * 79, True),  # 80 characters
    ("A" + "b" * 80, False),  # 81 characters
    ("Abcdef " * 11 + "Abc", True),  # 12 words in 80 characters
    ("Abcdef " * 11 + "Abcd", False),  # 12 words in 81 characters
    ("situation in Panjshir", False),  # lower-case first letter
    ("(Situation) in Panjshir", False),  # neither capital nor digit first
    ("Situation in Panjshir.", False),
    ("Situation in Panjshir?", False),
    ("Situation in Panjshir:", False),
    ("Situation in “Panjshir”", False),
    ("Situation in Panjshir —", False),
])
def test_subheading_limits(tmp_path: Path, line: str, heading: bool) -> None:
    seed, _ = _read(tmp_path, "h.txt", f"date 2021-09-05\nFirst paragraph.\n\n{line}\n\nSecond paragraph.\n".encode())
    assert [(b.kind, b.text) for b in seed.blocks] == [("p", "First paragraph."), ("h" if heading else "p", line),
                                                       ("p", "Second paragraph.")]


def test_subheading_must_stand_alone_between_paragraphs(tmp_path: Path) -> None:
    # First in the body, last in the body, two lines long, or followed by another heading-like line: text.
    body = "Opening Line\n\nFirst paragraph.\n\nTwo Line\nHeading\n\nMiddle paragraph.\n\nKicker\n\nReal Heading\n\nLast paragraph.\n\nReuter\n"
    seed, _ = _read(tmp_path, "a.txt", f"date 2021-09-05\n{body}".encode())
    assert [(b.kind, b.text) for b in seed.blocks] == [
        ("p", "Opening Line"), ("p", "First paragraph."), ("p", "Two Line Heading"), ("p", "Middle paragraph."),
        ("p", "Kicker"), ("h", "Real Heading"), ("p", "Last paragraph."), ("p", "Reuter"),
    ]
