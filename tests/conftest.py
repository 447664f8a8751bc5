"""Shared test settings: hypothesis without wall-clock deadlines (this machine is shared and noisy),
the ``core`` marker of the fast inner loop (``bash scripts/dev.sh test --quick``), and every
registry (protocols, layouts, measures) restored after each test."""

import os

import matplotlib
import pytest
from hypothesis import settings

from govsim.registry import registered

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("govsim", deadline=None, max_examples=40, derandomize=True)
settings.load_profile("govsim")

# The model's core and its plumbing: what ``bash scripts/dev.sh test --quick`` runs (their tests
# not marked slow or browser). Everything else (commands, sweeps, role-play, notebooks, the
# browser) runs in the full suite, which CI runs.
CORE = {
    "test_actors",
    "test_anatomy",
    "test_cli_help",
    "test_deliberation",
    "test_escaping",
    "test_extending",
    "test_golden",
    "test_imports",
    "test_intervals",
    "test_measures",
    "test_metrics",
    "test_model",
    "test_monotonicity",
    "test_overrides",
    "test_params",
    "test_performance_invariants",
    "test_plain",
    "test_protocols",
    "test_scenarios",
    "test_teaching",
    "test_values",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.stem in CORE:
            item.add_marker(pytest.mark.core)


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
