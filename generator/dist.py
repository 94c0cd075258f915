"""``make dist``: the built site as one zip for offline readers (a USB stick, an e-mail).

The zip holds one folder, named after the archive's title and build date
(``valley-dispatch-archive-2024-05-01/``), with the site and a short
``README.txt`` saying how to open it. Every page links relatively and search
runs from ``file://``, so nothing else is needed. Entries are sorted and
stamped with the build time, so the same site gives the same zip.

    python -m generator.dist [--site site] [--content content] [--out dist]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
import zipfile
from pathlib import Path

from generator.build import MARKER
from generator.inputs.content import load_site
from generator.util.diagnostics import Diagnostics
from generator.util.text import plural, slugify

README = """\
{title}
{underline}
{description}
An offline copy of this archive, built on {date}.

To read it, open the file index.html in this folder with a web browser
(double-click it, or drag it onto a browser window). Nothing needs to be
installed and no network connection is needed: every page, and the search
box at the top of each page, works straight from this folder.

Where to start:
  index.html            the home page: latest articles, most named people, organisations and places
  archive/index.html    every article by year and month
  entities/index.html   people, organisations and places A-Z, each with the articles that name them
  search/index.html     full-text search

Keep the folder together: the pages link to each other by their places in it.
"""


class DistError(Exception):
    """The site cannot be packed (not built, or site.yaml unreadable)."""


def dist_name(title: str, built: dt.date) -> str:
    return f"{slugify(title) or 'archive'}-{built.isoformat()}"


def make_dist(site: Path, content: Path, out: Path) -> tuple[Path, int]:
    """Write ``out/<name>.zip``; returns its path and the number of files in it."""
    marker = site / MARKER
    if not marker.is_file():
        raise DistError(f"{site}: error: not a built site (no {MARKER}); run `make build` first")
    diag = Diagnostics(base=Path.cwd())
    config = load_site(content, diag)
    if diag.errors:
        raise DistError("\n".join(str(p) for p in diag.errors))
    files = sorted(p for p in site.rglob("*") if p.is_file() and p != marker)
    # The build date: when the site last changed (an incremental build rewrites only changed files).
    newest = max((p.stat().st_mtime for p in files), default=marker.stat().st_mtime)
    stamp = dt.datetime.fromtimestamp(newest, dt.UTC).replace(microsecond=0)
    name = dist_name(config.title, stamp.date())
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.zip"
    partial = target.with_suffix(".zip.part")
    readme = README.format(title=config.title, underline="=" * len(config.title),
                           description=textwrap.fill(config.description, 72) + "\n" if config.description else "",
                           date=stamp.date().isoformat())
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _add(zf, f"{name}/README.txt", readme.encode("utf-8"), stamp)
        for path in files:
            _add(zf, f"{name}/{path.relative_to(site).as_posix()}", path.read_bytes(), stamp)
    partial.replace(target)
    return target, len(files) + 1


def _add(zf: zipfile.ZipFile, arcname: str, data: bytes, stamp: dt.datetime) -> None:
    info = zipfile.ZipInfo(arcname, date_time=stamp.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # rw-r--r--, whatever the umask of the build
    zf.writestr(info, data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.dist", description="Zip the built site for offline readers.")
    ap.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site)")
    ap.add_argument("--content", type=Path, default=Path("content"), help="where site.yaml is, for the title (default: content)")
    ap.add_argument("--out", type=Path, default=Path("dist"), help="folder for the zip (default: dist)")
    args = ap.parse_args(argv)
    try:
        target, count = make_dist(args.site, args.content, args.out)
    except DistError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{target}: {target.stat().st_size / 1e6:.1f} MB, {plural(count, 'file')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
