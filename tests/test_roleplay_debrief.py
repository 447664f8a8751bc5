"""The debrief and the projector view: percentiles by hand, the room against all-simulated runs
of the same plan, the landscape's axes, a printable sheet with the room's numbers, figures at
>= 100 dpi with whole-number round ticks; and the hot-seat panel's new parts (plan, amend,
caucus countdown, status that stays true, printable cards and sheet)."""

import html
import re

import numpy as np
import pytest

from govsim.roleplay import RolePlay
from govsim.roleplay.debrief import (
    debrief,
    debrief_sheet_html,
    landscape_axes,
    percentile,
    projector_figure,
)
from govsim.roleplay.panel import build_roleplay_panel
from govsim.roleplay.plan import SessionPlan


@pytest.mark.parametrize(
    ("value", "sample", "expected"),
    [
        (2.0, [1.0, 2.0, 3.0, 4.0], 37.5),  # 1 below, 1 tie: (1 + 0.5) / 4
        (5.0, [1.0, 2.0, 3.0, 4.0], 100.0),
        (0.0, [1.0, 2.0], 0.0),
        (1.0, [1.0, 1.0], 50.0),
        (1.0, [float("nan"), 0.0], 100.0),  # NaNs left out
    ],
)
def test_percentile_by_hand(value, sample, expected):
    assert percentile(value, sample) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan():
    assert np.isnan(percentile(1.0, [])) and np.isnan(percentile(float("nan"), [1.0]))


@pytest.fixture(scope="module")
def finished():
    play = RolePlay(
        "classroom", "bottom_up", seed=2, plan=SessionPlan(issues=2, budget=3, fallback="table_vote")
    )
    play.play_round({"civil_society": "amend"}, {"civil_society": [0.7, 0.9]})
    play.play_to_end({"business": "lobby"})
    return play


def test_the_room_is_set_against_runs_of_the_same_plan(finished):
    d = debrief(finished, seeds=range(6))
    assert list(d.standing["team"]) == list(finished.teams) and len(d.simulated) == 6
    assert (d.simulated["mean_rounds"] <= 3).all()  # the simulated runs had the same budget
    row = d.standing.set_index("team").loc["business"]
    sample = d.simulated["mean_gain_business"].to_numpy()
    assert row["percentile"] == percentile(finished.model.summary()["mean_gain_business"], sample)
    assert row["simulated_min"] <= row["simulated_mean"] <= row["simulated_max"]
    assert d.moves["civil_society"] == {"amend": 1, "simulated": len(finished.history) - 1}
    assert d.here == {"revision_step": 0.1, "rho": 0.1}
    assert {"revision_step", "rho", d.measure} == set(d.landscape.columns)
    assert len(d.landscape) == 3 * 3  # the scenario's own values are grid values already


def test_landscape_axes_follow_the_rules():
    top = RolePlay("wcit_2012", plan=SessionPlan(budget=3))
    axes = landscape_axes(top)
    assert list(axes) == ["lobbying", "majority_threshold"] and top.setup.params.lobbying in axes["lobbying"]
    assert list(landscape_axes(RolePlay("netmundial_2014"))) == ["revision_step", "rho"]
    assert 0.12 in landscape_axes(RolePlay("netmundial_2014"))["rho"]  # its own rho is a cell


def test_the_sheet_is_filled_in_and_printable(finished):
    d = debrief(finished, seeds=range(3), with_landscape=False)
    page = debrief_sheet_html(d)
    for heading in ("What happened", "So what", "Now what"):
        assert f"<h2>{heading}</h2>" in page
    n = len(finished.history)
    assert f"{n} round{'' if n == 1 else 's'} played" in page and "amend ×1" in page
    assert "data:image/png;base64," in page and "<script" not in page
    d.issues.loc[0, "name"] = "<script>alert(1)</script>"
    assert "<script>alert" not in debrief_sheet_html(d, figure=False)


def test_projector_figure_is_large_with_whole_round_ticks(finished):
    fig = projector_figure(finished)
    assert fig.dpi >= 100 and fig.get_figwidth() * fig.dpi >= 1300
    ticks = fig.axes[1].get_xticks()
    shown = [t for t in ticks if fig.axes[1].get_xlim()[0] <= t <= fig.axes[1].get_xlim()[1]]
    assert shown and all(float(t).is_integer() for t in shown)
    assert fig.axes[0].title.get_fontsize() >= 14


