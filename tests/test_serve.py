"""`make serve` for real: a server subprocess, files edited on disk, Chromium watching.

The browser test never calls ``page.reload()``: every change it sees got
there through the server's rebuild and livereload's websocket.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from generator.build import TEMPLATES
from generator.model import urls
from generator.serve import BurstWatcher, changed_paths, error_banner, inject_banner, snapshot

WAIT_MS = 60_000  # a deadline against hangs, not a speed test: a rebuild lands within ~2 s on an idle machine


@dataclass
class DevServer:
    url: str
    port: int
    seeds: Path
    content: Path
    log: Path
    proc: subprocess.Popen

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _printed_port(proc: subprocess.Popen, log: Path, timeout: float = 120) -> int:
    """The port of the "serving site/ at http://127.0.0.1:PORT/" line (the server prints it once listening)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(r"^serving site/ at http://127\.0\.0\.1:(\d+)/ ", log.read_text(encoding="utf-8"), re.M)
        if m:
            assert m.group(1) != "0", "the server printed port 0"
            return int(m.group(1))
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.05)
    pytest.fail(f"the server printed no address within {timeout}s:\n{log.read_text(encoding='utf-8')}")


def _wait_for_port(server: DevServer, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            pytest.fail(f"the server exited with {server.proc.returncode}:\n{server.output()}")
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listened on 127.0.0.1:{server.port} within {timeout}s:\n{server.output()}")


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of LISTEN sockets on ``port``, from /proc/net/tcp{,6} (hex, as the kernel writes them)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(addr)
    return found


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    """``python -m generator serve`` on a copy of the fixture archive (and of the templates), torn down after."""
    seeds, content = copy_fixture(tmp_path / "archive")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    # --port 0: the server picks a free port, and the address it prints must be the one it listens on.
    cmd = [sys.executable, "-m", "generator", "serve", "--seeds", "archive/seeds", "--content", "archive/content",
           "--templates", "templates", "--out", "site", "--port", "0"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        port = _printed_port(proc, log)
        server = DevServer(f"http://127.0.0.1:{port}/", port, seeds, content, log, proc)
        _wait_for_port(server)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_STYLESHEET_HREFS = "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href).join(' ')"


def _wait_connected(page: Page, server: DevServer) -> None:
    """Wait until the server will send this page its reloads; an edit before that would reload nobody.

    livereload.js fires ``LiveReloadConnect`` after the handshake, but the
    server adds the page to its list only on the 'info' message sent next.
    Proof that it did: ask the server (``/forcereload``) to reload a
    stylesheet, which livereload.js does in place (a new ``<link>`` with a
    ``?livereload=`` address, no page load), and wait until this page has
    done so. Asked again every second: a request that came before the page
    was listed reached nobody.
    """
    # Polled with page.evaluate: wait_for_function's polling evaluates a string, which the site's CSP refuses.
    deadline = time.monotonic() + WAIT_MS / 1000
    while _evaluate_settled(page, "window.__livereloadConnected === true") is not True:
        if time.monotonic() > deadline:
            pytest.fail(f"livereload never connected within {WAIT_MS} ms:\n{server.output()}")
        time.sleep(0.1)
    before = _evaluate_settled(page, _STYLESHEET_HREFS)
    while time.monotonic() < deadline:
        with urllib.request.urlopen(server.url + "forcereload?path=assets/style.css", timeout=WAIT_MS / 1000) as r:
            assert r.read() == b"ok"
        asked = time.monotonic()
        while time.monotonic() - asked < 1.0:  # a request that came before the page was listed reached nobody
            if _evaluate_settled(page, _STYLESHEET_HREFS) != before:
                return
            time.sleep(0.05)
    pytest.fail(f"the server never sent this page a reload within {WAIT_MS} ms:\n{server.output()}")


def _evaluate_settled(page: Page, script: str) -> str:
    """``page.evaluate`` once the page is not in the middle of a reload (a late reload may still arrive)."""
    for _ in range(20):
        try:
            page.wait_for_load_state("load", timeout=WAIT_MS)
            return page.evaluate(script)
        except PlaywrightError as exc:
            if "Execution context was destroyed" not in str(exc):
                raise
    raise AssertionError("the page kept reloading")


def _rebuilt_lines(server: DevServer) -> list[str]:
    return re.findall(r"^rebuilt .*$", server.output(), re.MULTILINE)


def _wait_for_rebuilds(server: DevServer, count: int) -> list[str]:
    """The server's 'rebuilt' lines once there are ``count`` of them (the deadline only guards against a hang)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while len(lines := _rebuilt_lines(server)) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"expected {count} 'rebuilt' lines:\n{server.output()}")
        time.sleep(0.1)
    return lines


CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
document.addEventListener('LiveReloadConnect', () => { window.__livereloadConnected = true; });
"""


def test_edits_reach_the_open_page_and_errors_show_in_it(dev_server: DevServer, page: Page) -> None:
    """The page is a reader's: the site's Content-Security-Policy is in force, and any violation fails."""
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    # Bound to loopback only: a LISTEN socket on 127.0.0.1 (0100007F) and nothing else.
    assert f"at http://127.0.0.1:{dev_server.port}/" in dev_server.output()
    if Path("/proc/net/tcp").exists():
        assert _listening_addresses(dev_server.port) == {"0100007F"}

    page.context.set_default_timeout(WAIT_MS)  # goto and friends, on a machine as loaded as it may be
    page.add_init_script(CSP_WATCH)
    page.goto(dev_server.url + urls.article("kabul-airport"))
    expect(page.locator("main")).to_contain_text("Explosions struck crowds", timeout=WAIT_MS)
    csp = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp  # the policy the site ships, not relaxed
    # No inline script for the policy to refuse (JSON-LD is data, never run).
    assert page.locator("script:not([src]):not([type=\"application/ld+json\"])").count() == 0
    _wait_connected(page, dev_server)

    # 1. A burst of edits (a seed, its metadata, another seed) → one rebuild → the page shows the new text.
    seed = dev_server.seeds / "kabul-airport.txt"
    seed.write_text(seed.read_text().replace("Explosions struck crowds", "Explosions struck LIVE-EDIT-1 crowds"))
    meta = dev_server.content / "articles" / "kabul-airport.yaml"
    good_meta = meta.read_text()
    meta.write_text(good_meta.replace("Explosions near the airport gates", "Blasts near the gates"))
    other = dev_server.seeds / "hostile.txt"
    other.write_text(other.read_text() + "\nOne more paragraph.\n")
    expect(page.locator("main")).to_contain_text("LIVE-EDIT-1", timeout=WAIT_MS)
    # A second rebuild for the same burst would come before the rebuild for a later edit: make one and wait
    # for it. The burst got exactly one rebuild, naming all three files; the later edit one of its own.
    _wait_connected(page, dev_server)  # the reloaded page
    marker = dev_server.seeds / "clipping.txt"
    with page.expect_navigation(timeout=WAIT_MS):  # its reload too must be over before step 2
        marker.write_text(marker.read_text() + "\nA later edit.\n")
    assert [line.split(" after changes to ")[1] for line in _wait_for_rebuilds(dev_server, 2)] == [
        "archive/content/articles/kabul-airport.yaml, archive/seeds/hostile.txt, archive/seeds/kabul-airport.txt",
        "archive/seeds/clipping.txt",
    ], dev_server.output()

    # 2. Broken YAML → the page (still the last good build) shows the error, file and line; the server lives on.
    _wait_connected(page, dev_server)
    meta.write_text("title: Blasts <b>outside</b> Kabul\nsummary: a: b\n")
    banner = page.locator("#build-error")
    expect(banner).to_contain_text("kabul-airport.yaml:2: error: invalid YAML", timeout=WAIT_MS)
    expect(banner).to_have_attribute("role", "alert", timeout=WAIT_MS)
    expect(page.locator("main")).to_contain_text("LIVE-EDIT-1", timeout=WAIT_MS)  # the last good site, not blank
    output = dev_server.output()
    assert "content/articles/kabul-airport.yaml:2: error: invalid YAML" in output
    assert "Traceback" not in output
    assert dev_server.proc.poll() is None

    # A page the last good build never had gets the error page instead of a bare 404.
    other_page = page.context.new_page()
    other_page.goto(dev_server.url + urls.article("not-built-yet"))
    expect(other_page.locator("#build-error")).to_contain_text("kabul-airport.yaml:2", timeout=WAIT_MS)
    other_page.close()

    # 3. Fixing it → the banner goes and the page shows the rebuilt article.
    _wait_connected(page, dev_server)
    meta.write_text(good_meta.replace("Blasts outside Kabul airport", "Blasts outside Kabul airport (fixed)"))
    expect(page.locator("h1").first).to_contain_text("(fixed)", timeout=WAIT_MS)
    expect(banner).to_have_count(0, timeout=WAIT_MS)
    assert _wait_for_rebuilds(dev_server, 3)[2].endswith(" after changes to archive/content/articles/kabul-airport.yaml")
    assert len(re.findall(r"^build failed: ", dev_server.output(), re.MULTILINE)) == 1, dev_server.output()
    assert _evaluate_settled(page, "JSON.stringify(window.__cspViolations)") == "[]"
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_burst_watcher_rebuilds_once_after_a_quiet_poll(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("a")
    calls: list[list[str]] = []
    watcher = BurstWatcher([seeds], lambda paths: calls.append(paths) or "*")
    assert watcher.examine() == (None, None)  # nothing changed since start
    (seeds / "a.txt").write_text("aa")
    (seeds / "b.txt").write_text("b")
    (seeds / ".a.txt.swp").write_text("scratch")  # editors' scratch files are not inputs
    assert watcher.examine() == (None, None)  # changes seen: wait for quiet
    (seeds / "c.txt").write_text("c")
    assert watcher.examine() == (None, None)  # still busy
    assert watcher.examine() == ("*", None)  # quiet: one rebuild for all three
    assert calls == [sorted(str(seeds / n) for n in ("a.txt", "b.txt", "c.txt"))]
    assert watcher.examine() == (None, None)
    (seeds / "b.txt").unlink()
    watcher.examine()
    watcher.examine()
    assert calls[-1] == [str(seeds / "b.txt")]


def test_snapshot_diff_sees_additions_removals_and_edits(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("1")
    before = snapshot([tmp_path, tmp_path / "missing"])
    (tmp_path / "x.txt").write_text("22")
    (tmp_path / "y.txt").write_text("y")
    assert changed_paths(before, snapshot([tmp_path])) == {str(tmp_path / "x.txt"), str(tmp_path / "y.txt")}


def test_banner_is_escaped_and_first_in_body() -> None:
    banner = error_banner(["content/a.yaml:3: error: bad <script>alert(1)</script> & more"])
    assert b"<script>" not in banner
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in banner
    page = inject_banner(b'<html><head></head><body class="x"><main>hi</main></body></html>', banner)
    assert page.startswith(b'<html><head></head><body class="x"><div id="build-error" role="alert"')
    assert inject_banner(b"no body", b"<b/>") == b"<b/>no body"


def test_asset_edits_are_copied_without_a_rebuild(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.build import BuildOptions
    from generator.serve import BuildStatus, Rebuilder

    seeds, content = copy_fixture(tmp_path / "archive")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    opts = BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", templates=templates, whoosh=False)
    rebuilder = Rebuilder(opts, BuildStatus())
    assert rebuilder.run()
    page_before = (opts.out / "index.html").stat().st_mtime_ns
    css = templates / "assets" / "style.css"
    css.write_text(css.read_text() + "\n/* edited */\n")
    capsys.readouterr()

    reload_path = rebuilder.on_change([str(css)])

    assert reload_path == str(css)  # a lone stylesheet: the browser swaps it in place
    assert (opts.out / "assets" / "style.css").read_text().endswith("/* edited */\n")
    assert (opts.out / "index.html").stat().st_mtime_ns == page_before  # no rebuild
    assert "copied 1 asset" in capsys.readouterr().out

    # A template edit is not an asset: it rebuilds.
    base = templates / "base.html"
    base.write_text(base.read_text().replace("Skip to content", "Skip to the article"))
    assert rebuilder.on_change([str(base)]) == str(base)
    assert "Skip to the article" in (opts.out / "index.html").read_text()


def test_slow_scans_are_spaced_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.serve as serve_mod

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    scans: list[float] = []
    real_snapshot = serve_mod.snapshot

    def slow_snapshot(roots):
        scans.append(time.monotonic())
        time.sleep(0.25)  # a scan as slow as a 100,000-file archive's
        return real_snapshot(roots)

    monkeypatch.setattr(serve_mod, "snapshot", slow_snapshot)
    watcher = BurstWatcher([seeds], lambda paths: "*")
    deadline = time.monotonic() + WAIT_MS / 1000  # against a hang only
    while len(scans) < 4 and time.monotonic() < deadline:
        watcher.examine()  # livereload polls every 0.8 s; here as fast as we can
        time.sleep(0.02)
    assert len(scans) == 4
    # After each scan the watcher waits at least four scan-times (>= 4 x 0.25 s) before the next.
    gaps = [b - a for a, b in itertools.pairwise(scans[1:])]  # scans[0]: at start-up
    assert all(gap >= 1.0 for gap in gaps), gaps


def test_file_events_keep_inputs_below_a_hidden_folder(tmp_path):
    """A project under ~/.sites/ still rebuilds: only names hidden below the watched folders are ignored."""
    from generator.serve import FileEvents

    root = tmp_path / ".sites" / "news" / "seeds"
    events = FileEvents([root], lambda paths: None)
    assert events._wanted(None, str(root / "a.txt"))
    assert not events._wanted(None, str(root / ".a.txt.swp"))
    assert not events._wanted(None, str(root / ".git" / "index"))
    assert not events._wanted(None, str(root / "a.txt~"))


def test_typing_is_merged_and_a_pause_looks_at_every_input_without_slowing_the_next_save(tmp_path: Path) -> None:
    """The server starting on a current site keeps the model in memory, so the first save of typing is merged
    (generator.incremental.merge); after a pause the periodic look at every input runs while idle, not on the
    next save, which is merged too; a change only that look finds (a dropped event) is built."""
    from generator.build import BuildOptions, build
    from generator.serve import FULL_CHECK_SECONDS, BuildStatus, Rebuilder

    seeds, content = copy_fixture(tmp_path / "archive")
    opts = BuildOptions(seeds=seeds, content=content, out=tmp_path / "site", whoosh=False)
    build(opts)  # the CLI's build: the server starts on a current site
    rebuilder = Rebuilder(opts, BuildStatus())
    rebuilder.run()
    assert rebuilder.state is not None and rebuilder.state.memory is not None
    seed = sorted(seeds.glob("*.txt"))[0]
    page = opts.out / urls.article(seed.stem)
    merged: list[bool] = []
    import generator.serve as serve_mod

    def spy(*args, **kwargs):
        result = build(*args, **kwargs)
        merged.append(result.merged)
        return result

    serve_mod_build, serve_mod.build = serve_mod.build, spy
    try:
        seed.write_text(seed.read_text(encoding="utf-8") + "\n\nA typed line with quokkaword.\n", encoding="utf-8")
        assert rebuilder.on_change([str(seed)]) is not None
        assert "quokkaword" in page.read_text(encoding="utf-8")
        assert merged == [True]
        assert not rebuilder.check_when_idle()  # looked at everything just now (the start)
        rebuilder.checked -= FULL_CHECK_SECONDS + 1
        rebuilder.last_build -= 10
        seed.write_text(seed.read_text(encoding="utf-8") + "\n\nA line no event reported: wombatword.\n", encoding="utf-8")
        assert rebuilder.check_when_idle()
        assert merged == [True, False]  # the general path, as a look at every input is
        assert "wombatword" in page.read_text(encoding="utf-8")
        seed.write_text(seed.read_text(encoding="utf-8") + "\n\nAnd numbatword.\n", encoding="utf-8")
        assert rebuilder.on_change([str(seed)]) is not None
        assert merged == [True, False, True]
        assert "numbatword" in page.read_text(encoding="utf-8")
    finally:
        serve_mod.build = serve_mod_build
