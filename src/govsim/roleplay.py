"""The workshop role-play: teams in the room each play one stakeholder group.

Every round each team picks a :class:`Move` for its group, the facilitator advances the round,
and simulated stakeholders play every other seat. A move is a declared one-round override
(:class:`govsim.overrides.RoundOverrides`: attendance chance, the decision's tolerance,
persuadability, capability) or a lasting change of view (conceding), passed to the model's
``step``; it never touches the model's arrays, and compliance and fragmentation are measured
with the groups' real traits. At the end the room's outcome is set next to all-simulated runs
of the same scenario and protocol over several seeds.

The moves and the outcome save to JSON and load again (the run is replayed from the seed, so
a loaded file gives the same model). No widgets here: see :mod:`govsim.roleplay_panel`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.groups import GROUP_NAMES, Group
from govsim.model import GovernanceModel
from govsim.overrides import RoundOverrides
from govsim.plain import plain
from govsim.protocols import protocol_names
from govsim.reading import read_json
from govsim.scenarios import scenario_names
from govsim.teaching import seed_rows
from govsim.values import whole

FORMAT = "govsim-roleplay"
VERSION = 1
CONCEDE_SHARE = 0.5  # a conceding group moves this share of the way toward the text on the table
LOBBY_BOOST = 2.0  # a lobbying group's capability is multiplied by this for the round (capped at 1)
COMPARE_METRICS = (
    "adoption_rate",
    "mean_rounds",
    "mean_compliance",
    "fragmentation",
    "mean_min_group_gain",
)


class Move(Enum):
    """What a team can do with its group's seats in one round."""

    SIMULATED = "simulated"
    HOLD = "hold"
    CONCEDE = "concede"
    OBJECT = "object"
    LOBBY = "lobby"
    STAY_AWAY = "stay_away"

    @property
    def meaning(self) -> str:
        return MOVE_MEANINGS[self]

    @classmethod
    def parse(cls, value: Move | str, where: str = "move") -> Move:
        if isinstance(value, Move):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise ValueError(f"{where}={value!r} is not a move (allowed: {allowed})") from None


MOVE_MEANINGS = {
    Move.SIMULATED: "let the simulation play your seats as usual",
    Move.HOLD: "stand firm: nobody in your group is persuaded this round",
    Move.CONCEDE: f"move your group {CONCEDE_SHARE:.0%} of the way toward the text on the table",
    Move.OBJECT: "all attend and object to any text that leaves you worse off (tolerance 0)",
    Move.LOBBY: f"all attend and push harder: capability x{LOBBY_BOOST:g} this round",
    Move.STAY_AWAY: "nobody from your group attends this round",
}


@dataclass
class RolePlay:
    """One role-play session: the model, the teams, and every round's moves."""

    scenario: str = "classroom"
    protocol: str | None = None
    teams: tuple[str, ...] = GROUP_NAMES
    seed: int = 1
    history: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_choice("scenario", self.scenario, scenario_names())
        if self.protocol is not None:
            _check_choice("protocol", self.protocol, protocol_names())
        self.teams = tuple(Group.parse(t).value for t in self.teams)
        if not self.teams or len(set(self.teams)) != len(self.teams):
            raise ValueError(f"teams={list(self.teams)} must name each group at most once, at least one")
        self.seed = whole(self.seed, "seed", 0)
        self.model = GovernanceModel(self.scenario, protocol=self.protocol, rng=self.seed)
        self.protocol = self.model.protocol.name

    # ------------------------------------------------------------ playing
    @property
    def finished(self) -> bool:
        return not self.model.running

    def play_round(self, moves: dict[str, Move | str] | None = None) -> dict[str, Any]:
        """Play one round with each team's move (missing teams: ``simulated``) as the round's
        overrides, and return the record of the round."""
        if self.finished:
            raise ValueError("the agenda is finished: no round left to play (save or start again)")
        chosen = self._check_moves(moves or {})
        issue = self.model.current_issue
        record = {
            "issue": issue.index,
            "round": issue.round + 1,
            "moves": {team: move.value for team, move in chosen.items()},
        }
        self.model.step(move_overrides(chosen))
        self.history.append(record)
        return record

    def play_to_end(self, moves: dict[str, Move | str] | None = None) -> None:
        """Play every remaining round with the same moves (default: all simulated)."""
        while not self.finished:
            self.play_round(moves)

    def _check_moves(self, moves: dict[str, Move | str]) -> dict[str, Move]:
        unknown = [t for t in moves if t not in self.teams]
        if unknown:
            raise ValueError(
                f"moves for {unknown[0]!r}: not a team in the room (teams: {', '.join(self.teams)})"
            )
        return {t: Move.parse(moves.get(t, Move.SIMULATED), f"moves.{t}") for t in self.teams}

    # ------------------------------------------------------------ results
    def outcome(self) -> dict[str, Any]:
        """The room's result: the run summary and one row per closed issue (JSON-ready)."""
        issues = self.model.outcomes.to_dict(orient="records")
        return {"summary": plain(self.model.summary()), "issues": plain(issues)}

    def simulated(self, seeds: range | list[int] = range(5)) -> pd.DataFrame:
        """All-simulated runs of the same scenario and protocol, one row of ``summary()`` per seed."""
        return pd.DataFrame(
            seed_rows(lambda s: GovernanceModel(self.scenario, protocol=self.protocol, rng=s).run(), seeds)
        )

    def comparison(self, seeds: range | list[int] = range(5)) -> pd.DataFrame:
        """The room next to the all-simulated runs: a ``protocol`` column names the side, so the
        frame goes straight into :func:`govsim.plotting.plot_protocol_comparison`."""
        room = pd.DataFrame([{"seed": self.seed, **self.model.summary()}]).assign(protocol="your room")
        sims = self.simulated(seeds).assign(protocol="all simulated")
        return pd.concat([room, sims], ignore_index=True)

    # ------------------------------------------------------------ saving
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "scenario": self.scenario,
            "protocol": self.protocol,
            "seed": self.seed,
            "teams": list(self.teams),
            "moves": self.history,
            "outcome": self.outcome(),
        }

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=True))
        return path

    @classmethod
    def from_dict(cls, data: Any) -> RolePlay:
        """Rebuild a session by replaying its moves; every field is checked with a one-line error."""
        data = _check_file(data)
        play = cls(data["scenario"], data["protocol"], tuple(data["teams"]), data["seed"])
        for n, record in enumerate(data["moves"]):
            where = f"moves[{n}]"
            if not isinstance(record, dict) or not isinstance(record.get("moves"), dict):
                raise ValueError(f"{where} must be an object with a 'moves' object")
            if play.finished:
                raise ValueError(f"{where}: the agenda was already finished (too many rounds)")
            moves = {t: Move.parse(m, f"{where}.moves.{t}") for t, m in record["moves"].items()}
            play.play_round(moves)
        _check_outcome(data["outcome"], json.loads(json.dumps(play.outcome())))
        return play

    @classmethod
    def load(cls, path: str | Path) -> RolePlay:
        data = read_json(path)  # UTF-8, one-line errors naming the file
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None


