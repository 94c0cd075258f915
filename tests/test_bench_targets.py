"""The bench's targets report (generator.bench.targets): the million-article lines print with --only-scale too."""

from __future__ import annotations

from generator.bench import Measurement, Run, targets


def _m(corpus: str, scenario: str, articles: int, seconds: float, rss_mb: float) -> Measurement:
    return Measurement("ours", corpus, scenario, articles, [Run(seconds, seconds, int(rss_mb * 1024), 0.0)])


def test_only_the_scaled_archive_still_gets_issue_21s_verdicts():
    results = [_m("bundled", "cold build", 1, 0.3, 34),
               _m("reuters21578 x47", "cold build", 1_014_166, 821.6, 4910),
               _m("reuters21578 x47", "no-change rebuild", 1_014_166, 1.5, 1305)]
    lines = targets(results, 0)
    assert any("not measured" in line for line in lines)
    cold = next(line for line in lines if "x47" in line and "cold build" in line)
    assert "4.8 MB per 1,000 articles" in cold and "MISSED" in cold
    fast = next(line for line in lines if "no-change" in line)
    assert "met" in fast and "MISSED" not in fast
