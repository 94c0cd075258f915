"""``make bench``: one table of build speed and memory, ours beside Hugo and Pelican, same run.

Speed lives here, never in tests: a noisy shared machine makes timed tests
flake. Every build runs through the CLI in a fresh process; ``os.wait4``
gives its CPU time and peak RSS (the largest process of the build, as
``/usr/bin/time`` reports it for the peers), ``/proc/stat`` the CPU that
*other* processes used meanwhile (a disturbed run shows there, as in the
peers' scripts). Runs are repeated; the median and the minimum are reported.

**A build's time is until all its work is done.**  The CLI returns once the
site is written and leaves work running (the cache save, in a process of
its own session; the deletion of a replaced site; whatever else a build
starts in the background).  The bench is a child subreaper
(``PR_SET_CHILD_SUBREAPER``): every process the build leaves behind, however
detached, becomes its child, and a run ends when the last of them has
exited; their CPU counts too.  The time until the prompt returned is
reported beside it (``prompt s``).

Scenarios, on the shared Reuters-21578 corpus (imported once with its labels):

* cold build (output and build cache deleted) of ours, tuned Hugo
  (``hugo.py --related-cardinality 10``) and Pelican, interleaved round by
  round (ours, hugo, pelican, ours, ...) so machine drift hits all alike;
  a tool whose build took longer than ``--max-repeat-seconds`` is not repeated;
* ours only: rebuild with nothing changed; one seed with a sentence appended;
  one article in the middle of the date order moved by a ``date:`` in its
  metadata. Every run makes a new change, the file is restored afterwards;
  the dev server, in Chromium with the site's Content-Security-Policy in
  force: seconds from saving a seed to its new text in the open page (and
  the site's search then finds the word the edit added); and the first ``query --engine whoosh`` after the clean
  build and after those edits (the build records the whoosh documents; the
  query indexes them: from scratch, then in place);
* ``--scale5``: Reuters x5 (107,890 articles: copy k of each article gets id
  ``<id>-r<k>`` and its date shifted by k years; undated stay undated), made by
  copying the imported seeds and metadata, cold build.

Prints one JSON line per measurement on stdout (append them to a file to
compare runs), progress and the final table on stderr: the targets of issue 6
and whether each is met, and where our time goes, per build step, from the
timings the CLI prints.

    python -m generator.bench [--limit N] [--repeat R] [--peers hugo,pelican] [--scale5] [--work DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.incremental.cache import cache_dir
from generator.incremental.load import RACY_NS
from generator.model import urls
from generator.util.files import libc
from generator.util.folders import MAX_ENTRIES

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "reuters21578" / "articles.jsonl"
PEERS = SHARED / "peers"
PEER_SCRIPTS = {  # --peers name -> (script, extra arguments, tool label)
    "hugo": ("hugo.py", ["--related-cardinality", "10"], "hugo (tuned)"),
    "hugo-untuned": ("hugo.py", [], "hugo (default)"),
    "pelican": ("pelican.py", [], "pelican"),
}
TUNED_HUGO = PEER_SCRIPTS["hugo"][2]
SETTLE_SECONDS = RACY_NS / 1e9 + 0.5  # inputs older than this are not "racy" for the build cache
# Issue 16's targets, each a build's time until all its work is done (issue 6's for the date move).
NO_CHANGE_SECONDS = 1.0
EDIT_SECONDS = 2.0
DATE_MOVE_SECONDS = 3.0
SERVE_SECONDS = 1.0  # save to the new text in the open page; aim 0.5 s
CHROMIUM = "/usr/lib/chromium/chromium"
X5_SECONDS = 100.0
X5_RSS_MB = 2048.0
_SEED_DATE = re.compile(r"\Adate (?:(?P<iso>\d{4}-\d{2}-\d{2})|undated)\b")
_META_DATE = re.compile(r"^date:[^\n]*\n?", re.MULTILINE)


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


# ------------------------------------------------------------------ timing


@dataclass(frozen=True)
class Run:
    """One timed process: wall seconds until all its work was done, CPU seconds, peak RSS, CPU other processes used
    meanwhile, and the wall seconds until it returned (the prompt), when it left work running after that."""

    seconds: float
    cpu_seconds: float | None
    max_rss_kb: int | None
    other_cpu_seconds: float | None
    info: dict = field(default_factory=dict)  # our build's own report (mode, steps) or the peer's JSON line
    prompt_seconds: float | None = None


def become_subreaper() -> bool:
    """Adopt every orphaned descendant (Linux ``PR_SET_CHILD_SUBREAPER``), so work a build detaches is waited for.

    False where the kernel cannot (not Linux): background work is then not counted, and the table says so.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        return libc().prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


SUBREAPER = False  # set by main()


def reap_leftovers() -> tuple[float, int]:
    """Wait for every other child (the detached work of the process just run); their CPU seconds and peak RSS."""
    cpu, rss = 0.0, 0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return cpu, rss
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss)


