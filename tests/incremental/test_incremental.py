"""Incremental builds: after any edit, the site is byte-identical to a clean build; the cache, the journal,
interrupted builds and the dev server's state.

The random edit sequences are in test_incremental_property.py (an archive big
enough for every window and page size); the tests here are the particular
cases: what an edit touches, unusable caches, errors, template changes,
builds killed while writing, the dev server handing its state on, listings.
``Archive`` is a copy of the small fixture archive whose YAML a test owns.

Edited files get distinct modification times in the past (a fake clock), so
the build really trusts the status of unchanged files, as it does on a real
archive edited minutes apart, instead of re-reading every recently touched file.
"""

from __future__ import annotations

import os
import pickle
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, EditedFiles, assert_same_site, copy_fixture, tree

from generator.build import BuildOptions, build
from generator.incremental import cache as cachemod
from generator.model import urls
from generator.util.diagnostics import BuildError

WORDS = ("valley", "convoy", "ceasefire", "governor", "harvest", "bridge", "corner", "negotiation", "airport", "winter")


class Archive(EditedFiles):
    """A copy of the fixture archive whose YAML this test owns (rewritten from dicts)."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.seeds, self.content = copy_fixture(root)
        self.rng = rng
        self.clock = 1_000_000_000  # fake modification times, one second apart, long ago
        self.registry = yaml.safe_load((self.content / "entities.yaml").read_text())
        self.site = yaml.safe_load((self.content / "site.yaml").read_text())
        self.metas = {p.stem: yaml.safe_load(p.read_text()) or {} for p in (self.content / "articles").glob("*.yaml")}
        self.counter = 0
        self.touched: set[str] = set()  # files changed since the last build, as the dev server's watcher reports them

    def put_registry(self) -> None:
        self.put(self.content / "entities.yaml", yaml.safe_dump(self.registry, allow_unicode=True, sort_keys=True))

    def put_meta(self, stem: str) -> None:
        self.put(self.content / "articles" / f"{stem}.yaml", yaml.safe_dump(self.metas[stem], allow_unicode=True))

    def seed_stems(self) -> list[str]:
        return sorted(p.stem for p in self.seeds.glob("*.txt"))

    def sentence(self) -> str:
        names = [e["name"] for e in self.registry.values()] + [a for e in self.registry.values() for a in e.get("aliases", [])]
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(3, 9))]
        words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(names))
        if self.rng.random() < 0.3:  # a title: a person's one-word alias links after it
            words.insert(self.rng.randrange(len(words)), "Mr")
        text = " ".join(words)  # names keep their capitals: they match only as written
        return text[0].upper() + text[1:] + "."

    # --- edits -----------------------------------------------------------------------------------
    def edit_body(self) -> str:
        stem = self.rng.choice(self.seed_stems())
        path = self.seeds / f"{stem}.txt"
        text = path.read_text(encoding="utf-8")
        if self.rng.random() < 0.5:
            text = text.rstrip("\n") + "\n\n" + self.sentence() + "\n"
        else:
            paras = text.split("\n\n")
            if len(paras) > 2:
                paras.pop(self.rng.randrange(1, len(paras)))
            text = "\n\n".join(paras)
        self.put(path, text)
        return f"body of {stem}"


def clean_build(archive: Archive, out: Path, templates: Path | None = None) -> None:
    if out.exists():
        shutil.rmtree(out)
    shutil.rmtree(Path(str(out) + ".whoosh"), ignore_errors=True)
    kwargs = {"templates": templates} if templates else {}
    build(BuildOptions(seeds=archive.seeds, content=archive.content, out=out, cache=False, **kwargs))


def test_incremental_build_touches_only_what_changed(tmp_path):
    arch = Archive(tmp_path / "archive", random.Random(0))
    out = tmp_path / "site"
    build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out))
    assert again.mode == "unchanged" and again.rendered == 0 and again.written == 0
    path = arch.seeds / "kabul-airport.txt"
    arch.put(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n\nA closing line about the winter convoy.\n")
    result = build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out))
    assert result.mode == "incremental"
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    touched = sorted(p.relative_to(out).as_posix() for p in after if before.get(p) != after[p])
    assert urls.article("kabul-airport") in touched
    # The page itself and a few search files: not the entity pages, archives or other articles.
    assert all(t == urls.article("kabul-airport") or t.startswith("search/") for t in touched), touched
    assert result.rendered == 1
    assert result.written == len(touched)


def test_a_tag_gaining_an_article_updates_the_tag_index_count(tmp_path):
    """A tag gains an article: the tags index (each tag with its number of articles) says so, as a clean build
    does.  First a dated one, then an undated one, which changes the count and nothing else of the tag's list
    (how many are dated, the undated tail's letters): the page's fingerprint must hold each collection's size."""
    arch = Archive(tmp_path / "archive", random.Random(0))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    build(opts)
    arch.metas["kabul-airport"]["tags"] = [*arch.metas["kabul-airport"]["tags"], "Panjshir"]
    arch.put_meta("kabul-airport")
    steps = [("a dated article", lambda: None),
             ("an undated article", lambda: (
                 arch.put(arch.seeds / "zz-undated-note.txt", "date undated A note from the valley, with no date on it.\n"),
                 arch.metas.__setitem__("zz-undated-note", {"title": "Undated note", "tags": ["Panjshir"]}),
                 arch.put_meta("zz-undated-note")))]
    for what, change in steps:
        change()
        assert build(opts).mode == "incremental"
        clean_build(arch, ref)
        assert_same_site(out, ref, f"after a tag gained {what}")


def test_unusable_cache_means_a_clean_build_with_a_note(tmp_path):
    arch = Archive(tmp_path / "archive", random.Random(0))
    out = tmp_path / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    build(opts)
    folder = cachemod.cache_dir(out)
    assert folder.is_dir() and folder.parent == out.parent  # beside the site, never inside it
    (folder / "inputs.pickle").write_bytes(b"not a pickle")
    r = build(opts)
    assert (r.mode, r.note) == ("clean", "the build cache is unreadable")
    summary = pickle.loads((folder / "inputs.pickle").read_bytes())
    summary.code = b"other version"
    (folder / "inputs.pickle").write_bytes(pickle.dumps(summary))
    r = build(opts)
    assert (r.mode, r.note) == ("clean", "the build cache was made by another version of the generator")
    shutil.rmtree(out)
    r = build(opts)
    assert r.mode == "clean" and r.note == f"{out}/ is not the site the build cache describes"
    r = build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out, full=True))
    assert (r.mode, r.note) == ("clean", "")
    # A records file swapped for another (its stamp is not the one the state names), or missing.
    records = sorted((folder / "records").glob("*.pickle"))
    assert len(records) == cachemod.RECORD_SHARDS
    first, second = records[0].read_bytes(), records[1].read_bytes()
    records[0].write_bytes(second)
    seed = arch.seeds / "kabul-airport.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")  # the state is read
    r = build(opts)
    assert (r.mode, r.note) == ("clean", "the build cache is unreadable")
    now = sorted((folder / "records").glob("*.pickle"))  # the clean build wrote every records file again, under
    assert len(now) == cachemod.RECORD_SHARDS and not set(now) & set(records)  # new names; the old ones are gone
    assert first not in {p.read_bytes() for p in now}
    now[1].unlink()
    seed.write_text(seed.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    r = build(opts)
    assert (r.mode, r.note) == ("clean", "the build cache is unreadable")
    seed.write_text(seed.read_text(encoding="utf-8") + "\nAnd a last one.\n", encoding="utf-8")
    assert build(opts).mode == "incremental"  # whole again
    shutil.rmtree(folder)
    r = build(opts)
    assert (r.mode, r.note) == ("clean", "")


def test_an_edit_rewrites_only_the_records_file_of_its_article(tmp_path):
    arch = Archive(tmp_path / "archive", random.Random(0))
    out = tmp_path / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    build(opts)
    folder = cachemod.cache_dir(out) / "records"
    before = {p.name for p in folder.iterdir()}  # each write is a new file, named by a new stamp
    shard = f"{cachemod.record_shard('kabul-airport'):02d}-"
    seed = arch.seeds / "kabul-airport.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA late addition.\n", encoding="utf-8")
    assert build(opts).mode == "incremental"
    after = {p.name for p in folder.iterdir()}
    assert len(after) == cachemod.RECORD_SHARDS  # the file it replaced is gone
    assert [n[:3] for n in sorted(after - before)] == [shard]
    seed.unlink()  # a deletion rewrites the file that held the record, too
    (arch.content / "articles" / "kabul-airport.yaml").unlink()
    assert build(opts).mode == "incremental"
    again = {p.name for p in folder.iterdir()}
    assert len(again) == cachemod.RECORD_SHARDS
    assert [n[:3] for n in sorted(again - after)] == [shard]


