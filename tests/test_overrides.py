"""Declared one-round overrides and the model's public interface, on hand-computable rooms.

Every override reaches what it declares (attendance, persuadability, the decision's tolerance,
capability, concessions, amendments) for one round only, and nothing else.
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim import GovernanceModel, RoundOverrides, get_protocol
from govsim.groups import Group
from govsim.metrics import gain, weighted_share
from govsim.protocols import Decision, revision_target

from helpers import exact_groups_scenario, table

G, B, C, T = "government", "business", "civil_society", "technical"
ROOM = {G: [0.2, 0.5, 0.9], B: [0.7, 0.8], C: [0.1, 0.3]}


def room(**params):
    """Stakeholders fixed at ROOM (no talk moves anyone: mu = 0), issue status quo 0.1."""
    return exact_groups_scenario(ROOM, status_quo=0.1, draft=0.6, mu=0.0, **params)


def rows(model, group):
    return model.group == Group.parse(group).code


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"attendance": {C: 1.5}},
            "RoundOverrides.attendance['civil_society']=1.5 is out of range (allowed: a number in [0, 1])",
        ),
        (
            {"attendance": {"press": 1.0}},
            "RoundOverrides.attendance: unknown group 'press' (allowed: government",
        ),
        ({"persuadable": {C: "no"}}, "RoundOverrides.persuadable['civil_society']='no' is not true or false"),
        ({"tolerance": {B: -0.1}}, "RoundOverrides.tolerance['business']=-0.1 is out of range"),
        ({"capability": {B: "x2"}}, "RoundOverrides.capability['business']='x2' is not a number"),
        ({"concede": {T: float("nan")}}, "RoundOverrides.concede['technical']=nan is not a finite number"),
        ({"amendments": {C: "0.5"}}, "RoundOverrides.amendments['civil_society']='0.5' is not a text point"),
        (
            {"amendments": {C: [0.5, 1.2]}},
            "RoundOverrides.amendments['civil_society'][1]=1.2 is out of range",
        ),
        ({"attendance": [C]}, "RoundOverrides.attendance=['civil_society'] is not a mapping"),
    ],
)
def test_bad_overrides_are_one_line_naming_field_value_and_allowed(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        RoundOverrides(**kwargs)
    assert "\n" not in str(info.value)


def test_group_names_are_normalised_and_the_record_is_frozen():
    o = RoundOverrides(attendance={"Civil_Society": 1}, amendments={G: (0.4,)})
    assert o.attendance == {C: 1.0} and o.amendments == {G: (0.4,)} and bool(o)
    assert not RoundOverrides()
    with pytest.raises(AttributeError):
        o.attendance = {}


def test_an_amendment_must_have_one_value_per_dimension_and_leaves_the_model_unchanged():
    model = GovernanceModel("classroom", rng=1)
    with pytest.raises(
        ValueError, match=r"amendments\['business'\] has 1 values; the scenario has 2 dimensions"
    ):
        model.play_round(RoundOverrides(amendments={B: [0.5]}))
    with pytest.raises(TypeError, match="overrides must be a RoundOverrides"):
        model.play_round({"attendance": {B: 1.0}})
    with pytest.raises(
        TypeError, match=r"model.step\(\) takes no arguments: .* model.play_round\(overrides\)"
    ):
        model.step(RoundOverrides(attendance={B: 1.0}))
    assert len(model.rounds) == 0 and model.current_issue.round == 0


# ------------------------------------------------------------------ each override's reach
def test_attendance_override_is_the_chance_of_attending_this_round_only():
    model = GovernanceModel(room(), protocol="bottom_up", rng=0)
    model.play_round(RoundOverrides(attendance={C: 0.0, B: 1.0}))
    assert not model.attending[rows(model, C)].any() and model.attending[rows(model, B)].all()
    model.step()  # capacity 1 in this room: everyone attends again
    assert model.attending[rows(model, C)].all()


def test_persuadable_false_keeps_the_group_where_it_is_in_exchanges():
    scenario = exact_groups_scenario({B: [0.4, 0.45, 0.5, 0.55]}, status_quo=0.0, mu=0.5)
    held = GovernanceModel(scenario, protocol="bottom_up", rng=3)
    held.play_round(RoundOverrides(persuadable={B: False}))
    np.testing.assert_array_equal(held.positions, held.x0)
    free = GovernanceModel(scenario, protocol="bottom_up", rng=3)
    free.step()
    assert not np.array_equal(free.positions, free.x0)


def test_tolerance_override_changes_the_decision_but_not_compliance():
    # the text 0.6 against the status quo 0.1: gain -|p - 0.6| + |p - 0.1| is -0.3 for the
    # government at 0.2, -0.5 and -0.1 for civil society at 0.1 and 0.3, >= 0.3 for the others.
    # With tolerance 1.0 for both groups nobody objects and the room adopts at once
    model = GovernanceModel(room(rho=0.0), protocol="bottom_up", rng=0, voice_bonus=0.0)
    model.play_round(RoundOverrides(tolerance={C: 1.0, G: 1.0}))
    (issue,) = model.closed_issues
    assert issue.adopted and issue.rounds == 1
    # measured with the real tolerance 0.05: those three do not comply
    assert issue.record["compliance"] == pytest.approx(4 / 7)
    plain = GovernanceModel(room(rho=0.0), protocol="bottom_up", rng=0)
    plain.step()
    assert not plain.closed_issues  # without the override civil society objects: no adoption


def test_capability_override_is_a_multiplier_capped_at_one_for_the_compromise():
    # no initiating draft: the first text is the voice-weighted mean, voice = (1 - v) + v c
    scenario = exact_groups_scenario({B: [0.0], C: [1.0]}, status_quo=0.5, mu=0.0, capability_voice=1.0)
    model = GovernanceModel(scenario, protocol="bottom_up", rng=0)
    c_b, c_c = model.population.capability
    model.play_round(RoundOverrides(capability={B: 3.0}))
    boosted = min(1.0, 3.0 * c_b)
    assert model.current_issue.proposals["all"][0] == pytest.approx(c_c / (boosted + c_c))
    np.testing.assert_array_equal(model.population.capability, [c_b, c_c])


def test_amendments_pull_the_revision_hand_computed():
    """Objectors at 0.0 and 0.2, the technical community (at 1.0) amends to 0.5, text 1.0,
    alpha = 0.2: target (0.0 + 0.2 + 0.5) / 3 = 0.2333, revised text 0.84667."""
    t = table([[0.0], [0.2], [1.0]], [B, C, T], status_quo=0.0)
    proto = get_protocol("bottom_up")
    y = np.array([1.0])
    decision = proto.decide(t, y)
    assert decision.objecting.tolist() == [True, True, False]
    t.amendments = {Group.TECHNICAL.code: np.array([0.5])}
    np.testing.assert_allclose(revision_target(t, decision), [0.7 / 3])
    np.testing.assert_allclose(proto.revise(t, y, decision), [1.0 + 0.2 * (0.7 / 3 - 1.0)])
    # an objecting group that amends speaks through its amendment, not its own position
    t.amendments = {Group.CIVIL_SOCIETY.code: np.array([0.6])}
    np.testing.assert_allclose(revision_target(t, decision), [(0.0 + 0.6) / 2])
    # a group with nobody at the table tables nothing; without objectors nothing pulls
    t.attending = np.array([True, True, False])
    t.amendments = {Group.TECHNICAL.code: np.array([0.5])}
    np.testing.assert_allclose(revision_target(t, decision), [0.1])
    assert revision_target(t, Decision(False, np.zeros(3, bool), t.attending)) is None


def test_amendments_reach_the_next_round_text_through_the_model():
    model = GovernanceModel(room(), protocol="bottom_up", rng=0)
    model.play_round(RoundOverrides(amendments={C: [0.0]}))
    amended = model.texts_on_table()[0].text
    plain = GovernanceModel(room(), protocol="bottom_up", rng=0)
    plain.step()
    assert amended[0] < plain.texts_on_table()[0].text[0]


def test_concede_moves_toward_the_text_for_good():
    model = GovernanceModel(room(), protocol="bottom_up", rng=0)
    model.play_round(RoundOverrides(concede={C: 0.5}))  # text: the initiating draft 0.6
    np.testing.assert_allclose(np.sort(model.positions[rows(model, C), 0]), [0.35, 0.45])
    model.step()
    np.testing.assert_allclose(np.sort(model.positions[rows(model, C), 0]), [0.35, 0.45])


# ------------------------------------------------------------------ the public views
def test_public_views_follow_an_issue_and_are_copies():
    model = GovernanceModel(room(), protocol="bottom_up", rng=0, max_rounds=3)
    issue = model.current_issue
    assert (issue.index, issue.name, issue.round, issue.proposals) == (0, "micro", 0, {})
    assert issue.status_quo.tolist() == [0.1] and issue.initial_draft.tolist() == [0.6]
    (text,) = model.texts_on_table()
    assert text.text.tolist() == [0.6] and text.members.all()
    gains = model.gains_if_adopted()
    # u(y) - u(q) = -|p - 0.6| + |p - 0.1| for each government at 0.2, 0.5, 0.9
    assert gains[G] == pytest.approx(np.mean([-0.4 + 0.1, -0.1 + 0.4, -0.3 + 0.8]))
    assert np.isnan(gains[T])
    snap = model.snapshot()
    assert (snap.issue, snap.round) == (None, 0) and not snap.attending.any()
    with pytest.raises(ValueError):
        snap.positions[0, 0] = 1.0
    model.step()
    snap = model.snapshot()
    assert (snap.issue, snap.round) == (0, 1) and snap.attending.all()
    p = snap.positions[:, 0]
    np.testing.assert_array_equal(snap.objecting, -np.abs(p - 0.6) + np.abs(p - 0.1) < -0.05)
    assert snap.objecting.sum() == 3
    assert model.current_issue.round == 1
    model.run()
    assert model.current_issue is None and model.texts_on_table() == [] and model.gains_if_adopted() == {}
    (closed,) = model.closed_issues
    assert closed.index == 0 and closed.rounds == model.outcomes["rounds"].iloc[0]
    np.testing.assert_allclose(closed.regional_outcomes["all"], closed.outcome)


def test_the_real_traits_are_read_only():
    model = GovernanceModel("classroom", rng=0)
    with pytest.raises(ValueError, match="read-only"):
        model.tolerance[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        model.population.capability[:] = 1.0


# ------------------------------------------------------------------ properties
GROUPS = st.sampled_from([G, B, C, T])
overrides_strategy = st.builds(
    RoundOverrides,
    attendance=st.dictionaries(GROUPS, st.floats(0, 1), max_size=2),
    persuadable=st.dictionaries(GROUPS, st.booleans(), max_size=2),
    tolerance=st.dictionaries(GROUPS, st.floats(0, 1), max_size=2),
    capability=st.dictionaries(GROUPS, st.floats(0, 5), max_size=2),
    concede=st.dictionaries(GROUPS, st.floats(0, 1), max_size=1),
    amendments=st.dictionaries(GROUPS, st.tuples(st.floats(0, 1), st.floats(0, 1)), max_size=1),
)


def test_empty_overrides_change_nothing():
    plain = GovernanceModel("classroom", protocol="chambers", rng=5).run()
    model = GovernanceModel("classroom", protocol="chambers", rng=5)
    while model.running:
        model.play_round(RoundOverrides())
    assert model.rounds.equals(plain.rounds) and model.outcomes.equals(plain.outcomes)


@settings(max_examples=15)
@given(overrides_strategy, st.sampled_from(["bottom_up", "top_down", "chambers"]), st.integers(0, 1000))
def test_no_override_reaches_compliance_or_noncompliance(overrides, protocol, seed):
    """Whatever is overridden every round, each adopted issue is measured with the real traits."""
    model = GovernanceModel("classroom", protocol=protocol, rng=seed, voice_bonus=0.0, max_rounds=8)
    real = model.population
    while model.running:
        closed = len(model.closed_issues)
        model.play_round(overrides)
        if len(model.closed_issues) > closed and model.closed_issues[-1].adopted:
            issue = model.closed_issues[-1]
            q = np.asarray(model.setup.agenda[issue.index].status_quo, dtype=float)
            comply = gain(model.snapshot().positions, real.salience, issue.outcome, q) >= -real.tolerance
            assert issue.record["compliance"] == pytest.approx(comply.mean(), abs=1e-12)
            assert issue.record["noncompliance"] == pytest.approx(
                weighted_share(~comply, real.capability), abs=1e-12
            )
