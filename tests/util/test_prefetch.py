"""util.textio.prefetch: a hint to the kernel that never fails, and never waits on a FIFO named like a seed."""

from __future__ import annotations

import os
import threading

from generator.util.textio import prefetch


def test_prefetch_skips_what_it_cannot_open_and_returns_at_once_on_a_fifo(tmp_path):
    seed = tmp_path / "a.txt"
    seed.write_text("date 2021-09-01 Kabul\n", encoding="utf-8")
    fifo = tmp_path / "b.txt"
    os.mkfifo(fifo)  # opened for reading without O_NONBLOCK, this would wait for a writer forever
    done = threading.Event()

    def run() -> None:
        prefetch([str(seed), str(tmp_path / "missing.txt"), str(fifo), str(tmp_path)])
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert done.is_set()
    assert seed.read_text(encoding="utf-8") == "date 2021-09-01 Kabul\n"
