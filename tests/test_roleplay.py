"""The role-play: moves as one-round overrides (never measured into the outcome), a whole session
driven through the panel headless, JSON round trip, and bad files rejected with one line."""

import json
import re

import numpy as np
import pytest

from govsim import GovernanceModel, Group, RoundOverrides
from govsim.metrics import gain, weighted_share
from govsim.roleplay import CONCEDE_SHARE, MOVE_OVERRIDES, Move, RolePlay, move_overrides
from govsim.roleplay.panel import build_roleplay_panel

from helpers import exact_groups_scenario


def test_all_simulated_seats_reproduce_the_plain_model():
    play = RolePlay("classroom", "bottom_up", seed=4)
    play.play_to_end()
    assert play.model.summary() == GovernanceModel("classroom", protocol="bottom_up", rng=4).run().summary()
    assert len(play.history) == len(play.model.rounds)


def test_moves_leave_the_real_traits_alone_and_concessions_stay():
    play = RolePlay("classroom", "top_down", teams=("civil_society", "business"), seed=2)
    real = {name: getattr(play.model.population, name).copy() for name in ("tolerance", "capability")}
    play.play_round({"civil_society": "stay_away", "business": "lobby"})
    assert play.model.rounds["attendance_civil_society"].iloc[-1] == 0
    for name, values in real.items():
        np.testing.assert_array_equal(getattr(play.model.population, name), values)
    # a concession moves the group toward the text on the table (here the initiating draft) for good
    scenario = exact_groups_scenario(
        {"government": [0.2, 0.5], "civil_society": [0.0, 0.4]}, status_quo=0.1, draft=0.6, mu=0.0
    )
    model = GovernanceModel(scenario, protocol="bottom_up", rng=0, transparency=0.0)
    rows = model.group == Group.CIVIL_SOCIETY.code
    (text,) = model.texts_on_table()
    model.play_round(move_overrides({"civil_society": Move.CONCEDE}))
    np.testing.assert_allclose(
        model.positions[rows, 0], [0.0 + CONCEDE_SHARE * 0.6, 0.4 + CONCEDE_SHARE * 0.2]
    )
    assert text.text.tolist() == [0.6] and text.forum == "all"


def test_each_move_is_a_declared_override():
    assert move_overrides({"civil_society": Move.SIMULATED}) == RoundOverrides()
    assert move_overrides({"civil_society": "object", "business": Move.STAY_AWAY}) == RoundOverrides(
        attendance={"civil_society": 1.0, "business": 0.0},
        tolerance={"civil_society": 0.0},
        persuadable={"civil_society": False},
    )
    assert set(MOVE_OVERRIDES) == set(Move)


def _measured_with_real_traits(model, issue):
    """Compliance and non-compliance of a just-closed, adopted one-table issue, recomputed from the
    public interface with the real traits (voice_bonus = 0, so who was heard does not matter)."""
    real, snap = model.population, model.snapshot()
    q = np.asarray(model.setup.agenda[issue.index].status_quo, dtype=float)
    comply = gain(snap.positions, real.salience, issue.outcome, q) >= -real.tolerance
    return float(comply.mean()), weighted_share(~comply, real.capability)


@pytest.mark.parametrize("protocol", ["bottom_up", "top_down"])
@pytest.mark.parametrize("team", ["civil_society", "government"])
@pytest.mark.parametrize("move", list(Move))
def test_a_move_in_a_closing_round_never_changes_how_the_outcome_is_measured(protocol, team, move):
    """Issue 10: a one-round move must not leak into compliance or non-compliance. The team plays
    ``move`` in every round, so every closing round is played under it; each adopted issue's
    measures must equal those computed with the group's real traits."""
    model = GovernanceModel("classroom", protocol=protocol, rng=0, voice_bonus=0.0)
    overrides = move_overrides({team: move})
    checked = 0
    while model.running:
        closed = len(model.closed_issues)
        model.play_round(overrides)
        if len(model.closed_issues) > closed and model.closed_issues[-1].adopted:
            issue = model.closed_issues[-1]
            compliance, noncompliance = _measured_with_real_traits(model, issue)
            assert issue.record["compliance"] == pytest.approx(compliance, abs=1e-12)
            assert issue.record["noncompliance"] == pytest.approx(noncompliance, abs=1e-12)
            checked += 1
    if protocol == "top_down" and team == "government" and move is Move.STAY_AWAY:
        assert model.summary()["adoption_rate"] == 0  # no government votes: nothing is adopted
    else:
        assert checked >= 3


def test_the_leak_test_would_catch_the_old_array_edit():
    """Under ``object`` the old role-play read the team's tolerance as 0 in its own compliance
    test; that measure differs from the real one on at least one issue of this session."""
    model = GovernanceModel("classroom", protocol="top_down", rng=0, voice_bonus=0.0)
    overrides = move_overrides({"civil_society": Move.OBJECT})
    rows = model.group == Group.CIVIL_SOCIETY.code
    differs = []
    while model.running:
        closed = len(model.closed_issues)
        model.play_round(overrides)
        if len(model.closed_issues) > closed:
            issue = model.closed_issues[-1]
            q = np.asarray(model.setup.agenda[issue.index].status_quo, dtype=float)
            leaked = np.where(rows, 0.0, model.population.tolerance)
            g = gain(model.snapshot().positions, model.population.salience, issue.outcome, q)
            differs.append(float((g >= -leaked).mean()) != issue.record["compliance"])
    assert any(differs)


