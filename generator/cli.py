"""``python -m generator``: build, serve, import and query from the shell.

User mistakes (bad YAML, a seed without a date, ...) end with a list of
``file:line: error: message`` lines and exit status 1, never a traceback.

One argparse parser for every command. A command is added by one function,
``_add_<command>(sub)``, that registers its subparser and sets ``run`` (the
function :func:`main` calls with the parsed arguments); list it in
:func:`parser`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeAlias

from generator import __version__
from generator.output.writer import WriteError
from generator.util.diagnostics import BuildError
from generator.util.forking import BackgroundError, ClusterError
from generator.util.text import plural

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of seed .txt files (default: seeds)")
    p.add_argument("--content", type=Path, default=Path("content"), help="folder of YAML metadata (default: content)")
    p.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    p.add_argument("--base-url", help="public address of the site, e.g. https://archive.example.org/ (canonical links, feed, sitemap)")
    p.add_argument("--templates", type=Path, default=None, help="template folder (default: the bundled templates)")


def program_name() -> str:
    """``archive`` when run as the installed console command, else ``python -m generator`` (usage lines say what was typed)."""
    return "archive" if Path(sys.argv[0]).name == "archive" else "python -m generator"


def parser() -> argparse.ArgumentParser:
    """The one parser: each subcommand is registered by its own ``_add_<command>`` function below."""
    ap = argparse.ArgumentParser(prog=program_name(), description="Build a static news-archive website from seeds and YAML.")
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_build, _add_serve, _add_check, _add_dist, _add_query, _add_import, _add_discover):
        add(sub)
    return ap


def _add_build(sub: Subparsers) -> None:
    b = sub.add_parser("build", help="build the site", description="Build the site into a temporary folder and swap it in.")
    _add_paths(b)
    b.add_argument("--jobs", "-j", type=int, default=min(2, os.cpu_count() or 1), help="processes for rendering (default: %(default)s)")
    whoosh = b.add_mutually_exclusive_group()
    whoosh.add_argument("--no-whoosh", action="store_true",
                        help="record no documents for the whoosh index of 'query --engine whoosh' (the site's own search is unaffected)")
    whoosh.add_argument("--whoosh-now", action="store_true",
                        help="also bring the whoosh index up to date now (otherwise the first 'query --engine whoosh' does)")
    b.add_argument("--cluster", metavar="ADDRESS",
                   help="run the map steps (reading seeds, rendering pages, analysing for search) on the Dask cluster "
                        "whose scheduler is at ADDRESS, e.g. tcp://host:8786 (needs requirements-cluster.txt; "
                        "workers must see the inputs at the same paths)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors (the old site is kept)")
    b.add_argument("--quiet", "-q", action="store_true", help="print only warnings and errors")
    b.add_argument("--full", action="store_true", help="ignore the build cache: rebuild everything (a clean build)")
    b.set_defaults(run=_build)


def _add_serve(sub: Subparsers) -> None:
    s = sub.add_parser("serve", help="live-reloading dev server", description="Rebuild on changes and reload the browser.")
    _add_paths(s)
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--poll", action="store_true", help="find changes by scanning the folders (for file systems without change events)")
    s.set_defaults(run=_serve)


def _add_import(sub: Subparsers) -> None:
    i = sub.add_parser("import", help="import a corpus into seeds and metadata")
    i.add_argument("format", choices=["jsonl"], help="input format")
    i.add_argument("file", type=Path, help="JSON Lines file: one article per line")
    i.add_argument("--labels", type=Path, help="JSON file mapping entity codes to display names")
    i.add_argument("--seeds", type=Path, default=Path("seeds"))
    i.add_argument("--content", type=Path, default=Path("content"))
    i.add_argument("--limit", type=int, help="import only the first N good lines")
    i.add_argument("--update", action="store_true", help="replace seed and metadata files that differ from the corpus (each is listed)")
    i.set_defaults(run=_import)


def _add_query(sub: Subparsers) -> None:
    from generator.search.cli import DESCRIPTION, add_query_arguments

    q = sub.add_parser("query", help="search a built site from the shell", description=DESCRIPTION)
    add_query_arguments(q)
    q.set_defaults(run=lambda args: _query(args, q))


def terminal_progress(stream: TextIO) -> Callable[[str], None] | None:
    """Show the build's steps on one line of a terminal; None in pipes and CI (their logs want no \\r)."""
    if not stream.isatty() or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return None
    started = time.perf_counter()

    def show(message: str) -> None:
        text = f"{time.perf_counter() - started:6.1f}s  {message}" if message else ""
        stream.write("\r\x1b[K" + text[:200])
        stream.flush()

    return show


