"""Shared test settings: hypothesis without wall-clock deadlines (this machine is shared and noisy),
and every registry (protocols, layouts, measures) restored after each test."""

import os

import matplotlib
import pytest
from hypothesis import settings

from govsim.registry import registered

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("govsim", deadline=None, max_examples=40, derandomize=True)
settings.load_profile("govsim")


@pytest.fixture(scope="module")
def dask_client():
    """A Dask client on a 2-worker LocalCluster, one per test module (a module may kill its workers)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(autouse=True)
def restored_registries():
    """Whatever a test registers (a protocol, a layout, a measure) is gone in the next test."""
    with registered():
        yield
