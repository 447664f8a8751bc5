"""Showing pictures from widget panels: in a live notebook, and in an exported HTML handout;
and the widgets that hold values from a file or the user.

Widgets need a running kernel or the widget manager from a CDN, so an HTML export made for a
room without network shows them blank. The remedy for every panel: :func:`display_panel` puts,
next to the widget, one plain output holding a PNG of the figure the panel drew
(:func:`static_fallback`); the exported page shows it, and a panel marked with
:func:`live_panel` hides it wherever its widgets actually render.
"""

from __future__ import annotations

import base64
import io
import traceback
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as w
from IPython import get_ipython
from IPython.display import HTML, clear_output, display
from matplotlib.figure import Figure
from traitlets import TraitError, validate

from govsim.escape import html_text

FALLBACK_CLASS = "govsim-static-fallback"
LIVE_CLASS = "govsim-live"  # on a panel's root widget: the panel is live, hide its static copy
# Rendered only where widgets run (it is itself a widget), so an offline export keeps the picture.
HIDE_FALLBACK_CSS = f"<style>.jp-OutputArea:has(.{LIVE_CLASS}) .{FALLBACK_CLASS} {{ display: none; }}</style>"


def render_png(fig: Figure, *, dpi: float | None = None, tight: bool = False, fast: bool = True) -> bytes:
    """``fig`` as PNG bytes at ``dpi`` (default: the figure's own).

    ``tight`` trims the white margin (``bbox_inches="tight"``); ``fast`` uses the fastest zlib
    level (a picture shown at once; ``False`` for one kept in a file or printed page).
    """
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=fig.dpi if dpi is None else dpi,
        bbox_inches="tight" if tight else None,
        pil_kwargs={"compress_level": 1} if fast else None,
    )
    return buffer.getvalue()


def png_data_uri(fig: Figure, *, dpi: float | None = None, tight: bool = False, fast: bool = True) -> str:
    """``fig`` as a ``data:image/png;base64,...`` URI (a page that needs no picture file);
    options as :func:`render_png`."""
    data = base64.b64encode(render_png(fig, dpi=dpi, tight=tight, fast=fast)).decode("ascii")
    return f"data:image/png;base64,{data}"


def static_fallback(fig: Figure, alt: str) -> HTML:
    """An HTML output holding ``fig`` as an inline PNG, marked so a live widget can hide it.

    ``alt`` describes the picture (escaped) for screen readers and for when images are off.
    """
    return HTML(
        f'<div class="{FALLBACK_CLASS}"><p><i>Picture saved with the notebook (the live view needs a '
        f'running kernel):</i></p><img src="{png_data_uri(fig)}" alt="{html_text(alt)}"></div>'
    )


def live_panel(box: w.Box) -> w.Box:
    """Mark ``box`` as a live panel and give it the style that hides its static copy when the
    widgets render (add the returned box's children as usual; display with :func:`display_panel`)."""
    box.add_class(LIVE_CLASS)
    box.children = (style_widget(HIDE_FALLBACK_CSS), *box.children)
    return box


def style_widget(css: str) -> w.HTML:
    """A widget holding a ``<style>`` element and taking no room (a style applies wherever it is)."""
    return w.HTML(css, layout=w.Layout(display="none"))


def display_panel(widget: w.Widget, figure: Figure | None, alt: str) -> None:
    """Display a live panel, then (when it has drawn one) a static copy of its figure for
    exports made without network. Use in a panel's ``_ipython_display_``."""
    display(widget)
    if figure is not None:
        display(static_fallback(figure, alt))


def in_kernel() -> bool:
    """True inside a Jupyter kernel (not a plain IPython terminal or a script)."""
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_in(output: w.Output, obj: Any) -> None:
    """Replace what ``output`` shows with ``obj``. In a kernel: ``clear_output(wait=True)`` then
    display (no flicker); without one (tests, benchmarks) the outputs are set directly."""
    if in_kernel():
        with output:
            clear_output(wait=True)
            display(obj)
    else:
        output.outputs = ()
        output.append_display_data(obj)


def error_html(exc: Exception) -> HTML:
    """An error as the user sees it in an output area: the one-line message, then where it came from."""
    detail = html_text(traceback.format_exc(limit=3))
    return HTML(f"<pre style='color:#b00'>{html_text(f'{type(exc).__name__}: {exc}')}\n\n{detail}</pre>")


class Guarded(Protocol):
    """A panel whose callbacks :func:`guard` wraps: an ``output`` area and the last ``error``."""

    output: w.Output
    error: str | None


