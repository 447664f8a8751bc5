"""Start and stop ``govsim room serve`` for the room server's tests and benchmark (as
:mod:`roleplay_server` does for the role-play: a child process in its own session, a free
loopback port, the addresses read from its log), and join participants over plain HTTP."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roleplay_server import Served, free_port


@dataclass
class RoomServed(Served):
    """``govsim room serve --folder <session>`` (the folder stands where the session file did)."""

    def argv(self) -> list[str]:
        return [
            "room",
            "serve",
            "--folder",
            str(self.session),
            "--port",
            str(self.port),
            "--no-qr",
            *self.args,
        ]

    def read_links(self, text: str) -> dict[str, str]:
        found = {
            "join": re.findall(r"participants join at: (\S+)", text)[-1],
            "facilitate": re.findall(r"facilitator: (\S+/facilitate\S+)", text)[-1],
            "projector": re.findall(r"projector: (\S+/projector\S+)", text)[-1],
        }
        roleplay = {  # the role-play's own pages (/room?code=...), printed before the room's
            "facilitator": re.findall(r"facilitator: (\S+/room\?\S+)", text)[-1],
        }
        return {**super().read_links(text), **roleplay, **found}  # "projector": the room's

    def join(self, name: str) -> str:
        """Join as ``name`` (the form a phone posts); the participant's private key."""
        status, headers, body = self.request("POST", "/join", form={"code": self.code("join"), "name": name})
        if status != 303:
            raise AssertionError(f"joining as {name!r}: {status} {body[:200]}")
        return headers["Location"].split("key=", 1)[1]

    def request(
        self,
        method: str,
        path: str,
        data: Any = None,
        form: dict[str, str] | None = None,
        origin: str | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) of one request; ``data`` is sent as JSON, ``form`` as a form."""
        body, headers = None, {}
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data), "application/json"
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if origin is not None:
            headers["Origin"] = origin
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            return reply.status, dict(reply.getheaders()), reply.read().decode()
        finally:
            connection.close()

    def api(self, path: str, data: Any = None) -> tuple[int, Any]:
        """(status, JSON) of ``GET path`` (or a POST of ``data``)."""
        status, _headers, body = self.request("GET" if data is None else "POST", path, data)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body


def serve_room(tmp: Path, *args: str, port: int | None = None) -> RoomServed:
    return RoomServed(tmp / "room", port or free_port(), tmp / "server.log", list(args)).start()
