"""A build whose map steps run on a Dask cluster makes the same site, byte for byte, as a local build.

The cluster is a real 2-worker ``LocalCluster`` of processes (not threads),
so everything the workers get is pickled and unpickled as it would be on
other machines.  Which steps ran there is read from the scheduler's own
count of tasks by name, so a step that silently stayed local fails.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_fixture
from distributed import Client, LocalCluster

from generator.build import BuildOptions, build
from generator.cli import main
from generator.incremental import load as loadmod
from generator.model import archive as modelmod
from generator.pages import workers
from generator.search import browser_index
from generator.util.forking import ClusterError, cluster

MAP_STEPS = {"load_chunk", "related_of", "render_batch", "analyse_chunk"}  # the key prefixes the steps' tasks carry


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        yield lc


def _tasks_by_step(lc: LocalCluster) -> dict[str, int]:
    """How many tasks of each name the scheduler has seen finish, since the cluster started."""
    with Client(lc) as client:
        return client.run_on_scheduler(
            lambda dask_scheduler: {name: p.state_counts["memory"] for name, p in dask_scheduler.task_prefixes.items()})


def _site(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _ran_on(lc: LocalCluster, before: dict[str, int]) -> set[str]:
    after = _tasks_by_step(lc)
    return {name for name in MAP_STEPS if after.get(name, 0) > before.get(name, 0)}


def test_the_fixture_archive_built_on_a_cluster_is_byte_identical(tmp_path, dask_cluster, monkeypatch):
    """Every step dispatches even for five articles (thresholds at 1), through the CLI's --cluster."""
    for module, name in ((loadmod, "PARALLEL_MIN"), (loadmod, "_CHUNK"), (modelmod, "RELATE_FORK_MIN"),
                         (workers, "RENDER_FORK_MIN"), (browser_index, "ANALYSE_FORK_MIN")):
        monkeypatch.setattr(module, name, 1)
    seeds, content = copy_fixture(tmp_path / "archive")
    common = ["build", "--seeds", str(seeds), "--content", str(content), "--quiet", "--no-whoosh"]
    assert main([*common, "--out", str(tmp_path / "local"), "--jobs", "2"]) == 0
    before = _tasks_by_step(dask_cluster)
    assert main([*common, "--out", str(tmp_path / "cluster"), "--cluster", dask_cluster.scheduler_address]) == 0
    assert _ran_on(dask_cluster, before) == MAP_STEPS
    local, remote = _site(tmp_path / "local"), _site(tmp_path / "cluster")
    assert len(local) > 50 and remote == local


def _generated(root: Path, count: int) -> tuple[Path, Path]:
    """The fixture's registry and ``count`` generated seeds naming its entities, dated over several years."""
    seeds, content = copy_fixture(root)
    names = ["Ahmad Massoud", "Amrullah Saleh", "Taliban", "Northern Alliance", "Afghanistan", "Fahim Dashti"]
    start = dt.date(2019, 1, 1)
    for n in range(count):
        a, b = names[n % len(names)], names[(n * 7 + 3) % len(names)]
        day = start + dt.timedelta(days=n % 900)
        text = (f"date {day.isoformat()} Report {n}: {a} met envoys near the valley.\n\n"
                f"{b} said talks number {n % 97} went on; {a} and {b} agreed on little.\n")
        (seeds / f"gen-{n:05d}.txt").write_text(text, encoding="utf-8")
    return seeds, content


def test_an_archive_above_every_threshold_built_on_a_cluster_is_byte_identical(tmp_path, dask_cluster):
    """Real thresholds: enough articles that each map step would fork locally, so each goes to the cluster."""
    count = max(loadmod.PARALLEL_MIN, modelmod.RELATE_FORK_MIN, workers.RENDER_FORK_MIN, browser_index.ANALYSE_FORK_MIN)
    seeds, content = _generated(tmp_path / "archive", count)
    opts = {"seeds": seeds, "content": content, "whoosh": False, "cache": False}
    build(BuildOptions(out=tmp_path / "local", jobs=2, **opts))
    before = _tasks_by_step(dask_cluster)
    result = build(BuildOptions(out=tmp_path / "cluster", cluster=dask_cluster.scheduler_address, **opts))
    assert _ran_on(dask_cluster, before) == MAP_STEPS
    assert result.articles >= count
    local, remote = _site(tmp_path / "local"), _site(tmp_path / "cluster")
    assert len(local) > count and remote == local
    shutil.rmtree(tmp_path / "archive")


def test_an_incremental_build_on_a_cluster_equals_a_clean_local_one(tmp_path, dask_cluster):
    """With the build cache: the cluster's clean build, an edit, a cluster rebuild; then the same edit built locally, clean."""
    seeds, content = _generated(tmp_path / "archive", 300)
    opts = {"seeds": seeds, "content": content, "whoosh": False, "out": tmp_path / "cluster"}
    build(BuildOptions(cluster=dask_cluster.scheduler_address, **opts))
    (seeds / "gen-00150.txt").write_text("date 2020-02-02 Ahmad Massoud spoke of the Taliban again.\n", encoding="utf-8")
    assert build(BuildOptions(cluster=dask_cluster.scheduler_address, **opts)).mode == "incremental"
    build(BuildOptions(seeds=seeds, content=content, whoosh=False, cache=False, out=tmp_path / "local", jobs=2))
    assert _site(tmp_path / "cluster") == _site(tmp_path / "local")


def test_no_scheduler_there_is_a_clear_error(tmp_path):
    with pytest.raises(ClusterError, match="no Dask cluster"), cluster("tcp://127.0.0.1:9", timeout=2):
        pass
