"""The workshop role-play: teams in the room each play one stakeholder group.

Every round each team picks a :class:`Move` for its group, the facilitator advances the round,
and simulated stakeholders play every other seat. A move is a declared one-round override
(:class:`govsim.overrides.RoundOverrides`: attendance chance, the decision's tolerance,
persuadability, capability) or a lasting change of view (conceding), passed to the model's
``step``; it never touches the model's arrays, and compliance and non-compliance are measured
with the groups' real traits. An ``amend`` move tables a text point that the chair's revision
moves toward (the ``amendments`` override). A :class:`~govsim.roleplay.plan.SessionPlan` fits the
session to its slot (issues, round budget, fallback decision). At the end the room's outcome is
set next to all-simulated runs of the same scenario, protocol and plan over several seeds.

The moves and the outcome save to JSON and load again (the run is replayed from the seed, so
a loaded file gives the same model). No widgets here: see :mod:`govsim.roleplay.panel`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim import safefiles
from govsim.actors import Scale
from govsim.groups import GROUP_NAMES, Group
from govsim.i18n import N_, _, decimal, join_numbers, percent
from govsim.i18n import number as said_number
from govsim.model import GovernanceModel
from govsim.overrides import RoundOverrides
from govsim.plain import plain
from govsim.protocols import protocol_names
from govsim.reading import read_json
from govsim.roleplay.plan import SessionPlan
from govsim.scenarios import load_scenario, scenario_names
from govsim.teaching import seed_rows
from govsim.values import at, member, number, whole

FORMAT = "govsim-roleplay"
VERSION = 2
VERSIONS = (1, 2)  # version 1 files have no plan and no amendments
CONCEDE_SHARE = 0.5  # a conceding group moves this share of the way toward the text on the table
LOBBY_BOOST = 2.0  # a lobbying group's capability is multiplied by this for the round (capped at 1)


class Move(Enum):
    """What a team can do with its group's seats in one round."""

    SIMULATED = "simulated"
    HOLD = "hold"
    CONCEDE = "concede"
    OBJECT = "object"
    LOBBY = "lobby"
    STAY_AWAY = "stay_away"
    AMEND = "amend"

    @property
    def meaning(self) -> str:
        """What the move does, in one line in the current language."""
        return _(MOVE_MEANINGS[self]).format(share=percent(CONCEDE_SHARE), boost=said_number(LOBBY_BOOST))

    @classmethod
    def parse(cls, value: Move | str, where: str = "move") -> Move:
        """The move named ``value`` (any case, spaces trimmed), or ``value`` if it is one.

        >>> Move.parse("Stay_Away")
        <Move.STAY_AWAY: 'stay_away'>

        Raises
        ------
        ValueError
            ``value`` names no move; one line, ``where=value`` and the allowed names.
        """
        return member(cls, value, f"{where}={value!r} is not a move")


MOVE_MEANINGS = {  # {share} and {boost} are filled in by Move.meaning
    Move.SIMULATED: N_("let the simulation play your seats as usual"),
    Move.HOLD: N_("stand firm: nobody in your group is persuaded this round"),
    Move.CONCEDE: N_("move your group {share} of the way toward the text on the table"),
    Move.OBJECT: N_("all attend and object to any text that leaves you worse off (tolerance 0)"),
    Move.LOBBY: N_("all attend and push harder: capability ×{boost} this round"),
    Move.STAY_AWAY: N_("nobody from your group attends this round"),
    Move.AMEND: N_("table a text point: if the text fails, the chair moves it toward your point"),
}


