"""``python -m generator`` from the shell: help, error output without tracebacks, base URL extras."""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import copy_fixture, href

from generator.model import urls

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([str(PYTHON), "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_help():
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("build", "serve", "import", "query"):
        assert command in proc.stdout
    proc = run("build", "--help")
    assert proc.returncode == 0
    assert "--base-url" in proc.stdout and "--seeds" in proc.stdout and "--strict" in proc.stdout


def test_query_is_parsed_by_the_same_parser(tmp_path):
    """``query`` is a subcommand like the others: its help, usage errors and failures go through one parser."""
    proc = run("query", "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: python -m generator query [-h] [--site SITE] [--engine {client,whoosh}]")
    assert "--queries QUERIES     JSON Lines file of" in proc.stdout
    proc = run("query")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == "python -m generator query: error: give TEXT or --queries FILE"
    proc = run("query", "--engine", "lucene", "x")
    assert proc.returncode == 2
    assert "python -m generator query: error: argument --engine: invalid choice: 'lucene'" in proc.stderr
    proc = run("query", "--site", str(tmp_path / "nowhere"), "x")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"error: {tmp_path / 'nowhere' / 'search' / 'meta.js'} not found: build the site first\n"


def test_no_command_prints_help_and_fails():
    proc = run()
    assert proc.returncode == 2
    assert "usage:" in proc.stdout


def test_bad_yaml_build_exits_1_with_file_line_and_no_traceback(tmp_path):
    seeds, content = copy_fixture(tmp_path / "archive")
    out = tmp_path / "site"
    ok = run("build", "--seeds", str(seeds), "--content", str(content), "--out", str(out), "--no-whoosh")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("built 5 articles, 15 entities"), ok.stdout
    before = (out / "index.html").read_bytes()
    meta = content / "articles" / "kabul-airport.yaml"
    meta.write_text("title: Blasts\nsource: [Wire\n", encoding="utf-8")
    (content / "articles" / "hostile.yaml").write_text("titel: x\n", encoding="utf-8")
    proc = run("build", "--seeds", str(seeds), "--content", str(content), "--out", str(out), "--no-whoosh")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"{content / 'articles' / 'hostile.yaml'}:1: error: unknown key 'titel' in article metadata (did you mean 'title'?);"
        " known keys: authors, date, duplicate_of, entities, language, source, source_url, summary, tags, title",
        f"{meta}:3: error: invalid YAML: while parsing a flow sequence: did not find expected ',' or ']' (started on line 2)",
        f"build failed: 2 errors; {out}/ was left as it was",
    ]
    assert (out / "index.html").read_bytes() == before


def test_paths_are_relative_to_the_working_directory(tmp_path):
    copy_fixture(tmp_path / "archive")
    (tmp_path / "archive" / "content" / "articles" / "hostile.yaml").write_text("date: soon\n", encoding="utf-8")
    proc = run("build", "--no-whoosh", cwd=tmp_path / "archive")
    assert proc.returncode == 1
    assert "content/articles/hostile.yaml:1: error: 'date' must be a date written YYYY-MM-DD, got 'soon'" in proc.stderr.splitlines()


def test_missing_seeds_folder_is_an_error(tmp_path):
    proc = run("build", "--seeds", str(tmp_path / "nope"), "--content", str(tmp_path / "c"), "--out", str(tmp_path / "s"))
    assert proc.returncode == 1
    assert f"{tmp_path / 'nope'}: error: the seeds folder does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "s").exists()


def test_strict_turns_warnings_into_failure(tmp_path):
    seeds, content = copy_fixture(tmp_path / "archive")
    proc = run("build", "--strict", "--seeds", str(seeds), "--content", str(content), "--out", str(tmp_path / "s"), "--no-whoosh")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{seeds / name}.txt: error: no metadata file content/articles/{name}.yaml; title derived from the text"
        for name in ("anniversary", "clipping")
    ] + [f"build failed: 2 errors (--strict: warnings count as errors); {tmp_path / 's'}/ was left as it was"]
    assert not (tmp_path / "s").exists()  # nothing was written


def test_build_with_base_url_gives_canonical_feed_and_sitemap(tmp_path):
    seeds, content = copy_fixture(tmp_path / "archive")
    out = tmp_path / "site"
    proc = run("build", "--seeds", str(seeds), "--content", str(content), "--out", str(out),
               "--base-url", "https://archive.example.org/news", "--no-whoosh", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    base = "https://archive.example.org/news/"
    kabul = urls.article("kabul-airport")
    article = (out / kabul).read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}{kabul}">' in article
    feed_link = href(kabul, "feed.xml")
    assert f'<link rel="alternate" type="application/atom+xml" title="Test Archive" href="{feed_link}">' in article
    assert f'<link rel="canonical" href="{base}index.html">' in (out / "index.html").read_text(encoding="utf-8")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert feed.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f'<link rel="self" href="{base}feed.xml"/>' in feed
    assert f"<id>{base}{kabul}</id>" in feed
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{base}{kabul}</loc>" in sitemap
    second = urls.paginated(urls.entity("taliban"), 2)
    assert f"<loc>{base}{second}</loc>" in sitemap
    ET.fromstring(feed.encode())  # well-formed XML
    ET.fromstring(sitemap.encode())


def test_bad_base_url_is_refused(tmp_path):
    """--base-url gets the same http(s) check as base_url in site.yaml (a bad one used to crash the build)."""
    seeds, content = copy_fixture(tmp_path / "archive")
    proc = run("build", "--seeds", str(seeds), "--content", str(content), "--out", str(tmp_path / "s"),
               "--base-url", "javascript:alert(1)//", "--no-whoosh")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "--base-url: error: must be an http:// or https:// address, got 'javascript:alert(1)//'",
        f"build failed: 1 error; {tmp_path / 's'}/ was left as it was",
    ]
    assert not (tmp_path / "s").exists()


def test_whoosh_now_and_its_opposite(tmp_path):
    seeds, content = copy_fixture(tmp_path / "archive")
    out = tmp_path / "site"
    both = run("build", "--seeds", str(seeds), "--content", str(content), "--out", str(out), "--no-whoosh", "--whoosh-now")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr and not out.exists()
    now = run("build", "--seeds", str(seeds), "--content", str(content), "--out", str(out), "--whoosh-now")
    assert now.returncode == 0, now.stderr
    assert "whoosh index up to date: 5 documents, 5 indexed, 0 removed (from scratch)" in now.stdout
    query = run("query", "--site", str(out), "--engine", "whoosh", "panjshir")
    assert query.returncode == 0 and query.stderr == ""  # nothing left to index
    assert '"results": ["' in query.stdout


def test_serve_on_an_unknown_host_says_so(tmp_path):
    seeds, content = copy_fixture(tmp_path / "archive")
    proc = run("serve", "--seeds", str(seeds), "--content", str(content), "--out", str(tmp_path / "site"),
               "--host", "no-such-host.invalid", "--port", "0")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "error: cannot listen on no-such-host.invalid" in proc.stderr
