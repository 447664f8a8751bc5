"""Text from files is shown as text: escaped in widget HTML, stripped of control characters in a terminal.

Issue 12, items 3 and 4: a crafted role-play file ran JavaScript in JupyterLab through an
error message, and an experiment's name passed terminal escape sequences to the screen.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsim.escape import html_text, terminal_text
from govsim.model import GovernanceModel
from govsim.protocols import BottomUp
from govsim.roleplay import RolePlay
from govsim.roleplay.panel import build_roleplay_panel
from govsim.screen.dashboard import error_html, status_html

PAYLOAD = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def _crafted(tmp_path: Path, **changes) -> Path:
    data = RolePlay(teams=("civil_society",), seed=1).to_dict()
    data.update(changes)
    path = tmp_path / f"{PAYLOAD}.json"
    path.write_text(json.dumps(data))
    return path


def _shown(panel) -> str:
    return "".join(str(o["data"].get("text/html", "")) for o in panel.output.outputs)


@pytest.mark.parametrize("field", ["scenario", "teams", "protocol"])
def test_a_crafted_role_play_file_shows_its_names_as_text(field, tmp_path):
    value = [PAYLOAD] if field == "teams" else PAYLOAD
    panel = build_roleplay_panel(compare_seeds=[1])
    panel.path.value = str(_crafted(tmp_path, **{field: value}))
    panel.load_button.click()
    assert panel.error is not None and PAYLOAD in panel.error  # the message quotes the file
    shown = _shown(panel)
    assert ESCAPED in shown and "<img" not in shown


def test_status_lines_escape_paths_and_names(tmp_path):
    panel = build_roleplay_panel(teams=["civil_society"], compare_seeds=[1])
    panel.save(tmp_path / f"{PAYLOAD}.json")
    assert ESCAPED in panel.status.value and "<img" not in panel.status.value
    panel.load(tmp_path / f"{PAYLOAD}.json")
    assert ESCAPED in panel.status.value and "<img" not in panel.status.value


def test_dashboard_error_and_status_html_escape():
    try:
        raise ValueError(f"unknown scenario {PAYLOAD!r}")
    except ValueError as exc:
        shown = error_html(exc).data
    assert ESCAPED in shown and "<img" not in shown

    class Crafted(BottomUp):
        name = PAYLOAD

    model = GovernanceModel("classroom", protocol=Crafted(), rng=1)
    for _ in range(2):  # before and after the first issue closes
        assert ESCAPED in status_html(model) and "<img" not in status_html(model)
        model.run()


def test_html_text_and_terminal_text():
    assert html_text('a & "b" <c>') == "a &amp; &quot;b&quot; &lt;c&gt;"
    assert (
        terminal_text("ok\x1b[31mred\x1b]0;title\x07\x9b2J end\ttab\nline")
        == "ok[31mred]0;title2J end\ttab\nline"
    )
    assert terminal_text("one\ntwo\tthree\r", one_line=True) == "one two three"


def test_govsim_run_prints_no_escape_sequence_from_a_scenario_file(tmp_path, capsys):
    from govsim import cli

    source = Path(__file__).parents[1] / "src" / "govsim" / "data" / "scenarios" / "classroom.toml"
    text = source.read_text(encoding="utf-8")
    text = text.replace(
        'name = "Cross-border data flows"', 'name = "Data\\u001b[2J\\u001b]0;owned\\u0007 flows"'
    )
    text = text.replace('name = "classroom"', 'name = "class\\u001b[31mroom"', 1)
    crafted = tmp_path / "crafted.toml"
    crafted.write_text(text, encoding="utf-8")
    assert cli.main(["run", "--scenario", str(crafted)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "scenario class[31mroom" in out and "Data[2J]0;owned flows" in out


def test_the_room_pages_write_server_strings_as_text_only():
    """Issue 24: the room's pages (names, answers, question texts from the server) are built with
    ``textContent`` and attributes only; no HTML parsing sink exists in their script, so no
    string from a participant can become markup on another's screen. The join form's HTML is
    escaped on the server (tests/test_room_serve.py)."""
    import re

    import govsim.room.serve as room

    script = (room.STATIC / "room.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", script)  # the comments may name what the code avoids
    sinks = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function")
    assert [s for s in sinks if s in code] == []
    assert "textContent" in code and "createTextNode" in code
