"""The README's screenshots, made from the bundled archive: ``make screenshots`` (not a test).

Why not a test: a test that rewrites the pictures whenever they differ can
never fail on a visual change, and it edits tracked files during a test run
(issue 19).  Run this after changing the templates or the stylesheet, look at
the pictures, and commit them; the test suite checks only that the pages they
show load without a problem and that the README shows them.

    .venv/bin/python tests/screenshots.py [--out docs/screenshots]

Prints each picture written, and whether it changed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the generator is imported from this checkout

from generator.build import BuildOptions, build  # noqa: E402
from generator.model import urls  # noqa: E402

CHROMIUM = "/usr/lib/chromium/chromium"  # Debian's, as in tests/conftest.py
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
# name -> page of the bundled archive (README.md shows docs/screenshots/<name>.png)
SHOTS = {"article": urls.article("000_88806ccc1889e30e"), "entity": urls.entity("ahmad-massoud")}


def take(site: Path, out: Path) -> list[tuple[Path, bool]]:
    """Screenshot each page of SHOTS in ``site`` into ``out``: 1280x860, light scheme; (file, changed) each."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860}, color_scheme="light",
                                          device_scale_factor=1)
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console: {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            for name, path in SHOTS.items():
                page.goto((site / path).as_uri())
                page.wait_for_load_state("load")
                if problems:
                    raise SystemExit(f"{path}: {problems}")
                shot = page.screenshot(animations="disabled", caret="hide")
                target = out / f"{name}.png"
                changed = not target.exists() or target.read_bytes() != shot
                if changed:
                    target.write_bytes(shot)
                written.append((target, changed))
            context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where the pictures go")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        site = Path(tmp) / "site"
        build(BuildOptions(seeds=ROOT / "seeds", content=ROOT / "content", out=site, whoosh=False, cache=False))
        for target, changed in take(site, args.out):
            print(f"{target}: {'changed' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
