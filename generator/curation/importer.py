"""Importing a JSON Lines corpus into seeds and YAML metadata.

One object per line: ``id``, ``title``, ``date`` (YYYY-MM-DD or null),
``body``, ``source`` and the lists ``people``, ``orgs``, ``places``,
``topics`` (optionally ``exchanges``), as in the Reuters-21578 export. Each
article becomes ``seeds/<id>.txt`` plus ``content/articles/<id>.yaml``, so
article ids survive the import. Entity codes become registry entries in
``content/entities/<id>.yaml`` (display names and aliases from ``--labels``).
A re-import never overwrites a file whose content differs from what it would
write (an archivist's edit) unless ``--update``; identical files are left
untouched, modification time included. Topics become tags. A bad line is refused with its line number and
the rest is imported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.util.text import plural, slugify

ENTITY_FIELDS = (("people", "person"), ("orgs", "organisation"), ("exchanges", "organisation"), ("places", "place"))
LABEL_GROUPS = {"people": "people", "orgs": "orgs", "exchanges": "exchanges", "places": "places", "topics": "topics"}


class LineError(ValueError):
    """A corpus line that cannot be imported."""


@dataclass
class ImportStats:
    articles: int = 0
    empty_bodies: int = 0
    undated: int = 0
    refused: int = 0
    entities_new: int = 0
    entities_kept: int = 0
    files_new: int = 0  # seeds and metadata files written for the first time
    files_unchanged: int = 0  # already there with the very content the import would write (left untouched)
    files_kept: list[str] = field(default_factory=list)  # there with other content (edited by hand?): kept, unless --update
    files_replaced: list[str] = field(default_factory=list)  # replaced with --update
    problems: list[str] = field(default_factory=list)


@dataclass
class Record:
    id: str
    title: str
    date: dt.date | None
    body: str
    source: str | None
    entities: dict[str, list[str]]  # field -> codes
    topics: list[str]


def _text(obj: dict, key: str, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise LineError(f"missing '{key}'")
        return ""
    if not isinstance(value, str):
        raise LineError(f"'{key}' must be a string, got {type(value).__name__}")
    return value


def _codes(obj: dict, key: str) -> list[str]:
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LineError(f"'{key}' must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def parse_record(line: str) -> Record:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise LineError("each line must be a JSON object")
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or str(raw_id).strip() == "":
        raise LineError("missing 'id'")
    art_id = slugify(str(raw_id))
    if not art_id:
        raise LineError(f"the id {raw_id!r} has no letters or digits")
    date_text = obj.get("date")
    date = None
    if date_text is not None:
        if not isinstance(date_text, str):
            raise LineError("'date' must be YYYY-MM-DD or null")
        try:
            date = dt.date.fromisoformat(date_text.strip())
        except ValueError:
            raise LineError(f"'date' must be YYYY-MM-DD or null, got {date_text!r}") from None
    return Record(
        id=art_id,
        title=" ".join(_text(obj, "title").split()),
        date=date,
        body=_text(obj, "body").replace("\r\n", "\n").strip(),
        source=_text(obj, "source").strip() or None,
        entities={f: _codes(obj, f) for f, _ in ENTITY_FIELDS},
        topics=_codes(obj, "topics"),
    )


@dataclass(frozen=True)
class Label:
    """What the labels file says of one code: a display name, maybe a description and aliases."""

    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()


def _label_of(value: Any) -> Label | None:
    """A label is either a name or an object with ``label`` (or ``name``) and ``description``."""
    if isinstance(value, Label):
        return value
    if isinstance(value, str) and value.strip():
        return Label(" ".join(value.split()))
    if isinstance(value, dict):
        name = value.get("label") or value.get("name")
        if isinstance(name, str) and name.strip():
            desc = value.get("description")
            raw = value.get("aliases")
            aliases = tuple(" ".join(a.split()) for a in raw if isinstance(a, str) and a.strip()) if isinstance(raw, list) else ()
            return Label(" ".join(name.split()), desc.strip() if isinstance(desc, str) else "", aliases)
    return None


def load_labels(path: Path | None) -> dict[str, dict[str, Label]]:
    if path is None:
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the labels file must map groups (people, orgs, places, ...) to {code: name}")
    return normalize_labels(data)


def normalize_labels(data: dict[str, Any]) -> dict[str, dict[str, Label]]:
    """Labels as parsed from JSON (names or {label, description} objects) to :class:`Label` maps."""
    out: dict[str, dict[str, Label]] = {}
    for group, mapping in data.items():
        if isinstance(mapping, dict):
            out[group] = {str(k): lab for k, v in mapping.items() if (lab := _label_of(v)) is not None}
    return out


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


class Importer:
    """Writes seeds, metadata and registry entries; one instance per import run."""

    def __init__(self, seeds: Path, content: Path, labels: dict[str, dict[str, Label]], update: bool = False) -> None:
        self.update = update
        self.seeds = seeds
        self.content = content
        self.labels = normalize_labels(labels)
        self.entity_ids: dict[tuple[str, str], str] = {}  # (field, code) -> entity id
        self.entity_types: dict[str, str] = {}  # entity id -> type
        self.stats = ImportStats()
        self.seen: dict[str, int] = {}
        for d in (seeds, content / "articles", content / "entities"):
            d.mkdir(parents=True, exist_ok=True)
        for path in (content / "entities").glob("*.yaml"):
            self.entity_types[path.stem] = ""

    def _label(self, group: str, code: str) -> Label:
        return self.labels.get(LABEL_GROUPS.get(group, group), {}).get(code) or Label(code)

    def _entity(self, group: str, etype: str, code: str) -> str:
        key = (group if etype != "organisation" else "orgs", code)
        if key in self.entity_ids:
            return self.entity_ids[key]
        base = slugify(code) or "entity"
        eid = base
        if eid in self.entity_types and self.entity_types[eid] not in ("", etype):
            eid = f"{etype}-{base}"
        path = self.content / "entities" / f"{eid}.yaml"
        label = self._label(group, code)
        entry: dict[str, Any] = {"type": etype, "name": label.name}
        words = label.name.split()
        aliases = [a for a in label.aliases if a != label.name]
        if etype == "person" and len(words) >= 2 and len(words[-1]) > 3 and words[-1][0].isupper():
            # Reports name people by surname after the first mention ("Baker said").
            # A surname two people share is linked only where the article names one of them.
            aliases.append(words[-1])
        if aliases:
            entry["aliases"] = list(dict.fromkeys(aliases))
        if label.description:
            entry["description"] = label.description
        existed = path.exists() or path.is_symlink()
        self._write(path, _dump(entry))
        if existed:
            self.stats.entities_kept += 1
        else:
            self.stats.entities_new += 1
        self.entity_types[eid] = etype
        self.entity_ids[key] = eid
        return eid

    def _write(self, path: Path, text: str) -> None:
        """Write a seed or metadata file, never clobbering an archivist's edit.

        Identical content is left untouched (mtime included, so the next build
        re-reads nothing); other content is kept unless ``--update``, and then
        the replaced file is listed.
        """
        data = text.encode("utf-8")
        try:
            current = path.read_bytes() if not path.is_symlink() else None
        except FileNotFoundError:
            current = None
        if current == data:
            self.stats.files_unchanged += 1
            return
        if current is not None or path.is_symlink():
            if not self.update:
                self.stats.files_kept.append(str(path))
                return
            self.stats.files_replaced.append(str(path))
            path.unlink()
        else:
            self.stats.files_new += 1
        path.write_bytes(data)

    def add(self, rec: Record, line_no: int) -> None:
        if rec.id in self.seen:
            raise LineError(f"duplicate id '{rec.id}' (first on line {self.seen[rec.id]})")
        self.seen[rec.id] = line_no
        entities: list[str] = []
        for group, etype in ENTITY_FIELDS:
            for code in rec.entities[group]:
                eid = self._entity(group, etype, code)
                if eid not in entities:
                    entities.append(eid)
        date_line = f"date {rec.date.isoformat()}" if rec.date else "date undated"
        self._write(self.seeds / f"{rec.id}.txt", f"{date_line}\n\n{rec.body}\n")
        meta: dict[str, Any] = {"title": rec.title or f"(untitled {rec.id})"}
        if rec.source:
            meta["source"] = rec.source
        tags = [self._label("topics", t).name for t in rec.topics]
        if tags:
            meta["tags"] = tags
        if entities:
            meta["entities"] = entities
        self._write(self.content / "articles" / f"{rec.id}.yaml", _dump(meta))
        self.stats.articles += 1
        self.stats.empty_bodies += not rec.body
        self.stats.undated += rec.date is None


def _counted_files(stats: ImportStats) -> str:
    return (f"{stats.files_new} new, {stats.files_unchanged} unchanged, {len(stats.files_kept)} kept as edited, "
            f"{len(stats.files_replaced)} replaced")


def import_jsonl(path: Path, seeds: Path, content: Path, labels: dict[str, dict[str, Label]], limit: int | None = None,
                 update: bool = False) -> ImportStats:
    imp = Importer(seeds, content, labels, update)
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                try:
                    line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise LineError(f"not UTF-8 ({exc.reason} at byte {exc.start + 1})") from None
                imp.add(parse_record(line), line_no)
            except LineError as exc:
                imp.stats.refused += 1
                imp.stats.problems.append(f"{path}:{line_no}: error: {exc}; line skipped")
            if limit and imp.stats.articles >= limit:
                break
    site = content / "site.yaml"
    if not site.exists():
        site.write_text(_dump({"title": f"{path.stem} archive"}), encoding="utf-8")
    return imp.stats


def run_import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"{args.file}: error: no such file", file=sys.stderr)
        return 1
    try:
        labels = load_labels(args.labels)
    except (OSError, ValueError) as exc:
        print(f"{args.labels}: error: cannot read labels: {exc}", file=sys.stderr)
        return 1
    stats = import_jsonl(args.file, args.seeds, args.content, labels, args.limit, getattr(args, "update", False))
    for replaced in stats.files_replaced:
        print(f"replaced {replaced}")
    for kept in stats.files_kept:
        print(f"kept {kept}")
    for line in stats.problems[:100]:
        print(line, file=sys.stderr)
    if len(stats.problems) > 100:
        print(f"... and {plural(len(stats.problems) - 100, 'more refused line')}", file=sys.stderr)
    print(
        f"imported {plural(stats.articles, 'article')} ({stats.empty_bodies} without body text, {stats.undated} undated), "
        f"{plural(stats.entities_new, 'new entity', 'new entities')} ({stats.entities_kept} already there), "
        f"refused {plural(stats.refused, 'line')}; files: {_counted_files(stats)}"
    )
    if stats.files_kept:
        print(f"kept {plural(len(stats.files_kept), 'edited file')} (listed above: content differs from what the import "
              "would write); run again with --update to replace them (each replaced file is listed)")
    return 1 if stats.refused else 0
