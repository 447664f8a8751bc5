"""A participant's own dashboard (govsim.room.explore): controls generated from the declarations,
what a page may send, and runs equal to the notebook dashboard's for the same settings."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.model import GovernanceModel
from govsim.protocols import protocol_names, settings_unread
from govsim.room import explore
from govsim.room.explore import (
    MAX_ROUNDS,
    MAX_STAKEHOLDERS,
    check_settings,
    controls,
    explore_json,
    explore_run,
    head_count,
)
from govsim.scenarios import load_scenario, scenario_names
from govsim.screen.replay import LIVE, record_run
from govsim.settings import setting_names, setting_spec, setting_value

SCENARIOS = ["classroom", "wcit_2012", "netmundial_2014"]
BY_NAME = {c.name: c for c in controls()}
NUMERIC = [c for c in controls() if c.kind != "choice"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_controls_are_the_declarations_with_the_scenarios_defaults(scenario):
    found = {c.name: c for c in controls(scenario)}
    assert list(found)[:3] == ["scenario", "protocol", "seed"]
    assert list(found)[3:] == setting_names()
    setup = load_scenario(scenario)
    assert found["scenario"].choices == tuple(scenario_names()) and found["scenario"].default == scenario
    assert (
        found["protocol"].choices == tuple(protocol_names()) and found["protocol"].default == setup.protocol
    )
    for name in setting_names():
        spec, control = setting_spec(name), found[name]
        assert (control.min, control.kind, control.unit) == (spec.low, spec.kind.__name__, spec.unit)
        assert control.default == setting_value(setup, name)
        assert control.min <= control.default <= control.max
        assert control.max == spec.high or (control.max < spec.high and control.limit)
        assert spec.doc in control.help
        json.dumps(control.as_json())  # a page can take it


@pytest.mark.parametrize("scenario", scenario_names())
def test_the_room_limits_hold_at_their_maximum(scenario):
    """The population scale's maximum is derived from the scenario's head count."""
    found = {c.name: c for c in controls(scenario)}
    assert found["max_rounds"].max == MAX_ROUNDS
    most = found["population_scale"].max
    assert head_count(scenario) * most <= MAX_STAKEHOLDERS * 1.05  # group sizes round
    with pytest.raises(ValueError, match="stakeholders per run") as info:
        check_settings({"scenario": scenario, "population_scale": most * 1.5 + 0.1})
    assert "\n" not in str(info.value)


def test_the_largest_run_the_room_allows_stays_within_its_limits():
    most = BY_NAME["population_scale"].max
    model = GovernanceModel("classroom", rng=0, population_scale=most)
    assert model.n <= MAX_STAKEHOLDERS * 1.05


def test_a_run_is_the_notebook_dashboards_run_for_the_same_settings():
    sent = {"protocol": "top_down", "seed": 7, "majority_threshold": 0.66, "civil_society.capacity": 0.2}
    got = explore_run(sent)
    model = GovernanceModel(
        "classroom", protocol="top_down", rng=7, majority_threshold=0.66, **{"civil_society.capacity": 0.2}
    )
    expected = json.loads(json.dumps(record_run(model, LIVE)))
    assert got["recording"] == expected
    assert got["summary"]["adoption_rate"] == pytest.approx(model.summary()["adoption_rate"])
    assert got["unread"] == settings_unread("top_down")
    said = "top-down (intergovernmental)"  # the rule in words, as the dashboard's line says it
    assert got["status"].startswith(f"{said}:") and f"<b>{said}</b>" in got["status_html"]
    assert len(got["recording"]["panels"]) == 2  # the two live plots: the policy space and attendance


def test_seeds_give_other_runs_and_one_participants_settings_do_not_move_anothers():
    a = explore_run({"seed": 1})
    b = explore_run({"seed": 2, "rho": 0.3})
    again = explore_run({"seed": 1})
    assert a == again and a["recording"] != b["recording"]
    assert (
        a["settings"]["rho"] == setting_value(load_scenario("classroom"), "rho")
        and b["settings"]["rho"] == 0.3
    )


def test_the_cache_is_bounded_in_bytes(monkeypatch):
    small = explore.RunCache(limit=200_000)
    monkeypatch.setattr(explore, "CACHE", small)
    sizes = [len(explore_json({"seed": s})) for s in range(12)]
    assert small.size <= small.limit and small.size == sum(len(t) for t in small.items.values())
    assert len(small.items) < 12 and sum(sizes) > small.limit
    assert explore_json({"seed": 11}) is small.get(
        ("en", *check_settings({"seed": 11}).items())
    )  # per language


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"rho": 0.9}, "rho=0.9"),
        ({"rh": 0.1}, "did you mean 'rho'"),
        ({"seed": -1}, "seed=-1"),
        ({"seed": 1.5}, "seed=1.5"),
        ({"seed": True}, "seed=True"),
        ({"scenario": "../etc/passwd"}, "scenario"),
        ({"protocol": "<script>"}, "protocol='<script>'"),
        ({"max_rounds": MAX_ROUNDS + 1}, "rounds per issue in the room"),
        ({"meetings": "many"}, "meetings='many'"),
        ({"rho": float("nan")}, "rho=nan"),
        ({1: 2}, "setting name 1"),
        ([("rho", 0.1)], "not a dict"),
    ],
)
def test_bad_settings_are_refused_in_one_line_naming_the_field(sent, field):
    with pytest.raises(ValueError) as info:
        check_settings(sent)
    assert field in str(info.value) and "\n" not in str(info.value)


def test_what_a_form_sends_as_text_is_read_as_a_number():
    assert check_settings({"rho": "0.2", "seed": "12", "meetings": " 3 "}) == check_settings(
        {"rho": 0.2, "seed": 12, "meetings": 3}
    )


@st.composite
def good_settings(draw):
    scenario = draw(st.sampled_from(SCENARIOS))
    found = {c.name: c for c in controls(scenario)}
    chosen = draw(st.lists(st.sampled_from([c.name for c in NUMERIC]), unique=True, max_size=8))
    sent = {"scenario": scenario, "protocol": draw(st.sampled_from(protocol_names()))}
    for name in chosen:
        c = found[name]
        if c.kind == "int":
            sent[name] = draw(st.integers(int(c.min), int(min(c.max, 10**6))))
        else:
            sent[name] = draw(st.floats(c.min, c.max, allow_nan=False))
    return sent


@given(good_settings())
def test_settings_within_the_controls_are_accepted_and_checking_is_idempotent(sent):
    checked = check_settings(sent)
    assert check_settings(checked) == checked
    assert {k: checked[k] for k in sent} == {
        k: (float(v) if isinstance(checked[k], float) else v) for k, v in sent.items()
    }


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@given(
    st.dictionaries(
        st.one_of(st.sampled_from([*BY_NAME, "rh", ""]), st.text(max_size=8), st.integers()),
        VALUES,
        max_size=4,
    )
)
def test_anything_a_page_sends_is_checked_or_refused_in_one_line(sent):
    try:
        checked = check_settings(sent)
    except ValueError as exc:
        assert "\n" not in str(exc)
    else:
        assert set(checked) == set(BY_NAME)
        for c in controls(checked["scenario"]):
            if c.kind != "choice":
                assert c.min <= checked[c.name] <= c.max and math.isfinite(checked[c.name])
