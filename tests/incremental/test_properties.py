"""Property-based tests (hypothesis): for any input, the seed parser, the YAML loader and the importer
report problems through the project's own channels and never raise anything else.

Derandomised, so a run is the same everywhere; failures print the input.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.curation.importer import Importer, LineError, parse_record
from generator.inputs.content import ARTICLE_SCHEMA, ENTITY_SCHEMA, SiteConfig, _entity
from generator.inputs.seeds import parse_seed
from generator.util.diagnostics import Diagnostics
from generator.util.text import slugify
from generator.util.textio import decode
from generator.util.yamlio import check_mapping, parse_yaml

PINNED = settings(derandomize=True, max_examples=300, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
YAMLISH = st.lists(st.sampled_from(["title: x", "date: 2021-02-30", "entities: a, b", "- a", "  - b", "[", "{", ":",
                                    "&a x", "*a", "!!python/object:os.system x", "? ", "entities:", "'", "\"", "\t",
                                    "title: &t [*t]", "---", "...", "%YAML 9.9", "links: [{url: javascript:x}]"]),
                   max_size=12).map("\n".join)
P = Path("x.yaml")
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _plain(value: object) -> bool:
    """Data YAML's safe loader makes: nothing built from a tag (``!!python/object``)."""
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool, dt.date, dt.datetime))


@PINNED
@given(st.one_of(TEXT, st.builds(lambda a, b: f"date {a}\n\n{b}", TEXT, TEXT)))
def test_seed_parser_never_raises(text: str) -> None:
    """Any text: a seed whose blocks are trimmed, non-empty text, or errors that name the file and a line."""
    diag = Diagnostics()
    seed = parse_seed(text, Path("s.txt"), "s", diag)
    assert all(b.text and b.text == b.text.strip() for b in seed.blocks)
    assert all(p.path == "s.txt" and p.line is not None and p.line >= 1 for p in diag.problems), diag.problems
    if seed.has_date_line and not diag.errors:
        assert seed.date is None or seed.date.year >= 1  # read, or 'undated'
    assert seed.id == "s"


@PINNED
@given(st.one_of(st.binary(max_size=300),
                 TEXT.map(lambda t: b"\xff\xfe" + t.encode("utf-16-le")),  # Windows "Unicode" files
                 TEXT.map(lambda t: b"\xfe\xff" + t.encode("utf-16-be"))))
def test_decoding_any_bytes_never_raises(data: bytes) -> None:
    """Any bytes: text with plain newlines and no control characters (exactly the UTF-8 when the bytes are clean
    UTF-8), with a warning naming the file and line when it is not; or None and an error for a binary file."""
    diag = Diagnostics()
    text = decode(data, Path("s.txt"), diag)
    assert all(p.path == "s.txt" for p in diag.problems)
    if text is None:
        assert [p.level for p in diag.problems] == ["error"] and b"\x00" in data
        return
    assert "\r" not in text and not CONTROLS.search(text)
    assert all(p.level == "warning" and p.line is not None and p.line >= 1 for p in diag.problems), diag.problems
    for codec in ("utf-16", "utf-8-sig") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            clean = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not CONTROLS.search(clean) and "\r" not in clean:
            assert text == clean and not diag.problems
        break
    else:
        assert any("not valid UTF-8" in p.message for p in diag.problems)


@PINNED
@given(st.one_of(TEXT, YAMLISH))
def test_yaml_loader_and_schemas_never_raise(text: str) -> None:
    """Any text: problems name the file (and a line when the YAML had one to give), else plain data."""
    diag = Diagnostics()
    data = parse_yaml(text, P, diag)
    check_mapping(data, ARTICLE_SCHEMA, P, diag, "article metadata")
    check_mapping(data, ENTITY_SCHEMA, P, diag, "entity")
    if isinstance(data, dict):
        for key, value in data.items():
            _entity(key, value, P, 1, SiteConfig(), diag)
    assert all(p.level in ("error", "warning") and p.path == str(P) and p.message for p in diag.problems)
    assert all(p.line is None or 1 <= p.line <= text.count("\n") + 2 for p in diag.problems), diag.problems
    assert _plain(data), data  # never an object YAML built from a tag


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                       lambda kids: st.lists(kids, max_size=3) | st.dictionaries(TEXT, kids, max_size=3), max_leaves=8)
RECORD = st.fixed_dictionaries({}, optional={k: JSONISH for k in ("id", "title", "date", "body", "source", "people",
                                                                   "orgs", "places", "topics", "exchanges")})


@PINNED
@given(st.one_of(TEXT, RECORD.map(json.dumps)))
def test_importer_line_parser_raises_only_its_own_error(line: str) -> None:
    """Any line: a LineError saying what is wrong, or a record the importer can write as it is."""
    try:
        rec = parse_record(line)
    except LineError as exc:
        assert str(exc).strip()
        return
    assert rec.id and rec.id == slugify(rec.id) and "/" not in rec.id and rec.id not in (".", "..")
    assert rec.title == " ".join(rec.title.split())
    assert rec.body == rec.body.strip() and "\r\n" not in rec.body
    assert rec.source is None or (rec.source and rec.source == rec.source.strip())
    for codes in (*rec.entities.values(), rec.topics):
        assert all(isinstance(c, str) and c and c == c.strip() for c in codes)


@PINNED
@given(RECORD)
def test_importer_writes_any_parsable_record_safely(tmp_path_factory, obj: dict) -> None:
    root = tmp_path_factory.mktemp("imp")
    imp = Importer(root / "seeds", root / "content", {})
    try:
        rec = parse_record(json.dumps(obj))
    except LineError:
        return
    imp.add(rec, 1)
    written = [p.resolve() for p in root.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(root.resolve()) for p in written)  # ids never escape the archive folders
