"""Snowball's published vocabularies: the committed sample, and the full Python/JavaScript parity check.

Why: the indexer stems with Python ``snowballstemmer`` and the browser with
the vendored JavaScript of the same Snowball release; a word stemmed
differently on the two sides is a word a reader can never find.  As with
Porter's vocabulary for English, both are checked word for word on
Snowball's own test data (``voc.txt`` and ``output.txt`` per algorithm, from
the snowball-data repository).  The full files are ~25 MB, so the repository
keeps an evenly spaced sample per language (tests/fixtures/search_snowball.tsv,
which pytest checks); this module writes it and runs the full check::

    python -m generator.search.snowball_vocab sample DATA_DIR > tests/fixtures/search_snowball.tsv
    python -m generator.search.snowball_vocab check DATA_DIR [PER]   # PER words of each (default: all)

(All of Tamil's 443,000 words in pure Python take most of an hour and gigabytes: PER=10000 takes a minute.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.search.languages import SNOWBALL
from generator.search.multilingual import stemmer

DATA_COMMIT = "ba91f32bb9c5c25634eaa36e9dadb869f519ebd9"  # snowballstem/snowball-data
PER_LANGUAGE = 600
NODE_STEMMER = Path(__file__).with_name("snowball_node.js")
_CODE = {}
for _code, _algo in SNOWBALL.items():
    _CODE.setdefault(_algo, _code)


def algorithms() -> list[str]:
    """Every Snowball algorithm a language code maps to."""
    return sorted(set(SNOWBALL.values()))


def read_vocabulary(data: Path, algo: str) -> list[tuple[str, str]]:
    """(word, published stem) pairs of one algorithm, [] when the data has none."""
    voc, out = data / algo / "voc.txt", data / algo / "output.txt"
    if not voc.exists():
        return []
    words = voc.read_text(encoding="utf-8").splitlines()
    stems = out.read_text(encoding="utf-8").splitlines()
    return list(zip(words, stems, strict=True))


def python_stems(rows: list[tuple[str, str]]) -> list[str]:
    """The Python stem of each (algorithm, word)."""
    return [stemmer(_CODE[a])(w) for a, w in rows]


def js_stems(rows: list[tuple[str, str]]) -> list[str]:
    """The vendored JavaScript stem of each (algorithm, word), in one Node process."""
    text = "".join(f"{a}\t{w}\n" for a, w in rows)
    run = subprocess.run(["node", str(NODE_STEMMER)], input=text, capture_output=True, text=True, check=True)
    return run.stdout.split("\n")[: len(rows)]


def sample(data: Path) -> str:
    lines = [f"# Every k-th word of snowballstem/snowball-data@{DATA_COMMIT} <algorithm>/voc.txt and output.txt,",
             f"# {PER_LANGUAGE} per algorithm (generator/search/snowball_vocab.py).  BSD-3-Clause, like Snowball.",
             "# algorithm\tword\tpublished stem"]
    for algo in algorithms():
        pairs = read_vocabulary(data, algo)
        step = max(1, len(pairs) // PER_LANGUAGE)
        lines += [f"{algo}\t{w}\t{s}" for w, s in pairs[::step][:PER_LANGUAGE]]
    return "\n".join(lines) + "\n"


def check(data: Path, per: int | None = None) -> int:
    """Compare Python, JavaScript and the published output (every word, or ``per`` evenly spaced); a line per algorithm."""
    bad = 0
    for algo in algorithms():
        pairs = read_vocabulary(data, algo)
        if per:
            pairs = pairs[:: max(1, len(pairs) // per)]
        rows = [(algo, w) for w, _s in pairs]
        py, js = python_stems(rows), js_stems(rows)
        differ = sum(p != j for p, j in zip(py, js, strict=True))
        published = sum(p != s for p, (_w, s) in zip(py, pairs, strict=True))
        bad += differ
        print(f"{algo:12} {len(pairs):7} words  python != js: {differ}  python != published: {published}", flush=True)
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[0] not in ("sample", "check"):
        print(__doc__)
        return 2
    if argv[0] == "sample":
        sys.stdout.write(sample(Path(argv[1])))
        return 0
    return check(Path(argv[1]), int(argv[2]) if len(argv) == 3 else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
