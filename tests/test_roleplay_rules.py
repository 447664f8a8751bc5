"""Fitting the role-play to a slot: round budget, declared fallback decision, amendments, and the
session plan; hand-computable cases on a five-stakeholder table, then whole sessions."""

import json

import numpy as np
import pytest

from govsim import Group, Parameters, get_protocol
from govsim.protocols import Table, vote
from govsim.roleplay import Move, RolePlay
from govsim.roleplay import plan as plan_module
from govsim.roleplay.plan import (
    Fallback,
    SessionPlan,
    WithFallback,
    adoption_rule,
    with_fallback,
)
from govsim.scenarios import load_scenario

GOV, CS = Group.GOVERNMENT.code, Group.CIVIL_SOCIETY.code


def five(round_no: int, **params) -> Table:
    """One dimension, status quo 0.5: governments at 0.9, 0.8, 0.1, civil society at 0.2, 0.3;
    everyone attends, tolerance 0, salience 1. For the text y = 0.8 the gains |p - q| - |p - y| are
    +0.3, +0.3, -0.3 (governments) and -0.3, -0.3 (civil society)."""
    return Table(
        positions=np.array([[0.9], [0.8], [0.1], [0.2], [0.3]]),
        salience=np.ones((5, 1)),
        tolerance=np.zeros(5),
        capability=np.full(5, 0.5),
        group=np.array([GOV, GOV, GOV, CS, CS]),
        members=np.ones(5, dtype=bool),
        attending=np.ones(5, dtype=bool),
        status_quo=np.array([0.5]),
        initial_draft=np.array([0.8]),
        round=round_no,
        params=Parameters(rho=0.1, revision_step=0.1, **params),
    )


Y = np.array([0.8])


@pytest.mark.parametrize(
    ("fallback", "adopted", "objectors"),
    [
        ("status_quo", False, [2, 3, 4]),  # rough consensus: 3 of 5 object, no fallback vote
        ("government_vote", True, [2]),  # 2 of 3 governments gain: more than half adopt
        ("table_vote", False, [2, 3, 4]),  # 2 of 5 at the table gain: no majority
    ],
)
def test_fallback_decides_only_in_the_last_budgeted_round(fallback, adopted, objectors):
    rule = WithFallback("bottom_up", budget=3, fallback=fallback)
    before = rule.decide(five(2), Y)
    assert not before.adopted and list(np.flatnonzero(before.objecting)) == [2, 3, 4]
    last = rule.decide(five(3), Y)
    assert last.adopted is adopted
    assert list(np.flatnonzero(last.objecting)) == objectors


def majority(table, y, voters):
    """The fallback's vote: a simple majority, one vote each (govsim.protocols.vote)."""
    return vote(table, y, voters, 0.5, weighted=False)


def test_the_fallback_majority_is_more_than_half_and_a_tie_does_not_adopt():
    """One majority rule (govsim.protocols.passes): 1-1 and 5-5 ties do not adopt, 2 of 3 does."""
    table = five(1)
    one_of_three = np.array([True, False, True, True, False])  # 0.9 gains; 0.1 and 0.2 lose
    assert not majority(table, Y, one_of_three).adopted
    assert not majority(table, Y, np.array([True, False, True, False, False])).adopted  # 1-1
    assert majority(table, Y, np.array([True, True, True, False, False])).adopted  # 2 of 3
    assert not majority(table, Y, np.zeros(5, dtype=bool)).adopted
    ten = Table(  # 5 gain (at 0.9), 5 lose (at 0.1): a 5-5 tie
        positions=np.repeat([[0.9], [0.1]], 5, axis=0),
        salience=np.ones((10, 1)),
        tolerance=np.zeros(10),
        capability=np.full(10, 0.5),
        group=np.full(10, GOV),
        members=np.ones(10, dtype=bool),
        attending=np.ones(10, dtype=bool),
        status_quo=np.array([0.5]),
        initial_draft=None,
        round=1,
        params=Parameters(),
    )
    tie = majority(ten, Y, np.ones(10, dtype=bool))
    assert not tie.adopted and tie.objecting.sum() == 5
    assert "more than half" in Fallback.GOVERNMENT_VOTE.statement


