"""Reading seed articles: ``date YYYY-MM-DD`` then the body, as plain text.

A seed has no title line and no markup. The first non-blank text must be a
date line (``date 2021-09-05``, ``date: 2021-09-05``, ``Date 5 September
2021``, ``date September 5, 2021``, or ``date undated`` for an article whose
date is unknown); the body may start on the same line. Paragraphs are
separated by blank lines; a short line without closing punctuation standing
alone between paragraphs is a sub-heading. Anything we cannot read for sure
is reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from generator.util.diagnostics import Diagnostics
from generator.util.text import slugify
from generator.util.textio import entries, folder_key, read_text

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_LINE = re.compile(r"date\b\s*[:=]?[ \t]*", re.IGNORECASE)
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_DMY = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b")
_MDY = re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b")
_UNDATED = re.compile(r"(?:undated|unknown)\b", re.IGNORECASE)
_CLOSING = tuple(".!?:;,\"'”’)]…-–—")


@dataclass(frozen=True)
class Block:
    """A piece of body text: a paragraph (``p``) or a sub-heading (``h``)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Seed:
    """A parsed seed file."""

    id: str  # slug of the file name
    path: Path
    date: dt.date | None
    has_date_line: bool  # False: no date line at all (an error unless metadata has a date)
    blocks: tuple[Block, ...]
    first_line: int = 1  # line of the first text: where the date line was expected


def parse_date(text: str) -> tuple[dt.date | None, int] | None:
    """Parse a date at the start of ``text``.

    Returns ``(date, length consumed)``; ``(None, n)`` for an explicit
    "undated"; ``None`` when the text does not start with a date we can read.
    Raises ValueError for a well-formed but impossible date (2021-02-30).
    """
    if m := _UNDATED.match(text):
        return None, m.end()
    if m := _ISO.match(text):
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"])), m.end()
    for pattern in (_DMY, _MDY):
        if (m := pattern.match(text)) and m["month"].lower() in MONTHS:
            return dt.date(int(m["y"]), MONTHS[m["month"].lower()], int(m["d"])), m.end()
    return None


def is_heading(paragraph: str) -> bool:
    """A short single line that does not end like a sentence reads as a sub-heading."""
    if "\n" in paragraph or len(paragraph) > 80:
        return False
    words = paragraph.split()
    if not 1 <= len(words) <= 12:
        return False
    if paragraph.endswith(_CLOSING):
        return False
    return paragraph[0].isupper() or paragraph[0].isdigit()


def split_blocks(body: str) -> tuple[Block, ...]:
    """Split body text into paragraphs and sub-headings.

    A heading must have a paragraph after it: a trailing short line (a
    sign-off such as "Reuter") stays a paragraph.
    """
    paragraphs = [p.strip() for p in re.split(r"\n[ \t\u00a0]*\n", body)]
    paragraphs = [p for p in paragraphs if p]
    blocks: list[Block] = []
    for i, para in enumerate(paragraphs):
        heading = 0 < i < len(paragraphs) - 1 and is_heading(para) and not is_heading(paragraphs[i + 1])
        text = " ".join(para.split())
        blocks.append(Block("h" if heading else "p", text))
    return tuple(blocks)


def _looks_like_date(prefix: str, rest: str) -> bool:
    """Whether a line starting with the word "date" was meant as a date line.

    ``date:`` / ``date=`` always is; otherwise only when a digit or a month
    name follows, so an unreadable date (``date 5/9/21``) is reported while
    prose ("Date palms were planted") stays body text.
    """
    if ":" in prefix or "=" in prefix:
        return True
    word = re.match(r"[A-Za-z]+|\d", rest)
    return bool(word) and (word.group().isdigit() or word.group().lower().rstrip(".") in MONTHS)


def parse_seed(text: str, path: Path, seed_id: str, diag: Diagnostics) -> Seed:
    """Parse seed text (already decoded). Problems are reported to ``diag``."""
    stripped = text.lstrip()
    line = text[: len(text) - len(stripped)].count("\n") + 1
    date: dt.date | None = None
    has_date_line = False
    body = stripped
    if m := _DATE_LINE.match(stripped):
        has_date_line = True
        rest = stripped[m.end():]
        first_line = rest.split("\n", 1)[0].strip()
        try:
            parsed = parse_date(rest)
        except ValueError as exc:
            diag.error(path, line, f"impossible date '{first_line[:20]}': {exc}")
            parsed = (None, len(rest.split("\n", 1)[0]))
        else:
            if parsed is None and not _looks_like_date(m.group(), rest):
                # "Date palms were planted ...": prose that starts with the word, not a date line.
                return Seed(seed_id, path, None, False, split_blocks(stripped), line)
            if parsed is None:
                diag.error(
                    path, line,
                    f"cannot read the date in '{first_line[:40]}'; write 'date YYYY-MM-DD' "
                    "(or 'date 5 September 2021', or 'date undated')",
                )
                parsed = (None, 0)
        date, consumed = parsed
        body = rest[consumed:]
    return Seed(seed_id, path, date, has_date_line, split_blocks(body), line)


def read_seed(path: Path, seed_id: str, diag: Diagnostics) -> Seed | None:
    """Read and parse one seed file."""
    text = read_text(path, diag)
    if text is None:
        return None
    return parse_seed(text, path, seed_id, diag)


def list_seeds(folder: Path, diag: Diagnostics, keys: dict[str, bytes | None] | None = None) -> list[tuple[str, str]]:
    """``(id, path)`` of every ``*.txt`` in ``folder``; anything else there is reported, never dropped silently.

    Paths are plain strings: making 100,000 ``Path`` objects on every build
    (the dev server's included) costs more than listing the folder.  With
    ``keys``, what the folder held when listed (:func:`textio.folder_key`)
    is recorded there.
    """
    if not folder.is_dir():
        diag.error(folder, None, "the seeds folder does not exist")
        return []
    found: list[tuple[str, str]] = []
    owners: dict[str, str] = {}
    base = str(folder)
    found_entries = entries(folder)
    if keys is not None:
        keys[base] = folder_key(found_entries)
    for entry in found_entries:
        name = entry.name
        if name.startswith("."):
            continue
        path = os.path.join(base, name)
        if entry.is_dir():
            diag.warn(path, None, "sub-folders of seeds/ are not read; move its articles up")
            continue
        stem, suffix = os.path.splitext(name)
        if suffix.lower() != ".txt":
            diag.warn(path, None, "ignored: seeds must be .txt files")
            continue
        seed_id = slugify(stem)
        if not seed_id:
            diag.error(path, None, "the file name gives an empty id; rename it with letters or digits")
            continue
        if seed_id in owners:
            diag.error(path, None, f"two seeds give the id '{seed_id}': {os.path.basename(owners[seed_id])} and {name}; rename one")
            continue
        owners[seed_id] = path
        found.append((seed_id, path))
    if not owners:
        diag.warn(folder, None, "no seed files (*.txt): the site will have no articles")
    return found


def load_seeds(folder: Path, diag: Diagnostics) -> list[Seed]:
    """Read every seed of ``folder`` (the build reads them through its cache instead)."""
    seeds = []
    for seed_id, path in list_seeds(folder, diag):
        seed = read_seed(Path(path), seed_id, diag)
        if seed is not None:
            seeds.append(seed)
    return seeds
