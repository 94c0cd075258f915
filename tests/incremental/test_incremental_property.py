"""Incremental builds equal clean builds, on an archive big enough to reach every window and page size.

The property: after any sequence of edits, an incremental build (from the
cache on disk, as the CLI does, or from the state in memory and the list of
changed files, as the dev server does) writes a site byte-identical to a
clean build of the same input, records the same whoosh documents, and its
whoosh index, brought up to date in place, holds the same stored fields and
the same postings (terms, frequencies, positions per document).

Why this archive: the incremental code keeps work proportional to an edit
by windows and thresholds that a ten-article archive never reaches, so bugs
there pass unseen (issue 19 planted four that did).  Here:

* ~80 articles, one entity named in most of them: its list is longer than
  twice the related-articles window (40), so an edit at one end of it leaves
  the related lists at the other end to the incremental code;
* ``per_page`` 6: the big entities' pages paginate (an article's snippet on
  ``entity/<id>/page-N.html``), so do tags, sources and months;
* a Zipf vocabulary: many words are in one to three documents, so word edits
  move the browser index's spelling lexicon's document-count digits, while
  the average field lengths (quantised) rarely move, so the index is updated
  in place, not recomputed;
* edits at sentence and word level, not whole paragraphs: the sentence an
  entity page shows as a snippet, a name inside a paragraph, a word, a date
  moved by days, an alias that is a common word (mentions change in many
  articles), an entity declared in or dropped from enough articles that its
  related-articles weight changes, a copy's original retitled, templates,
  stylesheet and script.

Seeded: ``PROPERTY_SEED`` (else the CI run's id, else the day), so CI runs
explore different sequences and a failure names the seed that replays it;
``PROPERTY_RUNS`` sequences (seeds ``PROPERTY_SEED`` and on) of
``PROPERTY_STEPS`` steps each: one of a few dozen by default, several of
hundreds under ``make test-long``; ``make mutants`` fixes them.  Edited files get distinct modification times in the
past, so the build trusts the status of unchanged files as it does on a
real archive.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, EditedFiles, assert_same_site
from whoosh import index

from generator.build import BuildOptions, build, load
from generator.model import urls
from generator.model.archive import RELATED_WINDOW, Archive, related_weight
from generator.search import browser_index as bi
from generator.search.whoosh_docs import read_target, sync
from generator.util.diagnostics import Diagnostics


def _seed() -> int:
    """The run's seed: PROPERTY_SEED, else the CI run's id, else today's date (printed on failure)."""
    for name in ("PROPERTY_SEED", "GITHUB_RUN_ID", "CI_PIPELINE_ID", "CI_JOB_ID", "BUILD_NUMBER"):
        value = os.environ.get(name, "")
        if value.isdigit():
            return int(value)
    return int(dt.date.today().strftime("%Y%m%d"))


SEED = _seed()
RUNS = int(os.environ.get("PROPERTY_RUNS", "1"))  # sequences, from seeds SEED, SEED + 1, ...
STEPS = int(os.environ.get("PROPERTY_STEPS", "26"))
ARTICLES = 84

# --------------------------------------------------------------------------------------- the archive

_SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vo", "pel", "dun", "ri", "sa", "bo", "ter", "nel", "fa", "gos", "hu",
              "lin", "mar", "pos", "quil", "zen", "dar", "wes", "tor", "ub", "ek")


def _vocabulary() -> list[str]:
    """~400 made-up words, most frequent first (no entity name is one of them)."""
    rng = random.Random(0)
    words: list[str] = []
    while len(words) < 400:
        w = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
        if w not in words:
            words.append(w)
    return words


VOCAB = _vocabulary()
ZIPF = [1 / (r + 1) for r in range(len(VOCAB))]
GLUE = ("the", "of", "in", "and", "said", "on", "after", "with", "near", "from")

