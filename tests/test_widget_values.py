"""Values from a file or the user are never changed by a widget's bounds (issue 26, item 15).

The reliability review's F18 and wid01/03/04/05/08: a saved role-play seed of 2**40 showed as
2147483647 and "Start again" played that; rho 5 became 0.5, a seed of -5 became 0 and a
capacity of -1 became 0, silently. Every widget built from such a value now shows it whole or
refuses it in one line naming the field, the value and the range.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.roleplay import RolePlay
from govsim.roleplay.panel import build_roleplay_panel
from govsim.roleplay.plan import SessionPlan
from govsim.screen.dashboard import build_dashboard, make_slider
from govsim.screen.display import OutOfRange, guard
from govsim.settings import setting_names, setting_spec


@pytest.fixture(scope="module")
def dashboard():
    return build_dashboard(seed=2)


@pytest.fixture(scope="module")
def panel():
    return build_roleplay_panel(compare_seeds=[1])


@pytest.mark.parametrize("seed", [2**31, 2**40, 2**53 - 1, 12345678901234567890])
def test_a_saved_seed_loads_into_the_hot_seat_panel_whole_and_plays_again_whole(panel, tmp_path, seed):
    """F18 / wid08: RolePlay(seed=2**40) saved and loaded showed 2147483647 in the seed box,
    and "Start again" played 2147483647."""
    path = tmp_path / "big.json"
    RolePlay("classroom", seed=seed).save(path)
    panel.load(path)
    assert panel.seed.value == seed and panel.play.seed == seed
    panel.start()
    assert panel.error is None and panel.play.seed == seed


def test_a_negative_seed_typed_into_the_panel_is_refused_not_clamped(panel):
    panel.seed.value = -5
    guard(panel, lambda _: panel.start())(None)  # what "Start again" runs
    assert panel.error == "ValueError: seed=-5 is out of range (allowed: a whole number >= 0)"
    panel.seed.value = 1


@pytest.mark.parametrize(
    ("name", "value"), [("rho", 5), ("rho", -0.1), ("civil_society.capacity", -1), ("max_rounds", 10**6)]
)
def test_a_setting_slider_refuses_a_value_outside_its_declared_range(dashboard, name, value):
    """wid01, wid05: the slider clamped and the model ran with another value than asked."""
    spec = setting_spec(name)
    slider = dashboard.sliders.get(name) or make_slider(name, spec.default)
    before = slider.value
    with pytest.raises(
        OutOfRange,
        match=rf"^{name}={value!r}(\.0)? is out of range \(allowed: {spec.low:g} to {spec.high:g}\)",
    ):
        slider.value = value
    assert slider.value == before
    assert isinstance(OutOfRange("x"), ValueError)  # the library's kind of error


@given(data=st.data())
def test_every_value_in_a_settings_range_is_shown_exactly(data):
    name = data.draw(st.sampled_from(sorted(setting_names())))
    spec = setting_spec(name)
    if spec.kind is int:
        value = data.draw(st.integers(int(spec.low), int(spec.high)))
    else:
        value = data.draw(st.floats(spec.low, spec.high, allow_nan=False))
    assert make_slider(name, value).value == value
    outside = spec.high + (1 if spec.kind is int else abs(spec.high) * 0.01 + 0.01)
    with pytest.raises(OutOfRange, match=f"^{name}="):
        make_slider(name, outside)


def test_a_negative_seed_in_the_dashboard_is_refused_and_said(dashboard):
    """wid04: seed -5 became 0 and the run went on with seed 0."""
    shown = dashboard.model
    dashboard.seed.value = -5
    assert dashboard.error == "ValueError: seed=-5 is out of range (allowed: a whole number >= 0)"
    assert dashboard.model is shown or dashboard.model is None
    dashboard.seed.value = 2**40  # any seed, shown whole
    assert dashboard.error is None and dashboard.seed.value == 2**40
    with pytest.raises(ValueError, match=r"seed=-1 is out of range"):
        build_dashboard(seed=-1)


def test_a_dropdown_names_its_choices_when_refusing(dashboard):
    """wid03: 'Invalid selection: value not found' said neither the value nor the choices."""
    with pytest.raises(
        OutOfRange, match=r"^protocol='anarchy' is not one of the choices \(allowed: .*bottom_up"
    ):
        dashboard.protocol.value = "anarchy"


def test_a_speed_outside_the_play_control_is_refused():
    with pytest.raises(ValueError, match=r"rounds/s=100 is out of range \(allowed: 1 to 30\)"):
        build_dashboard(speed=100)


# ---------------------------------------------------------------- bounds moved past a value
def _bounded_widgets(root: object) -> dict[str, object]:
    """Every bounded ipywidget a panel holds (as an attribute, in a dict or list of them, or
    under its layout's children): name -> widget."""
    import ipywidgets as w
    from ipywidgets.widgets.widget_float import _BoundedFloat
    from ipywidgets.widgets.widget_int import _BoundedInt

    found: dict[str, object] = {}
    seen: set[int] = set()

    def walk(name: str, obj: object) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, (_BoundedInt, _BoundedFloat)):
            found[name] = obj
        if isinstance(obj, w.Box):
            for i, child in enumerate(obj.children):
                walk(f"{name}[{i}]", child)
        elif isinstance(obj, dict):
            for key, value in obj.items():
                walk(f"{name}[{key!r}]", value)
        elif isinstance(obj, (list, tuple)):
            for i, value in enumerate(obj):
                walk(f"{name}[{i}]", value)

    for name, value in vars(root).items():
        walk(name, value)
    return found


