"""Atomic file operations: the one temp-file-and-rename, the one lock, the one libc loader, and folder swaps.

Every file the generator keeps (pages, the build cache, the search
indexes' records) is replaced by writing a temporary file beside it and
renaming it over the old one, so a reader (or the next build after a kill)
sees the old bytes or the new ones, never half.  A whole fresh site is
swapped in with one ``renameat2(RENAME_EXCHANGE)`` where Linux has it.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import functools
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


# mtime_ns, ctime_ns, size, inode (any edit changes one of them), packed: 65 bytes a file instead of 200 as a
# tuple of four ints (two per article, and one per input file while a build looks at them all)
StatKey = bytes
_STAT = struct.Struct("<qqQQ")


def status_key(st: os.stat_result) -> StatKey:
    """What the build remembers of a file's status: equal keys, same file (the one definition of it)."""
    return _STAT.pack(st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def modified_ns(key: StatKey) -> int:
    """The modification time a :func:`status_key` holds (racy files: ``incremental.load.RACY_NS``)."""
    return _STAT.unpack(key)[0]


def stat_key(path: str | Path) -> StatKey | None:
    """:func:`status_key` of ``path``, or None when it cannot be looked at."""
    try:
        return status_key(os.stat(path))
    except OSError:
        return None


@functools.cache
def libc() -> ctypes.CDLL:
    """The C library, loaded once, with ``errno`` kept for ``ctypes.get_errno``."""
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def stage(path: Path, fill: Callable[[BinaryIO], None], mode: int | None = None) -> Path:
    """Write a temporary file beside ``path`` with ``fill(fh)`` and return its name; nothing is left on failure.

    The caller renames it over ``path`` (:func:`atomic_write` does both);
    staging alone lets a caller prepare several files and commit them later.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``: readers see old or new."""
    atomic_fill(path, lambda fh: fh.write(data), mode)


def atomic_fill(path: Path, fill: Callable[[BinaryIO], object], mode: int | None = None) -> None:
    """:func:`atomic_write` of what ``fill(fh)`` writes (a pickler streaming into the file, say)."""
    tmp = stage(path, fill, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def lock_folder(path: Path) -> _Held | None:
    """An exclusive ``flock`` on an existing folder (no file is made); None where there is none (not POSIX)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        return None
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return _Held(fd)


class _Held:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def staging_dir(final: Path) -> Path:
    """A fresh temporary folder beside ``final`` (same file system, so the swap is a rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{final.name}-build-", dir=final.parent))
    spread_folders(staged)
    return staged


_LONG = array.array("l").itemsize
_FS_IOC_GETFLAGS = 0x80000000 | (_LONG << 16) | (ord("f") << 8) | 1
_FS_IOC_SETFLAGS = 0x40000000 | (_LONG << 16) | (ord("f") << 8) | 2
_FS_TOPDIR_FL = 0x00020000


def spread_folders(folder: Path) -> None:
    """Mark ``folder`` as the top of a folder hierarchy for ext4's inode allocator (``chattr +T``); best effort.

    Why: a clean build creates tens of thousands of files, usually right
    after the previous site (or a killed build's leftovers) was deleted.  On
    ext4 without a journal, the allocator will not reuse an inode freed in the
    last minutes, and it checks every such inode of a block group, one by one,
    for each new file: a new file costs 100-450 us instead of ~30 us, and
    42,000 of them 15-40 s of system time (measured on this machine;
    ``recently_deleted()`` in the kernel's ``ialloc.c``).  New files go to
    their folder's block group, and the folders below a "top" folder are
    spread over block groups with many free inodes and few folders (the
    Orlov allocator), away from the one the deleted site filled, so the same
    42,000 files take 1-3 s.  With a journal the flag only spreads folders;
    file systems without it refuse the call, which is ignored.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | _O_CLOEXEC)
    except OSError:
        return
    try:
        flags = array.array("i", [0, 0])  # the kernel reads and writes an int; room for a long
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags, True)
        if not flags[0] & _FS_TOPDIR_FL:
            flags[0] |= _FS_TOPDIR_FL
            fcntl.ioctl(fd, _FS_IOC_SETFLAGS, flags, True)
    except OSError:
        pass
    finally:
        os.close(fd)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


_RENAME_NOREPLACE = 1


def _renameat2(a: Path, b: Path, flags: int) -> bool:
    """Linux ``renameat2``; False where unsupported, OSError for other failures."""
    if not sys.platform.startswith("linux"):
        return False
    lib = libc()
    try:
        fn = lib.renameat2
    except AttributeError:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    return _renameat2(a, b, _RENAME_EXCHANGE)


def make_spread_folder(path: Path) -> None:
    """Make a folder of a fresh site's top level under a random name, then rename it to ``path``.

    Why: below a "top" folder (:func:`spread_folders`) ext4 starts its search
    for a block group from a hash of the new folder's name and takes the
    first one with no folders.  Under its fixed name ("articles") a folder
    would go back every build to the block groups the previous build filled
    and the bench or the build just emptied, whose inodes were freed too
    recently to be reused cheaply; under a random first name it lands
    elsewhere, and the rename leaves its inode where it is.  Two processes
    write one fresh site (the pages and the search index), so the rename
    never replaces a folder the other one made.
    """
    tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=path.parent))
    try:
        os.chmod(tmp, 0o755)
        if _renameat2(tmp, path, _RENAME_NOREPLACE):
            return
    except FileExistsError:
        pass
    tmp.rmdir()
    path.mkdir(exist_ok=True)


def swap_into_place(staged: Path, final: Path) -> None:
    """Replace ``final`` with ``staged`` with no moment where ``final`` is missing.

    Where the kernel can exchange two folders atomically it does; elsewhere
    it falls back to two quick renames.  The old copy is deleted by a
    detached process, off the build's critical path (a large site takes
    seconds to delete); leftovers of an interrupted deletion are collected by
    the next build (:func:`collect_leftovers`).
    """
    os.chmod(staged, 0o755)
    if not (final.exists() or final.is_symlink()):
        os.rename(staged, final)
        return
    if _exchange(staged, final):
        old = staged.with_name(staged.name.replace("-build-", "-old-", 1))
        os.rename(staged, old)
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}-old-", dir=final.parent)) / "site"
        os.rename(final, old)
        os.rename(staged, final)
    remove_later(old)


def remove_later(path: Path) -> None:
    """Delete a folder in a detached process that outlives the build."""
    try:
        subprocess.Popen(
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


def collect_leftovers(final: Path) -> None:
    """Old sites and staging folders of builds that were killed: remove them in the background."""
    if not final.parent.is_dir():
        return
    for entry in final.parent.iterdir():
        if entry.name.startswith((f".{final.name}-old-", f".{final.name}-build-")) and entry.is_dir():
            # A build running right now owns its fresh staging folder: leave young ones alone.
            if entry.name.startswith(f".{final.name}-old-") or time.time() - entry.stat().st_mtime > 3600:
                remove_later(entry)


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)




# ------------------------------------------------------------------ a change to the site, applied once committed


@dataclass
class SiteChange:
    """What a build changes in the site (and beside it), prepared before it commits and applied after.

    Every step can be done again after a kill (see ``incremental.cache.recover``): a rename whose temporary
    file is gone was done, a deletion of a missing file is nothing, and the swap looks at the staged site's
    marker to tell whether it happened.  Paths are absolute strings (the change is pickled).
    """

    renames: list[tuple[str, str]] = field(default_factory=list)  # (temporary file, the file it replaces)
    deletions: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # folders to remove if the deletions left them empty, deepest first
    created: list[str] = field(default_factory=list)  # folders staging makes (new ones): undone with the change
    swap: tuple[str, str] | None = None  # (a fresh site staged beside the site, the site): swapped in last
    marker: str = ""  # the marker file's name in a site (a swap looks at the staged one's status)
    marker_stamp: tuple[int, int, int] | None = None  # the staged marker's (device, inode, mtime)

    def __bool__(self) -> bool:
        return bool(self.renames or self.deletions or self.swap)

    def __post_init__(self) -> None:
        """Every path absolute: the change is applied again by whichever build comes next, from any folder."""
        ab = os.path.abspath
        self.renames = [(ab(t), ab(g)) for t, g in self.renames]
        self.deletions = [ab(p) for p in self.deletions]
        self.folders = [ab(p) for p in self.folders]
        self.created = [ab(p) for p in self.created]
        if self.swap is not None:
            self.swap = (ab(self.swap[0]), ab(self.swap[1]))

    def add_renames(self, pairs: list[tuple[str, str]]) -> None:
        self.renames.extend((os.path.abspath(t), os.path.abspath(g)) for t, g in pairs)

    def add_deletions(self, paths: list[str]) -> None:
        self.deletions.extend(os.path.abspath(p) for p in paths)


def temporary_name(target: str, tag: str) -> str:
    """The temporary file a change stages for ``target``: hidden, beside it, named by the change (``tag``), so a
    change that never committed can be rolled back from its list alone."""
    head, name = os.path.split(target)
    return os.path.join(head, f".{name}.{tag}.tmp")


def write_new(path: str, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` with plain system calls (a fresh site's file, or a change's temporary name,
    replacing what a killed attempt left there)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_CLOEXEC, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def file_stamp(path: str | Path) -> tuple[int, int, int] | None:
    """A file's (device, inode, modification time): what a rename keeps, so it tells one file from another."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


def apply_change(change: SiteChange) -> None:
    """Apply a committed change (again, after a kill: each step is skipped when it was done).

    Raises when a rename's temporary file and its target are both missing:
    that change cannot be the one this site went through.
    """
    for tmp, target in change.renames:
        try:
            os.replace(tmp, target)
        except FileNotFoundError:  # renamed before the kill
            if not os.path.lexists(target):
                raise
    _unlink_all(change.deletions)
    _rmdir_empty(change.folders)
    if change.swap is not None:
        staged, final = (Path(p) for p in change.swap)
        if staged.is_dir():
            if file_stamp(staged / change.marker) == change.marker_stamp:
                swap_into_place(staged, final)
            else:  # exchanged before the kill: the old site is what is left under the staged name
                old = staged.with_name(staged.name.replace("-build-", "-old-", 1))
                os.rename(staged, old)
                remove_later(old)


def discard_change(change: SiteChange) -> None:
    """Undo a change that never committed: its temporary files, the folders staging made, its staged site."""
    _unlink_all(tmp for tmp, _target in change.renames)
    _rmdir_empty(change.created)
    if change.swap is not None:
        shutil.rmtree(change.swap[0], ignore_errors=True)


def _unlink_all(paths: Iterable[str]) -> None:
    """Remove files; one already gone is no error (a change applied or undone again after a kill)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _rmdir_empty(folders: Iterable[str]) -> None:
    """Remove folders that are empty; one that holds files, or is gone, stays as it is."""
    for folder in folders:
        with contextlib.suppress(OSError):
            os.rmdir(folder)
