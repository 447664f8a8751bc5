"""The room: one server on the facilitator's laptop gives every participant's device the
dashboard, the room's predict-then-run questions, the answer exercises and the role-play.

- :mod:`~govsim.room.store` — everything the room produces in one SQLite file (participants,
  dashboard settings, polls and predictions, answers, pushes), kept across a restart.
- :mod:`~govsim.room.explore` — a participant's own dashboard: controls from the declarations,
  checking what a page sends, the recorded run the browser draws.
- :mod:`~govsim.room.questions` — notebook 02's predict-then-run questions and the model's
  answer over many seeds.
- :mod:`~govsim.room.answering` — the exercises answered with a number or a choice, read from
  what a phone sends and judged by the notebooks' own checks.

A layer above the role-play, the screen and the course (tests/test_imports.py): nothing below
imports it.
"""

from __future__ import annotations

from govsim.room.answering import answer_questions, describe, judge, parse_answer
from govsim.room.explore import Control, check_settings, controls, explore_json, explore_run
from govsim.room.questions import ModelAnswer, RoomQuestion, model_answer, room_questions, tally
from govsim.room.store import Participant, Poll, Prediction, Push, RoomStore

__all__ = [
    "Control",
    "ModelAnswer",
    "Participant",
    "Poll",
    "Prediction",
    "Push",
    "RoomQuestion",
    "RoomStore",
    "answer_questions",
    "check_settings",
    "controls",
    "describe",
    "explore_json",
    "explore_run",
    "judge",
    "model_answer",
    "parse_answer",
    "room_questions",
    "tally",
]
