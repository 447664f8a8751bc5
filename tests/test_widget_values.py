"""Values from a file or the user are never changed by a widget's bounds (issue 26, item 15).

The reliability review's F18 and wid01/03/04/05/08: a saved role-play seed of 2**40 showed as
2147483647 and "Start again" played that; rho 5 became 0.5, a seed of -5 became 0 and a
capacity of -1 became 0, silently. Every widget built from such a value now shows it whole or
refuses it in one line naming the field, the value and the range.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.roleplay import RolePlay
from govsim.roleplay.panel import build_roleplay_panel
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
