"""The model: Mesa idioms, reproducibility, invariants and the three multistakeholder levers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim import GovernanceModel, Group, Stakeholder, parameter_specs, protocol_names
from govsim.groups import GOVERNMENT


def test_mesa_idioms_agents_are_views_onto_the_arrays():
    model = GovernanceModel("classroom", rng=5)
    civil = model.agents.select(lambda a: a.group is Group.CIVIL_SOCIETY)
    assert len(civil) == 10 and all(isinstance(a, Stakeholder) for a in civil)
    agent = civil.to_list()[0]
    np.testing.assert_array_equal(agent.position, model.positions[agent.row])
    with pytest.raises(ValueError):
        agent.position[0] = 0.0  # read-only view: the model moves stakeholders, not the notebook
    model.step()
    np.testing.assert_array_equal(agent.position, model.positions[agent.row])
    assert agent.region in ("region_a", "region_b") and "civil_society" in repr(agent)
    assert agent.utility(agent.position) == 0.0


def test_rng_is_the_only_source_of_randomness():
    a = GovernanceModel("classroom", rng=42).run()
    b = GovernanceModel("classroom", rng=np.random.default_rng(42)).run()
    c = GovernanceModel("classroom", rng=43).run()
    assert a.rounds.equals(b.rounds) and a.outcomes.equals(b.outcomes)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert a.summary() != c.summary()


def test_model_runs_the_whole_agenda_and_stops():
    model = GovernanceModel("classroom", protocol="bottom_up", rng=1)
    assert model.running
    model.run()
    assert not model.running
    assert list(model.outcomes["name"]) == [i.name for i in model.setup.agenda]
    assert len(model.rounds) == model.outcomes["rounds"].sum()


def test_mesa_clock_and_govsim_rounds_agree_and_a_finished_model_stays_finished():
    """Mesa counts steps and time; govsim counts rounds. Whichever way a round is played
    (``step()``, ``play_round(overrides)``, ``run()``), they agree, and once the agenda is done
    no call changes anything, Mesa's counters included (mesa PR #2223 made ``steps`` automatic)."""
    from govsim import RoundOverrides

    model = GovernanceModel("classroom", protocol="bottom_up", rng=1)
    model.step()
    model.play_round(RoundOverrides(attendance={"civil_society": 1.0}))
    model.play_round()
    assert model.steps == len(model.rounds) == 3 and model.time == 3.0
    model.run()
    assert model.steps == len(model.rounds) == model.outcomes["rounds"].sum()
    assert model.time == float(model.steps)
    before = (model.steps, model.time, len(model.rounds), model.positions.copy(), model.rng.random(0))
    for _ in range(3):
        model.step()
        model.play_round(RoundOverrides(attendance={"civil_society": 1.0}))
    assert (model.steps, model.time, len(model.rounds)) == before[:3]
    np.testing.assert_array_equal(model.positions, before[3])
    state = model.rng.bit_generator.state
    model.step()
    assert model.rng.bit_generator.state == state


def test_mesa_run_for_and_run_until_stop_with_the_agenda():
    """Mesa's clock methods play whole rounds and stop with the agenda, so a finished model's
    counters never move and a long ``run_for`` ends with steps == time == rounds played."""
    fresh = GovernanceModel("classroom", rng=1)
    fresh.run_for(1000)
    assert not fresh.running and fresh.steps == len(fresh.rounds) and fresh.time == float(fresh.steps)
    done = GovernanceModel("classroom", rng=1).run()
    assert done.rounds.equals(fresh.rounds)
    before = (done.steps, done.time, len(done.rounds))
    done.run_for(3)
    done.run_until(done.time + 2)
    assert (done.steps, done.time, len(done.rounds)) == before
    partial = GovernanceModel("classroom", rng=1)
    partial.run_until(2.5)
    assert partial.steps == 2 == len(partial.rounds) and partial.time == 2.0


def test_a_round_played_with_overrides_needs_no_mesa_internals():
    """Overrides are set for the next round and the model's public ``step`` plays it, so a Mesa
    that stops wrapping ``step`` (here: the class's own step in place of Mesa's clock) still
    plays the same overridden round."""
    from govsim import RoundOverrides

    a = GovernanceModel("classroom", rng=5)
    b = GovernanceModel("classroom", rng=5)
    b._mesa_step = type(b).step.__get__(b)  # as if Mesa had left ``step`` alone
    o = RoundOverrides(attendance={"civil_society": 0.0})
    a.play_round(o)
    b.play_round(o)
    assert a.rounds.equals(b.rounds) and a.steps == 1
    assert a.rounds["attendance_civil_society"].iloc[0] == 0.0


