"""An ipywidgets dashboard: choose a scenario and a protocol, move sliders, run, step, reset.

Presentation only. The sliders are generated from the parameter declarations
(:func:`govsim.params.parameter_specs` and :func:`govsim.population.profile_specs`): bounds,
defaults, units and tooltips are read from there, never typed again. The dashboard takes a
``model_factory`` so tests and notebooks can hand it any model with the same interface.

    from govsim.dashboard import build_dashboard
    dash = build_dashboard()
    dash  # displays it; dash.model and dash.summary hold its state

Every widget carries a stable ``description`` and a CSS class ``govsim-...`` for browser tests.
"""

from __future__ import annotations

import html
import io
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from IPython import get_ipython
from IPython.display import HTML, Image, clear_output, display
from matplotlib.figure import Figure

from govsim import plotting
from govsim.measures import label_of
from govsim.model import GovernanceModel
from govsim.params import check_names
from govsim.protocols import protocol_names
from govsim.scenarios import is_scenario_file, load_scenario, scenario_names
from govsim.settings import setting_names, setting_spec, setting_value

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
# Two panels by default: where the texts land and who gains. Each matplotlib panel costs about
# 100 ms to render on a 2-core laptop, and a slider must redraw within 250 ms; pass
# ``panels=ALL_PANELS`` for the full picture.
PANELS = ("positions", "gains")


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
        slider = w.IntSlider(step=1, **common)
    else:
        slider = w.FloatSlider(step=(spec.high - spec.low) / 100, readout_format=".2f", **common)
    slider.add_class("govsim-slider")
    slider.add_class(f"govsim-slider-{name.replace('.', '-').replace('_', '-')}")
    return slider


def render_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def draw_panels(model: Any, panels: Sequence[str] = PANELS) -> Figure:
    """A figure of ``panels`` for ``model`` (a pyplot-free Figure: nothing is shown twice)."""
    rows = (len(panels) + 1) // 2
    fig = Figure(figsize=(12, 4.4 * rows), dpi=72)  # fixed margins: constrained layout costs ~0.3 s
    fig.subplots_adjust(
        left=0.09, right=0.97, top=1 - 0.45 / (4.4 * rows), bottom=1.0 / (4.4 * rows), hspace=0.6, wspace=0.32
    )
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
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


def status_html(model: Any) -> str:
    """One line on where the run stands, from public model state."""
    agenda = model.setup.agenda
    done = len(model.closed_issues)
    if not done:
        return f"<b>{model.protocol.name}</b>: {len(model.rounds)} rounds so far, no issue closed yet."
    s = model.summary()
    # measures registered in the notebook, by their registered labels (user text: escaped)
    extra = "".join(
        f" {html.escape(label_of(key))}: {s[key]:.3g}."
        for m in getattr(model, "measures", ())
        if not m.builtin
        for key, _ in m.summaries(model.setup.dimensions)
    )
    return (
        f"<b>{s['protocol']}</b>: {done}/{len(agenda)} issues closed; adopted {s['adoption_rate']:.0%}, "
        f"{s['mean_rounds']:.1f} rounds per issue, compliance {s['mean_compliance']:.0%}, "
        f"fragmentation {s['fragmentation']:.1%}, worst-off group's gain {s['mean_min_group_gain']:+.3f}."
        + extra
    )


