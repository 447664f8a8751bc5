"""The role-play debrief: where the room sits among all-simulated runs, and on a small landscape.

- **Each team's own gain** (mean gain u(y) - u(q) of its group over the closed issues) against the
  distribution of that group's gain in all-simulated runs of the same scenario, protocol and
  plan over a seed range (:data:`DEBRIEF_SEEDS`, 100 runs): the room's *percentile* (the share
  of simulated runs the room beat, ties counted half).
- **The effect of each team's own moves** (:func:`own_effects`): the same session, same seed and
  the other teams' moves as played, with that team's seat played by the simulation; the
  difference, issue by issue, in its group's gain and whether the text was adopted, and in the
  rounds taken. This says something even when the percentile cannot (a plan under which the
  all-simulated runs all end alike).
  When no run adopted anything (``--fallback status_quo`` with a short budget: every gain is 0),
  the same is done on :func:`table_gains`, how much closer to each group's views than the status
  quo the text left on the table at the end of each issue was: the moves still moved the text.
- **The room's numbers**: issues adopted, rounds, compliance, non-compliance, objections, and
  the worst-off group's distance change by the text left on the table.
- **A landscape**: the same plan, all simulated, over a small grid of two settings that matter
  under the session's rules (``lobbying`` x ``majority_threshold`` where non-governments lobby
  governments, ``revision_step`` x ``rho`` elsewhere; the scenario's own values are always
  cells), two seeds per cell, for one summary measure; the room's value is set on it.
- A printable **debrief sheet** (what happened / so what / now what) with those numbers filled in.

Everything here is a pure function of a finished (or ended) :class:`~govsim.roleplay.RolePlay`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from govsim.escape import html_text as esc
from govsim.groups import GROUP_NAMES, Group
from govsim.i18n import N_, _, decimal, name, number, ordinal, percent, signed
from govsim.metrics import gain, group_means
from govsim.model import GovernanceModel
from govsim.protocols import rule_in_words
from govsim.roleplay.cards import move_name
from govsim.roleplay.page import page_html
from govsim.roleplay.session import RolePlay
from govsim.screen.display import png_data_uri
from govsim.screen.plotting import dimension_label, fit_texts, group_color, group_style, localize_ticks

DEBRIEF_SEEDS = range(100)  # percentiles in steps of 1 (20 runs gave steps of 5, ties at 0 or 100)
AXIS_VALUES = {
    "lobbying": (0.0, 0.5, 1.0),
    "majority_threshold": (0.5, 0.67, 0.9),
    "revision_step": (0.05, 0.1, 0.3),
    "rho": (0.05, 0.1, 0.25),
}
LANDSCAPE_SEEDS = range(2)
LANDSCAPE_MEASURE = "mean_min_group_gain"
ROOM_MEASURES = {
    "adoption_rate": N_("issues adopted (share)"),
    "mean_rounds": N_("rounds per issue"),
    "mean_compliance": N_("compliance (share of stakeholders who comply with the text)"),
    "noncompliance": N_("non-compliance (share of non-compliers, weighted by influence)"),
    "mean_min_group_gain": N_("worst-off group's gain"),
    "mean_objecting_share": N_("objecting at the end of an issue (share)"),
    "table_min_gain": N_("worst-off group: text left on the table vs status quo"),
}
# The landscape's settings in words, for the figure a room reads (their code names are in the
# parameter cheat-sheet).
AXIS_LABELS = {
    "lobbying": N_("lobbying pull on governments"),
    "majority_threshold": N_("majority threshold"),
    "revision_step": N_("chair's revision step"),
    "rho": N_("rough consensus: largest objecting share"),
}
TABLE_MEASURE = "table_min_gain"  # the landscape's measure when LANDSCAPE_MEASURE is flat
DPI = 110  # projector and print: >= 100 dpi
DEBRIEF_LABEL_PT = 14  # the debrief figure's labels and ticks (10 pt gave 7-9 px at 1080p)
DEBRIEF_TITLE_PT = 15


def percentile(value: float, sample: Sequence[float]) -> float:
    """Share of ``sample`` below ``value``, ties counted half, in percent (NaNs left out).

    >>> percentile(2.0, [1.0, 2.0, 3.0, 4.0])
    37.5
    """
    values = np.asarray(sample, dtype=float)
    values = values[~np.isnan(values)]
    if not len(values) or np.isnan(value):
        return float("nan")
    below = np.sum(values < value - 1e-12)
    ties = np.sum(np.abs(values - value) <= 1e-12)
    return float(100.0 * (below + 0.5 * ties) / len(values))


def compared(value: float, sample: Sequence[float]) -> str:
    """The room against the all-simulated runs, in words: a percentile where the runs differ;
    where every run gave the same number (with ``--fallback status_quo`` a short budget often
    adopts nothing, so every gain is 0), a percentile is 50 or 100 and says nothing, so the
    words say instead whether the room did better, the same or worse than every run.

    In the current language (:mod:`govsim.i18n`); the words fit "your room is ...".

    >>> compared(0.2, [0.0, 0.0, 0.0])
    'above every all-simulated run (all gave +0.000): the moves, or luck, made the difference'
    >>> compared(2.0, [1.0, 2.0, 3.0, 4.0]), compared(1.5, [1.0, 2.0, 3.0])
    ('at the 38th percentile', 'at the 33rd percentile')
    """
    values = np.asarray(sample, dtype=float)
    values = values[~np.isnan(values)]
    if not len(values) or np.isnan(value):
        return _("n/a")
    if values.max() - values.min() > 1e-9:
        return _("at the {ordinal} percentile").format(ordinal=ordinal(round(percentile(value, values))))
    same = signed(values[0])
    if value > values[0] + 1e-9:
        return _(
            "above every all-simulated run (all gave {value}): the moves, or luck, made the difference"
        ).format(value=same)
    if value < values[0] - 1e-9:
        return _("below every all-simulated run (all gave {value})").format(value=same)
    return _("the same as every all-simulated run (all gave {value})").format(value=same)


def standing_words(d: Debrief, team: str) -> str:
    """:func:`compared` for ``team``'s gain in ``d``, in the current language (the frame's
    ``compared`` column is in the language the debrief was built in)."""
    row = d.standing[d.standing["team"] == team].iloc[0]
    if row.get("measure") == "table_gain":
        return table_words(
            row["gain"], row["table_gain"], d.simulated[f"table_gain_{team}"].to_numpy(dtype=float)
        )
    return compared(row["gain"], d.simulated[f"mean_gain_{team}"].to_numpy(dtype=float))


def table_gains_by_issue(model: GovernanceModel) -> dict[int, np.ndarray]:
    """Issue index -> (G,) each group's mean u(text) - u(q) for the text on the table at the end
    of the issue's last round (adopted or not; the open issue's current text too), in utility
    units, with the stakeholders' positions at the end of the run: how much closer (> 0) or
    farther (< 0) from the group's views than the status quo the negotiation left the text. NaN
    for an absent group. Empty before the first round."""
    rounds = model.rounds
    if not len(rounds):
        return {}
    dims = [f"proposal_{d}" for d in model.setup.dimensions]
    last = rounds.groupby("issue").tail(1)
    found = {}
    for _i, row in last.iterrows():
        issue = model.setup.agenda[int(row["issue"])]
        q = np.asarray(issue.status_quo, dtype=float)
        y = row[dims].to_numpy(dtype=float)
        if getattr(issue, "decides", None) is not None:
            y = np.where(issue.decides, y, q)
        n = len(model.group)
        gains = gain(model.positions, model.population.salience, np.tile(y, (n, 1)), q)
        found[int(row["issue"])] = group_means(gains, model.group, len(GROUP_NAMES))
    return found


def table_gains(model: GovernanceModel) -> dict[str, float]:
    """Run-level :func:`table_gains_by_issue`: ``table_gain_<group>`` (mean over the issues)
    for each group, and ``table_min_gain`` (the worst-off present group's); NaN with no round."""
    by_issue = list(table_gains_by_issue(model).values())
    means = np.nanmean(by_issue, axis=0) if by_issue else np.full(len(GROUP_NAMES), np.nan)
    out = {f"table_gain_{g}": float(v) for g, v in zip(GROUP_NAMES, means, strict=True)}
    present = means[~np.isnan(means)]
    out[TABLE_MEASURE] = float(present.min()) if len(present) else float("nan")
    return out


def run_row(model: GovernanceModel) -> dict[str, Any]:
    """A finished run's ``summary()`` with its :func:`table_gains`."""
    return {**model.summary(), **table_gains(model)}


def _spread(sample: Sequence[float]) -> bool:
    values = np.asarray(sample, dtype=float)
    values = values[~np.isnan(values)]
    return bool(len(values)) and float(values.max() - values.min()) > 1e-9


def team_standing(room: dict[str, Any], sims: pd.DataFrame, team: str) -> dict[str, Any]:
    """One team against the all-simulated runs (rows of :func:`run_row`): its gain's percentile
    where the runs' gains differ or the room's differs from them all; otherwise (no run adopted
    anything, the room neither) the percentile of its :func:`table_gains`, the text left on the
    table, with ``measure`` naming which ("gain" or "table_gain")."""
    column = f"mean_gain_{team}"
    sample = sims[column].to_numpy(dtype=float) if column in sims else np.array([])
    value = float(room.get(column, float("nan")))
    clean = sample[~np.isnan(sample)]
    flat = len(clean) and not _spread(clean) and not np.isnan(value) and abs(value - clean[0]) <= 1e-9
    table = f"table_gain_{team}"
    row = {
        "team": team,
        "gain": value,
        "simulated_mean": float(np.nanmean(sample)) if len(clean) else float("nan"),
        "simulated_min": float(np.nanmin(sample)) if len(clean) else float("nan"),
        "simulated_max": float(np.nanmax(sample)) if len(clean) else float("nan"),
        "table_gain": float(room.get(table, float("nan"))),
        "measure": "gain",
        "percentile": percentile(value, sample),
        "compared": compared(value, sample),
    }
    if flat and table in sims and not np.isnan(row["table_gain"]):
        tsample = sims[table].to_numpy(dtype=float)
        row["measure"] = "table_gain"
        row["percentile"] = percentile(row["table_gain"], tsample)
        row["compared"] = table_words(value, row["table_gain"], tsample)
    return row


def table_words(value: float, table: float, sample: Sequence[float]) -> str:
    """:func:`compared` for the text left on the table when no run and not the room adopted
    anything (``value``: the room's gain; ``table``: its table gain; ``sample``: the runs')."""
    return _(
        "every run and your room adopted nothing (gain {gain}); the text left on the table: "
        "{compared} ({table} for your group against the status quo)"
    ).format(gain=signed(value), compared=compared(table, sample), table=signed(table))


@dataclass
class Debrief:
    """Everything the debrief screen and sheet show (frames are plain pandas)."""

    scenario: str
    protocol: str
    announcement: str
    room: dict[str, Any]  # the room's summary()
    issues: pd.DataFrame  # the room's outcomes, one row per closed issue
    standing: pd.DataFrame  # one row per team: gain, simulated mean/min/max, percentile
    simulated: pd.DataFrame  # one row per seed: summary() of all-simulated runs
    landscape: pd.DataFrame | None  # lobbying, rho, measure (mean over seeds)
    measure: str
    here: dict[str, float]  # the scenario's own lobbying and rho
    moves: dict[str, dict[str, int]]  # team -> move -> rounds played
    rounds_played: int
    effects: pd.DataFrame | None = None  # own_effects(): one row per (team, issue)


def without_team(play: RolePlay, team: str) -> RolePlay:
    """The same session (scenario, rules, plan, seed) with ``team``'s seat played by the
    simulation: the other teams' moves are replayed in the order they were played, for as many
    rounds as the room played (fewer if the agenda ends sooner)."""
    other = RolePlay(play.scenario, play.protocol, play.teams, play.seed, play.plan)
    for record in play.history:
        if other.finished:
            break
        moves = {**record["moves"], team: "simulated"}
        amendments = {t: p for t, p in record.get("amendments", {}).items() if t != team}
        other.play_round(moves, amendments)
    return other


def own_effects(play: RolePlay) -> pd.DataFrame:
    """What each team's own moves changed: one row per (team, issue closed in the room or in the
    run without that team) with ``gain`` (its group's gain on the issue in the room),
    ``gain_without`` (in :func:`without_team`), ``effect`` (the difference; NaN when the issue
    closed in one run only), ``adopted``/``adopted_without`` and the session's ``rounds`` and
    ``rounds_without``. Gains are u(outcome) - u(status quo), 0 for an issue not adopted;
    ``table``/``table_without`` are the group's :func:`table_gains_by_issue` (the text left on
    the table, adopted or not) and ``objecting``/``objecting_without`` the share objecting at
    the end of the issue."""
    rows = []
    room = play.model.outcomes.set_index("issue")
    room_table = table_gains_by_issue(play.model)
    for team in play.teams:
        other = without_team(play, team)
        alt = other.model.outcomes.set_index("issue")
        alt_table = table_gains_by_issue(other.model)
        g = GROUP_NAMES.index(team)
        for issue in sorted(set(room.index) | set(alt.index)):
            here, there = issue in room.index, issue in alt.index
            gain = float(room.loc[issue, f"gain_{team}"]) if here else float("nan")
            without = float(alt.loc[issue, f"gain_{team}"]) if there else float("nan")
            rows.append(
                {
                    "team": team,
                    "issue": int(issue),
                    "name": str((room if here else alt).loc[issue, "name"]),
                    "gain": gain,
                    "gain_without": without,
                    "effect": gain - without,
                    "adopted": bool(room.loc[issue, "adopted"]) if here else None,
                    "adopted_without": bool(alt.loc[issue, "adopted"]) if there else None,
                    "rounds": len(play.history),
                    "rounds_without": len(other.history),
                    "table": float(room_table[issue][g]) if issue in room_table else float("nan"),
                    "table_without": float(alt_table[issue][g]) if issue in alt_table else float("nan"),
                    "objecting": float(room.loc[issue, "objecting_share"]) if here else float("nan"),
                    "objecting_without": float(alt.loc[issue, "objecting_share"]) if there else float("nan"),
                }
            )
    return pd.DataFrame(
        rows,
        columns=["team", "issue", "name", "gain", "gain_without", "effect", "adopted", "adopted_without",
                 "rounds", "rounds_without", "table", "table_without", "objecting", "objecting_without"],
    )  # fmt: skip


def effect_sentence(d: Debrief, team: str) -> str:
    """One team's own-move effect in words (plain text): "Your moves changed the outcome on issue 1
    (name) by +0.051 for your group (adopted; without your moves: not adopted) ... and the rounds
    by +1." or that they changed nothing, with what happened either way."""
    if d.effects is None or not len(d.effects):
        return _("No issue was closed, with or without your moves: there is no outcome to compare.")
    if set(d.moves.get(team, {})) <= {"simulated"}:
        return _("You sent no move: the simulation played in your seat in every round.")
    mine = d.effects[d.effects["team"] == team]
    said, same = [], []
    for _i, r in mine.iterrows():
        where = _("issue {number} ({name})").format(number=r["issue"] + 1, name=name(str(r["name"])))
        if r["adopted"] is None or r["adopted_without"] is None:
            closed = (
                _("on {issue}: it closed only with your moves")
                if r["adopted_without"] is None
                else _("on {issue}: it closed only without them")
            )
            said.append(closed.format(issue=where))
            continue
        verdict = (
            _("{verdict}; without your moves: {without}").format(
                verdict=_verdict(r["adopted"]), without=_verdict(r["adopted_without"])
            )
            if r["adopted"] != r["adopted_without"]
            else _verdict(r["adopted"])
        )
        if r["adopted"] != r["adopted_without"] or _shows(r["effect"]):
            said.append(
                _("on {issue} by {effect} for your group ({verdict})").format(
                    issue=where, effect=signed(r["effect"]), verdict=verdict
                )
            )
        elif _moved(r["table"], r["table_without"]) or _moved(r["objecting"], r["objecting_without"], 2):
            said.append(
                _(
                    "on {issue} ({verdict} either way): they moved the text left on the table by "
                    "{moved} for your group ({table} against the status quo; without your moves "
                    "{table_without}), objecting at the end {objecting} (without: {objecting_without})"
                ).format(
                    issue=where,
                    verdict=verdict,
                    moved=signed(r["table"] - r["table_without"]),
                    table=signed(r["table"]),
                    table_without=signed(r["table_without"]),
                    objecting=_fmt(r["objecting"], ".0%"),
                    objecting_without=_fmt(r["objecting_without"], ".0%"),
                )
            )
        else:  # a change too small to show (+0.000) is no change: said as such
            same.append(_("not on {issue} ({verdict} either way)").format(issue=where, verdict=verdict))
    played = int(mine["rounds"].iloc[0])
    rounds = played - int(mine["rounds_without"].iloc[0])
    outcome = _("; ").join(
        _("issue {number} {verdict}, your group's gain {gain}").format(
            number=r["issue"] + 1, verdict=_verdict(r["adopted"]), gain=signed(r["gain"])
        )
        for _i, r in mine.iterrows()
    )
    if not said and not rounds:
        return (
            _(
                "Your moves did not change the outcome: with the simulation in your seat, the same "
                "happened ({outcome}) in the same round."
            )
            if played == 1
            else _(
                "Your moves did not change the outcome: with the simulation in your seat, the same "
                "happened ({outcome}) in the same {rounds} rounds."
            )
        ).format(outcome=outcome, rounds=played)
    if not said:
        return _(
            "Your moves did not change the outcome ({outcome}), but they changed the number of rounds by {rounds}."
        ).format(outcome=outcome, rounds=f"{rounds:+d}")
    taken = (
        _("and the rounds by {rounds}").format(rounds=f"{rounds:+d}")
        if rounds
        else _("and not the number of rounds ({rounds})").format(rounds=played)
    )
    return _("Your moves changed the outcome {changes}; {rounds}.").format(
        changes=_("; ").join(said + same), rounds=taken
    )


def _shows(value: float, digits: int = 3) -> bool:
    """Whether ``value`` shows as a change with ``digits`` decimals (``+0.000`` is no change)."""
    return not np.isnan(value) and round(float(value), digits) != 0


def _moved(a: float, b: float, digits: int = 3) -> bool:
    return not (np.isnan(a) or np.isnan(b)) and _shows(a - b, digits)


def _verdict(adopted: Any) -> str:
    return _("adopted") if adopted else _("not adopted")


def landscape_axes(play: RolePlay) -> dict[str, tuple[float, ...]]:
    """Two settings that move the outcome under the session's rules, each with a few values and
    the scenario's own: lobbying x majority threshold where governments decide and are lobbied;
    the chair's revision step x rough consensus's rho elsewhere."""
    lobbied = getattr(play.model.protocol, "lobbied", False)
    names = ("lobbying", "majority_threshold") if lobbied else ("revision_step", "rho")
    params = play.setup.params
    return {n: tuple(sorted({*AXIS_VALUES[n], float(getattr(params, n))})) for n in names}


def landscape(
    play: RolePlay,
    measure: str = LANDSCAPE_MEASURE,
    grid: dict[str, Sequence[float]] | None = None,
    seeds: Sequence[int] = LANDSCAPE_SEEDS,
) -> pd.DataFrame:
    """All-simulated runs of the session's plan over a grid of two settings: one row per cell,
    the mean of ``measure`` (a key of :func:`run_row`) over ``seeds``. Where ``measure`` is the
    same in every cell (nothing adopted anywhere: one flat colour), :data:`TABLE_MEASURE` (the
    text left on the table) is shown instead; the frame's third column names the one shown."""
    grid = grid or landscape_axes(play)
    (xname, xs), (yname, ys) = list(grid.items())
    rows = []
    for x in xs:
        for y in ys:
            setup = play.setup.with_settings({xname: x, yname: y})
            runs = [
                run_row(
                    GovernanceModel(
                        setup, protocol=play.plan.protocol(play.protocol, setup), rng=int(s)
                    ).run()
                )
                for s in seeds
            ]
            rows.append(
                {xname: x, yname: y}
                | {
                    m: float(np.nanmean([r[m] for r in runs]))
                    for m in dict.fromkeys([measure, TABLE_MEASURE])
                }
            )
    frame = pd.DataFrame(rows)
    shown = measure if _spread(frame[measure]) or not _spread(frame[TABLE_MEASURE]) else TABLE_MEASURE
    return frame[[xname, yname, shown]]


def debrief(
    play: RolePlay,
    seeds: Sequence[int] = DEBRIEF_SEEDS,
    with_landscape: bool = True,
    measure: str = LANDSCAPE_MEASURE,
) -> Debrief:
    """The room next to all-simulated runs of the same scenario, protocol and plan."""
    sims = pd.DataFrame([{"seed": int(s), **run_row(play.new_model(int(s)).run())} for s in seeds])
    room = run_row(play.model)
    rows = [team_standing(room, sims, team) for team in play.teams]
    counts: dict[str, dict[str, int]] = {t: {} for t in play.teams}
    for record in play.history:
        for team, move in record["moves"].items():
            counts[team][move] = counts[team].get(move, 0) + 1
    p = play.setup.params
    axes = landscape_axes(play)
    shown = landscape(play, measure, axes) if with_landscape else None
    return Debrief(
        scenario=play.scenario,
        protocol=play.protocol,
        announcement=play.announcement,
        room=room,
        issues=play.model.outcomes,
        standing=pd.DataFrame(rows),
        simulated=sims,
        landscape=shown,
        measure=str(shown.columns[2]) if shown is not None else measure,
        here={name: float(getattr(p, name)) for name in axes},
        moves=counts,
        rounds_played=len(play.history),
        effects=own_effects(play),
    )


# ---------------------------------------------------------------- figures
def debrief_figure(d: Debrief, dpi: int = DPI) -> Figure:
    """Left: each team's gain (star) over the simulated runs' gains (dots). Right: the landscape
    with the scenario's setting marked and the room's value in the title."""
    fig = Figure(figsize=(13, 5.2), dpi=dpi, layout="constrained")
    fig.get_layout_engine().set(wspace=0.08)
    left, right = fig.subplots(1, 2)
    plot_standing(d, left)
    if d.landscape is not None:
        plot_landscape(d, right)
    else:
        right.set_visible(False)
    for ax in fig.axes:  # read on a projector: the figure is shown ~1400 px wide, so 14 pt ~ 18 px
        ax.title.set_fontsize(DEBRIEF_TITLE_PT)
        ax.xaxis.label.set_fontsize(DEBRIEF_LABEL_PT)
        ax.yaxis.label.set_fontsize(DEBRIEF_LABEL_PT)
        ax.tick_params(labelsize=DEBRIEF_LABEL_PT)
    return fit_texts(localize_ticks(fig))


def plot_standing(d: Debrief, ax: Any) -> Any:
    """Draw on the matplotlib axes ``ax`` each team's mean gain over the issues in the room (a
    star, none when no issue closed) over the all-simulated runs' gains (grey dots, one per
    seed), gains in utility, u(outcome) - u(status quo). Returns ``ax``."""
    teams = list(d.standing["team"])
    table = bool(len(teams)) and (d.standing["measure"] == "table_gain").all()
    for n, team in enumerate(teams):
        sample = d.simulated[f"{'table_gain' if table else 'mean_gain'}_{team}"].to_numpy(dtype=float)
        jitter = np.linspace(-0.15, 0.15, len(sample)) if len(sample) > 1 else np.zeros(len(sample))
        ax.scatter(sample, n + jitter, s=22, color="#999999", zorder=2)
        row = d.standing.iloc[n]
        value = row["table_gain"] if table else row["gain"]
        if np.isnan(value):  # no closed issue: no star, no percentile
            continue
        ax.scatter([value], [n], marker="*", s=320, color=group_color(team), zorder=3)
        words = standing_words(d, team).split(" (")[0]
        if table:
            words = _("at the {ordinal} percentile").format(ordinal=ordinal(round(row["percentile"])))
        ax.annotate(words, (value, n), xytext=(14, 10), textcoords="offset points", fontsize=14)
    ax.set_yticks(range(len(teams)), [Group.parse(t).label for t in teams])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(
        _("text left on the table: u(text) - u(status quo)")
        if table
        else _("mean gain: u(outcome) - u(status quo)")
    )
    ax.set_title(_("Your room (star) vs {runs}\nall-simulated runs (dots)").format(runs=len(d.simulated)))
    return ax


def plot_landscape(d: Debrief, ax: Any) -> Any:
    """Draw on the matplotlib axes ``ax`` the all-simulated landscape ``d.landscape`` as a grid
    of ``d.measure`` over its first two columns (lobbying, rho), the scenario's own setting
    outlined and the room's value in the title. Returns ``ax``; ``d.landscape`` must not be None."""
    frame = d.landscape
    assert frame is not None
    (xname, yname) = list(frame.columns[:2])
    grid = frame.pivot(index=yname, columns=xname, values=d.measure)
    xs, ys = list(grid.columns), list(grid.index)
    image = ax.imshow(grid.to_numpy(), origin="lower", cmap="viridis", aspect="auto")
    for i in range(len(ys)):
        for j in range(len(xs)):
            ax.text(
                j, i, signed(grid.iloc[i, j]), ha="center", va="center", fontsize=DEBRIEF_LABEL_PT,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8, "linewidth": 0},
            )  # fmt: skip
    ax.set_xticks(range(len(xs)), [number(x) for x in xs])
    ax.set_yticks(range(len(ys)), [number(y) for y in ys])
    ax.set_xlabel(_("{setting} (all simulated)").format(setting=_(AXIS_LABELS.get(xname, xname))))
    ax.set_ylabel(_(AXIS_LABELS.get(yname, yname)))
    here = d.here
    if here.get(xname) in xs and here.get(yname) in ys:
        ax.scatter(
            [xs.index(here[xname])],
            [ys.index(here[yname])],
            marker="s",
            s=900,
            facecolors="none",
            edgecolors="white",
            linewidths=2.5,
        )
    ax.set_title(
        _("{measure}:\nyour room {value}").format(
            measure=_(ROOM_MEASURES.get(d.measure, d.measure)), value=_fmt(d.room.get(d.measure), "+.3f")
        )
    )
    ax.figure.colorbar(image, ax=ax, format=FuncFormatter(lambda v, _pos: signed(v)))
    return ax


