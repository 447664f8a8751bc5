"""The live dashboard: choose a scenario and a protocol, move sliders, and watch the run unfold.

Every change reruns the whole agenda (a classroom run takes a few tens of milliseconds),
records it round by round (:func:`govsim.screen.replay.record_run`) and sends the recording once to
the browser, where :class:`govsim.screen.run_view.RunView` draws it. **Play / Pause** (with a speed
in rounds per second), the round slider and **Back** / **Step** move through the recorded
rounds in the browser: positions move, the text on the table travels with its trail,
objectors are ringed, the attendance and objecting traces grow, and the status line names the
issue and round. **Projector mode** enlarges text, markers and the picture and hides the
controls that only matter to someone reading the code. The controls wrap rather than shrink or
cut their labels, and the picture is as tall as the notebook's visible height leaves room for,
so the controls and the picture's legend are on screen together (1366x768 to 1920x1080).

The panels come from the registry :mod:`govsim.screen.panels`: each draws the static picture,
and those with a live drawing also draw in the browser. A slider for a setting the chosen
protocol does not read (its declared ``reads``, :func:`govsim.protocols.settings_unread`) is
disabled, its tooltip saying why.

Presentation only. The sliders are generated from the parameter declarations
(:func:`govsim.params.parameter_specs` and :func:`govsim.population.profile_specs`): bounds,
defaults, units and tooltips are read from there, never typed again. The dashboard takes a
``model_factory`` so tests and notebooks can hand it any model with the same interface.

    from govsim.screen.dashboard import build_dashboard
    dash = build_dashboard()
    dash  # displays it; dash.model, dash.summary, dash.frame and dash.view.shown hold its state

Displayed in a notebook it also leaves a static picture of the run (see
:mod:`govsim.screen.display`), so an HTML export made without network is not blank. Every widget
carries a stable ``description`` and a CSS class ``govsim-...`` for browser tests.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from matplotlib.figure import Figure

from govsim.escape import html_text
from govsim.measures import user_summaries
from govsim.model import GovernanceModel
from govsim.params import check_names
from govsim.protocols import protocol_names, rule_in_words, settings_unread
from govsim.scenarios import is_scenario_file, load_scenario, scenario_names
from govsim.screen.display import (
    Dropdown,
    FloatSlider,
    IntSlider,
    button,
    display_panel,
    error_html,
    guard,
    live_panel,
    render_png,
    set_bounded,
    show_in,
    style_widget,
)
from govsim.screen.panels import get_panels, panel_names
from govsim.screen.replay import record_run
from govsim.screen.run_view import RunView
from govsim.settings import setting_names, setting_spec, setting_value
from govsim.values import whole

ModelFactory = Callable[..., Any]
DEFAULT_PARAMS = (
    "majority_threshold",
    "rho",
    "revision_step",
    "lobbying",
    "openness",
    "support",
    "transparency",
    "civil_society.capacity",
)
# The panels (govsim.screen.panels): the live view draws those with a live drawing (the positions,
# attendance); the static picture (offline exports, ``dash.figure``) all of them, so who gained too.
PANELS = ("positions", "attendance", "gains")
SPEEDS = (1, 30)  # rounds per second the Play control offers
SPEED = 8
# Rows wrap instead of shrinking their widgets; labels keep their whole text (checkbox labels
# included); projector mode enlarges every label, readout, button and menu.
DASHBOARD_CSS = """<style>
.govsim-dashboard .widget-hbox.govsim-row { flex-wrap: wrap; column-gap: 8px; }
.govsim-dashboard .widget-checkbox { width: auto; }
.govsim-dashboard .widget-checkbox label { overflow: visible; text-overflow: clip; white-space: nowrap; }
.govsim-dashboard .govsim-sliders .widget-slider { width: auto; min-width: 0; }
.govsim-dashboard .widget-dropdown { width: auto; }
.govsim-dashboard .widget-dropdown > select { flex: 0 0 auto; width: auto; min-width: 8em; }
.govsim-projector .widget-label, .govsim-projector .widget-label-basic, .govsim-projector .widget-readout,
.govsim-projector button, .govsim-projector select, .govsim-projector .widget-html-content,
.govsim-projector .widget-checkbox label { font-size: 20px !important; }
.govsim-projector .widget-label { width: auto !important; max-width: none !important; }
.govsim-projector .jupyter-button { width: auto !important; height: auto !important; padding: 4px 14px; }
.govsim-projector .widget-inline-hbox { min-height: 40px; }
.govsim-projector .govsim-sliders { grid-template-columns: repeat(auto-fill, minmax(36em, 1fr)) !important; }
</style>"""


def slider_tooltip(name: str) -> str:
    """A setting's declared meaning, unit and range: its slider's tooltip."""
    spec = setting_spec(name)
    return f"{spec.doc} [{spec.unit or 'no unit'}; {spec.low:g} to {spec.high:g}]"


def make_slider(name: str, value: float | int) -> w.ValueWidget:
    """A slider for one setting, with the declared bounds, the unit in its label and the doc as tooltip."""
    spec = setting_spec(name)
    common = {
        "value": value,
        "min": spec.low,
        "max": spec.high,
        "description": name,
        "tooltip": slider_tooltip(name),
        "continuous_update": False,
        "style": {"description_width": "13em"},
        "layout": w.Layout(width="auto", min_width="26em"),
    }
    if spec.kind is int:
        slider = IntSlider(step=1, **common)
    else:
        slider = FloatSlider(step=(spec.high - spec.low) / 100, readout_format=".2f", **common)
    slider.add_class("govsim-slider")
    slider.add_class(f"govsim-slider-{name.replace('.', '-').replace('_', '-')}")
    return slider


def draw_panels(model: Any, panels: Sequence[str] = PANELS) -> Figure:
    """A matplotlib figure of ``panels`` (names in :mod:`govsim.screen.panels`) for the played
    ``model`` (pyplot-free: nothing is shown twice).

    Raises
    ------
    ValueError
        An unknown panel name (one line, with the closest name and the allowed ones).
    """
    chosen = get_panels(panels)
    cols = min(3, len(panels))
    rows = -(-len(panels) // cols)
    fig = Figure(figsize=(5.2 * cols, 4.8 * rows), dpi=72, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, panel in zip(axes, chosen, strict=False):
        panel.draw(model, ax)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    return fig


def status_html(model: Any, summary: dict[str, Any] | None = None) -> str:
    """One line on the whole run of ``model`` (the round-by-round status is in the view), then
    the measures registered in the notebook by their labels (user text: escaped), in the
    current language (:mod:`govsim.i18n`: its words, numbers and typography).
    ``summary`` is ``model.summary()`` when the caller has it already."""
    from govsim.i18n import _, decimal, percent, signed, typography_html

    if not model.closed_issues:
        said = rule_in_words(model.protocol)  # the rule in words (its code name for one a learner made)
        return typography_html(f"<b>{html_text(said)}</b>: " + _("no issue closed yet."))
    summary = model.summary() if summary is None else summary
    n = summary["n_issues"]
    extra = user_summaries(getattr(model, "measures", ()), model.setup.dimensions)
    more = "".join(f" {html_text(label)}: {summary[key]:.3g}." for key, label in extra)
    issues = _("1 issue negotiated") if n == 1 else _("{n} issues negotiated").format(n=n)
    line = _(
        "{issues}, adopted {adopted}; {rounds} rounds per issue, compliance {compliance}, "
        "non-compliance (capability-weighted) {noncompliance}, worst-off group's gain {gain}."
    ).format(
        issues=issues,
        adopted=percent(summary["adoption_rate"]),
        rounds=decimal(summary["mean_rounds"], 1),
        compliance=percent(summary["mean_compliance"]),
        noncompliance=percent(summary["noncompliance"], 1),
        gain=signed(summary["mean_min_group_gain"], 3),
    )
    return typography_html(f"<b>{html_text(rule_in_words(summary['protocol']))}</b>: {line}" + more)


class Dashboard:
    """The widgets (attributes below) and the state: ``model`` (the run shown, played to the
    end), ``recording``, ``frame`` (the round shown), ``summary``, ``error``."""

    def __init__(
        self,
        model_factory: ModelFactory | None = None,
        scenario: str = "classroom",
        params: Sequence[str] = DEFAULT_PARAMS,
        panels: Sequence[str] = PANELS,
        seed: int = 1,
        speed: int = SPEED,
        projector: bool = False,
    ) -> None:
        choices = scenario_names()
        if is_scenario_file(scenario):  # your own TOML or actor table joins the bundled ones
            choices = [*choices, str(scenario)]
        check_names([scenario], choices, "scenario")
        check_names(params, setting_names(), "setting")
        get_panels(panels)  # unknown names fail here, before any widget is built
        self.factory = model_factory or GovernanceModel
        self.panels = tuple(panels)
        self.model: Any = None
        self.recording: dict[str, Any] = {}
        self._summary: dict[str, Any] = {}
        self.error: str | None = None
        self._quiet = False
        self._moving = False  # the kernel moves the view and the round slider together
        setup = load_scenario(scenario)
        self.scenario = self._dropdown("scenario", choices, str(scenario), "scenario")
        self.protocol = self._dropdown("protocol", protocol_names(), setup.protocol, "protocol")
        self.sliders = {name: make_slider(name, setting_value(setup, name)) for name in params}
        self.seed = w.IntText(value=whole(seed, "seed", 0), description="seed")  # any seed, shown whole
        self.seed.add_class("govsim-seed")
        self.auto = w.Checkbox(value=True, description="rerun when a setting changes", indent=False)
        self.auto.add_class("govsim-auto")
        self.projector = w.Checkbox(value=projector, description="projector mode", indent=False)
        self.projector.add_class("govsim-projector-switch")
        self.run_button = button("Run", "govsim-run", "Rerun the agenda with these settings", "refresh")
        self.reset_button = button(
            "Start", "govsim-reset", "Show the state before the first round", "fast-backward"
        )
        self.back_button = button("Back", "govsim-back", "Show the previous round", "step-backward")
        self.step_button = button("Step", "govsim-step", "Show the next round", "step-forward")
        self.play = w.ToggleButton(
            value=False,
            description="Play",
            icon="play",
            tooltip="Play the recorded rounds / pause",
            layout=w.Layout(width="auto", flex="0 0 auto"),
        )
        self.play.add_class("govsim-play")
        self.speed = IntSlider(
            value=speed, min=SPEEDS[0], max=SPEEDS[1], description="rounds/s", continuous_update=True
        )
        self.speed.add_class("govsim-speed")
        self.round = IntSlider(value=0, min=0, max=0, description="round", continuous_update=True)
        self.round.add_class("govsim-round")
        self.view = RunView(projector=projector, speed=speed, slider=self.round)
        self.status = w.HTML(value="")
        self.status.add_class("govsim-status")
        self.output = w.Output()
        self.output.add_class("govsim-output")
        self._links = [
            w.jslink((self.play, "value"), (self.view, "playing")),
            w.jslink((self.speed, "value"), (self.view, "speed")),
        ]  # the round slider: ``view.slider`` (it follows Play in the browser)
        self._wire()
        self.widget = self._layout()
        self._projector_changed({"new": projector})
        self._protocol_changed({"new": self.protocol.value})
        self.run()

    # ------------------------------------------------------------ construction
    def _dropdown(self, label: str, options: list[str], value: str, css: str) -> w.Dropdown:
        box = Dropdown(options=options, value=value, description=label)
        box.add_class(f"govsim-{css}")
        return box

    def _wire(self) -> None:
        self.run_button.on_click(guard(self, lambda _: self.run()))
        self.reset_button.on_click(guard(self, lambda _: self.show(0)))
        self.back_button.on_click(guard(self, lambda _: self.show(self.frame - 1)))
        self.step_button.on_click(guard(self, lambda _: self.show(self.frame + 1)))
        self.view.observe(self._playing_changed, names="playing")
        self.view.observe(self._frame_changed, names="frame")
        self.round.observe(self._round_changed, names="value")
        self.projector.observe(guard(self, self._projector_changed), names="value")
        self.scenario.observe(guard(self, self._scenario_changed), names="value")
        self.protocol.observe(guard(self, self._protocol_changed), names="value")
        for widget in (self.protocol, self.seed, *self.sliders.values()):
            widget.observe(guard(self, self._setting_changed), names="value")

    def _layout(self) -> w.VBox:
        top = w.HBox([self.scenario, self.protocol, self.seed, self.auto, self.projector])
        sliders = w.GridBox(
            list(self.sliders.values()),
            layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(27em, 1fr))", width="100%"),
        )
        sliders.add_class("govsim-sliders")
        moves = w.HBox(
            [
                self.run_button,
                self.reset_button,
                self.back_button,
                self.play,
                self.step_button,
                self.speed,
                self.round,
            ]
        )
        for row in (top, moves):
            row.add_class("govsim-row")
        box = w.VBox([style_widget(DASHBOARD_CSS), top, sliders, moves, self.view, self.status, self.output])
        box.add_class("govsim-dashboard")
        return live_panel(box)

    def _ipython_display_(self) -> None:
        # with a static copy of the run for HTML exports made without network
        display_panel(self.widget, None if self.model is None else self.figure, alt=self.status_text)

    # ------------------------------------------------------------ callbacks
    def _frame_changed(self, change: Any) -> None:
        """The browser reports the round Play stopped at: the round slider says it too."""
        if not self._moving:
            self.round.value = change["new"]

    def _round_changed(self, change: Any) -> None:
        """The round slider moved (the browser has shown that round already)."""
        if not self._moving and not self.view.playing:
            self.view.frame = change["new"]

    def _protocol_changed(self, change: Any) -> None:
        """Disable the sliders of settings the chosen protocol never reads, the tooltip saying why."""
        unread = settings_unread(change["new"])
        for name, slider in self.sliders.items():
            slider.disabled = name in unread
            slider.tooltip = unread.get(name) or slider_tooltip(name)

    def _playing_changed(self, change: Any) -> None:
        """The Play button says what pressing it does next."""
        playing = bool(change["new"])
        self.play.description, self.play.icon = ("Pause", "pause") if playing else ("Play", "play")

    def _projector_changed(self, change: Any) -> None:
        """Projector mode: bigger everything; the seed and the auto-rerun switch are hidden."""
        on = bool(change["new"])
        self.view.projector = on
        for widget in (self.seed, self.auto):
            widget.layout.display = "none" if on else None
        (self.widget.add_class if on else self.widget.remove_class)("govsim-projector")

    def _scenario_changed(self, change: Any) -> None:
        setup = load_scenario(change["new"])
        self._quiet = True
        try:
            self.protocol.value = setup.protocol
            for name, slider in self.sliders.items():
                slider.value = setting_value(setup, name)
        finally:
            self._quiet = False
        self._setting_changed(change)

    def _setting_changed(self, change: Any) -> None:
        if self._quiet:
            return
        if self.auto.value:
            self.run()
        else:
            self.model = None
            self.status.value = "Settings changed: press <b>Run</b>."

    # ------------------------------------------------------------ actions
    def settings(self) -> dict[str, float | int]:
        """The sliders' values, by parameter name."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def new_model(self) -> Any:
        """A fresh model from the factory with the chosen scenario, rule, seed and sliders."""
        return self.factory(
            self.scenario.value,
            protocol=self.protocol.value,
            rng=whole(self.seed.value, "seed", 0),
            **self.settings(),
        )

    def run(self) -> None:
        """Rerun the agenda with the current settings, record it and show its last round."""
        self.error = None
        if self.output.outputs:
            self.output.outputs = ()
        model = self.new_model()
        self.recording = record_run(model, self.panels)
        self.model = model
        last = len(self.recording["frames"]) - 1
        self._moving = True
        try:
            self.view.show(self.recording, last)  # the picture first: one message
            set_bounded(self.round, last, max=last)  # a shorter run: never clamped on the way
        finally:
            self._moving = False
        self._summary = model.summary()  # after the picture is on its way: it does not need this
        self.status.value = status_html(model, self._summary)

    def show(self, frame: int) -> None:
        """Show recorded round ``frame`` (0 = before the first round; clipped to the run)."""
        if not self.recording:
            self.run()
        frame = max(0, min(len(self.recording["frames"]) - 1, int(frame)))
        self._moving = True
        try:
            self.view.playing = False
            self.view.frame = self.round.value = frame
        finally:
            self._moving = False

    def reset(self) -> None:
        """Rerun with the current settings and show the state before the first round."""
        self.run()
        self.show(0)

    @property
    def frame(self) -> int:
        """The index of the recorded round on screen."""
        return self.view.frame

    @property
    def status_text(self) -> str:
        """The status line of the round shown: which issue and round."""
        return self.view.shown["status"] if self.recording else ""

    @property
    def summary(self) -> dict[str, Any] | None:
        """The run's summary (a copy), or None before a model is built."""
        if self.model is None:
            return None
        return dict(self._summary)

    @property
    def figure(self) -> Figure:
        """A static matplotlib picture of the whole run (offline exports, tests)."""
        if self.model is None:
            raise ValueError("no run to draw yet (press Run)")
        return draw_panels(self.model, self.panels)


def build_dashboard(*args: Any, **kwargs: Any) -> Dashboard:
    """Build the dashboard (display it by leaving it last in a cell, or ``display(dash)``):
    :class:`Dashboard` with the same arguments.

    ``model_factory(scenario, protocol=..., rng=..., **settings)`` builds a model;
    default :class:`GovernanceModel`. ``params`` names the sliders: parameters or ``group.trait``
    (see :func:`govsim.scenarios.setting_names`). ``panels`` names the panels
    (:func:`govsim.screen.panels.panel_names`): the live view draws those with a live drawing,
    the static picture all of them. ``speed`` is Play's rounds per second; ``projector``
    starts in projector mode.
    """
    return Dashboard(*args, **kwargs)


build_dashboard.__signature__ = inspect.signature(Dashboard)  # help() and tab completion show it

__all__ = [
    "Dashboard",
    "build_dashboard",
    "draw_panels",
    "error_html",
    "make_slider",
    "panel_names",
    "render_png",
    "setting_spec",
    "setting_value",
    "show_in",
]
