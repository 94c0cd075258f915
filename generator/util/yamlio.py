"""Safe YAML loading that remembers line numbers, and small schema checks.

``yaml.safe_load`` forgets where a value came from; archivists need
``content/articles/x.yaml:7: error: ...``. The loader below builds plain dicts
and lists (subclasses carrying a ``lines`` map) from PyYAML's SafeLoader, so no
arbitrary Python objects can be constructed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.util.diagnostics import Diagnostics
from generator.util.textio import read_text


class LineDict(dict):
    """A mapping that knows the line of itself and of each key."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list):
    """A sequence that knows the line of itself and of each item."""

    line: int = 0
    lines: list[int]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses ~10x faster; same safe constructors


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that records lines and refuses duplicate keys."""


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = _construct_value(loader, key_node)
        if not isinstance(key, (str, int, float, bool, dt.date)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            )
        if key in result.lines:
            raise DuplicateKeyError(
                None, None, f"duplicate key {key!r} (first on line {result.lines[key]})",
                key_node.start_mark,
            )
        result[key] = _construct_value(loader, value_node)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_value(loader: _Loader, node: yaml.Node) -> Any:
    """Construct a value; a scalar PyYAML cannot turn into a value (``2021-02-30``) becomes a marked error.

    PyYAML raises a bare ValueError for impossible timestamps, which would
    escape as a traceback instead of ``file:line: error``.
    """
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, AttributeError) as exc:
        shown = f" '{node.value}'" if isinstance(node, yaml.ScalarNode) else ""
        raise yaml.constructor.ConstructorError(None, None, f"cannot read the value{shown}: {exc}", node.start_mark) from None


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(_construct_value(loader, child) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, path: Path, diag: Diagnostics, line_offset: int = 0) -> Any:
    """Parse YAML text; on a syntax error report it with its line and return None.

    ``line_offset``: lines of the file before ``text`` (front matter), so that
    both syntax errors and the recorded key lines are file lines.
    """
    try:
        return yaml.load("\n" * line_offset + text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{exc.context}: {what}"
        cmark = exc.context_mark
        if cmark and mark and cmark.line != mark.line:
            what += f" (started on line {cmark.line + 1})"
        diag.error(path, line, f"invalid YAML: {what}")
    except yaml.YAMLError as exc:
        diag.error(path, None, f"invalid YAML: {exc}")
    except RecursionError:
        diag.error(path, None, "invalid YAML: nested too deeply")
    except (ValueError, TypeError, AttributeError) as exc:  # a bare top-level value PyYAML cannot construct
        diag.error(path, None, f"invalid YAML: cannot read the value: {exc}")
    return None


def load_yaml_file(path: Path, diag: Diagnostics) -> Any:
    """Read and parse one YAML file; problems go to ``diag``, result may be None."""
    text = read_text(path, diag)
    if text is None:
        return None
    return parse_yaml(text, path, diag)


# --- schema checks -----------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One allowed key: its expected kind and whether it must be present."""

    kind: str  # "str", "int", "bool", "date", "url", "list[str]", "links", "id", "list[id]"
    required: bool = False


_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def line_of(data: Any, key: Any) -> int | None:
    """The line of ``key`` in a LineDict (or of item ``key`` in a LineList)."""
    lines = getattr(data, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key, getattr(data, "line", None))
    if isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
        return lines[key]
    return getattr(data, "line", None)


def check_mapping(
    data: Any, schema: dict[str, Field], path: Path, diag: Diagnostics, what: str
) -> dict[str, Any] | None:
    """Validate ``data`` against ``schema``; return the clean values or None.

    Each problem is reported with the line of the offending key, and unknown
    keys get a did-you-mean hint, because a typo (``titel``) silently ignored
    is worse than a failed build.
    """
    if not isinstance(data, dict):
        diag.error(path, getattr(data, "line", 1), f"{what} must be a mapping of keys to values")
        return None
    clean: dict[str, Any] = {}
    ok = True
    for key in data:
        if key not in schema:
            hint = difflib.get_close_matches(str(key), list(schema), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            known = ", ".join(sorted(schema))
            diag.error(path, line_of(data, key), f"unknown key '{key}' in {what}{extra}; known keys: {known}")
            ok = False
    for key, spec in schema.items():
        if key not in data or data[key] is None:
            if spec.required:
                diag.error(path, getattr(data, "line", 1), f"{what} is missing required key '{key}'")
                ok = False
            continue
        value = _check_value(data[key], spec.kind, path, line_of(data, key), key, diag)
        if value is _INVALID:
            ok = False
        else:
            clean[key] = value
    return clean if ok else None


_INVALID = object()


def check_value(value: Any, kind: str, path: Path, line: int | None, key: str, diag: Diagnostics) -> tuple[bool, Any]:
    """One value checked as ``kind`` (see :class:`Field`): ``(ok, clean value)``; problems are reported."""
    clean = _check_value(value, kind, path, line, key, diag)
    return clean is not _INVALID, clean


def _check_value(value: Any, kind: str, path: Path, line: int | None, key: str, diag: Diagnostics) -> Any:
    def bad(expected: str) -> object:
        diag.error(path, line, f"'{key}' must be {expected}, got {_describe(value)}")
        return _INVALID

    if kind == "str":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return bad("text")
        return str(value).strip()
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return bad("a positive whole number")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            return bad("true or false")
        return value
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        return bad("a date written YYYY-MM-DD")
    if kind == "url":
        if not isinstance(value, str) or not URL_RE.match(value.strip()):
            return bad("an http:// or https:// address")
        return value.strip()
    if kind == "id":
        if not isinstance(value, str) or not _ID_RE.match(value):
            return bad("an id of lower-case letters, digits, '-' and '_'")
        return value
    if kind in ("list[str]", "list[id]"):
        if isinstance(value, str) and kind == "list[id]":
            # "entities: kabul" reads as one id but "entities: kabul, panjshir" as one odd one:
            # ask for a list so the mistake is caught where it is made.
            return bad(f"a list of ids, one per line ('- {value.split(',')[0].strip() or 'id'}') or in brackets ([a, b])")
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return bad("a list")
        out = []
        for i, item in enumerate(value):
            item_line = line_of(value, i) or line
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                diag.error(path, item_line, f"'{key}' item {i + 1} must be non-empty text, got {_describe(item)}")
                return _INVALID
            text = str(item).strip()
            if kind == "list[id]" and not _ID_RE.match(text):
                diag.error(path, item_line, f"'{key}' item '{text}' is not a valid id (lower-case letters, digits, '-', '_')")
                return _INVALID
            out.append(text)
        return out
    if kind == "links":
        if not isinstance(value, list):
            return bad("a list of {title, url} mappings")
        out = []
        for i, item in enumerate(value):
            item_line = line_of(value, i) or line
            if isinstance(item, str) and URL_RE.match(item.strip()):
                out.append((item.strip(), item.strip()))
                continue
            if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not URL_RE.match(item["url"].strip()):
                diag.error(path, item_line, f"'{key}' item {i + 1} must have an http(s) 'url'")
                return _INVALID
            title = item.get("title") or item["url"]
            out.append((str(title).strip(), item["url"].strip()))
        return out
    raise ValueError(kind)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value.isoformat()}"
    return f"'{value}'"