def _build(args: argparse.Namespace) -> int:
    from generator.build import TEMPLATES, BuildOptions, build

    opts = BuildOptions(
        seeds=args.seeds, content=args.content, out=args.out, base_url=args.base_url,
        templates=args.templates or TEMPLATES, whoosh=not args.no_whoosh, jobs=max(1, args.jobs),
        strict=args.strict, full=args.full, cluster=args.cluster,
    )
    show = None if args.quiet else terminal_progress(sys.stderr)
    try:
        result = build(opts, progress=show)
    except BuildError as exc:
        if show:
            show("")
        for p in exc.problems:
            print(p, file=sys.stderr)
        why = " (--strict: warnings count as errors)" if args.strict else ""
        print(f"build failed: {plural(len(exc.problems), 'error')}{why}; {opts.out}/ was left as it was", file=sys.stderr)
        return 1
    if show:
        show("")
    args.built = result  # kept until the process exits (see main): freeing the model is wasted time
    diag = result.diagnostics
    diag.print_warnings()
    if not args.quiet:
        if result.note:
            print(f"note: {result.note}; building everything")
        steps = ", ".join(f"{name} {sec:.2f}s" for name, sec in result.steps)
        if result.mode == "unchanged":
            print(f"nothing changed: {opts.out}/ is up to date ({plural(result.articles, 'article')}) in {result.seconds:.2f}s")
        else:
            print(f"built {plural(result.articles, 'article')}, {plural(result.entities, 'entity', 'entities')} "
                  f"({result.mode}): {plural(result.files, 'file')}, {result.written} written, {result.deleted} removed, "
                  f"{result.bytes / 1e6:.1f} MB in {opts.out}/ in {result.seconds:.2f}s ({steps})")
    if args.whoosh_now and opts.whoosh:
        from generator.build import whoosh_dir
        from generator.search.whoosh_docs import sync

        try:
            report = sync(whoosh_dir(opts))  # waits for the cache save, which holds the site's lock
        except (RuntimeError, OSError) as exc:
            print(f"error: the site was built, but not the whoosh index: {exc}", file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"whoosh index up to date: {plural(report.docs, 'document')}, {report.indexed} indexed, "
                  f"{report.removed} removed{' (from scratch)' if report.rebuilt else ''} in {report.seconds:.2f}s")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from generator.serve import serve

    return serve(args)


def _add_check(sub: Subparsers) -> None:
    c = sub.add_parser("check", help="validate the sources (and a built site's links) without writing anything",
                       description="Everything the build validates, plus duplicate articles, without writing; "
                                   "--site DIR also checks every internal link and #anchor of a built site.")
    c.add_argument("--seeds", type=Path, default=Path("seeds"))
    c.add_argument("--content", type=Path, default=Path("content"))
    c.add_argument("--site", type=Path, help="a built site to link-check")
    c.add_argument("--strict", action="store_true", help="warnings count as errors")
    c.add_argument("--mark-duplicates", action="store_true",
                   help="write 'duplicate_of' into content/articles/<id>.yaml for every identical copy (never over a "
                        "hand-set one) and list near-identical articles to review")
    c.set_defaults(run=_check)


def _add_dist(sub: Subparsers) -> None:
    from generator.dist import DESCRIPTION, add_arguments, run

    d = sub.add_parser("dist", help="zip a built site for offline readers (with a README.txt)", description=DESCRIPTION)
    add_arguments(d)
    d.set_defaults(run=run)


def _add_discover(sub: Subparsers) -> None:
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
    d.set_defaults(run=_discover)


def _check(args: argparse.Namespace) -> int:
    from generator.curation.check import run_check

    return run_check(args)


def _discover(args: argparse.Namespace) -> int:
    from generator.discover.run import run_discover

    return run_discover(args)


def _import(args: argparse.Namespace) -> int:
    from generator.curation.importer import run_import

    return run_import(args)


def _query(args: argparse.Namespace, ap: argparse.ArgumentParser) -> int:
    from generator.search.cli import query

    return query(args, ap)


def main(argv: list[str] | None = None, exit_at_end: bool = False) -> int:
    """Run one command; its exit status.

    With ``exit_at_end`` (the ``archive`` and ``python -m generator``
    commands) the process ends here, its output flushed, without freeing
    what the command made: a build of the 21,578-article Reuters archive
    holds millions of objects, and freeing them one by one before exiting
    took ~0.5 s of a one-edit rebuild.  Everything that must be finished
    is finished by then (files closed, the site's lock released by the
    kernel, the cache saved or handed to its own process).
    """
    ap = parser()
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        ap.print_help()
        return 2
    try:
        code = args.run(args)
    except (WriteError, OSError, ClusterError, BackgroundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    if exit_at_end:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def run() -> None:
    """The console command: :func:`main`, then exit at once."""
    sys.exit(main(exit_at_end=True))  # reached only when main returned before running a command