def _in_kernel() -> bool:
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Dashboard:
    """The widgets (attributes below) and the state: ``model``, ``summary``, ``figure``, ``error``."""

    def __init__(
        self,
        model_factory: ModelFactory | None = None,
        scenario: str = "classroom",
        params: Sequence[str] = DEFAULT_PARAMS,
        panels: Sequence[str] = PANELS,
        seed: int = 1,
    ) -> None:
        choices = scenario_names()
        if is_scenario_file(scenario):  # your own TOML or actor table joins the bundled ones
            choices = [*choices, str(scenario)]
        check_names([scenario], choices, "scenario")
        check_names(params, setting_names(), "setting")
        self.factory = model_factory or GovernanceModel
        self.panels = tuple(panels)
        self.model: Any = None
        self.figure: Figure | None = None
        self.error: str | None = None
        self._quiet = False
        setup = load_scenario(scenario)
        self.scenario = self._dropdown("scenario", choices, str(scenario), "scenario")
        self.protocol = self._dropdown("protocol", protocol_names(), setup.protocol, "protocol")
        self.sliders = {name: make_slider(name, setting_value(setup, name)) for name in params}
        self.seed = w.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed")
        self.seed.add_class("govsim-seed")
        self.auto = w.Checkbox(value=True, description="rerun when a setting changes")
        self.auto.add_class("govsim-auto")
        self.run_button = self._button("Run", "play", "Run to the end of the agenda", "govsim-run")
        self.step_button = self._button("Step", "step-forward", "Play one round", "govsim-step")
        self.reset_button = self._button("Reset", "undo", "Start again with these settings", "govsim-reset")
        self.status = w.HTML(value="")
        self.status.add_class("govsim-status")
        self.output = w.Output(layout=w.Layout(min_height="300px"))
        self.output.add_class("govsim-output")
        self._wire()
        self.widget = self._layout()
        self.reset()

    # ------------------------------------------------------------ construction
    def _dropdown(self, label: str, options: list[str], value: str, css: str) -> w.Dropdown:
        box = w.Dropdown(options=options, value=value, description=label)
        box.add_class(f"govsim-{css}")
        return box

    def _button(self, label: str, icon: str, tooltip: str, css: str) -> w.Button:
        button = w.Button(description=label, icon=icon, tooltip=tooltip)
        button.add_class(css)
        return button

    def _wire(self) -> None:
        self.run_button.on_click(self._guard(lambda _: self.run()))
        self.step_button.on_click(self._guard(lambda _: self.step()))
        self.reset_button.on_click(self._guard(lambda _: self.reset()))
        self.scenario.observe(self._guard(self._scenario_changed), names="value")
        for widget in (self.protocol, self.seed, *self.sliders.values()):
            widget.observe(self._guard(self._setting_changed), names="value")

    def _layout(self) -> w.VBox:
        top = w.HBox([self.scenario, self.protocol, self.seed])
        buttons = w.HBox([self.run_button, self.step_button, self.reset_button, self.auto])
        sliders = w.GridBox(
            list(self.sliders.values()), layout=w.Layout(grid_template_columns="repeat(2, 34em)")
        )
        box = w.VBox([top, sliders, buttons, self.status, self.output])
        box.add_class("govsim-dashboard")
        return box

    def _ipython_display_(self) -> None:
        display(self.widget)

    # ------------------------------------------------------------ callbacks
    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a callback so any error is shown in the output area instead of vanishing."""

        def guarded(change: Any) -> None:
            try:
                callback(change)
            except Exception as exc:  # shown to the user, kept for tests
                self.error = f"{type(exc).__name__}: {exc}"
                self._show(error_html(exc))

        return guarded

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
            self.reset(draw=False)
            self.run()
        else:
            self.model = None
            self.status.value = "Settings changed: press <b>Reset</b>, <b>Step</b> or <b>Run</b>."

    # ------------------------------------------------------------ actions
    def settings(self) -> dict[str, float | int]:
        return {name: slider.value for name, slider in self.sliders.items()}

    def new_model(self) -> Any:
        return self.factory(
            self.scenario.value, protocol=self.protocol.value, rng=int(self.seed.value), **self.settings()
        )

    def reset(self, draw: bool = True) -> None:
        """A fresh model with the current settings, before its first round."""
        self.error = None
        self.model = self.new_model()
        if draw:
            self.redraw()

    def step(self) -> None:
        """Play one round (starting afresh when the last run has finished)."""
        if self.model is None or not self.model.running:
            self.reset(draw=False)
        self.model.step()
        self.redraw()

    def run(self) -> None:
        """Play to the end of the agenda (starting afresh when the last run has finished)."""
        if self.model is None or not self.model.running:
            self.reset(draw=False)
        self.model.run()
        self.redraw()

    @property
    def summary(self) -> dict[str, Any] | None:
        return None if self.model is None or not self.model.closed_issues else self.model.summary()

    def redraw(self) -> None:
        self.error = None
        self.figure = draw_panels(self.model, self.panels)
        self.status.value = status_html(self.model)
        self._show(Image(data=render_png(self.figure), format="png"))

    def _show(self, obj: Any) -> None:
        show_in(self.output, obj)


def show_in(output: w.Output, obj: Any) -> None:
    """Replace what ``output`` shows with ``obj``. In a kernel: ``clear_output(wait=True)`` then
    display (no flicker); without one (tests, benchmarks) the outputs are set directly."""
    if _in_kernel():
        with output:
            clear_output(wait=True)
            display(obj)
    else:
        output.outputs = ()
        output.append_display_data(obj)


def error_html(exc: Exception) -> HTML:
    """An error as the user sees it in an output area: the one-line message, then where it came from."""
    detail = traceback.format_exc(limit=3)
    return HTML(f"<pre style='color:#b00'>{type(exc).__name__}: {exc}\n\n{detail}</pre>")


def build_dashboard(
    model_factory: ModelFactory | None = None,
    scenario: str = "classroom",
    *,
    params: Sequence[str] = DEFAULT_PARAMS,
    panels: Sequence[str] = PANELS,
    seed: int = 1,
) -> Dashboard:
    """Build the dashboard (display it by leaving it last in a cell, or ``display(dash.widget)``).

    ``model_factory(scenario, protocol=..., rng=..., **settings)`` builds a model;
    default :class:`GovernanceModel`. ``params`` names the sliders: parameters or ``group.trait``
    (see :func:`govsim.settings.setting_names`).
    """
    return Dashboard(model_factory, scenario, params=params, panels=panels, seed=seed)