@pytest.mark.parametrize("fallback", ["government_vote", "table_vote"])
@pytest.mark.parametrize("capability_vote", [0.0, 1.0])
def test_the_fallback_vote_is_the_protocols_vote_one_vote_each(monkeypatch, fallback, capability_vote):
    """One home for the vote count: the fallback asks govsim.protocols.vote (unweighted, even
    when the scenario weighs its government votes by capability)."""
    asked = []

    def spy(table, y, voters, threshold, weighted=True):
        asked.append((voters.copy(), threshold, weighted))
        return vote(table, y, voters, threshold, weighted)

    monkeypatch.setattr(plan_module, "vote", spy)
    table = five(3, capability_vote=capability_vote)
    table.capability[:] = [1.0, 0.0, 1.0, 1.0, 1.0]  # weighted, the 0.8 government would not count
    decision = with_fallback("bottom_up", 3, fallback).decide(table, Y)  # 3 of 5 object: no consensus
    voters = table.attending & (table.group == GOV) if fallback == "government_vote" else table.attending
    ((asked_voters, threshold, weighted),) = asked
    assert list(asked_voters) == list(voters) and threshold == 0.5 and weighted is False
    expected = vote(table, Y, voters, 0.5, weighted=False)
    assert decision.adopted is expected.adopted is (fallback == "government_vote")  # 2 of 3; 2 of 5
    assert list(decision.objecting) == list(expected.objecting)


@pytest.mark.parametrize("protocol", ["bottom_up", "top_down", "consult_then_ratify", "chambers", "regional"])
def test_the_announcement_says_how_a_text_is_adopted_from_the_parameters(protocol):
    """Finding 7 (role-play review): the rule sentence is the protocol's own, said from the
    parameters, and the announcement counts issues and rounds in words that agree."""
    setup = load_scenario("classroom")
    plan = SessionPlan(issues=1, budget=1)
    said = plan.announcement(setup, protocol)
    assert said.startswith("1 issue under") and "at most 1 round." in said
    assert adoption_rule(protocol, plan.scenario(setup)) in said
    other = setup.with_settings(
        {"rho": 0.25, "consensus_rounds": 3, "majority_threshold": 0.75, "min_chambers": 2}
    )
    changed = adoption_rule(protocol, other)
    expected = {
        "bottom_up": ["no more than 25% of those present object"],
        "top_down": ["for the first 3 rounds", "then at least 75%"],
        "consult_then_ratify": ["no more than 25%", "at least 75% must be no worse off"],
        "chambers": ["at least 2 chambers"],
        "regional": ["At the region_a table", "At the region_b table", "for the first 3 rounds"],
    }[protocol]
    for words in expected:
        assert words in changed, (words, changed)
    assert "issues under" in SessionPlan(issues=2, budget=3).announcement(setup, protocol)


def test_the_rule_sentences_say_what_the_decision_does():
    """A micro-check of the bottom_up sentence against rough_consensus on the five-stakeholder
    table: 1 of 5 objecting is 20%, more than rho = 10%, so not adopted; with rho = 20% the
    single objector's group (1 of 3 governments) is no majority, so it is adopted."""
    rule = get_protocol("bottom_up")
    table = five(1)
    table.tolerance = np.array([0, 0, 0, 1, 1.0])  # civil society tolerates the text
    assert "no more than 10%" in rule.rule(table.params) and not rule.decide(table, Y).adopted
    table.params = Parameters(rho=0.2)
    assert "no more than 20%" in rule.rule(table.params) and rule.decide(table, Y).adopted
    with_voice = Parameters(capability_voice=1.0)
    assert "weighs each member by capability" in rule.rule(with_voice)
    assert "capability" not in get_protocol("top_down").rule(with_voice)  # the median: one vote each


