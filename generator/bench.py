"""``make bench``: build speed, memory and output size, optionally beside Hugo and Pelican.

Speed lives here, never in tests: a noisy shared machine makes timed tests
flake. Each build runs in a fresh process (``os.wait4`` gives its CPU time
and peak memory); runs are repeated and the median and minimum reported.
Prints one JSON line per measurement, like ``../shared/peers/``'s scripts, so
results can be appended to a file and compared.

    python -m generator.bench [--corpus FILE] [--limit N] [--repeat R] [--peers]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "reuters21578" / "articles.jsonl"


def _run(cmd: list[str]) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS of that process tree's leader."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read().decode() if proc.stdout else ""
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: command failed: {' '.join(cmd)}")
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_kb": usage.ru_maxrss, "stdout": out}


def _tree(path: Path) -> tuple[int, int, int]:
    files = pages = size = 0
    for f in path.rglob("*"):
        if f.is_file():
            files += 1
            pages += f.suffix == ".html"
            size += f.stat().st_size
    return files, pages, size


def bench_build(name: str, seeds: Path, content: Path, work: Path, repeat: int, articles: int) -> dict:
    out = work / f"site-{name}"
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(Path(str(out) + ".whoosh"), ignore_errors=True)
        runs.append(_run([sys.executable, "-m", "generator", "build", "-q", "--seeds", str(seeds),
                          "--content", str(content), "--out", str(out)]))
    files, pages, size = _tree(out)
    secs = [r["seconds"] for r in runs]
    return {
        "tool": "ours", "corpus": name, "articles": articles, "runs": repeat,
        "seconds": round(statistics.median(secs), 3), "min_seconds": round(min(secs), 3),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 3),
        "max_rss_kb": max(r["max_rss_kb"] for r in runs),
        "pages_out": pages, "files_out": files, "bytes_out": size, "site": str(out),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="JSON Lines corpus (default: the shared Reuters corpus)")
    ap.add_argument("--limit", type=int, default=5000, help="articles of the corpus to build (0: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peers", action="store_true", help="also build the same articles with Hugo and Pelican (../shared/peers)")
    ap.add_argument("--work", type=Path, help="keep outputs here (default: a temporary folder)")
    args = ap.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    n_seeds = len(list((ROOT / "seeds").glob("*.txt")))
    print(json.dumps(bench_build("bundled", ROOT / "seeds", ROOT / "content", work, args.repeat, n_seeds)), flush=True)

    if not args.corpus.is_file():
        print(f"bench: {args.corpus} not found; only the bundled archive was measured", file=sys.stderr)
        return 0
    name = f"{args.corpus.parent.name}-{args.limit or 'all'}"
    seeds, content = work / f"{name}-seeds", work / f"{name}-content"
    if not seeds.exists():
        cmd = [sys.executable, "-m", "generator", "import", "jsonl", str(args.corpus), "--seeds", str(seeds), "--content", str(content)]
        labels = args.corpus.parent / "entity_labels.json"
        if labels.exists():
            cmd += ["--labels", str(labels)]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        _run(cmd)
    articles = len(list(seeds.glob("*.txt")))
    print(json.dumps(bench_build(name, seeds, content, work, args.repeat, articles)), flush=True)

    if args.peers:
        peers = SHARED / "peers"
        env = {**os.environ, "PEERS_HOME": os.environ.get("PEERS_HOME", str(work / "peers-home"))}
        subprocess.run([str(peers / "setup.sh")], check=True, env=env, stdout=subprocess.DEVNULL)
        for peer in ("hugo", "pelican"):
            cmd = [str(peers / f"{peer}.py"), str(args.corpus), str(work / f"{peer}-{name}"), "--repeat", str(args.repeat)]
            if args.limit:
                cmd += ["--limit", str(args.limit)]
            subprocess.run(cmd, check=True, env=env)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
