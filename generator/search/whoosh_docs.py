"""The whoosh index, kept up to date when it is used: the build records its documents, ``query`` indexes them.

The whoosh index serves ``query --engine whoosh`` (the archivist's shell
search, and the reference ranker); readers never use it: the site searches
with its browser index.  Indexing Reuters-21578 costs whoosh ~10 CPU-seconds,
a quarter of a clean build's CPU and the step the build waited for last
(Reuters x5: 50 CPU-s).  So the build no longer indexes: it records, beside
the site, the documents the index must hold, and :func:`sync` (run by the
first ``query --engine whoosh`` after a build, or ``build --whoosh-now``)
brings the index up to date: in place, document by document, when little
changed, from scratch otherwise.

``site.whoosh/`` holds:

* ``docs.pickle``: a token naming this generation of documents, then
  lists of ``(article id, digest, pickled SearchDoc)`` in document order,
  up to ``_BATCH`` a list, then None.  A clean
  build writes it (atomically, when the site is swapped in).
* ``docs.log``: what incremental builds changed since, appended as frames
  ``(token, {id: (digest, pickled doc) | None})``, so recording an edit costs
  the edit, not 23 MB.  Frames of another token (left by a generation that
  was replaced) are ignored, as is a torn last frame.
* ``index/``: the whoosh index, and ``held.pickle``: ``{id: digest}`` of what
  it holds.  ``held.pickle`` is removed before the index is changed in place
  and written after whoosh's commit, so an interrupted update is found (no
  ``held.pickle``) and the next sync indexes from scratch.

Builds and syncs take the same lock (the folder holding the site), so a
query never reads documents half appended.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.search import SearchDoc
from generator.util.files import atomic_write, collect_leftovers, discard, lock_folder, staging_dir, swap_into_place
from generator.util.files import stage as stage_file
from generator.util.shelf import as_text

DOCS = "docs.pickle"
LOG = "docs.log"
HELD = "held.pickle"
INDEX = "index"
COMPACT_BYTES = 1 << 20  # a log smaller than this is never folded into docs.pickle
REBUILD_FRACTION = 0.25  # more changed documents than this: index from scratch (whoosh's in-place update is per document)
_FRAME = struct.Struct("<Q")
_BATCH = 1000  # documents per pickle in docs.pickle
_TOP = pickle.HIGHEST_PROTOCOL


def folder_for(site: Path) -> Path:
    """Where a site's whoosh documents and index live: beside the site (``site.whoosh/``), never inside it."""
    return Path(str(site).rstrip("/") + ".whoosh")


@dataclass
class Recorded:
    """What the build last recorded for whoosh (kept in the build cache): the generation and each document's digest."""

    token: bytes
    digests: dict[str, bytes] = field(default_factory=dict)
    # The change log's size once this was recorded: bytes past it were appended by a build killed before it
    # committed, and are cut off by the next record (see :func:`record`).
    log: int = 0


@dataclass(frozen=True)
class SyncReport:
    """What :func:`sync` did: documents in the index, how many it (re)indexed and removed, and whether from scratch."""

    index: Path
    docs: int
    indexed: int
    removed: int
    rebuilt: bool
    seconds: float


