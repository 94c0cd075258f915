"""The only code that writes the site to disk.

It keeps every path inside the output folder, refuses two pages on one path
(naming both), and writes into a fresh temporary folder that replaces the
old site only when the whole build succeeded — a failed build leaves the
previous ``site/`` untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


class WriteError(Exception):
    """A page could not be written where it was meant to go."""


class Writer:
    """Writes files below ``root``; one path, one writer call."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._written: dict[str, tuple[str, str]] = {}
        self.bytes = 0

    def _target(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel:
            raise WriteError(f"refusing to write outside the site: {rel!r}")
        return self.root.joinpath(*pure.parts)

    def write(self, rel: str, content: str | bytes, origin: str = "") -> None:
        """Write one file; ``origin`` names what produced it, for clash messages."""
        key = rel.lower()  # case-insensitive file systems would merge these
        if key in self._written:
            raise WriteError(f"two pages want the same path {rel!r}: {self._written[key][1]} and {origin}")
        self._written[key] = (rel, origin or rel)
        target = self._target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
        self.bytes += len(data)

    def copy_tree(self, src: Path, rel_dir: str) -> None:
        """Copy static assets (sorted, so output order is deterministic)."""
        for path in sorted(src.rglob("*")):
            if path.is_file():
                rel = f"{rel_dir}/{path.relative_to(src).as_posix()}"
                self.write(rel, path.read_bytes(), origin=str(path))

    def adopt(self, src: Path, rel_dir: str) -> None:
        """Move a folder written elsewhere (the search index) into the site, by renames.

        Its top-level entries must not clash with pages already written there.
        """
        target = self._target(rel_dir)
        target.mkdir(parents=True, exist_ok=True)
        for entry in sorted(src.iterdir()):
            dest = target / entry.name
            if dest.exists():
                raise WriteError(f"two writers want the same path {rel_dir}/{entry.name}")
            os.rename(entry, dest)

    def paths(self) -> list[str]:
        return [rel for rel, _ in self._written.values()]

    @property
    def count(self) -> int:
        return len(self._written)


def staging_dir(final: Path) -> Path:
    """A fresh temporary folder beside ``final`` (same file system, so the swap is a rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{final.name}-build-", dir=final.parent))


def swap_into_place(staged: Path, final: Path) -> None:
    """Replace ``final`` with ``staged``: two renames, old copy removed afterwards."""
    old = None
    if final.exists() or final.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}-old-", dir=final.parent))
        os.rename(final, old / "site")
    os.rename(staged, final)
    os.chmod(final, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)


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
