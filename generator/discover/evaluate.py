"""``make eval`` (discover part): how well ``discover`` finds Reuters' labelled entities.

Reuters-21578 (../shared/corpus/reuters21578/) is imported with the real
importer into a temporary folder *without* its labels, its registry is
removed, and ``discover`` runs on the seeds as an archivist would run it.
The labels then serve as the answer key:

* gold: the labelled people, organisations (incl. exchanges) and places
  whose name, surname (a person's last word) or acronym (an alias in the
  labels file) occurs, capitalised as written, in the text of 3 or more
  articles;
* recall: the share of gold entities some proposal matches (its name or an
  alias is the gold name, surname or acronym; case, accents and the dots of
  acronyms ignored);
* type accuracy: of those found, the share whose proposal has the gold type;
* precision: of the 200 proposals in the most articles, how many are not
  names. A proposal counts as a name when it matches a label, when the
  gazetteer lists it, or when ``judged.txt`` (our hand review of
  the top 200, one "name<TAB>yes|no" a line) says so; one nobody judged
  counts as not a name, so the figure can only be pessimistic.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.curation.importer import import_jsonl
from generator.discover.gazetteer import place_strength
from generator.discover.propose import Proposal, key_of
from generator.discover.run import discover_archive
from generator.model.mentions import Matcher
from generator.util.diagnostics import Diagnostics

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "reuters21578"
JUDGED = Path(__file__).with_name("judged.txt")
GROUPS = {"people": "person", "orgs": "organisation", "exchanges": "organisation", "places": "place"}
TOP = 200


@dataclass(frozen=True)
class Gold:
    code: str
    type: str
    name: str
    forms: tuple[str, ...]  # name, surname, acronyms: as written
    articles: int


def gold_entities(labels: dict, texts: dict[str, str], min_articles: int = 3) -> list[Gold]:
    """Labelled entities whose name, surname or acronym occurs capitalised as written in >= min_articles articles."""
    forms: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}
    for group, etype in GROUPS.items():
        for code, value in labels.get(group, {}).items():
            name = value if isinstance(value, str) else (value.get("label") or value.get("name") or "")
            aliases = [] if isinstance(value, str) else list(value.get("aliases") or [])
            if not name.strip():
                continue
            fs = [name, *aliases]
            words = name.split()
            if etype == "person" and len(words) >= 2 and len(words[-1]) >= 3:
                fs.append(words[-1])
            forms[f"{group}:{code}"] = (code, etype, name, tuple(dict.fromkeys(fs)))
    matcher = Matcher((gid, f) for gid, (_, _, _, fs) in forms.items() for f in fs)
    counts: dict[str, int] = defaultdict(int)
    for text in texts.values():
        seen = set()
        for m in matcher.find(text):
            if m.entity_id not in seen and text[m.start:m.end] in forms[m.entity_id][3]:
                seen.add(m.entity_id)
        for gid in seen:
            counts[gid] += 1
    return [Gold(code, etype, name, fs, counts[gid]) for gid, (code, etype, name, fs) in sorted(forms.items())
            if counts[gid] >= min_articles]


def score(gold: list[Gold], proposals: list[Proposal]) -> dict:
    """Recall, type accuracy and the matching proposal of each gold entity."""
    by_key: dict[str, Proposal] = {}
    for p in proposals:  # most-named first: the first proposal to claim a spelling keeps it
        for f in (p.name, *p.aliases):
            by_key.setdefault(key_of(tuple(f.split())), p)
    found, right, missed, wrong = 0, 0, [], []
    for g in gold:
        keys = [key_of(tuple(f.split())) for f in g.forms]
        match = next((by_key[k] for k in keys if k in by_key), None)
        if match is None:
            missed.append(g)
            continue
        found += 1
        if match.type == g.type:
            right += 1
        else:
            wrong.append((g, match))
    return {"gold": len(gold), "found": found, "right_type": right, "missed": missed, "wrong": wrong}


def read_judged(path: Path = JUDGED) -> dict[str, bool]:
    out: dict[str, bool] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                name, verdict = line.rsplit("\t", 1)
                out[name] = verdict.strip() == "yes"
    return out


def precision(proposals: list[Proposal], gold: list[Gold], labels_forms: set[str], judged: dict[str, bool]) -> dict:
    top = sorted(proposals, key=lambda p: (-p.articles, p.name))[:TOP]
    names, not_names, unjudged = 0, [], []
    for p in top:
        keys = {key_of(tuple(f.split())) for f in (p.name, *p.aliases)}
        if keys & labels_forms or place_strength(p.name) or judged.get(p.name) is True:
            names += 1
        elif judged.get(p.name) is False:
            not_names.append(p.name)
        else:
            unjudged.append(p.name)
    return {"top": len(top), "names": names, "not_names": not_names, "unjudged": unjudged}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.discover.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--show", type=int, default=15, help="list this many misses and wrong types")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    articles, labels_path = args.corpus / "articles.jsonl", args.corpus / "entity_labels.json"
    if not articles.exists() or not labels_path.exists():
        print(f"error: Reuters not found in {args.corpus} (articles.jsonl, entity_labels.json)", file=sys.stderr)
        return 2
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="archive-discover-eval-") as tmp:
        seeds, content = Path(tmp) / "seeds", Path(tmp) / "content"
        import_jsonl(articles, seeds, content, {})  # no labels
        shutil.rmtree(content / "entities")  # ... and no registry: discover starts from nothing
        started = time.process_time()
        result = discover_archive(seeds, content, Diagnostics())
        cpu = time.process_time() - started
        texts = {p.stem: p.read_text(encoding="utf-8") for p in seeds.iterdir()}
    gold = gold_entities(labels, texts)
    s = score(gold, result.proposals)
    label_keys = {key_of(tuple(f.split())) for g in gold_entities(labels, texts, 1) for f in g.forms}
    pr = precision(result.proposals, gold, label_keys, read_judged())
    found, n = s["found"], s["gold"]
    by_type = defaultdict(lambda: [0, 0])
    for g in gold:
        by_type[g.type][0] += 1
    for g in gold:
        if g not in s["missed"]:
            by_type[g.type][1] += 1
    print(f"## discover on Reuters-21578 without labels ({result.articles} articles, {len(result.proposals)} proposals, "
          f"{cpu:.1f} s CPU)\n")
    print("| measure | value | target |\n|---|---|---|")
    print(f"| recall: labelled entities named in >= 3 articles that are proposed | {found}/{n} = {found / max(n, 1):.1%} | >= 85% |")
    print(f"| type accuracy of those proposed | {s['right_type']}/{found} = {s['right_type'] / max(found, 1):.1%} | >= 85% |")
    bad = len(pr["not_names"]) + len(pr["unjudged"])
    print(f"| not names among the {pr['top']} most-named proposals | {bad}/{pr['top']} = {bad / max(pr['top'], 1):.1%} "
          f"({len(pr['unjudged'])} unjudged, counted as not names) | <= 10% |")
    for t, (total, hit) in sorted(by_type.items()):
        print(f"| recall, {t} | {hit}/{total} = {hit / max(total, 1):.1%} | |")
    if args.show:
        print("\nmissed:", ", ".join(f"{g.name} ({g.type}, {g.articles})" for g in s["missed"][: args.show]) or "none")
        print("wrong type:", ", ".join(f"{g.name}: {g.type} proposed as {p.type} '{p.name}'" for g, p in s["wrong"][: args.show]) or "none")
        print("not names:", ", ".join(pr["not_names"]) or "none")
        if pr["unjudged"]:
            print("unjudged:", ", ".join(pr["unjudged"]))
    if args.json:
        print(json.dumps({"recall": round(found / max(n, 1), 4), "type_accuracy": round(s["right_type"] / max(found, 1), 4),
                          "not_names_top200": round(bad / max(pr["top"], 1), 4), "gold": n, "cpu_seconds": round(cpu, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
