"""``govsim room``: the facilitator's laptop serves the room to every participant's device.

    govsim room serve --folder my-workshop                 # on this laptop only (127.0.0.1)
    govsim room serve --folder my-workshop --host 0.0.0.0  # phones on the room's Wi-Fi too
    govsim room serve --folder my-workshop --lang fr       # the pages in French (each can switch)

``serve`` prints the participants' join address with a QR code, the facilitator's and the
projector's addresses and the role-play's (see :mod:`govsim.room.serve`). Everything the room
produces is kept in the folder (``room.sqlite``, the role-play's ``roleplay.sqlite``); starting
again with the same ``--folder`` resumes it; a second server on the same folder is refused.
Host and port are checked before anything is created. The role-play options (``--scenario``,
``--issues`` ...) set up the role-play served beside the room, as ``govsim roleplay serve`` does.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from govsim.cli import UsageError, add_lang
from govsim.commands.roleplay import add_server_options, add_session_options, open_session
from govsim.values import whole

NAME = "room"
HELP = "serve the dashboard, predictions, exercises and role-play to every device in the room"
ROOM_FILE = "room.sqlite"
ROLEPLAY_FILE = "roleplay.sqlite"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    serve = sub.add_parser("serve", help="serve the room (one process; state in the folder's SQLite files)")
    serve.add_argument(
        "--folder",
        type=Path,
        default=Path("room"),
        help="the room's folder: its files are kept there (default: ./room, created if missing)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes that compute the participants' runs, about 250 MB each (default: 2, or 0 on a "
        "one-core machine; 0: in the server's own process)",
    )
    add_server_options(serve)
    add_lang(serve, "the room's pages, join sheet and role-play (each page can switch for itself)")
    group = serve.add_argument_group("the role-play served beside the room (a new session's settings)")
    add_session_options(group)


def main(args: argparse.Namespace) -> int:
    if args.action != "serve":
        raise UsageError("choose an action: serve (govsim room --help)")
    from govsim.locks import SessionLock
    from govsim.screen.serving import check_address

    check_address(args.host, args.port, tuple(args.allow_origin))  # before anything is created
    cores = os.cpu_count() or 1
    workers = (2 if cores >= 2 else 0) if args.workers is None else whole(args.workers, "--workers", 0, 64)
    folder: Path = args.folder
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"--folder {str(folder)!r} is not a plain folder")
    if not folder.parent.is_dir():
        raise UsageError(f"--folder {str(folder)!r}: the folder {str(folder.parent)!r} does not exist")
    folder.mkdir(exist_ok=True)
    from govsim.room.serve import RoomServer, explore_workers, serve
    from govsim.room.store import RoomStore

    with SessionLock(folder / ROLEPLAY_FILE), SessionLock(folder / ROOM_FILE):
        roleplay = open_session(args, folder / ROLEPLAY_FILE)
        server = RoomServer(
            RoomStore(folder / ROOM_FILE), roleplay, folder, explore_workers(workers), lang=args.lang
        )
        serve(server, args.host, args.port, tuple(args.allow_origin), qr=not args.no_qr)
    return 0