def test_summary_is_flat_and_complete():
    summary = GovernanceModel("classroom", rng=0).run().summary()
    for key in ("adoption_rate", "mean_rounds", "mean_compliance", "mean_min_group_gain", "noncompliance"):
        assert isinstance(summary[key], float)
    assert summary["n_issues"] == 5 and summary["stakeholders"] == 40


def test_deadline_leaves_the_status_quo_in_place():
    model = GovernanceModel("classroom", protocol="bottom_up", rng=0, max_rounds=1, rho=0.0).run()
    failed = model.outcomes[~model.outcomes["adopted"].astype(bool)]
    assert len(failed) > 0
    assert (failed["rounds"] == 1).all() and failed["compliance"].isna().all()
    assert np.allclose(failed[["gain_government", "gain_business"]].to_numpy(), 0.0)


def test_top_down_keeps_non_governments_away_from_the_table():
    rounds = GovernanceModel("classroom", protocol="top_down", rng=0).run().rounds
    assert (rounds["attendance_civil_society"] == 0).all() and (rounds["attendance_government"] > 0).all()


def test_openness_admits_the_best_resourced_first():
    model = GovernanceModel("classroom", protocol="bottom_up", rng=0, openness=0.5)
    others = model.group != GOVERNMENT
    assert model.admitted[others].sum() == 15
    assert model.capability[others & model.admitted].min() >= model.capability[others & ~model.admitted].max()
    closed = GovernanceModel("classroom", protocol="bottom_up", rng=0, openness=0.0).run()
    assert (closed.rounds["attendance_business"] == 0).all()


def mean_over_seeds(key, seeds=range(10), **kwargs):
    return np.mean([GovernanceModel(rng=s, **kwargs).run().summary()[key] for s in seeds])


def test_participation_support_raises_civil_society_attendance():
    low = mean_over_seeds("mean_participation_civil_society", protocol="bottom_up", support=0.0)
    high = mean_over_seeds("mean_participation_civil_society", protocol="bottom_up", support=0.8)
    assert high > low + 0.2


def test_transparency_gives_absentees_a_voice_and_raises_compliance():
    """Procedural legitimacy (Tyler 1990): those who could watch tolerate more."""
    kwargs = {"protocol": "top_down"}
    closed = mean_over_seeds("mean_compliance", transparency=0.0, **kwargs)
    watched = mean_over_seeds("mean_compliance", transparency=1.0, **kwargs)
    assert watched > closed


@pytest.mark.parametrize("protocol", protocol_names())
def test_compliance_and_gains_are_consistent(protocol):
    model = GovernanceModel("classroom", protocol=protocol, rng=7).run()
    out = model.outcomes
    gains = out[[c for c in out if c.startswith("gain_") and c != "gain_gap"]]
    np.testing.assert_allclose(out["min_group_gain"], gains.min(axis=1))
    np.testing.assert_allclose(out["gain_gap"], gains.max(axis=1) - gains.min(axis=1))


settings_strategy = st.fixed_dictionaries(
    {
        s.name: (st.integers(int(s.low), min(int(s.high), 40)) if s.kind is int else st.floats(s.low, s.high))
        for s in parameter_specs()
        if s.name not in ("population_scale", "max_rounds", "meetings")
    }
)


@given(settings_strategy, st.sampled_from(protocol_names()), st.integers(0, 2**32 - 1))
def test_invariants_hold_for_any_valid_parameters(settings, protocol, seed):
    """Positions stay in [0, 1], salience sums to 1, every share lies in [0, 1], and the same
    seed gives an identical history."""
    model = GovernanceModel("classroom", protocol=protocol, rng=seed, max_rounds=6, **settings)
    np.testing.assert_allclose(model.salience.sum(axis=1), 1.0)
    while model.running:
        model.step()
        assert np.all((model.positions >= 0) & (model.positions <= 1))
    rounds, out = model.rounds, model.outcomes
    shares = [c for c in rounds if c.startswith("attendance_")] + ["objecting_share"]
    values = rounds[shares].to_numpy(dtype=float)
    assert np.all((values[~np.isnan(values)] >= 0) & (values[~np.isnan(values)] <= 1))
    for col in ("compliance", "government_compliance", "noncompliance", "objecting_share", "regions_adopted"):
        v = out[col].to_numpy(dtype=float)
        assert np.all((v[~np.isnan(v)] >= 0) & (v[~np.isnan(v)] <= 1 + 1e-12)), col
    again = GovernanceModel("classroom", protocol=protocol, rng=seed, max_rounds=6, **settings).run()
    assert rounds.equals(again.rounds)
