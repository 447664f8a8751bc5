"""Parameter sweeps: reproducible, resumable, on this machine or on a Dask cluster.

::

    from govsim.sweep import load_experiment, run_sweep, load_runs, summarize
    run_sweep(load_experiment("experiments/classroom_support.toml"), "results/support")
    summarize(load_runs("results/support"))

See ``docs/sweeps.md`` for the experiment format and the command-line tools.
"""

from govsim.sweep.analysis import STANDARD_METRICS, sobol_indices, summarize
from govsim.sweep.designs import Point, design_points
from govsim.sweep.driver import SweepResult, rebuild_model, run_sweep
from govsim.sweep.experiment import Experiment, load_experiment
from govsim.sweep.factors import Design, DesignKind, Factor
from govsim.sweep.plots import plot_factor, plot_heatmap
from govsim.sweep.seeds import plan, run_rng
from govsim.sweep.store import load_rounds, load_runs

__all__ = [
    "STANDARD_METRICS",
    "Design",
    "DesignKind",
    "Experiment",
    "Factor",
    "Point",
    "SweepResult",
    "design_points",
    "load_experiment",
    "load_rounds",
    "load_runs",
    "plan",
    "plot_factor",
    "plot_heatmap",
    "rebuild_model",
    "run_rng",
    "run_sweep",
    "sobol_indices",
    "summarize",
]