def projector_figure(play: RolePlay, dpi: int = DPI) -> Figure:
    """The projector view: positions with the text on the table, and attendance/objections with
    integer round ticks; large type."""
    from govsim.screen import plotting

    fig = Figure(figsize=(13, 5.4), dpi=dpi, layout="constrained")
    fig.get_layout_engine().set(wspace=0.06)
    left, right = fig.subplots(1, 2)
    if play.setup.k >= 2:
        plotting.plot_positions(play.model, ax=left)
    else:
        plot_positions_1d(play, left)
    plotting.plot_objections_attendance(play.model.rounds, ax=right)
    plotting.integer_rounds(right.xaxis)
    if len(play.model.rounds) < 2:
        right.set_xlim(0.5, max(2, len(play.model.rounds)) + 0.5)
    for ax in (left, right):
        legend = ax.get_legend()
        for text in legend.get_texts() if legend else []:
            text.set_fontsize(12)
        ax.title.set_fontsize(14)
        ax.xaxis.label.set_fontsize(12)
        ax.yaxis.label.set_fontsize(12)
        ax.tick_params(labelsize=12)
    return fit_texts(localize_ticks(fig))


def plot_positions_1d(play: RolePlay, ax: Any) -> Any:
    """Stakeholders on a one-dimensional issue (in the scenario's units), one row per group, with
    the status quo (black cross) and the text on the table (star)."""
    from govsim.screen.plotting import PROPOSAL_COLOR

    model, setup = play.model, play.setup
    snap = model.snapshot()
    (scale,) = setup.scales or (None,)
    to_units = (
        (lambda v: np.asarray(v))
        if scale is None
        else (lambda v: scale.low + np.asarray(v) * (scale.high - scale.low))
    )
    rows = []
    for n, g in enumerate(Group):
        mine = snap.group == g.code
        if mine.any():
            style = group_style(g)
            ax.scatter(
                to_units(snap.positions[mine, 0]), np.full(mine.sum(), n), color=style["color"],
                marker=style["marker"], s=60,
            )  # fmt: skip
            rows.append((n, g.label))
    issue = model.current_issue or (model.closed_issues[-1] if model.closed_issues else None)
    if issue is not None and hasattr(issue, "status_quo"):
        ax.axvline(float(to_units(issue.status_quo[0])), color="black", linestyle="--", label=_("status quo"))
    for text in model.texts_on_table():
        ax.axvline(
            float(to_units(text.text[0])), color=PROPOSAL_COLOR, linewidth=2.5, label=_("text on the table")
        )
    ax.set_yticks([n for n, _label in rows], [label for _n, label in rows])
    ax.set_xlabel(
        _("{dimension} ({low}-{high})").format(
            dimension=name(setup.dimensions[0]), low=number(scale.low), high=number(scale.high)
        )
        if scale is not None
        else dimension_label(setup.dimensions[0])
    )
    ax.set_title(_("Stakeholder positions"))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best")
    return ax


