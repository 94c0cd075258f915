"""``check --site DIR``: every internal link of a built site resolves (like ``zola check``).

Each ``href``, ``src`` and form ``action`` in every page must lead to a file
of the site (not a folder, not outside the site, not an absolute path of this
machine) and each ``#anchor`` to an ``id`` in its target page. Links to other
sites are not fetched. ``404.html`` is the one page whose links start at the
server root (a server shows it at any depth), so a root-relative link there
is accepted when its tail names a file of the site.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

_ATTR = re.compile(r"""\s(?:href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ID = re.compile(r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_LOCAL_ABSOLUTE = re.compile(r"^(?:file:|[a-z]:[\\/])", re.IGNORECASE)


@dataclass(frozen=True)
class LinkProblem:
    page: str  # relative to the site
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: error: link '{self.link}' {self.reason}"


def check_site(site: Path) -> tuple[int, list[LinkProblem]]:
    """(pages checked, problems)."""
    root = os.path.normpath(os.path.abspath(site))
    files: set[str] = set()
    folders: set[str] = set()
    pages: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        folders.add(rel_dir.rstrip("/"))
        dirnames.sort()
        for name in sorted(filenames):
            files.add(rel_dir + name)
            if name.endswith(".html"):
                pages.append(rel_dir + name)
    ids: dict[str, set[str]] = {}

    def ids_of(page: str) -> set[str]:
        if page not in ids:
            text = (Path(root) / page).read_text(encoding="utf-8", errors="replace")
            ids[page] = {html.unescape(a or b) for a, b in _ID.findall(text)}
        return ids[page]

    problems: list[LinkProblem] = []
    resolved: dict[tuple[str, str], str | None] = {}
    for page in pages:
        text = (Path(root) / page).read_text(encoding="utf-8", errors="replace")
        ids[page] = {html.unescape(a or b) for a, b in _ID.findall(text)}
        base = page.rsplit("/", 1)[0] if "/" in page else ""
        for a, b in _ATTR.findall(text):
            link = html.unescape(a or b).strip()
            if not link:
                problems.append(LinkProblem(page, link, "is empty"))
                continue
            if link.lower().startswith("javascript:"):
                problems.append(LinkProblem(page, link, "runs script (javascript: links are not allowed)"))
                continue
            if _LOCAL_ABSOLUTE.match(link):
                problems.append(LinkProblem(page, link, "is an absolute path on this machine; links must be relative"))
                continue
            if _EXTERNAL.match(link):
                continue
            path, _, fragment = link.partition("#")
            path = path.split("?", 1)[0]
            if not path:
                target = page
            else:
                key = (base, path)
                if key not in resolved:
                    resolved[key] = _resolve(base, path, page, files, folders)
                target = resolved[key]
                if target is None or target.startswith("!"):
                    problems.append(LinkProblem(page, link, target[1:] if target else "leads to no file of the site"))
                    continue
            if fragment and target.endswith(".html") and fragment not in ids_of(target):
                problems.append(LinkProblem(page, link, f"names an anchor '#{fragment}' that {target} does not have"))
    return len(pages), problems


def _resolve(base: str, path: str, page: str, files: set[str], folders: set[str]) -> str | None:
    """The site file a link leads to; None or '!reason' when it leads nowhere."""
    if path.startswith("/"):
        if page != "404.html":
            return "!starts at the server root; links must be relative so the site works from any folder and from disk"
        parts = path.strip("/").split("/")
        for i in range(len(parts)):  # the server root may be above the site (a base_url with a path)
            tail = "/".join(parts[i:])
            if tail in files:
                return tail
        return None
    joined = os.path.normpath(os.path.join(base, path)).replace(os.sep, "/")
    if joined == ".." or joined.startswith("../"):
        return "!points outside the site"
    if joined == "." or joined in folders:
        return "!leads to a folder; link to its index.html (a folder link fails from disk)"
    return joined if joined in files else None
