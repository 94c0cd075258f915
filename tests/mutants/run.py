"""Mutation testing with a committed list of planted mutants: ``make mutants`` (issue 19).

Why a list and not a mutation tool: the code worth mutating here is the few
hundred lines that decide what an incremental build may skip (fingerprints,
related articles, the browser index's in-place update, the build cache), and
the mutants worth planting are the plausible regressions there — a dependency
left out of a digest, a window cut short, a threshold ignored — not the
thousands of operator swaps a tool makes across the code base, most of them
in code the incremental tests are not about.  Each mutant in
``mutants.toml`` says what a reader would see go wrong; the kill rate of that
list is what the README reports.

For each mutant the repository is copied to a temporary folder (the working
tree is never changed), the mutant applied there, and the tests run with
``pytest -x`` against it: a failing test kills it.  First the same tests run
unmutated (a baseline that fails makes every kill meaningless).  Mutants are
located by module name, or, when the module has moved, by the one file under
``generator/`` that holds the snippet, so the list survives the code moving.

    .venv/bin/python tests/mutants/run.py [NAME ...] [--list]

Exits 1 when the baseline fails, a mutant is stale or invalid, or one of the
bugs issue 19 planted survives.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIST = Path(__file__).with_name("mutants.toml")
# The tests run against each mutant, the property test first (it kills most, and -x stops there).  The
# slow process tests of test_incremental.py (kills, the dev server, the background save) are left out:
# they are about interruption, not about what an incremental build may skip.
DEFAULT_TESTS = (
    "tests/incremental/test_merge.py",
    "tests/incremental/test_incremental_property.py",
    "tests/model/test_related.py",
    "tests/search/test_search_incremental.py",
    "tests/search/test_whoosh_docs.py",
    "tests/incremental/test_incremental.py",
    "-k", "not killed and not dev_server_hands and not frees and not background",
)
# The property test's seeds and length for mutants: fixed, so the kill rate is the same on every run.
ENV = {"PROPERTY_SEED": "1", "PROPERTY_RUNS": "2", "PROPERTY_STEPS": "30"}
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "node_modules", "__pycache__", "site", "site.whoosh", ".site-cache",
                                     "dist", ".pytest_cache", ".ruff_cache", "*.pyc")


@dataclass
class Mutant:
    name: str
    module: str
    before: str
    after: str
    why: str
    issue: int | None = None
    tests: list[str] | None = None


@dataclass
class Outcome:
    mutant: Mutant
    where: str
    status: str  # "killed", "survived", "timeout", "stale", "invalid"
    by: str
    seconds: float


def load_list(path: Path = LIST) -> list[Mutant]:
    """The mutants of ``mutants.toml``; snippets lose the one line end TOML leaves after them."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for entry in data["mutant"]:
        entry = dict(entry)
        entry["before"] = entry["before"].removesuffix("\n")
        entry["after"] = entry["after"].removesuffix("\n")
        out.append(Mutant(**entry))
    names = [m.name for m in out]
    if len(set(names)) != len(names):
        raise SystemExit(f"{path}: mutant names must be unique")
    return out


def locate(m: Mutant, root: Path) -> Path:
    """The file the mutant applies to: its module's, else the one file under generator/ holding the snippet once."""
    parts = m.module.split(".")
    for candidate in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
        if candidate.is_file() and candidate.read_text(encoding="utf-8").count(m.before) == 1:
            return candidate
    found = [p for p in sorted((root / "generator").rglob("*.py")) if m.before in p.read_text(encoding="utf-8")]
    if len(found) == 1 and found[0].read_text(encoding="utf-8").count(m.before) == 1:
        return found[0]
    where = ", ".join(str(p.relative_to(root)) for p in found) or "no file"
    raise LookupError(f"its snippet is in {where} (expected exactly once in one file)")


