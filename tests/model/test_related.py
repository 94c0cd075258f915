"""Related articles: an incremental computation equals a full one, on archives big enough for windows to matter."""

from __future__ import annotations

import copy
import datetime as dt
import random

import pytest

from generator.inputs.content import EntityDef, SiteConfig
from generator.model.archive import RELATED_WINDOW, Article, index_archive, related_weight

ENTITIES = [EntityDef(f"e{i}", "topic", f"E{i}", (), "", None, (), None, None) for i in range(12)]


def article(i: int, rng: random.Random) -> Article:
    # A few very common entities and several rare ones, like a news archive.
    ents = {f"e{j}": 1 for j in range(12) if rng.random() < (0.6 if j < 2 else 0.08)}
    date = None if rng.random() < 0.05 else dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(700))
    return Article(
        id=f"a{i:04d}", path="", title="t", date=date, source=None, source_url=None, authors=(), tags=(), summary="",
        plain_text="", word_count=0, declared=(), mention_counts=ents, snippets={k: ("", "", "") for k in ents},
        card=b"", digest=repr((date, sorted(ents))).encode(), body=((), ()),
    )


def related_ids(archive) -> dict[str, list[str]]:
    return {a.id: [archive.articles[j].id for j in a.related] for a in archive.articles}


def test_weights_favour_rare_entities_and_change_in_half_octaves():
    assert related_weight(1) == 24 and related_weight(2) == 22 and related_weight(3) == 21
    assert related_weight(1000) == 5 and related_weight(1100) == related_weight(1400) == 4
    assert related_weight(10**9) == 1


@pytest.mark.parametrize("seed", [7, 8])
def test_incremental_related_equals_full(seed):
    """Added, removed, changed and re-dated articles: a date moved by days can leave the article's place in
    every list as it was, yet change the ties its neighbours break by distance in days (issue 19)."""
    rng = random.Random(seed)
    arts = [article(i, rng) for i in range(5 * RELATED_WINDOW)]
    state = index_archive(SiteConfig(), list(arts), ENTITIES, []).relate_state
    counter = len(arts)
    for _ in range(30):
        r = rng.random()
        if r < 0.35:
            arts.append(article(counter, rng))
            counter += 1
        elif r < 0.55:
            arts.pop(rng.randrange(len(arts)))
        elif r < 0.75:  # re-dated by a few days, its entities kept: often the same place in every list
            i = rng.randrange(len(arts))
            old = arts[i]
            date = old.date + dt.timedelta(days=rng.choice([-3, -2, -1, 1, 2, 3])) if old.date else None
            arts[i] = copy.copy(old)
            arts[i].date, arts[i].digest = date, repr((date, sorted(old.mention_counts))).encode()
        else:
            i = rng.randrange(len(arts))
            arts[i] = article(int(arts[i].id[1:]), rng)  # same id, new entities and date
        inc = index_archive(SiteConfig(), [copy.copy(a) for a in arts], ENTITIES, [], state)
        full = index_archive(SiteConfig(), [copy.copy(a) for a in arts], ENTITIES, [], None)
        assert related_ids(inc) == related_ids(full)
        state = inc.relate_state
    assert any(a.related for a in full.articles)