# id: (type, name, aliases, share of the articles that name it).  The two places named most have long lists (more
# than the related window) and weights one apart (12 and 13, see model.related_weight): when the first crosses
# into the second's weight, candidates sharing one or the other tie, and the far ends of the lists re-rank.
ENTITIES: dict[str, tuple[str, str, list[str], float]] = {
    "united-kingdom": ("place", "United Kingdom", ["UK", "Britain"], 0.82),
    "france": ("place", "France", ["French Republic"], 0.62),
    "brazil": ("place", "Brazil", ["Brasil"], 0.3),
    "kabul": ("place", "Kabul", [], 0.12),
    "gordon-brown": ("person", "Gordon Brown", ["Mr Brown"], 0.3),
    "angela-merkel": ("person", "Angela Merkel", ["Merkel"], 0.2),
    "ahmad-massoud": ("person", "Ahmad Massoud", ["Massoud"], 0.08),
    "world-bank": ("organisation", "World Bank", [], 0.25),
    "opec": ("organisation", "Organization of Petroleum Exporting Countries", ["OPEC"], 0.15),
    "red-cross": ("organisation", "Red Cross", [], 0.06),
    "harvest-festival": ("event", "Harvest Festival", [], 0.03),
    "trade-policy": ("topic", "Trade Policy", [], 0.02),
    "quiet-entity": ("person", "Imogen Quist", [], 0.0),  # named nowhere, until an edit names it
}
TAGS = ("Economy", "Politics", "Energy", "Conflict", "Weather")
SOURCES = ("Reuters", "Valley Dispatch", "bbc-news")
TEMPLATE_TEXTS = (  # visible text in the templates, edited in place (a missing one is skipped)
    ("base.html", "Skip to content"), ("entity.html", "Named alongside"), ("entity.html", "Articles per month"),
    ("article.html", "Related articles"), ("macros.html", "Feed"), ("home.html", "Latest"),
)


