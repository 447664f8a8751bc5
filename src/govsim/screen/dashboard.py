"""The live dashboard: choose a scenario and a protocol, move sliders, and watch the run unfold.

Every change reruns the whole agenda (a classroom run takes a few tens of milliseconds),
records it round by round (:func:`govsim.screen.replay.record_run`) and sends the recording once to
the browser, where :class:`govsim.screen.run_view.RunView` draws it. **Play / Pause** (with a speed
in rounds per second), the round slider and **Back** / **Step** move through the recorded
rounds in the browser: positions move, the text on the table travels with its trail,
objectors are ringed, the attendance and objecting traces grow, and the status line names the
issue and round. **Projector mode** enlarges text, markers and the picture and hides the
controls that only matter to someone reading the code.

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

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from matplotlib.figure import Figure

from govsim.escape import html_text
from govsim.measures import label_of
from govsim.model import GovernanceModel
from govsim.params import check_names
from govsim.protocols import protocol_names
from govsim.scenarios import is_scenario_file, load_scenario, scenario_names
from govsim.screen import plotting
from govsim.screen.display import (
    Dropdown,
    FloatSlider,
    IntSlider,
    display_panel,
    error_html,
    live_panel,
    render_png,
    show_in,
)
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
ALL_PANELS = ("positions", "attendance", "gains", "compliance")
# The static picture (offline exports, ``dash.figure``): what the live view shows, plus who gained.
PANELS = ("positions", "attendance", "gains")
SPEEDS = (1, 30)  # rounds per second the Play control offers
SPEED = 8
PROJECTOR_CSS = """<style>
.govsim-projector .widget-label, .govsim-projector .widget-readout, .govsim-projector button,
.govsim-projector select, .govsim-projector .widget-html-content { font-size: 20px !important; }
.govsim-projector .widget-label { width: auto !important; max-width: none !important; }
.govsim-projector .jupyter-button { width: auto !important; height: auto !important; padding: 4px 14px; }
.govsim-projector .widget-inline-hbox { min-height: 40px; }
.govsim-projector .widget-hbox { flex-wrap: wrap; }
</style>"""


def make_slider(name: str, value: float | int) -> w.ValueWidget:
    """A slider for one setting, with the declared bounds, the unit in its label and the doc as tooltip."""
    spec = setting_spec(name)
    common = {
        "value": value,
        "min": spec.low,
        "max": spec.high,
        "description": name,
        "tooltip": f"{spec.doc} [{spec.unit or 'no unit'}; {spec.low:g} to {spec.high:g}]",
        "continuous_update": False,
        "style": {"description_width": "12em"},
        "layout": w.Layout(width="32em"),
    }
    if spec.kind is int:
        slider = IntSlider(step=1, **common)
    else:
        slider = FloatSlider(step=(spec.high - spec.low) / 100, readout_format=".2f", **common)
    slider.add_class("govsim-slider")
    slider.add_class(f"govsim-slider-{name.replace('.', '-').replace('_', '-')}")
    return slider


def draw_panels(model: Any, panels: Sequence[str] = PANELS) -> Figure:
    """A matplotlib figure of ``panels`` for ``model`` (pyplot-free: nothing is shown twice)."""
    cols = min(3, len(panels))
    rows = -(-len(panels) // cols)
    fig = Figure(figsize=(5.2 * cols, 4.8 * rows), dpi=72, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, panel in zip(axes, panels, strict=False):
        match panel:
            case "positions":
                plotting.plot_positions(model, ax=ax)
            case "path":
                plotting.plot_proposal_path(model.rounds, ax=ax, dimensions=model.setup.dimensions[:2])
            case "attendance":
                plotting.plot_objections_attendance(model.rounds, ax=ax)
            case "gains":
                plotting.plot_gains(model.outcomes, ax=ax)
            case "compliance":
                plotting.plot_compliance(model.outcomes, ax=ax)
            case _:
                raise ValueError(f"panel={panel!r} is unknown (allowed: path, {', '.join(ALL_PANELS)})")
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    return fig


def user_measures(model: Any) -> list[str]:
    """Summary keys of the measures registered in the notebook (not govsim's own)."""
    return [
        key
        for m in getattr(model, "measures", ())
        if not m.builtin
        for key, _ in m.summaries(model.setup.dimensions)
    ]


def status_html(model: Any, summary: dict[str, Any] | None = None) -> str:
    """One line on the whole run of ``model`` (the round-by-round status is in the view), then
    the measures registered in the notebook by their labels (user text: escaped).
    ``summary`` is ``model.summary()`` when the caller has it already."""
    if not model.closed_issues:
        return f"<b>{html_text(model.protocol.name)}</b>: no issue closed yet."
    summary = model.summary() if summary is None else summary
    n = summary["n_issues"]
    more = "".join(f" {html_text(label_of(key))}: {summary[key]:.3g}." for key in user_measures(model))
    return (
        f"<b>{html_text(summary['protocol'])}</b>: {plotting.plural(n, 'issue')} negotiated, adopted "
        f"{summary['adoption_rate']:.0%}; {summary['mean_rounds']:.1f} rounds per issue, compliance "
        f"{summary['mean_compliance']:.0%}, non-compliance (capability-weighted) {summary['noncompliance']:.1%}, worst-off group's "
        f"gain {summary['mean_min_group_gain']:+.3f}." + more
    )


def _button(label: str, icon: str, tooltip: str, css: str) -> w.Button:
    button = w.Button(description=label, icon=icon, tooltip=tooltip, layout=w.Layout(width="auto"))
    button.add_class(css)
    return button


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
        self.factory = model_factory or GovernanceModel
        self.panels = tuple(panels)
        self.model: Any = None
        self.recording: dict[str, Any] = {}
        self._summary: dict[str, Any] = {}
        self.error: str | None = None
        self._quiet = False
        setup = load_scenario(scenario)
        self.scenario = self._dropdown("scenario", choices, str(scenario), "scenario")
        self.protocol = self._dropdown("protocol", protocol_names(), setup.protocol, "protocol")
        self.sliders = {name: make_slider(name, setting_value(setup, name)) for name in params}
        self.seed = w.IntText(value=whole(seed, "seed", 0), description="seed")  # any seed, shown whole
        self.seed.add_class("govsim-seed")
        self.auto = w.Checkbox(value=True, description="rerun when a setting changes")
        self.auto.add_class("govsim-auto")
        self.projector = w.Checkbox(value=projector, description="projector mode")
        self.projector.add_class("govsim-projector-switch")
        self.run_button = _button("Run", "refresh", "Rerun the agenda with these settings", "govsim-run")
        self.reset_button = _button(
            "Start", "fast-backward", "Show the state before the first round", "govsim-reset"
        )
        self.back_button = _button("Back", "step-backward", "Show the previous round", "govsim-back")
        self.step_button = _button("Step", "step-forward", "Show the next round", "govsim-step")
        self.play = w.ToggleButton(
            value=False, description="Play", icon="play", tooltip="Play the recorded rounds / pause"
        )
        self.play.add_class("govsim-play")
        self.speed = IntSlider(
            value=speed, min=SPEEDS[0], max=SPEEDS[1], description="rounds/s", continuous_update=True
        )
        self.speed.add_class("govsim-speed")
        self.round = w.IntSlider(value=0, min=0, max=0, description="round", continuous_update=True)
        self.round.add_class("govsim-round")
        self.view = RunView(projector=projector, speed=speed)
        self.status = w.HTML(value="")
        self.status.add_class("govsim-status")
        self.output = w.Output()
        self.output.add_class("govsim-output")
        self._links = [
            w.jslink((self.play, "value"), (self.view, "playing")),
            w.jslink((self.speed, "value"), (self.view, "speed")),
            w.jslink((self.round, "value"), (self.view, "frame")),
        ]
        self._wire()
        self.widget = self._layout()
        self._projector_changed({"new": projector})
        self.run()

    # ------------------------------------------------------------ construction
    def _dropdown(self, label: str, options: list[str], value: str, css: str) -> w.Dropdown:
        box = Dropdown(options=options, value=value, description=label)
        box.add_class(f"govsim-{css}")
        return box

    def _wire(self) -> None:
        self.run_button.on_click(self._guard(lambda _: self.run()))
        self.reset_button.on_click(self._guard(lambda _: self.show(0)))
        self.back_button.on_click(self._guard(lambda _: self.show(self.frame - 1)))
        self.step_button.on_click(self._guard(lambda _: self.show(self.frame + 1)))
        self.view.observe(self._playing_changed, names="playing")
        self.projector.observe(self._guard(self._projector_changed), names="value")
        self.scenario.observe(self._guard(self._scenario_changed), names="value")
        for widget in (self.protocol, self.seed, *self.sliders.values()):
            widget.observe(self._guard(self._setting_changed), names="value")

    def _layout(self) -> w.VBox:
        top = w.HBox([self.scenario, self.protocol, self.seed, self.auto, self.projector])
        sliders = w.GridBox(
            list(self.sliders.values()), layout=w.Layout(grid_template_columns="repeat(2, 34em)")
        )
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
        box = w.VBox([w.HTML(PROJECTOR_CSS), top, sliders, moves, self.view, self.status, self.output])
        box.add_class("govsim-dashboard")
        return live_panel(box)

    def _ipython_display_(self) -> None:
        # with a static copy of the run for HTML exports made without network
        display_panel(self.widget, None if self.model is None else self.figure, alt=self.status_text)

    # ------------------------------------------------------------ callbacks
    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a callback so any error is shown in the output area instead of vanishing."""

        def guarded(change: Any) -> None:
            try:
                callback(change)
            except Exception as exc:  # shown to the user, kept for tests
                self.error = f"{type(exc).__name__}: {exc}"
                show_in(self.output, error_html(exc))

        return guarded

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
        return {name: slider.value for name, slider in self.sliders.items()}

    def new_model(self) -> Any:
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
        self.recording = record_run(model)
        self.model = model
        last = len(self.recording["frames"]) - 1
        self.view.show(self.recording, last)  # the picture first: one message
        self.round.max = last
        self.round.value = last
        self._summary = model.summary()  # after the picture is on its way: it does not need this
        self.status.value = status_html(model, self._summary)

    def show(self, frame: int) -> None:
        """Show recorded round ``frame`` (0 = before the first round; clipped to the run)."""
        if not self.recording:
            self.run()
        frame = max(0, min(len(self.recording["frames"]) - 1, int(frame)))
        self.view.playing = False
        self.view.frame = self.round.value = frame

    def reset(self) -> None:
        """Rerun with the current settings and show the state before the first round."""
        self.run()
        self.show(0)

    @property
    def frame(self) -> int:
        return self.view.frame

    @property
    def status_text(self) -> str:
        """The status line of the round shown: which issue and round."""
        return self.view.shown["status"] if self.recording else ""

    @property
    def summary(self) -> dict[str, Any] | None:
        if self.model is None:
            return None
        return dict(self._summary)

    @property
    def figure(self) -> Figure:
        """A static matplotlib picture of the whole run (offline exports, tests)."""
        if self.model is None:
            raise ValueError("no run to draw yet (press Run)")
        return draw_panels(self.model, self.panels)


def build_dashboard(
    model_factory: ModelFactory | None = None,
    scenario: str = "classroom",
    *,
    params: Sequence[str] = DEFAULT_PARAMS,
    panels: Sequence[str] = PANELS,
    seed: int = 1,
    speed: int = SPEED,
    projector: bool = False,
) -> Dashboard:
    """Build the dashboard (display it by leaving it last in a cell, or ``display(dash)``).

    ``model_factory(scenario, protocol=..., rng=..., **settings)`` builds a model;
    default :class:`GovernanceModel`. ``params`` names the sliders: parameters or ``group.trait``
    (see :func:`govsim.scenarios.setting_names`). ``speed`` is Play's rounds per second;
    ``projector`` starts in projector mode; ``panels`` are the static picture's panels.
    """
    return Dashboard(
        model_factory, scenario, params=params, panels=panels, seed=seed, speed=speed, projector=projector
    )


__all__ = [
    "Dashboard",
    "build_dashboard",
    "draw_panels",
    "error_html",
    "make_slider",
    "render_png",
    "setting_spec",
    "setting_value",
    "show_in",
]