def stage(folder: Path, docs: Sequence[SearchDoc], digests: Sequence[bytes]) -> tuple[Path, Recorded]:
    """Write every document into a temporary file in ``folder``; :func:`commit` puts it in place.

    A clean build calls it in a background process while pages render, and
    commits only once the site itself is swapped in.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f".{DOCS}.*"):  # left by a build that was killed
        if time.time() - old.stat().st_mtime > 3600:
            old.unlink(missing_ok=True)
    for old in (*folder.glob("*MAIN_*"), folder / "MAIN_WRITELOCK"):  # an index of the layout before index/
        if old.is_file():
            old.unlink(missing_ok=True)
    token = os.urandom(16)
    recorded = Recorded(token, {d.id: dg for d, dg in zip(docs, digests, strict=True)})

    def fill(fh: Any) -> None:  # streamed, _BATCH documents at a time: a million of them are never all in memory
        pickle.dump(token, fh, protocol=_TOP)
        batch: list[tuple[str, bytes, bytes]] = []
        for d, dg in zip(docs, digests, strict=True):
            batch.append((d.id, dg, _pickled(d)))
            if len(batch) == _BATCH:
                pickle.dump(batch, fh, protocol=_TOP)
                batch = []
        pickle.dump(batch, fh, protocol=_TOP)
        pickle.dump(None, fh, protocol=_TOP)

    return stage_file(folder / DOCS, fill), recorded


def _pickled(doc: SearchDoc) -> bytes:
    """A document as the index will read it: its body as text, whether the build held it or its file (util.shelf)."""
    if not isinstance(doc.body, str):  # (fields one by one: a document made when first read is no dataclass)
        values = {f.name: getattr(doc, f.name) for f in dataclasses.fields(SearchDoc)}
        doc = SearchDoc(**{**values, "body": as_text(doc.body)})
    return pickle.dumps(doc, protocol=_TOP)


def commit(staged: Path, folder: Path) -> None:
    """Put a staged document file in place and drop the change frames of the generation it replaces."""
    os.replace(staged, folder / DOCS)
    (folder / LOG).unlink(missing_ok=True)


def _token(folder: Path) -> bytes | None:
    try:
        with open(folder / DOCS, "rb") as fh:
            return pickle.load(fh)  # the header only: the table after it is not read
    except Exception:
        return None


def record(folder: Path, previous: Recorded | None, docs: Sequence[SearchDoc], digests: Sequence[bytes]) -> Recorded:
    """After an incremental build: append what changed since ``previous`` (or write everything when it cannot).

    ``previous`` is what the last committed build recorded.  A build killed
    after appending its changes but before committing (see
    ``incremental.cache``) leaves a frame past ``previous.log``: it is cut
    off first, so the log says what the committed builds recorded and no more.
    """
    if previous is None or _token(folder) != previous.token or not _trim(folder / LOG, previous.log):
        staged, recorded = stage(folder, docs, digests)
        commit(staged, folder)
        return recorded
    now = {d.id: dg for d, dg in zip(docs, digests, strict=True)}
    old = previous.digests
    changes: dict[str, tuple[bytes, bytes] | None] = {
        d.id: (dg, _pickled(d)) for d, dg in zip(docs, digests, strict=True) if old.get(d.id) != dg
    }
    changes.update((i, None) for i in old if i not in now)
    if not changes:
        return Recorded(previous.token, now, previous.log)
    data = pickle.dumps((previous.token, changes), protocol=_TOP)
    with open(folder / LOG, "ab") as fh:
        fh.write(_FRAME.pack(len(data)) + data)
        logged = fh.tell()
    if logged > max(COMPACT_BYTES, (folder / DOCS).stat().st_size // 4):
        # Every query reads the whole log: once it outgrows a quarter of the documents, fold it in.
        staged, recorded = stage(folder, docs, digests)
        commit(staged, folder)
        return recorded
    return Recorded(previous.token, now, logged)


def trim_to(folder: Path, token: bytes, size: int) -> None:
    """Cut the change log back to ``size`` when the documents are of generation ``token`` (see
    ``incremental.cache.recover``: frames past it are a killed build's, which never committed)."""
    if _token(folder) == token:
        _trim(folder / LOG, size)


def _trim(log: Path, size: int) -> bool:
    """Cut ``log`` back to ``size`` bytes; False when it is shorter (it is not the log that size was taken of)."""
    try:
        found = log.stat().st_size
    except FileNotFoundError:
        found = 0
    if found < size:
        return False
    if found > size:
        os.truncate(log, size)
    return True


def recorded(folder: Path) -> bool:
    """Whether documents were recorded in ``folder`` (a cheap check for a build where nothing changed)."""
    return (folder / DOCS).is_file()


def forget(folder: Path) -> None:
    """A build without whoosh: drop the recorded documents, so that no query trusts them."""
    for name in (DOCS, LOG):
        (folder / name).unlink(missing_ok=True)


def read_target(folder: Path) -> dict[str, tuple[bytes, bytes]] | None:
    """The documents the index must hold, ``{id: (digest, pickled SearchDoc)}`` in document order; None if none were recorded.

    New documents from the log come last, in the order they were added.
    """
    try:
        fh = open(folder / DOCS, "rb")
    except FileNotFoundError:
        return None
    table: dict[str, tuple[bytes, bytes]] = {}
    with fh:
        token = pickle.load(fh)
        while (batch := pickle.load(fh)) is not None:
            for doc_id, digest, data in batch:
                table[doc_id] = (digest, data)
    try:
        log = (folder / LOG).read_bytes()
    except FileNotFoundError:
        log = b""
    at = 0
    while at + _FRAME.size <= len(log):
        (size,) = _FRAME.unpack_from(log, at)
        body = log[at + _FRAME.size: at + _FRAME.size + size]
        if len(body) < size:
            break  # a torn last frame (a build killed while appending): its build is redone
        at += _FRAME.size + size
        frame_token, changes = pickle.loads(body)  # a damaged frame raises: sync says to record them again
        if frame_token != token:
            continue
        for doc_id, entry in changes.items():
            if entry is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = entry
    return table


def indexing_fingerprint() -> bytes:
    """What makes an index from the same documents differ: the indexing code and whoosh's version.

    An index made by other code is indexed again from scratch, though every document's digest is the same.
    """
    import whoosh

    here = Path(__file__).resolve().parent
    h = hashlib.blake2b(repr(whoosh.versionstring()).encode(), digest_size=16)
    for name in ("indexer.py", "whoosh_format.py", "whoosh_writer.py", "whoosh_docs.py"):
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
    return h.digest()


def _read_held(folder: Path, fingerprint: bytes) -> dict[str, bytes] | None:
    try:
        with open(folder / HELD, "rb") as fh:
            made_by, held = pickle.load(fh)
    except Exception:
        return None
    return held if made_by == fingerprint and isinstance(held, dict) else None


def _write_held(folder: Path, fingerprint: bytes, held: dict[str, bytes]) -> None:
    atomic_write(folder / HELD, pickle.dumps((fingerprint, held), protocol=_TOP))


def sync(folder: Path, lock: bool = True) -> SyncReport:
    """Bring ``folder/index`` up to date with the recorded documents; raises RuntimeError when none were recorded.

    The recorded documents are read under the site's lock (builds append to
    them), which ``lock`` False says the caller already holds; the index is
    then changed under a lock of its own, so builds and the dev server need
    not wait for a long indexing.
    """
    if not folder.is_dir():
        raise RuntimeError(f"no documents recorded in {folder}/: build the site first (without --no-whoosh)")
    site_lock = lock_folder(folder.parent) if lock else None  # the site's lock: the folder holding site and caches
    try:
        try:
            target = read_target(folder)
        except Exception as exc:  # damaged by hand or by a disk: what the index should hold is unknown
            raise RuntimeError(f"the documents recorded in {folder}/ are unreadable ({exc.__class__.__name__}); "
                               "record them again with: python -m generator build --full") from None
    finally:
        if site_lock is not None:
            site_lock.close()
    if target is None:
        raise RuntimeError(f"no documents recorded in {folder}/: build the site first (without --no-whoosh)")
    index_lock = _lock_index(folder)
    try:
        return _sync(folder, target)
    finally:
        if index_lock is not None:
            index_lock.close()


def _lock_index(folder: Path) -> Any:
    """One sync of ``folder/index`` at a time: a lock on ``folder`` itself, not the site's (see :func:`sync`)."""
    return lock_folder(folder)


def _order_key(doc: SearchDoc) -> tuple[str, str]:
    """The site's order (undated first, then by date and id: model.sort_key), so ties rank as after a clean build."""
    return (doc.date or "", doc.id)


def _sync(folder: Path, target: dict[str, tuple[bytes, bytes]]) -> SyncReport:
    from whoosh import index

    from generator.search.indexer import whoosh_fields, write_whoosh_index
    from generator.search.whoosh_writer import LeanSegmentWriter

    started = time.perf_counter()
    fingerprint = indexing_fingerprint()
    index_dir = folder / INDEX
    try:
        held = _read_held(folder, fingerprint) if index.exists_in(str(index_dir)) else None
    except Exception:  # a damaged index: made again from scratch below
        held = None
    changed = [i for i, (dg, _data) in target.items() if held is None or held.get(i) != dg]
    gone = [i for i in held if i not in target] if held is not None else []
    now = {i: dg for i, (dg, _data) in target.items()}
    rebuilt = held is None or len(changed) + len(gone) > REBUILD_FRACTION * max(len(target), 1)
    if not rebuilt and (changed or gone):
        (folder / HELD).unlink()  # the journal: a sync killed from here on is redone from scratch
        try:
            ix = index.open_dir(str(index_dir))
            w = LeanSegmentWriter(ix, limitmb=128)
            for doc_id in gone:
                w.delete_by_term("id", doc_id)
            for doc_id in changed:
                w.update_document(**whoosh_fields(pickle.loads(target[doc_id][1])))
            w.commit()
        except Exception:  # a damaged index (whoosh raises many kinds of errors): indexed from scratch below
            rebuilt = True
        else:
            _write_held(folder, fingerprint, now)
    if rebuilt:
        collect_leftovers(index_dir)
        staged = staging_dir(index_dir)
        try:
            docs = sorted((pickle.loads(data) for _dg, data in target.values()), key=_order_key)
            write_whoosh_index(docs, staged)
            (folder / HELD).unlink(missing_ok=True)
            swap_into_place(staged, index_dir)
        except BaseException:
            discard(staged)
            raise
        _write_held(folder, fingerprint, now)
        changed, gone = list(target), []
    return SyncReport(index_dir, len(target), len(changed), len(gone), rebuilt, time.perf_counter() - started)
