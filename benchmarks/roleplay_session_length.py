"""How long is a budgeted role-play? Rounds per session and minutes of a 40-minute slot.

For each bundled scenario and its protocol, plays sessions of 1 and 2 issues with a round budget
per issue, over 20 seeds, with the room playing every group either as the simulation would
(``simulated``) or blocking everything (``object``). Prints the mean and largest number of rounds
and the minutes those rounds take at ``--caucus`` minutes of caucus plus ``--rest`` minutes for
secret moves, reveal and result per round. Without a budget (the scenarios' own deadlines) the
same table shows why a slot needs one.

    python benchmarks/roleplay_session_length.py            # ~20 s
    python benchmarks/roleplay_session_length.py --budget 3 5 --caucus 3
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from govsim.roleplay import RolePlay
from govsim.roleplay.plan import SessionPlan
from govsim.scenarios import load_scenario, scenario_names


def session_rounds(scenario: str, plan: SessionPlan, room: str, seed: int) -> int:
    play = RolePlay(scenario, None, seed=seed, plan=plan)
    play.play_to_end({team: room for team in play.teams})
    return len(play.history)


def table(budgets: list[int | None], seeds: range, caucus: float, rest: float) -> pd.DataFrame:
    rows = []
    for scenario in scenario_names():
        agenda = len(load_scenario(scenario).agenda)
        for issues in sorted({1, min(2, agenda)}):
            for budget in budgets:
                for room in ("simulated", "object"):
                    plan = SessionPlan(issues=issues, budget=budget)
                    rounds = np.array([session_rounds(scenario, plan, room, s) for s in seeds])
                    rows.append(
                        {
                            "scenario": scenario,
                            "issues": issues,
                            "budget": budget or "none",
                            "room": room,
                            "mean_rounds": rounds.mean(),
                            "max_rounds": int(rounds.max()),
                            "max_minutes": rounds.max() * (caucus + rest),
                        }
                    )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", type=int, nargs="+", default=[3, 4])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--caucus", type=float, default=2.5, help="minutes of caucus per round")
    parser.add_argument("--rest", type=float, default=1.0, help="minutes for moves, reveal, result")
    parser.add_argument("--no-baseline", action="store_true", help="skip the sessions without a budget")
    args = parser.parse_args()
    budgets: list[int | None] = list(args.budget) + ([] if args.no_baseline else [None])
    result = table(budgets, range(args.seeds), args.caucus, args.rest)
    with pd.option_context("display.width", 160, "display.max_rows", 200):
        print(result.round(1).to_string(index=False))


if __name__ == "__main__":
    main()
