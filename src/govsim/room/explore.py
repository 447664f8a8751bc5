"""A participant's own dashboard, computed by the server: the controls, checking what a page
sends, and the recorded run the browser draws.

The controls are generated from the declarations (:func:`govsim.settings.setting_spec`:
every process parameter of :mod:`govsim.params` and every group trait of
:mod:`govsim.population`), the scenarios and the registered protocols; nothing is typed again.
Two room limits keep one laptop serving 30 phones: a run has at most :data:`MAX_STAKEHOLDERS`
stakeholders (the population scale's maximum is derived from the scenario's head count) and at
most :data:`MAX_ROUNDS` rounds per issue. A control says when the room lowered its maximum.

:func:`explore_run` plays the run (:func:`govsim.screen.replay.record_run`, the JSON
``static/run_view.js`` draws, whose ``panels`` are the two live plots: the policy space and
attendance) with the seed given, and keeps the newest results in a cache bounded in bytes
(:data:`CACHE_BYTES`), keyed by the checked settings, so participants who try the same settings
share one run.
"""

from __future__ import annotations

import gzip
import html
import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from govsim.i18n import PSEUDO, _, current, data_file, decimal_comma, fresh, language, text, typography
from govsim.i18n import number as said_number
from govsim.model import GovernanceModel
from govsim.params import check_names
from govsim.protocols import protocol_names, rule_in_words, settings_unread
from govsim.scenarios import load_scenario, scenario_names
from govsim.screen.dashboard import DEFAULT_PARAMS, status_html
from govsim.screen.replay import LIVE, record_run
from govsim.settings import setting_names, setting_spec, setting_value
from govsim.typed import Refused, read_number
from govsim.values import number, whole

SCENARIO = "classroom"  # what a new page shows
SEED = 1  # the dashboard's default seed
SEED_MAX = 2**32 - 1  # numpy accepts any seed >= 0; a page needs a finite range
MAX_STAKEHOLDERS = 200  # the most stakeholders one participant's run may have
MAX_ROUNDS = 200  # the most rounds per issue one participant's run may have
CACHE_BYTES = 64 * 2**20  # the results cache's bound (JSON bytes)
GZIP_FROM = 1400  # JSON longer than one network packet (bytes) is also kept gzipped (level 1)
SEEDS = f"a whole number from 0 to {SEED_MAX}"
FIXED = ("scenario", "protocol", "seed")


