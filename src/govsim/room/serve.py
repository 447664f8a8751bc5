"""The room server: one process on the facilitator's laptop serves every device in the room.

``govsim room serve --folder DIR`` starts one Panel (Tornado) server, bound to 127.0.0.1 unless
``--host`` is given, with the same join addresses, QR codes, join-code gate, websocket origins
and heartbeat as the role-play (:mod:`govsim.screen.serving`, one home for both). It serves:

- ``/join?code=J`` (the room's join code, on the printed sheet and the projector): a participant
  types a name and gets a personal address ``/me?key=K`` (``K`` is the participant's private key,
  :meth:`govsim.room.store.RoomStore.add_participant`). The personal page has three tabs:
  **Explore** (the participant's own dashboard: every control of :func:`govsim.room.explore.controls`,
  the run computed here by :func:`govsim.room.explore.explore_run` and drawn in the browser by
  the dashboard's own ``run_view.js``, with Play), **Predict** (the question the facilitator
  poses, :mod:`govsim.room.questions`) and **Exercises** (the answer exercises,
  :mod:`govsim.room.answering`, judged by the notebooks' own checks);
- ``/facilitate?code=F`` (the role-play's facilitator code): who has joined and when each page
  was last seen, pose a question, reveal the model's answer, push a setting or a question to
  every page, export everything (CSV and JSON), and the role-play's controls (``/room?code=F``);
- ``/projector?code=P`` (the role-play's projector code): the current question, the room's
  predictions (counts only, never names) and, once revealed, the model's answer over many seeds;
- the role-play exactly as ``govsim roleplay serve`` serves it (``/room``, ``/rp/...``), and
  ``/join-sheet?code=F``, a printable sheet with the room's join QR code and each team's.

Pages other than the role-play's are plain HTML with one script (``static/room.js``), talking
JSON to ``/api/...``: no Bokeh session per participant (see the README's development notes for
the measurement behind this choice). Everything a participant does is written to the room's
SQLite file (:class:`govsim.room.store.RoomStore`) before it is acknowledged, so a restart
(even ``kill -9``) loses nothing; pages poll ``/api/state`` every :data:`POLL_S` seconds (also
the participant's "last seen"), show "Connection lost, reconnecting" while the server does not
answer, and reload once when it comes back with a new boot id.

Security is the role-play's: every code and key goes through :data:`govsim.screen.serving.GUESSES`
(rate-limited per address), a key shows its holder's own settings, predictions and answers and
nothing else (no route takes a participant id), every user string reaches the pages as text
(``textContent``) or escaped HTML, and ``POST`` requests from another origin are refused.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tornado.web import RequestHandler, StaticFileHandler

from govsim.escape import html_text as esc
from govsim.i18n import LANGUAGES, _, current, locale_name, typography_html, use
from govsim.roleplay.page import page_html
from govsim.roleplay.room import PROJECTOR, Room
from govsim.roleplay.serve import addresses as roleplay_addresses
from govsim.roleplay.serve import announce, build_server, page_language, run, team_join_sections, warm
from govsim.room import answering, explore
from govsim.room.answering import answer_questions, describe, judge
from govsim.room.explore import check_settings, controls
from govsim.room.questions import SEEDS, answer_sentence, model_answer, question_words, room_questions, tally
from govsim.room.store import NAME_LENGTH, WRITE_ID, RoomStore
from govsim.room.words import number_reading, page_words, refusal
from govsim.screen.run_view import ESM as RUN_VIEW_JS
from govsim.screen.serving import GUESSES, Gated, check_address, local_addresses, qr_svg, qr_text

STATIC = Path(__file__).with_name("static")
BODY_BYTES = 64 * 1024  # the largest JSON body taken (a page's settings or answer: a few kB at most)
BODY_DEPTH = 8  # a page's JSON is nested at most 3 deep (the settings inside the body)
POLL_S = 2.0  # how often a page asks /api/state (its heartbeat and the participant's last seen)
JOIN = "room_join"  # the key of the room's join code in the role-play session file
#: the pages run one script of their own and draw on a canvas; nothing from another origin
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Holder:
    """Who a code or key belongs to: ``role`` is "facilitator", "projector", "join" or
    "participant" (then ``participant`` is the store's record)."""

    role: str
    participant: Any = None


class RoomServer:
    """The room's state for the HTTP routes: the room file, the role-play session, the codes.

    Parameters
    ----------
    store : the room's :class:`~govsim.room.store.RoomStore`.
    roleplay : the role-play :class:`~govsim.roleplay.room.Room` served beside it; its
        facilitator and projector codes open the room's facilitator and projector pages too,
        and its session file keeps the room's join code (made once, then kept across restarts).
    folder : where exports are written (``exports/`` inside it).
    workers : the executor for the model runs (:func:`explore_workers`; default: one thread).
    lang : the session's language (``serve --lang``): what every page speaks unless it asks
        for another with ``?lang=`` (:mod:`govsim.i18n`).
    """

    def __init__(
        self,
        store: RoomStore,
        roleplay: Room,
        folder: Path,
        workers: Executor | None = None,
        lang: str = "en",
    ) -> None:
        self.store, self.roleplay, self.folder, self.lang = store, roleplay, Path(folder), lang
        self.workers = workers or explore_workers(0)
        # the room file's writes wait for the disk (synchronous=FULL): one thread does them, so
        # the event loop never waits; a page is answered once its write is committed
        self.writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govsim-room-writes")
        self.known: dict[str, Any] = {}  # private key -> participant (they never change)
        # every heartbeat reads the room file: one connection held open keeps each read cheap
        store.keep_open()
        roleplay.store.keep_open()
        self.runs = explore.RunCache(explore.CACHE_BYTES)  # checked settings -> Encoded run
        self.running: dict[tuple, asyncio.Future] = {}  # runs being computed, by the same key
        if not isinstance(roleplay.store.get(JOIN), str):
            roleplay.store.put(JOIN, secrets.token_urlsafe(9))
        self.join_code: str = roleplay.store.get(JOIN)
        latest = store.latest_push()
        self.revealed: set[int] = set()
        if latest is not None and latest.kind == "reveal":
            self.revealed.add(int(latest.payload.get("poll", -1)))

    def warm(self, wait: bool = True) -> list[Any]:
        """Start every worker and have each compute one run (a worker's first run imports the
        model: seconds, not milliseconds); with ``wait``, until they have. The jobs (futures).
        Call it from the main thread: a worker dies with the thread that started it."""
        count = getattr(self.workers, "_max_workers", 1)
        jobs = [self.workers.submit(warm_worker) for _n in range(count)]
        for job in jobs if wait else ():
            job.result()
        return jobs

    # ------------------------------------------------------------ access
    def access(self, code: str | None) -> Holder | None:
        """The holder of a page code (facilitator, projector, join), compared in constant time."""
        if not isinstance(code, str) or not code:
            return None
        who = self.roleplay.access(code)
        if who is not None and who.role in ("facilitator", PROJECTOR):
            return Holder(who.role)
        if hmac.compare_digest(code.encode(), self.join_code.encode()):
            return Holder("join")
        return None

    def keyed(self) -> Any:
        """An object whose ``access(key)`` finds a participant by private key (for the gate)."""
        server = self

        class Keys:
            @staticmethod
            def access(key: str | None) -> Holder | None:
                if not isinstance(key, str) or not key or len(key) > 100:
                    return None
                found = server.known.get(key)
                if found is None:
                    found = server.store.participant(key)
                    if found is not None:
                        server.known[key] = found
                return None if found is None else Holder("participant", found)

        return Keys()

    async def run(self, checked: dict[str, Any], lang: str = "en") -> explore.Encoded:
        """The run ``checked`` settings describe, encoded (:func:`govsim.room.explore.encoded_run`):
        from the server's cache of recent runs (shared by every participant: the same settings
        are computed once), else from a worker; participants who ask for a run being computed
        wait for that one. The run's words (status line, plots' titles) are in ``lang``."""
        key = (lang, *checked.items())
        found = self.runs.get(key)
        if found is not None:
            return found
        pending = self.running.get(key)
        if pending is None:
            pending = asyncio.get_running_loop().run_in_executor(
                self.workers, explore.encoded_run, checked, lang
            )
            self.running[key] = pending
            pending.add_done_callback(lambda _done: self.running.pop(key, None))
        found = await asyncio.shield(pending)
        self.runs.put(key, found)
        return found

    async def write(self, job: Any, *args: Any) -> Any:
        """Run the room file write ``job(*args)`` on the writing thread; its result."""
        return await asyncio.get_running_loop().run_in_executor(self.writes, job, *args)

    async def seen(self, pid: int) -> None:
        """Note that participant ``pid``'s page is open (the store writes it at most every few
        seconds: :meth:`govsim.room.store.RoomStore.seen`)."""
        await self.write(self.store.seen, pid)

    # ------------------------------------------------------------ what pages show
    def questions_json(self) -> list[dict[str, Any]]:
        """The room's predict-then-run questions: id, text, options and their words (in the
        current language)."""
        return [
            {"qid": q.qid, "options": list(q.options), **question_words(q)} for q in room_questions().values()
        ]

    def exercises_json(self) -> list[dict[str, Any]]:
        """The answer exercises as pages show them (:func:`govsim.room.answering.describe`):
        their questions in English, as the notebooks ask them (the page says so), the words
        of yes and no in the current language."""
        found = [describe(qid) for qid in answer_questions()]
        for q in found:
            if q["kind"] == "yes/no":
                q["options"] = [["yes", _("yes")], ["no", _("no")]]
        return found

    def poll_json(self, pid: int | None = None) -> dict[str, Any] | None:
        """The current poll (question and options), with ``mine`` (this participant's
        prediction) when ``pid`` is given, and the model's answer once revealed."""
        poll = self.store.current_poll()
        if poll is None:
            return None
        question = room_questions().get(poll.question)
        if question is None:
            return None
        out: dict[str, Any] = {
            "id": poll.id,
            "qid": question.qid,
            "options": list(question.options),
            **question_words(question),
            "revealed": poll.id in self.revealed,
        }
        predictions = self.store.predictions(poll.id)
        if pid is not None:
            mine = [_value(p) for p in predictions if _pid(p) == pid]
            out["mine"] = mine[-1] if mine else None
        else:
            out["tally"] = tally(question.qid, predictions)
            out["count"] = len(predictions)
        if out["revealed"]:
            answer = model_answer(question.qid)
            out["answer"] = {**answer.as_json(), "sentence": answer_sentence(answer)}
        return out

    def push_json(self) -> dict[str, Any] | None:
        """The latest push to every page (id, kind, payload), or None."""
        push = self.store.latest_push()
        return None if push is None else {"id": push.id, "kind": push.kind, "payload": push.payload}

    def participants_json(self) -> list[dict[str, Any]]:
        """Who has joined, when each page was last seen (seconds ago) and whether each has
        predicted in the current poll (not what)."""
        poll = self.store.current_poll()
        predicted = {_pid(p) for p in self.store.predictions(poll.id)} if poll else set()
        now = time.time()
        return [
            {
                "name": p.name,
                "seen": None if p.last_seen is None else round(now - p.last_seen, 1),
                "predicted": p.pid in predicted,
            }
            for p in self.store.participants()
        ]


def write_id(data: dict[str, Any]) -> str | None:
    """The page's id of this write (``"write"`` in the body; the store does each id once:
    :meth:`govsim.room.store.RoomStore.record_answer`), or None when it gave none."""
    found = data.get("write")
    fits = isinstance(found, str) and 0 < len(found) <= WRITE_ID and found.isprintable()
    return found if fits else None


def nesting(value: Any) -> int:
    """How deep lists and dicts are nested in ``value`` (0 for a number or text), counted
    without recursion (so no depth overflows Python's stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((kid, depth + 1) for kid in item)
    return deepest


def _pid(prediction: Any) -> int:
    return prediction["pid"] if isinstance(prediction, dict) else prediction.pid


def _value(prediction: Any) -> str:
    return prediction["value"] if isinstance(prediction, dict) else prediction.value


def result_json(result: Any) -> dict[str, Any]:
    """A judged answer as a page shows it (and the room file keeps it): its status, whether it
    is correct, and the check's message."""
    status = getattr(result, "status", None)
    return {
        "status": getattr(status, "value", str(status)),
        "correct": bool(getattr(result, "correct", False)),
        "message": str(getattr(result, "message", "")),
    }


# ---------------------------------------------------------------- routes
class _Room(Gated):
    def initialize(self, server: RoomServer) -> None:
        self.server = server

    def prepare(self) -> None:
        """Speak the page's language for this request: its ``?lang=`` when that is a language of
        the kit, else the session's (each request is its own task: no other page is affected)."""
        use(page_language(self.get_query_argument("lang", ""), self.server.lang))

    def check_origin_of_post(self) -> bool:
        """Refuse (403) a POST whose ``Origin`` is another site's (a page elsewhere cannot act
        for a participant); True when it may go on."""
        origin = self.request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != self.request.host:
            self.refuse()
            return False
        return True

    def body(self) -> dict[str, Any] | None:
        """The request's JSON object; else None, answered 400 in one line (not JSON, not an
        object, more than :data:`BODY_BYTES` bytes or nested deeper than :data:`BODY_DEPTH`)."""
        raw = self.request.body or b"{}"
        data: Any = None
        if len(raw) <= BODY_BYTES:
            try:
                data = json.loads(raw)
            except (ValueError, UnicodeDecodeError, RecursionError):
                data = None
        if not isinstance(data, dict) or nesting(data) > BODY_DEPTH:
            said = _(
                "The request is not a JSON object of at most {size} kB nested at most {depth} deep."
            ).format(size=BODY_BYTES // 1024, depth=BODY_DEPTH)
            self.reply({"error": said}, 400)
            return None
        return data

    async def visitor(self) -> Any:
        """The participant whose page this is (``?key=``), noted as seen; else None, answered."""
        me = self.participant()
        if me is not None:
            await self.server.seen(me.pid)
        return me

    def posted(self) -> tuple[dict[str, Any], Any] | None:
        """(the JSON body, the participant its ``key`` belongs to) of a participant's POST; None
        when it is refused (another site's, or a wrong key: already answered)."""
        if not self.check_origin_of_post():
            return None
        data = self.body()
        if data is None:
            return None
        me = self.participant(str(data.get("key", "")))
        return None if me is None else (data, me)

    def code_holder(self, *roles: str, code: str | None = None) -> Holder | None:
        """The page code's holder when its role is one of ``roles``; else None, answered."""
        who = self.admit(self.server, code if code is not None else self.get_query_argument("code", None))
        if who is not None and who.role not in roles:
            self.refuse()
            return None
        return who

    def participant(self, key: str | None = None) -> Any:
        """The participant holding the private key (``?key=`` or the given one); else None, answered."""
        who = self.admit(
            self.server.keyed(), key if key is not None else self.get_query_argument("key", None)
        )
        return None if who is None else who.participant

    def languages(self) -> str:
        """Links that reopen this page in each language of the kit, each name in its own
        language (the page's own address, with ``lang`` replaced)."""
        from urllib.parse import urlencode

        kept = [(k, v) for k, v in self.request.query_arguments.items() if k != "lang"]
        query = [(k, x.decode("utf-8", "replace")) for k, values in kept for x in values]
        links = [
            f"<b>{esc(name)}</b>"
            if key == current()
            else f"<a href='{esc(self.request.path)}?{esc(urlencode([*query, ('lang', key)]))}' hreflang='{key}' lang='{key}'>{esc(name)}</a>"
            for key, name in LANGUAGES.items()
        ]
        return f"<nav class='languages' aria-label='{esc(_('Language'))}' translate='no'>{' · '.join(links)}</nav>"

    def html_head(self, title: str) -> str:
        """The start of a room page in the current language, up to ``<body>``'s content."""
        return (
            f"<!DOCTYPE html><html lang='{locale_name()}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><link rel='stylesheet' href='/rs/room.css'></head>"
        )

    def shell(self, title: str, kind: str, body: str = "") -> None:
        """A page of ``kind`` ("me", "facilitate", "projector"): the HTML shell that
        ``room.js`` fills, with every word it shows in the page's language
        (:func:`govsim.room.words.page_words`, a JSON block) and the language links."""
        words = json.dumps(
            {"lang": current(), **number_reading(), "words": page_words()}, ensure_ascii=False
        ).replace("<", "\\u003c")
        self.page(
            typography_html(
                self.html_head(title) + f"<body class='govsim-room govsim-room-{kind}' data-page='{kind}'>"
                "<div class='banner' role='alert' hidden></div>"
                f"{self.languages()}{body}<main id='app'><p>{esc(_('Loading…'))}</p></main>"
            )
            + f"<script type='application/json' id='govsim-words'>{words}</script>"
            "<script type='module' src='/rs/room.js'></script></body></html>",
            csp=PAGE_CSP,
        )


class JoinPage(_Room):
    """``/join?code=J``: type a name, get a personal page."""

    def form(self, code: str, error: str = "", name: str = "") -> None:
        said = f"<p class='error' role='alert'>{esc(error)}</p>" if error else ""
        self.page(
            typography_html(
                self.html_head(_("Join the room"))
                + f"<body class='govsim-room'>{self.languages()}<main><h1>{esc(_('Join the room'))}</h1>"
                f"{said}<form method='post' action='/join?lang={current()}'>"
                f"<input type='hidden' name='code' value='{esc(code)}'>"
                f"<label for='name'>{esc(_('Your name (as the facilitator will see it)'))}</label>"
                f"<input id='name' name='name' maxlength='{NAME_LENGTH}' required autocomplete='nickname' value='{esc(name)}'>"
                f"<button type='submit'>{esc(_('Join'))}</button></form></main></body></html>"
            ),
            csp=PAGE_CSP,
        )

    def get(self) -> None:
        code = self.get_query_argument("code", "")
        if self.code_holder("join", "facilitator", code=code) is not None:
            self.form(code)

    def post(self) -> None:
        # no Origin check here: under "Referrer-Policy: no-referrer" a browser's form POST says
        # "Origin: null"; the join code is what gates joining, and joining acts for nobody else
        code = self.get_body_argument("code", "")
        if self.code_holder("join", "facilitator", code=code) is None:
            return
        name = self.get_body_argument("name", "")
        try:
            joined = self.server.store.add_participant(name)
        except ValueError as exc:
            self.set_status(400)
            translated = _("A name has 1 to {n} printable characters: {name} cannot be shown.")
            self.form(code, refusal(exc, translated.format(n=NAME_LENGTH, name=repr(name[:40]))), name[:40])
            return
        asked = self.get_query_argument("lang", "")
        self.redirect(f"/me?key={joined.token}" + (f"&lang={current()}" if asked else ""), status=303)


class MePage(_Room):
    """``/me?key=K``: the participant's own page (Explore, Predict, Exercises)."""

    def get(self) -> None:
        if self.participant() is not None:
            self.shell(_("govsim: your page"), "me")


class FacilitatePage(_Room):
    """``/facilitate?code=F``: the facilitator's page."""

    def get(self) -> None:
        if self.code_holder("facilitator") is not None:
            self.shell(_("govsim: facilitator"), "facilitate")


class ProjectorPage(_Room):
    """``/projector?code=P``: the room's screen (no controls)."""

    def get(self) -> None:
        if self.code_holder("facilitator", PROJECTOR) is not None:
            self.shell(_("govsim: projector"), "projector")


class JoinSheet(_Room):
    """``/join-sheet?code=F``: the room's join address and QR code, then the role-play teams'."""

    base: str = ""

    def get(self) -> None:
        if self.code_holder("facilitator") is None:
            return
        url = f"{self.base}/join?code={self.server.join_code}" + (
            f"&lang={current()}" if current() != self.server.lang else ""
        )
        room = (
            f"<section style='page-break-after: always'><h1>{esc(_('Join the room'))}</h1>"
            f"<p>{esc(_('Scan the code, or type the address, on your phone, tablet or laptop.'))}</p>"
            f"<p translate='no'>{esc(url)}</p>{qr_svg(url)}</section>"
        )
        teams = team_join_sections(self.server.roleplay, self.base, current())
        self.page(page_html(_("Join sheet"), room + "".join(teams)))


class MeApi(_Room):
    """``GET /api/me?key=K``: everything the participant's page starts from (their own only)."""

    async def get(self) -> None:
        me = await self.visitor()
        if me is None:
            return
        self.reply(
            {
                "name": me.name,
                "controls": [c.as_json() for c in controls()],
                "settings": self.server.store.settings(me.pid),
                "exercises": self.server.exercises_json(),
                "answers": {
                    qid: {"text": a.text, "result": a.result, "tries": a.tries}
                    for qid, a in self.server.store.answers(me.pid).items()
                },
                "poll": self.server.poll_json(me.pid),
                "push": self.server.push_json(),
                "poll_s": POLL_S,
            }
        )


class StateApi(_Room):
    """``GET /api/state?key=K``: the heartbeat (also "last seen"): the current poll and push."""

    async def get(self) -> None:
        me = await self.visitor()
        if me is None:
            return
        self.reply({"poll": self.server.poll_json(me.pid), "push": self.server.push_json()})


class ExploreApi(_Room):
    """``POST /api/explore`` ``{"key", "settings"}``: the participant's run (computed off the
    event loop), and the settings kept as theirs."""

    async def post(self) -> None:
        posted = self.posted()
        if posted is None:
            return
        data, me = posted
        settings = data.get("settings")
        if not isinstance(settings, dict):
            self.reply({"error": _("settings: give an object of control names and values")}, 400)
            return
        try:
            checked = check_settings(settings)  # well under a millisecond: here, not in a worker
        except ValueError as exc:
            self.reply(
                {"error": refusal(exc, _("These settings were not taken: {error}").format(error=exc))}, 400
            )
            return
        # the settings are written to the room file while the run is computed, not after it
        saved = asyncio.ensure_future(
            self.server.write(self.server.store.save_settings, me.pid, checked, write_id(data))
        )
        try:
            run = await self.server.run(checked, current())
        except ValueError as exc:
            await saved
            self.reply(
                {"error": refusal(exc, _("These settings were not taken: {error}").format(error=exc))}, 400
            )
            return
        await saved  # answered once the settings are committed: a restart then shows them
        self.set_header("Content-Type", "application/json")
        self.set_header("Vary", "Accept-Encoding")
        if run.gzipped is not None and "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.set_header("Content-Encoding", "gzip")
            self.finish(run.gzipped)
        else:
            self.finish(run.json)


def explore_json(settings: dict[str, Any], lang: str = "en") -> tuple[str, dict[str, Any]]:
    """(the run as JSON text, its words in ``lang``; the checked settings) for ``settings`` (:func:`govsim.room.explore.explore_json`,
    cached in the process that calls it)."""
    return explore.explore_json(settings, lang), check_settings(settings)


def warm_worker() -> None:
    """Import the model and compute one run in a worker, before the first participant; wait a
    little, so that each of the pool's workers gets one of these jobs."""
    explore.encoded_run(check_settings({}))
    time.sleep(0.5)


def start_worker(parent: int) -> None:
    """A worker process's start: it dies with the server ``parent`` (:func:`die_with_parent`),
    then imports the model and computes one run (:func:`warm_worker`)."""
    die_with_parent(parent)
    warm_worker()


def die_with_parent(parent: int, every: float = 0.5) -> None:
    """Make this process end when process ``parent`` ends, even by ``kill -9`` (which runs no
    clean-up in the parent): on Linux the kernel sends it SIGKILL
    (``prctl(PR_SET_PDEATHSIG)``, through ctypes); everywhere, a daemon thread checks every
    ``every`` seconds whether the parent is still this process's parent, and exits when not (a
    process whose parent died is handed to another, init's or a subreaper's)."""
    import os
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):  # no libc to call: the watch below is enough
            pass
    if os.getppid() != parent:  # the parent died before this line: go now
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="govsim-parent-watch", daemon=True).start()