def run_tests(copy: Path, tests: list[str] | tuple[str, ...], timeout: float) -> tuple[str, str, float]:
    """Run pytest in ``copy``: ("passed" | "failed" | "timeout", the first failure's line, seconds)."""
    env = {**os.environ, **ENV, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider", *tests],
                            cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the pytest we started, with the builds it forked
        proc.communicate()
        return "timeout", f"no result after {timeout:.0f} s", time.monotonic() - started
    seconds = time.monotonic() - started
    if proc.returncode == 0:
        return "passed", "", seconds
    first = next((line for line in output.splitlines() if re.match(r"(FAILED|ERROR) ", line)), None)
    return "failed", first or output.strip().splitlines()[-1], seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and where they apply, run nothing")
    args = parser.parse_args(argv)
    mutants = load_list()
    unknown = set(args.names) - {m.name for m in mutants}
    if unknown:
        raise SystemExit(f"no such mutant: {', '.join(sorted(unknown))}")
    chosen = [m for m in mutants if not args.names or m.name in args.names]
    if args.list:
        for m in chosen:
            try:
                where = str(locate(m, ROOT).relative_to(ROOT))
            except LookupError as exc:
                where = f"STALE: {exc}"
            print(f"{m.name:40} {'issue ' + str(m.issue) if m.issue else '':9} {where}\n    {m.why}")
        return 0
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=COPY_IGNORE, symlinks=True)
        print(f"baseline: the tests, unmutated ({' '.join(DEFAULT_TESTS)}; {ENV})", flush=True)
        status, first, base_seconds = run_tests(copy, DEFAULT_TESTS, 3600)
        if status != "passed":
            print(f"baseline {status}: {first}\nfix the tests first: a kill means nothing while they fail", flush=True)
            return 1
        print(f"baseline passed in {base_seconds:.0f} s", flush=True)
        outcomes = [run_one(m, copy, timeout=3 * base_seconds + 120) for m in chosen]
    return report(outcomes)


def run_one(m: Mutant, copy: Path, timeout: float) -> Outcome:
    """Apply ``m`` in ``copy``, run its tests, put the file back."""
    try:
        path = locate(m, copy)
    except LookupError as exc:
        outcome = Outcome(m, "?", "stale", str(exc), 0.0)
        print(f"{m.name}: STALE ({exc})", flush=True)
        return outcome
    where = str(path.relative_to(copy))
    original = path.read_text(encoding="utf-8")
    mutated = original.replace(m.before, m.after, 1)
    try:
        compile(mutated, str(path), "exec")
    except SyntaxError as exc:
        return Outcome(m, where, "invalid", f"does not compile: {exc}", 0.0)
    path.write_text(mutated, encoding="utf-8")
    try:
        status, first, seconds = run_tests(copy, m.tests or DEFAULT_TESTS, timeout)
    finally:
        path.write_text(original, encoding="utf-8")
    result = {"failed": "killed", "passed": "survived", "timeout": "timeout"}[status]
    print(f"{m.name}: {result.upper()} in {seconds:.0f} s {first}", flush=True)
    return Outcome(m, where, result, first, seconds)


def report(outcomes: list[Outcome]) -> int:
    print("\nmutant                                   where                                   result    killed by")
    for o in outcomes:
        tag = " (issue 19)" if o.mutant.issue else ""
        print(f"{o.mutant.name + tag:40} {o.where:39} {o.status:9} {o.by}")
    runnable = [o for o in outcomes if o.status in ("killed", "survived", "timeout")]
    killed = [o for o in runnable if o.status in ("killed", "timeout")]
    rate = 100 * len(killed) / len(runnable) if runnable else 0.0
    print(f"\nkilled {len(killed)} of {len(runnable)} mutants ({rate:.0f}%)")
    bad = [o for o in outcomes if o.status in ("stale", "invalid") or (o.mutant.issue and o.status == "survived")]
    for o in bad:
        print(f"FAIL {o.mutant.name}: {o.status} {o.by}")
    for o in outcomes:
        if o.status == "survived" and not o.mutant.issue:
            print(f"survived {o.mutant.name}: {o.mutant.why}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