def test_the_entity_registry_is_parsed_again_only_when_one_of_its_files_changed(tmp_path):
    arch = Archive(tmp_path / "archive", random.Random(0))
    out = tmp_path / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    (arch.content / "entities").mkdir(exist_ok=True)
    arch.put(arch.content / "entities" / "notes.txt", "not an entity\n")  # dated long ago: its status can be trusted
    first = build(opts)
    warned = [str(p) for p in first.diagnostics.warnings if "entity files" in p.message]
    assert warned, first.diagnostics.warnings
    seed = arch.seeds / "kabul-airport.txt"
    arch.put(seed, seed.read_text(encoding="utf-8") + "\nOne more line.\n")
    again = build(opts)
    assert again.mode == "incremental"
    assert again.state.load.registry is not None and again.state.load.registry[1] == first.state.load.registry[1]
    assert [str(p) for p in again.diagnostics.warnings if "entity files" in p.message] == warned  # said again
    # A renamed entity: the registry is read again, and the pages show the new name.
    arch.registry[next(iter(arch.registry))]["name"] = "Renamed Entity Zq"
    arch.put_registry()
    third = build(opts)
    assert third.mode == "incremental"
    assert any(d.name == "Renamed Entity Zq" for d in third.state.load.registry[1])
    assert any("Renamed Entity Zq" in p.read_text(encoding="utf-8") for p in (out / "entity").rglob("*.html"))


