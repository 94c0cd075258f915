"""The build cache: what one build learnt, kept beside the site for the next.

It lives in ``.<site>-cache/`` next to the output folder (never inside it)
and is only ever a shortcut: a missing, unreadable or older-format cache, a
cache written by other generator code, or a site that is not the one the
cache describes all mean a clean build with a one-line note, never a wrong
site.

Files, so that a build where nothing changed reads only the small one, and
a build that changed one article rewrites a sliver of the rest:

* ``inputs.pickle`` — a fingerprint of every input file's status and the
  build options, with the problems the build reported (printed again);
* ``state.pickle`` — the :class:`BuildState`: page fingerprints, the site's
  manifest, the search index state, and the stamp of each records file;
* ``records/NN.pickle`` — the per-article records (parsed seed, metadata,
  mentions, messages), in ``RECORD_SHARDS`` files by a hash of the article
  id, each with a stamp; only files holding a changed record are rewritten
  (Reuters: 64 MB of records; a one-seed edit rewrites 1 MB of them).

The **journal** (``writing``) exists while a build changes the site in
place.  Finding it means the last build was killed halfway: the next build
is a clean one, which repairs the site.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import pickle
import signal
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.incremental.load import ArticleRecord, LoadCache
from generator.util.diagnostics import Problem
from generator.util.files import atomic_write, lock_folder, status_key
from generator.util.textio import folder_key

FORMAT = 2
RECORD_SHARDS = 64
PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir(out: Path) -> Path:
    return out.parent / f".{out.name}-cache"


# The code that makes a site and its cache: the build and the stages it runs.  The commands around it (the
# bench, the evaluations, discover, curation, the dev server) are left out, so editing them keeps every cache.
BUILD_CODE = ("build.py", "util", "inputs", "model", "pages", "output", "incremental", "search")


def code_digest() -> bytes:
    """The generator's own source, the part that makes sites: a cache made by other code is not trusted."""
    h = hashlib.blake2b(digest_size=16)
    h.update(str(FORMAT).encode())
    for path in sorted(PACKAGE.rglob("*")):
        if (path.suffix in (".py", ".js") and "__pycache__" not in path.parts
                and path.relative_to(PACKAGE).parts[0] in BUILD_CODE):
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.digest()


@dataclass
class Summary:
    """``inputs.pickle``: enough to tell that nothing changed, and to say so."""

    code: bytes
    inputs: bytes
    racy: bool  # an input changed just before the build: check the files next time, not just their status
    marker: tuple[int, int, int] | None  # the site's marker file (device, inode, mtime): the site is ours
    problems: list[Problem]
    articles: int
    entities: int
    files: int


@dataclass
class BuildState:
    """Everything the next build reuses (the dev server keeps it in memory instead)."""

    load: LoadCache = field(default_factory=LoadCache)
    pages: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)  # (family, key) -> (path, fingerprint)
    manifest: dict[str, bytes] = field(default_factory=dict)  # site path -> digest of its bytes
    search: Any = None  # the browser index's own state (or it pickled, as a clean build leaves it)
    search_files: list[str] = field(default_factory=list)  # the site paths it wrote
    whoosh: Any = None  # what the build recorded for the whoosh index (generator.search.whoosh_docs.Recorded)
    summary: Summary | None = None
    record_stamps: list[bytes] | None = None  # per records file on disk: its stamp (None: none written yet)
    record_counts: list[int] | None = None  # per records file on disk: how many records it holds
    frame: bytes = b""  # digest of the site's configuration, free pages and templates (plan.frame_digest)
    base: bytes = b""  # what every page's fingerprint started from (plan.page_base)
    # What the dev server keeps between rebuilds besides (generator.incremental.merge.Memory); never saved.
    memory: Any = field(default=None, compare=False, repr=False)


@dataclass
class RecordFiles:
    """The article records as ``records/NN.pickle`` files: what to write, and every file's stamp and size.

    ``blobs[k]`` is None when file k on disk already holds exactly these records.
    """

    blobs: list[bytes | None]
    stamps: list[bytes]
    counts: list[int]


