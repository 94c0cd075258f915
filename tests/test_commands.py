"""The commands as an archivist types them, for an archive of their own: the installed console command from any
folder, and ``make`` with ``SEEDS= CONTENT= SITE=`` (``make dist`` never rebuilds another archive into its site)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import zipfile
from pathlib import Path

from conftest import ROOT, copy_fixture

from generator.model import urls

VENV_BIN = ROOT / ".venv" / "bin"
TIMEOUT = 300  # against a hang only


def _env() -> dict[str, str]:
    """The environment without PYTHONPATH: the command must find the generator because it is installed."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file below ``folder``: its bytes' digest and modification time (an untouched folder keeps both)."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_console_command_works_from_any_folder(tmp_path: Path) -> None:
    copy_fixture(tmp_path / "mine")
    work = tmp_path / "elsewhere"
    work.mkdir()
    help_ = subprocess.run([str(VENV_BIN / "archive"), "--help"], cwd=work, env=_env(), capture_output=True, text=True,
                           timeout=TIMEOUT)
    assert help_.returncode == 0, help_.stderr
    assert help_.stdout.startswith("usage: archive ")
    for command in ("build", "serve", "check", "dist", "query", "import", "discover"):
        assert re.search(rf"^    {command} ", help_.stdout, re.MULTILINE), command
    built = subprocess.run([str(VENV_BIN / "archive"), "build", "--seeds", "../mine/seeds", "--content", "../mine/content",
                            "--out", "out", "--no-whoosh"], cwd=work, env=_env(), capture_output=True, text=True,
                           timeout=TIMEOUT)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built 5 articles"), built.stdout
    assert (work / "out" / urls.article("kabul-airport")).is_file()
    module = subprocess.run([str(VENV_BIN / "python"), "-m", "generator", "check", "--seeds", "../mine/seeds",
                             "--content", "../mine/content", "--site", "out"], cwd=work, env=_env(), capture_output=True,
                            text=True, timeout=TIMEOUT)
    assert module.returncode == 0, module.stderr


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args], env=_env(), capture_output=True,
                          text=True, timeout=TIMEOUT)


def test_make_dist_of_another_archives_site_leaves_it_untouched(tmp_path: Path) -> None:
    seeds, content = copy_fixture(tmp_path / "other")
    (content / "site.yaml").write_text("title: Other Papers\n", encoding="utf-8")
    other = tmp_path / "other-site"
    built = _make("build", f"SEEDS={seeds}", f"CONTENT={content}", f"SITE={other}")
    assert built.returncode == 0, built.stderr
    before = _tree(other)

    proc = _make("dist", f"SITE={other}", f"DIST={tmp_path / 'zips'}")

    assert proc.returncode == 0, proc.stderr
    assert _tree(other) == before  # not rebuilt with the bundled archive, not written at all
    [target] = (tmp_path / "zips").glob("*.zip")
    assert target.name.startswith("other-papers-")  # the site's own title
    with zipfile.ZipFile(target) as zf:
        assert f"{target.stem}/{urls.article('kabul-airport')}" in zf.namelist()


def test_make_dist_refuses_a_folder_that_is_not_a_built_site(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "letter.txt").write_text("mine\n", encoding="utf-8")
    proc = _make("dist", f"SITE={folder}", f"DIST={tmp_path / 'zips'}")
    assert proc.returncode != 0
    assert f"{folder}: error: not a built site" in proc.stderr
    assert [p.name for p in folder.iterdir()] == ["letter.txt"] and not (tmp_path / "zips").exists()


def test_make_check_and_search_take_the_archive(tmp_path: Path) -> None:
    seeds, content = copy_fixture(tmp_path / "other")
    site = tmp_path / "site"
    assert _make("build", f"SEEDS={seeds}", f"CONTENT={content}", f"SITE={site}").returncode == 0
    check = _make("check", f"SEEDS={seeds}", f"CONTENT={content}", f"SITE={site}")
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"pages in {site}/, 0 broken links" in check.stdout  # the built site's links were checked
    search = _make("search", f"SITE={site}", "Q=panjshir")
    assert search.returncode == 0, search.stderr
    assert '"results": ["' in search.stdout
