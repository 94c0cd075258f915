"""Property-based tests (hypothesis): for any input, the seed parser, the YAML loader and the importer
report problems through the project's own channels and never raise anything else.

Derandomised, so a run is the same everywhere; failures print the input.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.curation.importer import Importer, LineError, parse_record
from generator.inputs.content import ARTICLE_SCHEMA, ENTITY_SCHEMA, SiteConfig, _entity
from generator.inputs.seeds import parse_seed
from generator.util.diagnostics import Diagnostics
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


@PINNED
@given(st.one_of(TEXT, st.builds(lambda a, b: f"date {a}\n\n{b}", TEXT, TEXT)))
def test_seed_parser_never_raises(text: str) -> None:
    diag = Diagnostics()
    seed = parse_seed(text, Path("s.txt"), "s", diag)
    assert all(b.text == b.text.strip() for b in seed.blocks)


@PINNED
@given(st.binary(max_size=300))
def test_decoding_any_bytes_never_raises(data: bytes) -> None:
    decode(data, Path("s.txt"), Diagnostics())


@PINNED
@given(st.one_of(TEXT, YAMLISH))
def test_yaml_loader_and_schemas_never_raise(text: str) -> None:
    diag = Diagnostics()
    data = parse_yaml(text, P, diag)
    check_mapping(data, ARTICLE_SCHEMA, P, diag, "article metadata")
    check_mapping(data, ENTITY_SCHEMA, P, diag, "entity")
    if isinstance(data, dict):
        for key, value in data.items():
            _entity(key, value, P, 1, SiteConfig(), diag)
    assert all(p.level in ("error", "warning") for p in diag.problems)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                       lambda kids: st.lists(kids, max_size=3) | st.dictionaries(TEXT, kids, max_size=3), max_leaves=8)
RECORD = st.fixed_dictionaries({}, optional={k: JSONISH for k in ("id", "title", "date", "body", "source", "people",
                                                                   "orgs", "places", "topics", "exchanges")})


@PINNED
@given(st.one_of(TEXT, RECORD.map(json.dumps)))
def test_importer_line_parser_raises_only_its_own_error(line: str) -> None:
    try:
        parse_record(line)
    except LineError:
        pass


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