def warm_questions() -> None:
    """Compute the exercises' expected values and the room questions' answers (in a thread at
    start-up, so the first participant or the first reveal does not wait for the runs)."""
    answering.prepare()
    for qid in room_questions():
        model_answer(qid)


def explore_workers(processes: int) -> Executor:
    """The executor the runs go to: ``processes`` worker processes (started afresh, never forked
    from the server, each with its own cache of recent runs), or, with 0, one thread of the
    server's own process (the runs then share one core with everything else)."""
    if processes <= 0:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="govsim-explore")
    import multiprocessing
    import os

    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(os.getpid(),),
    )


class PredictApi(_Room):
    """``POST /api/predict`` ``{"key", "poll", "value"}``: the participant's prediction (latest wins)."""

    async def post(self) -> None:
        posted = self.posted()
        if posted is None:
            return
        data, me = posted
        try:
            poll, value = int(data.get("poll", -1)), str(data.get("value", ""))
            await self.server.write(self.server.store.predict, me.pid, poll, value, write_id(data))
        except (ValueError, TypeError) as exc:
            said = _("This prediction was not taken: the question has changed. Choose again.")
            self.reply({"error": refusal(exc, said)}, 400)
            return
        self.reply({"poll": self.server.poll_json(me.pid)})


class AnswerApi(_Room):
    """``POST /api/answer`` ``{"key", "qid", "text"}``: judged by the notebooks' own check, kept."""

    async def post(self) -> None:
        posted = self.posted()
        if posted is None:
            return
        data, me = posted
        qid, text = str(data.get("qid", "")), str(data.get("text", ""))[:500]
        if qid not in answer_questions():
            english = ValueError(f"question {qid!r} is not one of the room's exercises")
            self.reply(
                {
                    "error": refusal(
                        english, _("{qid} is not one of the room's exercises.").format(qid=repr(qid))
                    )
                },
                400,
            )
            return
        earlier = self.server.store.answers(me.pid).get(qid)
        try:
            result = judge(qid, text, tries=earlier.tries if earlier else 0)
        except ValueError as exc:  # the line by the question's kind (answering.unread_line)
            self.reply({"error": refusal(exc, answering.unread_line(qid, text))}, 400)
            return
        first = await self.server.write(
            self.server.store.record_answer, me.pid, qid, text, result, write_id(data)
        )
        if not first:  # sent again after an outage, kept the first time: that answer, once
            kept = self.server.store.answers(me.pid)[qid]
            self.reply({"qid": qid, "text": kept.text, "result": kept.result, "tries": kept.tries})
            return
        self.reply({"qid": qid, "text": text, "result": result_json(result)})


