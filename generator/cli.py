"""``python -m generator``: build, serve, import and query from the shell.

User mistakes (bad YAML, a seed without a date, ...) end with a list of
``file:line: error: message`` lines and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator import __version__
from generator.diagnostics import BuildError
from generator.writer import WriteError


def _add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of seed .txt files (default: seeds)")
    p.add_argument("--content", type=Path, default=Path("content"), help="folder of YAML metadata (default: content)")
    p.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    p.add_argument("--base-url", help="public address of the site, e.g. https://archive.example.org/ (canonical links, feed, sitemap)")
    p.add_argument("--templates", type=Path, default=None, help="template folder (default: the bundled templates)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m generator", description="Build a static news-archive website from seeds and YAML.")
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="build the site", description="Build the site into a temporary folder and swap it in.")
    _add_paths(b)
    b.add_argument("--jobs", "-j", type=int, default=min(2, os.cpu_count() or 1), help="processes for rendering (default: %(default)s)")
    b.add_argument("--no-whoosh", action="store_true", help="skip the whoosh index (used by 'query --engine whoosh')")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors (the old site is kept)")
    b.add_argument("--quiet", "-q", action="store_true", help="print only warnings and errors")

    s = sub.add_parser("serve", help="live-reloading dev server", description="Rebuild on changes and reload the browser.")
    _add_paths(s)
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000)

    i = sub.add_parser("import", help="import a corpus into seeds and metadata")
    i.add_argument("format", choices=["jsonl"], help="input format")
    i.add_argument("file", type=Path, help="JSON Lines file: one article per line")
    i.add_argument("--labels", type=Path, help="JSON file mapping entity codes to display names")
    i.add_argument("--seeds", type=Path, default=Path("seeds"))
    i.add_argument("--content", type=Path, default=Path("content"))
    i.add_argument("--limit", type=int, help="import only the first N good lines")

    sub.add_parser("query", help="search a built site from the shell", add_help=False)

    c = sub.add_parser("check", help="validate the sources (and a built site's links) without writing anything",
                       description="Everything the build validates, plus duplicate articles, without writing; "
                                   "--site DIR also checks every internal link and #anchor of a built site.")
    c.add_argument("--seeds", type=Path, default=Path("seeds"))
    c.add_argument("--content", type=Path, default=Path("content"))
    c.add_argument("--site", type=Path, help="a built site to link-check")
    c.add_argument("--strict", action="store_true", help="warnings count as errors")

    d = sub.add_parser("discover", help="propose entities the registry lacks (writes a file to review)",
                       description="Read every seed and propose the people, organisations and places that are not in "
                                   "the registry yet, in a YAML file to review; --accept FILE turns the reviewed file "
                                   "into content/entities/<id>.yaml. The registry itself is never changed by discover.")
    d.add_argument("--seeds", type=Path, default=Path("seeds"))
    d.add_argument("--content", type=Path, default=Path("content"))
    d.add_argument("--out", type=Path, help="proposals file (default: CONTENT/entities.proposed.yaml)")
    d.add_argument("--min-articles", type=int, default=2, help="propose names found in at least N articles (default: 2)")
    d.add_argument("--accept", type=Path, metavar="FILE", help="write the entries of a reviewed proposals file to the registry")
    d.add_argument("--min-confidence", type=float, default=0.0, help="with --accept: skip entries below this confidence (0-1)")
    return ap


def _build(args: argparse.Namespace) -> int:
    from generator.build import TEMPLATES, BuildOptions, build

    opts = BuildOptions(
        seeds=args.seeds, content=args.content, out=args.out, base_url=args.base_url,
        templates=args.templates or TEMPLATES, whoosh=not args.no_whoosh, jobs=max(1, args.jobs),
        strict=args.strict,
    )
    try:
        result = build(opts)
    except BuildError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        why = " (--strict: warnings count as errors)" if args.strict else ""
        print(f"build failed: {len(exc.problems)} error(s){why}; {opts.out}/ was left as it was", file=sys.stderr)
        return 1
    diag = result.diagnostics
    diag.print_warnings()
    if not args.quiet:
        steps = ", ".join(f"{name} {sec:.2f}s" for name, sec in result.steps)
        print(f"built {result.articles} articles, {result.entities} entities: {result.files} files, "
              f"{result.bytes / 1e6:.1f} MB in {opts.out}/ in {result.seconds:.2f}s ({steps})")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "query":
        from generator.search.cli import run_query

        return run_query(argv[1:])
    args = parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "serve":
            from generator.serve import serve

            return serve(args)
        if args.command == "import":
            from generator.importer import run_import

            return run_import(args)
        if args.command == "check":
            from generator.check import run_check

            return run_check(args)
        if args.command == "discover":
            from generator.discover_run import run_discover

            return run_discover(args)
    except (WriteError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    parser().print_help()
    return 2
