"""Rebuild tests/fixtures/search_site/ (the small index the Node unit tests search).

    python -m generator.search.fixture

The Node tests must run with nothing but ``node --test``, so the index they
load is committed; tests/search/test_search_indexer.py rebuilds it and checks that
the committed copy is byte-identical (which also proves determinism).
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.search import FacetDef, SearchDoc
from generator.search.indexer import IndexStats, write_browser_index
from generator.search.layout import Params

# Tiny shards, heads of 1 posting and tail blocks of 1 (every term in more than one
# article has blocks the engine may skip, so the Node tests can check the pruning
# against exhaustive ranking), bundles of 2 cards and 3 rests, short leads (the
# longer fixture bodies get a rest in c/).
PARAMS = Params(shard_min=20, shard_max=60, shard_mod=2, head=1, block=1, bundle=2, rest_bundle=3, lead=120)
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
# The fixture's facet groups, as a site's would be: entity types, then taxonomies, with their labels.
FACETS = (FacetDef("person", "People", entity=True), FacetDef("org", "Organisations", entity=True),
          FacetDef("place", "Places", entity=True), FacetDef("tag", "Tags"), FacetDef("source", "Sources"),
          FacetDef("desk", "Desks"))


def fixture_docs(path: Path = FIXTURES / "search_docs.json") -> list[SearchDoc]:
    """The fixture articles as SearchDocs (entities and facets as [id, name, type] and [kind, key, name] lists)."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [SearchDoc(**{**r, "entities": tuple(tuple(e) for e in r["entities"]),
                         "facets": tuple(tuple(f) for f in r.get("facets", ()))}) for r in rows]


def build_fixture(out: Path = FIXTURES / "search_site") -> IndexStats:
    """Write the fixture site's search/ folder."""
    return write_browser_index(fixture_docs(), out, PARAMS, FACETS)


if __name__ == "__main__":
    print(build_fixture())