class RoomApi(_Room):
    """``GET /api/room?code=F``: the facilitator's view; ``?code=P``: the projector's."""

    def get(self) -> None:
        who = self.code_holder("facilitator", PROJECTOR)
        if who is None:
            return
        server = self.server
        out: dict[str, Any] = {
            "poll": server.poll_json(),
            "seeds": len(SEEDS),  # the projector names them in the model's answer
            "joined": len(server.store.participants()),
            "join": f"{JoinSheet.base}/join?code={server.join_code}",  # on the projector: anyone may join
        }
        if who.role == "facilitator":
            out.update(
                participants=server.participants_json(),
                questions=server.questions_json(),
                exercises=server.exercises_json(),
                controls=[c.as_json() for c in controls()],
                push=server.push_json(),
                roleplay=f"/room?code={self.get_query_argument('code')}&lang={current()}",
            )
        self.reply(out)


class ActApi(_Room):
    """``POST /api/act`` ``{"code", "action", ...}``: the facilitator's actions: ``pose``
    (``qid``), ``reveal``, ``push`` (``kind`` "settings" with ``settings``, or "question"
    with ``qid``), ``export`` (CSV and JSON into the room folder's ``exports/``)."""

    def post(self) -> None:
        if not self.check_origin_of_post():
            return
        data = self.body()
        if data is None:
            return
        if self.code_holder("facilitator", code=str(data.get("code", ""))) is None:
            return
        server, action = self.server, data.get("action")
        try:
            if action == "pose":
                poll = server.store.pose(str(data.get("qid", "")))
                server.store.push("question", {"qid": str(data.get("qid", "")), "poll": poll})
                out: dict[str, Any] = {"poll": poll}
            elif action == "reveal":
                poll = server.store.current_poll()
                if poll is None:
                    raise ValueError(_("no question is posed: pose one first"))
                server.revealed.add(poll.id)
                out = {"push": server.store.push("reveal", {"poll": poll.id})}
            elif action == "push" and data.get("kind") == "settings":
                checked = check_settings(
                    data.get("settings") if isinstance(data.get("settings"), dict) else {}
                )
                out = {"push": server.store.push("settings", {"settings": checked})}
            elif action == "push" and data.get("kind") == "question":
                qid = str(data.get("qid", ""))
                if qid not in answer_questions():
                    raise ValueError(f"question {qid!r} is not one of the room's exercises")
                out = {"push": server.store.push("question", {"qid": qid})}
            elif action == "export":
                folder = server.folder / "exports"  # the files are named by time: none is replaced
                out = {"files": [p.name for p in server.store.export(folder)], "folder": str(folder)}
            else:
                raise ValueError(f"action {action!r}: pose, reveal, push (settings or question) or export")
        except ValueError as exc:
            self.reply({"error": str(exc)}, 400)
            return
        self.reply(out)