# ---------------------------------------------------------------- the sheet
SHEET_CSS = """
body { font-family: sans-serif; max-width: 60em; margin: 1em auto; line-height: 1.4; font-size: 15px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .4em 0; } td, th { border: 1px solid #ccc; padding: .2em .5em; }
th { background: #f3f3f3; text-align: left; } img { max-width: 100%; }
.write { border-bottom: 1px dotted #888; height: 2em; }
@media print { body { font-size: 12px; } h2 { break-after: avoid; } }
"""


def _fmt(value: Any, spec: str = ".2f") -> str:
    """``value`` in the current locale: ``spec`` is ".2f" (two decimals), "+.3f" (signed, three
    decimals) or ".0%" (a whole percentage)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return esc(value)
    if np.isnan(number):
        return esc(_("n/a"))
    if spec == ".0%":
        return esc(percent(number))
    if spec.startswith("+"):
        return esc(signed(number, int(spec[2:-1])))
    return esc(decimal(number, int(spec[1:-1])))


def summary_rows(d: Debrief) -> list[tuple[str, str, str]]:
    """(measure, the room, the all-simulated mean) for the room's headline numbers."""
    rows = []
    for key, label in ROOM_MEASURES.items():
        sims = d.simulated[key].to_numpy(dtype=float) if key in d.simulated else np.array([])
        mean = float(np.nanmean(sims)) if len(sims) and not np.all(np.isnan(sims)) else float("nan")
        rows.append((_(label), _fmt(d.room.get(key)), _fmt(mean)))
    return rows


