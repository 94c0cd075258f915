"""The JSONL importer: bad lines refused with line numbers, the rest imported, and the result builds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import href

from generator.build import BuildOptions, build
from generator.curation.importer import import_jsonl
from generator.model import urls

ROOT = Path(__file__).resolve().parents[2]

GOOD_1 = {"id": "1001", "title": "Cocoa  prices rise", "date": "1987-02-26", "body": "Cocoa prices rose on <BP> news.\n\nReuter",
          "source": "Reuters", "people": [], "orgs": ["icco"], "places": ["usa", "ghana"], "topics": ["cocoa"]}
GOOD_2 = {"id": 1002, "title": "Undated wheat note", "date": None, "body": "Wheat was quiet in the USA.",
          "places": ["usa"], "topics": ["wheat", "grain"], "people": ["james-baker"]}
GOOD_3 = {"id": "1003", "title": "", "date": "1987-03-01", "body": ""}
LABELS = {"places": {"usa": "United States", "ghana": "Ghana"}, "orgs": {"icco": "International Cocoa Organization"},
          "topics": {"cocoa": "Cocoa", "wheat": "Wheat"}, "people": {"james-baker": "James Baker"}}


def _corpus(tmp_path: Path) -> Path:
    lines = [
        json.dumps(GOOD_1),                                   # 1
        "{not json",                                          # 2
        json.dumps({"title": "no id", "date": "1987-01-01"}),  # 3
        json.dumps({"id": "2001", "date": "1987-02-30"}),     # 4
        "",                                                   # 5 (blank: ignored)
        json.dumps(GOOD_2),                                   # 6
        json.dumps({**GOOD_1, "title": "again"}),             # 7 duplicate of line 1
        json.dumps(GOOD_3),                                   # 8
        json.dumps(["a", "list"]),                            # 9
        json.dumps({"id": "2002", "places": "usa"}),          # 10
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
    return path


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_import_refuses_bad_lines_with_numbers_and_imports_the_rest(tmp_path):
    corpus = _corpus(tmp_path)
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    stats = import_jsonl(corpus, seeds, content, json.loads((tmp_path / "labels.json").read_text()))
    assert stats.articles == 3
    assert stats.refused == 6
    assert stats.undated == 1 and stats.empty_bodies == 1
    problems = "\n".join(stats.problems)
    assert f"{corpus}:2: error: not valid JSON" in problems
    assert f"{corpus}:3: error: missing 'id'" in problems
    assert f"{corpus}:4: error: 'date' must be YYYY-MM-DD or null, got '1987-02-30'" in problems
    assert f"{corpus}:7: error: duplicate id '1001' (first on line 1)" in problems
    assert f"{corpus}:9: error: each line must be a JSON object" in problems
    assert f"{corpus}:10: error: 'places' must be a list of strings" in problems
    assert len(stats.problems) == 6
    # ids survive as file names
    assert sorted(p.name for p in seeds.iterdir()) == ["1001.txt", "1002.txt", "1003.txt"]
    assert sorted(p.name for p in (content / "articles").iterdir()) == ["1001.yaml", "1002.yaml", "1003.yaml"]
    assert (seeds / "1001.txt").read_text(encoding="utf-8") == "date 1987-02-26\n\nCocoa prices rose on <BP> news.\n\nReuter\n"
    assert (seeds / "1002.txt").read_text(encoding="utf-8").startswith("date undated\n")
    meta = _yaml(content / "articles" / "1001.yaml")
    assert meta["title"] == "Cocoa prices rise"
    assert meta["source"] == "Reuters"
    assert meta["tags"] == ["Cocoa"]
    assert meta["entities"] == ["icco", "usa", "ghana"]
    assert _yaml(content / "articles" / "1002.yaml")["tags"] == ["Wheat", "grain"]  # unlabelled code kept as is
    assert _yaml(content / "articles" / "1003.yaml")["title"] == "(untitled 1003)"
    # labels map codes to names
    assert _yaml(content / "entities" / "usa.yaml") == {"type": "place", "name": "United States"}
    assert _yaml(content / "entities" / "icco.yaml") == {"type": "organisation", "name": "International Cocoa Organization"}
    assert _yaml(content / "entities" / "james-baker.yaml") == {"type": "person", "name": "James Baker", "aliases": ["Baker"]}
    assert stats.entities_new == 4
    assert (content / "site.yaml").is_file()


def test_imported_folder_builds(tmp_path):
    corpus = _corpus(tmp_path)
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    import_jsonl(corpus, seeds, content, LABELS)
    out = tmp_path / "site"
    result = build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    assert result.articles == 3
    assert result.diagnostics.errors == []
    html = (out / urls.article("1001")).read_text(encoding="utf-8")
    assert "<h1>Cocoa prices rise</h1>" in html
    assert "&lt;BP&gt;" in html and "<BP>" not in html
    usa = (out / urls.entity("united-states"))
    assert not usa.exists()  # entity ids come from codes, not names
    usa_html = (out / urls.entity("usa")).read_text(encoding="utf-8")
    assert "<h1>United States</h1>" in usa_html
    assert urls.article("1001") in usa_html and urls.article("1002") in usa_html  # declared in metadata
    assert (out / "archive" / "undated" / "index.html").is_file()


def test_reimport_keeps_edited_entities(tmp_path):
    corpus = _corpus(tmp_path)
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    import_jsonl(corpus, seeds, content, LABELS)
    edited = "type: place\nname: USA (edited)\naliases: [U.S.]\n"
    (content / "entities" / "usa.yaml").write_text(edited, encoding="utf-8")
    stats = import_jsonl(corpus, seeds, content, LABELS)
    assert (content / "entities" / "usa.yaml").read_text(encoding="utf-8") == edited
    assert (stats.entities_new, stats.entities_kept) == (0, 4)  # all four entity files kept, none rewritten


def test_cli_import_prints_counts_and_exits_1_on_refused_lines(tmp_path):
    corpus = _corpus(tmp_path)
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "import", "jsonl", str(corpus), "--labels", str(tmp_path / "labels.json"),
         "--seeds", str(seeds), "--content", str(content)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{corpus}:2: error: not valid JSON" in proc.stderr
    assert f"{corpus}:7: error: duplicate id '1001'" in proc.stderr
    assert ("imported 3 articles (1 without body text, 1 undated), 4 new entities (0 already there), refused 6 lines; "
            "files: 10 new, 0 unchanged, 0 kept as edited, 0 replaced") in proc.stdout
    assert (seeds / "1002.txt").is_file()
    seed = seeds / "1001.txt"
    seed.write_text("date 1987-02-26\n\nCorrected by hand.\n", encoding="utf-8")
    again = subprocess.run(proc.args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert f"kept {seed}\n" in again.stdout  # the summary names the files it kept, not only their number
    assert "kept 1 edited file (listed above" in again.stdout


def test_cli_import_limit_and_missing_file(tmp_path):
    corpus = _corpus(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "import", "jsonl", str(corpus), "--limit", "1",
         "--seeds", str(tmp_path / "s"), "--content", str(tmp_path / "c")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr  # line 1 is good: the bad lines after it are never read
    assert proc.stdout == ("imported 1 article (0 without body text, 0 undated), 3 new entities (0 already there), refused 0 lines; "
                           "files: 5 new, 0 unchanged, 0 kept as edited, 0 replaced\n")
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["1001.txt"]
    proc = subprocess.run([sys.executable, "-m", "generator", "import", "jsonl", str(tmp_path / "nope.jsonl")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=_env())
    assert proc.returncode == 1
    assert "nope.jsonl: error: no such file" in proc.stderr
    assert "Traceback" not in proc.stderr


def _env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_non_utf8_line_is_refused_and_reading_goes_on(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"id": "a1", "date": "1987-01-01", "body": "First."}).encode() + b"\r\n"
        + b'{"id": "a2", "date": "1987-01-02", "body": "Caf\xe9"}\n'
        + json.dumps({"id": "a3", "date": "1987-01-03", "body": "Third."}).encode() + b"\n"
    )
    stats = import_jsonl(path, tmp_path / "seeds", tmp_path / "content", {})
    assert stats.articles == 2
    assert stats.refused == 1
    assert len(stats.problems) == 1 and stats.problems[0].startswith(f"{path}:2: error: not UTF-8")
    assert sorted(p.name for p in (tmp_path / "seeds").iterdir()) == ["a1.txt", "a3.txt"]


def test_label_objects_give_name_description_and_surname_alias(tmp_path):
    labels = {"people": {"james-baker": {"label": "James Baker", "description": "Treasury Secretary James Baker",
                                         "group": "United States"}}}
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "7", "title": "BAKER SPEAKS", "date": "1987-03-01",
                                  "body": "Treasury Secretary James Baker spoke. Baker said rates would hold.",
                                  "people": ["james-baker"]}) + "\n", encoding="utf-8")
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    stats = import_jsonl(corpus, seeds, content, labels)
    assert stats.articles == 1
    entity = (content / "entities" / "james-baker.yaml").read_text()
    assert "name: James Baker" in entity
    assert "description: Treasury Secretary James Baker" in entity
    assert "- Baker" in entity
    assert "{" not in entity  # the object is never written out as a name
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    html = (out / urls.article("7")).read_text()
    link = f'<a class="mention" href="{href(urls.article("7"), urls.entity("james-baker"))}">'
    assert (html.count(f"{link}James Baker</a>"), html.count(f"{link}Baker</a>"), html.count(link)) == (1, 1, 2)


def test_reimport_keeps_edits_leaves_identical_files_untouched_and_update_replaces(tmp_path):
    corpus = _corpus(tmp_path)
    labels = json.loads((tmp_path / "labels.json").read_text())
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    import_jsonl(corpus, seeds, content, labels)
    seed, meta = seeds / "1001.txt", content / "articles" / "1002.yaml"
    seed.write_text("date 1987-02-26\n\nCorrected by hand.\n", encoding="utf-8")
    untouched = seeds / "1002.txt"
    before = untouched.stat().st_mtime_ns
    stats = import_jsonl(corpus, seeds, content, labels)
    assert seed.read_text(encoding="utf-8") == "date 1987-02-26\n\nCorrected by hand.\n"
    assert untouched.stat().st_mtime_ns == before  # identical: not even rewritten
    assert (stats.files_new, stats.files_kept, stats.files_replaced) == (0, [str(seed)], [])
    assert stats.files_unchanged == 9
    meta.write_text("title: Edited\n", encoding="utf-8")
    stats = import_jsonl(corpus, seeds, content, labels, update=True)
    assert sorted(stats.files_replaced) == sorted([str(seed), str(meta)])
    assert "Corrected" not in seed.read_text(encoding="utf-8")
    assert "Edited" not in meta.read_text(encoding="utf-8")


def test_label_aliases_reach_the_registry_and_link_the_text(tmp_path):
    labels = {"orgs": {"opec": {"label": "Organisation of Petroleum Exporting Countries", "aliases": ["OPEC"]}}}
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "9", "title": "OPEC MEETS", "date": "1987-03-01",
                                  "body": "OPEC ministers met in Vienna.", "orgs": ["opec"]}) + "\n", encoding="utf-8")
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    import_jsonl(corpus, seeds, content, labels)
    entity = yaml.safe_load((content / "entities" / "opec.yaml").read_text(encoding="utf-8"))
    assert entity["aliases"] == ["OPEC"]
    out = tmp_path / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    link = f'<a class="mention" href="{href(urls.article("9"), urls.entity("opec"))}"'
    assert link in (out / urls.article("9")).read_text(encoding="utf-8")
