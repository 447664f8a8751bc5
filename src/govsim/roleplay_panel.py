"""The widget panel for the workshop role-play (logic in :mod:`govsim.roleplay`).

    from govsim.roleplay_panel import build_roleplay_panel
    panel = build_roleplay_panel(teams=["civil_society", "government"])
    panel  # one move menu per team, "Next round", "Show results", save and load

Every widget has a stable ``description`` and a ``govsim-rp-...`` CSS class for browser tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w
from IPython.display import Image, display
from matplotlib.figure import Figure

from govsim import plotting
from govsim.dashboard import error_html, render_png, show_in
from govsim.groups import GROUP_NAMES, Group
from govsim.protocols import protocol_names
from govsim.roleplay import COMPARE_METRICS, Move, RolePlay
from govsim.scenarios import scenario_names


def move_menu(team: str) -> w.Dropdown:
    group = Group.parse(team)
    menu = w.Dropdown(
        options=[(f"{m.value}: {m.meaning}", m.value) for m in Move],
        value=Move.SIMULATED.value,
        description=group.label,
        style={"description_width": "8em"},
        layout=w.Layout(width="44em"),
    )
    menu.add_class("govsim-rp-move")
    menu.add_class(f"govsim-rp-move-{group.value.replace('_', '-')}")
    return menu


def _button(label: str, css: str, tooltip: str) -> w.Button:
    button = w.Button(description=label, tooltip=tooltip, layout=w.Layout(width="auto"))
    button.add_class(css)
    return button


def round_html(play: RolePlay) -> str:
    """Where the session stands and what the text on the table would give each group."""
    model = play.model
    agenda = model.setup.agenda
    if play.finished:
        return f"<b>Agenda finished</b> after {len(play.history)} rounds. Press <b>Show results</b>."
    issue = model.current_issue
    lines = [f"<b>Issue {issue.index + 1}/{len(agenda)}: {issue.name}</b>, round {issue.round + 1} is next."]
    texts = model.texts_on_table()
    if texts:
        gains = model.gains_if_adopted()
        where = ", ".join(f"{d} {v:.2f}" for d, v in zip(model.setup.dimensions, texts[0].text, strict=True))
        cells = ", ".join(f"{Group(g).label} {gains[g]:+.3f}" for g in GROUP_NAMES)
        lines.append(f"Text on the table: {where}. If adopted now, mean gain by group: {cells}.")
    if play.history:
        last = model.rounds.iloc[-1]
        lines.append(f"Last round: {last['objecting_share']:.0%} of those deciding objected.")
    return "<br>".join(lines)


class RolePlayPanel:
    """Widgets (attributes) and state: ``play`` (the :class:`RolePlay`), ``figure``, ``comparison``, ``error``."""

    def __init__(
        self,
        scenario: str = "classroom",
        protocol: str | None = None,
        teams: Sequence[str] = GROUP_NAMES,
        seed: int = 1,
        compare_seeds: Sequence[int] = range(5),
    ) -> None:
        self.compare_seeds = list(compare_seeds)
        self.play = RolePlay(scenario, protocol, tuple(teams), seed)
        self.figure: Figure | None = None
        self.comparison: Any = None
        self.error: str | None = None
        self.scenario = w.Dropdown(options=scenario_names(), value=scenario, description="scenario")
        self.protocol = w.Dropdown(options=protocol_names(), value=self.play.protocol, description="protocol")
        self.seed = w.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed")
        self.teams = w.SelectMultiple(
            options=[(Group(g).label, g) for g in GROUP_NAMES], value=self.play.teams, description="teams"
        )
        self.start_button = _button("Start again", "govsim-rp-start", "New session with these settings")
        self.moves: dict[str, w.Dropdown] = {}
        self.moves_box = w.VBox()
        self.next_button = _button("Next round", "govsim-rp-next", "Apply the moves and play one round")
        self.finish_button = _button("Play to the end", "govsim-rp-finish", "Keep these moves to the end")
        self.results_button = _button(
            "Show results", "govsim-rp-results", "The room next to all-simulated runs"
        )
        self.path = w.Text(value="roleplay.json", description="file")
        self.save_button = _button("Save", "govsim-rp-save", "Save the moves and the outcome as JSON")
        self.load_button = _button("Load", "govsim-rp-load", "Load a saved session and replay it")
        self.status = w.HTML()
        self.output = w.Output(layout=w.Layout(min_height="300px"))
        for widget, css in [
            (self.scenario, "govsim-rp-scenario"),
            (self.protocol, "govsim-rp-protocol"),
            (self.seed, "govsim-rp-seed"),
            (self.teams, "govsim-rp-teams"),
            (self.path, "govsim-rp-path"),
            (self.status, "govsim-rp-status"),
            (self.output, "govsim-rp-output"),
        ]:
            widget.add_class(css)
        self._wire()
        self.widget = self._layout()
        self._new_menus()
        self.redraw()

    def _wire(self) -> None:
        actions: list[tuple[w.Button, Callable[[], None]]] = [
            (self.start_button, self.start),
            (self.next_button, self.next_round),
            (self.finish_button, self.play_to_end),
            (self.results_button, self.show_results),
            (self.save_button, lambda: self.save(self.path.value)),
            (self.load_button, lambda: self.load(self.path.value)),
        ]
        for button, action in actions:
            button.on_click(self._guard(action))

    def _layout(self) -> w.VBox:
        setup = w.HBox([w.VBox([self.scenario, self.protocol, self.seed]), self.teams, self.start_button])
        play = w.HBox([self.next_button, self.finish_button, self.results_button])
        files = w.HBox([self.path, self.save_button, self.load_button])
        box = w.VBox([setup, self.moves_box, play, self.status, self.output, files])
        box.add_class("govsim-roleplay")
        return box

    def _ipython_display_(self) -> None:
        display(self.widget)

    def _guard(self, action: Callable[[], None]) -> Callable[[Any], None]:
        def guarded(_: Any) -> None:
            try:
                self.error = None
                action()
            except Exception as exc:  # shown to the room, kept for tests
                self.error = f"{type(exc).__name__}: {exc}"
                show_in(self.output, error_html(exc))

        return guarded

    def _new_menus(self) -> None:
        self.moves = {team: move_menu(team) for team in self.play.teams}
        self.moves_box.children = list(self.moves.values())

    def _sync_setup(self) -> None:
        self.scenario.value, self.protocol.value = self.play.scenario, self.play.protocol
        self.seed.value, self.teams.value = self.play.seed, self.play.teams
        self._new_menus()

    # ------------------------------------------------------------ actions
    def start(self) -> None:
        """A new session from the setup widgets."""
        self.play = RolePlay(
            self.scenario.value, self.protocol.value, tuple(self.teams.value), self.seed.value
        )
        self.comparison = None
        self._new_menus()
        self.redraw()

    def chosen(self) -> dict[str, str]:
        return {team: menu.value for team, menu in self.moves.items()}

    def next_round(self) -> None:
        self.play.play_round(self.chosen())
        self.redraw()

    def play_to_end(self) -> None:
        self.play.play_to_end(self.chosen())
        self.redraw()

    def redraw(self) -> None:
        model = self.play.model
        fig = Figure(figsize=(12, 4.6), dpi=72)
        fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.2, wspace=0.3)
        left, right = fig.subplots(1, 2)
        plotting.plot_positions(model, ax=left)
        plotting.plot_objections_attendance(model.rounds, ax=right)
        self.figure = fig
        self.status.value = round_html(self.play)
        show_in(self.output, Image(data=render_png(fig), format="png"))

    def show_results(self) -> None:
        """The room's outcome next to the all-simulated runs (same scenario and protocol)."""
        if not self.play.finished:
            raise ValueError("the agenda is not finished yet: play the remaining rounds first")
        self.comparison = self.play.comparison(self.compare_seeds)
        fig = Figure(figsize=(12, 4.8), dpi=72)
        fig.subplots_adjust(left=0.22, right=0.98, top=0.9, bottom=0.22, wspace=0.45)
        left, right = fig.subplots(1, 2)
        plotting.plot_protocol_comparison(self.comparison, ax=left, metrics=COMPARE_METRICS)
        left.set_title(f"Your room vs {len(self.compare_seeds)} all-simulated runs")
        plotting.plot_gains(self.play.model.outcomes, ax=right)
        right.set_title("Your room: who gained on each issue")
        self.figure = fig
        show_in(self.output, Image(data=render_png(fig), format="png"))

    def save(self, path: str | Path) -> None:
        saved = self.play.save(path)
        self.status.value = f"Saved {len(self.play.history)} rounds to <code>{saved}</code>."

    def load(self, path: str | Path) -> None:
        self.play = RolePlay.load(path)
        self.comparison = None
        self._sync_setup()
        self.redraw()
        self.status.value = (
            f"Loaded {len(self.play.history)} rounds from <code>{path}</code>. " + self.status.value
        )


def build_roleplay_panel(
    scenario: str = "classroom",
    protocol: str | None = None,
    teams: Sequence[str] = GROUP_NAMES,
    seed: int = 1,
    compare_seeds: Sequence[int] = range(5),
) -> RolePlayPanel:
    """Build the role-play panel; ``teams`` are the groups played by people in the room."""
    return RolePlayPanel(scenario, protocol, teams, seed, compare_seeds)
