"""An article's ``language:`` metadata: a BCP 47 tag, or an error with its line."""

from __future__ import annotations

from pathlib import Path

from generator.inputs.content import load_article_meta
from generator.util.diagnostics import Diagnostics


def _load(tmp_path: Path, text: str):
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    diag = Diagnostics()
    return load_article_meta(path, diag), diag


def test_language_tag_is_read(tmp_path: Path) -> None:
    meta, diag = _load(tmp_path, "title: T\nlanguage: pt-BR\n")
    assert diag.error_count == 0 and meta is not None and meta.language == "pt-BR"


def test_no_language_is_the_sites(tmp_path: Path) -> None:
    meta, _diag = _load(tmp_path, "title: T\n")
    assert meta is not None and meta.language is None


def test_a_bad_tag_is_an_error_on_its_line(tmp_path: Path) -> None:
    _meta, diag = _load(tmp_path, "title: T\nlanguage: \"fr\\\" onload=x\"\n")
    assert diag.error_count == 1
    assert diag.problems[0].line == 2 and "language tag" in diag.problems[0].message
