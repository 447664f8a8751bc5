"""The negotiation model: stakeholders work through an agenda of policy issues under a protocol.

One ``step`` is one round of the current issue, for every forum still open (``play_round(overrides)``
plays one with declared one-round overrides):

1. attendance: each stakeholder with a seat attends with probability ``capacity``;
2. deliberation: bounded-confidence exchange among attendees, observers listen, and under
   top-down rules non-governments that came but have no seat lobby governments; then everyone is pulled back
   toward their initial view (stubbornness);
3. proposal: the chair's draft (first round) or its revision toward the objectors;
4. decision: the protocol adopts or not; an issue closes when adopted or at ``max_rounds``;
5. compliance (when an issue closes): i complies when u_i(y) >= u_i(q) - theta_eff, with
   theta_eff = theta + voice_bonus for those who took part in or watched the talks.

State lives in numpy arrays owned by the model; agents are views onto their rows. Forums and
seating are in :mod:`govsim.forums`; one-round overrides (the role-play's moves) in
:mod:`govsim.overrides`. Presentation reads the model only through its public interface:
``current_issue``, ``texts_on_table()``, ``gains_if_adopted()``, ``snapshot()``,
``closed_issues``, ``rounds``, ``outcomes`` and ``summary()``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from govsim.agents import Stakeholder
from govsim.deliberation import anchor, exchange, listen, lobby, random_pairs
from govsim.forums import Forum, Layout, admitted, layout_for, seat
from govsim.groups import GOVERNMENT, GROUP_NAMES, N_GROUPS
from govsim.measures import issue_record, outcome_columns, registered, run_summary
from govsim.metrics import count_clusters, group_shares, polarization
from govsim.outcomes import IssueContext
from govsim.overrides import RoundInputs, RoundOverrides, round_inputs
from govsim.params import Parameters
from govsim.protocols import Protocol, Table, get_protocol
from govsim.scenarios import Scenario, load_scenario
from govsim.values import number, whole
from govsim.views import (
    IssueResult,
    IssueView,
    Snapshot,
    TableText,
    frozen_copy,
    group_gains,
    issue_result,
    issue_view,
    table_texts,
)


class GovernanceModel(mesa.Model):
    """Internet policy negotiation among governments, business, civil society and the
    technical community.

    Parameters
    ----------
    scenario : name of a bundled scenario, a path to a scenario TOML file, or a Scenario.
    protocol : registered protocol name, a Protocol instance or a seating layout such as
        ``Regional({...})``; default: the scenario's.
    params : a :class:`Parameters` replacing the scenario's.
    rng : seed or ``numpy.random.Generator``; the model's only source of randomness.
    **settings : parameter or ``group.trait`` overrides, e.g. ``rho=0.2``.

    Attributes
    ----------
    population : the :class:`~govsim.population.Population` the model was built from; its
        trait arrays are the stakeholders' real traits and never change during a run.
    positions : (n, K) current positions in [0, 1]
    attending, observing : (n,) bool, at a table / watching in the latest round
    rounds, outcomes : DataFrames of rounds and closed issues (see :meth:`summary`)

    Raises
    ------
    ValueError
        Unknown scenario, protocol or setting, or a value out of range (one line).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "classroom",
        *,
        protocol: str | Protocol | Layout | None = None,
        params: Parameters | None = None,
        rng: int | np.random.Generator | None = None,
        **settings: Any,
    ) -> None:
        # Always hand Mesa a Generator, so rng=42 and rng=default_rng(42) give the same run.
        super().__init__(rng=np.random.default_rng(rng))
        # ``self.step`` is now Mesa's own step (in Mesa 3 a wrapper that advances its clock and then
        # calls this class's ``step``). It is called only while the agenda is open, so a finished
        # model, Mesa's counters included, stays as it is; overrides reach a round through
        # ``play_round``, which sets them for the next round and then calls Mesa's step.
        self._mesa_step = self.step
        self.step = self._step_while_open
        self._next_inputs: RoundInputs | None = None
        setup = load_scenario(scenario)
        if params is not None:
            if not isinstance(params, Parameters):
                raise TypeError(
                    f"params={params!r} must be a govsim.Parameters (or give settings by name: rho=0.2)"
                )
            setup = replace(setup, params=params)
        self.setup = setup.with_settings(settings) if settings else setup
        self.params = self.setup.params
        self.protocol = get_protocol(protocol or self.setup.protocol)
        self._layout = layout_for(self.protocol)
        pop = self.setup.draw_population(self.rng)
        self.population = pop
        for array in vars(pop).values():  # the real traits: read-only, so no round edits what is measured
            if isinstance(array, np.ndarray):
                array.flags.writeable = False
        self.group, self.region, self.x0 = pop.group, pop.region, pop.x0
        self.positions = pop.x0.copy()
        self.salience, self.capability, self.confidence = (
            pop.salience,
            pop.capability,
            pop.confidence,
        )
        self.tolerance, self.capacity, self.stubbornness = (
            pop.tolerance,
            pop.capacity,
            pop.stubbornness,
        )
        self.n = pop.size
        self.admitted = admitted(self.group, self.capability, self.params.openness)
        self._capacity_eff = self.capacity + self.params.support * (1.0 - self.capacity)
        self.attending = np.zeros(self.n, dtype=bool)
        self.observing = np.zeros(self.n, dtype=bool)
        self._objecting = np.zeros(self.n, dtype=bool)
        Stakeholder.create_agents(self, self.n, row=np.arange(self.n))
        self._issue_index = 0
        self._round_in_issue = 0
        self._negotiated: np.ndarray | None = None
        self._forums: list[Forum] = []
        self.round_record: dict[str, Any] = {}
        self._issue_records: list[dict[str, Any]] = []
        self._participation = np.zeros(N_GROUPS)
        self.measures = registered()  # the measures registered now; the columns stay fixed
        self.datacollector = mesa.DataCollector(
            model_reporters={key: _reporter(key) for key in self.round_columns()},
            tables={"outcomes": outcome_columns(self.setup.dimensions, self.measures)},
        )

    # ----------------------------------------------------------------- the round
    def play_round(self, overrides: RoundOverrides | None = None) -> None:
        """Play one round of the current issue in every open forum, with declared overrides.

        The overrides are checked, set for the next round, and then Mesa's own ``step()`` plays
        it, so Mesa's clock (``steps``, ``time``) and govsim's rounds always agree. On a finished
        agenda nothing changes.

        Parameters
        ----------
        overrides : declared one-round changes per group (:class:`~govsim.overrides.RoundOverrides`):
            attendance, persuadability, the decision's tolerance, capability, concessions and
            amendments. They reach attendance, deliberation and the decision only; compliance
            and non-compliance are always measured with the real traits (``population``).

        Raises
        ------
        TypeError, ValueError
            ``overrides`` of the wrong type, or an amendment with the wrong number of
            dimensions; the model is left unchanged.
        """
        inputs = self._round_inputs(overrides)  # validated before anything moves
        self._next_inputs = inputs
        try:
            self.step()
        finally:
            self._next_inputs = None

    def step(self) -> None:
        """One round with no overrides (Mesa's step: ``model.step()`` or :meth:`run`).

        Mesa advances its clock and calls this; :meth:`play_round` sets overrides for the round
        first. Calls after the agenda is finished change nothing.
        """
        inputs = self._next_inputs if self._next_inputs is not None else self._round_inputs(None)
        self._play_round(inputs)

    def run_for(self, duration: float) -> None:
        """Play whole rounds for ``duration`` units of Mesa's clock, one round a unit.

        Mesa's own ``run_for`` advances its clock past the end of the agenda; here the clock
        stops with the rounds, so ``steps``, ``time`` and the rounds played always agree.
        """
        self.run_until(self.time + number(duration, "duration", 0.0))

    def run_until(self, end_time: float) -> None:
        """Play whole rounds until Mesa's clock reaches ``end_time`` or the agenda is done."""
        end = number(end_time, "end_time")
        while self.running and self.time + 1.0 <= end:
            self.step()

    def _step_while_open(self, *overrides: Any) -> None:
        if overrides:
            raise TypeError(
                "model.step() takes no arguments: play a round with overrides by model.play_round(overrides)"
            )
        if self.running:
            self._mesa_step()

    def _round_inputs(self, overrides: RoundOverrides | None) -> RoundInputs:
        return round_inputs(
            overrides,
            self.group,
            attendance=self._capacity_eff,
            confidence=self.confidence,
            tolerance=self.tolerance,
            capability=self._issue_capability(),
            dimensions=self.setup.dimensions,
        )

    def _issue_capability(self) -> np.ndarray:
        """(n,) capability on the issue this round negotiates (the table's power on that issue
        where it differs by issue; :meth:`Population.capability_on`)."""
        agenda = self.setup.agenda
        if self._issue_index >= len(agenda):
            return self.capability
        return self.population.capability_on(agenda[self._issue_index].decides)

    def _play_round(self, inputs: RoundInputs) -> None:
        if not self.running:
            return
        self._concede(inputs.concede)
        if not self._forums:
            self._open_issue()
        present = self.rng.random(self.n) < inputs.attendance
        watching = self.rng.random(self.n) < self.params.transparency
        self.attending[:] = False
        self.observing[:] = False
        open_forums = [f for f in self._forums if f.open]
        for forum in open_forums:
            self._deliberate(forum, present, watching, inputs)
        anchor(self.positions, self.x0, self.stubbornness)
        np.clip(self.positions, 0.0, 1.0, out=self.positions)
        self._round_in_issue += 1
        for forum in open_forums:
            self._decide(forum, inputs)
        self._record_round(open_forums)
        if not any(f.open for f in self._forums):
            self._close_issue()

    def _concede(self, shares: dict[int, float]) -> None:
        """Move each conceding group ``share`` of the way toward the text on its table."""
        for code, share in shares.items():
            rows = self.group == code
            for text in self.texts_on_table():
                sel = rows & text.members
                self.positions[sel] += share * (text.text - self.positions[sel])

    def _deliberate(
        self, forum: Forum, present: np.ndarray, watching: np.ndarray, inputs: RoundInputs
    ) -> None:
        p = self.params
        at_table = forum.seats & present
        self.attending |= at_table
        lobbyists = forum.members & present & (self.group != GOVERNMENT) if forum.protocol.lobbied else None
        observers = forum.members & ~at_table & watching
        if lobbyists is not None:
            observers &= ~lobbyists
        self.observing |= observers
        forum.heard |= at_table | observers
        speakers = np.flatnonzero(at_table)
        cols = self._negotiated
        views = self.positions if cols is None else self.positions[:, cols]  # a copy: written back below
        for _ in range(p.meetings):
            a, b = random_pairs(speakers, self.rng)
            exchange(views, inputs.confidence, p.mu, a, b)
        listen(views, inputs.confidence, p.mu, np.flatnonzero(observers), speakers, self.rng)
        if lobbyists is not None:
            governments = np.flatnonzero(forum.members & (self.group == GOVERNMENT))
            lobby(views, inputs.capability, p.lobbying, np.flatnonzero(lobbyists), governments, self.rng)
        if cols is not None:
            self.positions[:, cols] = views

    def _decide(self, forum: Forum, inputs: RoundInputs) -> None:
        issue = self.setup.agenda[self._issue_index]
        table = Table(
            positions=self.positions,
            salience=self.salience,
            tolerance=inputs.tolerance,
            capability=inputs.capability,
            group=self.group,
            members=forum.members,
            attending=self.attending & forum.members,
            status_quo=np.asarray(issue.status_quo),
            initial_draft=None if issue.draft is None else np.asarray(issue.draft),
            round=forum.rounds + 1,
            params=self.params,
            amendments=inputs.amendments,
            decides=np.flatnonzero(issue.decides) if issue.decides is not None else np.arange(self.setup.k),
        )
        if forum.draft is None:
            forum.draft = _on_table(issue, np.clip(forum.protocol.draft(table), 0.0, 1.0))
        forum.proposal = forum.draft
        decision = forum.protocol.decide(table, forum.draft)
        forum.rounds += 1
        forum.last = decision
        cols = table.decides
        if decision.adopted:
            forum.open = False
            if np.max(np.abs(forum.draft[cols] - table.status_quo[cols]), initial=0.0) <= SAME_TEXT:
                forum.stopped = NO_CHANGE  # one rule under every protocol: the status quo is no adoption
            else:
                forum.adopted = True
            return
        revised = _on_table(issue, np.clip(forum.protocol.revise(table, forum.draft, decision), 0.0, 1.0))
        forum.tried.append(forum.draft[cols])
        reason = forum.protocol.stalemate(table) or _no_progress(forum.tried, revised[cols])
        forum.stalled = forum.stalled + 1 if reason else 0
        if forum.stalled >= self.params.stalemate_rounds:
            forum.open = False
            forum.stopped = f"{reason}; stopped after {forum.rounds} rounds ({forum.stalled} in a row)"
        elif forum.rounds >= self.params.max_rounds:
            forum.open = False
        else:
            forum.draft = revised

    # ----------------------------------------------------------------- issues
    def _open_issue(self) -> None:
        self._round_in_issue = 0
        self._negotiated = negotiated_dimensions(self.setup.agenda[self._issue_index])
        self._participation[:] = 0.0
        self._forums = seat(
            self._layout,
            self.group,
            self.region,
            self.admitted,
            self.setup.regions,
            self.setup.regional_protocols,
        )

    def _close_issue(self) -> None:
        issue = self.setup.agenda[self._issue_index]
        context = IssueContext(  # the real traits (population), never a round's overrides
            index=self._issue_index,
            issue=issue,
            forums=tuple(self._forums),
            population=self.population,
            positions=self.positions.copy(),
            params=self.params,
            participation=self._participation / max(1, self._round_in_issue),
            dimensions=self.setup.dimensions,
        )
        record = issue_record(context, self.measures)
        stopped = [
            f"{f.name}: {f.stopped}" if len(self._forums) > 1 else f.stopped
            for f in self._forums
            if f.stopped
        ]
        record["stopped"] = "; ".join(stopped)  # why it ended unadopted before max_rounds ("" if not)
        self._issue_records.append(record)
        columns = outcome_columns(self.setup.dimensions, self.measures)
        self.datacollector.add_table_row("outcomes", {k: record[k] for k in columns})
        self._issue_index += 1
        self._forums = []
        if self._issue_index >= len(self.setup.agenda):
            self.running = False

    # ----------------------------------------------------------------- public views
    @property
    def current_issue(self) -> IssueView | None:
        """The agenda issue under negotiation (or next to open); None when the agenda is done."""
        if self._issue_index >= len(self.setup.agenda):
            return None
        played = self._round_in_issue if self._forums else 0
        return issue_view(self._issue_index, self.setup.agenda[self._issue_index], self._forums, played)

    def texts_on_table(self) -> list[TableText]:
        """The text each open forum will decide on next, with the stakeholders it would bind.

        Before an issue's first round: its initiating draft for everyone (forum ``"all"``), or
        nothing when the issue has none. Empty when the agenda is done.

        Returns
        -------
        list of TableText, each with ``text`` (K,) and ``members`` (n,) bool (read-only copies)
        """
        agenda = self.setup.agenda
        issue = agenda[self._issue_index] if self._issue_index < len(agenda) else None
        return table_texts(self._forums, issue, self.n)

    def gains_if_adopted(self) -> dict[str, float]:
        """Mean gain u_i(y) - u_i(q) per group if the text(s) on the table were adopted now.

        Each stakeholder is bound by its forum's text (the status quo where no text applies);
        u_i(y) = -sum_k s_ik |p_ik - y_k| with the current positions and real salience.

        Returns
        -------
        dict
            group name -> mean gain (utility; NaN for a group with no stakeholders); empty when
            there is no text on the table.
        """
        texts = self.texts_on_table()
        if not texts:
            return {}
        q = np.asarray(self.setup.agenda[self._issue_index].status_quo, dtype=float)
        return group_gains(texts, self.positions, self.salience, self.group, q)

    def snapshot(self) -> Snapshot:
        """Read-only copies of the state after the latest round (see :class:`~govsim.views.Snapshot`)."""
        record = self.round_record
        return Snapshot(
            issue=record.get("issue"),
            round=int(record.get("round", 0)),
            positions=frozen_copy(self.positions),
            group=frozen_copy(self.group),
            attending=frozen_copy(self.attending),
            objecting=frozen_copy(self._objecting),
            texts=tuple(self.texts_on_table()),
        )

    @property
    def closed_issues(self) -> list[IssueResult]:
        """The closed agenda issues, in order (see :class:`~govsim.views.IssueResult`)."""
        return [issue_result(record) for record in self._issue_records]

    # ----------------------------------------------------------------- data
    def round_columns(self) -> list[str]:
        """The columns of the per-round table, in order."""
        return [
            "issue",
            "round",
            *(f"attendance_{g}" for g in GROUP_NAMES),
            "objecting_share",
            "polarization",
            "clusters",
            *(f"proposal_{d}" for d in self.setup.dimensions),
        ]

    def _record_round(self, forums: list[Forum]) -> None:
        # share of each group's members attending, among forums still negotiating this round
        negotiating = (
            forums[0].members if len(forums) == 1 else np.logical_or.reduce([f.members for f in forums])
        )
        attendance = group_shares(self.attending, self.group, N_GROUPS, among=negotiating)
        self._participation += np.nan_to_num(attendance)
        self._objecting[:] = False
        for f in forums:
            self._objecting |= f.last.objecting
        objecting = sum(int(f.last.objecting.sum()) for f in forums)
        deciding = sum(int(f.last.deciding.sum()) for f in forums)
        sizes = np.array([f.members.sum() for f in forums], dtype=float)
        # size-weighted mean of the forums' texts (np.average's arithmetic, without its checks)
        proposal = (np.array([f.proposal for f in forums]) * sizes[:, None]).sum(axis=0) / sizes.sum()
        rec = {"issue": self._issue_index, "round": self._round_in_issue}
        rec.update({f"attendance_{g}": float(a) for g, a in zip(GROUP_NAMES, attendance, strict=True)})
        rec["objecting_share"] = objecting / deciding if deciding else float("nan")
        rec["polarization"] = polarization(self.positions)
        rec["clusters"] = count_clusters(self.positions)
        rec.update({f"proposal_{d}": float(v) for d, v in zip(self.setup.dimensions, proposal, strict=True)})
        self.round_record = rec
        self.datacollector.collect(self)

    @property
    def rounds(self) -> pd.DataFrame:
        """One row per round: issue, attendance by group, objecting share, polarization, clusters, proposal."""
        return self.datacollector.get_model_vars_dataframe()

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per closed agenda issue: a column per registered measure (see :mod:`govsim.measures`)."""
        return self.datacollector.get_table_dataframe("outcomes")

    def summary(self) -> dict[str, Any]:
        """Run-level means over the closed issues: the flat dict the CLI and sweeps report."""
        return {
            "scenario": self.setup.name,
            "protocol": self.protocol.name,
            "stakeholders": self.n,
            **run_summary(self.outcomes, self.setup.dimensions, self.measures),
        }

    def run(self, max_steps: int | None = None) -> GovernanceModel:
        """Step until the agenda is done (or ``max_steps`` rounds, a whole number >= 0); returns the model."""
        if max_steps is not None:
            max_steps = whole(max_steps, "max_steps", 0)
        steps = 0
        while self.running and (max_steps is None or steps < max_steps):
            self.step()
            steps += 1
        return self


def negotiated_dimensions(issue: Any) -> np.ndarray | None:
    """The dimensions an issue puts on the table, as column indices, or None for all of them.

    Actors bargain issue by issue: while an issue that decides some dimensions only is open
    (each issue of an actor table decides its own), views meet, move and are lobbied on those
    dimensions alone, and the bounded-confidence distance that gates persuasion is measured
    on them. This is how the field's actor-table models negotiate: positions, saliences and
    the compromise are per issue in the Stokman compromise and exchange models (Stokman &
    Van Oosten 1994; Thomson, Stokman, Achen & Koenig 2006, *The European Union Decides*)
    and in Bueno de Mesquita's expected-utility model (1994), which bargains one issue at a
    time. Measured over all K issues at once, two actors close on the issue at hand but far
    on twelve others never meet (0 of 105 COP21 pairs within reach, 13 issues). An issue
    deciding every dimension (the classroom scenarios) keeps the distance over all of them.
    """
    if issue.decides is None or all(issue.decides):
        return None
    return np.flatnonzero(issue.decides)


SAME_TEXT = 1e-9  # texts closer than this on every decided dimension (unit scale) are the same text
RETURNS = 1e-3  # a revision within this of a text already tried (unit scale) makes no progress
NO_CHANGE = (
    "no change: the text that passed is the status quo, so nothing is adopted (the same under every protocol)"
)


def _no_progress(tried: list[np.ndarray], revised: np.ndarray) -> str:
    """Why the chair's revision makes no progress, or ``""``: the revised text (its decided
    dimensions) lies within ``RETURNS`` of a text already tabled and rejected on this issue, so
    the revisions have stopped moving or cycle between the same texts (each revision draws the
    objections of the other side). Protocol-independent; the model stops the issue after
    ``stalemate_rounds`` such rounds in a row."""
    if not tried:
        return ""
    if np.min(np.max(np.abs(np.asarray(tried) - revised), axis=1)) > RETURNS:
        return ""
    return (
        "no progress: each revision returns to a text already tried and rejected "
        "(the text has stopped moving or cycles between the sides' objections)"
    )


def _on_table(issue: Any, y: np.ndarray) -> np.ndarray:
    """The text with the dimensions an issue does not decide held at its status quo."""
    if issue.decides is None:
        return y
    return np.where(issue.decides, y, issue.status_quo)


def _reporter(key: str):
    return lambda model: model.round_record[key]
