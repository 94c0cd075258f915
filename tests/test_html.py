"""Validity and accessibility of the built fixture site: the Nu HTML checker and axe-core in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _vnu(target: Path) -> list[dict]:
    java = shutil.which("java")
    assert java, "java is needed for the Nu HTML checker"
    assert VNU.is_file(), f"{VNU} missing: run npm ci"
    proc = subprocess.run([java, "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json", str(target)],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(proc.stderr or proc.stdout)
    return report["messages"]


def _describe(messages: list[dict], root: Path) -> str:
    """One paragraph per distinct message: how often, and the first few places with the offending markup."""
    groups: dict[str, list[dict]] = {}
    for m in messages:
        groups.setdefault(m.get("message", ""), []).append(m)
    out = []
    for text, ms in groups.items():
        out.append(f"[{len(ms)}x] {text}")
        for m in ms[:3]:
            url = m.get("url", "").removeprefix("file:").removeprefix(str(root) + "/")
            out.append(f"    {url}:{m.get('lastLine', '?')}: {' '.join(m.get('extract', '').split())[:160]}")
    return "\n".join(out)


def test_vnu_sees_errors_in_a_broken_page(tmp_path):
    """The checker itself works here (so an empty report below means something)."""
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>", encoding="utf-8")
    messages = _vnu(tmp_path)
    assert [m for m in messages if m.get("type") == "error"]


def test_vnu_no_errors_in_built_site(built_site: Path):
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 30
    messages = _vnu(built_site)
    problems = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert problems == [], f"{len(problems)} vnu errors:\n" + _describe(problems, built_site)


PAGES = {
    "home": "index.html",
    "article": "articles/000_88806ccc1889e30e.html",
    "entity": "entity/taliban.html",
    "entity index": "entities/index.html",
    "search": "search/index.html",
}


def _axe(page: Page, url: str) -> list[dict]:
    page.goto(url)
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def test_axe_finds_problems_in_a_broken_page(page: Page, tmp_path):
    """axe-core runs here and reports (so an empty report below means something)."""
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html><title>x</title><img src='x.png'><input>", encoding="utf-8")
    violations = _axe(page, (tmp_path / "bad.html").as_uri())
    assert {v["id"] for v in violations} >= {"image-alt", "label"}


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_no_serious_violations(csp_free_page: Page, site_server: str, name: str):
    violations = _axe(csp_free_page, site_server + PAGES[name])
    bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['html'][:160]}" for n in v["nodes"][:5])
        for v in bad
    )
    assert bad == [], f"{PAGES[name]}:\n{report}"


@pytest.mark.parametrize("scheme", ["dark"])
def test_axe_contrast_in_dark_mode(browser, site_server: str, scheme: str):
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # axe is injected as inline script
    try:
        page = context.new_page()
        bad = []
        for name, path in PAGES.items():
            for v in _axe(page, site_server + path):
                if v.get("impact") in ("serious", "critical"):
                    bad.append(f"{name}: {v['id']}: " + "; ".join(str(n["target"]) for n in v["nodes"][:5]))
        assert bad == [], "\n".join(bad)
    finally:
        context.close()
