"""Validity and accessibility of the built fixture site: the Nu HTML checker and axe-core in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import served
from playwright.sync_api import Page
from test_reader import undated_archive

from generator.build import BuildOptions, build
from generator.model import urls

ROOT = Path(__file__).resolve().parents[2]
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


@pytest.fixture(scope="module")
def undated_site(tmp_path_factory) -> Path:
    """An all-undated archive with no entities: the empty and A–Z states of every page type."""
    tmp = tmp_path_factory.mktemp("undated")
    seeds, content = undated_archive(tmp / "archive")
    out = tmp / "site"
    build(BuildOptions(seeds=seeds, content=content, out=out, whoosh=False))
    return out


@pytest.fixture(scope="module")
def undated_server(undated_site: Path):
    with served(undated_site) as url:
        yield url


def test_vnu_no_errors_in_built_site(built_site: Path, undated_site: Path):
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 30
    for path in list(PAGES.values()) + list(UNDATED_PAGES.values()):
        assert (built_site / path).is_file() or (undated_site / path).is_file(), path
    problems = []
    for site in (built_site, undated_site):
        messages = _vnu(site)
        problems += [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert problems == [], f"{len(problems)} vnu errors:\n" + _describe(problems, built_site)


PAGES = {  # one of every page type in the fixture archive
    "home": "index.html",
    "article": urls.article("000_88806ccc1889e30e"),
    "entity": urls.entity("taliban"),
    "entity page 2": urls.paginated(urls.entity("taliban"), 2),
    "entity index": "entities/index.html",
    "entity type index": "entities/person.html",
    "tag": urls.collection("tag", "afghanistan"),
    "tag index": "tags/index.html",
    "source": urls.collection("source", "republic-world"),
    "source index": "sources/index.html",
    "date archive": "archive/index.html",
    "year": "archive/2021/index.html",
    "month": "archive/2021/09/index.html",
    "undated": "archive/undated/index.html",
    "free page": "pages/about.html",
    "search": "search/index.html",
    "404": "404.html",
}
UNDATED_PAGES = {  # and the pages of an archive with no dates and no entities
    "home, nothing dated": "index.html",
    "date archive, nothing dated": "archive/index.html",
    "undated A-Z page 2": "archive/undated/page-2.html",
    "empty entity index": "entities/index.html",
    "tag by title": urls.collection("tag", "sport"),
    "undated article": urls.article("s3"),
}


def _axe(page: Page, url: str) -> list[dict]:
    """axe's report on ``url``, with the site's CSP in force: axe comes in as an init script (which a page's
    policy does not govern), not as an inline <script> tag (which it refuses)."""
    page.add_init_script(path=str(AXE))
    page.goto(url)
    page.wait_for_load_state("load")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def test_axe_finds_problems_in_a_broken_page(page: Page, tmp_path):
    """axe-core runs here and reports (so an empty report below means something)."""
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html><title>x</title><img src='x.png'><input>", encoding="utf-8")
    violations = _axe(page, (tmp_path / "bad.html").as_uri())
    assert {v["id"] for v in violations} >= {"image-alt", "label"}


def _serious(page: Page, url: str) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['html'][:160]}" for n in v["nodes"][:5])
        for v in _axe(page, url) if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_no_serious_violations(browser, site_server: str, undated_server: str, scheme: str):
    """Every page type, in both colour schemes (contrast differs), has no serious or critical violation."""
    context = browser.new_context(color_scheme=scheme)  # the reader's CSP stays on: see _axe
    try:
        page = context.new_page()
        bad = []
        for pages, server in ((PAGES, site_server), (UNDATED_PAGES, undated_server)):
            for name, path in pages.items():
                bad += [f"{name} ({path}): {problem}" for problem in _serious(page, server + path)]
        assert bad == [], "\n".join(bad)
    finally:
        context.close()
