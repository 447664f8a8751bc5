"""The words of the room's pages in the page's language: what ``static/room.js`` writes.

``room.js`` holds no English of its own: every word it shows comes from :func:`page_words`,
translated here on the server (through :mod:`govsim.i18n`, the same catalogs as the role-play)
and sent in the page (a JSON block ``<script type="application/json" id="words">``). A word
with ``{name}`` fields is filled in by the page; a word that depends on a count is a table of
the locale's plural forms (``{"one": ..., "other": ...}``, chosen by the browser's
``Intl.PluralRules`` for the page's locale, so French says « 0 prédiction », English
"0 predictions"). Numbers are written by the browser's ``Intl.NumberFormat`` in the page's
locale (:func:`govsim.i18n.locale_name`), and read back from a field the same way
(:func:`number_reading`).

A one-line error shown to a participant (a name refused, an answer not read, settings
refused) is :func:`refusal`: in English the check's own line, in another language a translated
line naming the value.
"""

from __future__ import annotations

from typing import Any

from govsim.i18n import LANGUAGES, _, current, locale_name


def _plural(one: str, other: str) -> dict[str, str]:
    return {"one": one, "other": other}


def page_words() -> dict[str, Any]:
    """Every word ``room.js`` shows, in the current language: key -> text (or plural table)."""
    return {
        "lost": _("Connection lost, reconnecting…"),
        "server_answered": _("The server answered {status}."),
        "round_shown": _("round shown"),
        "play": _("Play"),
        "pause": _("Pause"),
        "explore": _("Explore"),
        "predict": _("Predict"),
        "exercises": _("Exercises"),
        "you": _("You: {name}"),
        "running": _("Running…"),
        "more_settings": _("More settings ({n})"),
        "not_a_number": _("{text} is not a number: type digits, with {point} before the decimals."),
        "out_of_range": _("{text} is outside the range: from {low} to {high}."),
        "no_question": _("No question yet: the facilitator will pose one."),
        "your_prediction": _("Your prediction: {option} (you can change it until the next question)"),
        "not_predicted": _("Not predicted yet."),
        "model_answer": _("The model's answer"),
        "of_seeds": _("{share} of seeds"),
        "answer_to": _("answer to {qid}"),
        "a_percentage": _("a percentage"),
        "a_share": _("a share, e.g. {half} or 50 %"),
        "a_number": _("a number"),
        "your_answer": _("your answer"),
        "check": _("Check"),
        "in_english": _(
            "The exercises are in English, as in the notebooks: their questions and the checks' "
            "answers. You may answer with a decimal comma, and yes or no as oui/non or sí/no."
        ),
        "facilitator": _("Facilitator"),
        "joining": _("Joining"),
        "participants_open": _("Participants open:"),
        "join_sheet": _("Join sheet to print (room and role-play teams)"),
        "name": _("Name"),
        "last_seen": _("Last seen"),
        "predicted": _("Predicted"),
        "never": _("never"),
        "seconds_ago": _("{seconds} s ago"),
        "predict_then_run": _("Predict, then run"),
        "question_to_pose": _("question to pose"),
        "pose": _("Pose this question"),
        "reveal": _("Reveal the model's answer"),
        "push_to_every_page": _("Push to every page"),
        "push_settings": _("Push these settings"),
        "exercise_to_push": _("exercise to push"),
        "push_exercise": _("Push this exercise"),
        "export": _("Export"),
        "download": _("Download everything (JSON)"),
        "write_files": _("Write CSV and JSON into the room folder"),
        "written": _("Written to {folder}: {files}"),
        "done": _("Done."),
        "roleplay": _("Role-play"),
        "roleplay_controls": _("Open the role-play's facilitator controls"),
        "no_question_posed": _("No question posed yet."),
        "qr_alt": _("QR code of the join address"),
        "join": _("Join:"),
        "joined": _("{n} joined"),
        "predictions": _plural(_("{n} prediction"), _("{n} predictions")),
        "saved": _("Saved."),
        "not_saved": _plural(
            _("Not saved yet: {n} change kept on this device, sent when the server answers."),
            _("Not saved yet: {n} changes kept on this device, sent when the server answers."),
        ),
        "held": _("Not saved yet: this change is kept on this device and runs when the server answers."),
        "held_prediction": _(
            "Not saved yet: {option} is kept on this device and sent when the server answers."
        ),
        "held_answer": _(
            "Not saved yet: your answer is kept on this device and checked when the server answers."
        ),
    }


def refusal(error: Exception, translated: str) -> str:
    """The one line a participant reads when what they sent is refused: the check's own line
    (``str(error)``) in English, else ``translated`` (already in the current language, naming
    the value)."""
    return str(error) if current() == "en" else translated


def number_reading() -> dict[str, str]:
    """How the page writes and reads numbers: ``locale`` (for ``Intl``), ``point`` (the
    decimal symbol) and ``group`` (the thousands separator)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = locale_name()
    return {
        "locale": locale.replace("_", "-"),
        "point": get_decimal_symbol(locale),
        "group": get_group_symbol(locale),
    }


def language_choice() -> list[dict[str, str]]:
    """The languages a page can switch to: ``lang`` and its name in its own language."""
    return [{"lang": key, "name": name} for key, name in LANGUAGES.items()]


__all__ = ["language_choice", "number_reading", "page_words", "refusal"]
