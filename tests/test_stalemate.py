"""One stalemate / no-progress rule for every protocol (issue 21's independent try, items 11-14).

A protocol that cannot move stops with the reason instead of revising to ``max_rounds``; a
stalemate verdict does not depend on who happened to attend; a text equal to the status quo is
"no change" under every protocol, never an adoption.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim import GovernanceModel
from govsim.model import NO_CHANGE, _no_progress
from govsim.params import Parameters
from govsim.protocols import Table, get_protocol
from govsim.scenarios import parse_scenario

PROTOCOLS = ("top_down", "bottom_up", "consult_then_ratify", "chambers")


def _actor(name, group, position, **traits):
    return {
        "name": name,
        "group": group,
        "capability": traits.pop("capability", 1.0),
        "position": list(position),
        "salience": [1.0] * len(position),
        "capacity": 1.0,
        **traits,
    }


def _scenario(actors, status_quo, dimensions=("a",)):
    return parse_scenario(
        {
            "name": "stuck",
            "dimensions": list(dimensions),
            "groups": {"government": {"count": 0}},
            "actors": actors,
            "agenda": [{"name": "issue", "status_quo": list(status_quo)}],
        }
    )


def _blocking_groups():
    """The tester's block1d: governments G1, G2 at 1.0, civil society C1, C2 at 0.0, tolerance 0,
    status quo 0.5: any move toward one side is worse for the other, so each revision draws the
    other side's objections and the text swings around 0.5."""
    return _scenario(
        [_actor(f"G{i}", "government", [1.0], tolerance=0.0) for i in (1, 2)]
        + [_actor(f"C{i}", "civil_society", [0.0], tolerance=0.0, capability=0.5) for i in (1, 2)],
        [0.5],
    )


@pytest.mark.parametrize("protocol", ["bottom_up", "consult_then_ratify", "chambers"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_group_that_blocks_stops_with_the_reason_under_every_protocol(protocol, seed):
    """Before: bottom_up, consult_then_ratify and chambers all revised to the round cap (60)
    with no reason; the stalemate test covered government votes only."""
    model = GovernanceModel(_blocking_groups(), protocol=protocol, rng=seed).run()
    closed = model.closed_issues[0]
    assert not closed.adopted
    assert closed.rounds < model.params.max_rounds
    assert "no progress" in closed.stopped or "no text can pass" in closed.stopped


def test_a_two_dimensional_issue_that_cycles_stops_with_the_reason():
    """The tester's stuck2d: three governments at [0.5, 0.5], two business at [1, 1], status quo
    [0.5, 0.5], consult_then_ratify: the governments' vote rejects every move, the consultation
    pulls toward business; the vote test made no claim on a 2-D issue, so it cycled to 60."""
    scenario = _scenario(
        [_actor(f"G{i}", "government", [0.5, 0.5]) for i in (1, 2, 3)]
        + [_actor(f"B{i}", "business", [1.0, 1.0]) for i in (1, 2)],
        [0.5, 0.5],
        ("a", "b"),
    )
    model = GovernanceModel(scenario, protocol="consult_then_ratify", rng=0).run()
    closed = model.closed_issues[0]
    assert not closed.adopted and closed.rounds < model.params.max_rounds
    assert "no progress" in closed.stopped


@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=8),
    st.floats(0, 1),
    st.floats(2e-3, 0.5),
)
@settings(max_examples=60, deadline=None)
def test_no_progress_is_said_exactly_when_the_revision_returns_to_a_tried_text(tried, start, step):
    """A text moving away from every text tried (by more than 1e-3) is progress; a text within
    1e-3 of one tried is not."""
    tried_arrays = [np.array([t]) for t in tried]
    far = np.array([max(tried) + step]) if max(tried) + step <= 1.5 else np.array([min(tried) - step])
    assert _no_progress(tried_arrays, far) == ""
    assert "no progress" in _no_progress(tried_arrays, np.array([tried[0] + 5e-4]))
    assert _no_progress([], np.array([start])) == ""


def _table(positions, attending, status_quo, rnd=10):
    n = len(positions)
    return Table(
        positions=np.array(positions, dtype=float)[:, None],
        salience=np.ones((n, 1)),
        tolerance=np.zeros(n),
        capability=np.ones(n),
        group=np.zeros(n, dtype=int),
        members=np.ones(n, dtype=bool),
        attending=np.array(attending, dtype=bool),
        status_quo=np.array([status_quo]),
        initial_draft=None,
        round=rnd,
        params=Parameters(),
        decides=np.array([0]),
    )


def test_a_top_down_stalemate_holds_for_every_member_not_only_those_who_attended():
    """COP21's mrv under top_down, seed 0: 8 of 15 parties sit above the status quo 50, yet the
    run stopped as "no text can pass ... the status quo is their median" because the three
    governments present three rounds in a row had their median at 50. Here five members at
    0.2, 0.5, 0.7, 0.8, 0.9 (median 0.7), status quo 0.5; only the first three attend (median
    0.5): no stalemate, as the members' vote can pass a move up."""
    top_down = get_protocol("top_down")
    present = _table([0.2, 0.5, 0.7, 0.8, 0.9], [1, 1, 1, 0, 0], 0.5)
    assert top_down.stalemate(present) == ""
    everyone_at_q = _table([0.2, 0.4, 0.5, 0.6, 0.8], [1, 1, 1, 0, 0], 0.5)
    assert "no text can pass" in top_down.stalemate(everyone_at_q)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_text_equal_to_the_status_quo_is_no_change_under_every_protocol(protocol):
    """Governments at 0.2, 0.5, 0.8 and two of every other group at 0.3 and 0.7, status quo 0.5:
    the median and every compromise are the status quo. Before, top_down reported "adopted yes"
    in round 1 at exactly the status quo (COP21's differentiation, finance_vol, ld) while
    consult_then_ratify reported a stalemate."""
    actors = [_actor(f"G{i}", "government", [p]) for i, p in enumerate((0.2, 0.5, 0.8))]
    for group in ("business", "civil_society", "technical"):
        actors += [_actor(f"{group}{i}", group, [p]) for i, p in enumerate((0.3, 0.7))]
    model = GovernanceModel(_scenario(actors, [0.5]), protocol=protocol, rng=0, mu=0.0, lobbying=0.0).run()
    closed = model.closed_issues[0]
    assert not closed.adopted
    assert closed.stopped.startswith(("no change", "no text can pass", "no progress"))
    assert model.summary()["adoption_rate"] == 0.0


def test_no_change_is_said_in_the_stopped_reason():
    assert NO_CHANGE.startswith("no change")