def record_shard(key: str) -> int:
    """The records file of an article id (stable across runs: not Python's salted hash)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % RECORD_SHARDS


def _read(path: Path) -> Any:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def read_summary(folder: Path, code: bytes) -> tuple[Summary | None, str]:
    """The small file, or None and why not (empty reason: no cache at all)."""
    if (folder / "writing").exists():
        return None, "the previous build was interrupted"
    path = folder / "inputs.pickle"
    if not path.exists():
        return None, ""
    try:
        summary = _read(path)
    except Exception:  # any damage at all: the cache is only a shortcut
        return None, "the build cache is unreadable"
    if not isinstance(summary, Summary) or summary.code != code:
        return None, "the build cache was made by another version of the generator"
    return summary, ""


def read_state(folder: Path, summary: Summary) -> tuple[BuildState | None, str]:
    try:
        state = _read(folder / "state.pickle")
        if isinstance(state, BuildState):
            state.load = decode_load(folder, state)
    except Exception:
        return None, "the build cache is unreadable"
    if not isinstance(state, BuildState) or state.summary is None or state.summary.inputs != summary.inputs:
        return None, "the build cache is inconsistent"
    return state, ""


def _records_path(folder: Path, k: int) -> Path:
    return folder / "records" / f"{k:02d}.pickle"


def encode_load(load: LoadCache, stamps: list[bytes] | None = None, counts: list[int] | None = None) -> RecordFiles:
    """The per-article records as records files; a clean build does it while it waits for the search index.

    Each record is pickled on its own.  A file whose records were all reused
    unchanged, as many as it held (``stamps`` and ``counts`` describe the
    files on disk), is not written again; the others are pickled whole.  The
    related-articles state and the folder listing go with the rest of the
    state (see :func:`save`).
    """
    top = pickle.HIGHEST_PROTOCOL
    same = [stamps is not None and counts is not None] * RECORD_SHARDS
    members: list[list[tuple[str, ArticleRecord]]] = [[] for _ in range(RECORD_SHARDS)]
    for key, rec in load.records.items():
        k = record_shard(key)
        members[k].append((key, rec))
        if not rec.cached:
            same[k] = False
    out = RecordFiles([], [], [])
    for k, shard in enumerate(members):
        if same[k] and counts is not None and stamps is not None and counts[k] == len(shard):
            out.blobs.append(None)
            out.stamps.append(stamps[k])
        else:
            stamp = os.urandom(8)
            blob = {key: pickle.dumps(rec, protocol=top) for key, rec in shard}
            out.blobs.append(pickle.dumps((stamp, blob), protocol=top))
            out.stamps.append(stamp)
        out.counts.append(len(shard))
    return out


def decode_load(folder: Path, state: BuildState) -> LoadCache:
    """The records the files on disk hold, each keeping the bytes it came from; raises when a file is not the one ``state`` names."""
    if state.record_stamps is None or len(state.record_stamps) != RECORD_SHARDS:
        raise ValueError("no records")
    out = LoadCache(related=state.load.related, registry=state.load.registry, listing=state.load.listing)
    for k, stamp in enumerate(state.record_stamps):
        found, records = _read(_records_path(folder, k))
        if found != stamp:
            raise ValueError(f"records file {k} is not the one the state names")
        for key, data in records.items():
            rec = pickle.loads(data)
            rec.cached = True
            out.records[key] = rec
    return out


def save(folder: Path, state: BuildState, files: RecordFiles | None = None) -> None:
    """Changed records files first, then the state naming them, then the summary that vouches for it (each replaced atomically).

    The cycle collector is off meanwhile: pickling makes a tuple per object,
    and the collections they set off would walk the whole state again and
    again (Reuters: 2.2 s with it, 0.65 s without).

    A listing is saved when its ``key`` says what its folders held (the CLI's
    look at every input gives it): the next build keeps it while they hold
    the same names.
    """
    assert state.summary is not None
    (folder / "records").mkdir(parents=True, exist_ok=True)
    was = gc.isenabled()
    gc.disable()
    try:
        if files is None:
            files = encode_load(state.load, state.record_stamps, state.record_counts)
        for k, blob in enumerate(files.blobs):
            if blob is not None:
                atomic_write(_records_path(folder, k), blob)
        state.record_stamps, state.record_counts = files.stamps, files.counts
        listing = state.load.listing if state.load.listing is not None and state.load.listing.key is not None else None
        rest = dataclasses.replace(state, load=LoadCache(related=state.load.related, registry=state.load.registry,
                                                         listing=listing), memory=None)
        atomic_write(folder / "state.pickle", pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL))
        atomic_write(folder / "inputs.pickle", pickle.dumps(state.summary, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        if was:
            gc.enable()


def lock(folder: Path) -> Any:
    """An exclusive lock for building the site whose cache is ``folder``: a second build waits for the first.

    The lock is taken on the folder that holds the site and its cache (a
    lock on a directory creates no file, so a build refused for bad input
    leaves nothing behind).  A build that saves its cache in the background
    passes the lock to the process doing it, so the next build starts only
    once the cache is whole.  Returns an object whose ``close()`` releases it.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    return lock_folder(folder.parent)