@dataclass
class RolePlay:
    """One role-play session: the model, the teams, and every round's moves.

    Parameters
    ----------
    scenario : str
        A scenario name (:func:`govsim.scenarios.scenario_names`).
    protocol : str or None
        A protocol name (:func:`govsim.protocols.protocol_names`); None: the scenario's own.
        After construction, the name of the protocol played.
    teams : tuple of str
        The groups played by teams in the room, each at most once and each with stakeholders
        in the scenario; ``()``: every such group (:func:`playing_groups`).
    seed : int
        The model's seed, 0 or more.
    plan : SessionPlan
        Issues, round budget and fallback (default: every issue, the scenario's deadline, the
        status quo).
    history : list of dict
        One record per round played (:meth:`play_round`).

    Attributes
    ----------
    setup : govsim.scenarios.Scenario
        The scenario as the plan cuts it (:meth:`SessionPlan.scenario`).
    model : govsim.model.GovernanceModel
        The run the room plays.

    Raises
    ------
    ValueError
        One line naming the field: an unknown scenario, protocol or group, a seed that is not
        a whole number of 0 or more, a team named twice or without stakeholders, or a plan
        with more issues than the agenda.
    TypeError
        ``plan`` is not a :class:`SessionPlan`.
    """

    scenario: str = "classroom"
    protocol: str | None = None
    teams: tuple[str, ...] = ()  # () = every group with stakeholders in the scenario
    seed: int = 1
    plan: SessionPlan = field(default_factory=SessionPlan)
    history: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_choice("scenario", self.scenario, scenario_names())
        if self.protocol is not None:
            _check_choice("protocol", self.protocol, protocol_names())
        self.seed = whole(self.seed, "seed", 0)
        if not isinstance(self.plan, SessionPlan):
            raise TypeError(f"plan={self.plan!r} must be a SessionPlan")
        self.setup = self.plan.scenario(load_scenario(self.scenario))
        playing = playing_groups(self.setup)
        self.teams = tuple(Group.parse(t).value for t in self.teams) or playing
        if len(set(self.teams)) != len(self.teams):
            raise ValueError(f"teams={list(self.teams)} must name each group at most once")
        absent = [t for t in self.teams if t not in playing]
        if absent:
            raise ValueError(
                f"teams: {absent[0]!r} has no stakeholders in scenario {self.scenario!r} "
                f"(groups with stakeholders: {', '.join(playing)})"
            )
        self.model = self.new_model(self.seed)
        self.protocol = self.model.protocol.name

    def new_model(self, seed: int) -> GovernanceModel:
        """A fresh model of this session's scenario, protocol and plan (what the room plays)."""
        protocol = self.plan.protocol(self.protocol or self.setup.protocol, self.setup)
        return GovernanceModel(self.setup, protocol=protocol, rng=seed)

    @property
    def announcement(self) -> str:
        """The session's rules, to show before the first round (issues, budget, fallback)."""
        return self.plan.announcement(self.setup, self.protocol)

    # ------------------------------------------------------------ playing
    @property
    def finished(self) -> bool:
        """True when the agenda is done (the model stopped running): no round is left to play."""
        return not self.model.running

    def play_round(
        self,
        moves: dict[str, Move | str] | None = None,
        amendments: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Play one round with each team's move (missing teams: ``simulated``) as the round's
        overrides (:func:`move_overrides`), and return the record of the round.

        ``amendments`` gives a text point (K numbers in [0, 1], the model's units) for every
        team that plays ``amend``, and for no other team.

        Returns
        -------
        dict
            ``issue`` (0-based index), ``round`` (1-based, within the issue), ``moves`` (team ->
            move name, every team) and, when a team amended, ``amendments`` (team -> list of K
            floats); the same record is appended to :attr:`history`.

        Raises
        ------
        ValueError
            One line: the agenda is finished, a move is for a group that is not a team in the
            room or names no move, or the amendments do not match the ``amend`` moves or are not
            K numbers in [0, 1]. Nothing is played then.
        """
        if self.finished:
            raise ValueError("the agenda is finished: no round left to play (save or start again)")
        chosen = self._check_moves(moves or {})
        points = self._check_amendments(chosen, amendments or {})
        issue = self.model.current_issue
        record: dict[str, Any] = {
            "issue": issue.index,
            "round": issue.round + 1,
            "moves": {team: move.value for team, move in chosen.items()},
        }
        if points:
            record["amendments"] = {team: [float(v) for v in p] for team, p in points.items()}
        self.model.play_round(move_overrides(chosen, points))
        self.history.append(record)
        return record

    def play_to_end(
        self, moves: dict[str, Move | str] | None = None, amendments: dict[str, Any] | None = None
    ) -> None:
        """Play every remaining round with the same moves (default: all simulated)."""
        while not self.finished:
            self.play_round(moves, amendments)

    def _check_moves(self, moves: dict[str, Move | str]) -> dict[str, Move]:
        unknown = [t for t in moves if t not in self.teams]
        if unknown:
            raise ValueError(
                f"moves for {unknown[0]!r}: not a team in the room (teams: {', '.join(self.teams)})"
            )
        return {t: Move.parse(moves.get(t, Move.SIMULATED), at("moves", t)) for t in self.teams}

    def _check_amendments(self, chosen: dict[str, Move], amendments: dict[str, Any]) -> dict[str, np.ndarray]:
        k = self.setup.k
        dims = ", ".join(self.setup.dimensions)
        for team, move in chosen.items():
            if move is Move.AMEND and team not in amendments:
                raise ValueError(
                    f"{at('amendments', team)} is missing: an amend move needs a text point ({dims})"
                )
        points = {}
        for team, point in amendments.items():
            if chosen.get(team) is not Move.AMEND:
                raise ValueError(f"{at('amendments', team)}: {team!r} did not play amend this round")
            points[team] = check_point(point, k, at("amendments", team), dims)
        return points

    # ------------------------------------------------------------ results
    def outcome(self) -> dict[str, Any]:
        """The room's result, JSON-ready: ``summary`` (the model's ``summary()``) and ``issues``
        (one dict per closed issue, the model's ``outcomes`` rows)."""
        issues = self.model.outcomes.to_dict(orient="records")
        return {"summary": plain(self.model.summary()), "issues": plain(issues)}

    def simulated(self, seeds: range | list[int] = range(5)) -> pd.DataFrame:
        """All-simulated runs of the same scenario, protocol and plan, run to the end: a frame
        with one row per seed, ``seed`` and the columns of ``summary()``."""
        return pd.DataFrame(seed_rows(lambda s: self.new_model(s).run(), seeds))

    def comparison(self, seeds: range | list[int] = range(5)) -> pd.DataFrame:
        """The room next to the all-simulated runs: a ``protocol`` column names the side, so the
        frame goes straight into :func:`govsim.screen.plotting.plot_protocol_comparison`."""
        room = pd.DataFrame([{"seed": self.seed, **self.model.summary()}]).assign(protocol="your room")
        sims = self.simulated(seeds).assign(protocol="all simulated")
        return pd.concat([room, sims], ignore_index=True)

    # ------------------------------------------------------------ saving
    def to_dict(self) -> dict[str, Any]:
        """The session as JSON-ready data (format :data:`FORMAT`, version :data:`VERSION`):
        scenario, protocol, seed, teams, plan, every round's record (``moves``) and the
        outcome so far; :meth:`from_dict` replays it."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "scenario": self.scenario,
            "protocol": self.protocol,
            "seed": self.seed,
            "teams": list(self.teams),
            "plan": self.plan.to_dict(),
            "moves": self.history,
            "outcome": self.outcome(),
        }

    def save(self, path: str | Path) -> Path:
        """Write :meth:`to_dict` to ``path`` as indented JSON (UTF-8, whole or not at all; a
        missing number is written ``NaN``, as Python's ``json`` does) and return the path.

        Raises
        ------
        ValueError
            ``path`` or its folder is a symbolic link, or ``path`` is a folder.
        """
        return safefiles.write_text(Path(path), json.dumps(self.to_dict(), indent=2, allow_nan=True))

    @classmethod
    def from_dict(cls, data: Any) -> RolePlay:
        """Rebuild a session from :meth:`to_dict`'s data by replaying its moves from the seed.

        Versions 1 and 2 are read (version 1 has no plan and no amendments).

        Raises
        ------
        ValueError
            One line naming the field: not a role-play object, an unsupported format or
            version, a field missing or of the wrong type, a round that cannot be replayed
            (:meth:`replay`), or a stored outcome that differs from the replayed one (an edited
            file).
        """
        data = _check_file(data)
        plan = SessionPlan.from_dict(data.get("plan", {}))  # absent from version 1 files only
        play = cls(data["scenario"], data["protocol"], tuple(data["teams"]), data["seed"], plan)
        for n, record in enumerate(data["moves"]):
            play.replay(record, f"moves[{n}]")
        _check_outcome(data["outcome"], json.loads(json.dumps(play.outcome())))
        return play

    def replay(self, record: Any, where: str = "record") -> dict[str, Any]:
        """Play one saved round record (``moves``, optional ``amendments``) again and return
        the new record (:meth:`play_round`).

        Raises
        ------
        ValueError
            One line starting with ``where``: the record is not an object with a ``moves``
            object, the agenda is already finished, or a move or amendment is refused.
        """
        if not isinstance(record, dict) or not isinstance(record.get("moves"), dict):
            raise ValueError(f"{where}={record!r} must be an object with a 'moves' object")
        extra = sorted(set(record) - set(RECORD_FIELDS), key=repr)
        if extra:
            raise ValueError(
                f"{at(where, extra[0])} is not a round field (allowed: {', '.join(RECORD_FIELDS)})"
            )
        if self.finished:
            raise ValueError(f"{where}: the agenda was already finished (too many rounds)")
        amendments = record.get("amendments", {})
        if not isinstance(amendments, dict):
            raise ValueError(f"{where}.amendments={amendments!r} must be an object (team -> text point)")
        moves = {t: Move.parse(m, at(f"{where}.moves", t)) for t, m in record["moves"].items()}
        issue = self.model.current_issue
        for key, now in (("issue", issue.index), ("round", issue.round + 1)):
            given = record.get(key, now)
            if type(given) is not int or given != now:
                raise ValueError(f"{where}.{key}={given!r} is not the round replayed ({key} {now})")
        try:
            return self.play_round(moves, amendments)
        except ValueError as exc:
            raise ValueError(f"{where}.{exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> RolePlay:
        """The session saved at ``path`` (:meth:`save`), rebuilt by :meth:`from_dict`.

        Raises
        ------
        ValueError
            One line starting with the file's name: not UTF-8 or not JSON
            (:class:`govsim.reading.FileError`), or refused by :meth:`from_dict`.
        OSError
            The file cannot be read (``FileNotFoundError`` when it is missing).
        """
        data = read_json(path)  # UTF-8, one-line errors naming the file
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None


# ---------------------------------------------------------------- moves as overrides
def move_overrides(moves: dict[str, Move], amendments: dict[str, Any] | None = None) -> RoundOverrides:
    """The one-round overrides that the teams' moves stand for (group name -> move).

    ``hold``: not persuadable. ``concede``: move :data:`CONCEDE_SHARE` of the way toward the
    text on the table. ``object``: everyone attends, tolerance 0 in the decision, not
    persuadable. ``lobby``: everyone attends, capability x :data:`LOBBY_BOOST` (capped at 1 by
    the model). ``stay_away``: attendance 0. ``amend``: the team's text point (from
    ``amendments``, group -> K numbers) is tabled as its amendment. ``simulated``: nothing.

    Returns
    -------
    govsim.overrides.RoundOverrides

    Raises
    ------
    ValueError
        A group or move name is unknown.
    """
    fields: dict[str, dict[str, Any]] = {
        "attendance": {},
        "persuadable": {},
        "tolerance": {},
        "capability": {},
        "concede": {},
        "amendments": {},
    }
    for team, move in moves.items():
        for name, value in MOVE_OVERRIDES[Move.parse(move)].items():
            fields[name][Group.parse(team).value] = value
    for team, point in (amendments or {}).items():
        fields["amendments"][Group.parse(team).value] = tuple(float(v) for v in point)
    return RoundOverrides(**fields)


MOVE_OVERRIDES: dict[Move, dict[str, Any]] = {
    Move.SIMULATED: {},
    Move.HOLD: {"persuadable": False},
    Move.CONCEDE: {"concede": CONCEDE_SHARE},
    Move.OBJECT: {"attendance": 1.0, "tolerance": 0.0, "persuadable": False},
    Move.LOBBY: {"attendance": 1.0, "capability": LOBBY_BOOST},
    Move.STAY_AWAY: {"attendance": 0.0},
    Move.AMEND: {},  # the text point is the move: see move_overrides
}


# ---------------------------------------------------------------- validation helpers
def _check_choice(name: str, value: Any, allowed: list[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not known (allowed: {', '.join(allowed)})")


#: every field of a role-play file: (the types allowed, what is allowed in words); ``plan`` may
#: be absent from a version 1 file only, and ``protocol`` is null for the scenario's own
FILE_FIELDS: dict[str, tuple[tuple[type, ...], str]] = {
    "format": ((str,), repr(FORMAT)),
    "version": ((int,), " or ".join(map(str, VERSIONS))),
    "scenario": ((str,), "a scenario name"),
    "protocol": ((str, type(None)), "a protocol name or null"),
    "seed": ((int,), "a whole number of 0 or more"),
    "teams": ((list,), "a list of group names"),
    "plan": ((dict,), "a plan object"),
    "moves": ((list,), "a list of round records"),
    "outcome": ((dict,), "the outcome object"),
}
#: every field of one round record (``moves``); ``issue`` and ``round`` are checked on replay
RECORD_FIELDS = ("issue", "round", "moves", "amendments")


def _check_file(data: Any) -> dict[str, Any]:
    """``data`` checked key by key against :data:`FILE_FIELDS` (one-line ``ValueError``)."""
    if not isinstance(data, dict):
        raise ValueError(f"the file must hold a JSON object, not {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ValueError(f"format={data.get('format')!r} is not a role-play file (expected {FORMAT!r})")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in VERSIONS:
        allowed = ", ".join(map(str, VERSIONS))
        raise ValueError(f"version={version!r} is not supported (allowed: {allowed})")
    extra = sorted(map(repr, set(data) - set(FILE_FIELDS)))
    if extra:
        raise ValueError(f"{extra[0]} is not a role-play file field (allowed: {', '.join(FILE_FIELDS)})")
    return check_fields(data, [k for k in FILE_FIELDS if k != "plan" or version != 1 or k in data])


def check_fields(data: dict[str, Any], keys: list[str], where: str = "") -> dict[str, Any]:
    """``data`` with each of ``keys`` present and of the type :data:`FILE_FIELDS` gives (the
    role-play file's and the served room's configuration share them); ``teams`` a list of strings.

    Raises
    ------
    ValueError
        One line, ``where`` first: a key is missing or its value of the wrong type (the value
        and what is allowed are named).
    """
    for key in keys:
        kinds, allowed = FILE_FIELDS[key]
        if key not in data:
            raise ValueError(f"{where}{key} is missing (expected {allowed})")
        value = data[key]
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise ValueError(f"{where}{key}={value!r} has the wrong type (expected {allowed})")
    for n, team in enumerate(data.get("teams", []) if "teams" in keys else []):
        if not isinstance(team, str):
            raise ValueError(f"{where}teams[{n}]={team!r} must be a group name ({', '.join(GROUP_NAMES)})")
    return data


def _check_outcome(stored: Any, replayed: Any, where: str = "outcome") -> None:
    """Refuse a file whose stored outcome is not what its moves replay to (an edited file).
    Numbers agree to 1e-9 relative (JSON keeps a float's 17 digits; replay is deterministic)."""
    same = type(stored) is type(replayed)
    if same and isinstance(stored, dict):
        for key in sorted(set(stored) | set(replayed)):
            _check_outcome(stored.get(key), replayed.get(key), f"{where}.{key}")
        return
    if same and isinstance(stored, list) and len(stored) == len(replayed):
        for n, (a, b) in enumerate(zip(stored, replayed, strict=True)):
            _check_outcome(a, b, f"{where}[{n}]")
        return
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (stored, replayed))
    if (numbers and math.isclose(stored, replayed, rel_tol=1e-9, abs_tol=1e-12)) or stored == replayed:
        return
    raise ValueError(
        f"{where}={stored!r} differs from the replayed {replayed!r}: the file was edited or made by "
        "another govsim version (the moves and seed decide the outcome)"
    )


def playing_groups(setup: Any) -> tuple[str, ...]:
    """The groups that have stakeholders in ``setup`` (drawn members or named actors), in order."""
    present = {s.group.value for s in setup.groups if s.count} | {a.group.value for a in setup.actors}
    return tuple(g for g in GROUP_NAMES if g in present)


def scales_of(setup: Any) -> tuple[Scale, ...]:
    """Each dimension's scale in the scenario's own units ([0, 1] unless the scenario says)."""
    return tuple(setup.scales) or (Scale(),) * setup.k


def to_model_units(setup: Any, values: Any) -> Any:
    """A text point typed in the scenario's own units, in the model's [0, 1] (anything that is
    not a list of numbers is passed on unchanged, for :func:`check_point` to refuse)."""
    try:
        return [s.to_unit(float(v)) for s, v in zip(scales_of(setup), values, strict=True)]
    except (TypeError, ValueError):
        return values


def said_point(setup: Any, point: Any) -> str:
    """A [0, 1] text point as the room reads it: in the scenario's own units, two decimals, in
    the current locale (``0,70 ; 0,90`` in French)."""
    return join_numbers(decimal(v) for v in setup.in_file_units(point))


def check_point(point: Any, k: int, where: str, dims: str = "") -> np.ndarray:
    """``point`` as a (k,) float array: ``k`` finite numbers in [0, 1] (one per dimension).

    >>> check_point([0.2, 1], 2, "amendments.business")
    array([0.2, 1. ])

    Raises
    ------
    ValueError
        One line: ``where=point`` and what is allowed (``dims`` names the dimensions).
    """
    allowed = f"{k} numbers in [0, 1]" + (f" ({dims})" if dims else "")
    if isinstance(point, str | bytes) or not hasattr(point, "__len__") or len(point) != k:
        raise ValueError(f"{where}={point!r} must be {allowed}")
    try:
        arr = np.array([number(v, where, 0.0, 1.0) for v in point])
    except ValueError:
        raise ValueError(f"{where}={point!r} must be {allowed}") from None
    return arr


def fixed_strategies(
    scenario: str = "classroom",
    protocol: str | None = None,
    team: str = "civil_society",
    moves: tuple[Move | str, ...] = tuple(m for m in Move if m is not Move.AMEND),
    seeds: range | list[int] = range(5),
) -> pd.DataFrame:
    """What if one team played the same move every round? One row per (move, seed): ``move``,
    ``seed`` and the run's ``summary()``; every other seat is simulated, with the default plan
    (every issue, the scenario's deadline, the status quo). Data for a debrief.

    Raises
    ------
    ValueError
        ``moves`` holds ``amend`` (it needs a text point chosen round by round), or a name is
        unknown.
    """

    def finished(seed: int, move: Move) -> GovernanceModel:
        play = RolePlay(scenario, protocol, (team,), seed)
        play.play_to_end({play.teams[0]: move})
        return play.model

    rows = []
    for move in map(Move.parse, moves):
        if move is Move.AMEND:
            raise ValueError(
                "moves: 'amend' needs a text point each round; fixed_strategies plays the others"
            )
        rows += seed_rows(lambda seed, m=move: finished(seed, m), seeds, move=move.value)
    return pd.DataFrame(rows)
