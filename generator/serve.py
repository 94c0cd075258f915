"""``python -m generator serve``: the live-reloading dev server.

Built on livereload (tornado), with three changes to its defaults, each for a
reason an archivist would notice:

* **One rebuild per burst.** livereload's watcher runs a task per changed
  file and stops scanning a folder at the first change, so saving several
  files (or a ``git checkout``) rebuilt several times. :class:`BurstWatcher`
  snapshots all watched folders on every poll and rebuilds only once a poll
  sees no further change.
* **Every rebuild reaches the browser.** livereload drops reloads that come
  within 3 s of the previous one; an edit made right after another then
  rebuilt the site but left the old page on screen. The watcher already
  debounces, so that throttle is switched off.
* **The reload client is a file, not inline script.** livereload puts an
  inline ``<script>`` in every page to load its client; the site's
  Content-Security-Policy (``script-src 'self'``) forbids inline script, so
  the browser refused it and no page ever reloaded. :class:`DevServer`
  injects ``<script src="/livereload.js?port=N">`` instead: a same-origin
  file the policy allows, whose websocket (same host and port) ``connect-src
  'self'`` allows too. The policy is not relaxed for the dev server.
* **It stops on SIGINT, SIGTERM and SIGHUP, and saves its state.** Handlers
  are installed explicitly (:class:`Stopper`): a process started from a
  background shell or a supervisor inherits SIGINT ignored, and Python then
  never raises ``KeyboardInterrupt``; SIGTERM (``kill``, ``timeout``,
  ``docker stop``) would end it without saving, and the next build would be
  a clean one.  The loop stops between rebuilds, then the state is saved.
* **A build error shows in the page, the server stays up.** The build swaps
  the new site in only when it succeeded, so the last good site stays on
  disk; every HTML page served while the inputs are broken carries a banner
  listing the problems (``file:line: error: message``), and the banner goes
  away with the reload that follows a good build.
"""

from __future__ import annotations

import argparse
import errno
import html
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop, PeriodicCallback

from generator.build import TEMPLATES, BuildOptions, build, persist_state, tidy_memory
from generator.incremental.cache import BuildState
from generator.output.writer import WriteError, sync_files
from generator.util.diagnostics import BuildError
from generator.util.text import plural

Snapshot = dict[str, tuple[int, int]]

# Files editors write next to the real one while saving; they are not inputs.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part")
# Quiet time that ends a burst of file events (watchfiles' own default).  A save
# is often several events (truncate, write, close), on a busy machine ~100 ms
# apart: a burst cut short is harmless, since ``settle`` waits for the files to
# stop changing before the build reads them, and a later event that changes
# nothing rebuilds silently.
STEP_MS = 50
HINT_LIMIT = 1000  # changed files above which the build looks at every file's status rather than trust the list
# At most this long between builds that look at every file's status: an event the kernel dropped (its queue
# overflowed) or a change made through a path nobody watches is then picked up by the next rebuild after it.
FULL_CHECK_SECONDS = 60.0
_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


