"""``make eval`` (mentions part): how often an entity link is right, measured with Reuters' labels.

Reuters-21578 (../shared/corpus/reuters21578/) is imported with the real
importer and its labels, so the registry holds the labelled people and
organisations (a person with their surname as an alias, as the importer
writes it).  Each article's ``entities:`` (its labels) is then taken out of
its metadata and kept aside as the answer key: the build links only what it
finds in the text, and a declared entity would otherwise be counted as found.
The archive is loaded with the real loader, so the links measured are those
the built site shows.

For every person and organisation the site links, the report gives the share
of its linked articles whose labels include it ("precision"): overall (all
links pooled), by type, and the 10 worst entities with an example of a link
in an article that does not carry its label.  Reuters' labels are incomplete
(a story that names James Baker in passing is not always labelled ``baker``),
so the figure is a lower bound of the real precision; the examples show which
misses are ours.  It also gives the share of link texts written all in lower
case (a common word taken for a name) and, for scale, the share of labelled
articles that get a link ("recall" against labels whose name the text may not
even contain).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.curation.importer import import_jsonl, load_labels
from generator.incremental.load import load
from generator.model.archive import Archive, Article
from generator.util.diagnostics import Diagnostics

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "reuters21578"
TYPES = ("person", "organisation")
WORST = 10
MIN_LINKED = 3  # an entity linked in fewer articles says little about the rules: left out of the worst list


@dataclass
class Tally:
    """One entity's (or one group's) linked articles and how many of them carry its label."""

    linked: int = 0
    labelled: int = 0  # of the linked articles, those whose labels include the entity
    gold: int = 0  # articles labelled with the entity (linked or not)
    stray: tuple[str, str] | None = None  # (article id, link text in context) of a link without the label

    @property
    def precision(self) -> float:
        return self.labelled / self.linked if self.linked else 1.0


@dataclass
class Report:
    entities: dict[str, Tally] = field(default_factory=dict)
    by_type: dict[str, Tally] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)
    links: int = 0
    lower_links: int = 0  # link texts with no capital letter


def take_out_labels(content: Path) -> dict[str, frozenset[str]]:
    """Remove ``entities:`` from every article's metadata; return them (article id -> entity ids)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    gold: dict[str, frozenset[str]] = {}
    for path in sorted((content / "articles").glob("*.yaml")):
        meta = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        gold[path.stem] = frozenset(meta.pop("entities", None) or ())
        path.write_text(yaml.dump(meta, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return gold


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    before = " ".join(text[max(0, start - width):start].split())
    after = " ".join(text[end:end + width].split())
    return f"…{before} [{text[start:end]}] {after}…"


def _first_link(art: Article, eid: str) -> str:
    for block, found in zip(art.blocks, art.mentions, strict=True):
        for m in found:
            if m.entity_id == eid:
                return _context(block.text, m.start, m.end)
    return ""


def measure(archive: Archive, gold: dict[str, frozenset[str]]) -> Report:
    """Every link of a person or organisation in ``archive``, checked against ``gold`` (article id -> labels)."""
    kinds = {eid: e.type for eid, e in archive.entities.items() if e.type in TYPES}
    report = Report(entities={eid: Tally() for eid in kinds}, by_type={t: Tally() for t in TYPES})
    for labels in gold.values():
        for eid in labels:
            if eid in kinds:
                report.entities[eid].gold += 1
    for art in archive.articles:
        labels = gold.get(art.id, frozenset())
        for block, found in zip(art.blocks, art.mentions, strict=True):
            for m in found:
                if m.entity_id in kinds:
                    report.links += 1
                    report.lower_links += block.text[m.start:m.end].islower()
        for eid, n in art.mention_counts.items():
            if n == 0 or eid not in kinds:
                continue
            tally = report.entities[eid]
            tally.linked += 1
            if eid in labels:
                tally.labelled += 1
            elif tally.stray is None:
                tally.stray = (art.id, _first_link(art, eid))
    for eid, tally in report.entities.items():
        for group in (report.by_type[kinds[eid]], report.overall):
            group.linked += tally.linked
            group.labelled += tally.labelled
            group.gold += tally.gold
    return report


def worst(report: Report, names: dict[str, str], count: int = WORST) -> list[tuple[str, Tally]]:
    """The entities whose links are most often wrong (by share, then by number of wrong links)."""
    ranked = sorted(
        ((eid, t) for eid, t in report.entities.items() if t.linked >= MIN_LINKED),
        key=lambda kv: (kv[1].precision, -(kv[1].linked - kv[1].labelled), names[kv[0]]),
    )
    return ranked[:count]


def _row(label: str, t: Tally) -> str:
    recall = f"{t.labelled}/{t.gold} = {t.labelled / t.gold:.1%}" if t.gold else "–"
    return f"| {label} | {t.labelled}/{t.linked} = {t.precision:.1%} | {recall} |"


def print_report(report: Report, archive: Archive, seconds: float) -> None:
    names = {eid: e.name for eid, e in archive.entities.items()}
    linked = sum(1 for t in report.entities.values() if t.linked)
    print(f"## Entity links on Reuters-21578 against its labels ({len(archive.articles)} articles, "
          f"{linked} people and organisations linked, {seconds:.1f} s)\n")
    print("| links of | linked articles carrying the label (precision) | labelled articles linked |\n|---|---|---|")
    print(_row("all people and organisations", report.overall))
    for kind, t in report.by_type.items():
        print(_row(kind, t))
    share = report.lower_links / report.links if report.links else 0.0
    print(f"\nlink texts all in lower case: {report.lower_links}/{report.links} = {share:.2%} (target <= 0.5%)")
    print(f"\nworst {WORST} entities (linked in >= {MIN_LINKED} articles), with a link in an article without the label:")
    for eid, t in worst(report, names):
        example = f" — {t.stray[0]}: {t.stray[1]}" if t.stray else ""
        print(f"  {names[eid]} ({eid}): {t.labelled}/{t.linked} = {t.precision:.0%}{example}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.mentions_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="import only the first N articles")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="also print the overall figures as one JSON line")
    args = ap.parse_args(argv)
    articles, labels = args.corpus / "articles.jsonl", args.corpus / "entity_labels.json"
    if not articles.exists() or not labels.exists():
        print(f"error: Reuters not found in {args.corpus} (articles.jsonl, entity_labels.json)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="archive-mentions-eval-") as tmp:
        seeds, content = Path(tmp) / "seeds", Path(tmp) / "content"
        import_jsonl(articles, seeds, content, load_labels(labels), limit=args.limit)
        gold = take_out_labels(content)
        archive, _cache = load(seeds, content, None, Diagnostics(), jobs=args.jobs)
        report = measure(archive, gold)
    print_report(report, archive, time.perf_counter() - started)
    if args.json:
        o = report.overall
        print(json.dumps({"precision": round(o.precision, 4), "linked": o.linked,
                          "lower_case_links": round(report.lower_links / max(report.links, 1), 4),
                          **{f"precision_{k}": round(t.precision, 4) for k, t in report.by_type.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
