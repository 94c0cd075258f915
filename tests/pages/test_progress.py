"""Build progress: shown on a terminal, silent in pipes, CI and with --quiet."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from conftest import ROOT, copy_fixture


def _build(tmp_path, *extra: str, tty: bool, env_extra: dict | None = None) -> tuple[int, bytes]:
    seeds, content = copy_fixture(tmp_path / "archive")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(ROOT), "TERM": "xterm"} | (env_extra or {})
    cmd = [sys.executable, "-m", "generator", "build", "--seeds", str(seeds), "--content", str(content),
           "--out", str(tmp_path / "site"), "--no-whoosh", *extra]
    if not tty:
        proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, timeout=300)
        return proc.returncode, proc.stderr
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    return proc.wait(timeout=300), b"".join(chunks)


def test_a_terminal_sees_the_steps(tmp_path):
    code, err = _build(tmp_path, tty=True)
    assert code == 0
    assert b"\r\x1b[K" in err
    for step in (b"load+model", b"plan", b"render ["):
        assert step in err


def test_pipes_ci_and_quiet_see_no_progress(tmp_path):
    for i, (extra, env) in enumerate([((), None), (("--quiet",), None)]):
        code, err = _build(tmp_path / f"pipe{i}", *extra, tty=False, env_extra=env)
        assert code == 0 and b"\x1b[K" not in err and b"load+model" not in err
    for i, (extra, env) in enumerate([(("--quiet",), None), ((), {"CI": "true"})]):
        code, err = _build(tmp_path / f"tty{i}", *extra, tty=True, env_extra=env)
        assert code == 0 and b"\x1b[K" not in err and b"load+model" not in err
