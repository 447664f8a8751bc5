"""Start and stop ``govsim roleplay serve`` for the served role-play's tests and benchmark.

The server runs as a child process in its own session (so ``kill -9`` of its group stops it and
nothing else), on a free loopback port, with its output in a log file from which the join
addresses are read.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

START_S = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    session: Path
    port: int
    log: Path
    args: list[str]
    prelude: str = ""  # Python run in the server process before the CLI (e.g. a monkeypatch)
    process: subprocess.Popen | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def code(self, who: str) -> str:
        return self.links[who].split("code=", 1)[1]

    def get(self, path: str, **query: str) -> tuple[int, str]:
        """GET ``path`` with ``query``: (status, body); an HTTP error's status and body too."""
        url = f"{self.base}{path}"
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        try:
            with urllib.request.urlopen(url, timeout=30) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def argv(self) -> list[str]:
        """The ``govsim`` command line that starts this server."""
        return [
            "roleplay", "serve", "--session", str(self.session), "--port", str(self.port), "--no-qr", *self.args,
        ]  # fmt: skip

    def start(self) -> Served:
        argv = self.argv()
        command = [sys.executable, "-m", "govsim", *argv]
        if self.prelude:
            command = [
                sys.executable, "-c",
                f"{self.prelude}\nfrom govsim.cli import main\nraise SystemExit(main({argv!r}))",
            ]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg"}
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.log.read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base}/rp/alive", timeout=2) as reply:
                    json.loads(reply.read())
                break
            except OSError:
                time.sleep(0.3)
        else:
            self.kill()
            raise RuntimeError(f"the server did not answer within {START_S} s:\n{self.log.read_text()}")
        self.links = self.read_links(self.log.read_text())
        return self

    def read_links(self, text: str) -> dict[str, str]:
        """The join addresses the server printed (the latest start's)."""
        return {
            "facilitator": re.findall(r"facilitator: (\S+)", text)[-1],
            "projector": re.findall(r"projector: (\S+)", text)[-1],
            **{
                team: re.findall(rf"{label}: (\S+)", text)[-1]
                for team, label in (
                    ("government", "Government"),
                    ("business", "Business"),
                    ("civil_society", "Civil society"),
                    ("technical", "Technical"),
                )
                if re.search(rf"{label}: ", text)
            },
        }

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop the server's process group (``kill -9`` by default) and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=20)


def serve(tmp: Path, *args: str, port: int | None = None) -> Served:
    return Served(tmp / "room.sqlite", port or free_port(), tmp / "server.log", list(args)).start()


def assert_loopback_only(served: Served) -> None:
    """The server listens on 127.0.0.1 only: it says so, and the machine's other addresses refuse."""
    import pytest

    assert f"Launching server at http://127.0.0.1:{served.port}" in served.log.read_text()
    others = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
    for address in others:
        with pytest.raises(OSError), socket.create_connection((address, served.port), timeout=2):
            pass
