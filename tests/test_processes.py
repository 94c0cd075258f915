"""Builds and the dev server stopped the ways machines stop them: a killed process group, SIGINT ignored, SIGTERM.

Real processes and signals, no mocks.  The property checked every time is
the one an archivist pays for: the next build is incremental (it uses the
cache), not a clean one with a ``note:`` about an interrupted build.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture

from generator.model import urls

DEADLINE = 120.0  # against a hang only: these are not timed tests
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def _build(tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--seeds", "archive/seeds", "--content",
                           "archive/content", "--out", "site", *extra], cwd=tmp, env=ENV, capture_output=True,
                          text=True, timeout=DEADLINE)


def _assert_incremental(proc: subprocess.CompletedProcess) -> None:
    """The build used the cache: no note about a clean build, and it says so."""
    assert proc.returncode == 0, proc.stderr
    assert "note:" not in proc.stdout, proc.stdout
    assert proc.stdout.startswith("nothing changed:") or "(incremental)" in proc.stdout, proc.stdout


def _build_then_kill_its_group(tmp: Path) -> str:
    """A CLI build in a process group of its own, SIGKILLed as a whole the moment the build reports.

    The summary line is printed after the build has forked the process that
    saves the cache, so the kill lands while that save is under way (or just
    after): a saver still in the build's group would die with it.
    """
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--seeds", "archive/seeds", "--content",
                             "archive/content", "--out", "site"], cwd=tmp, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=DEADLINE)
    return line


def test_a_build_whose_process_group_is_killed_leaves_a_cache_the_next_build_uses(tmp_path: Path) -> None:
    seeds, _ = copy_fixture(tmp_path / "archive")
    assert _build(tmp_path, "--no-whoosh").returncode == 0
    seed = seeds / "kabul-airport.txt"
    original = seed.read_text(encoding="utf-8")
    for i in range(3):  # three times: a save that happened to finish before the kill proves nothing alone
        seed.write_text(original + f"\nA correction, number {i}.\n", encoding="utf-8")
        line = _build_then_kill_its_group(tmp_path)
        assert "(incremental)" in line, line
        after = _build(tmp_path)
        _assert_incremental(after)
    assert f"A correction, number {2}." in (tmp_path / "site" / urls.article("kabul-airport")).read_text(encoding="utf-8")


def _start_server(tmp: Path, log: Path) -> subprocess.Popen:
    """``serve`` as a background shell starts it: SIGINT ignored (a disposition the child inherits)."""
    cmd = [sys.executable, "-m", "generator", "serve", "--seeds", "archive/seeds", "--content", "archive/content",
           "--out", "site", "--port", "0"]
    with log.open("w") as out:
        return subprocess.Popen(cmd, cwd=tmp, env=ENV, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))


def _wait_for_line(proc: subprocess.Popen, log: Path, pattern: str, count: int = 1) -> None:
    deadline = time.monotonic() + DEADLINE
    while len(re.findall(pattern, log.read_text(encoding="utf-8"), re.MULTILINE)) < count:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text(encoding='utf-8')}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {pattern!r} line:\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.05)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_dev_server_stops_on_a_signal_its_parent_ignored_and_saves_its_state(tmp_path: Path, stop: int) -> None:
    seeds, _ = copy_fixture(tmp_path / "archive")
    log = tmp_path / "serve.log"
    proc = _start_server(tmp_path, log)
    try:
        _wait_for_line(proc, log, r"^serving site/ at ")
        seed = seeds / "hostile.txt"
        seed.write_text(seed.read_text(encoding="utf-8") + "\nA paragraph the server built.\n", encoding="utf-8")
        _wait_for_line(proc, log, r"^rebuilt ")  # the server's state is now ahead of the cache on disk
        proc.send_signal(stop)
        try:
            assert proc.wait(timeout=DEADLINE) == 0, log.read_text(encoding="utf-8")
        except subprocess.TimeoutExpired:
            pytest.fail(f"the server did not stop on {signal.Signals(stop).name}:\n{log.read_text(encoding='utf-8')}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "stopping: saving the build state" in log.read_text(encoding="utf-8")
    after = _build(tmp_path)
    _assert_incremental(after)
    assert "A paragraph the server built." in (tmp_path / "site" / urls.article("hostile")).read_text(encoding="utf-8")
