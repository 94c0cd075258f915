"""SearchDocs straight from a JSON Lines corpus (the shared corpus format).

The evaluation and the measurements index test collections directly, without
rendering a site: it keeps ``make eval`` fast and independent of page layout,
while still using the real indexer, the real JavaScript engine and whoosh.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from generator.search import SearchDoc
from generator.search.layout import article_url

ENTITY_KEYS = (("people", "person"), ("orgs", "org"), ("places", "place"), ("topics", "topic"))


def docs_from_jsonl(path: Path, labels: dict[str, dict] | None = None) -> Iterator[SearchDoc]:
    """Yield SearchDocs sorted by (date, id) with undated first, as the build does.

    ``labels`` is the corpus's entity_labels.json: {"people": {code: name}, ...}.
    """
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    rows.sort(key=lambda a: (a.get("date") is not None, a.get("date") or "", str(a["id"])))
    labels = labels or {}
    for a in rows:
        ents = []
        for key, typ in ENTITY_KEYS:
            for code in a.get(key) or ():
                label = labels.get(key, {}).get(code, code)
                if isinstance(label, dict):  # people: {"label": ..., "description": ...}
                    label = label.get("label") or code
                ents.append((f"{typ}-{code}", str(label), typ))
        yield SearchDoc(
            id=str(a["id"]),
            url=article_url(str(a["id"])),
            title=a.get("title") or "",
            date=a.get("date"),
            source=a.get("source"),
            summary="",
            body=a.get("body") or "",
            entities=tuple(ents),
        )