def test_hot_seat_panel_plan_amend_countdown_and_true_status(tmp_path):
    panel = build_roleplay_panel(
        teams=["civil_society", "business"], issues=1, budget=2, compare_seeds=[1, 2]
    )
    assert "Each issue gets at most 2 rounds" in panel.announcement.value
    assert "A text is adopted when" in panel.announcement.value  # how, from the protocol
    assert panel.issues.value == 1 and panel.budget.value == 2
    panel.moves["civil_society"].value = "amend"
    assert panel.points["civil_society"][0].layout.display == ""
    assert panel.points["business"][0].layout.display == "none"
    assert "the chair&#x27;s revision moves toward it" in panel.meanings["civil_society"].value
    panel.points["civil_society"][0].value = 0.6
    panel.secret.value = True
    assert panel.moves_box.layout.display == "none"
    panel.secret.value = False
    panel.caucus_button.click()
    assert panel.clock.playing and "2:30 left" in panel.clock_text.value
    panel.extend_button.click()
    assert panel.clock.max == 150 + 60
    panel.skip_button.click()
    assert "time is up" in panel.clock_text.value
    panel.next_button.click()
    assert panel.error is None
    assert panel.play.history[0]["amendments"]["civil_society"][0] == 0.6
    assert "Moves revealed: Civil society amend (0.60," in panel.status.value
    panel.moves["civil_society"].value = "hold"
    panel.finish_button.click()
    assert panel.play.finished and len(panel.play.history) <= 2
    assert "Press <b>Show results</b>" in panel.status.value
    panel.results_button.click()
    assert panel.error is None and "Show results" not in panel.status.value  # the status stays true
    assert "against all-simulated runs" in panel.debrief_html.value
    assert "What each team's own moves changed" in html.unescape(panel.debrief_html.value)  # served
    panel.path.value = str(tmp_path / "room.json")
    panel.sheet_button.click()
    panel.cards_button.click()
    assert panel.error is None
    assert "What happened" in (tmp_path / "room-debrief.html").read_text()
    assert (tmp_path / "room-cards.html").read_text().count("class='govsim-card'") == 2


def test_hot_seat_panel_start_again_takes_the_plan_widgets():
    panel = build_roleplay_panel(compare_seeds=[1])
    panel.issues.value, panel.budget.value, panel.fallback.value = 2, 3, "government_vote"
    panel.start_button.click()
    assert panel.error is None
    assert panel.play.plan == SessionPlan(issues=2, budget=3, fallback="government_vote")
    assert "the governments present vote" in panel.announcement.value
    panel.sheet_button.click()
    assert "no debrief yet" in panel.error


def test_amendments_are_typed_and_shown_in_the_scenarios_own_units():
    """eu_emissions_1994 measures standards on 0-10 (Bueno de Mesquita 1994): an amendment typed
    as 7 is 0.7 inside the model and reads 7.00 again on screen."""
    panel = build_roleplay_panel("eu_emissions_1994", budget=2, compare_seeds=[1])
    box = panel.points["government"][0]
    assert (box.min, box.max) == (0.0, 10.0)
    panel.moves["government"].value = "amend"
    box.value = 7.0
    panel.next_button.click()
    assert panel.error is None
    assert panel.play.history[0]["amendments"] == {"government": [pytest.approx(0.7)]}
    assert "Government amend (7.00)" in panel.status.value


def test_the_debrief_discriminates_over_20_recommended_sessions_with_random_moves():
    """Issue 23: under the recommended session (:data:`govsim.roleplay.plan.RECOMMENDED`), rooms
    whose teams move at random (20 seeds) get team percentiles with at least 5 distinct values,
    and each team's own-move effect (the same session with its seat simulated) is non-zero in
    most sessions; no NaN reaches a sentence."""
    from govsim.roleplay import Move
    from govsim.roleplay.debrief import effect_sentence, own_effects
    from govsim.roleplay.plan import RECOMMENDED

    choices = [m.value for m in Move if m is not Move.AMEND]
    baseline = RolePlay("classroom", "bottom_up", seed=0, plan=RECOMMENDED).simulated(range(100))
    percentiles: dict[str, list[float]] = {}
    effective = sessions = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        play = RolePlay("classroom", "bottom_up", seed=seed, plan=RECOMMENDED)
        while not play.finished:
            play.play_round({t: str(rng.choice(choices)) for t in play.teams})
        summary = play.model.summary()
        for team in play.teams:
            percentiles.setdefault(team, []).append(
                percentile(summary[f"mean_gain_{team}"], baseline[f"mean_gain_{team}"])
            )
        effects = own_effects(play)
        for _team, rows in effects.groupby("team"):
            sessions += 1
            moved = (rows["effect"].abs() > 1e-9).any() or (rows["rounds"] != rows["rounds_without"]).any()
            effective += bool(moved)
    assert all(len(set(np.round(v, 6))) >= 5 for v in percentiles.values()), percentiles
    assert effective > sessions / 2, (effective, sessions)
    d = debrief(play, seeds=range(20), with_landscape=False)
    assert d.effects is not None
    for team in play.teams:
        sentence = effect_sentence(d, team)
        assert "nan" not in sentence.lower() and sentence.startswith(("Your moves", "You sent no move"))