class JoinQr(_Room):
    """``/join-qr.svg?code=P`` (projector or facilitator): the QR code of the room's join address."""

    def get(self) -> None:
        if self.code_holder("facilitator", PROJECTOR) is None:
            return
        self.set_header("Content-Type", "image/svg+xml")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        self.finish(qr_svg(f"{JoinSheet.base}/join?code={self.server.join_code}", standalone=True))


class ExportApi(_Room):
    """``GET /api/export?code=F``: everything the room produced, as one JSON download."""

    def get(self) -> None:
        if self.code_holder("facilitator") is None:
            return
        self.set_header("Content-Type", "application/json")
        self.set_header("Content-Disposition", "attachment; filename=room.json")
        self.finish(json.dumps(self.server.store.as_json(), indent=2))


class Static(StaticFileHandler):
    """The pages' own script and style, and the dashboard's ``run_view.js`` (one file for both)."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")


class RunViewJs(RequestHandler):
    """``/rs/run_view.js``: the dashboard's run view, served from where the dashboard keeps it."""

    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(RUN_VIEW_JS.read_bytes())


def room_routes(server: RoomServer, host: str, port: int) -> list[tuple]:
    """The room's routes, to serve beside the role-play's."""
    JoinSheet.base = f"http://{local_addresses(host)[0]}:{port}"
    s = {"server": server}
    return [
        (r"/join", JoinPage, s),
        (r"/me", MePage, s),
        (r"/facilitate", FacilitatePage, s),
        (r"/projector", ProjectorPage, s),
        (r"/join-sheet", JoinSheet, s),
        (r"/api/me", MeApi, s),
        (r"/api/state", StateApi, s),
        (r"/api/explore", ExploreApi, s),
        (r"/api/predict", PredictApi, s),
        (r"/api/answer", AnswerApi, s),
        (r"/api/room", RoomApi, s),
        (r"/api/act", ActApi, s),
        (r"/api/export", ExportApi, s),
        (r"/join-qr\.svg", JoinQr, s),
        (r"/rs/run_view\.js", RunViewJs),
        (r"/rs/(room\.js|room\.css)", Static, {"path": str(STATIC)}),
    ]