def test_every_bounded_widget_of_the_dashboard_and_the_hot_seat_panel_refuses(dashboard, panel):
    """The one mechanism: each bounded widget is govsim.screen.display's kind, which refuses a
    value outside its bounds and a bound moved past its value (ipywidgets clamps both)."""
    from govsim.screen.display import _Refuses

    for root in (dashboard, panel):
        widgets = _bounded_widgets(root)
        assert len(widgets) >= 3, widgets
        plain = sorted(name for name, widget in widgets.items() if not isinstance(widget, _Refuses))
        assert plain == [], f"{type(root).__name__}: these clamp silently: {plain}"


@given(
    low=st.integers(-50, 50),
    width=st.integers(0, 100),
    value=st.integers(-200, 200),
    new=st.integers(-200, 200),
    bound=st.sampled_from(["min", "max"]),
)
def test_a_bound_moved_past_the_value_is_refused_and_changes_nothing(low, width, value, new, bound):
    """Lowering max (or raising min) past the value lowered (raised) the value silently."""
    from govsim.screen.display import IntSlider

    value = min(max(value, low), low + width)
    slider = IntSlider(value=value, min=low, max=low + width, description="x")
    crossed = new < slider.min if bound == "max" else new > slider.max  # bounds the wrong way round
    outside = new < value if bound == "max" else new > value
    if crossed or outside:
        with pytest.raises(OutOfRange, match=r"^x") as refused:
            setattr(slider, bound, new)
        assert (slider.value, slider.min, slider.max) == (value, low, low + width)
        if outside and not crossed:
            assert str(refused.value).startswith(f"x={value} is out of range")
    else:
        setattr(slider, bound, new)
        assert slider.value == value and getattr(slider, bound) == new


@given(
    value=st.floats(-1e6, 1e6, allow_nan=False),
    low=st.floats(-1e6, 1e6, allow_nan=False),
    high=st.floats(-1e6, 1e6, allow_nan=False),
)
def test_set_bounded_takes_a_value_inside_the_new_bounds_whole_or_changes_nothing(value, low, high):
    from govsim.screen.display import FloatSlider, set_bounded

    slider = FloatSlider(value=0.5, min=0.0, max=1.0, description="share")
    try:
        set_bounded(slider, value, min=low, max=high)
    except OutOfRange as refused:
        assert not low <= value <= high
        assert (slider.value, slider.min, slider.max) == (0.5, 0.0, 1.0)
        assert str(refused).startswith("share") and "\n" not in str(refused)
    else:
        assert low <= value <= high and (slider.value, slider.min, slider.max) == (value, low, high)


def test_lowering_a_slider_max_below_its_value_is_refused_with_one_line():
    from govsim.screen.display import IntSlider

    slider = IntSlider(value=40, min=0, max=60, description="round")
    with pytest.raises(OutOfRange, match=r"^round=40 is out of range \(allowed: 0 to 30\); a widget never"):
        slider.max = 30
    assert (slider.value, slider.max) == (40, 60)
    with pytest.raises(OutOfRange, match=r"^round=40 is out of range \(allowed: 50 to 60\)"):
        slider.min = 50
    assert (slider.value, slider.min) == (40, 0)


