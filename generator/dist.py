"""``make dist``: the built site as one zip for offline readers (a USB stick, an e-mail).

The zip holds one folder, named after the archive's title and build date
(``valley-dispatch-archive-2024-05-01/``), with the site and a short
``README.txt`` saying how to open it. Every page links relatively and search
runs from ``file://``, so nothing else is needed. Entries are sorted and
stamped with the build time, so the same site gives the same zip.

The title, description and what the archive holds (dated articles or not,
entities or not) are read from the built site itself, so any built site can
be packed, whatever inputs made it; the site is only read.

    archive dist [--site site] [--out dist]     (also: python -m generator dist, python -m generator.dist)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from generator.util.text import plural, slugify

DIST_MARKER = ".archive-dist"  # marks a folder of zips that dist made (and may write into again)
DIST_MARKER_TEXT = "This folder holds offline copies made by `archive dist`.\n"

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
{start}
Keep the folder together: the pages link to each other by their places in it.
"""


DESCRIPTION = ("Zip a built site with a README.txt for offline readers into OUT/<title>-<date>.zip. "
               "The site is only read; the zip goes into a folder dist made (or an empty one).")


class DistError(Exception):
    """The site cannot be packed (not a built site, or the zip's folder is not one dist may write into)."""


@dataclass
class SiteFacts:
    """What README.txt says about the site, read from the built site itself (not from inputs that may not match it)."""

    title: str
    description: str
    dated: bool  # archive/<yyyy>/ exists: the home page lists the latest articles, the archive goes by year and month
    undated: bool  # archive/undated/ exists
    entities: bool  # entity pages exist


class _HomeMeta(HTMLParser):
    """The site's name and description from the home page's ``<meta>`` tags (``og:site_name``, ``description``)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        a = dict(attrs)
        key = a.get("property") or a.get("name")
        if key in ("og:site_name", "description") and key not in self.found:
            self.found[key] = a.get("content") or ""


def site_facts(site: Path) -> SiteFacts:
    home = _HomeMeta()
    home.feed((site / "index.html").read_text(encoding="utf-8", errors="replace"))
    archive = site / "archive"
    dated = archive.is_dir() and any(p.is_dir() and p.name.isdigit() for p in archive.iterdir())
    return SiteFacts(title=home.found.get("og:site_name") or site.resolve().name, description=home.found.get("description", ""),
                     dated=dated, undated=(archive / "undated").is_dir(), entities=(site / "entity").is_dir())


def start_here(facts: SiteFacts) -> str:
    """The "Where to start" lines, true of this archive: no "latest" or "year and month" when nothing is dated."""
    named = "most named people, organisations and places" if facts.entities else "what the archive holds"
    home = f"the home page: latest articles, {named}" if facts.dated else f"the home page: {named}"
    if facts.dated and facts.undated:
        archive = "every article by year and month (undated ones by title)"
    elif facts.dated:
        archive = "every article by year and month"
    else:
        archive = "every article, by title (the articles have no dates)"
    rows = [("index.html", home), ("archive/index.html", archive)]
    if facts.entities:
        rows.append(("entities/index.html", "people, organisations and places A-Z, each with the articles that name them"))
    rows.append(("search/index.html", "full-text search"))
    return "".join(f"  {path:<21} {text}\n" for path, text in rows)


def dist_name(title: str, built: dt.date) -> str:
    return f"{slugify(title) or 'archive'}-{built.isoformat()}"


def check_out_folder(out: Path, site: Path) -> None:
    """Refuse a zip folder dist did not make: it writes only into its own (marked) folder, never into the site.

    ``out`` may be missing (it is made, with :data:`DIST_MARKER`), empty, or
    a folder dist made before; anything else holds someone's files.
    """
    o, s = out.resolve(), site.resolve()
    if o == s or s in o.parents or o in s.parents:
        raise DistError(f"{out}: error: the zip folder would be inside the site or hold it; choose another --out")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / DIST_MARKER).exists())):
        raise DistError(f"{out}: error: refusing to write into a folder dist did not make (no {DIST_MARKER}); "
                        "choose another --out")


def make_dist(site: Path, out: Path) -> tuple[Path, int]:
    """Write ``out/<name>.zip`` from the built ``site`` (only read); returns its path and the number of files in it."""
    from generator.build import MARKER  # here, not at the top: the CLI's parser imports this module for every command

    marker = site / MARKER
    if not marker.is_file():
        raise DistError(f"{site}: error: not a built site (no {MARKER}); run `make build` first")
    check_out_folder(out, site)
    facts = site_facts(site)
    files = sorted(p for p in site.rglob("*") if p.is_file() and p != marker)
    # The build date: when the site last changed (an incremental build rewrites only changed files).
    newest = max((p.stat().st_mtime for p in files), default=marker.stat().st_mtime)
    stamp = dt.datetime.fromtimestamp(newest, dt.UTC).replace(microsecond=0)
    name = dist_name(facts.title, stamp.date())
    out.mkdir(parents=True, exist_ok=True)
    (out / DIST_MARKER).write_text(DIST_MARKER_TEXT, encoding="utf-8")
    target = out / f"{name}.zip"
    partial = target.with_suffix(".zip.part")
    readme = README.format(title=facts.title, underline="=" * len(facts.title),
                           description=textwrap.fill(facts.description, 72) + "\n" if facts.description else "",
                           date=stamp.date().isoformat(), start=start_here(facts))
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


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--site", type=Path, default=Path("site"), help="the built site to pack, only read (default: site)")
    ap.add_argument("--out", type=Path, default=Path("dist"),
                    help="folder for the zip: made if missing; refused if it holds files dist did not make (default: dist)")


def run(args: argparse.Namespace) -> int:
    try:
        target, count = make_dist(args.site, args.out)
    except DistError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{target}: {target.stat().st_size / 1e6:.1f} MB, {plural(count, 'file')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.dist", description=DESCRIPTION)
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