def test_moves_are_validated_with_one_line():
    play = RolePlay(teams=("civil_society",))
    with pytest.raises(ValueError, match=r"moves.civil_society='shout' is not a move \(allowed: simulated"):
        play.play_round({"civil_society": "shout"})
    with pytest.raises(ValueError, match="'business': not a team in the room"):
        play.play_round({"business": "hold"})
    with pytest.raises(ValueError, match="scenario='atlantis' is not known"):
        RolePlay("atlantis")


def test_panel_drives_a_whole_session_then_round_trips_json(tmp_path):
    panel = build_roleplay_panel(
        protocol="top_down", teams=["civil_society", "government"], compare_seeds=[1, 2]
    )
    assert set(panel.moves) == {"civil_society", "government"}
    assert "govsim-rp-move-civil-society" in panel.moves["civil_society"]._dom_classes
    panel.results_button.click()
    assert "not finished" in panel.error
    panel.moves["civil_society"].value = "object"
    panel.moves["government"].value = "concede"
    panel.next_button.click()
    assert panel.play.history[-1]["moves"] == {"civil_society": "object", "government": "concede"}
    assert "round 2" in panel.status.value or "Issue 2" in panel.status.value
    panel.moves["civil_society"].value = "lobby"
    panel.next_button.click()
    panel.finish_button.click()  # the remaining rounds with the moves as set
    assert panel.play.finished and panel.play.history[-1]["moves"]["civil_society"] == "lobby"
    assert panel.error is None
    panel.results_button.click()
    assert panel.error is None
    sides = panel.comparison["protocol"].tolist()
    assert sides.count("your room") == 1 and sides.count("all simulated") == 2
    assert "image/png" in panel.output.outputs[-1]["data"]

    path = tmp_path / "room.json"
    panel.path.value = str(path)
    panel.save_button.click()
    saved = json.loads(path.read_text())
    assert saved["moves"][0]["moves"]["civil_society"] == "object"
    again = build_roleplay_panel(compare_seeds=[1])
    again.path.value = str(path)
    again.load_button.click()
    assert again.error is None
    assert again.play.model.summary() == panel.play.model.summary()
    assert again.protocol.value == "top_down" and set(again.moves) == {"civil_society", "government"}
    assert again.play.to_dict()["outcome"] == saved["outcome"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="csv"), "format='csv' is not a role-play file"),
        (lambda d: d.pop("seed"), "seed is missing"),
        (
            lambda d: d.update(seed="one"),
            "seed='one' has the wrong type (expected a whole number of 0 or more)",
        ),
        (lambda d: d.update(scenario="atlantis"), "scenario='atlantis' is not known"),
        (lambda d: d.update(teams=["press"]), "unknown group 'press'"),
        (
            lambda d: d["moves"][0]["moves"].update(civil_society="riot"),
            "moves[0].moves.civil_society='riot'",
        ),
        (lambda d: d["moves"].extend([{"moves": d["moves"][0]["moves"]}] * 200), "already finished"),
        (lambda d: d["moves"].extend(d["moves"]), "moves[1].round=1 is not the round replayed (round 2)"),
        (lambda d: d.pop("outcome"), "outcome is missing"),
        (
            lambda d: d["outcome"]["summary"].update(stakeholders=99),
            "outcome.summary.stakeholders=99 differs from the replayed 40",
        ),
    ],
)
def test_bad_files_are_rejected_with_one_line(tmp_path, edit, message):
    play = RolePlay(teams=("civil_society",), seed=1)
    play.play_round({"civil_society": "hold"})
    data = play.to_dict()
    edit(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        RolePlay.load(path)
    assert "\n" not in str(info.value)


def test_numpy_seeds_are_whole_numbers():
    play = RolePlay(teams=("civil_society",), seed=np.int64(1))
    assert play.seed == 1 and type(play.seed) is int
    with pytest.raises(ValueError, match="seed=True is not a whole number"):
        RolePlay(seed=True)


def test_not_json_is_one_line(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        RolePlay.load(path)
    panel = build_roleplay_panel(compare_seeds=[1])
    panel.path.value = str(path)
    panel.load_button.click()
    assert "not valid JSON" in str(panel.output.outputs[-1]["data"])


def test_fixed_strategies_table():
    from govsim.roleplay import fixed_strategies

    table = fixed_strategies(protocol="bottom_up", moves=("simulated", "stay_away"), seeds=[0, 1])
    assert list(table["move"]) == ["simulated", "simulated", "stay_away", "stay_away"]
    assert (table.loc[table["move"] == "stay_away", "mean_participation_civil_society"] == 0).all()
    plain = GovernanceModel("classroom", protocol="bottom_up", rng=1).run().summary()
    assert table.iloc[1]["mean_rounds"] == plain["mean_rounds"]
