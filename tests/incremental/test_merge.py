"""The dev server's merge (generator.incremental.merge): typing is merged, everything else takes the general path.

Each case makes one kind of edit to the property test's archive in a
server-like build sequence (the state kept in memory, the changed files
named) and checks two things: whether the edit was merged, and that the
site equals a clean build byte for byte.  A merge that let through an edit
other pages show (a title, a name, a quoted sentence, the lead) would
leave those pages stale, which the comparison catches.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from conftest import assert_same_site
from test_incremental_property import BigArchive

from generator.build import build


def _add_name(arch: BigArchive) -> str:
    """A name typed into the last paragraph of an article that names it earlier: the sentence its entity page
    quotes stays the same, but the article names it once more (entity pages count mentions)."""
    for stem in arch.stems():
        first = arch._first_mentions(stem).get("gordon-brown")
        last = len(arch.bodies[stem]) - 1
        if first is not None and first[0] < last:
            para = arch.bodies[stem][last]
            para[-1] = para[-1].rstrip(".") + " with Gordon Brown."
            arch.put_seed(stem)
            return stem
    raise AssertionError("no article to edit")


def _edit_lead(arch: BigArchive) -> str:
    """A word of the first paragraph, which lists and feeds show as the article's lead."""
    stem = arch.stems()[3]
    para = arch.bodies[stem][0]
    para[0] = arch._swap_word(para[0], "zebra", arch.rng)
    arch.put_seed(stem)
    return stem


def _retitle(arch: BigArchive) -> str:
    stem = arch.stems()[5]
    arch.metas.setdefault(stem, {})["title"] = "A title typed in the dev server"
    arch.put_meta(stem)
    return stem


EDITS = {
    "typing": (BigArchive.edit_typing, True),
    "a name typed in": (_add_name, False),
    "the lead": (_edit_lead, False),
    "a title": (_retitle, False),
    "a quoted sentence": (BigArchive.edit_snippet_sentence, False),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_the_cli_plans_typing_only_and_matches_a_clean_build(tmp_path: Path, kind: str) -> None:
    """The CLI rebuilds the model, then fingerprints only the edited articles' pages when the edit is typing."""
    edit, quiet = EDITS[kind]
    arch = BigArchive(tmp_path / "archive", random.Random(20261207))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    build(arch.options(out))
    what = edit(arch)
    arch.take_touched()
    result = build(arch.options(out))
    assert result.mode == "incremental" and result.quiet is quiet, f"{kind} ({what}): {result.mode}, quiet={result.quiet}"
    shutil.rmtree(ref, ignore_errors=True)
    build(arch.options(ref, cache=False))
    assert_same_site(out, ref, f"{kind} ({what})")


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_the_dev_server_merges_typing_only_and_matches_a_clean_build(tmp_path: Path, kind: str) -> None:
    edit, merges = EDITS[kind]
    arch = BigArchive(tmp_path / "archive", random.Random(20261207))
    out, ref = tmp_path / "site", tmp_path / "ref" / "site"
    state = build(arch.options(out), persist=False).state
    arch.edit_typing()  # a first save: the model the next one merges into is current
    state = build(arch.options(out), state=state, persist=False, changed=arch.take_touched()).state
    what = edit(arch)
    result = build(arch.options(out), state=state, persist=False, changed=arch.take_touched())
    assert result.merged is merges, f"{kind} ({what}): merged={result.merged}"
    assert result.written >= 1, f"{kind}: nothing was written"
    shutil.rmtree(ref, ignore_errors=True)
    build(arch.options(ref, cache=False))
    assert_same_site(out, ref, f"{kind} ({what})")
