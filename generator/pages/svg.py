"""The mentions-per-month timeline on entity pages, drawn as inline SVG at build time."""

from __future__ import annotations

from collections import Counter

from markupsafe import Markup, escape


def _months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def timeline(months: Counter, label: str, max_bars: int = 120) -> Markup:
    """Bars per month from the first to the last month with a mention.

    Very long spans are grouped by year so the chart stays readable.
    """
    if not months:
        return Markup("")
    keys = _months_between(min(months), max(months))
    if len(keys) > max_bars:
        years: Counter = Counter()
        for k, v in months.items():
            years[k[:4]] += v
        keys = [str(y) for y in range(int(min(years)), int(max(years)) + 1)]
        months = years
    peak = max(months.values())
    bar, gap, height = 10, 2, 48
    width = max(len(keys) * (bar + gap), 120)  # room for both end labels
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height + 14}" width="{width}" height="{height + 14}" '
        f'role="img" aria-label="{escape(label)}">'
    ]
    for i, key in enumerate(keys):
        n = months.get(key, 0)
        h = 0 if n == 0 else max(2, round(height * n / peak))
        x = i * (bar + gap)
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{bar}" height="{h}"><title>{key}: {n}</title></rect>'
        )
    parts.append(f'<text x="0" y="{height + 12}">{escape(keys[0])}</text>')
    if len(keys) > 1:
        parts.append(f'<text x="{width}" y="{height + 12}" text-anchor="end">{escape(keys[-1])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
