"""``make eval``: retrieval quality of the browser engine and whoosh on IR test collections.

For each collection in ../shared/ir/ (cisi, cran, npl: articles.jsonl,
queries.jsonl, qrels.tsv) this indexes the articles with the real indexers
(write_browser_index, write_whoosh_index), runs every query through the real
search engine under Node and through whoosh BM25F, and prints MAP, nDCG@10 and
P@10 per collection and engine.  The collections are not part of the repo;
when ../shared/ir is missing this says so and exits non-zero.

Metrics follow trec_eval (map, ndcg_cut_10, P_10): relevant = relevance > 0,
rankings cut at 1000, P@10 divides by 10, nDCG gain = the judged value
(linear) with log2(rank + 1) discount, means over queries with at least one
relevant document, a query without results scoring 0.

The browser engine stops loading the tail blocks of long posting lists once
its top k is proven; the rankings at k = 1000 need nearly everything, so each
collection is also run at k = 10 both pruned and exhaustive, and the table
says for how many queries the two top-10 lists are identical (they must all
be).  The search UI shows that same exact top 10 (it shows the best known
order only while the blocks proving the exact one load), so the "client" row
is what readers get.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generator.search.cli import run_client, run_whoosh
from generator.search.corpus import docs_from_jsonl
from generator.search.indexer import write_browser_index, write_whoosh_index

REPO = Path(__file__).resolve().parents[1]
DEFAULT_IR = REPO.parent / "shared" / "ir"
COLLECTIONS = ("cisi", "cran", "npl")
CUTOFF = 1000


@dataclass(frozen=True)
class Scores:
    """Mean scores of one engine on one collection."""

    queries: int
    map: float
    ndcg10: float
    p10: float


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """query_id<TAB>doc_id<TAB>relevance, header line skipped."""
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0] == "query_id" or row[0].startswith("#"):
                continue
            qid, doc, rel = row[0], row[1], row[2]
            qrels.setdefault(str(qid), {})[str(doc)] = int(float(rel))
    return qrels


def _dedup(ranking: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for d in ranking:
        if d not in seen:
            seen.add(d)
            out.append(d)
            if len(out) >= CUTOFF:
                break
    return out


def average_precision(ranking: list[str], rels: dict[str, int]) -> float:
    """Sum of precision at each relevant hit over the number of relevant documents."""
    relevant = {d for d, r in rels.items() if r > 0}
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, d in enumerate(ranking, 1):
        if d in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def precision_at(ranking: list[str], rels: dict[str, int], k: int = 10) -> float:
    """Relevant documents in the top k divided by k (even when fewer came back)."""
    return sum(1 for d in ranking[:k] if rels.get(d, 0) > 0) / k


def ndcg_at(ranking: list[str], rels: dict[str, int], k: int = 10) -> float:
    """Linear gain = judged relevance, log2(rank + 1) discount, as trec_eval's ndcg_cut."""
    dcg = sum(max(rels.get(d, 0), 0) / math.log2(i + 1) for i, d in enumerate(ranking[:k], 1))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return dcg / idcg if idcg > 0 else 0.0


def evaluate(run: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> Scores:
    """Means over every query with at least one relevant document."""
    aps, ndcgs, p10s = [], [], []
    for qid, rels in qrels.items():
        if not any(r > 0 for r in rels.values()):
            continue
        ranking = _dedup(run.get(qid, []))
        aps.append(average_precision(ranking, rels))
        ndcgs.append(ndcg_at(ranking, rels))
        p10s.append(precision_at(ranking, rels))
    n = len(aps)

    def mean(xs: list[float]) -> float:
        return round(sum(xs) / n, 4) if n else 0.0

    return Scores(queries=n, map=mean(aps), ndcg10=mean(ndcgs), p10=mean(p10s))


def eval_collection(cdir: Path, work: Path) -> dict[str, tuple[Scores, float, str]]:
    """Index one collection both ways and score both engines (plus the pruning check for the client)."""
    queries = []
    with open(cdir / "queries.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                q = json.loads(line)
                queries.append((str(q["id"]), q["text"]))
    qrels = read_qrels(cdir / "qrels.tsv")
    site = work / cdir.name
    # Every copy indexed: the collections judge identical documents one by one (CISI's 234 is relevant to
    # 3 queries, its identical 1084 to none), while a site shows them as one result saying "2 copies".
    write_browser_index(docs_from_jsonl(cdir / "articles.jsonl"), site, copies=False)
    write_whoosh_index(docs_from_jsonl(cdir / "articles.jsonl"), Path(str(site) + ".whoosh"))
    out = {}
    t0 = time.perf_counter()
    client = run_client(site, queries, CUTOFF)
    t1 = time.perf_counter()
    # The reference setup: title + body, as shared/peers/search_eval.py.
    whoosh = run_whoosh(Path(str(site) + ".whoosh"), queries, CUTOFF, fields=("title", "body"))
    t2 = time.perf_counter()
    pruned = run_client(site, queries, 10)
    full = run_client(site, queries, 10, exhaustive=True)
    ids = [qid for qid, _ in queries]

    def same(run: list[list[str]]) -> str:
        return f"{sum(a == b for a, b in zip(run, full, strict=True))}/{len(queries)}"

    out["client"] = (evaluate(dict(zip(ids, client, strict=True)), qrels), t1 - t0, same(pruned))
    out["whoosh"] = (evaluate(dict(zip(ids, whoosh, strict=True)), qrels), t2 - t1, "")
    return out


def main(argv: list[str] | None = None) -> int:
    """Print a Markdown table (and JSON lines with --json); non-zero when data is missing."""
    ap = argparse.ArgumentParser(prog="python -m generator.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--ir", type=Path, default=DEFAULT_IR, help=f"collections folder (default {DEFAULT_IR})")
    ap.add_argument("--collections", default=",".join(COLLECTIONS))
    ap.add_argument("--json", action="store_true", help="also print one JSON line per row")
    args = ap.parse_args(argv)
    names = [c for c in args.collections.split(",") if c]
    missing = [c for c in names if not (args.ir / c / "qrels.tsv").exists()]
    if missing:
        print(f"error: IR collections not found: {', '.join(str(args.ir / c) for c in missing)}\n"
              "make eval needs ../shared/ir/<name>/{articles.jsonl,queries.jsonl,qrels.tsv}", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="archive-eval-") as tmp:
        for name in names:
            for engine, (s, secs, same) in eval_collection(args.ir / name, Path(tmp)).items():
                rows.append((name, engine, s, secs, same))
    print("| collection | engine | queries | MAP | nDCG@10 | P@10 | search s | pruned top 10 = exhaustive |")
    print("|---|---|---|---|---|---|---|---|")
    for name, engine, s, secs, same in rows:
        print(f"| {name} | {engine} | {s.queries} | {'-' if s.map != s.map else f'{s.map:.4f}'} | {s.ndcg10:.4f} | "
              f"{s.p10:.4f} | {secs:.1f} | "
              f"{same or '-'} |")
    if args.json:
        for name, engine, s, secs, same in rows:
            print(json.dumps({"collection": name, "engine": engine, "queries": s.queries, "MAP": None if s.map != s.map else s.map,
                              "nDCG@10": s.ndcg10, "P@10": s.p10, "seconds": round(secs, 2),
                              "pruned_top10_identical": same or None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
