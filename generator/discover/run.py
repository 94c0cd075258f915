"""``python -m generator discover``: read the archive, propose entities, write the proposals file.

The registry is only read (to leave out what it already has and flag near
duplicates); the only file written is the proposals file, which the archivist
reviews and then turns into registry entries with ``discover --accept FILE``
(``discover_accept``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from generator.discover.propose import Discoverer, DiscoverResult, Proposal
from generator.inputs.content import load_entities, load_site
from generator.inputs.seeds import read_seed
from generator.util.diagnostics import Diagnostics
from generator.util.text import plural, slugify

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: ~10x faster for 10,000 proposals
DEFAULT_OUT = "entities.proposed.yaml"  # inside --content
HEADER = """\
# Entities proposed by `python -m generator discover` ({articles} read, {count}).
# Nothing here is used by the build. Review it: delete the entries you do not want, fix names, aliases
# and types ("unsure" must become person, organisation, place, ... or the entry is skipped), then run
#   python -m generator discover --accept {path} [--min-confidence 0.8]
# which writes content/entities/<id>.yaml for each entry left (existing entity files are never changed).
# articles: how many articles name it; confidence: 0-1, how sure discover is of the name and its type;
# guessed_type: the type discover guessed. --min-confidence skips only entries whose type is still the guess:
# a type you set by hand is your decision and is accepted whatever the confidence.
# similar: registry entries spelled nearly alike (a typo, or the same entity under another spelling?).
"""


def discover_archive(seeds: Path, content: Path, diag: Diagnostics, min_articles: int = 2) -> DiscoverResult:
    """Run discover over every readable seed; problems in single files go to ``diag`` and are skipped."""
    site = load_site(content, Diagnostics())  # a missing or broken site.yaml only loses custom entity types
    registry = load_entities(content, site, diag)
    disc = Discoverer(registry)
    if not seeds.is_dir():
        diag.error(seeds, None, "the seeds folder does not exist")
        return disc.run(min_articles)
    for path in sorted(seeds.iterdir()):
        if path.suffix.lower() != ".txt" or path.name.startswith(".") or not path.is_file():
            continue
        seed = read_seed(path, slugify(path.stem) or path.stem, diag)
        if seed is not None:
            disc.add(seed.id, seed.blocks)
    return disc.run(min_articles)


def proposal_entry(p: Proposal) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": p.type, "name": p.name}
    if p.aliases:
        entry["aliases"] = list(p.aliases)
    entry["articles"] = p.articles
    entry["confidence"] = p.confidence
    entry["guessed_type"] = p.type
    entry["example"] = p.example
    entry["example_article"] = p.example_article
    if p.similar:
        entry["similar"] = list(p.similar)
    return entry


def write_proposals(result: DiscoverResult, path: Path) -> None:
    """The reviewable YAML: one mapping per proposed id, most-named first."""
    body = {p.id: proposal_entry(p) for p in result.proposals}
    text = HEADER.format(articles=plural(result.articles, 'article'), count=plural(len(result.proposals), 'proposal'), path=path)
    if body:
        text += yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def run_discover(args: argparse.Namespace) -> int:
    """The CLI: ``discover`` proposes, ``discover --accept FILE`` accepts."""
    if args.accept is not None:
        from generator.discover.accept import run_accept

        return run_accept(args)
    diag = Diagnostics(base=Path.cwd())
    started = time.perf_counter()
    result = discover_archive(args.seeds, args.content, diag, max(1, args.min_articles))
    errors = diag.errors
    for p in errors[:50]:
        print(p, file=sys.stderr)
    if errors:
        n = len(errors)
        print(f"discover: {plural(n, 'file')} could not be read and {'was' if n == 1 else 'were'} left out", file=sys.stderr)
    if not args.seeds.is_dir():
        return 1
    out = args.out or args.content / DEFAULT_OUT
    write_proposals(result, out)
    types: dict[str, int] = {}
    for p in result.proposals:
        types[p.type] = types.get(p.type, 0) + 1
    summary = ", ".join(f"{n} {t}" for t, n in sorted(types.items(), key=lambda kv: -kv[1]))
    print(f"discover: read {plural(result.articles, 'article')} in {time.perf_counter() - started:.1f}s; "
          f"{plural(len(result.proposals), 'proposal')} ({summary or 'none'}), "
          f"{plural(result.known, 'name')} already in the registry; "
          f"wrote {out}")
    return 0