@dataclass(frozen=True)
class Control:
    """One control of a participant's dashboard.

    ``name`` (what :func:`check_settings` takes), ``label`` (words for scenario, protocol and
    seed, in the current language; a setting's code name, which ``help`` says in words), ``kind`` (``"choice"``,
    ``"int"`` or ``"float"``), ``min``, ``max`` and ``step`` (None for a choice), ``default``
    (the scenario's value), ``choices`` (a choice's options, else ``()``), ``unit``, ``help``
    (the declared meaning, unit and range, in the current language), ``limit`` (why the room lowered ``max`` below
    the declared bound, else ``""``), ``main`` (one of the notebook dashboard's sliders,
    :data:`govsim.screen.dashboard.DEFAULT_PARAMS`: a page shows these first) and ``words``
    (what a page shows for each of ``choices``, in the current language: a rule in words with
    its code name, ``"bottom-up (multistakeholder) · bottom_up"``, from
    :func:`govsim.protocols.rule_in_words`; else ``()``, the choices shown as they are).
    """

    name: str
    label: str
    kind: str
    min: float | None
    max: float | None
    step: float | None
    default: Any
    choices: tuple[str, ...] = ()
    unit: str = ""
    help: str = ""
    limit: str = ""
    main: bool = False
    words: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Plain data for a page."""
        out = asdict(self)
        out["choices"] = list(self.choices)
        out["words"] = list(self.words)
        return out


def _scenario(name: Any) -> str:
    if not isinstance(name, str):
        raise ValueError(f"scenario={name!r} is not a scenario name (allowed: {', '.join(scenario_names())})")
    check_names([name], scenario_names(), "scenario")
    return name


@cache
def head_count(scenario: str) -> int:
    """Stakeholders in ``scenario`` at population scale 1."""
    return GovernanceModel(_scenario(scenario), rng=0).n


def _room_max(name: str, scenario: str) -> tuple[float, str]:
    """The largest value the room allows for setting ``name`` in ``scenario``, and why."""
    spec = setting_spec(name)
    if name == "population_scale":
        most = math.floor(100 * MAX_STAKEHOLDERS / head_count(scenario)) / 100
        if most < spec.high:
            said = _("at most {n} stakeholders per run in the room").format(n=MAX_STAKEHOLDERS)
            return max(most, spec.low), said
    if name == "max_rounds" and MAX_ROUNDS < spec.high:
        return MAX_ROUNDS, _("at most {n} rounds per issue in the room").format(n=MAX_ROUNDS)
    return spec.high, ""


def setting_words(name: str) -> tuple[str, str]:
    """(unit, meaning) of setting ``name`` in the current language: the parameter
    cheat-sheet's translation (``data/lang/<lang>/parameters.toml``, one table per parameter or
    trait, the one home of these words); a group trait's spread (``..._sd``), which the
    cheat-sheet leaves out, is said as the spread of its trait."""
    spec = setting_spec(name)
    where = f"parameters.toml: [{spec.name}]"
    english = {"unit": spec.unit, "meaning": spec.doc}
    found = fresh(data_file("parameters.toml").get(spec.name), english, where)
    if spec.name.endswith("_sd") and not found and current() not in ("en", PSEUDO):
        meaning = setting_words(name.removesuffix("_sd"))[1]
        return "", _("spread within the group of: {meaning}").format(meaning=meaning)
    unit = text(spec.unit, found.get("unit"), f"{where}.unit") if spec.unit else ""
    return unit, text(spec.doc, found.get("meaning"), f"{where}.meaning")


def rule_choice(protocol: str) -> str:
    """A rule as a choice reads, in the current language: its words, then the code name a
    notebook types (``"ascendant (multipartite) · bottom_up"``); a rule a learner registered
    without words is its code name alone."""
    said = rule_in_words(protocol)
    return protocol if said == protocol else f"{said} · {protocol}"


def controls(scenario: str = SCENARIO) -> list[Control]:
    """The controls of a participant's dashboard for ``scenario``: scenario, protocol, seed,
    then every setting (process parameters, then ``group.trait``), defaults from the scenario.

    Raises
    ------
    ValueError
        An unknown scenario (the closest name suggested).
    """
    scenario = _scenario(scenario)
    setup = load_scenario(scenario)
    found = [
        Control(
            "scenario",
            _("scenario"),
            "choice",
            None,
            None,
            None,
            scenario,
            tuple(scenario_names()),
            main=True,
        ),
        Control(
            "protocol",
            _("rule"),
            "choice",
            None,
            None,
            None,
            setup.protocol,
            tuple(protocol_names()),
            main=True,
            words=tuple(rule_choice(n) for n in protocol_names()),
        ),
        Control(
            "seed", _("seed"), "int", 0, SEED_MAX, 1, SEED, help=_("the same seed, the same run"), main=True
        ),
    ]
    for name in setting_names():
        spec = setting_spec(name)
        high, limit = _room_max(name, scenario)
        step = 1 if spec.kind is int else float(f"{(high - spec.low) / 100:.2g}")
        unit, meaning = setting_words(name)
        bounds = _("{low} to {high}").format(low=said_number(spec.low, 4), high=said_number(spec.high, 4))
        found.append(
            Control(
                name,
                name,  # the code name, as a notebook and the cheat-sheet type it; ``help`` says it in words
                spec.kind.__name__,
                spec.low,
                high,
                step,
                setting_value(setup, name),
                unit=unit,
                help=typography(f"{meaning} [{unit or _('no unit')}; {bounds}]"),
                limit=limit,
                main=name in DEFAULT_PARAMS,
            )
        )
    return found


def _typed(raw: str, where: str, integer: bool, allowed: str) -> float:
    """A setting a page sent as text, read as a participant types it, in the page's language
    (:func:`govsim.typed.read_number`: ``0,35`` in French, ``12 345``); a percentage is refused."""
    try:
        read = read_number(raw, integer=integer, decimal_comma=decimal_comma())
    except Refused:
        read = None
    if read is None or read.percent:
        raise ValueError(f"{where}={raw!a} is not a number (allowed: {allowed})")
    return read.value


def _value(name: str, value: Any, scenario: str) -> float | int:
    """One setting checked against its declaration and the room's limit (text a form sends is
    read as typed, :func:`_typed`)."""
    spec = setting_spec(name)
    high, limit = _room_max(name, scenario)
    allowed = f"{spec.kind.__name__} in [{spec.low:g}, {high:g}]" + (f"; {limit}" if limit else "")
    if isinstance(value, str):
        value = _typed(value, name, spec.kind is int, allowed)
    if spec.kind is int:
        return whole(value, name, int(spec.low), int(high), allowed)
    return number(value, name, spec.low, high, allowed)


def check_settings(settings: Any) -> dict[str, Any]:
    """What a page sent, checked and completed: ``scenario``, ``protocol``, ``seed`` and every
    setting (values not sent are the scenario's).

    Raises
    ------
    ValueError
        One line naming the first bad field, its value and what is allowed: not a dict, an
        unknown name (the closest suggested), a value of the wrong kind or out of range.
    """
    if not isinstance(settings, dict):
        raise ValueError(f"settings={settings!r} is not a dict (allowed: setting names with values)")
    for key in settings:
        if not isinstance(key, str):
            raise ValueError(
                f"setting name {key!r} is not text (allowed: {', '.join(FIXED)} and setting names)"
            )
    check_names(list(settings), [*FIXED, *setting_names()], "setting")
    scenario = _scenario(settings.get("scenario", SCENARIO))
    setup = load_scenario(scenario)
    protocol = settings.get("protocol", setup.protocol)
    if not isinstance(protocol, str) or protocol not in protocol_names():
        raise ValueError(
            f"protocol={protocol!r} is not a decision rule (allowed: {', '.join(protocol_names())})"
        )
    seed = settings.get("seed", SEED)
    if isinstance(seed, str):
        seed = _typed(seed, "seed", True, SEEDS)
    out: dict[str, Any] = {
        "scenario": scenario,
        "protocol": protocol,
        "seed": whole(seed, "seed", 0, SEED_MAX, SEEDS),
    }
    for name in setting_names():
        out[name] = _value(name, settings[name], scenario) if name in settings else setting_value(setup, name)
    return out


class RunCache:
    """The newest results (JSON text, or :class:`Encoded`), dropped oldest first beyond ``limit``
    bytes (their ``len``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        """The result kept under ``key`` (now the newest), or None."""
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple, text: Any) -> None:
        """Keep ``text`` under ``key`` (a key already kept is left alone), then drop the oldest."""
        with self.lock:
            if key in self.items:
                return
            self.items[key] = text
            self.size += len(text)
            while self.size > self.limit and len(self.items) > 1:
                _, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        """Forget every result."""
        with self.lock:
            self.items.clear()
            self.size = 0


CACHE = RunCache(CACHE_BYTES)


def _plain_text(markup: str) -> str:
    """The text of a line of HTML (its tags dropped, its entities read)."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def _run(checked: dict[str, Any]) -> dict[str, Any]:
    setup = load_scenario(checked["scenario"])
    changes = {name: checked[name] for name in setting_names() if checked[name] != setting_value(setup, name)}
    model = GovernanceModel(checked["scenario"], protocol=checked["protocol"], rng=checked["seed"], **changes)
    recording = record_run(model, LIVE)
    summary = model.summary()
    line = status_html(model, summary)  # the notebook dashboard's line, user strings escaped
    return {
        "settings": checked,
        "recording": recording,
        "status": _plain_text(line),
        "status_html": line,
        "summary": {
            k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in summary.items()
        },
        "unread": settings_unread(checked["protocol"]),
    }


@dataclass(frozen=True)
class Encoded:
    """A run as the server sends it: ``json`` (UTF-8 bytes) and ``gzipped`` (the same, gzip
    level 1, or None when the JSON fits in one packet, :data:`GZIP_FROM`). ``len`` is both sizes."""

    json: bytes
    gzipped: bytes | None

    def __len__(self) -> int:
        return len(self.json) + len(self.gzipped or b"")


def encoded_run(checked: dict[str, Any], lang: str = "en") -> Encoded:
    """The run ``checked`` settings (:func:`check_settings`' result) describe, its words in
    ``lang``, computed (no cache) and encoded once: what a worker process hands the server,
    which sends the bytes as they are (about 45 kB of JSON, 15 kB gzipped, for the classroom
    scenario)."""
    with language(lang):
        found = _run(checked)
    raw = json.dumps(found, separators=(",", ":"), allow_nan=False, default=_plain).encode()
    return Encoded(raw, gzip.compress(raw, 1, mtime=0) if len(raw) > GZIP_FROM else None)


def explore_json(settings: Any, lang: str = "en") -> str:
    """:func:`explore_run` as JSON text (what the server sends; cached per language, so a
    repeated request costs a dictionary look-up), its words (the status line, the plots' titles,
    the reasons a setting is unread) in ``lang``."""
    with language(lang):
        checked = check_settings(settings)
        key = (lang, *checked.items())
        found = CACHE.get(key)
        if found is None:
            found = json.dumps(_run(checked), separators=(",", ":"), allow_nan=False, default=_plain)
            CACHE.put(key, found)
    return found


def _plain(value: Any) -> Any:
    """NumPy scalars and other numbers as plain JSON numbers."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def explore_run(settings: Any) -> dict[str, Any]:
    """Play the run ``settings`` describe (:func:`check_settings` first) and return what a
    participant's page shows.

    Returns
    -------
    dict with ``settings`` (checked and completed), ``recording``
    (:func:`govsim.screen.replay.record_run`: groups, issues, frames, and the two live plots in
    ``panels``), ``status`` (one line on the whole run) and ``status_html`` (the same,
    escaped), ``summary`` (``model.summary()``, NaN as None) and ``unread`` (settings the chosen
    rule never reads, each with the reason: the page disables them).

    Raises
    ------
    ValueError
        Bad settings (:func:`check_settings`).
    """
    return json.loads(explore_json(settings))


__all__ = [
    "CACHE_BYTES",
    "MAX_ROUNDS",
    "MAX_STAKEHOLDERS",
    "Control",
    "Encoded",
    "RunCache",
    "check_settings",
    "controls",
    "encoded_run",
    "explore_json",
    "explore_run",
    "head_count",
]
