"""SIGTERM → a flag that the training loops check at each step end (stop, save a checkpoint, report cancelled)."""

from __future__ import annotations

import signal
import threading

_requested = threading.Event()


def install() -> None:
    signal.signal(signal.SIGTERM, lambda _signum, _frame: _requested.set())


def requested() -> bool:
    return _requested.is_set()


def request() -> None:
    """For tests and in-process callers: the same as receiving SIGTERM."""
    _requested.set()