def test_amendments_reach_the_revision_through_the_wrapper():
    """With an amendment the chair moves toward it (A's ``revision_target``): objectors at 0.1,
    0.2 (civil society 0.2 amends to 0.6 instead, as do its other attending members 0.3):
    target = (0.1 + 0.6 + 0.6) / 3, y = 0.8 -> 0.8 + 0.1 (target - 0.8)."""
    rule = WithFallback("bottom_up", budget=5, fallback="status_quo")
    table = five(1)
    decision = rule.decide(table, Y)
    np.testing.assert_allclose(rule.revise(table, Y, decision), [0.74])
    table.amendments = {CS: np.array([0.6])}
    target = (0.1 + 0.6 + 0.6) / 3
    np.testing.assert_allclose(rule.revise(table, Y, decision), [0.8 + 0.1 * (target - 0.8)])


def test_wrapper_keeps_the_protocols_name_and_seats_and_wraps_regional_forums():
    rule = WithFallback("top_down", budget=2, fallback="government_vote")
    assert (rule.name, rule.governments_only, rule.lobbied) == ("top_down", True, True)
    setup = load_scenario("classroom")
    regional = with_fallback("regional", 4, "table_vote")
    tables = regional.tables(setup.regions, setup.regional_protocols)
    assert [(t.name, t.protocol.name, t.protocol.budget) for t in tables] == [
        ("region_a", "bottom_up", 4),
        ("region_b", "top_down", 4),
    ]
    assert all(isinstance(t.protocol, WithFallback) for t in tables)
    play = RolePlay("classroom", "regional", seed=1, plan=SessionPlan(issues=1, budget=3))
    play.play_to_end({team: "object" for team in play.teams})
    assert play.protocol == "regional" and len(play.history) <= 3


def everyone_objects(plan: SessionPlan, protocol: str = "bottom_up", seed: int = 1) -> RolePlay:
    play = RolePlay("classroom", protocol, seed=seed, plan=plan)
    play.play_to_end({team: "object" for team in play.teams})
    return play


def test_a_room_that_blocks_everything_ends_after_the_budget_with_no_agreement():
    play = everyone_objects(SessionPlan(issues=2, budget=4))
    assert play.finished and len(play.history) == 8
    outcomes = play.model.outcomes
    assert list(outcomes["rounds"]) == [4, 4] and not outcomes["adopted"].any()
    assert list(outcomes["ambition"]) == [0.0, 0.0]  # the status quo stays
    assert [r["round"] for r in play.history] == [1, 2, 3, 4, 1, 2, 3, 4]
    assert "If an issue is not agreed by round 4: no agreement: the status quo stays." in play.announcement


def test_a_vote_fallback_changes_only_the_last_round():
    """Same seed, same moves: the runs agree round by round until the budget's last round,
    so a vote fallback can only add adoptions."""
    quo = everyone_objects(SessionPlan(issues=3, budget=3))
    vote = everyone_objects(SessionPlan(issues=3, budget=3, fallback="government_vote"))
    a, b = quo.model.rounds, vote.model.rounds
    assert a.iloc[:2].equals(b.iloc[:2])
    assert vote.model.summary()["adoption_rate"] >= quo.model.summary()["adoption_rate"]
    assert vote.model.summary()["adoption_rate"] > 0


def test_the_plan_cuts_the_agenda_and_is_saved_and_loaded(tmp_path):
    plan = SessionPlan(issues=1, budget=5, fallback="table_vote", caucus_seconds=120)
    play = RolePlay("classroom", "bottom_up", teams=("business",), seed=2, plan=plan)
    assert [i.name for i in play.setup.agenda] == ["Cross-border data flows"]
    play.play_round({"business": "amend"}, {"business": [0.9, 0.4]})
    play.play_to_end()
    path = play.save(tmp_path / "room.json")
    saved = json.loads(path.read_text())
    assert saved["plan"] == plan.to_dict() and saved["moves"][0]["amendments"] == {"business": [0.9, 0.4]}
    again = RolePlay.load(path)
    assert again.plan == plan and again.model.summary() == play.model.summary()
    assert again.to_dict() == saved