def test_an_early_ended_session_shows_no_nan(finished):
    """A session ended before any issue closed: words instead of "+nan" in the debrief."""
    play = RolePlay("classroom", "bottom_up", seed=3, plan=SessionPlan(issues=2, budget=3))
    play.play_round({"business": "lobby"})
    d = debrief(play, seeds=range(5))
    page = debrief_sheet_html(d)
    assert "nan" not in page.replace("data:image", "").lower().split("base64,")[0]
    from govsim.roleplay.debrief import debrief_tables_html, effect_sentence

    assert "nan" not in debrief_tables_html(d).lower()
    assert "no issue was closed" in effect_sentence(d, "business").lower()


def test_a_percentile_against_runs_that_all_agree_is_said_in_words():
    """A regional-IGF review (issue 22, G14): with `--budget 3 --fallback status_quo` every
    all-simulated run adopts nothing, so every team's percentile was 50 or 100 and the debrief's
    'so what' carried no information. Against a sample with no spread the debrief says above,
    the same or below instead; with spread it keeps the percentile."""
    from govsim.roleplay.debrief import compared

    assert compared(0.1, [0.0] * 10).startswith("above every all-simulated run")
    assert compared(0.0, [0.0] * 10).startswith("the same as every")
    assert compared(-0.1, [0.0] * 10).startswith("below every")
    assert compared(0.5, [0.0, 1.0]) == "at the 50th percentile"
    assert compared(float("nan"), [0.0]) == "n/a"


@pytest.mark.parametrize(
    ("value", "sample", "words"),
    [
        (1.5, [1.0, 2.0, 3.0], "at the 33rd percentile"),  # was "33th"
        (1.0, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], "at the 5th percentile"),
        (2.0, [1.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], "at the 10th percentile"),
        (0.5, [0.0, 1.0] + [1.0] * 98 + [0.0] * 0, "at the 1st percentile"),
        (1.5, [1.0] * 22 + [2.0] * 78, "at the 22nd percentile"),
    ],
)
def test_percentiles_are_said_with_english_ordinals(value, sample, words):
    """A French reviewer (issue 25 follow-up) saw "33th percentile"; every ordinal is now right."""
    from govsim.roleplay.debrief import compared

    assert compared(value, sample) == words


def test_english_ordinals_follow_the_last_two_digits():
    from govsim.i18n import language, ordinal

    def expected(n: int) -> str:
        if 10 <= n % 100 <= 20:
            return f"{n}th"
        return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")

    with language("en"):
        assert all(ordinal(n) == expected(n) for n in range(0, 1001))
    with language("fr"):
        assert (ordinal(1), ordinal(33)) == ("1er", "33e")


def test_the_debrief_speaks_the_rooms_language(finished):
    """The served and printed debrief in French and Spanish: the words a native reader asked for,
    numbers with a decimal comma, issue names from names.toml, no English sentence left."""
    import warnings

    from govsim.i18n import MissingTranslation, language
    from govsim.roleplay.debrief import debrief_sheet_html, debrief_tables_html, effect_sentence

    d = debrief(finished, seeds=range(5), with_landscape=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingTranslation)
        with language("fr"):
            sheet = debrief_sheet_html(d, figure=False)
            tables = debrief_tables_html(d)
            sentences = [effect_sentence(d, t) for t in finished.teams]
        with language("es"):
            hoja = debrief_sheet_html(d, figure=False)
    assert "Ce qui s&#x27;est passé" in sheet or "Ce qui s'est passé" in sheet
    assert "Et maintenant\u00a0?" in sheet and "votre salle" in tables and "What happened" not in sheet
    assert all(s.startswith(("Vos coups", "Vous n'avez envoyé aucun coup")) for s in sentences), sentences
    assert "Qué pasó" in hoja and "¿Y ahora qué?" in hoja and "su sala" in hoja
    assert "Your moves" not in sheet + hoja and "percentile" not in sheet


