"""Adding one top-level key to an archivist's YAML file without disturbing anything else in it.

Loading and dumping a file would lose its comments, its key order and its
quoting; the archivist's file is theirs. So the new key is appended as one
line, in the file's own line ending and encoding (a byte-order mark is kept),
and the result is read back: unless it parses to exactly the old mapping plus
the new key (a flow-style ``{title: X}`` file, a document end marker, a tab
where YAML wants spaces...), nothing is written and the caller is told why,
so the archivist can add the line by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

_BOM = b"\xef\xbb\xbf"


def _line(key: str, value: str) -> str:
    """``key: value`` as YAML writes it (quoted when the value needs it)."""
    return yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=10_000).rstrip("\n")


def add_key(path: Path, key: str, value: str) -> str | None:
    """Append ``key: value`` to the mapping in ``path`` (created if missing); None, or why nothing was written.

    A file that already has ``key`` is never changed: whatever it says was set by hand.
    """
    if path.is_symlink():
        return "is a symbolic link; add the line by hand"
    raw = path.read_bytes() if path.exists() else b""
    bom = raw.startswith(_BOM)
    try:
        text = raw[len(_BOM) if bom else 0:].decode("utf-8")
        old = yaml.safe_load(text) if text.strip() else None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        return f"not readable as UTF-8 YAML ({type(exc).__name__})"
    if old is None:
        old = {}
    if not isinstance(old, dict):
        return "does not hold a mapping of fields"
    if key in old:
        return f"already has '{key}'"
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += newline
    new_text = text + _line(key, value) + newline
    try:
        new = yaml.safe_load(new_text)
    except yaml.YAMLError:
        new = None
    if new != {**old, key: value}:
        return f"could not add '{key}' safely (flow style or an unusual layout); add the line by hand"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes((_BOM if bom else b"") + new_text.encode("utf-8"))
    os.replace(tmp, path)
    return None