def _busy_seconds() -> float | None:
    """Machine-wide busy CPU seconds so far (/proc/stat: all but idle and iowait), as the peers count them."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    busy = sum(v) - v[3] - (v[4] if len(v) > 4 else 0)
    if len(v) > 8:
        busy -= sum(v[8:10])  # guest time is already counted in user/nice
    return busy / os.sysconf("SC_CLK_TCK")


def run_timed(cmd: list[str], what: str) -> tuple[Run, str]:
    """Run ``cmd`` in a fresh process after flushing earlier writes; its timing (until all its work is done, see
    the module's docstring) and stdout.

    Output goes to temporary files, not pipes, so a chatty build cannot block.
    """
    os.sync()  # deleted outputs and edited inputs reach the disk outside the timing, as in the peers' scripts
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy0 = _busy_seconds()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        prompt = time.perf_counter() - start
        left_cpu, left_rss = reap_leftovers()
        wall = time.perf_counter() - start
        busy1 = _busy_seconds()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise BenchError(f"bench: {what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime + left_cpu
    other = None if busy0 is None or busy1 is None else round(max(0.0, busy1 - busy0 - cpu), 2)
    return Run(round(wall, 3), round(cpu, 3), max(usage.ru_maxrss, left_rss), other, prompt_seconds=round(prompt, 3)), stdout


# ------------------------------------------------------------ our build

_BUILT = re.compile(r"^built .*?\((?P<mode>[\w ]+)\): .*?(?P<written>\d+) written, (?P<removed>\d+) removed, "
                    r".* in (?P<secs>\d+(?:\.\d+)?)s \((?P<steps>.*)\)$", re.MULTILINE)
_UNCHANGED = re.compile(r"^nothing changed: .* in (?P<secs>\d+(?:\.\d+)?)s$", re.MULTILINE)
_STEP = re.compile(r"(.+?) (\d+(?:\.\d+)?)s(?:, |$)")


def parse_build_report(stdout: str) -> dict:
    """The CLI's summary line: mode, files written/removed, its own seconds and per-step seconds.

    ``built N articles ... (clean): F files, W written, R removed, ... in X s (step a 1.23s, ...)``
    or ``nothing changed: ... in X s``. An unknown format gives ``{}`` (the wall time still counts).
    """
    m = _BUILT.search(stdout)
    if m:
        # "render 118 pages" -> "render N pages": the same step under one name in every run
        steps = {re.sub(r"\b\d[\d,]*\b", "N", name): float(sec) for name, sec in _STEP.findall(m["steps"])}
        return {"mode": m["mode"], "written": int(m["written"]), "removed": int(m["removed"]),
                "build_seconds": float(m["secs"]), "steps": steps}
    m = _UNCHANGED.search(stdout)
    if m:
        return {"mode": "unchanged", "written": 0, "removed": 0, "build_seconds": float(m["secs"]), "steps": {}}
    return {}


@dataclass
class Archive:
    """An input archive (seeds + content) and the output folder our builds of it use."""

    name: str
    seeds: Path
    content: Path
    out: Path
    articles: int
    last_write: float = 0.0  # time.time() of our last change to the inputs

    def settle(self) -> None:
        """Wait until our last input change is older than the build cache's racy window.

        Otherwise the first rebuild after a cold build would re-read files
        only because the import finished a moment before, which no user sees.
        """
        wait = self.last_write + SETTLE_SECONDS - time.time()
        if wait > 0:
            time.sleep(wait)

    def build(self, clean: bool, extra: tuple[str, ...] = ()) -> Run:
        """One ``python -m generator build`` (with ``extra`` arguments); ``clean`` deletes the output, its search index and cache first."""
        if clean:
            for p in (self.out, self.out.with_name(self.out.name + ".whoosh"), cache_dir(self.out)):
                shutil.rmtree(p, ignore_errors=True)
        cmd = [sys.executable, "-m", "generator", "build", "--seeds", str(self.seeds),
               "--content", str(self.content), "--out", str(self.out), *extra]
        run, stdout = run_timed(cmd, f"build of {self.name}")
        return dataclasses.replace(run, info=parse_build_report(stdout))

    def query_whoosh(self) -> Run:
        """One ``query --engine whoosh``: it first indexes what the builds since the last query recorded."""
        cmd = [sys.executable, "-m", "generator", "query", "--site", str(self.out), "--engine", "whoosh", "oil prices"]
        run, _ = run_timed(cmd, f"whoosh query of {self.name}")
        return run


# --------------------------------------------------------------- measurements


@dataclass
class Measurement:
    """Repeated runs of one tool on one scenario; ``record()`` is its JSON line."""

    tool: str
    corpus: str
    scenario: str
    articles: int
    runs: list[Run] = field(default_factory=list)
    site: Path | None = None
    _record: dict | None = None

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def prompt_seconds(self) -> float | None:
        """Median seconds until the command returned, when that was not the end of its work (else None)."""
        prompts = [r.prompt_seconds for r in self.runs if r.prompt_seconds is not None]
        if len(prompts) < len(self.runs) or all(abs(p - r.seconds) < 0.005 for p, r in zip(prompts, self.runs, strict=True)):
            return None
        return round(statistics.median(prompts), 3)

    @property
    def rss_mb(self) -> float | None:
        rss = [r.max_rss_kb for r in self.runs if r.max_rss_kb is not None]
        return max(rss) / 1024 if rss else None

    def steps(self) -> dict[str, float]:
        """Median seconds of each step our CLI reported, in its order."""
        names: list[str] = []
        for r in self.runs:
            names += [n for n in r.info.get("steps", {}) if n not in names]
        return {n: round(statistics.median(r.info["steps"][n] for r in self.runs if n in r.info.get("steps", {})), 3)
                for n in names}

    def record(self) -> dict:
        """The JSON line (computed once: counting the output files of a big site takes seconds)."""
        if self._record is None:
            self._record = self._make_record()
        return self._record

    def _make_record(self) -> dict:
        secs = [r.seconds for r in self.runs]
        cpu = [r.cpu_seconds for r in self.runs if r.cpu_seconds is not None]
        rec: dict = {
            "tool": self.tool, "corpus": self.corpus, "scenario": self.scenario, "articles": self.articles,
            "runs": len(secs), "seconds": round(self.seconds, 3), "min_seconds": min(secs), "run_seconds": secs,
            "prompt_seconds": self.prompt_seconds,
            "cpu_seconds": round(statistics.median(cpu), 3) if cpu else None,
            "max_rss_kb": max((r.max_rss_kb for r in self.runs if r.max_rss_kb is not None), default=None),
            "other_cpu_seconds": [r.other_cpu_seconds for r in self.runs],
        }
        if self.tool == "ours":
            reports = [r.info for r in self.runs if "mode" in r.info]  # a dev-server run reports its rebuild only
            rec["modes"] = [i["mode"] for i in reports]
            rec["written"] = [i["written"] for i in reports]
            if reports:
                rec["build_seconds"] = round(statistics.median(i["build_seconds"] for i in reports), 3)
            rec["steps"] = self.steps()
        else:
            last = self.runs[-1].info
            rec.update({k: last[k] for k in ("version", "related", "prep_seconds") if k in last})
            rec.update({k: last[k] for k in ("pages_out", "files_out", "bytes_out") if k in last})
        if self.site is not None and self.site.is_dir() and "files_out" not in rec:
            rec.update(tree_stats(self.site))
        if self.site is not None:
            rec["site"] = str(self.site)
        return rec


def tree_stats(path: Path) -> dict:
    """Files, HTML pages and bytes under ``path``, and its fullest folder (issue 21: a USB stick's FAT32 folder limit)."""
    files = pages = size = 0
    most, fullest = 0, "."
    stack = [path]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as it:
            entries = list(it)
            if len(entries) > most:
                most, fullest = len(entries), folder.relative_to(path).as_posix()
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    stack.append(Path(e.path))
                elif e.is_file(follow_symlinks=False):
                    files += 1
                    pages += e.name.endswith(".html")
                    size += e.stat().st_size
    return {"pages_out": pages, "files_out": files, "bytes_out": size, "most_folder_entries": most, "fullest_folder": fullest}


def emit(m: Measurement, results: list[Measurement]) -> None:
    results.append(m)
    print(json.dumps(m.record()), flush=True)


def say(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------- peers


def peers_ready(names: list[str]) -> dict[str, str]:
    """Install the requested peers with ``../shared/peers/setup.sh``; the environment to run them, or {} (said why)."""
    if not names:
        return {}
    if not (PEERS / "setup.sh").is_file():
        say(f"{PEERS} not found: peers not measured")
        return {}
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    env = {**os.environ, "PEERS_HOME": os.environ.get("PEERS_HOME", str(cache / "archive-bench-peers"))}
    say(f"setting up peers in {env['PEERS_HOME']} (first time: installs Hugo and Pelican)")
    proc = subprocess.run([str(PEERS / "setup.sh")], env=env, stdout=sys.stderr, stderr=sys.stderr, check=False)
    if proc.returncode != 0:
        say("peer setup failed (see above): peers not measured")
        return {}
    return env


def peer_once(name: str, corpus: Path, out: Path, limit: int, env: dict[str, str]) -> Run:
    """One timed build by a peer's script (it writes the project, then times the tool only)."""
    script, extra, _ = PEER_SCRIPTS[name]
    cmd = [sys.executable, str(PEERS / script), str(corpus), str(out), "--repeat", "1", *extra]
    if limit:
        cmd += ["--limit", str(limit)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise BenchError(f"bench: {name} failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    res = json.loads(lines[-1])
    other = res.get("other_cpu_seconds") or [None]
    return Run(res["seconds"], res.get("cpu_seconds"), res.get("max_rss_kb"), other[0], res)


# -------------------------------------------------------------- archives


def import_reuters(corpus: Path, limit: int, work: Path) -> Archive:
    """The corpus imported with its labels into ``work`` (reused when a previous run finished it)."""
    name = f"{corpus.parent.name}-{limit or 'all'}"
    base = work / name
    arch = Archive(name, base / "seeds", base / "content", base / "site", 0)
    stamp = base / "imported.ok"
    if not stamp.exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        cmd = [sys.executable, "-m", "generator", "import", "jsonl", str(corpus),
               "--seeds", str(arch.seeds), "--content", str(arch.content)]
        labels = corpus.parent / "entity_labels.json"
        if labels.exists():
            cmd += ["--labels", str(labels)]
        if limit:
            cmd += ["--limit", str(limit)]
        say(f"importing {corpus} into {base} ...")
        run, _ = run_timed(cmd, "import")
        say(f"imported in {run.seconds:.1f}s")
        stamp.write_text("")
        arch.last_write = time.time()
    arch.articles = sum(1 for _ in arch.seeds.glob("*.txt"))
    return arch


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def scale(src: Archive, copies: int, work: Path) -> Archive:
    """``src`` times ``copies``: copy k >= 1 of article ``<id>`` is ``<id>-r<k>``, dated k years later.

    Made by copying seeds and metadata (much faster than writing a JSON
    Lines file and importing it; the entity registry and site.yaml are the
    same either way). Undated articles stay undated.
    """
    name = f"{src.name}-x{copies}"
    base = work / name
    arch = Archive(name, base / "seeds", base / "content", base / "site", 0)
    stamp = base / "generated.ok"
    if not stamp.exists():
        say(f"generating {name} in {base} ...")
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(src.content, arch.content, ignore=shutil.ignore_patterns("articles"))
        arch.seeds.mkdir(parents=True)
        (arch.content / "articles").mkdir()
        for seed in sorted(src.seeds.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            m = _SEED_DATE.match(text)
            if m is None:
                raise BenchError(f"{seed}:1: error: expected 'date YYYY-MM-DD' or 'date undated' (as the importer writes)")
            meta = src.content / "articles" / f"{seed.stem}.yaml"
            meta_text = meta.read_text(encoding="utf-8") if meta.exists() else None
            for k in range(copies):
                new_id = seed.stem if k == 0 else f"{seed.stem}-r{k}"
                body = text
                if m["iso"] and k:
                    day = _shift_years(dt.date.fromisoformat(m["iso"]), k)
                    body = f"date {day.isoformat()}{text[m.end():]}"
                (arch.seeds / f"{new_id}.txt").write_text(body, encoding="utf-8")
                if meta_text is not None:
                    (arch.content / "articles" / f"{new_id}.yaml").write_text(
                        _shift_meta_date(meta_text, k), encoding="utf-8")
        stamp.write_text("")
        arch.last_write = time.time()
    arch.articles = sum(1 for _ in arch.seeds.glob("*.txt"))
    return arch


def _shift_meta_date(text: str, years: int) -> str:
    """A metadata file's ``date: YYYY-MM-DD`` moved by ``years`` (other forms left alone)."""
    def shift(m: re.Match[str]) -> str:
        value = m.group(0)[5:].strip().strip("'\"")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return m.group(0)
        return f"date: {_shift_years(day, years).isoformat()}\n"
    return _META_DATE.sub(shift, text) if years else text


def seeds_by_date(arch: Archive) -> list[tuple[str, Path]]:
    """Seeds in date order (ISO date from the first line; undated last), for picking typical edits."""
    dated = []
    for seed in arch.seeds.glob("*.txt"):
        with seed.open(encoding="utf-8") as f:
            m = _SEED_DATE.match(f.readline())
        dated.append((m["iso"] if m and m["iso"] else "9999", seed))
    dated.sort()
    return dated


# -------------------------------------------------------------- scenarios


def cold_rounds(tools: dict[str, Callable[[], Run]], repeat: int, cap: float) -> dict[str, list[Run]]:
    """``repeat`` rounds of one cold build per tool, interleaved; a build slower than ``cap`` is not repeated."""
    runs: dict[str, list[Run]] = {name: [] for name in tools}
    for rnd in range(repeat):
        for name, once in tools.items():
            if runs[name] and runs[name][-1].seconds > cap:
                continue
            say(f"cold build, round {rnd + 1}/{repeat}: {name} ...")
            runs[name].append(once())
            say(f"  {name}: {runs[name][-1].seconds:.1f}s")
    return runs


def edit_runs(arch: Archive, path: Path, repeat: int, alter: Callable[[str, int], str]) -> list[Run]:
    """Rebuilds after ``repeat`` successive changes of ``path`` (each run a new one); restored and rebuilt after."""
    original = path.read_text(encoding="utf-8")
    runs = []
    try:
        for i in range(repeat):
            path.write_text(alter(original, i), encoding="utf-8")
            arch.last_write = time.time()
            runs.append(arch.build(clean=False))
    finally:
        path.write_text(original, encoding="utf-8")
        arch.last_write = time.time()
    arch.build(clean=False)  # back in step with the restored input, untimed
    return runs


# In every page the bench opens: when the page's text first holds the word the bench saved, the time (the
# clock Python's time.time() reads); and when livereload has connected.  Init scripts run under the site's CSP.
_SHOWN_AT = """
document.addEventListener('DOMContentLoaded', () => {
  const word = sessionStorage.getItem('benchWord');
  if (word && !sessionStorage.getItem('benchShownAt') && document.body.textContent.includes(word)) {
    sessionStorage.setItem('benchShownAt', String(Date.now()));
  }
});
document.addEventListener('LiveReloadConnect', () => { window.__benchConnected = true; });
"""


@dataclass
class DevServer:
    """``python -m generator serve`` on an archive, its log, and the address it printed."""

    proc: subprocess.Popen
    log: Path
    url: str = ""

    def lines(self, pattern: str) -> list[str]:
        return re.findall(pattern, self.log.read_text(encoding="utf-8", errors="replace"), re.M)

    def wait_for(self, pattern: str, count: int, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(found := self.lines(pattern)) < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"bench: the dev server did not report {pattern!r}; see {self.log}")
            time.sleep(0.005)
        return found


def _page_state(page: object, script: str) -> object:
    """``page.evaluate(script)``, or None while the page is between documents (a reload under way)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return page.evaluate(script)  # type: ignore[attr-defined]
    except PlaywrightError:
        return None


def _edit_to_visible(page: object, server: DevServer, seed: Path, text: str, word: str, timeout: float) -> Run:
    """Open the seed's page, save the seed with ``word`` added, wait until the page shows it; the seconds between.

    The time is the page's own (DOMContentLoaded of the document holding the word), so how often the bench
    looks does not count.  Then the site's search is asked for the word: it must find the article.
    """
    page.goto(server.url + urls.article(seed.stem))  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    # Polled with evaluate: wait_for_function evaluates a string, which the site's CSP (no 'unsafe-eval') refuses.
    while _page_state(page, "window.__benchConnected === true") is not True:
        if time.monotonic() > deadline:
            raise BenchError(f"bench: livereload never connected in the page of {seed.name}; see {server.log}")
        time.sleep(0.05)
    time.sleep(1.0)  # the server lists the page on the message after the handshake
    page.evaluate(f"sessionStorage.setItem('benchWord', {json.dumps(word)}); sessionStorage.removeItem('benchShownAt')")  # type: ignore[attr-defined]
    rebuilt = len(server.lines(r"^rebuilt "))
    saved = time.time()
    seed.write_text(text.rstrip("\n") + f"\n\nA sentence added with {word}.\n", encoding="utf-8")
    deadline = time.monotonic() + timeout
    while not (shown := _page_state(page, "sessionStorage.getItem('benchShownAt')")):
        if time.monotonic() > deadline or server.proc.poll() is not None:
            raise BenchError(f"bench: the open page never showed the edit of {seed.name}; see {server.log}")
        time.sleep(0.02)
    line = server.wait_for(r"^rebuilt .*$", rebuilt + 1, timeout)[-1]
    server_s = re.search(r" in (\d+\.\d+)s", line)
    visible = int(str(shown)) / 1000 - saved
    page.goto(f"{server.url}search/index.html?q={word}")  # type: ignore[attr-defined]
    try:
        page.locator(f'#as-results [role=option][data-id="{seed.stem}"]').first.wait_for(timeout=timeout * 1000)  # type: ignore[attr-defined]
    except Exception as exc:
        raise BenchError(f"bench: the site's search did not find {word!r}, added to {seed.name}: {exc}") from exc
    return Run(round(visible, 3), None, None, None, {"rebuild_seconds": float(server_s[1]) if server_s else None})


def serve_runs(arch: Archive, seeds: list[Path], timeout: float = 600.0) -> list[Run]:
    """The dev server in Chromium, the site's CSP in force: seconds from saving a seed to its new text in the page.

    One ``python -m generator serve`` on the archive (it starts from the
    build cache our last build left); each seed gets a new sentence with a
    word of its own, and its open page must show it (livereload reloads it);
    the site's search must then find the word.  The seeds are restored
    after.  The server's own "rebuilt … in X s" is kept per run.
    """
    from playwright.sync_api import sync_playwright

    log_path = arch.out.parent / f".{arch.out.name}-serve.log"
    cmd = [sys.executable, "-m", "generator", "serve", "--seeds", str(arch.seeds), "--content", str(arch.content),
           "--out", str(arch.out), "--port", "0"]
    originals = {p: p.read_text(encoding="utf-8") for p in seeds}
    runs: list[Run] = []
    with open(log_path, "w", encoding="utf-8") as log:
        server = DevServer(subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "PYTHONUNBUFFERED": "1"}), log_path)
        try:
            port = re.search(r"http://127\.0\.0\.1:(\d+)/", server.wait_for(r"^serving .*$", 1, timeout)[0])
            if port is None:
                raise BenchError(f"bench: the dev server printed no address; see {log_path}")
            server.url = f"http://127.0.0.1:{port[1]}/"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run"])
                page = browser.new_page()  # no bypass_csp: the site's policy is in force
                page.add_init_script(_SHOWN_AT)
                for i, seed in enumerate(seeds):
                    runs.append(_edit_to_visible(page, server, seed, originals[seed], f"benchserveword{i}", timeout))
                    say(f"  {seed.name}: visible after {runs[-1].seconds:.2f}s (server: rebuilt in "
                        f"{runs[-1].info.get('rebuild_seconds')}s)")
                browser.close()
        finally:
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")
            server.proc.send_signal(signal.SIGTERM)  # it saves the build cache for the next build
            try:
                server.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                server.proc.kill()
                server.proc.wait()
            reap_leftovers()
    arch.last_write = time.time()
    arch.build(clean=False)  # back in step with the restored seeds, untimed
    return runs


def append_sentence(text: str, i: int) -> str:
    return text.rstrip("\n") + f"\n\nBenchmark correction {i + 1}: the figures were confirmed by the company.\n"


def move_date(day: dt.date) -> Callable[[str, int], str]:
    """Metadata ``date:`` set to ``day`` plus i + 1 days on run i (a new position in the date order each run)."""
    def alter(text: str, i: int) -> str:
        rest = _META_DATE.sub("", text)
        return rest.rstrip("\n") + f"\ndate: {(day + dt.timedelta(days=i + 1)).isoformat()}\n"
    return alter


def measure_reuters(args: argparse.Namespace, work: Path, results: list[Measurement]) -> None:
    """Cold builds beside the peers, then our incremental scenarios, then Reuters x5."""
    arch = import_reuters(args.corpus, args.limit, work)
    corpus = args.corpus.parent.name
    if args.only_scale:
        for copies in args.scale:
            measure_scaled(arch, copies, args, work, corpus, results)
        return
    env = peers_ready(args.peers)
    tools: dict[str, Callable[[], Run]] = {}

    def ours_cold() -> Run:
        arch.settle()
        return arch.build(clean=True)

    tools["ours"] = ours_cold
    if env:
        for p in args.peers:
            tools[PEER_SCRIPTS[p][2]] = (lambda p=p: peer_once(p, args.corpus, work / arch.name / p, args.limit, env))
    for name, runs in cold_rounds(tools, args.repeat, args.max_repeat_seconds).items():
        site = arch.out if name == "ours" else None
        m = Measurement("ours" if name == "ours" else name, corpus, "cold build", arch.articles, runs, site)
        emit(m, results)

    if args.cluster_local:
        emit(cluster_cold(arch, args.cluster_local, args.repeat, corpus), results)

    say("whoosh: the first query after the cold build indexes every article ...")
    emit(Measurement("ours", corpus, "whoosh: first query after a clean build", arch.articles, [arch.query_whoosh()]), results)

    say("no-change rebuilds ...")
    arch.settle()
    m = Measurement("ours", corpus, "no-change rebuild", arch.articles, [arch.build(clean=False) for _ in range(args.repeat)], arch.out)
    emit(m, results)

    order = seeds_by_date(arch)
    seed = order[len(order) // 4][1]
    say(f"one seed edited ({seed.name}) ...")
    m = Measurement("ours", corpus, f"one seed edited ({seed.stem})", arch.articles,
                    edit_runs(arch, seed, args.repeat, append_sentence), arch.out)
    emit(m, results)

    picks = [order[len(order) * k // 7][1] for k in range(1, 6)]
    say(f"dev server: {len(picks)} seeds edited, each watched in Chromium ...")
    m = Measurement("ours", corpus, "dev server: edit to visible", arch.articles, serve_runs(arch, picks), None)
    emit(m, results)

    iso, middle = next((d, s) for d, s in order[len(order) // 2:] if d != "9999")
    meta = arch.content / "articles" / f"{middle.stem}.yaml"
    if meta.exists():
        say(f"one date moved ({meta.name}) ...")
        m = Measurement("ours", corpus, f"date moved ({middle.stem})", arch.articles,
                        edit_runs(arch, meta, args.repeat, move_date(dt.date.fromisoformat(iso))), arch.out)
        emit(m, results)
    else:
        say(f"{meta} not found: the date-move edit was not measured")
    say("whoosh: the first query after those edits ...")
    emit(Measurement("ours", corpus, "whoosh: first query after the edits", arch.articles, [arch.query_whoosh()]), results)

    for copies in args.scale:
        measure_scaled(arch, copies, args, work, corpus, results)


def measure_scaled(arch: Archive, copies: int, args: argparse.Namespace, work: Path, corpus: str,
                   results: list[Measurement]) -> None:
    """Reuters times ``copies`` (issue 21): cold builds, then once each: no change, one seed edited, a new day of
    ``NEW_DAY`` articles.  Peak RSS per 1,000 articles is reported for each (see :func:`targets`)."""
    big = scale(arch, copies, work)
    say(f"{big.name}: {big.articles} articles")
    label = f"{corpus} x{copies}"

    def big_cold() -> Run:
        big.settle()
        return big.build(clean=True)

    runs = cold_rounds({"ours": big_cold}, args.repeat, args.max_repeat_seconds)["ours"]
    emit(Measurement("ours", label, "cold build", big.articles, runs, big.out), results)
    big.settle()
    emit(Measurement("ours", label, "no-change rebuild", big.articles, [big.build(clean=False)], big.out), results)
    order = seeds_by_date(big)
    seed = order[len(order) // 4][1]
    say(f"{big.name}: one seed edited ({seed.name}) ...")
    emit(Measurement("ours", label, f"one seed edited ({seed.stem})", big.articles,
                     edit_runs(big, seed, 1, append_sentence), big.out), results)
    say(f"{big.name}: a new day of {NEW_DAY} articles ...")
    emit(Measurement("ours", label, f"a new day of {NEW_DAY} articles", big.articles + NEW_DAY,
                     [new_day(big, order)], big.out), results)


NEW_DAY = 500  # articles a daily adds in a day (issue 21)


def new_day(arch: Archive, order: list[tuple[str, Path]]) -> Run:
    """Add ``NEW_DAY`` articles dated the day after the newest (copies of the newest dated seeds under new ids,
    without metadata), build, then remove them and build again untimed."""
    dated = [(iso, p) for iso, p in order if iso != "9999"]
    day = dt.date.fromisoformat(dated[-1][0]) + dt.timedelta(days=1)
    added = []
    for n, (_iso, seed) in enumerate(dated[-NEW_DAY:]):
        text = seed.read_text(encoding="utf-8")
        m = _SEED_DATE.match(text)
        path = arch.seeds / f"newday-{day.isoformat()}-{n:04d}.txt"
        path.write_text(f"date {day.isoformat()}{text[m.end():] if m else text}", encoding="utf-8")
        added.append(path)
    arch.last_write = time.time()
    arch.settle()
    try:
        return arch.build(clean=False)
    finally:
        for path in added:
            path.unlink(missing_ok=True)
        arch.last_write = time.time()
        arch.settle()
        arch.build(clean=False)


def cluster_cold(arch: Archive, workers: int, repeat: int, corpus: str) -> Measurement:
    """Cold builds with ``--cluster`` on a Dask LocalCluster of ``workers`` processes started here (issue 21).

    On one machine this measures what the cluster costs (pickling the model
    to the workers, results back), not what it gains; the README projects
    N machines from these steps.  CPU and peak RSS are the build process's
    only: the workers are this process's children, not the build's.
    """
    from distributed import LocalCluster  # the optional cluster extra (requirements-cluster.txt)

    say(f"cold build on a LocalCluster of {workers} worker processes ...")
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        runs = []
        for _ in range(repeat):
            arch.settle()
            runs.append(arch.build(clean=True, extra=("--cluster", lc.scheduler_address)))
    return Measurement("ours", corpus, f"cold build, --cluster ({workers} local workers)", arch.articles, runs, arch.out)


# ---------------------------------------------------------------- report


def _fmt(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


def table(results: list[Measurement]) -> str:
    head = ["tool", "corpus", "scenario", "articles", "runs", "median s", "min s", "prompt s", "CPU s", "peak RSS MB", "files",
            "other CPU s"]
    rows = [head]
    for m in results:
        rec = m.record()
        other = [o for o in rec["other_cpu_seconds"] if o is not None]
        rows.append([m.tool, m.corpus, m.scenario, f"{m.articles:,}", str(len(m.runs)), _fmt(m.seconds), _fmt(rec["min_seconds"]),
                     _fmt(m.prompt_seconds), _fmt(rec["cpu_seconds"]), _fmt(m.rss_mb, 0), f"{rec['files_out']:,}" if "files_out" in rec else "-",
                     _fmt(statistics.median(other) if other else None, 1)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        cells = [c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def where_time_goes(results: list[Measurement]) -> list[str]:
    out = []
    for m in results:
        if m.tool != "ours" or not any(r.info for r in m.runs):
            continue
        steps = ", ".join(f"{n} {s:.2f}s" for n, s in m.steps().items()) or "no steps reported"
        modes = sorted({r.info.get("mode", "?") for r in m.runs})
        written = statistics.median(r.info.get("written", 0) for r in m.runs)
        out.append(f"  {m.corpus} / {m.scenario} ({'/'.join(modes)}, {written:,.0f} files written): {steps}")
    return out


def targets(results: list[Measurement], limit: int) -> list[str]:
    """Issue 6's targets, each with the measured value and met / MISSED (or why it was not measured)."""
    def find(tool: str, scenario: str, x5: bool = False) -> Measurement | None:
        return next((m for m in results if m.tool == tool and m.scenario.startswith(scenario) and m.corpus != "bundled"
                     and (m.corpus.endswith(" x5") if x5 else re.search(r" x\d+$", m.corpus) is None)), None)

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    lines = []
    scaled = [line for copies in sorted({int(m.corpus.rsplit(" x", 1)[1]) for m in results if re.search(r" x\d+$", m.corpus)})
              for line in _scaled_targets(results, copies)]
    ours, hugo = find("ours", "cold build"), find(TUNED_HUGO, "cold build")
    if ours is None:  # (--only-scale, or no corpus)
        return ["  Reuters scenarios not measured (--only-scale, or no corpus at ../shared/corpus/reuters21578/)", *scaled]
    if hugo is None:
        lines.append(f"  cold build <= 1.0x tuned Hugo: ours {ours.seconds:.1f}s; Hugo not measured (--peers hugo)")
    else:
        ratio = ours.seconds / hugo.seconds
        lines.append(f"  cold build <= 1.0x tuned Hugo: ours {ours.seconds:.1f}s / Hugo {hugo.seconds:.1f}s = {ratio:.2f}x"
                     f"  {verdict(ratio <= 1.0)}")
    for scenario, goal in (("no-change rebuild", NO_CHANGE_SECONDS), ("one seed edited", EDIT_SECONDS),
                           ("date moved", DATE_MOVE_SECONDS), ("dev server: edit to visible", SERVE_SECONDS)):
        m = find("ours", scenario)
        if m is not None:
            lines.append(f"  {scenario} <= {goal:g}s: {m.seconds:.2f}s  {verdict(m.seconds <= goal)}")
    lines += scaled
    big = find("ours", "cold build", x5=True)
    if big is None:
        lines.append("  Reuters x5 cold < 100s and < 2 GB: not measured (--scale 5)")
    else:
        rss = big.rss_mb or 0.0
        lines.append(f"  Reuters x5 ({big.articles:,} articles) cold < {X5_SECONDS:.0f}s: {big.seconds:.1f}s  "
                     f"{verdict(big.seconds < X5_SECONDS)}; peak RSS < {X5_RSS_MB:.0f} MB: {rss:.0f} MB  {verdict(rss < X5_RSS_MB)}")
        rec = big.record()
        if "most_folder_entries" in rec:
            most = rec["most_folder_entries"]
            lines.append(f"  Reuters x5: no folder over {MAX_ENTRIES:,} entries (issue 21): {most:,} in "
                         f"{rec['fullest_folder']}/  {verdict(most <= MAX_ENTRIES)}")
    if limit:
        lines.insert(0, f"  (--limit {limit}: the targets are for the full corpus; shown for reference only)")
    return lines


# Issue 21's targets at a million articles (Reuters x47).
MILLION_TARGETS = (("cold build", 600.0), ("no-change rebuild", 2.0), ("one seed edited", 3.0), ("a new day", 30.0))
MILLION_RSS_MB = 4096.0


def _scaled_targets(results: list[Measurement], copies: int) -> list[str]:
    """Per scenario at Reuters x``copies``: seconds and peak RSS per 1,000 articles; at x47, issue 21's targets."""
    lines = []
    for m in results:
        if m.tool != "ours" or not m.corpus.endswith(f" x{copies}"):
            continue
        rss = m.rss_mb or 0.0
        line = (f"  Reuters x{copies} ({m.articles:,} articles), {m.scenario}: {m.seconds:.1f}s, peak RSS {rss:,.0f} MB"
                f" = {rss / (m.articles / 1000):.1f} MB per 1,000 articles")
        if copies >= 47:
            goal = next((g for name, g in MILLION_TARGETS if m.scenario.startswith(name)), None)
            if goal is not None:
                ok = m.seconds <= goal and rss <= MILLION_RSS_MB
                line += f" (issue 21: <= {goal:g}s and <= {MILLION_RSS_MB:.0f} MB: {'met' if ok else 'MISSED'})"
        lines.append(line)
    return lines


def report(results: list[Measurement], limit: int) -> None:
    print("\n" + table(results), file=sys.stderr)
    counted = ("median and min s: until all the work was done, background included; prompt s: until the command "
               "returned, where that came earlier" if SUBREAPER else
               "median and min s: until the command returned (no subreaper here: background work not counted)")
    print(counted, file=sys.stderr)
    print("\ntargets (issues 6 and 16; medians; other CPU s > a few % of the wall time means the machine was busy):",
          file=sys.stderr)
    print("\n".join(targets(results, limit)), file=sys.stderr)
    steps = where_time_goes(results)
    if steps:
        print("\nwhere our time goes, per step (median seconds the build reported):", file=sys.stderr)
        print("\n".join(steps), file=sys.stderr)


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="JSON Lines corpus (default: the shared Reuters corpus)")
    ap.add_argument("--limit", type=int, default=0, help="first N articles of the corpus (default 0: all)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median and minimum are reported (default 3)")
    ap.add_argument("--max-repeat-seconds", type=float, default=60.0,
                    help="a cold build slower than this is not repeated (default 60, as the peers' scripts)")
    ap.add_argument("--peers", default="", help=f"comma-separated peers to build beside ours: {', '.join(PEER_SCRIPTS)} (default: none)")
    ap.add_argument("--scale5", action="store_true", help="the same as --scale 5")
    ap.add_argument("--scale", default="", metavar="K[,K...]",
                    help="also Reuters times K (5: 107,890 articles; 47: 1,014,166, issue 21's million): a cold build, no "
                         "change, one seed edited, a new day of 500 articles, with peak RSS per 1,000 articles")
    ap.add_argument("--only-scale", action="store_true",
                    help="measure only the --scale archives (a million articles take ~an hour; the rest ~15 minutes more)")
    ap.add_argument("--cluster-local", type=int, default=0, metavar="N",
                    help="also a cold build with --cluster on a Dask LocalCluster of N workers (needs requirements-cluster.txt)")
    ap.add_argument("--work", type=Path, help="keep outputs here and reuse imports between runs (default: a temporary folder)")
    args = ap.parse_args(argv)
    args.peers = [p for p in args.peers.replace(" ", "").split(",") if p and p != "none"]
    unknown = [p for p in args.peers if p not in PEER_SCRIPTS]
    if unknown:
        ap.error(f"unknown peer {', '.join(unknown)}: choose from {', '.join(PEER_SCRIPTS)}")
    try:
        args.scale = sorted({int(k) for k in args.scale.replace(" ", "").split(",") if k} | ({5} if args.scale5 else set()))
    except ValueError:
        ap.error(f"--scale takes whole numbers separated by commas, not {args.scale!r}")
    if any(k < 2 for k in args.scale):
        ap.error("--scale: each factor must be at least 2")
    if args.only_scale and not args.scale:
        ap.error("--only-scale needs --scale")
    if args.repeat < 1 or args.limit < 0:
        ap.error("--repeat must be at least 1 and --limit at least 0")

    global SUBREAPER
    SUBREAPER = become_subreaper()
    work = (args.work or Path(tempfile.mkdtemp(prefix="archive-bench-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    results: list[Measurement] = []
    try:
        bundled = Archive("bundled", ROOT / "seeds", ROOT / "content", work / "bundled" / "site",
                          sum(1 for _ in (ROOT / "seeds").glob("*.txt")))
        m = Measurement("ours", "bundled", "cold build", bundled.articles,
                        [bundled.build(clean=True) for _ in range(args.repeat)], bundled.out)
        emit(m, results)
        if args.corpus.is_file():
            measure_reuters(args, work, results)
        else:
            say(f"{args.corpus} not found: only the bundled archive was measured")
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if results:
            report(results, args.limit)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
