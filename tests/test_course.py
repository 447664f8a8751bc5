"""govsim.course: the prose-binding check, units, single-run rates and paired differences,
on hand-computable cases."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from govsim.course import (
    StaleProse,
    differs,
    more,
    paired_difference,
    paired_rate,
    plot_by_unit,
    stated,
    unit_of,
    written_interval,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.7249, "0.72"),
        (0.85, "0.85"),
        (0.444, "44%"),
        (1.0, "100%"),
        (12.81, "13x"),
        (-0.0203, "-0.020"),
        (3, "3"),
    ],
)
def test_stated_accepts_the_number_as_written(value, text):
    assert stated(value, text) == value


@pytest.mark.parametrize(("value", "text"), [(0.85, "0.72"), (0.95, "85%"), (10.3, "13x"), (-0.02, "0.02")])
def test_stated_fails_when_the_prose_is_stale(value, text):
    with pytest.raises(StaleProse, match="the prose says"):
        stated(value, text)
    assert issubclass(StaleProse, AssertionError)  # a notebook cell fails like an assert


@pytest.mark.parametrize("text", ["about 0.7", "0,72", "", "x"])
def test_stated_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError, match="is not a number"):
        stated(0.7, text)


def test_stated_refuses_nan():
    with pytest.raises(StaleProse):
        stated(float("nan"), "0.5")


def test_units_come_from_the_metric_labels():
    assert unit_of("mean_rounds") == "rounds"
    assert unit_of("mean_compliance") == unit_of("mean_government_compliance")
    assert unit_of("mean_gain_business") != unit_of("mean_compliance")


def test_plot_by_unit_draws_one_panel_per_unit():
    runs = pd.DataFrame(
        {
            "protocol": ["a", "a", "b", "b"],
            "seed": [0, 1, 0, 1],
            "mean_rounds": [2.0, 3.0, 5.0, 6.0],
            "mean_compliance": [0.5, 0.6, 0.9, 1.0],
            "mean_gain_business": [0.1, 0.2, 0.0, 0.1],
        }
    )
    axes = plot_by_unit(runs, ["mean_rounds", "mean_compliance", "mean_gain_business"])
    assert [ax.get_xlabel() for ax in axes] == [
        unit_of(m) for m in ("mean_rounds", "mean_compliance", "mean_gain_business")
    ]


def test_paired_rate_counts_seeds_by_hand():
    runs = pd.DataFrame(
        {"protocol": ["a"] * 4 + ["b"] * 4, "seed": [0, 1, 2, 3] * 2, "x": [1, 2, 3, 4, 0, 5, 1, 4]}
    )
    assert paired_rate(runs, "x", "a", "b") == 0.5  # seeds 0 and 2; seed 3 is a tie
    with pytest.raises(ValueError, match="has no runs"):
        paired_rate(runs, "x", "a", "c")


def test_paired_difference_by_hand():
    d = paired_difference([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])  # differences 1, 2, 3
    assert d["mean"] == pytest.approx(2.0)
    half = 4.302652729911275 * 1.0 / np.sqrt(3)  # t_{0.975, 2} * s / sqrt(n), s = 1
    assert (d["low"], d["high"]) == pytest.approx((2.0 - half, 2.0 + half))
    assert differs([1.0, 1.1, 0.9], [0.0, 0.0, 0.0]) and not differs([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    assert not differs([1.0, -1.0, 0.5], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="equal-length"):
        paired_difference([1.0, 2.0], [1.0])


def test_more_needs_a_mean_and_an_interval():
    a = pd.DataFrame({"seed": [2, 0, 1], "x": [1.1, 1.0, 0.9], "y": [0.0, 0.0, 0.0]})
    b = pd.DataFrame({"seed": [0, 1, 2], "x": [0.0, 0.0, 0.0]})
    noisy = pd.DataFrame({"seed": [0, 1, 2], "x": [2.0, -1.0, 0.5]})
    assert more(a, b, "x") and not more(b, a, "x")
    assert not more(noisy, b, "x")  # higher on average, but the interval includes zero
    assert more(a, a, "x", "y")  # two columns of the same runs
    with pytest.raises(ValueError, match="pairs runs by seed"):
        more(a, b.assign(seed=[0, 1, 5]), "x")


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("0.34", (0.335, 0.345)),
        ("95%", (0.945, 0.955)),
        ("12x", (11.5, 12.5)),
        ("-0.020", (-0.0205, -0.0195)),
        ("0.6-0.8", (0.6, 0.8)),
        ("75-90%", (0.75, 0.90)),
        ("-0.02 to -0.01", (-0.02, -0.01)),
        ("+0.033 to +0.036", (0.033, 0.036)),
        ("9.5-11", (9.5, 11.0)),
    ],
)
def test_written_interval_is_what_the_text_rounds_from(text, interval):
    assert written_interval(text) == pytest.approx(interval)


def test_stated_reads_a_range_and_refuses_a_reversed_one():
    assert stated(0.85, "75-90%") == 0.85
    with pytest.raises(StaleProse):
        stated(0.95, "75-90%")
    with pytest.raises(ValueError, match="low end is above"):
        written_interval("0.8-0.6")


def test_plot_by_unit_stays_readable_on_a_projector():
    """A regional-IGF review (issue 22.12): five metrics in four units made one row of panels 26
    inches wide, with legends over the bars. At most two panels a row, one legend for the figure."""
    from govsim.course import plot_by_unit
    from govsim.teaching import replicate

    runs = replicate("classroom", ["bottom_up", "top_down"], range(2))
    metrics = ["mean_rounds", "mean_compliance", "mean_min_group_gain", "mean_ambition"]
    axes = plot_by_unit(runs, metrics)
    figure = axes[0].figure
    assert len(axes) == 4 and figure.get_size_inches()[0] <= 15
    assert all(ax.get_legend() is None for ax in axes) and len(figure.legends) == 1