def test_the_debrief_says_something_over_20_status_quo_sessions_with_random_moves():
    """break23r F4: with ``--fallback status_quo`` 7 of 8 sessions adopted nothing, every team
    sat at the 50th percentile with own-move effect +0.000 and the landscape was one flat colour.
    Where no run adopts anything, the debrief measures the text left on the table (each group's
    u(text) - u(status quo)): over 20 such rooms moving at random the team percentiles take at
    least 5 values, each team's sentence says what its moves changed in most rooms, and the
    landscape is not flat."""
    from govsim.roleplay import Move
    from govsim.roleplay.debrief import effect_sentence, landscape, run_row, team_standing

    plan = SessionPlan(issues=2, budget=3, fallback="status_quo")
    choices = [m.value for m in Move if m is not Move.AMEND]
    base = RolePlay("classroom", "bottom_up", seed=0, plan=plan)
    import pandas as pd

    sims = pd.DataFrame([run_row(base.new_model(s).run()) for s in range(100)])
    percentiles: dict[str, list[float]] = {}
    table_measured = said = sessions = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        play = RolePlay("classroom", "bottom_up", seed=seed, plan=plan)
        while not play.finished:
            play.play_round({t: str(rng.choice(choices)) for t in play.teams})
        room = run_row(play.model)
        for team in play.teams:
            row = team_standing(room, sims, team)
            table_measured += row["measure"] == "table_gain"
            percentiles.setdefault(team, []).append(row["percentile"])
        if seed < 5:  # the own-move replays are the slow part
            d = debrief(play, seeds=range(10), with_landscape=False)
            for team in play.teams:
                sentence = effect_sentence(d, team)
                assert "nan" not in sentence.lower() and sentence.startswith(
                    ("Your moves", "You sent no move")
                ), sentence
                sessions += 1
                said += sentence.startswith("Your moves changed")
    assert table_measured > 0  # the case: rooms that adopted nothing against runs that did not
    assert all(len(set(np.round(v, 6))) >= 5 for v in percentiles.values()), percentiles
    assert said > sessions / 2, (said, sessions)
    frame = landscape(play, seeds=range(1))
    shown = frame.columns[2]
    assert frame[shown].max() - frame[shown].min() > 1e-6, frame


def _effects_debrief(effect: float, verdicts: tuple, rounds: tuple, moves: dict):
    """A Debrief holding only what :func:`effect_sentence` reads: one team's effect on one issue."""
    import pandas as pd

    from govsim.roleplay.debrief import Debrief

    row = {"team": "business", "issue": 0, "name": "Cross-border data flows", "gain": 0.1 + effect,
           "gain_without": 0.1, "effect": effect, "adopted": verdicts[0], "adopted_without": verdicts[1],
           "rounds": rounds[0], "rounds_without": rounds[1], "table": 0.2, "table_without": 0.2,
           "objecting": 0.3, "objecting_without": 0.3}  # fmt: skip
    empty = pd.DataFrame()
    return Debrief("classroom", "bottom_up", "", {}, empty, empty, empty, None, "", {}, {"business": moves},
                   rounds[0], pd.DataFrame([row]))  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
@pytest.mark.parametrize("rounds", [(3, 3), (3, 4)])
@pytest.mark.parametrize("effect", [0.0, 4e-4, -4.9e-4, 1e-7])
def test_a_change_that_shows_as_zero_reads_as_no_change(lang: str, rounds: tuple, effect: float) -> None:
    """The Spanish reader (review 25b es, E1) read «Sus jugadas cambiaron el resultado ... en
    +0,000»: an effect that rounds to zero where it is shown is no change, in every language
    (English too), whether or not the number of rounds moved."""
    from govsim.i18n import _, language
    from govsim.roleplay.debrief import effect_sentence

    d = _effects_debrief(effect, (True, True), rounds, {"lobby": 2, "simulated": 1})
    with language(lang):
        sentence = effect_sentence(d, "business")
        no_change = _(
            "Your moves did not change the outcome ({outcome}), but they changed the number of rounds by {rounds}."
        )
        said_no = no_change.split(" (")[0]
    assert not re.search(r"[+\-\u2212]0[.,]000\b", sentence), sentence
    assert sentence.startswith(said_no), sentence


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_real_change_and_a_team_that_sent_nothing_are_said_as_such(lang: str) -> None:
    """A change that shows (+0.001) is a change; a team that sent no move is told that the
    simulation played in its seat every round (review 25b fr, E3), not that its moves did nothing."""
    from govsim.i18n import _, language
    from govsim.roleplay.debrief import effect_sentence

    with language(lang):
        changed = effect_sentence(_effects_debrief(1e-3, (True, True), (3, 3), {"object": 3}), "business")
        idle = effect_sentence(_effects_debrief(0.0, (True, True), (3, 3), {"simulated": 3}), "business")
        assert changed.startswith(_("Your moves changed the outcome {changes}; {rounds}.").split(" {")[0])
        assert idle == _("You sent no move: the simulation played in your seat in every round.")
