"""``python -m generator query``: search a built site from the shell.

Two engines: ``client`` runs the very search engine the site ships, under Node, on
the built index files (so the command line shows what readers get);
``whoosh`` searches the whoosh index beside the site (``site.whoosh/index``),
the archivists' shell search and the reference ranker for ``make eval``; it
first indexes what the builds since the last query recorded
(``whoosh_docs.sync``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "templates" / "assets"  # search-analysis.js and search-engine.js
NODE_RUNNER = Path(__file__).with_name("node_runner.js")
# whoosh query syntax characters are removed: queries are plain text.
_SYNTAX = re.compile(r"[^\w\s]")


def synced_whoosh(site: Path) -> Path:
    """The whoosh index of ``site``, brought up to date first; says on stderr when that took indexing."""
    from generator.search.whoosh_docs import folder_for, sync

    report = sync(folder_for(site))
    if report.indexed or report.removed:
        how = "from scratch" if report.rebuilt else "in place"
        print(f"note: whoosh index brought up to date {how}: {report.indexed} indexed, {report.removed} removed, "
              f"{report.docs} documents, {report.seconds:.1f}s", file=sys.stderr)
    return report.index


def run_client(site: Path, queries: list[tuple[object, str]], limit: int, exhaustive: bool = False,
               blocks: int | None = None, options: dict | None = None) -> list[list[str]]:
    """Rankings from the site's search engine under Node: one process for all queries (see ``client_rows``)."""
    return [row["results"] for row in client_rows(site, queries, limit, exhaustive, blocks, options)]


def client_rows(site: Path, queries: list[tuple[object, str]], limit: int, exhaustive: bool = False,
                blocks: int | None = None, options: dict | None = None) -> list[dict]:
    """What the site's search engine under Node answers, per query: ``results`` (ids) and ``corrections``.

    ``exhaustive`` makes the engine load every tail block instead of stopping
    once its top ``limit`` is proven: the reference the evaluation checks the
    pruning against.  ``blocks`` caps the tail blocks a query may load, as
    the browser's search UI does (search-ui.js: PAGE_BLOCKS, QUICK_BLOCKS).
    ``options`` go with every query, as the search page's URL gives them:
    ``sort`` ("new", "old"), ``from`` and ``to`` ("YYYY" or "YYYY-MM"), ``facets``.
    """
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed; the client engine runs search-engine.js under Node")
    if not (site / "search" / "meta.js").exists():
        raise RuntimeError(f"{site}/search/meta.js not found: build the site first")
    stdin = "".join(json.dumps({**(options or {}), "id": i, "text": t}) + "\n" for i, (_qid, t) in enumerate(queries))
    proc = subprocess.run(
        [node, str(NODE_RUNNER), str(ASSETS), str(site), str(limit)]
        + (["exhaustive"] if exhaustive else [f"blocks={blocks}"] if blocks is not None else []),
        input=stdin, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"node runner failed: {proc.stderr.strip()}")
    out: list[dict] = [{"results": [], "corrections": []} for _ in queries]
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        out[row["query_id"]] = row
    return out


def run_whoosh(whoosh_dir: Path, queries: list[tuple[object, str]], limit: int,
               fields: Iterable[str] = ("title", "summary", "entities", "body")) -> list[list[str]]:
    """Rankings from whoosh BM25F (B 0.75, K1 1.2), words OR-ed across fields."""
    from whoosh import index, qparser, scoring

    if not index.exists_in(str(whoosh_dir)):
        raise RuntimeError(f"no whoosh index at {whoosh_dir}: build the site first")
    ix = index.open_dir(str(whoosh_dir))
    parser = qparser.MultifieldParser(list(fields), schema=ix.schema, group=qparser.OrGroup)
    out = []
    with ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2)) as s:
        for _qid, text in queries:
            cleaned = _SYNTAX.sub(" ", text[:2000].lower()).strip()
            if not cleaned:
                out.append([])
                continue
            hits = s.search(parser.parse(cleaned), limit=limit)
            out.append([h["id"] for h in hits])
    return out


def _read_queries(path: Path) -> list[tuple[object, str]]:
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                q = json.loads(line)
                queries.append((q.get("id"), str(q.get("text", ""))))
    return queries


DESCRIPTION = __doc__.split("\n\n")[0]


def add_query_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of ``query``; generator/cli.py registers them on its ``query`` subcommand."""
    ap.add_argument("--site", type=Path, default=Path("site"), help="built site directory (default: site)")
    ap.add_argument("--engine", choices=("client", "whoosh"), default="client")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--queries", type=Path, help='JSON Lines file of {"id": ..., "text": ...}')
    ap.add_argument("--sort", choices=("relevance", "new", "old"), default="relevance",
                    help="client engine: by relevance, or newest / oldest first (every word required)")
    ap.add_argument("--from", dest="date_from", metavar="YYYY[-MM]", help="client engine: dated from this month on")
    ap.add_argument("--to", dest="date_to", metavar="YYYY[-MM]", help="client engine: dated up to this month")
    ap.add_argument("text", nargs="*", help="query text")


def run_query(argv: list[str]) -> int:
    """``python -m generator query`` with its own arguments (tests and scripts call it so)."""
    ap = argparse.ArgumentParser(prog="python -m generator query", description=DESCRIPTION)
    add_query_arguments(ap)
    return query(ap.parse_args(argv), ap)


def query(args: argparse.Namespace, ap: argparse.ArgumentParser) -> int:
    """Run the parsed ``query`` command; prints one JSON line per query. ``ap`` reports usage errors."""
    if args.queries and args.text:
        ap.error("give either TEXT or --queries, not both")
    if args.queries:
        queries = _read_queries(args.queries)
    elif args.text:
        queries = [(None, " ".join(args.text))]
    else:
        ap.error("give TEXT or --queries FILE")
    if args.engine == "whoosh" and (args.sort != "relevance" or args.date_from or args.date_to):
        ap.error("--sort, --from and --to are the client engine's (the search page's)")
    limit = max(1, args.limit)
    try:
        if args.engine == "client":
            options = {"sort": None if args.sort == "relevance" else args.sort, "from": args.date_from, "to": args.date_to}
            results = run_client(args.site, queries, limit, options={k: v for k, v in options.items() if v})
        else:
            results = run_whoosh(synced_whoosh(args.site), queries, limit)
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # e.g. no permission to bring the whoosh index up to date
        print(f"error: {e.strerror or e}: {e.filename or args.site}", file=sys.stderr)
        return 2
    for (qid, _text), ranking in zip(queries, results, strict=True):
        print(json.dumps({"query_id": qid, "results": ranking}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(run_query(sys.argv[1:]))