DETACHED_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def save_in_background(folder: Path, state: BuildState, files: RecordFiles | None) -> bool:
    """Save in a forked child that keeps the build's lock until the cache is written; False if it cannot fork.

    The site is complete when the build returns; only the cache is still
    being written, and the journal stays open until it is.  The child leaves
    the build's session (``setsid``) and holds off SIGINT, SIGTERM and
    SIGHUP until it is done (under a second on Reuters): where the CLI's exit
    ends its process group (CI runners, ``timeout``, a supervisor, a closed
    terminal), the save goes on, and the next build, which waits for the
    lock, is incremental.  Only a SIGKILL aimed at the saver itself, or the
    machine stopping, leaves the journal behind, and then a clean build.
    """
    if not hasattr(os, "fork") or not hasattr(os, "setsid"):
        return False
    begin_writing(folder)
    # Blocked before the fork, so the child is never without the mask, even before it leaves the session.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, DETACHED_SIGNALS)
    left, tell = os.pipe()
    pid = os.fork()
    if pid:
        # Return only once the child has left the session: a SIGKILL to the group (which no mask holds
        # off) sent the moment the build returns must not find it still there.
        os.close(tell)
        os.read(left, 1)
        os.close(left)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return True
    try:  # the child: detach, save, close the journal, leave without running the parent's cleanup
        os.close(left)
        os.setsid()
        os.write(tell, b"1")
        os.close(tell)
        # Let go of the terminal or pipe: `build | tail` ends when the site is built, not when the cache is saved.
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        save(folder, state, files)
        end_writing(folder)
    finally:
        os._exit(0)


def begin_writing(folder: Path) -> None:
    """Open the journal before the first change to the site in place."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "writing").write_bytes(b"a build is changing the site; if this file survives it, the next build is a clean one\n")


def end_writing(folder: Path) -> None:
    (folder / "writing").unlink(missing_ok=True)


def forget(folder: Path) -> None:
    """Drop the cache (a clean build is starting; its result replaces it)."""
    for name in ("inputs.pickle", "state.pickle"):
        (folder / name).unlink(missing_ok=True)


def marker_stamp(marker: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(marker)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


def inputs_digest(roots: list[Path], options: object,
                  stats: dict[str, tuple[int, int, int, int]] | None = None,
                  folders: dict[str, bytes | None] | None = None) -> tuple[bytes, int]:
    """Status (path, size, times, inode) of every file below ``roots``, and the options.

    Cheap (one ``stat`` per file, no reading) and sensitive to every edit,
    rename, addition and removal: equal digests mean nothing to rebuild.
    Also returns the newest modification time seen (see ``load.RACY_NS``).
    When something did change, the loader reuses these looks through
    ``stats`` (path as listed -> ``util.files.status_key``) instead of a second
    ``stat`` of every file; and through ``folders`` (folder path as
    scanned -> :func:`~generator.util.textio.folder_key`) what each folder
    holds, to be compared with what the last listing saw.
    """
    h = hashlib.blake2b(digest_size=16)
    newest = 0
    h.update(repr(options).encode())
    for root in roots:
        h.update(b"\0root\0" + os.fsencode(root))
        stack = [str(root)]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                h.update(b"\0missing\0" + os.fsencode(folder))
                continue
            if folders is not None:
                folders[folder] = folder_key(entries)
            for e in entries:
                try:
                    st = e.stat(follow_symlinks=True)
                except OSError:
                    continue
                if e.is_dir(follow_symlinks=True):
                    stack.append(e.path)
                    h.update(b"\0dir\0" + os.fsencode(e.path))
                else:
                    if stats is not None:
                        stats[e.path] = status_key(st)
                    newest = max(newest, st.st_mtime_ns)
                    h.update(f"\0{e.path}\0{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}".encode("utf-8", "surrogateescape"))
    return h.digest(), newest
