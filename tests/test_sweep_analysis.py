"""Reading sweeps: confidence intervals, Sobol indices against Ishigami's closed form, plots, report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from govsim import cli
from govsim.sweep import (
    Experiment,
    Factor,
    design_points,
    plot_factor,
    plot_heatmap,
    sobol_indices,
    summarize,
)
from govsim.sweep.analysis import varied_factors


def _runs(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"run_id": [f"r{i}" for i in range(n)], "status": ["ok"] * n}
    return pd.DataFrame({**base, **columns})


def test_confidence_interval_is_student_t():
    runs = _runs(point_id=[0] * 4 + [1], support=[0.0] * 4 + [1.0], y=[1.0, 2.0, 3.0, 4.0, 7.0])
    table = summarize(runs, ["y"])
    first, second = table.iloc[0], table.iloc[1]
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2  # t(0.975, 3) s / sqrt(4)
    assert first["n"] == 4 and first["y_mean"] == pytest.approx(2.5)
    assert first["y_low"] == pytest.approx(2.5 - half) and first["y_high"] == pytest.approx(2.5 + half)
    assert second["n"] == 1 and np.isnan(second["y_low"])  # one replicate: no interval


def test_failed_runs_are_left_out_and_factors_found():
    runs = _runs(point_id=[0, 0, 1], protocol=["a", "a", "b"], rho=[0.1, 0.1, 0.1], y=[1.0, 3.0, np.nan])
    runs.loc[2, "status"] = "failed"
    assert varied_factors(runs) == ["protocol"]
    table = summarize(runs, ["y"])
    assert list(table["n"]) == [2] and table["y_mean"].iloc[0] == 2.0
    with pytest.raises(ValueError, match="'z' is not in the runs table"):
        summarize(runs, ["z"])


def _ishigami(x1, x2, x3, a=7.0, b=0.1):
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def test_sobol_indices_match_ishigami_closed_form():
    """Ishigami & Homma (1990); analytic indices for a=7, b=0.1 from Sobol' & Levitan (1999)."""
    pytest.importorskip("SALib")
    factors = (
        Factor("mu"),  # [0, 0.5]
        Factor("lobbying"),  # [0, 1]
        Factor("rho"),  # [0, 0.5]
        Factor("protocol", levels=("top_down", "bottom_up")),
    )
    exp = Experiment(factors=factors, design={"kind": "saltelli", "samples": 1024})
    rows = []
    for p in design_points(exp):
        s = p.settings
        x = [
            -np.pi + 2 * np.pi * s["mu"] / 0.5,
            -np.pi + 2 * np.pi * s["lobbying"],
            -np.pi + 2 * np.pi * s["rho"] / 0.5,
        ]
        rows.append({"point_id": p.index, "sample": p.sample, "protocol": s["protocol"], "y": _ishigami(*x)})
    runs = pd.DataFrame(rows).assign(status="ok")
    table = sobol_indices(runs, exp, "y")
    assert len(table) == 6 and set(table["protocol"]) == {"top_down", "bottom_up"}
    one = table[table["protocol"] == "top_down"].set_index("factor")
    np.testing.assert_allclose(one.loc[["mu", "lobbying", "rho"], "S1"], [0.3139, 0.4424, 0.0], atol=0.05)
    np.testing.assert_allclose(one.loc[["mu", "lobbying", "rho"], "ST"], [0.5576, 0.4424, 0.2437], atol=0.05)


def test_sobol_indices_need_a_saltelli_design_and_a_varying_metric():
    exp = Experiment(factors=(Factor("rho", levels=(0.1, 0.2)),))
    with pytest.raises(ValueError, match="saltelli design"):
        sobol_indices(_runs(y=[1.0]), exp, "y")
    pytest.importorskip("SALib")
    exp = Experiment(factors={"rho": {}}, design={"kind": "saltelli", "samples": 2})
    flat = _runs(sample=list(range(6)), y=[1.0] * 6)
    with pytest.raises(ValueError, match="'y' does not vary"):
        sobol_indices(flat, exp, "y")


def test_plots_draw_one_band_per_protocol_and_a_binned_heatmap():
    rng = np.random.default_rng(0)
    n = 200
    runs = _runs(
        point_id=np.arange(n),
        protocol=np.repeat(["top_down", "bottom_up"], n // 2),
        rho=rng.uniform(0, 0.5, n),
        support=rng.uniform(0, 1, n),
        y=rng.normal(size=n),
    )
    ax = plot_factor(runs, "rho", "y")
    assert len(ax.get_lines()) == 2 and len(ax.collections) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["bottom_up", "top_down"]
    assert len(ax.get_lines()[0].get_xdata()) <= 8  # 200 distinct values binned
    from matplotlib.colors import to_hex

    from govsim.screen.plotting import protocol_color

    for line in ax.get_lines():  # the protocols' colours of every other plot, and a shape each
        assert to_hex(line.get_color()) == protocol_color(line.get_label()).lower()
    assert len({line.get_marker() for line in ax.get_lines()}) == 2
    heat = plot_heatmap(runs, "rho", "support", "y")
    assert heat.images[0].get_array().shape == (8, 8)
    plt.close("all")


def test_report_prints_the_table_and_writes_plots(tmp_path, capsys):
    exp = tmp_path / "tiny.toml"
    exp.write_text(
        'name = "tiny"\nreplicates = 2\n[fixed]\nmax_rounds = 3\n'
        '[factors]\nsupport = [0.0, 1.0]\nrho = [0.1, 0.3]\nprotocol = ["top_down", "bottom_up"]\n'
    )
    out = tmp_path / "res"
    assert cli.main(["sweep", str(exp), "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["report", str(out)]) == 0
    text = capsys.readouterr().out
    assert "16 runs ok, 0 failed, 16 planned" in text
    assert "mean_participation_civil_society" in text and text.count("top_down") == 4
    names = sorted(p.name for p in (out / "plots").iterdir())
    assert names == ["heatmap_support_rho.png", "rho.png", "support.png"]
    assert cli.main(["report", str(out), "--metrics", "adoption_rat"]) == 2
    assert "'adoption_rat' is not a metric" in capsys.readouterr().err
    assert cli.main(["report", str(tmp_path)]) == 2


def test_report_prints_sobol_indices_for_a_saltelli_sweep(tmp_path, capsys):
    pytest.importorskip("SALib")
    exp = tmp_path / "s.toml"
    exp.write_text(
        'protocol = "bottom_up"\n[fixed]\nmax_rounds = 3\n'
        '[factors]\nsupport = {}\nrho = {}\n[design]\nkind = "saltelli"\nsamples = 2\n'
    )
    out = tmp_path / "res"
    assert cli.main(["sweep", str(exp), "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    metrics = "mean_participation_civil_society,adoption_rate"
    assert cli.main(["report", str(out), "--no-plots", "--metrics", metrics]) == 0
    text = capsys.readouterr().out
    assert "Sobol indices" in text and "ST_conf" in text
    indices = text.split("Sobol indices")[1].splitlines()
    assert [line.split()[:2] for line in indices[2:4]] == [
        ["mean_participation_civil_society", "support"],
        ["mean_participation_civil_society", "rho"],
    ]
    assert "adoption_rate: 'adoption_rate' does not vary" in text
    assert not (out / "plots").exists()
