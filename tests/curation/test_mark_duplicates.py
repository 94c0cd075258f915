"""Duplicates in bulk (issue 17): `check --mark-duplicates` and the careful YAML edit behind it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from conftest import href

from generator.build import BuildOptions, build
from generator.curation.yamledit import add_key
from generator.model import urls

ROOT = Path(__file__).resolve().parents[2]
STORY = ("Chancellor Gordon Brown set out his spending plans in London on Wednesday, promising more money for "
         "schools and hospitals over the next three years, and told MPs the economy would keep growing. He said "
         "borrowing would fall as a share of national income, that the golden rule would be met with a margin to "
         "spare, and that families with young children would get more help with the cost of childcare from April. "
         "The shadow chancellor said the figures were too rosy and that taxes would have to rise after the election.")
OTHER = ("Arsenal beat Manchester United on penalties to win the FA Cup in Cardiff after a goalless draw in which "
         "United had most of the chances and Arsenal's goalkeeper was the hero.")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def _archive(tmp_path: Path) -> tuple[Path, Path]:
    """An original, two identical copies (one with metadata and comments), one hand-marked copy, one near copy."""
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    seeds.mkdir()
    (content / "site.yaml").write_text("title: Test\n", encoding="utf-8")
    texts = {"budget": STORY, "budget-copy": STORY, "budget-again": STORY, "budget-kept": STORY,
             "budget-near": STORY.replace("three years", "four years"), "cup-final": OTHER, "cup-repeat": OTHER}
    for name, text in texts.items():
        (seeds / f"{name}.txt").write_text(f"date 2005-03-16\n\n{text}\n", encoding="utf-8")
    (content / "articles" / "budget-copy.yaml").write_text(
        "# filed twice by the wire\ntitle: Budget day   # as printed\ntags: [economy]\n", encoding="utf-8")
    # The archivist decided cup-repeat is the original; cup-final (the first by name) is the copy.
    (content / "articles" / "cup-final.yaml").write_text("title: Cup\nduplicate_of: cup-repeat\n", encoding="utf-8")
    (content / "articles" / "budget-kept.yaml").write_text("duplicate_of: budget-near\n", encoding="utf-8")
    return seeds, content


def test_mark_duplicates_writes_duplicate_of_for_identical_copies_only(tmp_path):
    seeds, content = _archive(tmp_path)
    kept = (content / "articles" / "budget-kept.yaml").read_bytes()
    cup = (content / "articles" / "cup-final.yaml").read_bytes()
    proc = _cli("check", "--seeds", str(seeds), "--content", str(content), "--mark-duplicates")
    assert proc.returncode == 0, proc.stderr
    articles = content / "articles"
    assert (articles / "budget-copy.yaml").read_text(encoding="utf-8") == (
        "# filed twice by the wire\ntitle: Budget day   # as printed\ntags: [economy]\nduplicate_of: budget\n")
    assert yaml.safe_load((articles / "budget-again.yaml").read_text(encoding="utf-8")) == {"duplicate_of": "budget"}
    assert (articles / "budget-kept.yaml").read_bytes() == kept  # hand-set: never touched, even pointing elsewhere
    assert (articles / "cup-final.yaml").read_bytes() == cup
    assert not (articles / "cup-repeat.yaml").exists()  # the hand-marked original's copy is not turned around
    assert not (articles / "budget-near.yaml").exists()  # near-identical: listed for review, not written
    assert "review: budget-near repeats" in proc.stderr and "duplicate_of: budget" in proc.stderr
    assert "marked 2 identical copies, 1 near-identical article to review" in proc.stdout


def test_after_marking_the_archive_builds_and_check_has_no_identical_warning(tmp_path):
    seeds, content = _archive(tmp_path)
    (content / "articles" / "budget-kept.yaml").write_text("duplicate_of: budget\n", encoding="utf-8")
    _cli("check", "--seeds", str(seeds), "--content", str(content), "--mark-duplicates")
    proc = _cli("check", "--seeds", str(seeds), "--content", str(content))
    assert proc.returncode == 0, proc.stderr
    assert "is identical to" not in proc.stderr and "repeats" in proc.stderr
    build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))
    page = (tmp_path / "site" / urls.article("budget-again")).read_text(encoding="utf-8")
    assert f'This article is a copy of <a href="{href(urls.article("budget-again"), urls.article("budget"))}">' in page


def test_a_copy_the_archivist_named_as_an_original_is_not_marked(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    seeds.mkdir()
    (content / "site.yaml").write_text("title: Test\n", encoding="utf-8")
    for name in ("x", "y", "z"):
        (seeds / f"{name}.txt").write_text(f"date 2005-03-16\n\n{STORY}\n", encoding="utf-8")
    (content / "articles" / "z.yaml").write_text("duplicate_of: y\n", encoding="utf-8")
    proc = _cli("check", "--seeds", str(seeds), "--content", str(content), "--mark-duplicates")
    assert "y: left as it is: the metadata of z names it as the original" in proc.stderr
    assert not (content / "articles" / "y.yaml").exists()  # marking it would make a chain z -> y -> x
    build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))


def test_marking_twice_changes_nothing_more(tmp_path):
    seeds, content = _archive(tmp_path)
    _cli("check", "--seeds", str(seeds), "--content", str(content), "--mark-duplicates")
    before = {p.name: p.read_bytes() for p in (content / "articles").iterdir()}
    proc = _cli("check", "--seeds", str(seeds), "--content", str(content), "--mark-duplicates")
    assert "marked 0 identical copies" in proc.stdout
    assert {p.name: p.read_bytes() for p in (content / "articles").iterdir()} == before


def test_add_key_keeps_comments_line_ends_and_byte_order_mark(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: A  # mine\r\nsummary: |\r\n  two\r\n  lines\r\n")
    assert add_key(path, "duplicate_of", "b") is None
    assert path.read_bytes() == b"\xef\xbb\xbftitle: A  # mine\r\nsummary: |\r\n  two\r\n  lines\r\nduplicate_of: b\r\n"


def test_add_key_refuses_what_it_cannot_edit_safely_and_leaves_it_as_it_was(tmp_path):
    flow = tmp_path / "flow.yaml"
    flow.write_text("{title: A, tags: [x]}\n", encoding="utf-8")
    assert "by hand" in add_key(flow, "duplicate_of", "b")
    assert flow.read_text(encoding="utf-8") == "{title: A, tags: [x]}\n"
    has = tmp_path / "has.yaml"
    has.write_text("duplicate_of: c\n", encoding="utf-8")
    assert add_key(has, "duplicate_of", "b") == "already has 'duplicate_of'"
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    assert add_key(listed, "duplicate_of", "b") == "does not hold a mapping of fields"
    noend = tmp_path / "noend.yaml"
    noend.write_text("title: A", encoding="utf-8")
    assert add_key(noend, "duplicate_of", "b") is None
    assert noend.read_text(encoding="utf-8") == "title: A\nduplicate_of: b\n"
