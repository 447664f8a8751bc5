"""The hot-seat role-play panel: one screen, the facilitator enters the teams' moves (logic in
:mod:`govsim.roleplay`; every team on its own device: :mod:`govsim.roleplay.serve`).

    from govsim.roleplay.panel import build_roleplay_panel
    panel = build_roleplay_panel(teams=["civil_society", "government"], issues=2, budget=4)
    panel  # plan, role cards, caucus countdown, one move menu per team, "Next round", debrief

Each round: **Start caucus** runs the countdown in the browser (``+1 min`` extends it, **Skip**
ends it); teams hand their moves in on paper; the facilitator sets them (an ``amend`` move gets
its text point) and presses **Next round**, which reveals the moves and plays the round. The
session's rules (issues, round budget, fallback decision) are shown before the first round.
When the agenda is done, **Show results** is the debrief: each team's gain against all-simulated
runs (percentile), the room's numbers and a small landscape; **Debrief sheet** and **Role cards**
write printable HTML next to the session file.

Every widget has a stable ``description`` and a ``govsim-rp-...`` CSS class for browser tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w
from IPython.display import Image
from matplotlib.figure import Figure

from govsim import safefiles
from govsim.escape import html_text as esc
from govsim.groups import GROUP_NAMES, Group
from govsim.protocols import protocol_names
from govsim.roleplay.cards import cards_html, role_card
from govsim.roleplay.debrief import (
    DEBRIEF_SEEDS,
    Debrief,
    debrief,
    debrief_figure,
    debrief_sheet_html,
    debrief_tables_html,
    projector_figure,
)
from govsim.roleplay.plan import CAUCUS_MAX, CAUCUS_SECONDS, EXTEND_SECONDS, Fallback, SessionPlan, max_rounds
from govsim.roleplay.session import Move, RolePlay, said_point, scales_of, to_model_units
from govsim.scenarios import load_scenario, scenario_names
from govsim.screen.display import (
    BoundedFloatText,
    BoundedIntText,
    Dropdown,
    Play,
    display_panel,
    guard,
    live_panel,
    render_png,
    set_bounded,
    show_in,
)
from govsim.screen.display import button as _button
from govsim.values import whole

BIG = "font-size: 1.25em; line-height: 1.45;"


def _typed(value: float) -> float:
    """``value`` as a box shows it for typing: with the float noise of a unit conversion
    removed (0.35000000000000003 -> 0.35), never rounded to another number."""
    for digits in (2, 6, 12):
        short = round(value, digits)
        if math.isclose(short, value, rel_tol=1e-12, abs_tol=1e-12):
            return short
    return value


def move_menu(team: str) -> w.Dropdown:
    """A team's move menu: short option names (what each does is shown beside it, wrapped)."""
    group = Group.parse(team)
    menu = Dropdown(
        options=[(m.value, m.value) for m in Move],
        value=Move.SIMULATED.value,
        description=group.label,
        style={"description_width": "8em"},
        layout=w.Layout(width="20em"),
    )
    menu.add_class("govsim-rp-move")
    menu.add_class(f"govsim-rp-move-{group.value.replace('_', '-')}")
    return menu


def round_html(play: RolePlay, shown: bool = False) -> str:
    """Where the session stands and what the text on the table would give each group.

    ``shown``: the results are on screen, so the status no longer asks for them."""
    model = play.model
    agenda = model.setup.agenda
    budget = model.setup.params.max_rounds
    if play.finished:
        done = f"<b>Agenda finished</b> after {len(play.history)} rounds."
        lines = [
            done + (" The debrief is below." if shown else " Press <b>Show results</b> for the debrief.")
        ]
    else:
        issue = model.current_issue
        lines = [
            f"<b>Issue {issue.index + 1}/{len(agenda)}: {esc(issue.name)}</b>, "
            f"round {issue.round + 1} of at most {budget} is next."
        ]
        texts = model.texts_on_table()
        if texts:
            gains = model.gains_if_adopted()
            where = ", ".join(
                f"{esc(d)} {v:.2f}" for d, v in zip(model.setup.dimensions, texts[0].text, strict=True)
            )
            cells = ", ".join(f"{Group(g).label} {v:+.3f}" for g, v in gains.items() if v == v)
            lines.append(f"Text on the table: {where}. If adopted now, mean gain by group: {cells}.")
    if play.history:
        record = play.history[-1]
        last = model.rounds.iloc[-1]
        share = last["objecting_share"]
        said = f"{share:.0%} of those deciding objected" if share == share else "nobody decided"
        lines.append(f"Last round (issue {record['issue'] + 1}, round {record['round']}): {said}.")
        moves = ", ".join(
            f"{Group.parse(t).label} {m}"
            + (
                f" ({said_point(play.setup, record['amendments'][t])})"
                if t in record.get("amendments", {})
                else ""
            )
            for t, m in record["moves"].items()
        )
        lines.append(f"Moves revealed: {esc(moves)}.")
    return f"<div style='{BIG}'>" + "<br>".join(lines) + "</div>"


