"""The live run view: an `anywidget <https://anywidget.dev>`_ that draws a recorded run in the browser.

The kernel sends the whole run once (``data``, from :func:`govsim.screen.replay.record_run`) and then
only which round to show (``frame``); the drawing (``static/run_view.js``, a canvas) happens in
the browser, so a slider change costs one model run plus one message, and Play animates
without the kernel. Without a browser (tests, scripts) the state is plain traitlets:
``view.data["frames"][view.frame]`` is exactly what is on screen.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as w
import traitlets

ESM = Path(__file__).with_name("static") / "run_view.js"


class RunView(anywidget.AnyWidget):
    """A recorded run on a canvas: ``data`` (the recording), ``frame`` (the round shown, 0 =
    before the first round), ``playing`` and ``speed`` (rounds per second: the browser plays the
    recording by itself and reports the round it stopped at), ``projector`` (bigger text,
    markers and canvas), ``version`` (increases with every new recording), ``slider`` (an
    optional round slider: it follows Play in the browser, and moving it shows that round)."""

    _esm = ESM
    # where the live view runs, the static copy kept for offline exports is hidden
    _css = ".jp-OutputArea:has(.govsim-run-view) .govsim-static-fallback { display: none; }"
    data = traitlets.Dict().tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Int(8).tag(sync=True)
    projector = traitlets.Bool(False).tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    slider = traitlets.Instance(w.IntSlider, allow_none=True).tag(sync=True, **w.widget_serialization)

    def show(self, recording: dict, frame: int | None = None) -> None:
        """Replace the recording and show ``frame`` (default: the last round), in one message."""
        last = len(recording.get("frames", [])) - 1
        with self.hold_sync():
            self.playing = False
            self.data = recording
            self.version += 1
            self.frame = last if frame is None else max(0, min(last, frame))

    @property
    def shown(self) -> dict:
        """The frame on screen (positions, attending, objecting, text, status)."""
        return self.data["frames"][self.frame]