def test_an_error_leaves_the_site_and_the_next_good_build_is_incremental(tmp_path):
    arch = Archive(tmp_path / "archive", random.Random(0))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out))
    before = tree(out)
    arch.metas["kabul-airport"]["entities"] = ["no-such-entity"]
    arch.put_meta("kabul-airport")
    with pytest.raises(BuildError) as err:
        build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out))
    assert "unknown entity 'no-such-entity'" in str(err.value)
    assert tree(out) == before
    arch.metas["kabul-airport"]["entities"] = ["ahmad-massoud"]
    arch.put_meta("kabul-airport")
    result = build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out))
    assert result.mode == "incremental"
    clean_build(arch, ref)
    assert_same_site(out, ref, "after fixing an error")


def test_warnings_are_reported_again_when_nothing_changed(tmp_path):
    arch = Archive(tmp_path / "archive", random.Random(0))
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=tmp_path / "site")
    first = [str(w) for w in build(opts).diagnostics.warnings]
    assert any("title derived from the text" in w for w in first)
    again = build(opts)
    assert again.mode == "unchanged"
    assert [str(w) for w in again.diagnostics.warnings] == first
    arch.edit_body()
    assert sorted(str(w) for w in build(opts).diagnostics.warnings) == sorted(first)


def test_a_template_change_rerenders_the_pages(tmp_path):
    arch = Archive(tmp_path / "archive", random.Random(0))
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out, templates=templates)
    build(opts)
    base = templates / "base.html"
    base.write_text(base.read_text().replace("Skip to content", "Skip to the article"))
    css = templates / "assets" / "style.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    result = build(opts)
    assert result.mode == "incremental" and result.rendered > 10
    clean_build(arch, ref, templates)
    assert_same_site(out, ref, "after a template and a stylesheet change")
    assert b"Skip to the article" in (out / "index.html").read_bytes()


