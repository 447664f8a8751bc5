"""The negotiation model: stakeholders work through an agenda of policy issues under a protocol.

One ``step`` is one round of the current issue, for every forum still open:

1. attendance: each stakeholder with a seat attends with probability ``capacity``;
2. deliberation: bounded-confidence exchange among attendees, observers listen, and under
   top-down rules absent non-governments lobby governments; then everyone is pulled back
   toward their initial view (stubbornness);
3. proposal: the chair's draft (first round) or its revision toward the objectors;
4. decision: the protocol adopts or not; an issue closes when adopted or at ``max_rounds``;
5. compliance (when an issue closes): i complies when u_i(y) >= u_i(q) - theta_eff, with
   theta_eff = theta + voice_bonus for those who took part in or watched the talks.

State lives in numpy arrays owned by the model; agents are views onto their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from govsim.agents import Stakeholder
from govsim.deliberation import anchor, exchange, listen, lobby, random_pairs
from govsim.groups import GROUP_NAMES, N_GROUPS, Group
from govsim.metrics import count_clusters, group_shares, polarization
from govsim.outcomes import OUTCOME_COLUMNS, issue_outcome, run_summary
from govsim.params import Parameters
from govsim.population import draw_population
from govsim.protocols import Decision, Protocol, Table, get_protocol
from govsim.scenarios import Scenario, load_scenario

GOVERNMENT = Group.GOVERNMENT.code


@dataclass
class Forum:
    """One negotiating table for the current issue (the whole population, or one region)."""

    name: str
    members: np.ndarray
    seats: np.ndarray  # members who may sit at the table
    protocol: Protocol
    draft: np.ndarray | None = None  # the text on the table for the next decision
    proposal: np.ndarray | None = None  # the text decided on in the latest round
    rounds: int = 0
    open: bool = True
    adopted: bool = False
    last: Decision | None = None
    heard: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def admitted(group: np.ndarray, capability: np.ndarray, openness: float) -> np.ndarray:
    """Who may attend at all: every government, and the best-resourced ``openness`` share of
    the non-government stakeholders (accreditation that favours the well-funded)."""
    ok = group == GOVERNMENT
    others = np.flatnonzero(~ok)
    keep = int(np.ceil(openness * len(others) - 1e-9))
    ranked = others[np.argsort(-capability[others], kind="stable")]
    ok[ranked[:keep]] = True
    return ok


class GovernanceModel(mesa.Model):
    """Internet policy negotiation among governments, business, civil society and the
    technical community.

    Parameters
    ----------
    scenario : name of a bundled scenario, a path to a scenario TOML file, or a Scenario.
    protocol : registered protocol name or instance; default: the scenario's.
    params : a :class:`Parameters` replacing the scenario's.
    rng : seed or ``numpy.random.Generator``; the model's only source of randomness.
    **settings : parameter or ``group.trait`` overrides, e.g. ``rho=0.2``.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "classroom",
        *,
        protocol: str | Protocol | None = None,
        params: Parameters | None = None,
        rng: int | np.random.Generator | None = None,
        **settings: Any,
    ) -> None:
        # Always hand Mesa a Generator, so rng=42 and rng=default_rng(42) give the same run.
        super().__init__(rng=np.random.default_rng(rng))
        setup = load_scenario(scenario)
        if params is not None:
            setup = replace(setup, params=params)
        self.setup = setup.with_settings(settings) if settings else setup
        self.params = self.setup.params
        self.protocol = get_protocol(protocol or self.setup.protocol)
        pop = draw_population(self.setup.groups, self.setup.shifts(), self.rng, self.params.population_scale)
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
        self.capacity_eff = self.capacity + self.params.support * (1.0 - self.capacity)
        self.attending = np.zeros(self.n, dtype=bool)
        self.observing = np.zeros(self.n, dtype=bool)
        Stakeholder.create_agents(self, self.n, row=np.arange(self.n))
        self.issue_index = 0
        self.round_in_issue = 0
        self.forums: list[Forum] = []
        self.round_record: dict[str, Any] = {}
        self.issue_records: list[dict[str, Any]] = []
        self._participation = np.zeros(N_GROUPS)
        self.datacollector = mesa.DataCollector(
            model_reporters={key: _reporter(key) for key in self.round_columns()},
            tables={"outcomes": OUTCOME_COLUMNS(self.setup.dimensions)},
        )

    # ----------------------------------------------------------------- the round
    def step(self) -> None:
        if not self.running:
            return
        if not self.forums:
            self._open_issue()
        present = self.rng.random(self.n) < self.capacity_eff
        watching = self.rng.random(self.n) < self.params.transparency
        self.attending[:] = False
        self.observing[:] = False
        open_forums = [f for f in self.forums if f.open]
        for forum in open_forums:
            self._deliberate(forum, present, watching)
        anchor(self.positions, self.x0, self.stubbornness)
        np.clip(self.positions, 0.0, 1.0, out=self.positions)
        self.round_in_issue += 1
        for forum in open_forums:
            self._decide(forum)
        self._record_round(open_forums)
        if not any(f.open for f in self.forums):
            self._close_issue()

    def _deliberate(self, forum: Forum, present: np.ndarray, watching: np.ndarray) -> None:
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
        for _ in range(p.meetings):
            a, b = random_pairs(speakers, self.rng)
            exchange(self.positions, self.confidence, p.mu, a, b)
        listen(self.positions, self.confidence, p.mu, np.flatnonzero(observers), speakers, self.rng)
        if lobbyists is not None:
            governments = np.flatnonzero(forum.members & (self.group == GOVERNMENT))
            lobby(
                self.positions,
                self.capability,
                p.lobbying,
                np.flatnonzero(lobbyists),
                governments,
                self.rng,
            )

    def _decide(self, forum: Forum) -> None:
        issue = self.setup.agenda[self.issue_index]
        table = Table(
            positions=self.positions,
            salience=self.salience,
            tolerance=self.tolerance,
            capability=self.capability,
            group=self.group,
            members=forum.members,
            attending=self.attending & forum.members,
            status_quo=np.asarray(issue.status_quo),
            initial_draft=None if issue.draft is None else np.asarray(issue.draft),
            round=forum.rounds + 1,
            params=self.params,
        )
        if forum.draft is None:
            forum.draft = np.clip(forum.protocol.draft(table), 0.0, 1.0)
        forum.proposal = forum.draft
        decision = forum.protocol.decide(table, forum.draft)
        forum.rounds += 1
        forum.last = decision
        if decision.adopted:
            forum.open, forum.adopted = False, True
        elif forum.rounds >= self.params.max_rounds:
            forum.open = False
        else:
            forum.draft = np.clip(forum.protocol.revise(table, forum.draft, decision), 0.0, 1.0)

    # ----------------------------------------------------------------- issues
    def _open_issue(self) -> None:
        self.round_in_issue = 0
        self._participation[:] = 0.0
        self.forums = []
        for name, region, protocol in self.protocol.forums(self.setup.regions, self.setup.regional_protocols):
            members = np.ones(self.n, dtype=bool) if region is None else self.region == region
            seats = members & self.admitted
            if protocol.governments_only:
                seats &= self.group == GOVERNMENT
            heard = np.zeros(self.n, dtype=bool)
            self.forums.append(Forum(name, members, seats, protocol, heard=heard))

    def _close_issue(self) -> None:
        issue = self.setup.agenda[self.issue_index]
        record = issue_outcome(
            issue=issue,
            forums=self.forums,
            positions=self.positions,
            salience=self.salience,
            tolerance=self.tolerance,
            capability=self.capability,
            group=self.group,
            voice_bonus=self.params.voice_bonus,
            participation=self._participation / max(1, self.round_in_issue),
            dimensions=self.setup.dimensions,
        )
        record["issue"] = self.issue_index
        self.issue_records.append(record)
        self.datacollector.add_table_row(
            "outcomes", {k: record[k] for k in OUTCOME_COLUMNS(self.setup.dimensions)}
        )
        self.issue_index += 1
        self.forums = []
        if self.issue_index >= len(self.setup.agenda):
            self.running = False

    # ----------------------------------------------------------------- data
    def round_columns(self) -> list[str]:
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
        objecting = sum(int(f.last.objecting.sum()) for f in forums)
        deciding = sum(int(f.last.deciding.sum()) for f in forums)
        sizes = np.array([f.members.sum() for f in forums], dtype=float)
        # size-weighted mean of the forums' texts (np.average's arithmetic, without its checks)
        proposal = (np.array([f.proposal for f in forums]) * sizes[:, None]).sum(axis=0) / sizes.sum()
        rec = {"issue": self.issue_index, "round": self.round_in_issue}
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
        """One row per closed agenda issue (see :mod:`govsim.outcomes`)."""
        return self.datacollector.get_table_dataframe("outcomes")

    def summary(self) -> dict[str, Any]:
        """Run-level means over the closed issues: the flat dict the CLI and sweeps report."""
        return {
            "scenario": self.setup.name,
            "protocol": self.protocol.name,
            "stakeholders": self.n,
            **run_summary(self.outcomes),
        }

    def run(self, max_steps: int | None = None) -> GovernanceModel:
        """Step until the agenda is done (or ``max_steps`` rounds); returns the model."""
        steps = 0
        while self.running and (max_steps is None or steps < max_steps):
            self.step()
            steps += 1
        return self


def _reporter(key: str):
    return lambda model: model.round_record[key]
