"""Rebuild tests/fixtures/search_site/ (the small index the Node unit tests search).

    python -m generator.search.fixture

The Node tests must run with nothing but ``node --test``, so the index they
load is committed; tests/test_search_indexer.py rebuilds it and checks that
the committed copy is byte-identical (which also proves determinism).
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.search import SearchDoc
from generator.search.indexer import IndexStats, write_browser_index

# Tiny shards so the fixture exercises shard lookup and prefixes spanning shards.
SHARD_TARGET = 60
# Tiny head tiers and blocks so every term in more than one document has tail blocks (u/),
# letting the Node tests check the max-score pruning against exhaustive ranking.
TIER_HEAD = 1
TIER_BLOCK = 1
# Short leads so the longer fixture bodies are split into b/ (lead) and c/ (rest).
BODY_LEAD = 120
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def fixture_docs(path: Path = FIXTURES / "search_docs.json") -> list[SearchDoc]:
    """The fixture articles as SearchDocs (entities as [id, name, type] lists in the JSON)."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [SearchDoc(**{**r, "entities": tuple(tuple(e) for e in r["entities"])}) for r in rows]


def build_fixture(out: Path = FIXTURES / "search_site") -> IndexStats:
    """Write the fixture site's search/ folder."""
    return write_browser_index(
        iter(fixture_docs()), out, shard_target=SHARD_TARGET, tier_head=TIER_HEAD, tier_block=TIER_BLOCK,
        body_lead=BODY_LEAD,
    )


if __name__ == "__main__":
    print(build_fixture())