def guard(panel: Guarded, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap a widget callback so an error is shown in ``panel.output`` (and kept in
    ``panel.error``, for tests) instead of vanishing; ``panel.error`` is cleared first."""

    def guarded(change: Any) -> None:
        panel.error = None
        try:
            callback(change)
        except Exception as exc:  # shown to the user, kept for tests
            panel.error = f"{type(exc).__name__}: {exc}"
            show_in(panel.output, error_html(exc))

    return guarded


def button(label: str, css: str, tooltip: str, icon: str = "") -> w.Button:
    """A button as wide as its label that never shrinks to "R..." in a crowded row, with the CSS
    class ``css`` (browser tests find it by that)."""
    widget = w.Button(
        description=label, icon=icon, tooltip=tooltip, layout=w.Layout(width="auto", flex="0 0 auto")
    )
    widget.add_class(css)
    return widget


class OutOfRange(TraitError, ValueError):
    """A value a widget cannot hold, refused (never clamped to fit)."""


class _Refuses:
    """Mixin for ipywidgets' bounded widgets: a value outside [min, max] is refused.

    ipywidgets clamps instead, in three places: a value set outside the bounds, a value given
    to the constructor (the bounds are set after it), and a bound moved past the value (lowering
    ``max`` below it lowers the value). Each is refused here with one line naming the widget,
    the value and the range; to change the value and its bounds together use
    :func:`set_bounded`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = kwargs.get("value")  # the bounds, set after the value, would have clamped it
        if given is not None and self.value != given:
            self._refuse(given)

    def _refuse(self, value: Any, low: Any = None, high: Any = None) -> None:
        low, high = self.min if low is None else low, self.max if high is None else high
        raise OutOfRange(
            f"{self.description or 'value'}={value!r} is out of range "
            f"(allowed: {low:g} to {high:g}); a widget never changes a value to fit"
        )

    @validate("value")
    def _validate_value(self, proposal: Any) -> Any:
        value = proposal["value"]
        if not self.min <= value <= self.max:
            self._refuse(value)
        return value

    @validate("min")
    def _validate_min(self, proposal: Any) -> Any:
        low = proposal["value"]
        if low > self.max:
            raise OutOfRange(f"{self.description or 'value'}: min={low!r} is above max={self.max!r}")
        if low > self.value:  # ipywidgets would raise the value to the new floor
            self._refuse(self.value, low, self.max)
        return low

    @validate("max")
    def _validate_max(self, proposal: Any) -> Any:
        high = proposal["value"]
        if high < self.min:
            raise OutOfRange(f"{self.description or 'value'}: max={high!r} is below min={self.min!r}")
        if high < self.value:  # ipywidgets would lower the value to the new ceiling
            self._refuse(self.value, self.min, high)
        return high


def set_bounded(widget: w.ValueWidget, value: Any, *, min: Any = None, max: Any = None) -> None:
    """Set a bounded widget's ``value`` and its ``min``/``max`` (None: unchanged) at once.

    Checked together: a value inside the new bounds is taken whole; one outside them raises
    :class:`OutOfRange` and leaves the widget as it was. (Set one after the other, a bound
    moved past the old value would be refused although the new value fits.)"""
    with widget.hold_trait_notifications():  # traitlets validates all three at the end
        if min is not None:
            widget.min = min
        if max is not None:
            widget.max = max
        widget.value = value


class IntSlider(_Refuses, w.IntSlider):
    """``ipywidgets.IntSlider`` that refuses a value outside its bounds."""


class FloatSlider(_Refuses, w.FloatSlider):
    """``ipywidgets.FloatSlider`` that refuses a value outside its bounds."""


class BoundedIntText(_Refuses, w.BoundedIntText):
    """``ipywidgets.BoundedIntText`` that refuses a value outside its bounds."""


class BoundedFloatText(_Refuses, w.BoundedFloatText):
    """``ipywidgets.BoundedFloatText`` that refuses a value outside its bounds."""


class Play(_Refuses, w.Play):
    """``ipywidgets.Play`` (a counter the browser steps) that refuses a value outside its bounds."""


class Dropdown(w.Dropdown):
    """``ipywidgets.Dropdown`` whose refusal names the value and the options."""

    @validate("value")
    def _validate_value(self, proposal: Any) -> Any:
        try:
            return super()._validate_value(proposal)
        except TraitError:
            allowed = ", ".join(map(str, self._options_values))
            raise OutOfRange(
                f"{self.description or 'value'}={proposal['value']!r} is not one of the choices (allowed: {allowed})"
            ) from None
