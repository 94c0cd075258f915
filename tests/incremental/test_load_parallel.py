"""A cold load in forked workers (reading, making articles, relating them) gives the same archive, cache and messages as one made in this process."""

from __future__ import annotations

import pickle
import shutil

import pytest
from conftest import copy_fixture

from generator.build import BuildOptions, build
from generator.incremental import load as loadmod
from generator.model import archive as modelmod
from generator.util.diagnostics import BuildError, Diagnostics
from generator.util.shelf import Stored, StoredText


def _load(seeds, content, jobs, base=None):
    diag = Diagnostics(base=base)
    archive, cache = loadmod.load(seeds, content, None, diag, None, None, jobs)
    return archive, cache, [str(p) for p in diag.problems]


@pytest.fixture
def forking(monkeypatch):
    """Fork for any archive, in tasks of two articles (real archives fork from 2,000 articles on)."""
    monkeypatch.setattr(loadmod, "PARALLEL_MIN", 1)
    monkeypatch.setattr(loadmod, "_CHUNK", 2)
    monkeypatch.setattr(modelmod, "RELATE_FORK_MIN", 1)  # related articles found in workers too


def test_forked_load_equals_the_serial_one(tmp_path, forking):
    seeds, content = copy_fixture(tmp_path / "archive")
    (seeds / "no-meta.txt").write_text("date 2021-09-01 A report with no metadata about Kabul.\n", encoding="utf-8")
    (seeds / "empty-body.txt").write_text("date 2021-09-02\n", encoding="utf-8")
    one, cache_one, said_one = _load(seeds, content, 1)
    two, cache_two, said_two = _load(seeds, content, 2)
    assert said_two == said_one and any("no metadata file" in s for s in said_one)
    assert [pickle.dumps(a) for a in two.articles] == [pickle.dumps(a) for a in one.articles]
    assert [a.related for a in two.articles] == [a.related for a in one.articles]
    assert cache_two.read == cache_one.read == len(one.articles)
    assert list(cache_two.records) == list(cache_one.records)
    for key, rec in cache_one.records.items():
        other = cache_two.records[key]
        assert other.__reduce__()[1][:-2] == rec.__reduce__()[1][:-2], key  # all but the article (above) and racy
        assert other.racy == rec.racy


@pytest.mark.parametrize("phase", ["reading", "making"])
def test_forked_load_reports_every_files_problems_in_order(tmp_path, forking, phase):
    seeds, content = copy_fixture(tmp_path / "archive")
    (seeds / "z-latin1.txt").write_bytes(b"date 2021-09-01 Caf\xe9 report, not UTF-8\n")  # a warning
    if phase == "reading":  # files that cannot be read: reported before any article is made
        metas = sorted((content / "articles").glob("*.yaml"))
        metas[0].write_text("title: [unclosed\n", encoding="utf-8")
        metas[-1].write_text("title: ok\nentities: nobody\n", encoding="utf-8")
    else:  # articles that cannot be made
        (seeds / "a-undated.txt").write_text("No date line here.\n", encoding="utf-8")
    said = []
    for jobs in (1, 2):
        with pytest.raises(BuildError) as exc:
            _load(seeds, content, jobs)
        said.append([str(p) for p in exc.value.problems])
    assert said[1] == said[0]
    assert sum(": error:" in s for s in said[0]) >= (2 if phase == "reading" else 1)


def test_a_site_built_with_forked_loading_is_byte_identical(tmp_path, forking):
    seeds, content = copy_fixture(tmp_path / "archive")
    sites = []
    for jobs in (1, 2):
        out = tmp_path / f"site{jobs}"
        build(BuildOptions(seeds=seeds, content=content, out=out, jobs=jobs, whoosh=False, cache=False))
        sites.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
        shutil.rmtree(out)
    assert sites[1] == sites[0]


def test_forked_messages_name_files_as_the_serial_load_does(tmp_path, forking):
    """Messages are relative to the build's base folder in the workers too (they are kept in the cache)."""
    seeds, content = copy_fixture(tmp_path / "archive")
    (seeds / "no-meta.txt").write_text("date 2021-09-01 A report with no metadata.\n", encoding="utf-8")
    said = [_load(seeds.resolve(), content.resolve(), jobs, base=tmp_path)[2] for jobs in (1, 2)]
    assert said[1] == said[0]
    assert any(s.startswith("archive/seeds/no-meta.txt:") for s in said[0]), said[0]


def test_spilled_texts_stay_on_disk_and_read_back_as_the_serial_loads(tmp_path, forking):
    """With a spill folder the workers keep the articles' texts in files: the parent's records hold spans of
    them (util.shelf), which read back as the serial load's texts; the spill files are gone once loaded."""
    seeds, content = copy_fixture(tmp_path / "archive")
    one, cache_one, _ = _load(seeds, content, 1)
    spill = tmp_path / "cache"
    diag = Diagnostics()
    two, cache_two = loadmod.load(seeds, content, None, diag, None, None, 2, spill=spill)
    assert not any(spill.iterdir())  # removed once read: the open descriptors keep them readable
    for a, b in zip(one.articles, two.articles, strict=True):
        assert isinstance(b.plain_text, StoredText) and isinstance(b.body, Stored)
        assert b.text == a.text and b.parts() == a.parts() and b.lead == a.lead
        # pickled (to a cluster's worker, say) it carries its text, not the span
        assert pickle.loads(pickle.dumps(b)).plain_text == a.text
    for key, rec in cache_two.records.items():
        assert isinstance(rec.parsed, Stored)
        assert rec.seed_and_meta == cache_one.records[key].seed_and_meta


def test_a_site_built_with_spilled_texts_is_byte_identical(tmp_path, forking):
    """The CLI's cold build (cache on: texts spilled, then kept in the records files) equals one without a cache."""
    seeds, content = copy_fixture(tmp_path / "archive")
    sites = []
    for cache in (False, True):
        out = tmp_path / f"site{cache}"
        build(BuildOptions(seeds=seeds, content=content, out=out, jobs=2, whoosh=False, cache=cache))
        sites.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert sites[1] == sites[0]
    records = sorted((tmp_path / ".siteTrue-cache" / "records").iterdir())
    assert records and not list((tmp_path / ".siteTrue-cache").glob(".spill-*"))
