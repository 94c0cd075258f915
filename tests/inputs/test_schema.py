"""Schema errors in the archivist's YAML: each case names the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture

from generator.build import BuildOptions, build
from generator.model import urls
from generator.util.diagnostics import BuildError


def _archive(tmp_path: Path) -> tuple[Path, Path]:
    return copy_fixture(tmp_path / "archive")


def _build(seeds: Path, content: Path, out: Path):
    return build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))


def _errors(tmp_path: Path, seeds: Path, content: Path) -> list[str]:
    out = tmp_path / "site"
    with pytest.raises(BuildError) as exc:
        _build(seeds, content, out)
    assert not out.exists(), "a failed build must not create the site"
    return [str(p) for p in exc.value.problems]


def _one_error(tmp_path, seeds, content) -> str:
    errors = _errors(tmp_path, seeds, content)
    assert len(errors) == 1, errors
    return errors[0]


def _append_entities(content: Path, text: str) -> tuple[Path, int]:
    """Append ``text`` to the fixture registry; returns its path and the line count before."""
    ents = content / "entities.yaml"
    n = len(ents.read_text(encoding="utf-8").splitlines())
    with ents.open("a", encoding="utf-8") as fh:
        fh.write(text)
    return ents, n


def _meta(content: Path, name: str, text: str | bytes) -> Path:
    path = content / "articles" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_fixture_archive_builds_cleanly(tmp_path):
    seeds, content = _archive(tmp_path)
    result = _build(seeds, content, tmp_path / "site")
    assert result.diagnostics.errors == []
    assert result.articles == 5


def test_malformed_yaml_reports_syntax_error_line(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: Fine\nsummary: fine too\nsource: [a, b\ntags: c\nauthors: x\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:4: error: invalid YAML:"), msg
    assert "expected ',' or ']'" in msg


def test_tab_indentation_reports_line(tmp_path):
    seeds, content = _archive(tmp_path)
    (content / "site.yaml").write_text("title: T\n\tper_page: 2\n", encoding="utf-8")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{content / 'site.yaml'}:2: error: invalid YAML:"), msg
    assert "tab" in msg.lower() or "'\\t'" in msg


def test_unknown_key_with_did_you_mean(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: Blasts\nsource: Wire\ntitel: typo\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:3: error: unknown key 'titel' in article metadata (did you mean 'title'?)"), msg
    assert "known keys: authors, date, duplicate_of, entities" in msg


def test_unknown_key_in_entity_and_site(tmp_path):
    seeds, content = _archive(tmp_path)
    ents = content / "entities.yaml"
    lines = ents.read_text(encoding="utf-8").splitlines()
    n = len(lines)
    ents.write_text("\n".join(lines) + "\nzz:\n  type: place\n  name: Zz\n  alias: [Z]\n", encoding="utf-8")
    (content / "site.yaml").write_text("title: T\nper_pgae: 2\nentity_type:\n  ship: Ships\n", encoding="utf-8")
    errors = _errors(tmp_path, seeds, content)
    known = ("author, base_url, copyright, description, entity_types, feed_items, language, latest, per_page, sources, "
             "taxonomies, title, top_entities")
    assert errors == [
        f"{content / 'site.yaml'}:2: error: unknown key 'per_pgae' in site.yaml (did you mean 'per_page'?); known keys: {known}",
        f"{content / 'site.yaml'}:3: error: unknown key 'entity_type' in site.yaml (did you mean 'entity_types'?); "
        f"known keys: {known}",
        f"{ents}:{n + 4}: error: unknown key 'alias' in entity 'zz' (did you mean 'aliases'?); known keys: aliases, "
        "description, links, name, type, wikidata",
    ]


def test_wrong_types_each_reported_at_its_line(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml",
                 "title: [a, list]\ndate: yesterday\nauthors: {a: 1}\ntags:\n  - ok\n  - true\n")
    errors = _errors(tmp_path, seeds, content)
    assert f"{path}:1: error: 'title' must be text, got a list" in errors
    assert f"{path}:2: error: 'date' must be a date written YYYY-MM-DD, got 'yesterday'" in errors
    assert f"{path}:3: error: 'authors' must be a list, got a mapping" in errors
    assert f"{path}:6: error: 'tags' item 2 must be non-empty text, got true (a yes/no value)" in errors
    assert len(errors) == 4, errors


def test_site_per_page_must_be_positive_integer(tmp_path):
    seeds, content = _archive(tmp_path)
    (content / "site.yaml").write_text("title: T\nper_page: 0\n", encoding="utf-8")
    msg = _one_error(tmp_path, seeds, content)
    assert msg == f"{content / 'site.yaml'}:2: error: 'per_page' must be a positive whole number, got '0'"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "ftp://example.org/", "example.org",
                                 "data:text/html,x", "https://exa mple.org/"])
def test_bad_source_url(tmp_path, url):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", f"title: T\nsource_url: '{url}'\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:2: error: 'source_url' must be an http:// or https:// address"), msg


def test_bad_entity_link_and_site_base_url(tmp_path):
    seeds, content = _archive(tmp_path)
    ents, n = _append_entities(content, "zz:\n  type: place\n  name: Zz\n  links:\n    - {title: ok, url: 'https://example.org/'}\n"
                                    "    - {title: t, url: 'javascript:alert(1)'}\n")
    (content / "site.yaml").write_text("title: T\nbase_url: javascript:alert(1)\n", encoding="utf-8")
    errors = _errors(tmp_path, seeds, content)
    assert errors == [
        f"{content / 'site.yaml'}:2: error: 'base_url' must be an http:// or https:// address, got 'javascript:alert(1)'",
        f"{ents}:{n + 6}: error: 'links' item 2 must have an http(s) 'url'",
    ]


def test_duplicate_keys(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: One\nsource: a\ntitle: Two\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg == f"{path}:3: error: invalid YAML: duplicate key 'title' (first on line 1)"


def test_duplicate_entity_id_in_registry(tmp_path):
    seeds, content = _archive(tmp_path)
    ents = content / "entities.yaml"
    with ents.open("a", encoding="utf-8") as fh:
        fh.write("kabul:\n  type: place\n  name: Kabul again\n")
    msg = _one_error(tmp_path, seeds, content)
    assert "duplicate key 'kabul'" in msg
    assert msg.startswith(f"{ents}:{len(ents.read_text().splitlines()) - 2}: error:"), msg


def test_entity_defined_in_both_registry_file_and_folder(tmp_path):
    seeds, content = _archive(tmp_path)
    (content / "entities").mkdir()
    (content / "entities" / "kabul.yaml").write_text("type: place\nname: Kabul\n", encoding="utf-8")
    msg = _one_error(tmp_path, seeds, content)
    assert "entity 'kabul' is defined twice" in msg
    assert "kabul.yaml" in msg


def test_unknown_entity_id_in_article_names_the_item_line(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: T\nentities:\n  - kabul\n  - kabull\n  - taliban\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:4: error: unknown entity 'kabull'"), msg


def test_invalid_entity_id_in_article(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: T\nentities: [kabul, Not An Id]\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:2: error: 'entities' item 'Not An Id' is not a valid id"), msg


def test_unknown_entity_type(tmp_path):
    seeds, content = _archive(tmp_path)
    ents, n = _append_entities(content, "zz:\n  name: Zz\n  type: animal\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{ents}:{n + 3}: error: entity 'zz' has unknown type 'animal'; known types: event, organisation"), msg


def test_custom_entity_type_from_site_yaml_is_accepted(tmp_path):
    seeds, content = _archive(tmp_path)
    with (content / "site.yaml").open("a", encoding="utf-8") as fh:
        fh.write("entity_types:\n  animal: Animals\n")
    with (content / "entities.yaml").open("a", encoding="utf-8") as fh:
        fh.write("zz:\n  name: Zz\n  type: animal\n")
    result = _build(seeds, content, tmp_path / "site")
    assert result.diagnostics.errors == []
    assert (tmp_path / "site" / urls.entity("zz")).is_file()


def test_missing_required_entity_name(tmp_path):
    seeds, content = _archive(tmp_path)
    ents, n = _append_entities(content, "zz:\n  type: place\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg == f"{ents}:{n + 2}: error: entity 'zz' is missing required key 'name'"


def test_metadata_without_a_seed(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "ghost.yaml", "title: Ghost\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg == f"{path}: error: metadata for a seed that does not exist: expected seeds/ghost.txt"


def test_two_seeds_with_one_slug(tmp_path):
    seeds, content = _archive(tmp_path)
    (seeds / "A b.txt").write_text("date 2021-01-01\nOne.\n", encoding="utf-8")
    (seeds / "a-b.txt").write_text("date 2021-01-02\nTwo.\n", encoding="utf-8")
    msg = _one_error(tmp_path, seeds, content)
    assert "two seeds give the id 'a-b'" in msg
    assert "A b.txt" in msg and "a-b.txt" in msg
    assert msg.startswith(str(seeds)), msg


def test_non_utf8_yaml_is_read_with_warning(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "source: Wire\ntitle: Caf\xe9 blasts\n".encode("latin-1"))
    out = tmp_path / "site"
    result = _build(seeds, content, out)
    warnings = [str(w) for w in result.diagnostics.warnings]
    assert f"{path}:2: warning: not valid UTF-8; read as Latin-1/Windows-1252 (save the file as UTF-8 to silence this)" in warnings
    html = (out / urls.article("kabul-airport")).read_text(encoding="utf-8")
    assert "<h1>Café blasts</h1>" in html


def test_binary_yaml_is_an_error(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", b"title: x\x00\x01\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}: error:") and "binary" in msg


def test_python_tags_are_refused(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: !!python/object/apply:os.system ['echo pwned']\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:1: error: invalid YAML:"), msg


def test_metadata_must_be_a_mapping(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "- a\n- b\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg == f"{path}:1: error: article metadata must be a mapping of keys to values"


def test_page_front_matter_missing(tmp_path):
    seeds, content = _archive(tmp_path)
    page = content / "pages" / "contact.md"
    page.write_text("# Contact\n\nWrite to us.\n", encoding="utf-8")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{page}:1: error: a page must start with YAML front matter"), msg


def test_page_front_matter_errors_have_file_lines(tmp_path):
    seeds, content = _archive(tmp_path)
    page = content / "pages" / "contact.md"
    page.write_text("---\norder: 2\ntitel: Contact\n---\nBody.\n", encoding="utf-8")
    errors = _errors(tmp_path, seeds, content)
    assert errors == [
        f"{page}:3: error: unknown key 'titel' in page front matter (did you mean 'title'?); known keys: order, slug, title",
        f"{page}:2: error: page front matter is missing required key 'title'",
    ]
    page.write_text("---\ntitle: Contact\norder: [2\n---\nBody.\n", encoding="utf-8")
    errors = _errors(tmp_path, seeds, content)
    assert len(errors) == 1, errors
    # The unclosed '[' is on file line 3; the parser notices on line 4 (the closing ---) and says where it started.
    assert errors == [f"{page}:4: error: invalid YAML: while parsing a flow sequence: did not find expected ',' or ']'"
                      " (started on line 3)"]


def test_every_error_is_reported_in_one_run(tmp_path):
    seeds, content = _archive(tmp_path)
    kabul = _meta(content, "kabul-airport.yaml", "titel: x\n")
    ghost = _meta(content, "ghost.yaml", "title: Ghost\n")
    bad = seeds / "bad.txt"
    bad.write_text("date 2021-02-30\nx\n", encoding="utf-8")
    # Every file is read and every error in any of them reported together...
    assert _errors(tmp_path, seeds, content) == [
        f"{bad}:1: error: impossible date '2021-02-30': day is out of range for month",
        f"{kabul}:1: error: unknown key 'titel' in article metadata (did you mean 'title'?); known keys: authors, date,"
        " duplicate_of, entities, language, source, source_url, summary, tags, title",
    ]
    # ...and checks across files (metadata without its seed) follow once every file could be read.
    bad.unlink()
    kabul.write_text("title: Blasts\n", encoding="utf-8")
    assert _errors(tmp_path, seeds, content) == [
        f"{ghost}: error: metadata for a seed that does not exist: expected seeds/ghost.txt"]


def test_impossible_yaml_date_is_an_error_not_a_crash(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: T\nsource: Wire\ndate: 2021-02-30\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg == f"{path}:3: error: invalid YAML: cannot read the value '2021-02-30': day is out of range for month"


def test_impossible_date_as_key_or_list_item(tmp_path):
    seeds, content = _archive(tmp_path)
    path = _meta(content, "kabul-airport.yaml", "title: T\ntags:\n  - ok\n  - 2021-13-01\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:4: error: invalid YAML: cannot read the value '2021-13-01'"), msg
    path = _meta(content, "kabul-airport.yaml", "title: T\n2021-02-30: x\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{path}:2: error: invalid YAML: cannot read the value '2021-02-30'"), msg


def test_entity_that_is_not_a_mapping_names_its_line(tmp_path):
    seeds, content = _archive(tmp_path)
    ents, n = _append_entities(content, "zz: Zzland\n")
    msg = _one_error(tmp_path, seeds, content)
    assert msg.startswith(f"{ents}:{n + 1}: error: entity 'zz' must be a mapping"), msg


def test_page_with_only_front_matter_and_no_final_newline(tmp_path):
    seeds, content = _archive(tmp_path)
    (content / "pages" / "empty.md").write_text("---\ntitle: Nothing yet\n---", encoding="utf-8")
    out = tmp_path / "site"
    result = _build(seeds, content, out)
    assert result.diagnostics.errors == []
    assert "<h1>Nothing yet</h1>" in (out / "pages" / "empty.html").read_text(encoding="utf-8")
