"""The dashboard driven headless: sliders come from the declarations, buttons change the model
and the plotted data, and callback errors land in the output area."""

import numpy as np
import pytest

from govsim import GovernanceModel, parameter_specs, protocol_names, scenario_names
from govsim.dashboard import DEFAULT_PARAMS, build_dashboard
from govsim.settings import setting_spec


@pytest.fixture
def dash():
    return build_dashboard(seed=2, panels=("positions", "attendance"))  # two panels: faster tests


def _attendance_line(dash):
    ax = dash.figure.axes[1]
    line = next(ln for ln in ax.lines if ln.get_label() == "Civil society")
    return np.asarray(line.get_ydata())


def test_widgets_come_from_the_registries_and_declarations(dash):
    assert list(dash.protocol.options) == protocol_names()
    assert list(dash.scenario.options) == scenario_names()
    assert set(dash.sliders) == set(DEFAULT_PARAMS)
    specs = {s.name: s for s in parameter_specs()}
    rho = dash.sliders["rho"]
    assert (rho.min, rho.max) == (specs["rho"].low, specs["rho"].high)
    assert specs["rho"].doc in rho.tooltip
    capacity = dash.sliders["civil_society.capacity"]
    assert capacity.max == setting_spec("civil_society.capacity").high
    assert capacity.value == dash.model.setup.profile("civil_society").capacity
    for css, widget in [
        ("govsim-run", dash.run_button),
        ("govsim-output", dash.output),
        ("govsim-slider-rho", rho),
    ]:
        assert css in widget._dom_classes


def test_chosen_params_only():
    small = build_dashboard(params=["max_rounds", "technical.tolerance"], panels=("gains",))
    assert set(small.sliders) == {"max_rounds", "technical.tolerance"}
    assert small.sliders["max_rounds"].step == 1
    with pytest.raises(ValueError, match="unknown setting 'rhoo'"):
        build_dashboard(params=["rhoo"])


def test_run_then_slider_change_reruns_and_redraws(dash):
    assert dash.summary is None and len(dash.model.rounds) == 0
    dash.run_button.click()
    assert not dash.model.running and dash.error is None
    first = dash.summary
    line = _attendance_line(dash)
    assert len(line) == len(dash.model.rounds)
    dash.sliders["civil_society.capacity"].value = 1.0  # auto rerun
    assert dash.model.setup.profile("civil_society").capacity == 1.0
    assert dash.summary["mean_participation_civil_society"] > first["mean_participation_civil_society"]
    assert not np.array_equal(_attendance_line(dash), line)
    assert "image/png" in dash.output.outputs[-1]["data"]
    assert "issues closed" in dash.status.value


def test_protocol_and_seed_match_a_direct_run(dash):
    dash.auto.value = False
    dash.protocol.value = "top_down"
    dash.seed.value = 7
    dash.sliders["rho"].value = 0.2
    assert dash.model is None  # stale until a button is pressed
    dash.run_button.click()
    direct = GovernanceModel("classroom", protocol="top_down", rng=7, **dash.settings()).run()
    assert dash.summary == direct.summary()


def test_step_and_reset(dash):
    dash.step_button.click()
    dash.step_button.click()
    assert len(dash.model.rounds) == 2
    offsets = dash.figure.axes[0].collections[0].get_offsets()
    assert len(offsets) > 0
    dash.reset_button.click()
    assert len(dash.model.rounds) == 0


def test_scenario_change_loads_its_defaults(dash):
    other = next(n for n in scenario_names() if n != "classroom")
    dash.scenario.value = other
    assert dash.model.setup.name == other
    assert dash.protocol.value == dash.model.protocol.name
    assert dash.sliders["openness"].value == dash.model.setup.params.openness


def test_callback_error_is_shown_in_the_output():
    def broken(*args, **kwargs):
        raise ValueError("rho=9 is out of range (allowed: float in [0, 0.5])")

    dash = build_dashboard(panels=("gains",))
    dash.factory = broken
    dash.reset_button.click()
    assert dash.error.startswith("ValueError: rho=9")
    shown = dash.output.outputs[-1]["data"]
    assert "rho=9 is out of range" in str(shown)
