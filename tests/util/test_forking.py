"""A forked step that dies says how, as a reader can act on it (not a pipe's 'end of file during message')."""

from __future__ import annotations

import os
import signal
import time

import pytest

from generator.util.forking import Background, BackgroundError


def _killed() -> None:
    time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does


def _parts():
    yield 1
    raise ValueError("a bug in the second part")


def test_a_child_killed_outright_is_named_with_its_signal():
    with pytest.raises(BackgroundError, match=r"killed by SIGKILL.*out of memory"):
        Background(_killed).result()


def test_a_generator_child_gives_its_parts_then_its_error():
    job = Background(_parts)
    assert job.next_part() == 1
    with pytest.raises(BackgroundError, match="a bug in the second part"):
        job.next_part()


def test_without_fork_the_parts_come_from_this_process():
    job = Background(_parts, fork=False)
    assert job.next_part() == 1
    with pytest.raises(ValueError):
        job.next_part()