def test_a_session_with_a_shorter_agenda_loads_whole_after_a_longer_one(panel, tmp_path):
    """The issues box's max follows the loaded scenario: moved together with its value, so a
    5-issue classroom showing 4 issues then a 1-issue WCIT session (and back) load exactly."""
    long, short = tmp_path / "long.json", tmp_path / "short.json"
    RolePlay("classroom", seed=3, plan=SessionPlan(issues=4)).save(long)
    RolePlay("wcit_2012", seed=4).save(short)
    panel.load(long)
    assert (panel.issues.value, panel.issues.max) == (4, 5)
    panel.load(short)
    assert (panel.issues.value, panel.issues.max) == (1, 1) and panel.play.seed == 4
    panel.load(long)
    assert (panel.issues.value, panel.issues.max) == (4, 5) and panel.play.plan.issues == 4


def test_a_caucus_restarted_shorter_after_running_long_starts_at_zero(panel):
    """The countdown's max follows the caucus length with its value (it was clamped on the way)."""
    panel.caucus_seconds.value = 600
    panel.start_caucus()
    panel.clock.value = 500
    panel.caucus_seconds.value = 60
    panel.start_caucus()
    assert (panel.clock.value, panel.clock.max) == (0, 60)
    panel.skip()


def test_a_shorter_run_moves_the_round_slider_with_its_bounds():
    """The round slider's max follows each run: a shorter run after a longer one shows its last
    round (lowering max first clamped the round on the way)."""
    dashboard = build_dashboard(params=("max_rounds",), seed=2)
    dashboard.auto.value = False
    longer = dashboard.round.max
    assert dashboard.round.value == longer > 3
    dashboard.sliders["max_rounds"].value = 2
    dashboard.run()
    assert dashboard.error is None and dashboard.round.value == dashboard.round.max < longer


# ---------------------------------------------------------------- every widget a file fills
@settings(max_examples=6, deadline=None)  # each load redraws the panel: ~2 s
@given(
    scenario=st.sampled_from(["classroom", "netmundial_2014", "wcit_2012"]),
    issues=st.integers(1, 5),
    budget=st.one_of(st.none(), st.integers(1, 2000)),
    caucus=st.integers(0, 3600),
    seed=st.one_of(st.integers(0, 2**31), st.integers(2**31, 2**64)),
)
def test_a_saved_session_fills_every_setup_widget_exactly(
    panel, tmp_path_factory, scenario, issues, budget, caucus, seed
):
    """Every value a saved session holds is shown whole: issues, budget, caucus length, seed,
    scenario, protocol, teams (a file written by RolePlay.save with any plan it accepts)."""
    from govsim.scenarios import load_scenario

    agenda = len(load_scenario(scenario).agenda)
    plan = SessionPlan(issues=min(issues, agenda), budget=budget, caucus_seconds=caucus)
    path = tmp_path_factory.mktemp("saved") / "play.json"
    RolePlay(scenario, seed=seed, plan=plan).save(path)
    panel.load(path)
    shown = (
        panel.scenario.value, panel.seed.value, panel.issues.value,
        panel.budget.value, panel.caucus_seconds.value, tuple(panel.teams.value),
    )  # fmt: skip
    play = panel.play
    assert shown == (scenario, seed, plan.issues, budget or 0, caucus, tuple(play.teams))
    whole = plan.issues == agenda  # the whole agenda: the widgets say it as issues=None
    assert panel.protocol.value == play.protocol
    assert panel.plan_from_widgets() == (replace(play.plan, issues=None) if whole else play.plan)


def test_a_scenario_file_at_the_edges_of_each_range_fills_the_sliders_exactly(tmp_path):
    """A scenario file's settings at the ends of their declared ranges reach the dashboard's
    sliders unchanged (a file value the range allows is never moved by the slider)."""
    import re

    import govsim

    source = Path(govsim.__file__).parent / "data" / "scenarios" / "classroom.toml"
    for edge in ("low", "high"):
        values = {
            name: getattr(setting_spec(name), edge) for name in ("rho", "majority_threshold", "revision_step")
        }
        text = re.sub(rf"(?m)^({'|'.join(values)}) *=.*\n", "", source.read_text(encoding="utf-8"))
        text = text.replace(
            "[params]\n", "[params]\n" + "".join(f"{k} = {v!r}\n" for k, v in values.items()), 1
        )
        path = tmp_path / f"{edge}.toml"
        path.write_text(text, encoding="utf-8")
        dash = build_dashboard(scenario=str(path), params=tuple(values), seed=1)
        assert {name: dash.sliders[name].value for name in values} == values
