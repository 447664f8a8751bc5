"""Running a learner's code inside a check: a time limit, an output cap, and any exception
turned into one line.

:func:`run` calls a function with a deadline (``SIGALRM`` on the main thread of a Unix
process, a line tracer elsewhere), lets through at most :data:`OUTPUT_CAP` characters of what
it prints, and turns an exception, ``SystemExit``, a recursion or memory error, or running out
of time into :class:`Failed`, whose message is one line. A learner's ``NotImplementedError``
(an untouched template) becomes :class:`~govsim.exercises.answers.Blank`.
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

TIME_LIMIT = 10.0  # seconds for one call of a learner's code
OUT_OF_TIME = "seconds in all: too slow"  # in the message when the time is up
OUTPUT_CAP = 2_000  # characters of a learner's printing shown during a check


class Failed(Exception):
    """The learner's code raised, ran too long or could not be called; one-line message."""


class _OutOfTime(BaseException):
    """Raised inside the learner's code when its time is up (a BaseException, so a bare
    ``except Exception`` in the learner's code cannot swallow it)."""


class CappedOutput(io.TextIOBase):
    """A stream passing the first ``cap`` characters to ``target`` and counting the rest."""

    def __init__(self, target: Any, cap: int = OUTPUT_CAP) -> None:
        self.target, self.cap, self.written, self.dropped = target, cap, 0, 0
        self.last = "\n"  # the last character passed on

    def writable(self) -> bool:
        """Always true: this is an output stream."""
        return True

    def write(self, text: str) -> int:
        """Pass on ``text`` while under the cap; count and drop the rest. Returns ``len(text)``."""
        text = str(text)
        room = max(0, self.cap - self.written)
        if room and text:
            self.target.write(text[:room])
            self.last = text[:room][-1]
        self.written += min(room, len(text))
        self.dropped += max(0, len(text) - room)
        return len(text)

    def flush(self) -> None:
        """Flush the target stream, ignoring errors from a closed one."""
        with contextlib.suppress(Exception):
            self.target.flush()


@contextlib.contextmanager
def capped_output(cap: int = OUTPUT_CAP) -> Iterator[CappedOutput]:
    """Route ``print`` (stdout and stderr) through one :class:`CappedOutput`; after the block,
    one line says how much was left out."""
    out = CappedOutput(sys.stdout, cap)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            yield out
    finally:  # also when the learner's code failed: the verdict starts on a line of its own
        if out.dropped:
            print(f"\n[... {out.dropped:,} more characters left out: the check shows the first {cap:,}]")
        elif out.last != "\n":
            print()


@contextlib.contextmanager
def captured_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Catch the warnings the learner's code raises (numpy's RuntimeWarnings with
    site-packages paths); after the block, at most one line names the first and counts them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield caught
        finally:
            pass
    if caught:
        first = caught[0]
        more = f" (and {len(caught) - 1:,} more)" if len(caught) > 1 else ""
        print(
            f"[your code raised a warning{more}: {first.category.__name__}: {_one_line(first.message, 150)}]"
        )


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`_OutOfTime` in the code run inside the block after ``seconds``."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def ring(signum: int, frame: Any) -> None:
            raise _OutOfTime

        previous = signal.signal(signal.SIGALRM, ring)
        outer, _ = signal.getitimer(signal.ITIMER_REAL)  # an alarm set by the caller, if any
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, seconds if not outer else min(seconds, outer))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
            if outer:  # give the caller's alarm back what is left of it
                signal.setitimer(signal.ITIMER_REAL, max(1e-3, outer - (time.monotonic() - started)))
        return
    end = time.monotonic() + seconds
    previous_trace = sys.gettrace()

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > end:
            raise _OutOfTime
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous_trace)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run(
    function: Callable[..., Any],
    *args: Any,
    what: str = "your code",
    limit: float | None = None,
    passthrough: tuple[type[Exception], ...] = (),
) -> Any:
    """``function(*args)`` under a time limit (``limit`` seconds, default :data:`TIME_LIMIT`)
    and an output cap.

    ``passthrough`` exceptions are raised as they are (e.g. a contract error the caller reads).

    Raises
    ------
    Blank
        The code raised ``NotImplementedError`` (an untouched template).
    Failed
        Anything else went wrong; the message is one line starting with ``what``.
    """
    from govsim.exercises.answers import Blank

    limit = TIME_LIMIT if limit is None else limit
    try:
        with captured_warnings(), capped_output(), deadline(limit):
            return function(*args)
    except NotImplementedError:
        raise Blank from None
    except _OutOfTime:
        raise Failed(
            f"{what} ran for more than {limit:g} {OUT_OF_TIME} (or it never ends); the check stopped it."
        ) from None
    except RecursionError:
        raise Failed(f"{what} called itself without end (RecursionError).") from None
    except MemoryError:
        raise Failed(f"{what} ran out of memory (MemoryError).") from None
    except SystemExit as exc:
        raise Failed(f"{what} called exit() ({exc.code!r}); return a value instead.") from None
    except KeyboardInterrupt:
        raise
    except passthrough:
        raise
    except Exception as exc:
        raise Failed(f"{what} raised {type(exc).__name__}: {_one_line(exc)}") from None


def time_limited(
    function: Callable[..., Any], *args: Any, limit: float, what: str = "Reading your answer"
) -> Any:
    """``function(*args)`` under a time limit only (no output cap): its exceptions pass through
    as they are, and running out of time is :class:`Failed` with a one-line message starting
    with ``what``. Used to read any answer, whose ``float()``, ``==`` or ``len()`` may be the
    learner's own code."""
    try:
        with deadline(limit):
            return function(*args)
    except _OutOfTime:
        raise Failed(
            f"{what} took more than {limit:g} seconds (one of its own methods, such as float() or ==, "
            "never ends); give a plain value."
        ) from None