def debrief_tables_html(d: Debrief, style: str = "") -> str:
    """The room's headline numbers, each team's gain and percentile (two HTML tables) and what
    each team's own moves changed (a list)."""
    rows = "".join(f"<tr><td>{esc(a)}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in summary_rows(d))
    standing = "".join(
        f"<tr><td>{esc(Group.parse(r['team']).label)}</td><td>{_fmt(r['gain'], '+.3f')}</td>"
        f"<td>{esc(standing_words(d, r['team']))}</td></tr>"
        for _i, r in d.standing.iterrows()
    )
    effects = "".join(
        f"<li><b>{esc(Group.parse(t).label)}</b> — {esc(effect_sentence(d, t))}</li>"
        for t in d.standing["team"]
    )
    runs = len(d.simulated)
    changed = _("What each team's own moves changed")
    how = _("(the same session and seed with that team's seat simulated):")
    return (
        f"<div style='{esc(style)}'><table class='govsim-rp-table govsim-rp-debrief-table'>"
        f"<tr><th>{esc(_('measure'))}</th><th>{esc(_('your room'))}</th>"
        f"<th>{esc(_('all simulated (mean of {runs})').format(runs=runs))}</th></tr>"
        f"{rows}</table><table class='govsim-rp-table govsim-rp-standing'><tr><th>{esc(_('team'))}</th>"
        f"<th>{esc(_('gain'))}</th><th>{esc(_('against all-simulated runs ({runs})').format(runs=runs))}</th>"
        f"</tr>{standing}</table><p class='govsim-rp-effects-title'><b>{esc(changed)}</b> {esc(how)}</p>"
        f"<ul class='govsim-rp-effects'>{effects}</ul></div>"
    )


def debrief_sheet_html(d: Debrief, figure: bool = True) -> str:
    """A printable page: what happened / so what / now what, with the room's numbers, in the
    current language (:mod:`govsim.i18n`)."""
    issues = "".join(
        f"<tr><td>{esc(name(str(r['name'])))}</td>"
        f"<td>{esc(_('adopted') if r['adopted'] else _('no agreement'))}</td>"
        f"<td>{int(r['rounds'])}</td><td>{_fmt(r['compliance'], '.0%')}</td></tr>"
        for _i, r in d.issues.iterrows()
    )
    moves = "".join(
        f"<tr><td>{esc(Group.parse(t).label)}</td><td>"
        + esc(_(", ").join(f"{move_name(m)} ×{n}" for m, n in sorted(c.items())) or _("none"))
        + "</td></tr>"
        for t, c in d.moves.items()
    )
    headline = "".join(f"<tr><td>{esc(a)}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in summary_rows(d))
    standing = "".join(
        f"<tr><td>{esc(Group.parse(r['team']).label)}</td><td>{_fmt(r['gain'], '+.3f')}</td>"
        f"<td>{_fmt(r['simulated_mean'], '+.3f')}</td><td>{esc(standing_words(d, r['team']))}</td></tr>"
        for _i, r in d.standing.iterrows()
    )
    picture = (
        f"<img alt='{esc(_('debrief figure'))}' src='{png_data_uri(debrief_figure(d), fast=False)}'>"
        if figure
        else ""
    )
    effects = "".join(
        f"<li><b>{esc(Group.parse(t).label)}</b> — {esc(effect_sentence(d, t))}</li>"
        for t in d.standing["team"]
    )
    n_sims = len(d.simulated)
    scenario = scenario_title(d.scenario)
    rounds = (_("1 round played") if d.rounds_played == 1 else _("{count} rounds played")).format(
        count=d.rounds_played
    )
    closed = (_("1 issue closed.") if len(d.issues) == 1 else _("{count} issues closed.")).format(
        count=len(d.issues)
    )

    def th(*cells: str) -> str:
        return "<tr>" + "".join(f"<th>{esc(c)}</th>" for c in cells) + "</tr>"

    questions = (
        _("Which move mattered most for your group, and would it have mattered under other rules?"),
        _("Which rule of this process would you change, and what would it cost another group?"),
        _("What in the real process does this model leave out (see the facilitator guide's limits)?"),
    )
    asked = "".join(f"<li>{esc(q)}</li>\n<div class='write'></div>\n" for q in questions)
    heading = _("Role-play debrief: {scenario} under {rules}").format(
        scenario=scenario, rules=rule_in_words(d.protocol, sentence=True)
    )
    body = f"""
<h1>{esc(heading)}</h1>
<p>{esc(d.announcement)}</p>
<h2>{esc(_("What happened"))}</h2>
<p>{esc(rounds)}; {esc(closed)}</p>
<table>{th(_("issue"), _("result"), _("rounds"), _("compliance"))}{issues}</table>
<table>{th(_("team"), _("moves played"))}{moves}</table>
<h2>{esc(_("So what"))}</h2>
<table>{th(_("measure"), _("your room"), _("all simulated (mean of {runs})").format(runs=n_sims))}{headline}</table>
<table>{th(_("team"), _("your gain"), _("simulated mean"), _("against the simulation"))}{standing}</table>
<p>{esc(_(SHEET_PERCENTILE))}</p>
<h3>{esc(_("What each team's own moves changed"))}</h3>
<p>{esc(_(SHEET_EFFECTS))}</p>
<ul>{effects}</ul>
{picture}
<h2>{esc(_("Now what"))}</h2>
<ol>
{asked}</ol>
<p><small>{esc(_("A stylized teaching model, not a forecast of any real negotiation."))}</small></p>
"""
    return page_html(_("Debrief: {scenario}").format(scenario=scenario), body, SHEET_CSS)


SHEET_PERCENTILE = N_(
    "A percentile of 80 means your group did better than 80 in 100 of the runs in which the "
    "simulation played every seat: the moves made the difference, or luck did. One room is one run. "
    "Where every simulated run gave the same gain, a percentile says nothing, and the table says "
    "instead whether your room did better, the same or worse."
)
SHEET_EFFECTS = N_(
    "The same session and seed, with the other teams' moves as played and one team's seat played "
    "by the simulation:"
)


def scenario_title(scenario: str) -> str:
    """The scenario's display title (``names.toml``) in the current language; the code name
    when the scenario cannot be loaded (a learner's own file that has since moved)."""
    from govsim.scenarios import load_scenario

    try:
        return name(load_scenario(scenario).title)
    except (ValueError, OSError):  # a title is a nicety; the code name still says which
        return scenario
