"""The dashboard driven headless: sliders come from the declarations, a change reruns and
records the run, Play / Back / Step move through the recorded rounds, projector mode switches,
the static picture for offline exports is there, and callback errors land in the output area.
What the browser draws is ``dash.view.data`` at ``dash.view.frame``: all inspectable here."""

import json
from pathlib import Path
from types import SimpleNamespace

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim import GovernanceModel, measure, parameter_specs, protocol_names, register, scenario_names
from govsim.measures import unregister
from govsim.protocols import PROTOCOLS, BottomUp, get_protocol, rule_settings
from govsim.screen import plotting
from govsim.screen.dashboard import DEFAULT_PARAMS, build_dashboard, draw_panels
from govsim.screen.display import FALLBACK_CLASS, HIDE_FALLBACK_CSS, LIVE_CLASS, static_fallback
from govsim.screen.panels import (
    Line,
    Panel,
    line_panel,
    panel_names,
    record_lines,
    register_panel,
    unregister_panel,
)
from govsim.screen.replay import record_run, status_line
from govsim.screen.run_view import ESM
from govsim.settings import setting_spec
from govsim.testing import ProtocolContractError, check_protocol


@pytest.fixture
def dash():
    return build_dashboard(seed=2)


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
        ("govsim-play", dash.play),
        ("govsim-output", dash.output),
        ("govsim-slider-rho", rho),
    ]:
        assert css in widget._dom_classes


def test_chosen_params_only():
    small = build_dashboard(params=["max_rounds", "technical.tolerance"])
    assert set(small.sliders) == {"max_rounds", "technical.tolerance"}
    assert small.sliders["max_rounds"].step == 1
    with pytest.raises(ValueError, match="unknown setting 'rhoo'"):
        build_dashboard(params=["rhoo"])


def test_the_recording_is_the_run_round_by_round(dash):
    model, rec = dash.model, dash.recording
    rounds = model.rounds
    frames = rec["frames"]
    assert len(frames) == len(rounds) + 1, "one frame per round plus the start"
    assert dash.frame == len(frames) - 1, "a new run shows its last round"
    np.testing.assert_allclose(frames[-1]["positions"], model.positions[:, :2], atol=1e-4)
    assert [f["issue"] for f in frames[1:]] == rounds["issue"].tolist()
    assert [f["round"] for f in frames[1:]] == rounds["round"].tolist()
    np.testing.assert_allclose(
        [f["text"] for f in frames[1:]], rounds[["proposal_openness", "proposal_rights"]], atol=1e-4
    )
    assert [p["kind"] for p in rec["panels"]] == ["space", "lines"], (
        "gains is drawn in the static picture only"
    )
    lines = {line["label"]: line["values"] for line in rec["panels"][1]["lines"]}
    for group in ("government", "civil_society"):
        label = plotting.group_style(group)["label"]
        np.testing.assert_allclose(lines[label], rounds[f"attendance_{group}"], atol=1e-4)
    np.testing.assert_allclose(lines["objecting"], rounds["objecting_share"], atol=1e-4)
    assert all(len(f["attending"]) == model.n == len(f["objecting"]) for f in frames)
    assert set("".join(f["objecting"] for f in frames)) == {"0", "1"}, "someone objects at some point"
    for k, issue in enumerate(rec["issues"]):
        assert frames[issue["first"]]["issue"] == k == frames[issue["last"]]["issue"]
        assert frames[issue["first"]]["round"] == 1
    assert frames[0]["text"] == list(model.setup.agenda[0].draft), "before round 1: the initiating draft"
    assert rec["groups"][2] == {"name": "civil_society", **plotting.group_style("civil_society")}
    json.dumps(rec, allow_nan=False)  # what the browser receives is strict JSON


def test_back_step_start_and_the_status_line(dash):
    dash.reset_button.click()
    assert dash.frame == 0 == dash.round.value
    assert "before the first round" in dash.status_text
    dash.step_button.click()
    dash.step_button.click()
    assert dash.frame == 2
    name = dash.model.setup.agenda[0].name
    assert dash.status_text.startswith(f'Issue 1 of 5, "{name}": round 2 (round 2 of')
    dash.back_button.click()
    assert dash.frame == 1 and dash.view.shown is dash.recording["frames"][1]
    dash.back_button.click()
    dash.back_button.click()
    assert dash.frame == 0, "stepping back stops at the start"
    dash.show(10_000)
    assert dash.frame == len(dash.recording["frames"]) - 1
    dash.reset()
    assert dash.frame == 0 and dash.model is not None