# ---------------------------------------------------------------- moves as overrides
def move_overrides(moves: dict[str, Move]) -> RoundOverrides:
    """The one-round overrides that the teams' moves stand for (group name -> move).

    ``hold``: not persuadable. ``concede``: move CONCEDE_SHARE toward the text on the table.
    ``object``: everyone attends, tolerance 0 in the decision, not persuadable. ``lobby``:
    everyone attends, capability x LOBBY_BOOST (capped at 1). ``stay_away``: attendance 0.
    """
    fields: dict[str, dict[str, Any]] = {
        "attendance": {},
        "persuadable": {},
        "tolerance": {},
        "capability": {},
        "concede": {},
    }
    for team, move in moves.items():
        for name, value in MOVE_OVERRIDES[Move.parse(move)].items():
            fields[name][Group.parse(team).value] = value
    return RoundOverrides(**fields)


MOVE_OVERRIDES: dict[Move, dict[str, Any]] = {
    Move.SIMULATED: {},
    Move.HOLD: {"persuadable": False},
    Move.CONCEDE: {"concede": CONCEDE_SHARE},
    Move.OBJECT: {"attendance": 1.0, "tolerance": 0.0, "persuadable": False},
    Move.LOBBY: {"attendance": 1.0, "capability": LOBBY_BOOST},
    Move.STAY_AWAY: {"attendance": 0.0},
}


# ---------------------------------------------------------------- validation helpers
def _check_choice(name: str, value: Any, allowed: list[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not known (allowed: {', '.join(allowed)})")


def _check_file(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"the file must hold a JSON object, not {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ValueError(f"format={data.get('format')!r} is not a role-play file (expected {FORMAT!r})")
    if data.get("version") != VERSION:
        raise ValueError(f"version={data.get('version')!r} is not supported (allowed: {VERSION})")
    for key, kind in (("scenario", str), ("seed", int), ("teams", list), ("moves", list), ("outcome", dict)):
        if key not in data:
            raise ValueError(f"{key} is missing")
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise ValueError(f"{key}={data[key]!r} has the wrong type (expected {kind.__name__})")
    if data.get("protocol") is not None and not isinstance(data["protocol"], str):
        raise ValueError(f"protocol={data['protocol']!r} must be a string")
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


def fixed_strategies(
    scenario: str = "classroom",
    protocol: str | None = None,
    team: str = "civil_society",
    moves: tuple[Move | str, ...] = tuple(Move),
    seeds: range | list[int] = range(5),
) -> pd.DataFrame:
    """What if one team played the same move every round? One row per (move, seed): ``move``,
    ``seed`` and the run's ``summary()``; every other seat is simulated. Data for a debrief."""

    def finished(seed: int, move: Move) -> GovernanceModel:
        play = RolePlay(scenario, protocol, (team,), seed)
        play.play_to_end({play.teams[0]: move})
        return play.model

    rows = []
    for move in map(Move.parse, moves):
        rows += seed_rows(lambda seed, m=move: finished(seed, m), seeds, move=move.value)
    return pd.DataFrame(rows)
