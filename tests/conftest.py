"""Shared fixtures: a built copy of the small fixture archive, a local HTTP server, Chromium."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from generator.build import BuildOptions, build
from generator.model import urls

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "archive"
CHROMIUM = "/usr/lib/chromium/chromium"
PANJSHIR = "000_88806ccc1889e30e"  # the fixture's copy of the bundled Republic World report


def href(page: str, target: str) -> str:
    """The link the site writes on the page at ``page`` to ``target`` (both site-root-relative, as urls gives them)."""
    return urls.root_of(page) + target


def type_in_box(page: Page, text: str) -> None:
    """Type into the top bar's search box as a reader does, and wait for its first suggestion."""
    box = page.locator("#as-q")
    box.click()
    box.press_sequentially(text, delay=20)
    expect(page.locator("#as-list [role=option]").first).to_be_visible()


def open_facet_group(page: Page, group: str) -> None:
    """Open a facet group of the search page ("entity:person", "tag", "year"): its values load when opened."""
    details = page.locator(f"details[data-facet-group='{group}']")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    expect(details.locator("input").first).to_be_visible()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


class EditedFiles:
    """Writes an archive's files as an editor would, with fake modification times one second apart (the
    build's status checks see every edit) and the paths touched since the last build, as the dev server's
    watcher reports them.  Subclasses set ``clock`` and ``touched``."""

    clock: int
    touched: set[str]

    def take_touched(self) -> set[str]:
        touched, self.touched = self.touched, set()
        return touched

    def put(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.touched.add(str(path.resolve()))
        path.write_text(text, encoding="utf-8")
        self.clock += 1
        os.utime(path, ns=(self.clock * 10**9, self.clock * 10**9))

    def remove(self, path: Path) -> None:
        self.touched.add(str(path.resolve()))
        path.unlink(missing_ok=True)


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None) below ``root``."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes() for p in sorted(root.rglob("*"))}


def assert_same_site(out: Path, ref: Path, step: str) -> None:
    """``out`` holds exactly the files and folders of ``ref`` (a clean build), byte for byte."""
    got, want = tree(out), tree(ref)
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    assert not missing and not extra, f"{step}: missing {missing[:5]}, extra {extra[:5]}"
    differ = [k for k in got if got[k] != want[k]]
    assert not differ, f"{step}: {len(differ)} files differ from a clean build, e.g. {differ[:5]}"


def copy_fixture(dest: Path) -> tuple[Path, Path]:
    """A writable copy of the fixture archive: (seeds, content)."""
    shutil.copytree(FIXTURE, dest)
    return dest / "seeds", dest / "content"


def build_fixture(tmp: Path, **kwargs) -> Path:
    seeds, content = copy_fixture(tmp / "archive")
    out = tmp / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, **kwargs))
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The fixture archive built once per test session (read-only for tests)."""
    return build_fixture(tmp_path_factory.mktemp("built"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # stdlib signature
        pass


def serve_dir(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    """``directory`` served over HTTP on 127.0.0.1 while the block runs: its base URL (ending in '/')."""
    server = serve_dir(directory)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_server(built_site):
    """Base URL (ending in '/') of ``built_site`` served over HTTP on 127.0.0.1."""
    with served(built_site) as url:
        yield url
