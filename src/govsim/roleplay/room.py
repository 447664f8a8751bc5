"""A served role-play session: phases, join codes, secret moves and committed rounds.

Each round goes through phases; only the facilitator moves the session on:

    briefing -> caucus (countdown) -> moves (secret) -> reveal -> result -> caucus of the next round
                                                                        -> ended (agenda done)

Teams may submit during the caucus and the secret-moves phase; the last submission before the
reveal counts. A late, stale or malformed submission returns a clear message and changes
nothing. Playing the round and committing it to the session file is one transaction: what a
page shows has been committed. No widgets here (see :mod:`govsim.roleplay.serve`), so every rule
is tested without a browser.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from govsim.groups import Group
from govsim.i18n import N_, _, decimal, join_numbers
from govsim.roleplay.cards import move_name
from govsim.roleplay.plan import EXTEND_SECONDS, SessionPlan
from govsim.roleplay.session import Move, RolePlay, check_fields, check_point
from govsim.roleplay.store import RoomState, SessionStore

PROJECTOR = "projector"  # the read-only view's code: safe to show the room (it can change nothing)


class Phase(Enum):
    """Where a round of a served session stands; only the facilitator moves it on (see the
    module docstring for the order). The value is what the session file stores."""

    BRIEFING = "briefing"
    CAUCUS = "caucus"
    MOVES = "moves"
    REVEAL = "reveal"
    RESULT = "result"
    ENDED = "ended"

    @property
    def text(self) -> str:
        """What the phase is, for every page (in the current language)."""
        return _(PHASE_TEXT[self])


PHASE_TEXT = {
    Phase.BRIEFING: N_("Briefing: read your role card"),
    Phase.CAUCUS: N_("Caucus: talk it over; you may already submit your move"),
    Phase.MOVES: N_("Secret moves: submit your team's move"),
    Phase.REVEAL: N_("Moves revealed"),
    Phase.RESULT: N_("Result of the round"),
    Phase.ENDED: N_("Session over: debrief"),
}
OPEN_FOR_MOVES = (Phase.CAUCUS, Phase.MOVES)


@dataclass(frozen=True)
class Access:
    """Who a join code belongs to: the facilitator, or one team."""

    role: str  # "facilitator", "projector" (read-only, no controls) or "team"
    team: str | None = None


def issue_round(play: Any) -> dict[str, int]:
    """The open round as a room counts it: ``issue`` (1-based agenda number) and ``round``
    within that issue (1-based), for what a team page says ("round 1 of issue 2", never the
    session's running count, which read as skipped rounds: review 25b es, E2)."""
    model = play.model
    issue = model.current_issue
    if issue is None:  # between issues or after the agenda: the next issue's first round
        return {"issue": len(model.closed_issues) + 1, "round": 1}
    return {"issue": issue.index + 1, "round": issue.round + 1}


class Room:
    """One session file and the model it replays.

    A new file is set up from the arguments (with fresh random join codes); an existing file
    is resumed, and any argument given must agree with what it holds. ``create=False`` (reading
    a session, e.g. to export it) never creates or sets up a file.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        scenario: str | None = None,
        protocol: str | None = None,
        teams: tuple[str, ...] | None = None,
        seed: int | None = None,
        plan: SessionPlan | None = None,
        create: bool = True,
    ) -> None:
        asked = {"scenario": scenario, "protocol": protocol, "teams": teams, "seed": seed, "plan": plan}

        def fresh() -> RolePlay:
            teams_ = tuple(teams or ())
            seed_ = 1 if seed is None else seed
            return RolePlay(scenario or "classroom", protocol, teams_, seed_, plan or SessionPlan())

        new = None if Path(path).exists() or not create else fresh()  # checked before a file is made
        self.store = SessionStore(path, create=create)
        config = self.store.get("config")
        if config is None and not create:
            raise ValueError(f"session file {str(self.store.path)!r} holds no session yet")
        if config is None:
            play = new or fresh()
            config = _config(play)
            codes = {"facilitator": _code(), PROJECTOR: _code(), **{team: _code() for team in play.teams}}
            self.store.initialise(config, codes, Phase.BRIEFING.value)
            config = self.store.get("config")  # another process may have won the race
        if not isinstance(config, dict) or not {"scenario", "protocol", "teams", "seed", "plan"} <= set(
            config
        ):
            raise ValueError(f"session file {str(self.store.path)!r}: its configuration is damaged")
        check_fields(
            config, CONFIG_FIELDS, f"session file {str(self.store.path)!r}: its configuration is damaged: "
        )
        self.config = config
        codes = self.store.get("codes")
        if create and isinstance(codes, dict) and PROJECTOR not in codes:  # a file from before
            self.store.put("codes", {**codes, PROJECTOR: _code()})
        self.play = self._replay()
        for key, value in asked.items():
            if value is None:
                continue
            have = _config(self.play)[key]
            want = value.to_dict() if isinstance(value, SessionPlan) else value
            if key == "teams":  # the same teams in another order are the same session
                want = sorted(Group.parse(t).value for t in want)
                have = sorted(have)
            if have != want:
                raise ValueError(
                    f"session file {str(self.store.path)!r} holds {key}={have!r}, not {want!r}: "
                    "leave the option out to resume it, or give a new session file"
                )

    def _replay(self) -> RolePlay:
        c = self.config
        try:
            play = RolePlay(
                c["scenario"], c["protocol"], tuple(c["teams"]), c["seed"], SessionPlan.from_dict(c["plan"])
            )
        except ValueError as exc:
            raise ValueError(
                f"session file {str(self.store.path)!r}: its configuration is damaged: {exc}"
            ) from None
        for n, record in enumerate(self.store.rounds()):
            play.replay(record, f"{self.store.path.name}: round {n + 1}")
        return play

    # ------------------------------------------------------------ access
    @property
    def codes(self) -> dict[str, str]:
        """The join codes by holder: ``"facilitator"``, :data:`PROJECTOR` and each team's name.

        Secrets: show each to its holder only.

        Raises
        ------
        ValueError
            The session file's codes are missing or damaged (the file is named).
        """
        codes = self.store.get("codes")
        if not isinstance(codes, dict) or not all(isinstance(v, str) and v for v in codes.values()):
            raise ValueError(f"session file {str(self.store.path)!r}: its join codes are damaged")
        return codes

    def access(self, code: str | None) -> Access | None:
        """The holder of ``code``, or None (compared in constant time)."""
        if not isinstance(code, str) or not code:
            return None
        found = None
        for who, secret in self.codes.items():
            if hmac.compare_digest(code.encode(), secret.encode()):
                found = Access(who) if who in ("facilitator", PROJECTOR) else Access("team", who)
        return found

    # ------------------------------------------------------------ reading
    def state(self) -> RoomState:
        """The session's phase, round and countdown as the session file holds them now."""
        return self.store.state()

    def view(self) -> tuple[RoomState, dict[str, dict[str, Any]]]:
        """(state, the open round's moves by team), read once per change of the session file and
        shared by every page that asks (the pages of a room poll it; one read serves them all)."""
        version = self.store.version()
        cached = getattr(self, "_view", None)
        if cached is None or cached[0] != version:
            state = self.store.state()
            cached = (state.version, state, self.store.moves(state.round + 1))
            self._view = cached
        return cached[1], cached[2]

    def phase(self) -> Phase:
        """The current :class:`Phase`, read from the session file."""
        return Phase(self.state().phase)

    def submitted(self) -> list[str]:
        """Teams that have a move in for the open round (never which move, before the reveal)."""
        return list(self.store.moves(self.state().round + 1))

    def revealed(self, state: RoomState | None = None) -> dict[str, dict[str, Any]]:
        """Every team's move once revealed: the open round's at reveal, the last round's after."""
        state = state or self.state()
        phase = Phase(state.phase)
        if phase is Phase.REVEAL:
            moves = self.store.moves(state.round + 1)
            return {
                t: moves.get(t, {"move": Move.SIMULATED.value, "amendment": None}) for t in self.play.teams
            }
        if phase in (Phase.RESULT, Phase.ENDED) and self.play.history:
            last = self.play.history[-1]
            amended = last.get("amendments", {})
            return {t: {"move": m, "amendment": amended.get(t)} for t, m in last["moves"].items()}
        return {}

    def own_move(self, team: str) -> dict[str, Any] | None:
        """``team``'s own submission for the open round (``{"move": ..., "amendment": ...}``),
        or None; for that team's page only, since moves stay secret until the reveal."""
        return self.store.moves(self.state().round + 1).get(team)

    # ------------------------------------------------------------ teams
    def submit(self, team: str, round_: int, move: Any, amendment: Any = None) -> tuple[bool, str]:
        """Record ``team``'s move for round ``round_`` (the round its page showed).

        Returns (accepted, message for that team's page); on refusal nothing changes."""
        if team not in self.play.teams:
            return False, _("{team} is not a team in this session: nothing was recorded.").format(
                team=repr(team)
            )
        try:
            chosen = Move.parse(move)
        except ValueError as exc:
            return False, _("Not recorded: {error}.").format(error=exc)
        point = None
        if chosen is Move.AMEND:
            try:
                point = check_point(
                    amendment, self.play.setup.k, "amendment", ", ".join(self.play.setup.dimensions)
                ).tolist()
            except ValueError as exc:
                return False, _("Not recorded: {error}.").format(error=exc)
        with self.store.transaction() as db:
            state = SessionStore.current(db)
            phase = Phase(state.phase)
            if round_ != state.round + 1:
                return False, _(
                    "Not recorded: your page showed round {shown}, but round {open} is open now. "
                    "The page has been refreshed: choose again."
                ).format(shown=round_, open=state.round + 1)
            if phase not in OPEN_FOR_MOVES:
                why = {
                    Phase.BRIEFING: _("the first caucus has not started yet"),
                    Phase.REVEAL: _("the moves of round {round} have been revealed"),
                    Phase.RESULT: _("round {played} has been played"),
                    Phase.ENDED: _("the session is over"),
                }[phase].format(round=round_, played=state.round)
                return False, _("Too late: {why}. Your move was not counted.").format(why=why)
            SessionStore.upsert_move(db, round_, team, chosen.value, point)
        extra = " " + _("at ({point})").format(point=join_numbers(decimal(v) for v in point)) if point else ""
        return (
            True,
            _(
                "Move recorded for round {round} of issue {issue}: {move}{amend}. You can change it "
                "until the reveal."
            ).format(**issue_round(self.play), move=move_name(chosen.value), amend=extra),
        )

    # ------------------------------------------------------------ the facilitator
    def advance(self, expected: Phase | str, round_: int, caucus_seconds: int | None = None) -> RoomState:
        """Move from phase ``expected`` of round ``round_`` (committed rounds) to the next phase.

        The page sends what it showed, so a double click or a second facilitator window
        cannot play a round twice: if the session has moved on, nothing happens."""
        expected = Phase(expected)
        seconds = self.play.plan.caucus_seconds if caucus_seconds is None else int(caucus_seconds)
        with self.store.transaction() as db:
            state = SessionStore.current(db)
            if Phase(state.phase) is not expected or state.round != round_:
                return state
            match expected:
                case Phase.BRIEFING | Phase.RESULT if self.play.finished:
                    SessionStore.set_state(db, Phase.ENDED.value, state.round, None)
                case Phase.BRIEFING | Phase.RESULT:
                    SessionStore.set_state(db, Phase.CAUCUS.value, state.round, time.time() + seconds)
                case Phase.CAUCUS:
                    SessionStore.set_state(db, Phase.MOVES.value, state.round, None)
                case Phase.MOVES:
                    SessionStore.set_state(db, Phase.REVEAL.value, state.round, None)
                case Phase.REVEAL:
                    self._play_and_commit(db, state)
                case Phase.ENDED:
                    pass
                case _:
                    raise ValueError(f"phase={expected!r} is not handled")
        return self.state()

    def _play_and_commit(self, db: Any, state: RoomState) -> None:
        moves = self.store.moves(state.round + 1, db)
        chosen = {t: m["move"] for t, m in moves.items()}
        amendments = {t: m["amendment"] for t, m in moves.items() if m["move"] == Move.AMEND.value}
        try:
            record = self.play.play_round(chosen, amendments)
            SessionStore.add_round(db, state.round, record)
            SessionStore.set_state(db, Phase.RESULT.value, state.round + 1, None)
        except BaseException:
            self.play = self._replay()  # the model must not run ahead of the file
            raise

    def extend(self, seconds: int = EXTEND_SECONDS) -> RoomState:
        """Add time to the caucus countdown (from now if it has run out)."""
        with self.store.transaction() as db:
            state = SessionStore.current(db)
            if Phase(state.phase) is Phase.CAUCUS:
                base = max(time.time(), state.deadline or 0.0)
                SessionStore.set_state(db, state.phase, state.round, base + seconds)
        return self.state()

    def skip(self) -> RoomState:
        """End the caucus now (the countdown is skipped); in other phases the same as advancing."""
        state = self.state()
        return self.advance(Phase(state.phase), state.round)

    def end(self) -> RoomState:
        """End the session now: the open round's moves are not played."""
        with self.store.transaction() as db:
            state = SessionStore.current(db)
            if Phase(state.phase) is not Phase.ENDED:
                SessionStore.set_state(db, Phase.ENDED.value, state.round, None)
        return self.state()

    def export(self) -> dict[str, Any]:
        """The session in the hot-seat JSON format (loads with ``RolePlay.from_dict``)."""
        return self.play.to_dict()


CONFIG_FIELDS = ["scenario", "protocol", "teams", "seed", "plan"]  # typed as in a role-play file


def _config(play: RolePlay) -> dict[str, Any]:
    return {
        "scenario": play.scenario,
        "protocol": play.protocol,
        "teams": list(play.teams),
        "seed": play.seed,
        "plan": play.plan.to_dict(),
    }


def _code() -> str:
    return secrets.token_urlsafe(9)
