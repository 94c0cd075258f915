"""``discover --accept FILE``: turn reviewed proposals into registry entries.

The reviewed file is the archivist's decision: every entry left in it is
written to ``content/entities/<id>.yaml`` (type, name, aliases), except
entries still typed "unsure" and untouched entries below ``--min-confidence``:
a type the archivist changed (it differs from ``guessed_type``) is a hand
decision, accepted whatever discover's confidence was. An
existing entity file is never changed, and a name the registry already has
is not added twice; each skipped entry is listed with the reason, so nothing
is dropped silently.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.discover.propose import key_of
from generator.inputs.content import load_entities, load_site
from generator.util.diagnostics import Diagnostics
from generator.util.text import plural
from generator.util.yamlio import Field, check_mapping, line_of, load_yaml_file

PROPOSAL_SCHEMA = {
    "type": Field("id", required=True),
    "name": Field("str", required=True),
    "aliases": Field("list[str]"),
    "articles": Field("int"),
    "confidence": Field("str"),
    "guessed_type": Field("str"),
    "example": Field("str"),
    "example_article": Field("str"),
    "similar": Field("list[str]"),
    "description": Field("str"),
}


def accept(path: Path, content: Path, min_confidence: float, diag: Diagnostics) -> tuple[list[Path], list[str]]:
    """Write the accepted entries; returns (files written, reasons for skipped entries)."""
    data = load_yaml_file(path, diag)
    if data is None:
        return [], []
    if not isinstance(data, dict):
        diag.error(path, getattr(data, "line", 1), "the proposals file must map ids to entries (type:, name:, ...)")
        return [], []
    site = load_site(content, Diagnostics())
    registry = load_entities(content, site, diag)
    known = {key_of(tuple(n.split())): d.id for d in registry for n in (d.name, *d.aliases)}
    folder = content / "entities"
    written: list[Path] = []
    skipped: list[str] = []
    for pid, raw in data.items():
        line = line_of(data, pid)
        where = f"{path}:{line}"
        clean = check_mapping(raw, PROPOSAL_SCHEMA, path, diag, f"proposal '{pid}'")
        if clean is None:
            continue
        if not isinstance(pid, str) or not pid or pid != pid.lower() or not all(c.isalnum() or c in "-_" for c in pid):
            diag.error(path, line, f"proposal id '{pid}' must be lower-case letters, digits, '-' and '_'")
            continue
        try:
            confidence = float(clean.get("confidence", 1.0))
        except ValueError:
            diag.error(path, line_of(raw, "confidence"), f"proposal '{pid}': confidence must be a number from 0 to 1")
            continue
        etype = clean["type"]
        if etype == "unsure":
            skipped.append(f"{where}: {pid}: type is still 'unsure'; set person, organisation, place, ... to accept it")
            continue
        if etype not in site.entity_types:
            diag.error(path, line_of(raw, "type"), f"proposal '{pid}' has unknown type '{etype}'; known types: "
                       f"{', '.join(sorted(site.entity_types))} (add more under entity_types in site.yaml)")
            continue
        if confidence < min_confidence and not _set_by_hand(clean):
            skipped.append(f"{where}: {pid}: confidence {confidence:g} is below --min-confidence {min_confidence:g}")
            continue
        target = folder / f"{pid}.yaml"
        if pid in {d.id for d in registry} or target.exists():
            skipped.append(f"{where}: {pid}: the registry already has an entity with this id; kept it as it is")
            continue
        owner = known.get(key_of(tuple(clean["name"].split())))
        if owner:
            skipped.append(f"{where}: {pid}: the name '{clean['name']}' already belongs to entity '{owner}'")
            continue
        entry: dict[str, Any] = {"type": etype, "name": clean["name"]}
        aliases = [a for a in clean.get("aliases", ()) if key_of(tuple(a.split())) not in known]
        if aliases:
            entry["aliases"] = aliases
        if clean.get("description"):
            entry["description"] = clean["description"]
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
        written.append(target)
        for n in (clean["name"], *aliases):
            known[key_of(tuple(n.split()))] = pid
    return written, skipped


def _set_by_hand(entry: dict[str, Any]) -> bool:
    """The archivist changed the type discover guessed: the threshold, a measure of discover's doubt, no longer applies."""
    guessed = entry.get("guessed_type")
    return guessed is not None and guessed != entry["type"]


def run_accept(args: argparse.Namespace) -> int:
    diag = Diagnostics(base=Path.cwd())
    if not args.accept.is_file():
        print(f"{args.accept}: error: no such file", file=sys.stderr)
        return 1
    if not 0.0 <= args.min_confidence <= 1.0:
        print(f"error: --min-confidence must be between 0 and 1, got {args.min_confidence:g}", file=sys.stderr)
        return 1
    written, skipped = accept(args.accept, args.content, args.min_confidence, diag)
    for p in diag.problems:
        print(p, file=sys.stderr)
    for line in skipped:
        print(f"{line}", file=sys.stderr)
    print(f"accepted {plural(len(written), 'entity', 'entities')} into {args.content / 'entities'}/, skipped {len(skipped)}"
          + (f", {plural(len(diag.errors), 'error')}" if diag.errors else ""))
    return 1 if diag.errors else 0