def room_addresses(server: RoomServer, host: str, port: int) -> dict[str, str]:
    """The room's join, facilitator and projector addresses (first reachable host name)."""
    base = f"http://{local_addresses(host)[0]}:{port}"
    codes = server.roleplay.codes
    return {
        "join": f"{base}/join?code={server.join_code}",
        "facilitator": f"{base}/facilitate?code={codes['facilitator']}",
        "projector": f"{base}/projector?code={codes[PROJECTOR]}",
        "sheet": f"{base}/join-sheet?code={codes['facilitator']}",
    }


def announce_room(
    server: RoomServer,
    links: dict[str, str],
    roleplay_links: dict[str, str],
    host: str,
    port: int,
    qr: bool,
    out: Any = print,
) -> None:
    """Print what the facilitator needs at the start: the join QR code (with ``qr``) first, then
    the role-play's addresses (said to be the role-play's), then the room's, last, so they stay
    on a small screen below the QR code."""
    joined = len(server.store.participants())
    out(f"govsim room: folder {server.folder} ({joined} participant{'s' if joined != 1 else ''} joined)")
    if qr:
        out(qr_text(links["join"]))
    out(
        "== "
        + _("the role-play, from the same server (its own pages; the room's facilitator page links to them)")
        + " =="
    )
    announce(server.roleplay, roleplay_links, False, out)
    out("== " + _("the room: open these (the dashboard, predictions, exercises)") + " ==")
    out(f"participants join at: {links['join']}")
    out(f"facilitator: {links['facilitator']}  (your screen only: it carries your controls)")
    out(f"  projector: {links['projector']}  (the room's screen: no controls)")
    out(f"join sheet to print: {links['sheet']}")
    if host not in ("127.0.0.1", "localhost"):
        out(f"listening on {host}:{port}: anyone on this network who has a join address can open it")
    out("stop with Ctrl+C; start again with the same --folder to resume")