def test_status_line_pluralises():
    assert status_line(0, "x", 1, 0, 0, 1).endswith("(1 round in the run)")
    assert status_line(0, "x", 1, 1, 1, 2) == 'Issue 1 of 1, "x": round 1 (round 1 of 2 in the run)'


def test_play_runs_in_the_browser_linked_to_the_controls(dash):
    """Play, the speed and the round slider are linked to the view in the browser (jslink): the
    view steps through the recording by itself, and the kernel learns the round it stopped at."""
    linked = {(link.source[0], link.source[1], link.target[0], link.target[1]) for link in dash._links}
    assert (dash.play, "value", dash.view, "playing") in linked
    assert (dash.speed, "value", dash.view, "speed") in linked
    assert dash.view.slider is dash.round, "the view moves the round slider as it plays"
    assert dash.round.max == len(dash.recording["frames"]) - 1
    dash.view.playing = True  # as the browser reports it
    assert dash.play.description == "Pause"
    dash.view.frame = 3
    dash.view.playing = False
    assert dash.play.description == "Play" and dash.frame == 3 == dash.round.value
    dash.round.value = 5  # the round slider moved by hand
    assert dash.frame == 5
    dash.view.playing = True
    dash.sliders["rho"].value = 0.3  # a rerun stops Play and shows the new run's end
    assert not dash.view.playing and dash.frame == len(dash.recording["frames"]) - 1


def test_slider_change_reruns_and_sends_a_new_recording(dash):
    first, version = dash.summary, dash.view.version
    dash.sliders["civil_society.capacity"].value = 1.0  # auto rerun
    assert dash.model.setup.profile("civil_society").capacity == 1.0
    assert dash.summary["mean_participation_civil_society"] > first["mean_participation_civil_society"]
    assert dash.view.version == version + 1
    assert dash.frame == len(dash.recording["frames"]) - 1
    assert "issues negotiated" in dash.status.value and dash.error is None


def test_protocol_and_seed_match_a_direct_run(dash):
    dash.auto.value = False
    dash.protocol.value = "top_down"
    dash.seed.value = 7
    dash.sliders["rho"].value = 0.2
    assert dash.model is None  # stale until Run is pressed
    dash.run_button.click()
    direct = GovernanceModel("classroom", protocol="top_down", rng=7, **dash.settings()).run()
    assert dash.summary == direct.summary()
    assert len(dash.recording["frames"]) == len(direct.rounds) + 1


def test_scenario_change_loads_its_defaults(dash):
    other = next(n for n in scenario_names() if n != "classroom")
    dash.scenario.value = other
    assert dash.model.setup.name == other
    assert dash.protocol.value == dash.model.protocol.name
    assert dash.sliders["openness"].value == dash.model.setup.params.openness


def test_every_protocol_records(dash):
    for protocol in protocol_names():
        rec = record_run(GovernanceModel("classroom", protocol=protocol, rng=1, max_rounds=6))
        assert rec["frames"][-1]["status"].startswith("Issue 5 of 5")


def test_projector_mode_enlarges_and_hides_code_facing_controls(dash):
    dash.projector.value = True
    assert dash.view.projector is True
    assert dash.seed.layout.display == "none" and dash.auto.layout.display == "none"
    assert "govsim-projector" in dash.widget._dom_classes
    dash.projector.value = False
    assert dash.seed.layout.display is None and not dash.view.projector
    assert build_dashboard(projector=True).view.projector


def test_offline_export_gets_a_static_picture(dash):
    html = static_fallback(dash.figure, alt='a "quoted" <run>').data
    assert f'class="{FALLBACK_CLASS}"' in html and "data:image/png;base64," in html
    assert 'alt="a &quot;quoted&quot; &lt;run&gt;"' in html
    assert FALLBACK_CLASS in ESM.read_text(encoding="utf-8"), "the live view hides the static copy"
    assert LIVE_CLASS in dash.widget._dom_classes, "marked live: its CSS hides the copy where widgets run"
    assert any(getattr(c, "value", "") == HIDE_FALLBACK_CSS for c in dash.widget.children)


