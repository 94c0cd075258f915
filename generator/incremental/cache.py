"""The build cache: what one build learnt, kept beside the site for the next.

It lives in ``.<site>-cache/`` next to the output folder (never inside it)
and is only ever a shortcut: a missing, unreadable or older-format cache, a
cache written by other generator code, or a site that is not the one the
cache describes all mean a clean build with a one-line note, never a wrong
site.

Files, so that a build where nothing changed reads only the small one, and
a build that changed one article rewrites a sliver of the rest:

* ``inputs.pickle`` — the :class:`Summary`: a fingerprint of every input
  file's status and the build options, the problems the build reported
  (printed again), and the id of the build it vouches for.  Replacing it is
  the moment a build **commits**;
* ``state-<id>.pickle`` — the :class:`BuildState`: page fingerprints, the
  site's manifest, and the names of the two kinds of files below;
* ``search-<stamp>.pickle`` — the browser index's state (49 MB on Reuters),
  written by the process that computed it, beside the build's other work;
* ``records/NN-<stamp>.pickle`` — the per-article records (parsed seed,
  metadata, mentions, messages), in ``RECORD_SHARDS`` files by a hash of the
  article id; only files holding a changed record are written again.  Each
  file starts with the records' texts as raw bytes (the article's text and
  blocks, the parsed files), which the model then reads from it instead of
  holding them (``generator.util.shelf``); the CLI writes them right after
  its load, before pages render.

Every file but ``inputs.pickle`` is written under a new name, so until a
build commits, the files the last summary names are untouched.

**Committing** (:func:`commit`), so that a build killed at any moment
(SIGKILL, a power cut) costs at most the redoing of its own work, never a
clean build: the new files are written under new names and the site's
changes staged (each changed file written to a temporary name beside it, or
a whole fresh site in a folder beside it); then ``pending-<id>.pickle``
lists those changes; then ``inputs.pickle`` names the new id (the commit);
then the changes are applied (renames, deletions, the swap) and the
pending file and the files no longer named are removed.  The next build
first calls :func:`recover`: a pending file of the committed id is applied
again (every step can be redone), any other is rolled back (its temporary
files removed), so the site and the cache always agree.

The dev server changes the site without saving the cache each time; while
it does, the file ``writing`` says the cache on disk is stale (a build that
finds it is a clean one) until the server saves its state, in a pause or
when it stops.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import pickle
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.incremental.load import ArticleRecord, LoadCache
from generator.search.whoosh_docs import trim_to
from generator.util.diagnostics import Problem
from generator.util.files import (
    SiteChange,
    apply_change,
    atomic_fill,
    atomic_write,
    discard_change,
    file_stamp,
    lock_folder,
    status_key,
)
from generator.util.shelf import Shelf, Spans, SpanUnpickler, Stored, span_pickler
from generator.util.textio import folder_key

FORMAT = 4
RECORD_SHARDS = 64
PACKAGE = Path(__file__).resolve().parent.parent
_TOP = pickle.HIGHEST_PROTOCOL


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


def new_stamp() -> bytes:
    """A fresh name for a cache file (8 random bytes: never the name of a file a summary still vouches for)."""
    return os.urandom(8)


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
    id: bytes = b""  # the build this summary vouches for: ``state-<id>.pickle`` (set by :func:`commit`)
    # Its search state's file, ``search-<stamp>.pickle``: named here, not in the state, so that the state is
    # written while another process still writes the search state (see :func:`commit`).
    search: bytes = b""
    # The whoosh documents' generation and change log's size as this build left them: a log found longer holds
    # frames of a build that never committed, cut off by :func:`recover`.
    whoosh: tuple[bytes, int] | None = None


@dataclass
class BuildState:
    """Everything the next build reuses (the dev server keeps it in memory instead)."""

    load: LoadCache = field(default_factory=LoadCache)
    pages: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)  # (family, key) -> (path, fingerprint)
    manifest: dict[str, bytes] = field(default_factory=dict)  # site path -> digest of its bytes
    # The browser index's own state: the object, or it pickled (as a clean build's child leaves it), or None
    # when it is only in the file ``search-<search_stamp>.pickle`` (read it with :func:`read_search`).
    search: Any = None
    search_stamp: bytes = b""  # the file holding ``search`` (b"": not saved yet)
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
    """The article records as ``records/NN-<stamp>.pickle`` files (:func:`encode_load`): every file's stamp and
    size, and the files this build wrote (removed if it fails before it commits)."""

    written: list[Path]
    stamps: list[bytes]
    counts: list[int]


@dataclass
class Pending:
    """``pending-<id>.pickle``: the change a build makes to the site (and the whoosh records), applied once it
    commits.  Every step can be applied again (see :func:`recover`)."""

    id: bytes
    change: SiteChange


def record_shard(key: str) -> int:
    """The records file of an article id (stable across runs: not Python's salted hash)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % RECORD_SHARDS


def _read(path: Path) -> Any:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def _state_path(folder: Path, build_id: bytes) -> Path:
    return folder / f"state-{build_id.hex()}.pickle"


def _search_path(folder: Path, stamp: bytes) -> Path:
    return folder / f"search-{stamp.hex()}.pickle"


def _pending_path(folder: Path, build_id: bytes) -> Path:
    return folder / f"pending-{build_id.hex()}.pickle"


def _records_path(folder: Path, k: int, stamp: bytes) -> Path:
    return folder / "records" / f"{k:02d}-{stamp.hex()}.pickle"


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


def read_state(folder: Path, summary: Summary, stop: Callable[[], bool] | None = None) -> tuple[BuildState | None, str]:
    """The state the summary vouches for (its search state left on disk: :func:`read_search`).

    ``stop()`` is asked between records files: True gives up (None, "").
    """
    try:
        state = _read(_state_path(folder, summary.id))
        if isinstance(state, BuildState):
            state.load = decode_load(folder, state, stop)
            if state.load is None:
                return None, ""
            state.search_stamp = summary.search
    except Exception:
        return None, "the build cache is unreadable"
    if not isinstance(state, BuildState) or state.summary is None or state.summary.inputs != summary.inputs:
        return None, "the build cache is inconsistent"
    return state, ""


def read_search(folder: Path, state: BuildState) -> Any:
    """The browser index's state of ``state``: in memory, pickled, or in its file (None when there is none)."""
    if isinstance(state.search, bytes):
        return pickle.loads(state.search)
    if state.search is not None or not state.search_stamp:
        return state.search
    try:
        return _read(_search_path(folder, state.search_stamp))
    except Exception:  # damaged or gone: the index is made again in full
        return None


def write_search(folder: Path, search: Any) -> bytes:
    """Save a browser index state (an object, or it pickled) under a new name; returns the stamp naming it."""
    stamp = new_stamp()
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(search, bytes):
        atomic_write(_search_path(folder, stamp), search)
    else:
        write_pickle(_search_path(folder, stamp), search)
    return stamp


def write_pickle(path: Path, obj: Any) -> None:
    """Pickle ``obj`` into ``path`` (replaced atomically), in the pickler's fast mode when it can.

    Fast mode keeps no memo of the objects written, so an object referred to
    twice is written twice (the search state: 50.9 MB instead of 49.3) and
    loads as two; nothing the cache holds depends on such sharing.  It
    pickles the Reuters search state in 0.09 s instead of 0.2 s, the build
    state in 0.05 s instead of 0.13-0.22 s.  A structure that refers to
    itself cannot be written so: it is written the usual way.
    """
    def fill(fh: Any) -> None:
        pickler = pickle.Pickler(fh, protocol=_TOP)
        pickler.fast = True
        try:
            pickler.dump(obj)
        except (RecursionError, ValueError):
            fh.seek(0)
            fh.truncate()
            pickle.dump(obj, fh, protocol=_TOP)

    atomic_fill(path, fill)


def encode_load(folder: Path, load: LoadCache, stamps: list[bytes] | None = None,
                counts: list[int] | None = None) -> RecordFiles:
    """Write the per-article records as records files (new names: committed later, with the build).

    A file whose records were all reused unchanged, as many as it held
    (``stamps`` and ``counts`` describe the files on disk), is not written
    again; the others are written whole, each under a new stamp.  Once a
    file is written, its records' texts are read from it (``util.shelf``):
    the model lets go of them.  The related-articles state and the folder
    listing go with the rest of the state (see :func:`commit`).
    """
    same = [stamps is not None and counts is not None] * RECORD_SHARDS
    members: list[dict[str, ArticleRecord]] = [{} for _ in range(RECORD_SHARDS)]
    for key, rec in load.records.items():
        k = record_shard(key)
        members[k][key] = rec
        if not rec.cached:
            same[k] = False
    out = RecordFiles([], [], [])
    (folder / "records").mkdir(parents=True, exist_ok=True)
    was = gc.isenabled()
    gc.disable()  # pickling makes a tuple per object; collections would walk them all again and again
    try:
        for k, shard in enumerate(members):
            if same[k] and counts is not None and stamps is not None and counts[k] == len(shard):
                out.stamps.append(stamps[k])
            else:
                stamp = new_stamp()
                path = _records_path(folder, k, stamp)
                write_records(path, stamp, shard)
                out.written.append(path)
                out.stamps.append(stamp)
            out.counts.append(len(shard))
    except BaseException:
        for path in out.written:
            path.unlink(missing_ok=True)
        raise
    finally:
        if was:
            gc.enable()
    return out


_RECORDS_MAGIC = b"ARCREC2\n"


def write_records(path: Path, stamp: bytes, shard: dict[str, ArticleRecord]) -> None:
    """One records file: the texts as raw bytes, then the records pickled with spans of them.

    The stamp is inside too: a file put in another's place is found out.
    The records are changed to read their texts from the new file only once
    it is in place (a failure leaves them as they were).
    """
    swaps: list[tuple[ArticleRecord, Any]] = []
    made: list[Stored] = []

    def fill(fh: Any) -> None:
        fh.write(_RECORDS_MAGIC + bytes(8))
        spans = Spans(fh, fh.tell())

        def put(data: bytes, kind: type[Stored]) -> Stored:
            made.append(spans.stored(data, kind))
            return made[-1]

        for rec in shard.values():
            swaps.append((rec, rec.shelve(put)))
        at = fh.tell()
        pickler = span_pickler(fh, _TOP)
        pickler.fast = True  # (no record refers to itself; see write_pickle)
        pickler.dump((stamp, shard))
        fh.seek(len(_RECORDS_MAGIC))
        fh.write(at.to_bytes(8, "little"))

    try:
        atomic_fill(path, fill)
        shelf = Shelf(str(path))
    except BaseException:
        for rec, was in swaps:
            rec.unshelve(was)
        raise
    for s in made:
        s.shelf = shelf
    for rec in shard.values():
        rec.cached = True  # exactly what the file holds now


def read_records(path: Path) -> tuple[bytes, dict[str, ArticleRecord]]:
    """What :func:`write_records` wrote: its stamp and records, whose texts stay in the file."""
    with open(path, "rb") as fh:
        head = fh.read(len(_RECORDS_MAGIC) + 8)
        if head[:len(_RECORDS_MAGIC)] != _RECORDS_MAGIC:
            raise ValueError(f"{path} is not a records file of this format")
        fh.seek(int.from_bytes(head[len(_RECORDS_MAGIC):], "little"))
        return SpanUnpickler(fh, Shelf(str(path))).load()


def decode_load(folder: Path, state: BuildState, stop: Callable[[], bool] | None = None) -> LoadCache | None:
    """The records the files named by ``state`` hold; raises when one is missing or damaged; None when
    ``stop()`` said to give up."""
    if state.record_stamps is None or len(state.record_stamps) != RECORD_SHARDS:
        raise ValueError("no records")
    out = LoadCache(related=state.load.related, registry=state.load.registry, listing=state.load.listing)
    records = out.records
    for k, stamp in enumerate(state.record_stamps):
        if stop is not None and stop():
            return None
        found, shard = read_records(_records_path(folder, k, stamp))
        if found != stamp:
            raise ValueError(f"records file {k} is not the one the state names")
        for rec in shard.values():
            rec.cached = True
        records.update(shard)
    return out


def commit(folder: Path, state: BuildState, files: RecordFiles | None = None, change: SiteChange | None = None,
           stage: Callable[[], None] | None = None, build_id: bytes | None = None,
           ready: Callable[[], None] | None = None) -> None:
    """Save ``state`` and apply ``change`` to the site as one step a kill cannot split (see the module's text).

    In order: the pending change (so that what follows can be undone);
    ``stage()``, which writes the change's temporary files; the records files
    that changed, the search state (unless its own process saved it: then
    ``ready()`` waits for it) and the state, under new names; the summary, which commits; then the change is
    applied and what the old summary named is removed.  An error before the
    summary undoes the change (the old site and cache stay as they were); a
    kill anywhere is finished or undone by the next build's :func:`recover`.

    The cycle collector is off meanwhile: pickling makes a tuple per object,
    and the collections they set off would walk the whole state again and
    again.  A listing is saved when its ``key`` says what its folders held
    (the CLI's look at every input gives it): the next build keeps it while
    they hold the same names.
    """
    assert state.summary is not None
    build_id = build_id or new_stamp()
    change = change if change is not None else SiteChange()
    pending = _pending_path(folder, build_id)
    (folder / "records").mkdir(parents=True, exist_ok=True)
    was = gc.isenabled()
    gc.disable()
    try:
        if change:
            atomic_write(pending, pickle.dumps(Pending(build_id, change), protocol=_TOP))
        if stage is not None:
            stage()
        if files is None:
            files = encode_load(folder, state.load, state.record_stamps, state.record_counts)
        if state.search is not None and not state.search_stamp and ready is None:
            state.search_stamp = write_search(folder, state.search)
        listing = state.load.listing if state.load.listing is not None and state.load.listing.key is not None else None
        rest = dataclasses.replace(state, load=LoadCache(related=state.load.related, registry=state.load.registry,
                                                         listing=listing), memory=None, search=None, search_stamp=b"",
                                   record_stamps=files.stamps, record_counts=files.counts)
        rest.summary = dataclasses.replace(state.summary, id=build_id)
        write_pickle(_state_path(folder, build_id), rest)
        if ready is not None:  # what another process writes (the search state), once it is written
            ready()
        whoosh = getattr(state.whoosh, "token", None)
        summary = dataclasses.replace(state.summary, id=build_id, search=state.search_stamp,
                                      whoosh=(whoosh, state.whoosh.log) if whoosh is not None else None)
        atomic_write(folder / "inputs.pickle", pickle.dumps(summary, protocol=_TOP))  # the commit
    except BaseException:
        if committed_id(folder) != build_id:  # (an interrupt may come just after the commit: then it stands)
            discard_change(change)
            pending.unlink(missing_ok=True)
        raise
    finally:
        if was:
            gc.enable()
    state.summary, state.record_stamps, state.record_counts = summary, files.stamps, files.counts
    if isinstance(state.search, bytes):
        state.search = None  # saved: read from its file when needed
    (folder / "writing").unlink(missing_ok=True)
    if change:
        apply_change(change)
        pending.unlink(missing_ok=True)
    _collect(folder, state)


def _summary(folder: Path) -> Summary | None:
    """The summary on disk, whatever code wrote it (None: none, or unreadable)."""
    try:
        summary = _read(folder / "inputs.pickle")
    except Exception:
        return None
    return summary if isinstance(summary, Summary) else None


def committed_id(folder: Path) -> bytes | None:
    """The id of the build the summary on disk vouches for (None: none, or unreadable)."""
    summary = _summary(folder)
    return summary.id if summary is not None else None


def recover(folder: Path, whoosh_folder: Path | None = None) -> None:
    """Finish or undo what a build killed while committing left behind (called under the site's lock).

    A pending change of the build the summary vouches for is applied again;
    any other was never committed and is rolled back (a pending file is
    written whole or not at all, with :func:`atomic_write`).  A committed
    change that cannot be applied (a folder made read-only since, a file
    where a folder was) drops the cache: the next build is a clean one,
    which replaces the whole site.  Whoosh's change log is cut back to what
    the committed build left (a killed build may have appended to it).
    """
    pending = sorted(folder.glob("pending-*.pickle")) if folder.is_dir() else []
    summary = _summary(folder) if pending or whoosh_folder is not None else None
    committed = summary.id if summary is not None else None
    for path in pending:
        try:
            p = _read(path)
        except Exception:
            path.unlink(missing_ok=True)
            continue
        if isinstance(p, Pending) and p.id == committed:
            try:
                apply_change(p.change)
            except OSError:
                forget(folder)
                return
        elif isinstance(p, Pending):
            discard_change(p.change)
        path.unlink(missing_ok=True)
    if summary is None:
        return
    if whoosh_folder is not None and summary.whoosh is not None:
        trim_to(whoosh_folder, *summary.whoosh)
    if pending:
        try:
            state = _read(_state_path(folder, summary.id))
        except Exception:
            return
        state.search_stamp = summary.search
        _collect(folder, state)


def _collect(folder: Path, state: BuildState) -> None:
    """Remove the cache files ``state`` does not name (those of earlier builds, or of builds that never committed)."""
    assert state.summary is not None
    keep = {_state_path(folder, state.summary.id).name}
    (folder / "state.pickle").unlink(missing_ok=True)  # a cache of the format before (one state file)
    if state.search_stamp:
        keep.add(_search_path(folder, state.search_stamp).name)
    for entry in os.scandir(folder):  # (".<name>.tmp" files: written by a process killed before it renamed them)
        if ((entry.name.startswith(("state-", "search-")) and entry.name.endswith(".pickle") and entry.name not in keep)
                or (entry.name.startswith(".") and entry.name.endswith(".tmp"))):
            os.unlink(entry.path)
    if state.record_stamps is not None:
        named = {_records_path(folder, k, s).name for k, s in enumerate(state.record_stamps)}
        records = folder / "records"
        if records.is_dir():
            for entry in os.scandir(records):
                if entry.name not in named:
                    os.unlink(entry.path)


def lock(folder: Path) -> Any:
    """An exclusive lock for building the site whose cache is ``folder``: a second build waits for the first.

    The lock is taken on the folder that holds the site and its cache (a
    lock on a directory creates no file, so a build refused for bad input
    leaves nothing behind).  Returns an object whose ``close()`` releases it.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    return lock_folder(folder.parent)


def begin_writing(folder: Path) -> None:
    """The dev server: before it changes the site without saving the cache, mark the cache on disk stale."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "writing").write_bytes(b"the dev server changed the site and has not saved its cache yet; "
                                     b"if this file survives it, the next build is a clean one\n")


def forget(folder: Path) -> None:
    """Drop the whole cache (``--full`` or ``cache`` off: nothing may trust it afterwards)."""
    if folder.is_dir():
        for name in ("inputs.pickle", "writing"):
            (folder / name).unlink(missing_ok=True)
        for entry in os.scandir(folder):
            if entry.name.startswith(("state-", "search-", "pending-")):
                os.unlink(entry.path)
        shutil.rmtree(folder / "records", ignore_errors=True)


def marker_stamp(marker: Path) -> tuple[int, int, int] | None:
    return file_stamp(marker)
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
