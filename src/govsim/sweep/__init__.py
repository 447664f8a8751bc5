"""Parameter sweeps: reproducible, resumable, on this machine or on a Dask cluster.

::

    from govsim.sweep import load_experiment, run_sweep, load_runs, summarize
    run_sweep(load_experiment("experiments/classroom_support.toml"), "results/support")
    summarize(load_runs("results/support"))

See ``docs/sweeps.md`` for the experiment format and the command-line tools. The names below
are imported on first use (PEP 562): ``govsim sweep --help`` needs none of pandas or Mesa.
"""

from __future__ import annotations

from govsim.exports import lazy_exports

_HOMES = {
    "STANDARD_METRICS": "govsim.sweep.analysis",
    "sobol_indices": "govsim.sweep.analysis",
    "summarize": "govsim.sweep.analysis",
    "Point": "govsim.sweep.designs",
    "design_points": "govsim.sweep.designs",
    "SweepResult": "govsim.sweep.driver",
    "rebuild_model": "govsim.sweep.driver",
    "run_sweep": "govsim.sweep.driver",
    "Experiment": "govsim.sweep.experiment",
    "load_experiment": "govsim.sweep.experiment",
    "Design": "govsim.sweep.factors",
    "DesignKind": "govsim.sweep.factors",
    "Factor": "govsim.sweep.factors",
    "plot_factor": "govsim.sweep.plots",
    "plot_heatmap": "govsim.sweep.plots",
    "plan": "govsim.sweep.seeds",
    "run_rng": "govsim.sweep.seeds",
    "load_rounds": "govsim.sweep.store",
    "load_runs": "govsim.sweep.store",
}

__all__ = sorted(_HOMES)


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