def _big_archive(root: Path, n: int) -> tuple[Path, Path]:
    seeds, content = copy_fixture(root)
    body = (seeds / "000_88806ccc1889e30e.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    for i in range(n):
        (seeds / f"copy-{i:04d}.txt").write_text(f"date 2021-{1 + i % 12:02d}-{1 + i % 28:02d}\n{body}", encoding="utf-8")
    return seeds, content


def _cli(seeds: Path, content: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--seeds", str(seeds), "--content", str(content), "--out", str(out), "--jobs", "1", *extra],
        cwd=root_of(out), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def root_of(out: Path) -> Path:
    return out.parent


def _recorded(site: Path) -> dict:
    """The whoosh documents recorded beside ``site``, the log's frames applied: id -> (digest, document)."""
    from generator.search.whoosh_docs import read_target

    target = read_target(Path(str(site) + ".whoosh"))
    assert target is not None
    return {i: (dg, pickle.loads(data)) for i, (dg, data) in target.items()}


@pytest.mark.parametrize("kind", ["incremental", "clean"])
def test_a_build_killed_while_it_commits_costs_no_clean_build(tmp_path, kind):
    """SIGKILL a build at points spread over its commit (its pending change written, its files staged, the
    summary replaced, the change applied): the next build finishes or undoes it, is never a clean one, and the
    site and the whoosh records are those of a clean build.  ``incremental`` rewrites every page in place;
    ``clean`` (--full) swaps a fresh site in.  Every other time the edit is taken back before the next build:
    a change that never committed must then leave no trace (in the site, or in whoosh's log)."""
    seeds, content = _big_archive(tmp_path / "archive", 150)
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    assert _cli(seeds, content, out).wait() == 0
    folder = cachemod.cache_dir(out)
    site_yaml, seed = content / "site.yaml", seeds / "kabul-airport.txt"
    seen = 0
    for i, delay in enumerate((0.0, 0.0, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.08)):
        before = site_yaml.read_text(), seed.read_text()
        site_yaml.write_text(before[0].replace("title: Test Archive", f"title: Test Archive {i}", 1))
        seed.write_text(before[1] + f"\nA line about convoy number {i}.\n")
        proc = _cli(seeds, content, out, *(["--full"] if kind == "clean" else []))
        while not any(folder.glob("pending-*.pickle")) and proc.poll() is None:
            time.sleep(0.0002)
        if proc.poll() is None:
            seen += 1
            time.sleep(delay)  # somewhere in the commit (or just after it, for the longest delays)
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if i % 2:
            site_yaml.write_text(before[0])
            seed.write_text(before[1])
        finish = _cli(seeds, content, out)
        stdout, stderr = finish.communicate()
        assert finish.returncode == 0, stderr
        assert b"(clean)" not in stdout and b"note:" not in stdout, stdout
        shutil.rmtree(Path(str(ref) + ".whoosh"), ignore_errors=True)
        build(BuildOptions(seeds=seeds, content=content, out=ref, cache=False))
        step = f"after a kill {delay} s into the commit{' and the edit taken back' if i % 2 else ''}"
        assert_same_site(out, ref, step)
        assert _recorded(out) == _recorded(ref), f"{step}: the whoosh records differ"
        assert not list(folder.glob("pending-*")) and not (folder / "writing").exists()
        assert len(list(folder.glob("state-*.pickle"))) == 1 and len(list(folder.glob("search-*.pickle"))) == 1
        assert len(list((folder / "records").iterdir())) == cachemod.RECORD_SHARDS  # what no summary names is gone
    assert seen >= 7, "the builds finished before they were seen committing"


def test_an_error_before_the_commit_leaves_the_site_and_the_cache_as_they_were(tmp_path, monkeypatch):
    """A failure while the cache is written (a full disk) undoes the staged change: the old site stays, no
    temporary file is left in it, and the next build is incremental."""
    arch = Archive(tmp_path / "archive", random.Random(0))
    out = tmp_path / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    build(opts)
    before = tree(out)
    arch.edit_body()

    real = cachemod.write_pickle

    def full(path, obj):
        if path.name.startswith("state-"):  # after the site's files were staged
            raise OSError(28, "No space left on device")
        return real(path, obj)

    monkeypatch.setattr(cachemod, "write_pickle", full)
    with pytest.raises(OSError):
        build(opts)
    monkeypatch.undo()
    assert tree(out) == before
    assert not list(cachemod.cache_dir(out).glob("pending-*"))
    assert build(opts).mode == "incremental"


def test_a_clean_build_killed_halfway_leaves_the_old_site(tmp_path):
    """SIGKILL a clean build while it writes its staging folder: the old site is left as it was."""
    seeds, content = _big_archive(tmp_path / "archive", 150)
    out = tmp_path / "site"
    assert _cli(seeds, content, out).wait() == 0
    before = tree(out)
    proc = _cli(seeds, content, out, "--full")
    staged = None
    while staged is None and proc.poll() is None:  # the new site being written beside the old one
        staged = next((p for p in out.parent.glob(f".{out.name}-build-*") if (p / "articles").is_dir()), None)
        time.sleep(0.001)
    assert staged is not None, "the build finished before it was seen writing"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the build had ended before the kill"  # killed, not finished
    assert tree(out) == before
    # Its render workers and index processes die with it (none is left running for ever).
    deadline = time.monotonic() + 30
    while _processes_building(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_building(out) == []


def _processes_building(out: Path) -> list[int]:
    found = []
    for proc_dir in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (proc_dir / "cmdline").read_bytes()
        except OSError:
            continue
        if b"generator\0build" in cmd and str(out).encode() in cmd:
            found.append(int(proc_dir.name))
    return found


def _serve(tmp_path: Path, arch: Archive, out: Path) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "serve.log"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    with log.open("w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--seeds", str(arch.seeds), "--content", str(arch.content),
             "--out", str(out), "--port", str(port)], cwd=tmp_path, env=env, stdout=fh, stderr=subprocess.STDOUT)
    return proc, log


def _wait_for(log: Path, text: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120  # guards against a hang only
    while text not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"never saw {text!r}:\n{log.read_text()}")
        time.sleep(0.05)


@pytest.mark.parametrize("stop", ["interrupt", "kill", "kill after a pause"])
def test_the_dev_server_hands_its_state_to_the_next_build(tmp_path, stop):
    """Stopped with Ctrl+C, the server saves its state (the next build is incremental); killed right after a
    rebuild, it leaves the journal (a clean build); killed after a pause, in which it saved its state, it costs
    the next build nothing."""
    arch = Archive(tmp_path / "archive", random.Random(0))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    proc, log = _serve(tmp_path, arch, out)
    try:
        _wait_for(log, "serving", proc)
        path = arch.seeds / "kabul-airport.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph about the bridge.\n", encoding="utf-8")
        _wait_for(log, "rebuilt 5 articles", proc)
        assert (cachemod.cache_dir(out) / "writing").exists()  # the cache on disk is stale until the server saves
        if stop == "kill after a pause":
            deadline = time.monotonic() + 60
            while (cachemod.cache_dir(out) / "writing").exists():
                assert time.monotonic() < deadline, "the server never saved its state in a pause"
                time.sleep(0.1)
        proc.send_signal(signal.SIGINT if stop == "interrupt" else signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    result = build(BuildOptions(seeds=arch.seeds, content=arch.content, out=out))
    if stop == "kill":
        assert (result.mode, result.note) == ("clean", "the previous build was interrupted")
    else:
        assert (result.mode, result.note) == ("incremental", "")
    clean_build(arch, ref)
    assert_same_site(out, ref, f"after a dev server session ended by {stop}")


def test_the_cli_saves_its_cache_before_it_returns(tmp_path):
    """Nothing is left running when the CLI returns: the next build finds the cache whole and is incremental."""
    seeds, content = _big_archive(tmp_path / "archive", 150)
    out = tmp_path / "site"
    for i in range(3):
        path = seeds / "kabul-airport.txt"
        path.write_text(path.read_text(encoding="utf-8") + f"\nEdit number {i} about the convoy.\n", encoding="utf-8")
        proc = _cli(seeds, content, out)
        stdout, stderr = proc.communicate()
        assert proc.returncode == 0, stderr
        assert (b"(clean)" if i == 0 else b"(incremental)") in stdout, stdout
        assert _processes_building(out) == []


def test_the_dev_servers_file_list_is_trusted_only_for_files_already_listed(tmp_path):
    """The listing is reused only when every changed file was listed and still exists; anything else lists again."""
    from generator.incremental.load import _list, _reusable
    from generator.util.diagnostics import Diagnostics

    arch = Archive(tmp_path / "archive", random.Random(0))
    listing = _list(arch.seeds, arch.content, Diagnostics())
    seed = arch.seeds / "kabul-airport.txt"
    registry = arch.content / "entities.yaml"
    assert _reusable(listing, arch.seeds, arch.content, [str(seed.resolve()), str(registry)]) == {
        p for _sid, p in listing.seed_files if p.endswith("kabul-airport.txt")}
    assert _reusable(listing, arch.seeds, arch.content, None) is None  # not told: look at everything
    assert _reusable(listing, arch.seeds, arch.content, [str(arch.seeds / "new.txt")]) is None  # not listed
    (arch.seeds / "sub").mkdir()
    assert _reusable(listing, arch.seeds, arch.content, [str(arch.seeds / "sub" / "a.txt")]) is None
    assert _reusable(listing, arch.seeds, arch.content, [str(arch.content / "articles")]) is None
    link = tmp_path / "elsewhere"
    link.symlink_to(arch.seeds)
    assert _reusable(listing, arch.seeds, arch.content, [str(link / "kabul-airport.txt")])  # another spelling of a listed file
    seed.unlink()
    assert _reusable(listing, arch.seeds, arch.content, [str(seed)]) is None  # deleted


def test_the_cli_lists_the_seed_folders_again_only_when_what_they_hold_changed(tmp_path, monkeypatch):
    """An edit keeps the last listing (same names and kinds, with its warnings said again); an added file,
    a file turned into a folder or a new metadata file lists again, and the site matches a clean build."""
    from generator.incremental import load as loadmod
    arch = Archive(tmp_path / "archive", random.Random(0))
    arch.put(arch.seeds / "notes.md", "not a seed\n")  # a listing warning
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    listed = []
    real = loadmod._list
    monkeypatch.setattr(loadmod, "_list", lambda *a: (listed.append(1), real(*a))[1])
    first = build(opts)
    warned = [str(w) for w in first.diagnostics.warnings if "notes.md" in str(w)]
    assert listed == [1] and warned
    arch.edit_body()
    again = build(opts)
    assert again.mode == "incremental" and listed == [1]  # the same names: the listing was kept
    assert [str(w) for w in again.diagnostics.warnings if "notes.md" in str(w)] == warned
    steps = [
        ("a new seed", lambda: arch.put(arch.seeds / "zz-new-report.txt", "date 2021-09-09 A new report from Kabul.\n")),
        ("a seed turned into a folder", lambda: ((arch.seeds / "zz-new-report.txt").unlink(),
                                                 (arch.seeds / "zz-new-report.txt").mkdir())),
        ("a new metadata file", lambda: arch.put(arch.content / "articles" / "notes.yaml", "title: Notes\n")),
    ]
    for n, (what, change) in enumerate(steps, start=2):
        change()
        if what == "a new metadata file":  # for a seed that does not exist: an error, found because the folder was listed again
            with pytest.raises(BuildError, match="metadata for a seed that does not exist"):
                build(opts)
        else:
            build(opts)
        assert len(listed) == n, what
    (arch.content / "articles" / "notes.yaml").unlink()
    assert build(opts).mode == "unchanged"  # as at the last good build (the folder step)
    clean_build(arch, ref)
    assert_same_site(out, ref, "after listing changes")
    # A seed that becomes a link: its kind is its target's, so nothing is kept while a link is listed.
    seed = arch.seeds / "kabul-airport.txt"
    target = arch.seeds / "originals" / "kabul-airport.txt"  # links out of seeds/ are refused
    target.parent.mkdir()
    target.write_bytes(seed.read_bytes())
    seed.unlink()
    seed.symlink_to(target)
    before = len(listed)
    build(opts)
    arch.edit_body()
    build(opts)
    assert len(listed) == before + 2


def test_the_dev_server_starting_on_a_current_site_keeps_the_state_for_its_first_rebuild(tmp_path, monkeypatch):
    """Nothing changed since the CLI's build: the server's first build is 'unchanged' but keeps the state, so its
    first rebuild neither reads the cache again nor looks at every file, and equals a clean build."""
    arch = Archive(tmp_path / "archive", random.Random(0))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    build(opts)
    start = build(opts, persist=False)  # what the dev server does first
    assert start.mode == "unchanged" and start.state is not None
    assert build(opts).state is None  # the CLI's no-change build still only reports

    def no_second_read(*_a):
        raise AssertionError("the cache was read again")

    monkeypatch.setattr(cachemod, "read_state", no_second_read)
    monkeypatch.setattr(cachemod, "inputs_digest", no_second_read)
    seed = arch.seeds / "kabul-airport.txt"
    arch.put(seed, seed.read_text(encoding="utf-8") + "\nA sentence the server saw.\n")
    first = build(opts, state=start.state, persist=False, changed={str(seed.resolve())})
    assert first.mode == "incremental" and first.written >= 1
    monkeypatch.undo()
    clean_build(arch, ref)
    assert_same_site(out, ref, "after the server's first rebuild")


def test_a_file_renamed_while_the_build_lists_the_folders_is_found_by_the_next_build(tmp_path, monkeypatch):
    """The listing's key comes from the listing's own folder reads: a seed missing only while the folder
    was listed (an editor's save dance) is listed again by the next build, not lost for good."""
    from generator.incremental import load as loadmod
    arch = Archive(tmp_path / "archive", random.Random(0))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out)
    seed = arch.seeds / "zz-new-report.txt"  # no metadata file: the build stands without it
    arch.put(seed, "date 2021-09-09 A new report from Kabul.\n")
    build(opts)
    away = tmp_path / "zz-new-report.txt~"
    real = loadmod._list

    def listing_while_away(*a):
        seed.rename(away)  # after the build looked at every file's status, before it lists the folders
        try:
            return real(*a)
        finally:
            away.rename(seed)

    monkeypatch.setattr(loadmod, "_list", listing_while_away)
    arch.put(arch.seeds / "zz-second-report.txt", "date 2021-09-10 Another report.\n")  # the folder is listed again
    first = build(opts)
    assert not (out / urls.article("zz-new-report")).exists()  # what the listing saw
    monkeypatch.setattr(loadmod, "_list", real)
    assert build(opts).mode == "incremental"
    clean_build(arch, ref)
    assert_same_site(out, ref, "after a seed back after the listing")
    assert first.articles + 1 == len(list(arch.seeds.glob("*.txt")))


def test_the_dev_server_looks_at_every_file_when_a_seed_is_a_link(tmp_path):
    """seeds/alias.txt -> clipping.txt: an edit of clipping.txt changes alias.txt too, under another name."""
    from generator.incremental.load import _list, _reusable
    from generator.util.diagnostics import Diagnostics

    arch = Archive(tmp_path / "archive", random.Random(0))
    target = arch.seeds / "kabul-airport.txt"
    (arch.seeds / "alias.txt").symlink_to(target.name)
    listing = _list(arch.seeds, arch.content, Diagnostics())
    assert _reusable(listing, arch.seeds, arch.content, [str(target.resolve())]) is None
    out = tmp_path / "site"
    opts = BuildOptions(seeds=arch.seeds, content=arch.content, out=out, whoosh=False)
    state = build(opts, persist=False).state
    arch.put(target, target.read_text(encoding="utf-8") + " Zanzibarian postscript.")
    build(opts, state=state, persist=False, changed=arch.take_touched())
    assert "Zanzibarian" in (out / urls.article("alias")).read_text(encoding="utf-8")


def test_the_dev_server_frees_what_its_builds_left_frozen(tmp_path):
    """The dev server rebuilds for hours: garbage cycles frozen away from the collector must not pile up.

    (python-markdown and Jinja make reference cycles; frozen, they would never be freed.)  The server tidies
    when idle; here, after each rebuild.
    """
    import gc

    from generator.serve import BuildStatus, Rebuilder

    arch = Archive(tmp_path / "archive", random.Random(0))
    rebuilder = Rebuilder(BuildOptions(seeds=arch.seeds, content=arch.content, out=tmp_path / "site"), BuildStatus())
    assert rebuilder.run()
    seed = arch.seeds / "kabul-airport.txt"
    text = seed.read_text(encoding="utf-8")
    counts = []
    for i in range(12):
        arch.put(seed, text + f" word{i}")  # one new word each time, the last one gone: the archive keeps its size
        assert rebuilder.run("rebuilt", "", sorted(arch.take_touched()))
        assert not rebuilder.tidy_when_idle()  # not while edits are coming in
        assert rebuilder.tidy_when_idle(quiet=0.0)
        counts.append(gc.get_freeze_count())
    assert counts[-1] == counts[6], counts  # once caches have filled (and whoosh merged its segments), flat
    gc.unfreeze()  # leave the collector as other tests expect it
