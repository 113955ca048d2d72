"""SIGTERM → a flag that the training loops check at each step end (stop, save a checkpoint, report cancelled).

The studio's worker (Node) sends SIGTERM to cancel. When that worker dies instead (SIGKILL, a lost
machine), this process must not train on beside the run that replaces it: `watch_parent()` asks
Linux to send SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG), with a thread polling
`os.getppid()` as the fallback elsewhere, and a write to the protocol pipe that finds its reader
gone counts the same (protocol.py). Either way the run stops at the next step end and saves
its checkpoint (the next attempt resumes from it), with stdout and stderr sent to /dev/null (their
reader died with the parent, and a write would raise), and ends within GRACE_SECONDS whatever it is
doing. The output folder's lock (checkpoints.lock_output) keeps the next run waiting until then.

Under `accelerate launch` (distributed.py) the ranks' parent is the launcher, which dies with the
studio's worker and passes SIGTERM on: a rank tells that apart from a cancel by its launcher's parent,
which is no longer the studio's worker (STUDIO_LAUNCHER_PARENT) once that worker died.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

_requested = threading.Event()
_orphaned = threading.Event()

#: After its parent died, the process ends after this long even if the step or the save has not.
GRACE_SECONDS = 60.0
_POLL_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1


def install() -> None:
    signal.signal(signal.SIGTERM, lambda _signum, _frame: _on_sigterm())


def requested() -> bool:
    return _requested.is_set()


def request() -> None:
    """For tests and in-process callers: the same as receiving SIGTERM."""
    _requested.set()


def die_with_parent() -> None:
    """Linux: SIGTERM to this process when its parent dies (kept across exec, so the launcher gets it too)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the polling thread of watch_parent still notices


def watch_parent() -> None:
    """Stop (as on SIGTERM) when the parent process dies; call after install()."""
    global _parent, _grandparent
    _parent = os.getppid()
    studio = os.environ.get("STUDIO_LAUNCHER_PARENT")
    _grandparent = int(studio) if studio and studio.isdigit() else None
    die_with_parent()
    threading.Thread(target=_poll_parent, name="studio-parent-watch", daemon=True).start()
    if _parent_gone():  # it died before prctl took effect
        orphaned()


_parent: int | None = None
_grandparent: int | None = None


def _parent_of(pid: int) -> int | None:
    """The parent pid of `pid` from /proc (None where there is no /proc or the process is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _parent_gone() -> bool:
    """The parent died, or (a rank under the launcher) the launcher's parent, the studio's worker, did."""
    if _parent is None:
        return False
    if os.getppid() != _parent:
        return True
    return _grandparent is not None and _parent_of(_parent) not in (_grandparent, None)


def _poll_parent() -> None:
    while not _orphaned.wait(_POLL_SECONDS):
        if _parent_gone():
            orphaned()


def _on_sigterm() -> None:
    if _parent_gone():
        orphaned()
    else:
        _requested.set()


def orphaned() -> None:
    """The studio's worker is gone: its death was signalled, seen by polling, or found by a write to its
    broken pipe (protocol.py)."""
    if _orphaned.is_set():
        return
    _orphaned.set()
    _requested.set()
    # Nobody reads the pipes any more: writes go nowhere instead of raising BrokenPipeError mid-save.
    devnull = os.open(os.devnull, os.O_WRONLY)
    from . import protocol

    for fd in {1, 2, *protocol.stream_fds()}:
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
    timer = threading.Timer(GRACE_SECONDS, os._exit, (1,))
    timer.daemon = True
    timer.start()