@dataclass
class BuildStatus:
    """What the last build left behind; the request handler reads it for every HTML page."""

    problems: list[str] = field(default_factory=list)
    warnings: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """``path -> (mtime_ns, size)`` for every input file below ``roots``.

    Hidden files and folders are skipped like the build skips them, and so
    are editors' scratch files: neither can change the site.
    """
    snap: Snapshot = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if name.startswith(".") or name.endswith(_SCRATCH_SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:  # deleted between listing and stat
                    continue
                snap[path] = (st.st_mtime_ns, st.st_size)
    return snap


def changed_paths(old: Snapshot, new: Snapshot) -> set[str]:
    """Files added, removed or modified between two snapshots."""
    return {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}


class BurstWatcher(Watcher):
    """A livereload watcher that calls ``on_change`` once per burst of edits.

    livereload polls :meth:`examine` every 0.8 s. A poll that finds changes
    only records them; the first later poll that finds none runs
    ``on_change(paths)`` and returns the path livereload sends to the
    browser (a lone ``.css`` path makes it swap stylesheets in place, ``*``
    reloads the page).
    """

    def __init__(self, roots: list[Path], on_change: Callable[[list[str]], str | None]) -> None:
        super().__init__()
        self.roots = roots
        self.on_change = on_change
        started = time.perf_counter()
        self._snapshot = snapshot(roots)
        self._scan_seconds = time.perf_counter() - started
        self._next_scan = 0.0
        self._pending: set[str] = set()
        for root in roots:  # registered so livereload does not fall back to watching the cwd
            super().watch(str(root))

    def examine(self) -> tuple[str | None, float | None]:
        if self._changes:  # livereload's own "server restarted" message
            return self._changes.pop()
        now = time.perf_counter()
        if now < self._next_scan:
            # A 100,000-article archive takes ~1 s to scan: poll less often than
            # livereload asks, so watching never eats more than ~1/4 of a core.
            return None, None
        current = snapshot(self.roots)
        self._scan_seconds = time.perf_counter() - now
        self._next_scan = now + 4 * self._scan_seconds if self._scan_seconds > 0.2 else 0.0
        changed = changed_paths(self._snapshot, current)
        self._snapshot = current
        if changed:
            self._pending |= changed
            return None, None
        if not self._pending:
            return None, None
        paths, self._pending = sorted(self._pending), set()
        self.filepath = self.on_change(paths)
        return self.filepath, None


def error_banner(problems: list[str]) -> bytes:
    """The alert listing build problems, every message escaped.

    Styled by the site's stylesheet (``#build-error`` in style.css: pinned to
    the bottom of the window, so the top bar and search stay usable), with no
    inline style, which a strict Content-Security-Policy would refuse.
    """
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return (
        '<div id="build-error" role="alert">'
        "<strong>The build failed: this page is from the last good build.</strong>"
        f"<ul>{items}</ul>"
        "<span>Fix the files above and save: the page reloads by itself.</span></div>"
    ).encode()


def inject_banner(page: bytes, banner: bytes) -> bytes:
    """Put ``banner`` first inside ``<body>`` (or first in the document if there is none)."""
    match = _BODY_OPEN.search(page)
    at = match.end() if match else 0
    return page[:at] + banner + page[at:]


def error_page(problems: list[str]) -> bytes:
    """Stand-in for a page that does not exist yet (e.g. the very first build failed).

    It has a ``</head>`` so livereload injects its script: the page reloads
    into the real site once the build succeeds.
    """
    return inject_banner(
        b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>'
        b'<link rel="stylesheet" href="/assets/style.css"></head><body></body></html>',
        error_banner(problems),
    )


class SiteHandler(StaticFileHandler):
    """livereload's static handler, plus: no caching, and the error banner while the build is broken."""

    status: BuildStatus

    def initialize(self, path: str, default_filename: str | None = None, status: BuildStatus | None = None) -> None:
        super().initialize(path, default_filename)
        self.status = status or BuildStatus()

    def compute_etag(self) -> str | None:
        # No validators: every request gets the current file (livereload never answers 304 anyway).
        return None

    def set_extra_headers(self, path: str) -> None:
        # A reload must show the new build, stylesheets and scripts included.
        self.set_header("Cache-Control", "no-cache")

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.status.ok:
            return await super().get(path, include_body)
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is None:  # redirected (folder without a trailing slash)
            return None
        if not absolute.endswith((".html", ".htm")):
            return await super().get(path, include_body)
        body = inject_banner(Path(absolute).read_bytes(), error_banner(self.status.problems))
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        if include_body:
            self.write(body)
        return None

    def write_error(self, status_code: int, **kwargs: object) -> None:
        if self.status.ok or status_code != 404:
            return super().write_error(status_code, **kwargs)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(error_page(self.status.problems))
        return None


def reload_client_tag(port: int) -> bytes:
    """The tag that loads livereload's client: same origin, no inline code, so a strict CSP allows it.

    The client reads the host and port it connects back to from its own address.
    """
    return f'<script src="/livereload.js?port={port}" defer></script>'.encode()


class ReloadClientInjector(web.OutputTransform):
    """Adds the reload client's ``<script src>`` before ``</head>`` of every HTML response."""

    script = b""  # set per server (see DevServer.application)

    def transform_first_chunk(self, status_code, headers, chunk, finishing):  # tornado's signature
        if "html" in headers.get("Content-Type", "") and b"</head>" in chunk:
            chunk = chunk.replace(b"</head>", self.script + b"</head>", 1)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(int(headers["Content-Length"]) + len(self.script))
        return status_code, headers, chunk


class DevServer(Server):
    """livereload's Server serving :class:`SiteHandler`, with its reload client loaded as a file (see the
    module's docstring) and its log chatter turned off."""

    def __init__(self, watcher: Watcher, status: BuildStatus) -> None:
        super().__init__(watcher=watcher)
        self.status = status

    def application(self, port, host, liveport=None, debug=None, live_css=True) -> None:
        """livereload's ``Server.application`` (one port), but with :class:`ReloadClientInjector`."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        handlers = [
            (r"/livereload", LiveReloadHandler),
            (r"/forcereload", ForceReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            *self.get_web_handlers(b""),
        ]
        injector = type("Injector", (ReloadClientInjector,), {"script": reload_client_tag(port)})
        web.Application(handlers=handlers, debug=bool(debug), transforms=[injector]).listen(port, address=host)

    def get_web_handlers(self, script: bytes) -> list:
        return [(r"/(.*)", SiteHandler, {
            "path": self.root or ".", "default_filename": self.default_filename, "status": self.status,
        })]

    def _setup_logging(self) -> None:
        # One line per rebuild is ours to print; livereload's per-poll and
        # tornado's per-request lines would bury it.
        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)


def settle(paths: list[str], interval: float = 0.05, limit: float = 1.0) -> None:
    """Wait until the changed files stop changing (two equal looks in a row, at most ``limit`` seconds).

    A save that truncates a file and then writes it can be seen between the
    two on a busy machine; building then would read half a file.
    """
    def look() -> list[tuple[int, int] | None]:
        out: list[tuple[int, int] | None] = []
        for p in paths:
            try:
                st = os.stat(p)
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return out

    deadline = time.monotonic() + limit
    before = look()
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = look()
        if now == before:
            return
        before = now


class FileEvents(Watcher):
    """A livereload watcher fed by the kernel's file events (``watchfiles``: inotify on Linux).

    Nothing is scanned: an archive of 100,000 seeds costs no CPU while
    nobody edits it, and an edit is seen within ~0.2 s instead of after two
    0.8 s polls.  watchfiles groups a burst of events (a ``git checkout``, an
    editor's save dance) into one set, so each burst rebuilds once.  A thread
    collects the sets and asks livereload's loop to look (``start`` returning
    True tells livereload not to poll); :meth:`examine` then rebuilds on the
    loop's thread, where reloads are sent.
    """

    def __init__(self, roots: list[Path], on_change: Callable[[list[str]], str | None]) -> None:
        super().__init__()
        self.roots = roots
        self._roots = [os.path.abspath(r) for r in roots]
        self.on_change = on_change
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        for root in roots:  # registered so livereload does not fall back to watching the cwd
            super().watch(str(root))

    def _wanted(self, _change: object, path: str) -> bool:
        """Inputs only: no editor scratch files, nothing hidden below a watched folder (the folders
        themselves may sit under a hidden one, such as ``~/.sites/news/``)."""
        if os.path.basename(path).endswith(_SCRATCH_SUFFIXES):
            return False
        full = os.path.abspath(path)
        for root in self._roots:
            if full.startswith(root + os.sep):
                return not any(part.startswith(".") for part in full[len(root) + 1:].split(os.sep))
        return not os.path.basename(path).startswith(".")

    def start(self, callback: Callable[[], None]) -> bool:
        """Called by livereload when the first browser connects; the thread may already run (see serve)."""
        if self._thread is None:
            self.begin(IOLoop.current(), callback)
        return True

    def begin(self, loop: IOLoop, callback: Callable[[], None]) -> None:
        """Start listening for file events: from the start, so the site stays current with no browser open."""
        import watchfiles

        def run() -> None:
            for changes in watchfiles.watch(*self.roots, watch_filter=self._wanted, stop_event=self.stop_event,
                                            step=STEP_MS, raise_interrupt=False, ignore_permission_denied=True):
                with self._lock:
                    self._pending.update(path for _change, path in changes)
                loop.add_callback(callback)

        self._thread = threading.Thread(target=run, name="file-events", daemon=True)
        self._thread.start()

    def examine(self) -> tuple[str | None, float | None]:
        if self._changes:  # livereload's own "server restarted" message
            return self._changes.pop()
        with self._lock:
            paths, self._pending = sorted(self._pending), set()
        if not paths:
            return None, None
        settle(paths)
        self.filepath = self.on_change(paths)
        return self.filepath, None


TIDY_QUIET = 5.0  # seconds without a build before the server frees the builds' frozen garbage (see tidy_when_idle)
SAVE_QUIET = 1.0  # seconds without a build before the server saves its state into the build cache (save_when_idle)


class Rebuilder:
    """Runs a build and records the outcome in ``status``; never raises for bad input.

    It keeps the last build's state in memory, so each rebuild is
    incremental without reading the build cache; the cache on disk is
    written in a pause (:meth:`save_when_idle`) and by :meth:`close`, so
    that a server killed outright costs the next build nothing.
    """

    def __init__(self, opts: BuildOptions, status: BuildStatus) -> None:
        self.opts = opts
        self.status = status
        self.state: BuildState | None = None
        self.builds = 0
        self.changed: set[str] | None = None  # files changed since ``state`` was built (None: not known)
        self.last_build = 0.0  # time.monotonic() when the last build ended
        self.checked = 0.0  # time.monotonic() of the last build that looked at every file's status
        self.untidy = False  # builds ran since the last tidy_memory()
        self.unsaved = False  # the state in memory is newer than the build cache on disk

    def tidy_when_idle(self, quiet: float = TIDY_QUIET) -> bool:
        """Free what builds left frozen, once nothing was built for ``quiet`` seconds (the loop calls this
        every second).  True if it tidied.

        A full collection holds the loop for ~0.5 s with the 21k Reuters archive in memory, and a save
        arriving meanwhile waits for it.  Someone editing saves every second or two, so it waits for a
        pause longer than that.
        """
        if not self.untidy or time.monotonic() - self.last_build < quiet:
            return False
        tidy_memory()
        self.untidy = False
        return True

    def check_when_idle(self, quiet: float = TIDY_QUIET) -> bool:
        """Look at every input's status in a pause, once FULL_CHECK_SECONDS have passed since the last such
        look (the loop calls this every second).  True if it looked.

        Otherwise the first save after a pause would look at everything
        itself, and take the general path instead of being merged into the
        model in memory (generator.incremental.merge): on Reuters ~2 s
        instead of ~0.3 s.  A change found this way (an event the kernel
        dropped) reloads the open pages.
        """
        now = time.monotonic()
        if self.state is None or not self.status.ok or now - self.checked < FULL_CHECK_SECONDS or now - self.last_build < quiet:
            return False
        if self.run("rebuilt", " (found by a periodic look at every input)", None) and LiveReloadHandler.watcher is not None:
            LiveReloadHandler.reload_waiters("*")
        return True

    def save_when_idle(self, quiet: float = SAVE_QUIET) -> bool:
        """Save the state into the build cache once nothing was built for ``quiet`` seconds (the loop calls
        this every second).  True if it saved.

        Until then the cache on disk is stale (its ``writing`` file says so) and a
        server killed outright (SIGKILL, a closed laptop's battery) would
        cost the next build a clean one.  The save holds the loop for about
        0.3 s on Reuters; a save of a file arriving meanwhile waits for it.
        """
        if not self.unsaved or self.state is None or not self.opts.cache or time.monotonic() - self.last_build < quiet:
            return False
        self.close()
        return True

    def idle(self) -> None:
        """Called by the loop every second: the periodic look at every input, else saving the state, else
        tidying memory (one of them per call: each holds the loop a moment)."""
        if not self.check_when_idle() and not self.save_when_idle():
            self.tidy_when_idle()

    def run(self, verb: str = "built", why: str = "", paths: list[str] | None = None) -> bool:
        """Build once; print one summary line (or the problems). True if the site changed (see ``_run``)."""
        try:
            return self._run(verb, why, paths)
        finally:
            self.last_build = time.monotonic()

    def _run(self, verb: str, why: str, paths: list[str] | None) -> bool:
        """Build once; print one summary line (or the problems). True if the site changed.

        ``paths`` are the files the watcher saw change.  They add up until a
        build succeeds (a failed build keeps the old state, which has not seen
        them); a huge burst (a checkout, or events the kernel dropped) is
        treated as unknown, so every file is looked at.
        """
        start = time.perf_counter()
        if paths is None or len(paths) > HINT_LIMIT or self.changed is None or time.monotonic() - self.checked > FULL_CHECK_SECONDS:
            self.changed = None
        else:
            self.changed.update(paths)
        full_check = self.changed is None
        self.untidy = True
        try:
            result = build(self.opts, state=self.state, persist=False, changed=self.changed)
        except BuildError as exc:  # found before anything was written: the state stays good
            self._failed([str(p) for p in exc.problems], why)
            return False
        except WriteError as exc:
            self._failed([f"error: {exc}"], why)
            return False
        except Exception as exc:  # a bug, not bad input: keep serving, show where
            self.state = None  # the site may be half-changed: the next build is a clean one (``writing`` says so)
            traceback.print_exc()
            self._failed([f"internal error: {type(exc).__name__}: {exc} (see the terminal)"], why)
            return False
        self.state = result.state
        self.unsaved = self.unsaved or result.mode != "unchanged"
        self.changed = set()
        if full_check:
            self.checked = time.monotonic()
        self.builds += 1
        if self.status.ok and verb == "rebuilt" and not (result.written or result.deleted):
            # The same save seen twice (its events split in two bursts), or a file
            # touched without a change: nothing to say, nothing to reload.
            return False
        warnings = {str(w) for w in result.diagnostics.warnings} if result.diagnostics else set()
        for w in sorted(warnings - self.status.warnings):  # only new ones: the old were printed before
            print(w, file=sys.stderr, flush=True)
        self.status.warnings = warnings
        self.status.problems = []
        note = f", {plural(len(warnings), 'warning')}" if warnings else ""
        what = (f" ({result.mode}: {plural(result.rendered, 'page')} rendered, {plural(result.written, 'file')} written)"
                if result.mode != "clean" else "")
        print(f"{verb} {plural(result.articles, 'article')} in {time.perf_counter() - start:.2f}s{what}{note}{why}", flush=True)
        return True

    def close(self) -> None:
        """Save the state for the next build (the CLI's or the next server's)."""
        if self.state is not None and self.opts.cache and self.unsaved and not persist_state(self.opts, self.state):
            self.state = None  # another build committed meanwhile: its cache describes the site, not this state
        self.unsaved = False

    def _failed(self, problems: list[str], why: str) -> None:
        if problems == self.status.problems:
            return  # the same broken save seen twice: the page already shows these
        self.status.problems = problems
        for p in problems:
            print(p, file=sys.stderr)
        print(f"build failed: {plural(len(problems), 'error')}{why}; serving the last good site, if any, with the errors on top",
              file=sys.stderr, flush=True)

    def assets_only(self, paths: list[str]) -> bool:
        """True when every change is a static asset (CSS, JS, images): no rebuild needed."""
        assets = (self.opts.templates / "assets").resolve()
        return all(assets in Path(p).resolve().parents for p in paths)

    def on_change(self, paths: list[str]) -> str | None:
        """Watcher callback: rebuild once for the whole burst; say what the browser should reload.

        Like Zola, react to the kind of change: edits to static assets are
        copied into the site (a lone stylesheet is swapped in place by the
        browser, no reload); anything else rebuilds the site.
        """
        was_ok = self.status.ok
        if was_ok and self.opts.out.is_dir() and self.assets_only(paths):
            start = time.perf_counter()
            n = sync_files(self.opts.templates / "assets", [Path(p) for p in paths], self.opts.out / "assets")
            print(f"copied {plural(n, 'asset')} in {time.perf_counter() - start:.2f}s", flush=True)
            return paths[0] if len(paths) == 1 else "*"
        shown = ", ".join(os.path.relpath(p) for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        before = list(self.status.problems)
        ok = self.run("rebuilt", f" after changes to {shown}", paths)
        if not ok and (self.status.ok or self.status.problems == before):
            return None  # nothing changed in the site, nor in what is wrong with it
        if ok and was_ok and len(paths) == 1:
            return paths[0]
        return "*"


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopper:
    """Stops the server on SIGINT, SIGTERM or SIGHUP, whatever dispositions the parent left (see the module's docstring).

    Before the loop runs (the first build) a signal only sets ``requested``:
    the build finishes, its state is saved, and the server never starts.
    Once the loop runs, the handler asks it to stop; a rebuild under way on
    the loop's thread finishes first, so the state saved is a whole one.
    """

    def __init__(self) -> None:
        self.requested = False
        self.loop: IOLoop | None = None

    def install(self) -> None:
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)

    def running(self) -> None:
        """Called first thing on the loop: from now on a signal stops it (at once, if one came already)."""
        self.loop = IOLoop.current()
        if self.requested:
            self.loop.stop()

    def _on_signal(self, _signum: int, _frame: object) -> None:
        self.requested = True
        if self.loop is not None:
            # call_soon_threadsafe wakes the loop's poll through its self-pipe; stop runs between callbacks.
            self.loop.asyncio_loop.call_soon_threadsafe(self.loop.stop)  # type: ignore[attr-defined]


def free_port(host: str) -> int:
    """A port free on ``host`` now, for ``--port 0``: the address printed is then one a browser can open."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve(args: argparse.Namespace) -> int:
    """Build, then serve ``args.out`` on ``args.host:args.port`` and rebuild on every change."""
    templates = args.templates or TEMPLATES
    opts = BuildOptions(seeds=args.seeds, content=args.content, out=args.out, base_url=args.base_url,
                        templates=templates, jobs=1)
    status = BuildStatus()
    rebuilder = Rebuilder(opts, status)
    stopper = Stopper()
    stopper.install()
    rebuilder.run()
    if stopper.requested:  # stopped during the first build: save it, never listen
        rebuilder.close()
        return 0
    roots = [args.seeds, args.content, templates]
    watcher: Watcher = BurstWatcher(roots, rebuilder.on_change) if args.poll else FileEvents(roots, rebuilder.on_change)
    # Our watcher already sends one reload per burst; livereload's 3-second throttle
    # would drop the reload of a rebuild that follows the previous one closely.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = DevServer(watcher, status)
    PeriodicCallback(rebuilder.idle, 1000).start()
    IOLoop.current().add_callback(stopper.running)
    if isinstance(watcher, FileEvents):
        IOLoop.current().add_callback(watcher.begin, IOLoop.current(), LiveReloadHandler.poll_tasks)
    host = args.host
    port = args.port
    shown_host = f"[{host}]" if ":" in host else host
    try:
        port = port or free_port(host)
        # Printed from the loop, so only once the socket is really listening.
        IOLoop.current().add_callback(
            print, f"serving {opts.out}/ at http://{shown_host}:{port}/ ; watching {args.seeds}/, "
            f"{args.content}/, {templates}/ (Ctrl+C stops)", flush=True)
        server.serve(port=port, host=host, root=str(opts.out))
    except socket.gaierror as exc:
        rebuilder.close()
        print(f"error: cannot listen on {host}: {exc.strerror}; check --host", file=sys.stderr)
        return 1
    except OSError as exc:
        rebuilder.close()
        if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            print(f"error: cannot listen on {host}:{port}: {exc.strerror}; try another --port or --host",
                  file=sys.stderr)
            return 1
        raise
    finally:
        if isinstance(watcher, FileEvents):
            watcher.stop_event.set()
    print("stopping: saving the build state for the next build", flush=True)
    rebuilder.close()
    return 0
