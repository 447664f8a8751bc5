"""Plotting functions: each returns the Axes it drew on, honours ``ax=`` and draws the data it was given."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.markers import MarkerStyle

from govsim import GovernanceModel, Group, protocol_names
from govsim.screen import plotting as P


@pytest.fixture(scope="module")
def finished():
    return GovernanceModel("classroom", protocol="bottom_up", rng=3).run()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _ax():
    return plt.subplots()[1]


def _offsets(ax):
    return [c.get_offsets() for c in ax.collections]


def test_group_colours_are_fixed_distinct_and_cover_every_group():
    assert set(P.GROUP_COLORS) == set(Group)
    assert len(set(P.GROUP_COLORS.values())) == len(Group)
    assert P.group_color("civil_society") == P.group_color(Group.CIVIL_SOCIETY) == P.group_color(2)
    with pytest.raises(ValueError, match="unknown group"):
        P.group_color("press")


def test_positions_draws_every_stakeholder_in_its_group_colour_plus_markers():
    model = GovernanceModel("classroom", rng=1)
    model.step()
    ax = _ax()
    assert P.plot_positions(model, ax=ax) is ax
    points = sum(len(o) for o in _offsets(ax))
    assert points == model.n + 2  # stakeholders, status quo, current proposal
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"Government", "Civil society", "status quo", "current proposal"} <= set(labels)
    colours = {to_hex(c.get_facecolor()[0]) for c in ax.collections if len(c.get_facecolor())}
    assert {P.group_color(g).lower() for g in Group} <= colours
    assert "openness" in ax.get_xlabel() and "0 =" in ax.get_xlabel()
    assert "rights" in ax.get_ylabel()
    assert model.setup.agenda[0].name in ax.get_title().replace("\n", " ")


def test_positions_marks_the_adopted_text_of_a_closed_issue(finished):
    ax = P.plot_positions(finished, ax=_ax(), issue=0)
    star = ax.collections[-1].get_offsets()[0]
    np.testing.assert_allclose(star, finished.closed_issues[0].outcome)
    with pytest.raises(ValueError, match="issue=9"):
        P.plot_positions(finished, ax=_ax(), issue=9)


def test_positions_creates_axes_when_none_given():
    assert P.plot_positions(GovernanceModel("classroom", rng=1)).figure is not None


def test_proposal_path_follows_the_rounds(finished):
    rounds = finished.rounds
    ax = P.plot_proposal_path(rounds, ax=_ax())
    assert len(ax.lines) == rounds["issue"].nunique()
    ax = P.plot_proposal_path(rounds, ax=_ax(), issue=1)
    (line,) = ax.lines
    one = rounds[rounds["issue"] == 1]
    np.testing.assert_allclose(line.get_xdata(), one["proposal_openness"])
    np.testing.assert_allclose(line.get_ydata(), one["proposal_rights"])


def test_objections_attendance_has_one_line_per_group_and_objections(finished):
    rounds = finished.rounds
    ax = P.plot_objections_attendance(rounds, ax=_ax())
    lines = {ln.get_label(): ln for ln in ax.lines if not ln.get_label().startswith("_")}
    assert set(lines) == {g.label for g in Group} | {"objecting"}
    civil = lines["Civil society"]
    assert to_hex(civil.get_color()) == P.group_color(Group.CIVIL_SOCIETY).lower()
    np.testing.assert_allclose(civil.get_ydata(), rounds["attendance_civil_society"])
    assert len(civil.get_xdata()) == len(rounds)


def test_gains_draws_one_bar_per_group_and_issue(finished):
    outcomes = finished.outcomes
    ax = P.plot_gains(outcomes, ax=_ax())
    assert len(ax.patches) == len(outcomes) * len(Group)
    heights = [p.get_height() for p in ax.containers[2]]
    np.testing.assert_allclose(heights, outcomes["gain_civil_society"].astype(float))
    assert "utility" in ax.get_ylabel()


def test_compliance_bars_and_not_adopted_marker(finished):
    outcomes = finished.outcomes.copy()
    outcomes.loc[0, ["adopted", "compliance", "government_compliance", "noncompliance"]] = [
        False,
        np.nan,
        np.nan,
        np.nan,
    ]
    ax = P.plot_compliance(outcomes, ax=_ax())
    assert len(ax.containers) == 3
    np.testing.assert_allclose(
        [p.get_height() for p in ax.containers[0]][1:], outcomes["compliance"][1:].astype(float)
    )
    assert any(t.get_text() == "not adopted" for t in ax.texts)


def test_protocol_comparison_averages_seeds_per_protocol():
    summaries = [
        {"protocol": "top_down", "adoption_rate": 1.0, "mean_rounds": 2.0},
        {"protocol": "top_down", "adoption_rate": 0.5, "mean_rounds": 4.0},
        {"protocol": "bottom_up", "adoption_rate": 0.8, "mean_rounds": 6.0},
    ]
    metrics = ("adoption_rate", "mean_rounds")
    ax = P.plot_protocol_comparison(summaries, ax=_ax(), metrics=metrics)
    bars = [c for c in ax.containers if hasattr(c, "patches")][:2]
    np.testing.assert_allclose([p.get_width() for p in bars[0]], [0.75, 3.0])
    np.testing.assert_allclose([p.get_width() for p in bars[1]], [0.8, 6.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["top_down", "bottom_up"]
    assert to_hex(bars[0].patches[0].get_facecolor()) == P.protocol_color("top_down").lower()
    # a DataFrame works the same
    again = P.plot_protocol_comparison(pd.DataFrame(summaries), ax=_ax(), metrics=metrics)
    assert len(again.patches) == len(ax.patches)
    with pytest.raises(ValueError, match="metrics="):
        P.plot_protocol_comparison(summaries, ax=_ax(), metrics=("nonsense",))


def test_protocol_comparison_on_real_summaries():
    summaries = [
        GovernanceModel("classroom", protocol=p, rng=1).run().summary() for p in ("top_down", "bottom_up")
    ]
    ax = P.plot_protocol_comparison(summaries, ax=_ax())
    assert len(ax.patches) == 2 * len(P.DEFAULT_METRICS)
    assert "1 run each" in ax.get_title()


# ------------------------------------------------------------------ readable for everyone
def test_groups_differ_by_marker_and_line_style_not_only_colour():
    styles = [P.group_style(g) for g in Group]
    for key in ("color", "marker", "linestyle", "hatch"):
        assert len({s[key] for s in styles}) == len(styles), f"two groups share a {key}"
    assert all(s["linestyle"] in P.DASHES for s in styles)


def test_positions_and_attendance_use_each_groups_marker_and_line(finished):
    ax = P.plot_positions(finished, ax=_ax())
    handles = {
        t.get_text(): h
        for t, h in zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles, strict=True)
    }
    for g in Group:
        path = handles[g.label].get_paths()[0]
        expected = (
            MarkerStyle(P.GROUP_MARKERS[g])
            .get_path()
            .transformed(MarkerStyle(P.GROUP_MARKERS[g]).get_transform())
        )
        np.testing.assert_allclose(path.vertices, expected.vertices)
    ax = P.plot_objections_attendance(finished.rounds, ax=_ax())
    lines = {ln.get_label(): ln for ln in ax.lines}
    for g in Group:
        assert lines[g.label].get_marker() == P.GROUP_MARKERS[g]
        assert lines[g.label].get_linestyle() == P.GROUP_LINESTYLES[g]
    ticks = ax.xaxis.get_major_locator().tick_values(0.5, 7.5)
    assert np.allclose(ticks, np.round(ticks)), "round ticks are whole numbers"


def test_gains_legend_keeps_group_colours_before_any_issue_closed():
    empty = GovernanceModel("classroom", rng=1).outcomes
    ax = P.plot_gains(empty, ax=_ax())
    patches = ax.get_legend().get_patches()
    assert [to_hex(p.get_facecolor()) for p in patches] == [P.group_color(g).lower() for g in Group]


def test_long_issue_names_wrap_and_are_never_cut(finished):
    outcomes = finished.outcomes.copy()
    long = "Cross-border data flows and the localisation of personal data"
    outcomes.loc[0, "name"] = long
    for plot in (P.plot_gains, P.plot_compliance):
        labels = [t.get_text() for t in plot(outcomes, ax=_ax()).get_xticklabels()]
        assert labels[0].replace("\n", " ") == long and "…" not in labels[0]
        assert max(len(line) for line in labels[0].splitlines()) <= 16


def test_one_colour_per_protocol_by_name_everywhere():
    assert P.protocol_color("top_down") == P.PROTOCOL_COLORS["top_down"]
    assert P.protocol_color("top_down", 5) == P.protocol_color("top_down", 0), "not by position"
    assert set(P.PROTOCOL_COLORS) <= set(protocol_names()), "a colour for a protocol that does not exist"
    assert P.protocol_color("bottom_up") != P.protocol_color("top_down")


def test_plurals():
    assert P.plural(1, "round") == "1 round" and P.plural(2, "round") == "2 rounds"
    assert P.plural(0, "run") == "0 runs"