def test_the_recording_reads_the_models_public_snapshot():
    """Presentation asks the model: what a frame shows is what ``snapshot()`` said after that round."""

    class Everyone(GovernanceModel):
        def snapshot(self):
            snap = super().snapshot()
            return SimpleNamespace(**{**vars(snap), "attending": np.ones(self.n, dtype=bool)})

    rec = record_run(Everyone("classroom", rng=1))
    assert set("".join(f["attending"] for f in rec["frames"][1:])) == {"1"}


def test_the_browser_module_draws_every_mark():
    js = Path(ESM).read_text(encoding="utf-8")
    for mark in ("export default", "change:frame", "change:data", "projector", "__govsimPaints", "trail"):
        assert mark in js


def test_callback_error_is_shown_in_the_output():
    def broken(*args, **kwargs):
        raise ValueError("rho=9 is out of range (allowed: float in [0, 0.5])")

    dash = build_dashboard()
    dash.factory = broken
    dash.run_button.click()
    assert dash.error.startswith("ValueError: rho=9")
    shown = dash.output.outputs[-1]["data"]
    assert "rho=9 is out of range" in str(shown)


@pytest.mark.slow
def test_an_html_export_made_offline_shows_the_picture(tmp_path):
    """Executed and exported as a handout would be (nbconvert), the dashboard cell carries a
    PNG of the run beside the widget, so the page is not blank without the widget manager."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("from govsim.screen.dashboard import build_dashboard\nbuild_dashboard()")
    ]
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert FALLBACK_CLASS in html and "data:image/png;base64," in html


# ---------------------------------------------------------------- settings a protocol does not read
def test_a_setting_the_protocol_does_not_read_is_disabled_and_says_why(dash):
    """Issue 26: ``rho`` stayed live under ``top_down``, where it cannot change the result."""
    dash.protocol.value = "top_down"
    rho = dash.sliders["rho"]
    assert rho.disabled and rho.tooltip.startswith(
        "Top-down (intergovernmental) rules do not use this setting"
    )
    assert "bottom-up (multistakeholder) rules" in rho.tooltip, "the tooltip names where it matters, in words"
    assert not dash.sliders["majority_threshold"].disabled, "top-down's vote reads it"
    assert not dash.sliders["openness"].disabled, "a lever every rule feels"
    dash.protocol.value = "bottom_up"
    assert not rho.disabled and rho.tooltip.startswith(setting_spec("rho").doc)
    assert dash.sliders["majority_threshold"].disabled
    dash.protocol.value = "regional"  # each table its own rule: nothing can be said unread
    assert not any(s.disabled for s in dash.sliders.values())


@pytest.mark.parametrize("protocol", ["top_down", "bottom_up", "consult_then_ratify", "chambers"])
def test_what_is_disabled_cannot_change_the_run(protocol):
    """The disabled set is derived from the rules' declared ``reads``, and it tells the truth:
    a disabled setting at either end of its range gives the same run (another seed than
    check_protocol's)."""
    dash = build_dashboard(seed=5, params=sorted(rule_settings()))
    dash.protocol.value = protocol
    disabled = {name for name, s in dash.sliders.items() if s.disabled}
    assert disabled == set(rule_settings() - get_protocol(protocol).reads)
    base = GovernanceModel("classroom", protocol=protocol, rng=5, max_rounds=15).run().rounds
    specs = {s.name: s for s in parameter_specs()}
    for name in disabled:
        for value in (specs[name].low, specs[name].high):
            other = GovernanceModel("classroom", protocol=protocol, rng=5, max_rounds=15, **{name: value})
            assert other.run().rounds.equals(base), f"{name}={value} changed a {protocol} run"


def test_a_registered_protocol_declares_what_it_reads():
    class Quorum(BottomUp):
        """Rough consensus that also needs a chamber threshold's share to attend."""

        name = "test_quorum"
        label = "Quorum"
        reads = BottomUp.reads | {"chamber_threshold"}

    class Silent(BottomUp):
        """Declares nothing: every setting may matter."""

        name = "test_silent"
        label = "Silent"
        reads = None

    register(Quorum)
    register(Silent)
    try:
        dash = build_dashboard(params=["rho", "chamber_threshold", "majority_threshold"])
        dash.protocol.value = "test_quorum"
        assert [n for n, s in dash.sliders.items() if s.disabled] == ["majority_threshold"]
        dash.protocol.value = "test_silent"
        assert not any(s.disabled for s in dash.sliders.values())
    finally:
        PROTOCOLS.pop("test_quorum")
        PROTOCOLS.pop("test_silent")


class Liar(BottomUp):
    """Rough consensus, but declaring it does not read rho."""

    name = "test_liar"
    label = "Liar"
    reads = BottomUp.reads - {"rho"}


class Extra(BottomUp):
    """Declares a setting that does not exist."""

    name = "test_extra"
    label = "Extra"
    reads = BottomUp.reads | {"no_such_setting"}


def test_check_protocol_catches_a_rule_that_hides_what_it_reads():
    with pytest.raises(ProtocolContractError, match="reads leaves out 'rho'"):
        check_protocol(Liar)
    with pytest.raises(ProtocolContractError, match="must be a frozenset of parameter names"):
        check_protocol(Extra)


# ---------------------------------------------------------------- the panel registry
def test_every_registered_panel_draws_and_unknown_ones_are_named(dash):
    assert {"positions", "attendance", "path", "gains", "compliance"} <= set(panel_names())
    fig = draw_panels(dash.model, panel_names())
    assert len([ax for ax in fig.axes if ax.get_visible()]) == len(panel_names())
    with pytest.raises(ValueError, match=r"unknown panel 'gain'.*did you mean 'gains'"):
        build_dashboard(panels=["positions", "gain"])
    rec = record_run(GovernanceModel("classroom", rng=1), ["positions", "path", "gains"])
    assert [p["name"] for p in rec["panels"]] == ["positions", "path"], "path is live, gains static only"
    json.dumps(rec, allow_nan=False)


def test_a_line_panel_shows_live_and_static(tmp_path):
    calls = []

    @line_panel("test_spread", title="How spread out the room is", ylabel="spread")
    def spread(model):
        calls.append(model)
        return [Line("spread", model.rounds["objecting_share"] * 2, color="#0072B2")]

    try:
        dash = build_dashboard(panels=["positions", "test_spread"])
        live = dash.view.data["panels"][-1]
        assert live["kind"] == "lines" and live["title"] == "How spread out the room is"
        np.testing.assert_allclose(
            live["lines"][0]["values"], dash.model.rounds["objecting_share"] * 2, atol=1e-4
        )
        assert live["ylim"][0] <= min(live["lines"][0]["values"]) and live["ylim"][1] >= max(
            live["lines"][0]["values"]
        )
        titles = [ax.get_title() for ax in dash.figure.axes]
        assert "How spread out the room is" in titles
        with pytest.raises(ValueError, match="built in"):
            register_panel(Panel("positions", "mine", lambda m, ax: None))
    finally:
        unregister_panel("test_spread")
    assert "test_spread" not in panel_names()


def test_the_status_line_lists_user_measures_by_label(dash):
    @measure(column="test_loser_share", label="Stakeholders <worse> off", unit="share")
    def loser_share(ctx):
        return float(np.mean(ctx.gains < 0))

    try:
        dash.run()
        assert "Stakeholders &lt;worse&gt; off (share):" in dash.status.value
    finally:
        unregister("test_loser_share")


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        float,
        st.integers(1, 60),
        elements=st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(float("nan"))),
    )
)
def test_a_line_panel_records_any_values_as_strict_json_within_its_axis(values):
    """Whatever a panel returns (gaps, one value, all gaps, large numbers), the browser gets
    strict JSON, one entry per round, and a value axis that holds every value."""
    live = record_lines("any", "Any", [Line("x", values)], "value")
    json.dumps(live, allow_nan=False)
    got = live["lines"][0]["values"]
    assert len(got) == len(values)
    low, high = live["ylim"]
    assert low < high
    assert all(v is None or low <= v <= high for v in got)
    assert [v is None for v in got] == list(np.isnan(values))


def test_build_dashboard_takes_the_dashboards_arguments():
    """One signature, not two typed twice: help() on build_dashboard shows Dashboard's."""
    import inspect

    from govsim.screen.dashboard import Dashboard

    assert inspect.signature(build_dashboard) == inspect.signature(Dashboard)
    assert build_dashboard(params=["rho"], projector=True).view.projector
