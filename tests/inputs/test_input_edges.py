"""Odd and hostile input found in review: each is reported or handled, never a traceback or a bad page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture

from generator.build import BuildOptions, build
from generator.model import urls
from generator.util.diagnostics import BuildError


def _opts(tmp_path: Path, **kw) -> BuildOptions:
    seeds, content = copy_fixture(tmp_path / "archive")
    return BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False, **kw)


def _problems(opts: BuildOptions) -> list[str]:
    with pytest.raises(BuildError) as exc:
        build(opts)
    return [str(p) for p in exc.value.problems]


def test_strict_failure_keeps_the_previous_site(tmp_path):
    opts = _opts(tmp_path)
    build(opts)
    (opts.out / "OLD_MARK").write_text("x")
    opts.strict = True
    problems = _problems(opts)
    assert problems == [f"{opts.seeds / name}.txt: error: no metadata file content/articles/{name}.yaml; title derived from the text"
                        for name in ("anniversary", "clipping")]
    assert (opts.out / "OLD_MARK").exists()


def test_control_characters_are_removed_with_a_warning(tmp_path):
    opts = _opts(tmp_path)
    (opts.seeds / "ctrl.txt").write_bytes(b"date 2021-03-04\n\nControl \x1b char\n\nand \x07 bell.\n")
    result = build(opts)
    html = (opts.out / urls.article("ctrl")).read_text()
    assert "\x1b" not in html and "\x07" not in html and "Control char" in html
    # One warning per file, at the first one (the bell on line 5 goes too, as the page shows).
    assert [str(w) for w in result.diagnostics.warnings if "ctrl.txt" in str(w)] == [
        f"{opts.seeds / 'ctrl.txt'}:3: warning: control character U+001B removed (it is not allowed in HTML or XML)",
        f"{opts.seeds / 'ctrl.txt'}: warning: no metadata file content/articles/ctrl.yaml; title derived from the text",
    ]


def test_deeply_nested_yaml_is_an_error_not_a_traceback(tmp_path):
    opts = _opts(tmp_path)
    (opts.content / "articles" / "hostile.yaml").write_text("title: x\nsummary: " + "[" * 300 + "]" * 300 + "\n")
    problems = _problems(opts)
    assert problems == [f"{opts.content / 'articles' / 'hostile.yaml'}: error: invalid YAML: nested too deeply"]


def test_page_file_names_become_url_safe_slugs(tmp_path):
    opts = _opts(tmp_path)
    (opts.content / "pages" / "My Page.md").write_text("---\ntitle: Mine\n---\nText.\n")
    (opts.content / "pages" / "Über.md").write_text("---\ntitle: Uber\n---\nText.\n")
    build(opts)
    assert (opts.out / "pages" / "my-page.html").is_file()
    assert (opts.out / "pages" / "uber.html").is_file()


def test_files_with_other_suffixes_in_entities_and_pages_are_reported(tmp_path):
    opts = _opts(tmp_path)
    (opts.content / "entities").mkdir()
    (opts.content / "entities" / "ymlperson.yml").write_text("type: person\nname: Yml Person\n")
    (opts.content / "entities" / "notes.txt").write_text("x")
    (opts.content / "pages" / "draft.html").write_text("x")
    result = build(opts)
    assert (opts.out / urls.entity("ymlperson")).is_file()
    warnings = [str(w) for w in result.diagnostics.warnings]
    assert warnings[:2] == [
        f"{opts.content / 'entities' / 'notes.txt'}: warning: ignored: entity files must be .yaml or .yml files",
        f"{opts.content / 'pages' / 'draft.html'}: warning: ignored: pages must be .md or .markdown files",
    ]
    assert len(warnings) == 4  # and the fixture's two seeds without metadata


def test_names_without_a_letter_group_get_a_valid_anchor(tmp_path):
    opts = _opts(tmp_path)
    with (opts.content / "entities.yaml").open("a") as f:
        f.write("eleven-september:\n  type: event\n  name: 11 September\nelysee:\n  type: place\n  name: Élysée\n")
    build(opts)
    html = (opts.out / "entities" / "index.html").read_text()
    assert 'id="letter-other"' in html and 'href="#letter-other"' in html
    assert "#letter-#" not in html
    e_section = html.split('id="letter-E"', 1)[1].split("</section>", 1)[0]
    assert "Élysée" in e_section


def test_headings_never_take_a_layout_id(tmp_path):
    opts = _opts(tmp_path)
    (opts.content / "pages" / "clash.md").write_text("---\ntitle: Clash\n---\n## Main\n\nx\n\n## Sidebar\n\ny\n")
    (opts.seeds / "clash.txt").write_text("date 2021-01-01\n\nIntro text.\n\nMain\n\nBody text.\n")
    build(opts)
    for page in ("pages/clash.html", urls.article("clash")):
        html = (opts.out / page).read_text()
        assert html.count('id="main"') == 1, page
        assert html.count('id="sidebar"') == 1, page  # the navigation; the heading got another id


def test_empty_site_yaml_and_index_type_are_errors(tmp_path):
    opts = _opts(tmp_path)
    (opts.content / "site.yaml").write_text("")
    site_yaml = opts.content / "site.yaml"
    assert _problems(opts) == [f"{site_yaml}: error: site.yaml is empty; it needs at least 'title: ...'"]
    (opts.content / "site.yaml").write_text("title: T\nentity_types:\n  index: Indexes\n")
    assert _problems(opts) == [f"{site_yaml}:3: error: 'index' is reserved and cannot be an entity type"]


def test_non_latin_file_names_keep_their_letters(tmp_path):
    opts = _opts(tmp_path)
    (opts.seeds / "کابل.txt").write_text("date 2021-08-15\n\nThe city fell.\n", encoding="utf-8")
    build(opts)
    assert (opts.out / urls.article("کابل")).is_file()
