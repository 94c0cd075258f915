"""The only code that writes the site to disk.

Every file of ``site/`` — pages, feeds, assets and the search index — goes
through :class:`Writer`, which keeps every path inside the output folder,
refuses two files on one path (naming both producers) and remembers a digest
of each file's bytes (the build's manifest).

It writes in one of two ways:

* **fresh** (a clean build): into a new temporary folder beside the site,
  which :func:`swap_into_place` then exchanges with the old site in one atomic
  step, so a failed build leaves the previous ``site/`` untouched and there is
  never a moment without a site;
* **in place** (an incremental build): each changed file is written to a
  temporary name in its folder and renamed over the old one (atomic per
  file); a file whose bytes did not change is not touched at all; files the
  build no longer produces are removed.  The change is prepared as a
  :class:`~generator.util.files.SiteChange` that the build cache commits
  with the state describing it (``generator.incremental.cache.commit``): a
  build killed halfway is finished or undone by the next one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path, PurePosixPath

from generator.util.files import SiteChange, apply_change, make_spread_folder, temporary_name, write_new


class WriteError(Exception):
    """A page could not be written where it was meant to go."""


def digest(data: bytes) -> bytes:
    """What the manifest remembers of a file: 16 bytes of BLAKE2b (collisions are not a practical concern)."""
    return hashlib.blake2b(data, digest_size=16).digest()


def _folded(rel: str) -> str:
    """The path as a case-insensitive file system sees it: ``rel`` itself when already lower case (no second copy)."""
    key = rel.lower()
    return rel if key == rel else key


class Writer:
    """Writes files below ``root``; one path, one producer per build.

    ``previous`` is the manifest of the site already in ``root`` (path ->
    digest) when writing in place, or None for a fresh folder.
    """

    def __init__(self, root: Path, previous: dict[str, bytes] | None = None) -> None:
        self.root = root
        self.in_place = previous is not None
        self._previous = previous or {}
        self._owner: dict[str, str] = {}  # lower-cased path -> producer, for clash messages
        # producer -> the paths it claimed (owned_by, without a scan of all), for the producers asked for with
        # track(): not a set per page (a million-article site has two million pages)
        self._owned: dict[str, set[str]] = {}
        self.manifest: dict[str, bytes] = {}  # path -> digest of what the site holds after this build
        self._pending: list[tuple[Path, bytes]] = []  # in place: written by commit(), once nothing can fail
        self._made: set[Path] = set()  # fresh: folders already made
        self.written = 0  # files whose bytes were written (or are to be, in place) this build
        self.bytes = 0
        self.deleted = 0

    def _target(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel or rel != pure.as_posix():
            raise WriteError(f"refusing to write outside the site: {rel!r}")
        return self.root.joinpath(*pure.parts)

    def track(self, producer: str) -> None:
        """Remember which paths ``producer`` claims from now on (see :meth:`owned_by`)."""
        self._owned.setdefault(producer, set())

    def _own(self, rel: str, origin: str) -> None:
        key = _folded(rel)  # case-insensitive file systems would merge these
        if key in self._owner:
            raise WriteError(f"two pages want the same path {rel!r}: {self._owner[key]} and {origin or rel}")
        self._owner[key] = origin or rel
        owned = self._owned.get(origin)
        if owned is not None:
            owned.add(rel)

    def _claim(self, rel: str, origin: str) -> Path:
        target = self._target(rel)
        self._own(rel, origin)
        return target

    def write(self, rel: str, content: str | bytes, origin: str = "") -> bool:
        """Write one file (unless in place with the same bytes); True if bytes were written."""
        target = self._claim(rel, origin)
        data = content.encode("utf-8") if isinstance(content, str) else content
        d = digest(data)
        self.manifest[rel] = d
        if self.in_place and self._previous.get(rel) == d:
            return False
        if self.in_place:
            self._pending.append((target, data))
        else:
            self._fresh(target, data)
        self.written += 1
        self.bytes += len(data)
        return True

    def _fresh(self, target: Path, data: bytes) -> None:
        """Write a new file into the fresh folder: each folder made once, plain system calls (42k files a Reuters build)."""
        folder = target.parent
        if folder not in self._made:
            if folder != self.root:
                top = self.root / target.relative_to(self.root).parts[0]
                if top not in self._made:
                    make_spread_folder(top)
                    self._made.add(top)
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        write_new(str(target), data)

    def keep(self, rel: str, origin: str = "") -> None:
        """Claim a file the previous build wrote and this one would write identically (not rendered again).

        Its path was checked when it was written; only clashes are checked again.
        """
        if rel not in self._previous:
            raise WriteError(f"internal: {rel!r} kept but not in the previous build's manifest")
        self._own(rel, origin)
        self.manifest[rel] = self._previous[rel]

    def keep_rest(self, but: set[str], origin: str) -> None:
        """:meth:`keep` every file of the previous build but those in ``but`` (the dev server's merge keeps all
        but the pages it renders and the search index's files); one pass, no call per file."""
        owner, owned, manifest = self._owner, self._owned.get(origin), self.manifest
        for rel, d in self._previous.items():
            if rel in but:
                continue
            key = _folded(rel)
            if key in owner:
                raise WriteError(f"two pages want the same path {rel!r}: {owner[key]} and {origin}")
            owner[key] = origin
            if owned is not None:
                owned.add(rel)
            manifest[rel] = d

    def owned_by(self, producer: str) -> list[str]:
        """The paths ``producer`` (one :meth:`track` was asked for) wrote or kept in this build (the next build keeps
        them the same way)."""
        if producer not in self._owned:
            raise ValueError(f"internal: {producer!r} was not tracked")
        return sorted(rel for rel in self._owned[producer] if rel in self.manifest and self._owner.get(_folded(rel)) == producer)

    def adopt(self, manifest: dict[str, bytes], producer: str, written: int = 0, size: int = 0) -> None:
        """Claim files another process wrote through its own Writer on this root (the search index)."""
        for rel, d in manifest.items():
            self._claim(rel, producer)
            self.manifest[rel] = d
        self.written += written
        self.bytes += size

    def delete(self, rel: str) -> None:
        """Drop a file claimed earlier in this build (the search index replacing or removing one of its files)."""
        self._owner.pop(_folded(rel), None)
        self.manifest.pop(rel, None)

    def copy_tree(self, src: Path, rel_dir: str) -> None:
        """Copy static assets (sorted, so output order is deterministic)."""
        for path in sorted(src.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                rel = f"{rel_dir}/{path.relative_to(src).as_posix()}"
                self.write(rel, path.read_bytes(), origin=str(path))

    def prepare(self, tag: str) -> SiteChange:
        """In place: the change this build makes to the site, its files to be staged under names made with ``tag``.

        Until the change is applied nothing touched the site, so an error
        while rendering left it as it was; the build cache's commit
        (``incremental.cache.commit``) makes the change and the cache that
        describes it one step a kill cannot split.
        """
        if not self.in_place:
            return SiteChange()
        renames = [(temporary_name(str(target), tag), str(target)) for target, _data in self._pending]
        gone = sorted(set(self._previous) - set(self.manifest))
        folders: set[Path] = set()
        deletions = []
        for rel in gone:
            target = self._target(rel)
            deletions.append(str(target))
            folders.update(target.parents)
        self.deleted += len(gone)
        # Folders left empty go too: a clean build would not have them.
        root = self.root.resolve()
        emptied = [str(f) for f in sorted(folders, key=lambda p: len(p.parts), reverse=True)
                   if f.resolve() != root and root in f.resolve().parents]
        # Folders staging will make, deepest first: a change undone takes them away again.
        created: set[Path] = set()
        for target, _data in self._pending:
            for folder in target.parents:
                if folder in created or folder.is_dir():
                    break
                created.add(folder)
        made = [str(f) for f in sorted(created, key=lambda p: len(p.parts), reverse=True)]
        return SiteChange(renames, deletions, emptied, made)

    def stage(self, change: SiteChange) -> None:
        """Write the changed files under the temporary names ``change`` gives them (see :meth:`prepare`).

        Each beside its target, in the same folder.  (Tried: all temporary
        files in one scratch folder at the site's top, away from the inodes
        each rename frees beside its target.  The scratch folder's block group
        is the file system's choice; right after a large deletion it was often
        one full of just-freed inodes, and a re-dated article's ~3,400 index
        files then took 3.6 s to write instead of 0.3-0.9 s.)
        """
        made: set[Path] = set()
        for (target, data), (tmp, _target) in zip(self._pending, change.renames, strict=True):
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            write_new(tmp, data)
        self._pending.clear()

    def commit(self) -> None:
        """In place, with no cache to commit beside (the dev server): write the changed files, each replaced
        atomically, then remove those the previous build wrote and this one did not."""
        if not self.in_place:
            return
        change = self.prepare(os.urandom(6).hex())
        self.stage(change)
        apply_change(change)

    def paths(self) -> list[str]:
        return list(self.manifest)

    @property
    def count(self) -> int:
        return len(self.manifest)


def sync_files(src_root: Path, changed: list[Path], out_root: Path) -> int:
    """Mirror changed files under ``src_root`` into ``out_root`` (copy, or delete if gone).

    The dev server's fast path for stylesheet and script edits, which need no
    rebuild; returns how many files it touched.
    """
    touched = 0
    for path in changed:
        rel = path.resolve().relative_to(src_root.resolve())
        target = Writer(out_root)._target(rel.as_posix())
        if path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            touched += 1
        elif target.is_file():
            target.unlink()
            touched += 1
    return touched