def test_an_amendment_moves_the_text_and_is_replayed_exactly():
    def text_after(moves, amendments=None):
        play = RolePlay("classroom", "bottom_up", teams=("civil_society",), seed=3)
        play.play_round(moves, amendments)
        texts = play.model.texts_on_table()
        return play.model.rounds, texts[0].text if texts else None

    _, plain = text_after({"civil_society": "simulated"})
    _, amended = text_after({"civil_society": "amend"}, {"civil_society": [0.7, 1.0]})
    assert plain is not None and amended is not None and not np.allclose(plain, amended)
    # the chair moved toward the amendment: closer to (0.7, 1.0) than the plain revision
    target = np.array([0.7, 1.0])
    assert np.abs(amended - target).sum() < np.abs(plain - target).sum()


@pytest.mark.parametrize(
    ("moves", "amendments", "message"),
    [
        ({"civil_society": "amend"}, {}, "amendments.civil_society is missing"),
        ({"civil_society": "hold"}, {"civil_society": [0.1, 0.2]}, "did not play amend"),
        ({"civil_society": "amend"}, {"civil_society": [0.1]}, "must be 2 numbers in [0, 1]"),
        ({"civil_society": "amend"}, {"civil_society": [0.1, 1.5]}, "must be 2 numbers in [0, 1]"),
        ({"civil_society": "amend"}, {"civil_society": "0.1,0.2"}, "must be 2 numbers in [0, 1]"),
        ({"civil_society": "amend"}, {"civil_society": [0.1, float("nan")]}, "must be 2 numbers"),
    ],
)
def test_bad_amendments_are_one_line_and_change_nothing(moves, amendments, message):
    play = RolePlay("classroom", "bottom_up", teams=("civil_society",), seed=1)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")) as info:
        play.play_round(moves, amendments)
    assert "\n" not in str(info.value) and play.history == [] and len(play.model.rounds) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"issues": 0}, r"issues=0 is out of range \(allowed: a whole number in \[1, 2000\]\)"),
        ({"budget": 2.5}, "budget=2.5 is not a whole number"),
        ({"fallback": "coin_toss"}, "fallback='coin_toss' is not a fallback"),
        ({"caucus_seconds": -1}, "caucus_seconds=-1"),
    ],
)
def test_bad_plans_are_one_line(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SessionPlan(**kwargs)


def test_more_issues_than_the_agenda_is_refused():
    with pytest.raises(ValueError, match=r"issues=3 is more than the 1 issues on the agenda of 'wcit_2012'"):
        RolePlay("wcit_2012", plan=SessionPlan(issues=3))
    with pytest.raises(ValueError, match=r"plan.budget=0"):
        SessionPlan.from_dict({"budget": 0})
    with pytest.raises(ValueError, match=r"plan.rounds is not a plan field"):
        SessionPlan.from_dict({"rounds": 3})


def test_version_1_files_still_load():
    play = RolePlay(teams=("civil_society",), seed=1)
    play.play_round({"civil_society": "hold"})
    data = play.to_dict()
    data["version"] = 1
    del data["plan"]
    assert RolePlay.from_dict(data).model.rounds.equals(play.model.rounds)


def test_default_plan_is_the_plain_model():
    assert SessionPlan().scenario(load_scenario("classroom")) == load_scenario("classroom")
    assert Fallback.parse("status_quo") is Fallback.STATUS_QUO
    assert get_protocol("bottom_up").name == WithFallback("bottom_up", 60, "status_quo").name
    assert Move.parse("amend") is Move.AMEND


def test_teams_default_to_the_groups_with_stakeholders_and_empty_groups_are_refused():
    """An actor table may seat only governments (Bueno de Mesquita's EU example)."""
    play = RolePlay("eu_emissions_1994", seed=1, plan=SessionPlan(budget=3))
    assert play.teams == ("government",)
    play.play_round({"government": "amend"}, {"government": [0.7]})
    play.play_to_end()
    assert play.finished and len(play.history) <= 3
    with pytest.raises(ValueError, match="'business' has no stakeholders in scenario 'eu_emissions_1994'"):
        RolePlay("eu_emissions_1994", teams=("government", "business"))
    assert RolePlay("classroom").teams == ("government", "business", "civil_society", "technical")
