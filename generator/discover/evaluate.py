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
import re
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
from generator.util.yamlio import load_yaml_file

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "reuters21578"
JUDGED = Path(__file__).with_name("judged.txt")
HELDOUT = REPO / "tests" / "fixtures" / "heldout_news"  # hand-annotated stories discover was not tuned on
TYPED = ("person", "organisation", "place")  # the types discover proposes; others count for recall only
WORST = 10
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
            not_names.append(p)
        else:
            unjudged.append(p)
    return {"top": len(top), "names": names, "not_names": not_names, "unjudged": unjudged}


@dataclass
class Figures:
    """What ``make eval`` prints for one corpus: the three targets and the worst cases behind them."""

    corpus: str
    gold: int
    found: int
    right_type: int
    typed: int  # found entities of a type discover proposes (person, organisation, place)
    top: int
    junk: list[Proposal]
    missed: list[Gold]
    wrong: list[tuple[Gold, Proposal]]
    by_type: dict[str, tuple[int, int]]  # type -> (gold, found)
    note: str = ""

    def table(self, worst: int = WORST) -> str:
        rows = [f"## discover on {self.corpus}{self.note}\n", "| measure | value | target |", "|---|---|---|",
                f"| recall: entities named in >= 3 stories that are proposed | {self.found}/{self.gold} = "
                f"{self.found / max(self.gold, 1):.1%} | >= 85% |",
                f"| type right, of those proposed | {self.right_type}/{self.typed} = "
                f"{self.right_type / max(self.typed, 1):.1%} | >= 85% |",
                f"| junk among the {self.top} most-named proposals | {len(self.junk)}/{self.top} = "
                f"{len(self.junk) / max(self.top, 1):.1%} | <= 10% |"]
        rows += [f"| recall, {t} | {hit}/{total} = {hit / max(total, 1):.1%} | |" for t, (total, hit) in sorted(self.by_type.items())]
        worst_missed = sorted(self.missed, key=lambda g: (-g.articles, g.name))[:worst]
        worst_junk = sorted(self.junk, key=lambda p: (-p.articles, p.name))[:worst]
        rows += ["", "worst misses: " + (", ".join(f"{g.name} ({g.type}, {g.articles})" for g in worst_missed) or "none"),
                 "worst junk: " + (", ".join(f"{p.name} ({p.type}, {p.articles})" for p in worst_junk) or "none"),
                 "wrong type: " + (", ".join(f"{g.name}: {g.type} proposed as {p.type} '{p.name}'"
                                             for g, p in self.wrong[:worst]) or "none")]
        return "\n".join(rows)

    def json(self) -> dict:
        return {"corpus": self.corpus, "recall": round(self.found / max(self.gold, 1), 4),
                "type_accuracy": round(self.right_type / max(self.typed, 1), 4),
                "junk_top": round(len(self.junk) / max(self.top, 1), 4), "gold": self.gold}


def _figures(corpus: str, gold: list[Gold], proposals: list[Proposal], junk: list[Proposal], top: int, note: str = "") -> Figures:
    s = score(gold, proposals)
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed = set(map(id, s["missed"]))
    for g in gold:
        by_type[g.type][0] += 1
        by_type[g.type][1] += id(g) not in missed
    wrong = [(g, p) for g, p in s["wrong"] if g.type in TYPED]
    typed = s["found"] - sum(1 for g in gold if g.type not in TYPED and id(g) not in missed)
    return Figures(corpus, s["gold"], s["found"], typed - len(wrong), typed, top, junk, s["missed"], wrong,
                   {t: (a, b) for t, (a, b) in by_type.items()}, note)


def reuters(corpus: Path) -> Figures | None:
    """Import Reuters without labels or registry, discover, and score against the labels."""
    articles, labels_path = corpus / "articles.jsonl", corpus / "entity_labels.json"
    if not articles.exists() or not labels_path.exists():
        print(f"Reuters not found in {corpus} (articles.jsonl, entity_labels.json): skipped", file=sys.stderr)
        return None
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
    label_keys = {key_of(tuple(f.split())) for g in gold_entities(labels, texts, 1) for f in g.forms}
    pr = precision(result.proposals, gold, label_keys, read_judged())
    return _figures("Reuters-21578 without labels", gold, result.proposals, pr["not_names"] + pr["unjudged"], pr["top"],
                    f" ({result.articles} articles, {len(result.proposals)} proposals, {cpu:.1f} s CPU; "
                    "junk: judged not a name, or unjudged)")


def heldout_gold(folder: Path) -> tuple[list[Gold], list[Gold]]:
    """(entities named in >= 3 stories, every annotated entity) of a hand-annotated fixture (``gold.yaml``)."""
    data = load_yaml_file(folder / "gold.yaml", Diagnostics()) or {}
    texts = [p.read_text(encoding="utf-8") for p in sorted((folder / "seeds").glob("*.txt"))]
    every = []
    for name, entry in data.items():
        forms = (str(name), *map(str, entry.get("aliases") or ()))
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?![\w-])")
        n = sum(1 for t in texts if pattern.search(t))
        every.append(Gold(str(name), str(entry["type"]), str(name), forms, n))
    return [g for g in every if g.articles >= 3], every


def heldout(folder: Path = HELDOUT) -> Figures:
    """Discover on the hand-annotated stories; junk is any proposal among the most named that is no annotated name."""
    gold, every = heldout_gold(folder)
    result = discover_archive(folder / "seeds", folder / "content", Diagnostics())
    known = {key_of(tuple(f.split())) for g in every for f in g.forms}
    top = sorted(result.proposals, key=lambda p: (-p.articles, p.name))[:TOP]
    junk = [p for p in top if not {key_of(tuple(f.split())) for f in (p.name, *p.aliases)} & known]
    return _figures(f"the held-out annotated stories ({folder.name})", gold, result.proposals, junk, len(top),
                    f" ({result.articles} stories, {len(result.proposals)} proposals)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator.discover.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--heldout", type=Path, default=HELDOUT, help="a folder with seeds/, content/ and gold.yaml")
    ap.add_argument("--no-reuters", action="store_true", help="only the held-out stories (seconds, not a minute)")
    ap.add_argument("--worst", type=int, default=WORST, help="how many misses, junk entries and wrong types to list")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    figures = [] if args.no_reuters else [reuters(args.corpus)]
    if (args.heldout / "gold.yaml").exists():
        figures.append(heldout(args.heldout))
    figures = [f for f in figures if f is not None]
    for f in figures:
        print(f.table(args.worst) + "\n")
    if args.json:
        print(json.dumps([f.json() for f in figures]))
    return 0 if figures else 2


if __name__ == "__main__":
    sys.exit(main())