def serve(
    server: RoomServer,
    host: str = "127.0.0.1",
    port: int = 5006,
    origins: tuple[str, ...] = (),
    qr: bool = True,
    out: Any = print,
) -> None:
    """Print the room's addresses (and the join QR code), then serve until interrupted; the
    pages speak ``server.lang`` unless one asks for another."""
    check_address(host, port, origins)
    tornado_server = build_server(
        server.roleplay,
        host,
        port,
        origins,
        lang=server.lang,
        more=tuple(room_routes(server, host, port)),
        title="govsim room",
    )
    # the slow starts (each worker imports the model and computes a run) go on while the server
    # already answers: a page that comes back after a restart waits for its first run only
    warm(server.roleplay)
    threading.Thread(target=warm_questions, name="govsim-room-warm", daemon=True).start()
    server.warm(wait=False)  # from this (the main) thread: the workers die with it
    links = room_addresses(server, host, port)

    def say() -> None:  # once the loop runs: every address printed answers at once
        announce_room(server, links, roleplay_addresses(server.roleplay, host, port), host, port, qr, out)

    tornado_server.io_loop.add_callback(say)
    try:
        run(tornado_server, "govsim room: stopped (the room folder keeps everything)", out)
    finally:
        server.store.release()  # the last connections close: SQLite tidies -wal and -shm
        server.roleplay.store.release()


__all__ = ["GUESSES", "RoomServer", "explore_json", "room_addresses", "room_routes", "serve"]