class BigArchive(EditedFiles):
    """An archive this test writes and edits: seeds as paragraphs of sentences, YAML from dicts, templates copied."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.rng = rng
        self.seeds, self.content, self.templates = root / "seeds", root / "content", root / "templates"
        for folder in (self.seeds, self.content / "articles", self.content / "pages"):
            folder.mkdir(parents=True)
        shutil.copytree(ROOT / "templates", self.templates)
        self.clock = 1_000_000_000  # fake modification times, one second apart, long ago
        self.touched: set[str] = set()
        self.counter = 0
        self.deck: list[str] = []
        self.registry = {eid: {"type": t, "name": n, **({"aliases": list(a)} if a else {}),
                               "description": f"About {n}: {self.words(6)}."}
                         for eid, (t, n, a, _share) in ENTITIES.items()}
        self.site = {"title": "Property Archive", "language": "en", "per_page": 6, "latest": 5, "feed_items": 8,
                     "sources": {"bbc-news": {"name": "BBC News", "url": "https://www.bbc.co.uk/news"}}}
        self.bodies: dict[str, list[list[str]]] = {}  # stem -> paragraphs -> sentences
        self.dates: dict[str, str] = {}  # stem -> the seed's date line
        self.metas: dict[str, dict] = {}
        for _ in range(ARTICLES):
            self._new_article()
        copies = self.rng.sample(sorted(self.bodies), 4)
        self.metas.setdefault(copies[0], {})["duplicate_of"] = copies[1]
        self.metas.setdefault(copies[2], {})["duplicate_of"] = copies[3]
        for stem in self.bodies:
            self.put_seed(stem)
            if stem in self.metas:
                self.put_meta(stem)
        self.put_registry()
        self.put_site()
        self.put(self.content / "pages" / "about.md", "---\ntitle: About\norder: 1\n---\n\n## Why\n\nA test archive.\n")

    # --- writing -----------------------------------------------------------------------------------
    def put_seed(self, stem: str) -> None:
        paras = "\n\n".join(" ".join(p) for p in self.bodies[stem])
        self.put(self.seeds / f"{stem}.txt", f"date {self.dates[stem]}\n\n{paras}\n")

    def put_meta(self, stem: str) -> None:
        self.put(self.content / "articles" / f"{stem}.yaml", yaml.safe_dump(self.metas[stem], allow_unicode=True))

    def put_registry(self) -> None:
        self.put(self.content / "entities.yaml", yaml.safe_dump(self.registry, allow_unicode=True, sort_keys=True))

    def put_site(self) -> None:
        self.put(self.content / "site.yaml", yaml.safe_dump(self.site, allow_unicode=True))

    # --- text --------------------------------------------------------------------------------------
    def word(self) -> str:
        return self.rng.choices(VOCAB, ZIPF)[0] if self.rng.random() < 0.85 else self.rng.choice(GLUE)

    def words(self, n: int) -> str:
        return " ".join(self.word() for _ in range(n))

    def names(self, eid: str) -> list[str]:
        e = self.registry[eid]
        return [e["name"], *e.get("aliases", [])]

    def sentence(self, cast: list[str]) -> str:
        words = [self.word() for _ in range(self.rng.randint(5, 12))]
        if cast and self.rng.random() < 0.55:
            name = self.rng.choice(self.names(self.rng.choice(cast)))
            if self.rng.random() < 0.2:  # a title: a person's one-word alias is linked after it
                name = f"Mr {name}"
            words.insert(self.rng.randrange(len(words) + 1), name)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _date(self) -> str:
        if self.rng.random() < 0.05:
            return "undated"
        day = dt.date(2019, 1, 1) + dt.timedelta(days=self.rng.randrange(3 * 365))
        return day.isoformat()

    def _new_article(self) -> str:
        self.counter += 1
        stem = f"a{self.counter:03d}-{self.rng.choice(VOCAB[:50])}"
        cast = [eid for eid, (*_x, share) in ENTITIES.items() if self.rng.random() < share and eid in self.registry]
        self.bodies[stem] = [[self.sentence(cast) for _ in range(self.rng.randint(1, 4))]
                             for _ in range(self.rng.randint(2, 6))]
        for eid in cast:  # every article of the cast names it somewhere
            if not any(n in s for n in self.names(eid) for p in self.bodies[stem] for s in p):
                p = self.rng.choice(self.bodies[stem])
                p.append(f"{self.words(3).capitalize()} {self.names(eid)[0]} {self.words(2)}.")
        self.dates[stem] = self._date()
        if self.rng.random() < 0.9:
            meta: dict = {"title": f"{self.words(4).capitalize()} {self.counter}", "source": self.rng.choice(SOURCES),
                          "tags": sorted(set(self.rng.sample(TAGS, self.rng.randint(0, 2))))}
            if self.rng.random() < 0.3:
                meta["summary"] = self.sentence(cast)
            if self.rng.random() < 0.3:
                meta["date"] = self._date() if self.dates[stem] == "undated" else self.dates[stem]
            if cast and self.rng.random() < 0.3:
                meta["entities"] = sorted(self.rng.sample(cast, 1))
            self.metas[stem] = meta
        return stem

    def stems(self) -> list[str]:
        return sorted(self.bodies)

    def _first_mentions(self, stem: str) -> dict[str, tuple[int, int]]:
        """Per entity, the (paragraph, sentence) of its first name in the article: the sentence its page shows."""
        found: dict[str, tuple[int, int]] = {}
        for eid in self.registry:
            pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in self.names(eid)) + r")\b", re.IGNORECASE)
            for pi, para in enumerate(self.bodies[stem]):
                hit = next((si for si, s in enumerate(para) if pattern.search(s)), None)
                if hit is not None:
                    found[eid] = (pi, hit)
                    break
        return found

    @staticmethod
    def _swap_word(sentence: str, new: str, rng: random.Random) -> str:
        """``sentence`` with one of its lower-case words (never part of a name) replaced by ``new``."""
        tokens = sentence.rstrip(".").split(" ")
        spots = [i for i, t in enumerate(tokens) if t.islower() and t in VOCAB]
        if not spots:
            return sentence.rstrip(".") + f" {new}."
        tokens[rng.choice(spots)] = new
        text = " ".join(tokens)
        return text[0].upper() + text[1:] + "."

    # --- edits (each returns what it did) ---------------------------------------------------------
    def edit_snippet_sentence(self) -> str:
        """A word of the sentence an entity page shows for an article, outside the lead (which the card covers)."""
        for _ in range(20):
            stem = self.rng.choice(self.stems())
            spots = [(eid, pi, si) for eid, (pi, si) in self._first_mentions(stem).items() if pi > 0]
            if spots:
                eid, pi, si = self.rng.choice(spots)
                para = self.bodies[stem][pi]
                para[si] = self._swap_word(para[si], self.rng.choice(VOCAB), self.rng)
                self.put_seed(stem)
                return f"the sentence {stem} shows on {eid}'s page"
        return self.edit_word()

    def edit_typing(self) -> str:
        """A word replaced where only the article's own page shows it: outside the lead and the sentences entity
        pages quote, as someone typing in the dev server mostly does (the merge of generator.incremental.merge)."""
        for _ in range(20):
            stem = self.rng.choice(self.stems())
            quoted = set(self._first_mentions(stem).values())
            spots = [(pi, si) for pi, para in enumerate(self.bodies[stem]) if pi > 0
                     for si in range(len(para)) if (pi, si) not in quoted]
            if spots:
                pi, si = self.rng.choice(spots)
                para = self.bodies[stem][pi]
                para[si] = self._swap_word(para[si], self.rng.choice(VOCAB[200:]), self.rng)
                self.put_seed(stem)
                return f"a word typed in {stem}, paragraph {pi}"
        return self.edit_word()

    def edit_name_in_paragraph(self) -> str:
        """A name put into, or taken out of, a sentence inside a paragraph."""
        stem = self.rng.choice(self.stems())
        pi = self.rng.randrange(len(self.bodies[stem]))
        para = self.bodies[stem][pi]
        si = self.rng.randrange(len(para))
        # Longest first (a name inside a longer one is not the mention), then by name: never a set's order, which
        # changes from process to process and would make a seed replay another sequence.
        names = sorted({n for eid in self.registry for n in self.names(eid)}, key=lambda n: (-len(n), n))
        present = [n for n in names if re.search(rf"\b{re.escape(n)}\b", para[si])]
        if present and self.rng.random() < 0.5:
            para[si] = re.sub(rf"\b{re.escape(present[0])}\b", self.rng.choice(VOCAB), para[si], count=1)
            what = f"{present[0]} taken out of {stem}, paragraph {pi}"
        else:
            name = self.rng.choice(names)
            tokens = para[si].rstrip(".").split(" ")
            tokens.insert(self.rng.randint(1, len(tokens)), name)
            para[si] = " ".join(tokens) + "."
            what = f"{name} put into {stem}, paragraph {pi}"
        self.put_seed(stem)
        return what

    def edit_word(self) -> str:
        """One word of a body replaced by another (often a rare one: document counts cross powers of two)."""
        stem = self.rng.choice(self.stems())
        para = self.rng.choice(self.bodies[stem])
        si = self.rng.randrange(len(para))
        new = self.rng.choice(VOCAB[200:]) if self.rng.random() < 0.6 else self.word()
        para[si] = self._swap_word(para[si], new, self.rng)
        self.put_seed(stem)
        return f"a word of {stem}"

    def edit_sentence(self) -> str:
        """A sentence added to, or removed from, a paragraph (never a whole paragraph)."""
        stem = self.rng.choice(self.stems())
        para = self.rng.choice(self.bodies[stem])
        if len(para) > 1 and self.rng.random() < 0.5:
            para.pop(self.rng.randrange(len(para)))
            what = f"a sentence removed from {stem}"
        else:
            para.insert(self.rng.randint(0, len(para)), self.sentence(sorted(self.registry)))
            what = f"a sentence added to {stem}"
        self.put_seed(stem)
        return what

    def edit_date(self, stem: str | None = None) -> str:
        """A date moved by days (in the metadata when it gives one, else the seed's date line)."""
        stem = stem or self.rng.choice(self.stems())
        meta = self.metas.get(stem, {})
        current = str(meta.get("date") or self.dates[stem])
        if current == "undated":
            new = self._date()
        else:
            new = (dt.date.fromisoformat(current) + dt.timedelta(days=self.rng.choice([-1, 1]) * self.rng.randint(1, 40))).isoformat()
        if "date" in meta and new != "undated":
            meta["date"] = new
            self.put_meta(stem)
        else:
            self.dates[stem] = new
            self.put_seed(stem)
        return f"date of {stem} {current} -> {new}"

    def edit_common_alias(self) -> str:
        """An alias that is a common word: mentions change in many articles (and the entity's weight with them)."""
        eid = self.rng.choice(sorted(self.registry))
        ent = self.registry[eid]
        aliases = list(ent.get("aliases", []))
        common = [a for a in aliases if a.lower() in VOCAB]
        if common and self.rng.random() < 0.6:
            aliases.remove(self.rng.choice(common))
            what = f"a common-word alias of {eid} removed"
        else:
            taken = {n.lower() for e in self.registry for n in self.names(e)}
            word = self.rng.choice([w for w in VOCAB[3:40] if w not in taken])
            aliases.append(word.capitalize())
            what = f"{word} an alias of {eid}"
        ent["aliases"] = sorted(aliases)
        if not ent["aliases"]:
            del ent["aliases"]
        self.put_registry()
        return what

    def edit_weight(self) -> str:
        """Name an entity in, or take it out of, as few articles as change its related-articles weight, all at one
        end of its date-ordered list: the edit moves only that end of the list, yet every article naming it
        ranks its candidates with the new weight, also those whose windows are far from the edit."""
        archive = self.model()
        lists = {eid: [archive.articles[i].id for i in e.articles] for eid, e in archive.entities.items()}
        by_length = sorted(lists, key=lambda e: (-len(lists[e]), e))
        r = self.rng.random()
        eid = by_length[0] if r < 0.7 else by_length[1] if r < 0.85 else self.rng.choice(by_length)
        named = lists[eid]
        count, weight = len(named), related_weight(max(len(named), 1))
        up = next((n for n in range(1, len(archive.articles) - count + 1) if related_weight(count + n) != weight), None)
        down = next((n for n in range(1, count) if related_weight(count - n) != weight), None)
        newest_end = self.rng.random() < 0.5
        if down is not None and (up is None or down <= up or self.rng.random() < 0.3):
            chosen = (named[::-1] if newest_end else named)[:down]
            for stem in chosen:
                self._unname(stem, eid)
            return f"{eid} taken out of {len(chosen)} articles at one end of its list ({count} named it)"
        if up is None:
            return self.edit_word()
        others = [a.id for a in (archive.articles[::-1] if newest_end else archive.articles) if a.id not in set(named)]
        chosen = others[:up]
        for stem in chosen:
            para = self.rng.choice(self.bodies[stem])
            si = self.rng.randrange(len(para))
            tokens = para[si].rstrip(".").split(" ")
            tokens.insert(self.rng.randint(1, len(tokens)), self.names(eid)[0])
            para[si] = " ".join(tokens) + "."
            self.put_seed(stem)
        return f"{eid} named in {len(chosen)} more articles at one end ({count} named it)"

    def _unname(self, stem: str, eid: str) -> None:
        """Take every name of ``eid`` out of an article's text and metadata (matched as the build matches them)."""
        for name in sorted(self.names(eid), key=len, reverse=True):
            flags = 0 if name.isupper() and len(name) <= 6 else re.IGNORECASE
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", flags)
            for para in self.bodies[stem]:
                para[:] = [pattern.sub(lambda _m: self.rng.choice(VOCAB), s) for s in para]
        self.put_seed(stem)
        meta = self.metas.get(stem)
        if meta and eid in meta.get("entities", []):
            meta["entities"].remove(eid)
            self.put_meta(stem)

    def edit_title(self) -> str:
        """A title or summary (what lists show of an article), or its tags and source: then half the time those
        of an undated article, which changes a tag's size but not its count of dated articles."""
        stem = self.rng.choice(self.stems())
        r = self.rng.random()
        undated = [s for s in self.stems() if not (self.metas.get(s, {}).get("date") or self.dates[s] != "undated")]
        if r >= 0.8 and undated and self.rng.random() < 0.5:
            stem = self.rng.choice(undated)
        meta = self.metas.setdefault(stem, {})
        if r < 0.15:
            meta.pop("title", None)
        elif r < 0.6:
            meta["title"] = f"{self.words(3).capitalize()} report {self.rng.randint(1, 999)}"
        elif r < 0.8:
            meta["summary"] = self.sentence(sorted(self.registry))
        else:
            meta["tags"] = sorted(set(self.rng.sample(TAGS, self.rng.randint(0, 3))))
            meta["source"] = self.rng.choice(SOURCES)
        self.put_meta(stem)
        return f"title, summary or tags of {stem}"

    def edit_duplicate(self) -> str:
        """Retitle or re-date the original of a copy (the copy's page shows both), or mark or unmark a copy."""
        copies = {s: m["duplicate_of"] for s, m in self.metas.items() if m.get("duplicate_of")}
        r = self.rng.random()
        if copies and r < 0.8:
            original = self.rng.choice(sorted(set(copies.values())))
            meta = self.metas.setdefault(original, {})
            if r < 0.65:
                meta["title"] = f"Original {self.words(2)} {self.rng.randint(1, 999)}"
                self.put_meta(original)
                return f"title of {original}, the original of a copy"
            return self.edit_date(original) + ", the original of a copy"
        if copies and r < 0.9:
            stem = self.rng.choice(sorted(copies))
            del self.metas[stem]["duplicate_of"]
            self.put_meta(stem)
            return f"{stem} no longer a copy"
        free = [s for s in self.stems() if s not in copies and s not in set(copies.values())]
        stem, target = self.rng.sample(free, 2)
        self.metas.setdefault(stem, {})["duplicate_of"] = target
        self.put_meta(stem)
        return f"{stem} a copy of {target}"

    def new_seed(self) -> str:
        stem = self._new_article()
        self.put_seed(stem)
        if stem in self.metas:
            self.put_meta(stem)
        return f"new seed {stem}"

    def delete_seed(self) -> str:
        stem = self.rng.choice(self.stems())
        self.remove(self.seeds / f"{stem}.txt")
        del self.bodies[stem], self.dates[stem]
        for other, meta in self.metas.items():  # a copy of a deleted article is a copy no more
            if meta.get("duplicate_of") == stem:
                del meta["duplicate_of"]
                self.put_meta(other)
        if self.metas.pop(stem, None) is not None:
            self.remove(self.content / "articles" / f"{stem}.yaml")
        return f"deleted seed {stem}"

    def edit_registry(self) -> str:
        """An entity added (named in the text or not), one no metadata lists removed, or its description or type
        changed."""
        r = self.rng.random()
        declared = {e for m in self.metas.values() for e in m.get("entities", [])}
        if r < 0.2:
            self.counter += 1
            eid = f"new-entity-{self.counter}"
            taken = {n.lower() for e in self.registry for n in self.names(e)}
            name = self.rng.choice([w for w in VOCAB[40:300] if w not in taken]).capitalize()
            if self.rng.random() < 0.3:
                name = f"Nobody {self.counter}"  # named nowhere
            self.registry[eid] = {"type": self.rng.choice(["person", "place", "organisation"]), "name": name}
            what = f"new entity {eid} ({name})"
        elif r < 0.3 and sorted(set(self.registry) - declared):
            eid = self.rng.choice(sorted(set(self.registry) - declared))
            del self.registry[eid]
            what = f"deleted entity {eid}"
        elif r < 0.7:
            eid = self.rng.choice(sorted(self.registry))
            self.registry[eid]["description"] = f"{self.words(5).capitalize()}."
            what = f"description of {eid}"
        else:
            eid = self.rng.choice(sorted(self.registry))
            self.registry[eid]["type"] = self.rng.choice(["person", "place", "organisation", "event", "topic"])
            what = f"type of {eid}"
        self.put_registry()
        return what

    def edit_rename(self) -> str:
        """An entity named in articles renamed, its old name kept as an alias (the same mentions, shown and indexed
        by the new name), or given an alias no article uses (only its own page changes), or retyped."""
        counts = self.counts()
        named = [e for e in sorted(self.registry) if counts.get(e)] or sorted(self.registry)
        eid = self.rng.choice(named)
        ent = self.registry[eid]
        r = self.rng.random()
        if r < 0.5:
            ent["aliases"] = sorted({*ent.get("aliases", []), ent["name"]})
            ent["name"] = f"{ent['name'].split(' (')[0]} ({self.rng.choice(VOCAB)})"
            ent["aliases"] = [a for a in ent["aliases"] if a != ent["name"]]
            what = f"{eid} renamed {ent['name']}"
        elif r < 0.8:
            self.counter += 1
            ent["aliases"] = sorted({*ent.get("aliases", []), f"Unused Alias {self.counter}"})
            what = f"{eid} given an alias no article uses"
        else:  # person <-> organisation most often: a person's one-word aliases are part names, an organisation's not
            others = sorted({"person", "place", "organisation", "event", "topic"} - {ent["type"]})
            flip = {"person": "organisation", "organisation": "person"}.get(ent["type"])
            ent["type"] = flip if flip and self.rng.random() < 0.7 else self.rng.choice(others)
            what = f"{eid} retyped {ent['type']}"
        self.put_registry()
        return what

    def edit_page(self) -> str:
        """A free page added, edited or removed (the navigation of every page changes)."""
        pages = sorted((self.content / "pages").glob("*.md"))
        r = self.rng.random()
        if pages and r < 0.3:
            path = self.rng.choice(pages)
            self.remove(path)
            return f"deleted page {path.name}"
        self.counter += 1
        path = self.rng.choice(pages) if pages and r < 0.7 else self.content / "pages" / f"page-{self.counter}.md"
        self.put(path, f"---\ntitle: Page {self.counter}\norder: {self.rng.randint(1, 5)}\n---\n\n## Part\n\n"
                       f"{self.sentence(sorted(self.registry))}\n")
        return f"page {path.name}"

    def edit_site(self) -> str:
        key = self.rng.choice(["per_page", "latest", "title"])
        self.site[key] = self.rng.randint(4, 9) if key != "title" else f"Archive {self.words(1)}"
        self.put_site()
        return f"site.yaml {key}"

    def edit_template(self) -> str:
        """A visible text of a template, the stylesheet, or the site's script."""
        r = self.rng.random()
        if r < 0.3:
            path = self.templates / "assets" / "style.css"
            self.put(path, path.read_text(encoding="utf-8") + f"\n.edit-{self.clock} {{ color: #{self.rng.randrange(4096):03x}; }}\n")
            return "style.css"
        if r < 0.4:
            path = self.templates / "assets" / "site.js"
            self.put(path, path.read_text(encoding="utf-8") + f"\n// edit {self.clock}\n")
            return "site.js"
        name, text = self.rng.choice(TEMPLATE_TEXTS)
        path = self.templates / name
        source = path.read_text(encoding="utf-8")
        found = re.search(re.escape(text) + r"( \d+)?", source)
        if found is None:
            return "no template edit"
        self.put(path, source[:found.start()] + f"{text} {self.clock}" + source[found.end():])
        return f"{name}: {text}"

    EDITS: tuple[tuple[str, int], ...] = (
        ("edit_snippet_sentence", 4), ("edit_name_in_paragraph", 3), ("edit_word", 3), ("edit_sentence", 2),
        ("edit_date", 3), ("edit_common_alias", 2), ("edit_weight", 4), ("edit_title", 2), ("edit_duplicate", 4),
        ("new_seed", 1), ("delete_seed", 1), ("edit_registry", 2), ("edit_rename", 2), ("edit_site", 1),
        ("edit_template", 1), ("edit_page", 1),
    )

    def random_edit(self) -> str:
        """The next edit, dealt from a shuffled deck holding each kind as often as its weight: a short sequence
        still makes every kind in proportion (drawn independently, a 26-step run often missed one)."""
        if not self.deck:
            self.deck = [name for name, weight in self.EDITS for _ in range(weight)]
            self.rng.shuffle(self.deck)
        edit: Callable[[], str] = getattr(self, self.deck.pop())
        return edit()

    # --- what the model makes of it ---------------------------------------------------------------
    def model(self) -> Archive:
        """The archive as the build sees it now (which articles name which entity, in date order)."""
        return load(self.options(Path("unused")), Diagnostics())

    def counts(self) -> dict[str, int]:
        """Articles naming each entity, as the build counts them."""
        return {eid: len(e.articles) for eid, e in self.model().entities.items()}

    def options(self, out: Path, **kwargs: object) -> BuildOptions:
        return BuildOptions(seeds=self.seeds, content=self.content, out=out, templates=self.templates, **kwargs)


# --------------------------------------------------------------------------------------- comparing

def recorded_docs(site: Path) -> dict[str, object]:
    """The whoosh documents recorded beside the site (after the log's frames are applied), decoded."""
    target = read_target(Path(str(site) + ".whoosh"))
    assert target is not None
    return {i: pickle.loads(data) for i, (_dg, data) in target.items()}


def whoosh_contents(site: Path) -> dict:
    """The whoosh index brought up to date: every live document's stored fields, and per field and term the
    documents (by id) with their frequency and positions.  Document numbers and deleted documents aside, which
    an index updated in place has and a fresh one has not."""
    report = sync(Path(str(site) + ".whoosh"))
    ix = index.open_dir(str(report.index))
    with ix.reader() as r:
        live = {n: fields for n, fields in r.iter_docs()}
        ids = {n: fields["id"] for n, fields in live.items()}
        postings: dict[tuple[str, str], list] = {}
        for fieldname, text in r.all_terms():
            if fieldname == "id":
                continue
            m = r.postings(fieldname, text)
            rows = []
            while m.is_active():
                n = m.id()
                if n in ids:
                    rows.append((ids[n], m.weight(), tuple(m.value_as("positions"))))
                m.next()
            if rows:
                postings[(fieldname, text)] = sorted(rows)
    return {"stored": sorted(tuple(sorted(f.items())) for f in live.values()), "postings": postings,
            "in place": not report.rebuilt and report.indexed > 0}


# --------------------------------------------------------------------------------------- the test

class _Updates:
    """Whether each browser-index update was applied in place, as a file of "1"/"0" lines: the CLI's builds
    update the index in a forked process (build._search_aside), whose memory the test cannot see."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_text("")

    def add(self, in_place: bool) -> None:
        with open(self.path, "a") as fh:
            fh.write("1\n" if in_place else "0\n")

    def seen(self) -> list[bool]:
        return [line == "1" for line in self.path.read_text().split()]


def _count_browser_updates(monkeypatch: pytest.MonkeyPatch, path: Path) -> _Updates:
    """Record, without changing it, whether each browser-index update was applied in place (not recomputed):
    the test is only as good as the share of steps that reach the in-place code."""
    seen = _Updates(path)
    real = bi._update

    def update(*args, **kwargs):
        result = real(*args, **kwargs)
        seen.add(result is not None)
        return result

    monkeypatch.setattr(bi, "_update", update)
    return seen


def run_sequence(root: Path, seed: int, steps: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Apply ``steps`` random edits, building incrementally and comparing with a clean build after each."""
    rng = random.Random(seed)
    arch = BigArchive(root / "archive", rng)
    out, ref = root / "site", root / "ref" / "site"
    first = build(arch.options(out))
    assert first.mode == "clean"
    tag = f"PROPERTY_SEED={seed}"
    counts = arch.counts()
    paginated = [e for e in counts if (out / urls.paginated(urls.entity(e), 2)).is_file()]
    assert len(paginated) >= 3, f"{tag}: too few entity pages paginate ({paginated})"
    assert max(counts.values()) > RELATED_WINDOW + 15, f"{tag}: no entity's list is much longer than the related window"
    updates = _count_browser_updates(monkeypatch, root / "updates.txt")
    state = first.state
    stats = {"incremental": 0, "whoosh in place": 0, "merged": 0}
    for step in range(steps):
        # The dev server (state in memory, told which files changed) two steps in three: its second build in a
        # row holds the model in memory and mostly gets typing, which it merges without rebuilding the model.
        server = step % 3 != 0
        typing = server and step % 3 == 2 and rng.random() < 0.75
        what = arch.edit_typing() if typing else arch.random_edit()
        touched = arch.take_touched()
        result = build(arch.options(out), state=state if server else None, changed=touched if server else None)
        state = result.state
        label = f"{tag} step {step} ({'server' if server else 'cli'}): {what}"
        assert result.note == "", f"{label}: {result.note}"
        stats["incremental"] += result.mode == "incremental"
        stats["merged"] += result.merged
        if ref.exists():
            shutil.rmtree(ref)
        shutil.rmtree(Path(str(ref) + ".whoosh"), ignore_errors=True)
        build(arch.options(ref, cache=False))
        assert_same_site(out, ref, label)
        assert recorded_docs(out) == recorded_docs(ref), f"{label}: the recorded whoosh documents differ"
        if rng.random() < 0.5:  # otherwise several builds' recorded changes add up before the next sync
            mine = whoosh_contents(out)
            stats["whoosh in place"] += mine.pop("in place")
            theirs = whoosh_contents(ref)
            theirs.pop("in place")
            assert mine["stored"] == theirs["stored"], f"{label}: whoosh's stored fields differ"
            differ = [k for k in set(mine["postings"]) | set(theirs["postings"])
                      if mine["postings"].get(k) != theirs["postings"].get(k)]
            assert not differ, f"{label}: whoosh postings differ, e.g. {sorted(differ)[:5]}"
    in_place = updates.seen()
    stats["browser index in place"] = sum(in_place)
    stats["browser index recomputed"] = len(in_place) - sum(in_place)
    return stats


@pytest.mark.parametrize("seed", range(SEED, SEED + RUNS))
def test_random_edit_sequences_on_a_big_archive_match_a_clean_build(tmp_path, monkeypatch, seed):
    """Every step equals a clean build (see the module's docstring), and the in-place paths were really taken."""
    stats = run_sequence(tmp_path, seed, STEPS, monkeypatch)
    tag = f"PROPERTY_SEED={seed}: {stats}"
    assert stats["incremental"] >= STEPS // 2, tag
    # The in-place paths were reached, not only the recomputations beside them.
    assert stats["browser index in place"] >= STEPS // 4, tag
    assert stats["whoosh in place"] >= 1 or STEPS < 10, tag
    assert stats["merged"] >= 1 or STEPS < 10, tag  # the dev server's merge of typing was taken, and matched
