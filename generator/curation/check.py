"""``python -m generator check [--site DIR]``: validate without writing anything.

The sources (seeds, metadata, registry, pages) go through the same loading
and model-building as a build, so every error and warning a build would
report is reported here, plus identical and near-identical articles (which
the build does not look for: comparing every article costs seconds at
20,000 articles, too much for every rebuild). With ``--site DIR`` a built
site's internal links are checked too. Exit status 1 when anything is wrong.

``--mark-duplicates`` is the one writing step: it adds ``duplicate_of`` to the
metadata of every identical copy (``duplicates.mark_duplicates``) and lists
the near-identical ones for the archivist to decide.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.util.diagnostics import BuildError, Diagnostics
from generator.util.text import plural


def _mark(archive: object, content: Path, found: list) -> list[str]:
    """Write ``duplicate_of`` for the identical copies and print what was done; the ids marked."""
    from generator.curation.duplicates import mark_duplicates
    from generator.inputs.content import list_metas

    done = mark_duplicates(archive, content, found, list_metas(content, Diagnostics()))
    for copy, original, path in done.written:
        print(f"{path}: wrote duplicate_of: {original} ({copy} is identical to it)")
    for copy, reason in done.left:
        print(f"{copy}: left as it is: {reason}", file=sys.stderr)
    for d in done.review:
        print(f"review: {d.copy} repeats {d.share:.0%} of {d.original}; if it is a copy, add 'duplicate_of: "
              f"{d.original}' to its metadata", file=sys.stderr)
    print(f"check: marked {plural(len(done.written), 'identical copy', 'identical copies')}, "
          f"{plural(len(done.review), 'near-identical article')} to review, {len(done.left)} left as they are")
    return [copy for copy, _, _ in done.written]


def run_check(args: argparse.Namespace) -> int:
    from generator.build import BuildOptions, load
    from generator.curation.duplicates import find_duplicates, report_duplicates

    diag = Diagnostics(base=Path.cwd())
    status = 0
    try:
        archive = load(BuildOptions(seeds=args.seeds, content=args.content), diag)
    except BuildError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"check: {plural(len(exc.problems), 'error')} in the sources", file=sys.stderr)
        status = 1
    else:
        found = find_duplicates((a.id, a.text) for a in archive.articles)
        marked: list[str] = []
        if getattr(args, "mark_duplicates", False):
            marked = _mark(archive, args.content, found)
        report_duplicates(archive, diag, found, marked)
        diag.print_warnings(limit=200)
        print(f"check: sources OK: {plural(len(archive.articles), 'article')}, "
              f"{plural(len(archive.entities), 'entity', 'entities')}, {plural(len(diag.warnings), 'warning')}")
        if args.strict and diag.warnings:
            status = 1
    if args.site is not None:
        from generator.curation.linkcheck import check_site

        if not args.site.is_dir():
            print(f"{args.site}: error: no such folder", file=sys.stderr)
            return 1
        pages, problems = check_site(args.site)
        for p in problems[:200]:
            print(f"{args.site.as_posix().rstrip('/')}/{p}", file=sys.stderr)
        if len(problems) > 200:
            print(f"... and {plural(len(problems) - 200, 'more broken link')}", file=sys.stderr)
        print(f"check: {plural(pages, 'page')} in {args.site}/, {plural(len(problems), 'broken link')}")
        status = status or (1 if problems else 0)
    return status
