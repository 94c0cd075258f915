"""Curation: discover + accept, check (sources and built-site links), duplicates, hostile input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.build import BuildOptions, build
from generator.curation.duplicates import find_duplicates
from generator.curation.linkcheck import check_site
from generator.discover.run import discover_archive
from generator.model import urls
from generator.util.diagnostics import BuildError, Diagnostics
from tests.conftest import copy_fixture, href

ROOT = Path(__file__).resolve().parents[2]
NEWS = Path(__file__).resolve().parents[1] / "fixtures" / "news"


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def _news(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(NEWS, tmp_path / "news")
    return tmp_path / "news" / "seeds", tmp_path / "news" / "content"


# --- discover -------------------------------------------------------------------------------


def test_discover_merges_variants_and_guesses_types(tmp_path):
    seeds, content = _news(tmp_path)
    result = discover_archive(seeds, content, Diagnostics())
    by_name = {p.name: p for p in result.proposals}
    brown = by_name["Gordon Brown"]  # "Gordon Brown", "Mr Brown", "Brown", "Brown's": one proposal
    assert (brown.type, brown.aliases) == ("person", ["Brown"])
    assert brown.articles == 3 and brown.example_article and "Brown" in brown.example
    assert by_name["Ahmad Massoud"].aliases == ["Massoud"]
    assert by_name["Microsoft Corp"].type == "organisation" and "Microsoft" in by_name["Microsoft Corp"].aliases
    assert by_name["London"].type == "place"
    assert by_name["Arsenal"].type == "organisation"  # "Arsenal striker ...": a body's name
    assert by_name["US"].aliases == ["U.S."]  # dots of acronyms ignored when merging
    names = set(by_name)
    assert not names & {"Wednesday", "Sunday", "Prime Minister", "Chancellor", "The", "Mr Brown"}
    counts = [p.articles for p in result.proposals]
    assert counts == sorted(counts, reverse=True)


def test_discover_cli_writes_only_the_proposals_file_then_accept_fills_the_registry(tmp_path):
    seeds, content = _news(tmp_path)
    (content / "entities").mkdir()
    (content / "entities" / "massoud.yaml").write_text("type: person\nname: Ahmad Masood\n", encoding="utf-8")
    proc = _cli("discover", "--seeds", str(seeds), "--content", str(content))
    assert proc.returncode == 0, proc.stderr
    proposed = content / "entities.proposed.yaml"
    data = yaml.safe_load(proposed.read_text(encoding="utf-8"))
    assert sorted(p.name for p in (content / "entities").iterdir()) == ["massoud.yaml"]  # registry untouched
    entry = data["ahmad-massoud"]
    assert entry["similar"] == ["Ahmad Masood (massoud)"]  # near-duplicate of a registry name flagged
    assert set(entry) >= {"type", "name", "articles", "confidence", "example", "example_article"}
    del data["ahmad-massoud"]  # the reviewer rejects it ...
    data["taliban"]["type"] = "organisation"  # ... settles an unsure one ...
    data["bill-gates"]["type"] = "unsure"  # ... and is not sure of another
    assert "analysts" not in data  # a word seen only at the start of sentences is not proposed
    proposed.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    proc = _cli("discover", "--accept", str(proposed), "--content", str(content), "--min-confidence", "0.3")
    assert proc.returncode == 0, proc.stderr
    written = {p.stem for p in (content / "entities").iterdir()}
    assert {"gordon-brown", "london", "taliban", "microsoft-corp"} <= written
    assert "ahmad-massoud" not in written and "bill-gates" not in written  # rejected; unsure stays out
    assert "type is still 'unsure'" in proc.stderr
    assert yaml.safe_load((content / "entities" / "gordon-brown.yaml").read_text()) == {
        "type": "person", "name": "Gordon Brown", "aliases": ["Brown"]}
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    page = (out / urls.entity("gordon-brown")).read_text(encoding="utf-8")
    assert "Gordon Brown" in page and "budget-day" in page
    again = _cli("discover", "--accept", str(proposed), "--content", str(content))
    assert "already" in again.stderr  # accepting twice never rewrites an entity file


# --- check, duplicates ------------------------------------------------------------------------


def test_check_reports_duplicates_and_duplicate_of_silences_them(tmp_path):
    seeds, content = _news(tmp_path)
    proc = _cli("check", "--seeds", str(seeds), "--content", str(content))
    assert proc.returncode == 0, proc.stderr
    assert "warning: budget-day-copy.txt is identical to budget-day.txt; if it is a copy, add 'duplicate_of: " \
           "budget-day' to content/articles/budget-day-copy.yaml" in proc.stderr
    (content / "articles").mkdir()
    (content / "articles" / "budget-day-copy.yaml").write_text("title: Budget\nduplicate_of: budget-day\n")
    proc = _cli("check", "--seeds", str(seeds), "--content", str(content), "--strict")
    assert "identical" not in proc.stderr
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    copy = (out / urls.article("budget-day-copy")).read_text(encoding="utf-8")
    original = href(urls.article("budget-day-copy"), urls.article("budget-day"))
    assert f'This article is a copy of <a href="{original}">' in copy
    index = "".join(p.read_text(encoding="utf-8") for p in (out / "search").rglob("*.js"))
    assert '"budget-day"' in index and '"budget-day-copy"' not in index  # search shows the original only


def test_duplicate_of_must_name_an_original(tmp_path):
    seeds, content = copy_fixture(tmp_path / "a")
    (content / "articles" / "kabul-airport.yaml").write_text("title: K\nduplicate_of: nowhere\n", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))
    assert str(exc.value.problems[0]).endswith(
        "kabul-airport.yaml:2: error: 'duplicate_of': there is no article 'nowhere' (expected seeds/nowhere.txt)")


def test_near_duplicates_are_found_and_different_stories_are_not():
    base = " ".join(f"word{i}" for i in range(200))
    near = base.replace("word100 ", "changed ")
    other = " ".join(f"other{i}" for i in range(200))
    found = find_duplicates([("a", base), ("b", near), ("c", other), ("d", base), ("e", "short text")])
    assert [(d.original, d.copy, d.identical) for d in found] == [("a", "b", False), ("a", "d", True)]


def test_bundled_archive_build_passes_check(tmp_path):
    out = tmp_path / "site"
    build(BuildOptions(seeds=ROOT / "seeds", content=ROOT / "content", out=out, whoosh=False))
    proc = _cli("check", "--site", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken links" in proc.stdout


def test_link_check_finds_broken_links_anchors_folders_and_absolute_paths(tmp_path, built_site):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    assert check_site(site)[1] == []
    page = site / urls.article("kabul-airport")
    html = page.read_text(encoding="utf-8")
    root = urls.root_of(urls.article("kabul-airport"))
    page.write_text(html.replace("</main>", f'<a href="gone.html">x</a><a href="{root}index.html#nope">y</a>'
                                 f'<a href="{root}entity/">z</a><a href="/etc/passwd">w</a></main>'), encoding="utf-8")
    problems = [str(p) for p in check_site(site)[1]]
    assert any("'gone.html' leads to no file" in p for p in problems)
    assert any("anchor '#nope'" in p for p in problems)
    assert any("leads to a folder" in p for p in problems)
    assert any("'/etc/passwd' starts at the server root" in p for p in problems)
    proc = _cli("check", "--seeds", str(ROOT / "tests/fixtures/archive/seeds"),
                "--content", str(ROOT / "tests/fixtures/archive/content"), "--site", str(site))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


# --- hostile and mistaken input ---------------------------------------------------------------------


@pytest.mark.parametrize("where", ["seed", "meta", "page"])
def test_links_out_of_the_archive_are_refused(tmp_path, where):
    seeds, content = copy_fixture(tmp_path / "a")
    secret = tmp_path / "secret.txt"
    secret.write_text("date 2021-01-01\n\ntitle: secret\n---\ntitle: x\n---\nSECRET\n", encoding="utf-8")
    link = {"seed": seeds / "leak.txt", "meta": content / "articles" / "kabul-airport.yaml",
            "page": content / "pages" / "leak.md"}[where]
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    with pytest.raises(BuildError) as exc:
        build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))
    msgs = [str(p) for p in exc.value.problems]
    assert any(m.startswith(f"{link}: error: refused: this is a link to {secret}") for m in msgs), msgs


def test_entities_written_as_text_is_an_error_with_its_line(tmp_path):
    seeds, content = copy_fixture(tmp_path / "a")
    path = content / "articles" / "kabul-airport.yaml"
    path.write_text("title: Blasts\nentities: kabul, ahmad-massoud\n", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False))
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:2: error: 'entities' must be a list of ids, one per line ('- kabul') or in brackets ([a, b]), "
        "got 'kabul, ahmad-massoud'"]
