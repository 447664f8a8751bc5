"""``govsim roleplay``: the workshop role-play outside the notebook.

    govsim roleplay serve --scenario classroom --issues 2 --budget 4 --session room.sqlite
    govsim roleplay cards wcit_2012 --out cards.html      # printable role cards
    govsim roleplay export --session room.sqlite --out room.json

``serve`` runs every team on its own device (see :mod:`govsim.roleplay.serve`); it binds to
127.0.0.1 unless ``--host`` is given. Starting it again with the same ``--session`` file resumes
the session where it was; a second server on a session file that one is serving is refused
(a lock beside it, ``FILE.lock``). Host and port are checked before the file is created.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from govsim import safefiles
from govsim.cli import UsageError, add_lang
from govsim.words import plural

NAME = "roleplay"
HELP = "the workshop role-play: serve it to every team's device, print role cards, export a session"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    serve = sub.add_parser("serve", help="every team on its own device (Panel server, SQLite session file)")
    add_session_options(serve)
    serve.add_argument("--session", type=Path, default=Path("roleplay.sqlite"), help="session file (SQLite)")
    add_server_options(serve)
    add_lang(serve, "the pages, cards and join sheet (each page can switch for itself)")
    cards = sub.add_parser("cards", help="write the printable role cards of a scenario (HTML)")
    cards.add_argument("scenario")
    cards.add_argument("--protocol")
    cards.add_argument("--out", type=Path, default=Path("role-cards.html"))
    add_lang(cards, "the cards")
    export = sub.add_parser("export", help="write a served session as hot-seat JSON (loads in the notebook)")
    export.add_argument("--session", type=Path, required=True)
    export.add_argument("--out", type=Path, default=Path("roleplay.json"))


def add_session_options(parser: argparse.ArgumentParser) -> None:
    """The options that set up a new role-play session (``roleplay serve``, ``room serve``)."""
    parser.add_argument("--scenario", help="bundled scenario name (a new session's default: classroom)")
    parser.add_argument("--protocol", help="decision rules (default: the scenario's)")
    parser.add_argument(
        "--teams", nargs="+", metavar="GROUP", help="groups played by teams (default: all four)"
    )
    parser.add_argument(
        "--issues", type=int, help="play the first N agenda issues (a new session's default: 2)"
    )
    parser.add_argument("--budget", type=int, help="rounds per issue (a new session's default: 3)")
    parser.add_argument(
        "--fallback",
        help="when the budget runs out: table_vote (a new session's default), status_quo or government_vote",
    )
    parser.add_argument("--caucus", type=int, metavar="SECONDS", help="caucus countdown (default: 150)")
    parser.add_argument("--seed", type=int, help="random seed (a new session's default: 1)")


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """Where a served room listens (``roleplay serve``, ``room serve``)."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1 only)")
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="a further address browsers use to reach the server (e.g. behind a proxy)",
    )
    parser.add_argument("--no-qr", action="store_true", help="do not print QR codes")


def open_session(args: argparse.Namespace, session: Path):
    """The role-play :class:`~govsim.roleplay.room.Room` of ``session``: resumed, or set up from
    the session options (:func:`add_session_options`); call it holding the session's lock."""
    from govsim.roleplay.room import Room

    return Room(
        session,
        scenario=args.scenario,
        protocol=args.protocol,
        teams=tuple(args.teams) if args.teams else None,
        seed=args.seed,
        plan=_plan(args, new=not session.exists()),
    )


def _plan(args: argparse.Namespace, new: bool = False):
    """The plan the options give, the options left out being the guide's recommended session
    (:data:`govsim.roleplay.plan.RECOMMENDED`, issues capped by the agenda): for a new session
    file always, for an existing one only when some plan option is given (to compare with it)."""
    from govsim.roleplay.plan import RECOMMENDED, SessionPlan

    given = {
        k: v
        for k, v in {
            "issues": args.issues,
            "budget": args.budget,
            "fallback": args.fallback,
            "caucus_seconds": args.caucus,
        }.items()
        if v is not None
    }
    if not new and not given:
        return None
    from govsim.scenarios import load_scenario

    defaults = RECOMMENDED.to_dict()
    defaults["issues"] = min(defaults["issues"], len(load_scenario(args.scenario or "classroom").agenda))
    return SessionPlan(**{**defaults, **given})


def _writable(path: Path) -> Path:
    if path.is_symlink():
        raise UsageError(f"--out {str(path)!r} is a symbolic link: give a plain file name")
    return path


def main(args: argparse.Namespace) -> int:
    match args.action:
        case "serve":
            from govsim.locks import SessionLock
            from govsim.roleplay.serve import check_address, serve

            check_address(
                args.host, args.port, tuple(args.allow_origin)
            )  # before the session file is created
            if not args.session.parent.is_dir():
                raise UsageError(
                    f"--session {str(args.session)!r}: the folder {str(args.session.parent)!r} does not exist"
                )
            if args.session.exists() and not args.session.is_file():
                raise UsageError(f"--session {str(args.session)!r} is not a file")
            with SessionLock(args.session):  # one server per session file
                room = open_session(args, args.session)
                serve(room, args.host, args.port, tuple(args.allow_origin), qr=not args.no_qr, lang=args.lang)
            return 0
        case "cards":
            from govsim.i18n import _, language
            from govsim.roleplay.cards import cards_html

            with language(args.lang):
                safefiles.write_text(_writable(args.out), cards_html(args.scenario, args.protocol))
                print("govsim roleplay: " + _("role cards written to {path}").format(path=args.out))
            return 0
        case "export":
            from govsim.roleplay.room import Room

            if not args.session.is_file():
                raise UsageError(f"--session {str(args.session)!r} is not a session file")
            data = Room(args.session, create=False).export()
            safefiles.write_text(_writable(args.out), json.dumps(data, indent=2))
            print(f"govsim roleplay: {plural(len(data['moves']), 'round')} written to {args.out}")
            return 0
        case _:
            raise UsageError("choose an action: serve, cards or export (govsim roleplay --help)")
