"""The role-play: moves as array edits, a whole session driven through the panel headless,
JSON round trip, and bad files rejected with one line naming the field."""

import json
import re

import numpy as np
import pytest

from govsim import GovernanceModel, Group
from govsim.roleplay import CONCEDE_SHARE, Move, RolePlay, apply_move
from govsim.roleplay_panel import build_roleplay_panel


def test_all_simulated_seats_reproduce_the_plain_model():
    play = RolePlay("classroom", "bottom_up", seed=4)
    play.play_to_end()
    assert play.model.summary() == GovernanceModel("classroom", protocol="bottom_up", rng=4).run().summary()
    assert len(play.history) == len(play.model.rounds)


def test_one_round_edits_are_undone_and_concessions_stay():
    play = RolePlay("classroom", "top_down", teams=("civil_society", "business"), seed=2)
    before = {name: getattr(play.model, name).copy() for name in ("tolerance", "capacity_eff", "capability")}
    play.play_round({"civil_society": "stay_away", "business": "lobby"})
    assert play.model.rounds["attendance_civil_society"].iloc[-1] == 0
    for name, values in before.items():
        np.testing.assert_array_equal(getattr(play.model, name), values)
    model = GovernanceModel("classroom", protocol="top_down", rng=2)
    model.step()
    rows = model.group == Group.CIVIL_SOCIETY.code
    (text, _), *_ = [(f.draft, f.members) for f in model.forums]
    start = model.positions[rows].copy()
    apply_move(model, Group.CIVIL_SOCIETY, Move.CONCEDE)
    np.testing.assert_allclose(model.positions[rows], start + CONCEDE_SHARE * (text - start))


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
        (lambda d: d.update(seed="one"), "seed='one' has the wrong type (expected int)"),
        (lambda d: d.update(scenario="atlantis"), "scenario='atlantis' is not known"),
        (lambda d: d.update(teams=["press"]), "unknown group 'press'"),
        (
            lambda d: d["moves"][0]["moves"].update(civil_society="riot"),
            "moves[0].moves.civil_society='riot'",
        ),
        (lambda d: d["moves"].extend(d["moves"] * 200), "already finished"),
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
