"""The writer's fresh folders: where ext4 puts them (the top-folder flag) and how they are made."""

from __future__ import annotations

import array
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from generator.output.writer import Writer
from generator.util import files
from generator.util.files import make_spread_folder, staging_dir


def _flags(path: Path) -> int | None:
    """The folder's inode flags (``lsattr``), or None where the file system has none."""
    fd = os.open(path, os.O_RDONLY)
    try:
        buf = array.array("i", [0, 0])
        fcntl.ioctl(fd, files._FS_IOC_GETFLAGS, buf, True)
        return buf[0]
    except OSError:
        return None
    finally:
        os.close(fd)


def _takes_top_flag(parent: Path) -> bool:
    """Whether the file system under ``parent`` keeps the top-folder flag on a folder (``chattr +T``): tried on a
    folder of our own, with the same calls (ext4 does; tmpfs has flags on recent kernels, but not this one)."""
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=parent))
    try:
        fd = os.open(probe, os.O_RDONLY)
        try:
            buf = array.array("i", [0, 0])  # as the writer does: the kernel reads and writes an int
            fcntl.ioctl(fd, files._FS_IOC_GETFLAGS, buf, True)
            buf[0] |= files._FS_TOPDIR_FL
            fcntl.ioctl(fd, files._FS_IOC_SETFLAGS, buf, True)
        except OSError:
            return False
        finally:
            os.close(fd)
        return bool((_flags(probe) or 0) & files._FS_TOPDIR_FL)
    finally:
        probe.rmdir()


def _file_systems(tmp_path: Path) -> list[Path]:
    """The test's folder and, where there is one, a tmpfs folder: both kinds of file system on most Linux machines
    (ext4 or the like, and tmpfs), whichever of the two /tmp is."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        return [tmp_path]
    other = Path(tempfile.mkdtemp(prefix="writer-test-", dir=shm))
    return [tmp_path, other]


def test_staging_folder_is_a_top_folder_where_the_file_system_has_flags(tmp_path: Path) -> None:
    """Beside the site (one file system: the swap is a rename), empty and writable; marked a top folder where the
    file system has inode flags (ext4), and made all the same where it has none (tmpfs refuses the call)."""
    for parent in _file_systems(tmp_path):
        try:
            staged = staging_dir(parent / "site")
            assert staged.parent == parent and staged.name.startswith(".site-build-")
            assert staged.stat().st_dev == parent.stat().st_dev and list(staged.iterdir()) == []
            (staged / "index.html").write_text("i")
            flags = _flags(staged)
            assert bool(flags and flags & files._FS_TOPDIR_FL) == _takes_top_flag(parent), (parent, flags)
        finally:
            if parent != tmp_path:
                shutil.rmtree(parent)


def test_fresh_writer_makes_top_folders_readable_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    staged = staging_dir(tmp_path / "site")
    w = Writer(staged)
    w.write("articles/a.html", "a")
    w.write("search/d/0.js", "d")
    w.write("search/index.html", "s")
    w.write("index.html", "i")
    assert sorted(p.name for p in staged.iterdir()) == ["articles", "index.html", "search"]
    for folder in ("articles", "search", "search/d"):
        assert (staged / folder).stat().st_mode & 0o777 == 0o755
    assert (staged / "search" / "d" / "0.js").read_text() == "d"


def test_spread_folder_never_replaces_a_folder_another_process_made(tmp_path: Path) -> None:
    made = tmp_path / "search"
    made.mkdir()
    inode = made.stat().st_ino
    make_spread_folder(made)
    assert made.stat().st_ino == inode
    assert [p.name for p in tmp_path.iterdir()] == ["search"]


def test_in_place_commit_replaces_files_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = Writer(staging_dir(site))
    first.write("articles/a.html", "old a")
    first.write("articles/b.html", "same")
    first.write("gone.html", "gone")
    files.swap_into_place(first.root, site)
    old_inode = (site / "articles" / "a.html").stat().st_ino

    w = Writer(site, first.manifest)
    w.write("articles/a.html", "new a")
    w.write("articles/b.html", "same")
    w.write("tag/new/index.html", "new folder")
    assert (site / "articles" / "a.html").read_text() == "old a"  # nothing changes before commit
    w.commit()
    assert (site / "articles" / "a.html").read_text() == "new a"
    assert (site / "articles" / "a.html").stat().st_ino != old_inode  # renamed over, never rewritten in place
    assert (site / "tag" / "new" / "index.html").read_text() == "new folder"
    assert not (site / "gone.html").exists()
    assert sorted(p.name for p in site.iterdir()) == ["articles", "tag"]
    assert sorted(p.name for p in (site / "articles").iterdir()) == ["a.html", "b.html"]
    assert (site / "articles" / "a.html").stat().st_mode & 0o777 == 0o644


def test_spread_folder_without_renameat2_is_a_plain_folder(tmp_path: Path, monkeypatch) -> None:
    """Where the kernel or libc has no renameat2, the folder is simply made (no random-named leftover)."""
    monkeypatch.setattr(files, "_renameat2", lambda a, b, flags: False)
    w = Writer(staging_dir(tmp_path / "site"))
    w.write("articles/a.html", "a")
    assert sorted(p.name for p in w.root.iterdir()) == ["articles"]
    assert (w.root / "articles" / "a.html").read_text() == "a"