class RolePlayPanel:
    """Widgets (attributes) and state: ``play`` (the :class:`RolePlay`), ``figure``,
    ``comparison`` (room vs all-simulated summaries), ``debrief`` and ``error``."""

    def __init__(
        self,
        scenario: str = "classroom",
        protocol: str | None = None,
        teams: Sequence[str] = (),
        seed: int = 1,
        compare_seeds: Sequence[int] = DEBRIEF_SEEDS,
        plan: SessionPlan | None = None,
    ) -> None:
        self.compare_seeds = list(compare_seeds)
        self.play = RolePlay(scenario, protocol, tuple(teams), seed, plan or SessionPlan())
        self.figure: Figure | None = None
        self.comparison: Any = None
        self.debrief: Debrief | None = None
        self.error: str | None = None
        self._setup_widgets()
        self._round_widgets()
        self._wire()
        self.widget = self._layout()
        self._new_menus()
        self.redraw()

    # ------------------------------------------------------------ widgets
    def _setup_widgets(self) -> None:
        play, plan = self.play, self.play.plan
        agenda = len(load_scenario(play.scenario).agenda)
        self.scenario = Dropdown(options=scenario_names(), value=play.scenario, description="scenario")
        self.protocol = Dropdown(options=protocol_names(), value=play.protocol, description="protocol")
        self.seed = w.IntText(value=play.seed, description="seed")  # any seed a file holds, shown whole
        self.teams = w.SelectMultiple(
            options=[(Group(g).label, g) for g in GROUP_NAMES], value=play.teams, description="teams"
        )
        self.issues = BoundedIntText(value=plan.issues or agenda, min=1, max=agenda, description="issues")
        self.budget = BoundedIntText(  # the bounds are SessionPlan's own (0: the scenario's deadline)
            value=plan.budget or 0, min=0, max=max_rounds(), description="budget",
            tooltip="round budget per issue (0: the scenario's own deadline)",
        )  # fmt: skip
        self.fallback = Dropdown(
            options=[(f"{f.value}: {f.statement}", f.value) for f in Fallback],
            value=plan.fallback.value,
            description="fallback",
            layout=w.Layout(width="36em"),
        )
        self.caucus_seconds = BoundedIntText(
            value=plan.caucus_seconds, min=0, max=CAUCUS_MAX, step=30, description="caucus (s)"
        )
        self.start_button = _button("Start again", "govsim-rp-start", "New session with these settings")
        self.cards_button = _button(
            "Role cards", "govsim-rp-cards", "Write printable role cards next to the file"
        )
        self.announcement = w.HTML()
        for widget, css in [
            (self.scenario, "govsim-rp-scenario"),
            (self.protocol, "govsim-rp-protocol"),
            (self.seed, "govsim-rp-seed"),
            (self.teams, "govsim-rp-teams"),
            (self.issues, "govsim-rp-issues"),
            (self.budget, "govsim-rp-budget"),
            (self.fallback, "govsim-rp-fallback"),
            (self.caucus_seconds, "govsim-rp-caucus-seconds"),
            (self.announcement, "govsim-rp-announcement"),
        ]:
            widget.add_class(css)

    def _round_widgets(self) -> None:
        self.clock = Play(value=0, min=0, max=self.play.plan.caucus_seconds, interval=1000, show_repeat=False)
        self.clock_text = w.HTML()
        self.caucus_button = _button("Start caucus", "govsim-rp-caucus", "Start the caucus countdown")
        self.extend_button = _button(f"+{EXTEND_SECONDS // 60} min", "govsim-rp-extend", "More caucus time")
        self.skip_button = _button("Skip", "govsim-rp-skip", "End the caucus now")
        self.moves: dict[str, w.Dropdown] = {}
        self.meanings: dict[str, w.HTML] = {}
        self.points: dict[str, list[w.BoundedFloatText]] = {}
        self.moves_box = w.VBox()
        self.secret = w.Checkbox(
            value=False, description="hide the move menus (secret moves: enter them unseen)"
        )
        self.secret.add_class("govsim-rp-secret")
        self.secret.observe(lambda _: self._hide_moves(), names="value")
        self.next_button = _button("Next round", "govsim-rp-next", "Reveal the moves and play one round")
        self.finish_button = _button("Play to the end", "govsim-rp-finish", "Keep these moves to the end")
        self.results_button = _button(
            "Show results", "govsim-rp-results", "The debrief: the room vs all-simulated runs"
        )
        self.path = w.Text(value="roleplay.json", description="file")
        self.save_button = _button("Save", "govsim-rp-save", "Save the moves and the outcome as JSON")
        self.load_button = _button("Load", "govsim-rp-load", "Load a saved (or served, exported) session")
        self.sheet_button = _button("Debrief sheet", "govsim-rp-sheet", "Write the printable debrief sheet")
        self.status = w.HTML()
        self.debrief_html = w.HTML()
        self.output = w.Output(layout=w.Layout(min_height="300px"))
        for widget, css in [
            (self.clock, "govsim-rp-clock"),
            (self.clock_text, "govsim-rp-clock-text"),
            (self.path, "govsim-rp-path"),
            (self.status, "govsim-rp-status"),
            (self.debrief_html, "govsim-rp-debrief"),
            (self.output, "govsim-rp-output"),
        ]:
            widget.add_class(css)
        self.clock.observe(lambda _: self._tick(), names=["value", "max"])
        self.clock_text.value = "<b style='font-size: 1.6em'>Caucus: press Start caucus</b>"

    def _wire(self) -> None:
        actions: list[tuple[w.Button, Callable[[], None]]] = [
            (self.start_button, self.start),
            (self.cards_button, self.write_cards),
            (self.caucus_button, self.start_caucus),
            (self.extend_button, self.extend),
            (self.skip_button, self.skip),
            (self.next_button, self.next_round),
            (self.finish_button, self.play_to_end),
            (self.results_button, self.show_results),
            (self.save_button, lambda: self.save(self.path.value)),
            (self.load_button, lambda: self.load(self.path.value)),
            (self.sheet_button, self.write_sheet),
        ]
        for button, action in actions:
            button.on_click(guard(self, lambda _, act=action: act()))

    def _layout(self) -> w.VBox:
        setup = w.HBox([w.VBox([self.scenario, self.protocol, self.seed]), self.teams])
        plan = w.HBox([w.VBox([self.issues, self.budget, self.caucus_seconds]), w.VBox([self.fallback])])
        starts = w.HBox([self.start_button, self.cards_button])
        caucus = w.HBox(
            [self.caucus_button, self.clock, self.clock_text, self.extend_button, self.skip_button]
        )
        play = w.HBox([self.next_button, self.finish_button, self.results_button])
        files = w.HBox([self.path, self.save_button, self.load_button, self.sheet_button])
        box = w.VBox(
            [setup, plan, starts, self.announcement, caucus, self.secret, self.moves_box, play, self.status,
             self.output, self.debrief_html, files]
        )  # fmt: skip
        box.add_class("govsim-roleplay")
        return live_panel(box)

    def _ipython_display_(self) -> None:
        display_panel(self.widget, self.figure, alt="The role-play: positions and who attends and objects")

    def _new_menus(self) -> None:
        self.moves, self.meanings, self.points = {}, {}, {}
        rows = []
        setup = self.play.setup
        start = setup.in_file_units(setup.agenda[0].draft or setup.agenda[0].status_quo)
        for team in self.play.teams:
            menu = move_menu(team)
            meaning = w.HTML(layout=w.Layout(width="34em"))  # wraps: long explanations stay readable
            points = [
                BoundedFloatText(value=_typed(float(v)), min=scale.low, max=scale.high,
                                   step=(scale.high - scale.low) / 20, description=d,
                                   layout=w.Layout(width="14em", display="none"))
                for d, v, scale in zip(setup.dimensions, start, scales_of(setup), strict=True)
            ]  # fmt: skip
            for box in points:
                box.add_class("govsim-rp-amend")
            menu.observe(lambda _, t=team: self._show_move(t), names="value")
            self.moves[team], self.meanings[team], self.points[team] = menu, meaning, points
            rows.append(w.HBox([menu, meaning, *points]))
            self._show_move(team)
        self.moves_box.children = rows

    def _hide_moves(self) -> None:
        self.moves_box.layout.display = "none" if self.secret.value else ""

    def _show_move(self, team: str) -> None:
        card = role_card(self.play.setup, team, self.play.protocol)
        self.meanings[team].value = f"<i>{esc(dict(card.moves)[self.moves[team].value])}</i>"
        for box in self.points[team]:
            box.layout.display = "" if self.moves[team].value == Move.AMEND.value else "none"

    def _sync_setup(self) -> None:
        play = self.play
        self.scenario.value, self.protocol.value = play.scenario, play.protocol
        self.seed.value, self.teams.value = play.seed, play.teams
        agenda = len(load_scenario(play.scenario).agenda)
        set_bounded(self.issues, play.plan.issues or agenda, max=agenda)  # one check, no clamping
        self.budget.value = play.plan.budget or 0
        self.fallback.value = play.plan.fallback.value
        self.caucus_seconds.value = play.plan.caucus_seconds
        self._new_menus()

    # ------------------------------------------------------------ actions
    def plan_from_widgets(self) -> SessionPlan:
        """The :class:`SessionPlan` the setup widgets say: issues (None for the whole agenda),
        round budget per issue (None for 0: the scenario's own deadline), fallback and caucus
        length in seconds."""
        agenda = len(load_scenario(self.scenario.value).agenda)
        return SessionPlan(
            issues=None if self.issues.value >= agenda else self.issues.value,
            budget=self.budget.value or None,
            fallback=self.fallback.value,
            caucus_seconds=self.caucus_seconds.value,
        )

    def start(self) -> None:
        """A new session from the setup widgets."""
        self.play = RolePlay(
            self.scenario.value, self.protocol.value, tuple(self.teams.value),
            whole(self.seed.value, "seed", 0), self.plan_from_widgets(),
        )  # fmt: skip
        self.comparison = self.debrief = None
        self.debrief_html.value = ""
        self._new_menus()
        self.redraw()

    def chosen(self) -> dict[str, str]:
        """Each team's move as its menu shows it now: team -> :class:`Move` value."""
        return {team: menu.value for team, menu in self.moves.items()}

    def amendments(self) -> dict[str, list[float]]:
        """The text points of the teams whose menu says ``amend``: team -> (K,) point, typed in
        the scenario's units and given in the model's [0, 1] (:func:`to_model_units`)."""
        return {
            team: to_model_units(self.play.setup, [box.value for box in self.points[team]])
            for team, move in self.chosen().items()
            if move == Move.AMEND.value
        }

    def start_caucus(self) -> None:
        """Start the countdown (it runs in the browser: the Play widget ticks once a second)."""
        set_bounded(self.clock, 0, max=max(1, self.caucus_seconds.value))
        self.clock.playing = True
        self._tick()

    def extend(self) -> None:
        """Give the running caucus ``EXTEND_SECONDS`` (60 s) more."""
        self.clock.max += EXTEND_SECONDS

    def skip(self) -> None:
        """End the caucus now: the countdown stops at zero."""
        self.clock.playing = False
        self.clock.value = self.clock.max

    def _tick(self) -> None:
        left = max(0, self.clock.max - self.clock.value)
        text = f"{left // 60}:{left % 60:02d} left" if left else "time is up: secret moves"
        self.clock_text.value = f"<b style='font-size: 1.6em'>Caucus: {text}</b>"

    def next_round(self) -> None:
        """Stop the countdown, play one round with the chosen moves and amendments, redraw."""
        self.clock.playing = False
        self.play.play_round(self.chosen(), self.amendments())
        self.redraw()

    def play_to_end(self) -> None:
        """Play every remaining round with the moves chosen now, then redraw."""
        self.play.play_to_end(self.chosen(), self.amendments())
        self.redraw()

    def redraw(self) -> None:
        """The projector view: status in large type and a figure at >= 100 dpi."""
        self.announcement.value = (
            f"<div style='{BIG}'><b>The rules of this session.</b> {esc(self.play.announcement)}</div>"
        )
        self.figure = projector_figure(self.play)
        self.status.value = round_html(self.play, shown=self.debrief is not None)
        show_in(self.output, Image(data=render_png(self.figure), format="png"))

    def show_results(self) -> None:
        """The debrief: each team's gain against all-simulated runs of the same session, the
        room's numbers, and where the room sits on a small landscape."""
        if not self.play.finished:
            raise ValueError("the agenda is not finished yet: play the remaining rounds first")
        self.debrief = debrief(self.play, self.compare_seeds)
        room = {"seed": self.play.seed, **self.play.model.summary(), "protocol": "your room"}
        sims = self.debrief.simulated.assign(protocol="all simulated")
        import pandas as pd

        self.comparison = pd.concat([pd.DataFrame([room]), sims], ignore_index=True)
        self.figure = debrief_figure(self.debrief)
        self.status.value = round_html(self.play, shown=True)
        self.debrief_html.value = debrief_tables_html(self.debrief, BIG)
        show_in(self.output, Image(data=render_png(self.figure), format="png"))

    def _beside(self, suffix: str) -> Path:
        path = Path(self.path.value)
        target = path.with_name(f"{path.stem}-{suffix}.html")
        if target.is_symlink():
            raise ValueError(f"{target} is a symbolic link: give the file another name")
        return target

    def write_cards(self) -> None:
        """Write the role cards as ``<stem>-cards.html`` beside the file named in the
        panel's file box (one card per printed page).

        Raises
        ------
        ValueError
            That file name is a symbolic link (nothing is written through it).
        """
        target = self._beside("cards")
        safefiles.write_text(target, cards_html(self.play.setup, self.play.protocol, self.play.teams))
        self.status.value = f"Role cards written to <code>{esc(target)}</code> (one card per printed page)."

    def write_sheet(self) -> None:
        """Write the debrief sheet as ``<stem>-debrief.html`` beside the file named in the panel's file box.

        Raises
        ------
        ValueError
            No debrief yet (press Show results first), or that file name is a symbolic link.
        """
        if self.debrief is None:
            raise ValueError("no debrief yet: finish the agenda and press Show results first")
        target = self._beside("debrief")
        safefiles.write_text(target, debrief_sheet_html(self.debrief))
        self.status.value = f"Debrief sheet written to <code>{esc(target)}</code>."

    def save(self, path: str | Path) -> None:
        """Save the session (setup and every round's moves) as JSON to ``path``, replacing the
        file atomically (:meth:`RolePlay.save`), and say so in the status line."""
        saved = self.play.save(path)
        self.status.value = f"Saved {len(self.play.history)} rounds to <code>{esc(saved)}</code>."

    def load(self, path: str | Path) -> None:
        """Resume the session saved at ``path`` (its rounds replayed from the seed), set the
        setup widgets to it and redraw; any earlier debrief is dropped.

        Raises
        ------
        ValueError
            The file is not a session file; one line names the file and the field.
        """
        self.play = RolePlay.load(path)
        self.comparison = self.debrief = None
        self.debrief_html.value = ""
        self._sync_setup()
        self.redraw()
        self.status.value = (
            f"Loaded {len(self.play.history)} rounds from <code>{esc(path)}</code>. " + self.status.value
        )


def build_roleplay_panel(
    scenario: str = "classroom",
    protocol: str | None = None,
    teams: Sequence[str] = (),
    seed: int = 1,
    compare_seeds: Sequence[int] = DEBRIEF_SEEDS,
    issues: int | None = None,
    budget: int | None = None,
    fallback: str = "status_quo",
    caucus_seconds: int = CAUCUS_SECONDS,
) -> RolePlayPanel:
    """Build the hot-seat panel; ``teams`` are the groups played by people in the room;
    ``issues``, ``budget`` and ``fallback`` fit the session to the slot (see
    :class:`~govsim.roleplay.plan.SessionPlan`)."""
    plan = SessionPlan(issues=issues, budget=budget, fallback=fallback, caucus_seconds=caucus_seconds)
    return RolePlayPanel(scenario, protocol, teams, seed, compare_seeds, plan)
