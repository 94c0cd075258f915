"""The build cache's commit (generator.incremental.cache.commit / recover) at the edges a kill test cannot time:
a stop just after the commit point, a change applied again from another folder, an error before the commit,
a committed change that cannot be applied, and a dev server whose saved state another build overtook.

A stop is simulated by an exception raised from inside the commit (``Stop``, not an ``Exception``: nothing
catches it on the way out, as nothing runs after a SIGKILL); the kill test in test_incremental.py sends real
SIGKILLs at points spread over commits.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from conftest import assert_same_site, tree
from test_incremental import Archive, clean_build

from generator.build import BuildOptions, build, persist_state
from generator.incremental import cache as cachemod
from generator.util import files as filesmod


class Stop(BaseException):
    """The process stopped here."""


def _options(arch: Archive, out: Path) -> BuildOptions:
    return BuildOptions(seeds=arch.seeds, content=arch.content, out=out)


def _edit(arch: Archive, n: int = 0) -> None:
    """A sentence added to one report (its page and search documents change)."""
    path = arch.seeds / "kabul-airport.txt"
    arch.put(path, path.read_text(encoding="utf-8").rstrip("\n") + f"\n\nThe convoy number {n} reached the bridge.\n")


def _new_month(arch: Archive) -> None:
    """A report from a month no other article has: the site gains folders (archive pages) it did not have."""
    arch.put(arch.seeds / "zz-far-report.txt", "date 2031-02-03 The convoy reached the valley after the thaw.\n")


def test_a_stop_right_after_the_commit_point_is_finished_by_the_next_build_even_from_another_folder(
        tmp_path, monkeypatch):
    """Stopped once inputs.pickle names the new build, before its change is applied: the next build applies
    it (every path is absolute: it runs from another folder with another spelling of the site's path)."""
    arch = Archive(tmp_path / "archive", random.Random(0))
    monkeypatch.chdir(tmp_path)
    out = Path("site")  # relative, as `make build` gives it
    build(_options(arch, out))
    _edit(arch)
    _new_month(arch)
    real = cachemod.apply_change

    def stop(change):
        raise Stop

    monkeypatch.setattr(cachemod, "apply_change", stop)
    with pytest.raises(Stop):
        build(_options(arch, out))
    monkeypatch.setattr(cachemod, "apply_change", real)
    folder = cachemod.cache_dir(tmp_path / "site")
    assert list(folder.glob("pending-*.pickle")), "the committed change should still be pending"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = build(_options(arch, Path("..") / "site"))
    assert result.mode == "unchanged" and result.note == ""  # the stopped build had done all the work
    assert not list(folder.glob("pending-*"))
    clean_build(arch, tmp_path / "ref" / "site")
    assert_same_site(tmp_path / "site", tmp_path / "ref" / "site", "after a stop at the commit point")


def test_an_interrupt_just_after_the_summary_is_written_keeps_the_commit(tmp_path, monkeypatch):
    """Ctrl+C arriving as the summary's rename returns: the commit stands and the next build finishes it
    (rolling the site back would leave it older than the cache that describes it)."""
    arch = Archive(tmp_path / "archive", random.Random(1))
    out = tmp_path / "site"
    build(_options(arch, out))
    _edit(arch)
    real = cachemod.atomic_write

    def write(path, data, *rest):
        real(path, data, *rest)
        if path.name == "inputs.pickle":
            raise KeyboardInterrupt

    monkeypatch.setattr(cachemod, "atomic_write", write)
    with pytest.raises(KeyboardInterrupt):
        build(_options(arch, out))
    monkeypatch.undo()
    assert build(_options(arch, out)).mode == "unchanged"
    clean_build(arch, tmp_path / "ref" / "site")
    assert_same_site(out, tmp_path / "ref" / "site", "after an interrupt at the commit point")


def test_an_error_before_the_commit_removes_the_folders_staging_made(tmp_path, monkeypatch):
    """A full disk while the state is written: the site is exactly as it was, without the new month's folders
    staging made for its pages, and the next build is incremental."""
    arch = Archive(tmp_path / "archive", random.Random(2))
    out = tmp_path / "site"
    build(_options(arch, out))
    before = tree(out)
    _new_month(arch)
    real = cachemod.write_pickle

    def full(path, obj):
        if path.name.startswith("state-"):
            raise OSError(28, "No space left on device")
        return real(path, obj)

    monkeypatch.setattr(cachemod, "write_pickle", full)
    with pytest.raises(OSError):
        build(_options(arch, out))
    monkeypatch.undo()
    assert tree(out) == before
    assert build(_options(arch, out)).mode == "incremental"


def test_a_committed_change_that_cannot_be_applied_means_a_clean_build_not_a_stuck_site(tmp_path, monkeypatch):
    """A pending change whose files vanished (a temporary file and its target both gone) cannot be this site's:
    the cache is dropped and the next build is a clean one, instead of every build failing on it."""
    arch = Archive(tmp_path / "archive", random.Random(3))
    out = tmp_path / "site"
    build(_options(arch, out))
    _edit(arch)
    monkeypatch.setattr(cachemod, "apply_change", lambda change: (_ for _ in ()).throw(Stop()))
    with pytest.raises(Stop):
        build(_options(arch, out))
    monkeypatch.undo()
    folder = cachemod.cache_dir(out)
    [pending] = folder.glob("pending-*.pickle")
    change = cachemod._read(pending).change
    for tmp, target in change.renames:
        Path(tmp).unlink(missing_ok=True)
        Path(target).unlink(missing_ok=True)
    result = build(_options(arch, out))
    assert result.mode == "clean"
    clean_build(arch, tmp_path / "ref" / "site")
    assert_same_site(out, tmp_path / "ref" / "site", "after a change that could not be applied")


def test_a_change_is_held_with_absolute_paths():
    change = filesmod.SiteChange([("a/.x.tmp", "a/x")], ["b/y"], ["b"], ["a"], ("s", "site"))
    paths = [*change.renames[0], *change.deletions, *change.folders, *change.created, *change.swap]
    assert all(os.path.isabs(p) for p in paths)


def test_a_dev_server_state_overtaken_by_another_build_is_not_trusted_or_saved(tmp_path):
    """The server saved its state in a pause; a CLI build then changed the site and committed; the server's next
    rebuild must start from the cache (not its stale manifest), and its save must not overwrite the CLI's."""
    arch = Archive(tmp_path / "archive", random.Random(4))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    opts = _options(arch, out)
    first = build(opts, persist=False)  # the server's first build, kept in memory
    arch.take_touched()
    _edit(arch, 1)
    served = build(opts, state=first.state, persist=False, changed=arch.take_touched())
    assert persist_state(opts, served.state)  # the pause's save
    _edit(arch, 2)
    arch.take_touched()
    assert build(opts).mode == "incremental"  # the CLI, beside the server
    assert not persist_state(opts, served.state)  # overtaken: nothing saved over the CLI's cache
    _edit(arch, 3)
    again = build(opts, state=served.state, persist=False, changed=arch.take_touched())
    assert again.mode == "incremental" and not again.merged
    clean_build(arch, ref)
    assert_same_site(out, ref, "after the server's rebuild of a site another build changed")
