"""The worker's stdout protocol: one JSON object per line, nothing else.

`install()` runs first in every entry point. It duplicates file descriptor 1 into a private writer that
only this module uses, then points fd 1 and `sys.stdout` at stderr, so a stray `print`, a library's
progress printer or a C extension writing to fd 1 lands in the job's log (stderr), never in the protocol.
The event kinds and their fields are defined once in `events.schema.json` beside this file; the
TypeScript side reads the same schema and the transcripts in `examples/`.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import math
import os
import sys
import threading
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("events.schema.json")
EXAMPLES_DIR = Path(__file__).with_name("examples")

_writer: io.TextIOBase | None = None
#: A silent rank's way to the real stream, for its own failure only (`emit_from_any_rank`).
_failure_writer: io.TextIOBase | None = None
_lock = threading.Lock()


def install(silent: bool = False) -> None:
    """Reserve the real stdout for protocol lines; everything else written to fd 1 goes to stderr.

    `silent`: a rank other than 0 of a multi-process run, whose events would repeat rank 0's: they go
    nowhere, and its fd 1 goes to stderr all the same. It keeps the real stream for its own failure,
    which rank 0 cannot report (`emit_from_any_rank`)."""
    global _writer, _failure_writer
    if _writer is not None:
        return
    sys.stdout.flush()
    protocol_fd = os.open(os.devnull, os.O_WRONLY) if silent else os.dup(1)
    if silent:
        _failure_writer = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1, closefd=True)
    os.dup2(2, 1)
    _writer = os.fdopen(protocol_fd, "w", encoding="utf-8", buffering=1, closefd=True)
    sys.stdout = sys.stderr


def stream_fds() -> list[int]:
    """The protocol stream's file descriptors, once installed (cancel.py points them at /dev/null when the studio dies)."""
    return [writer.fileno() for writer in (_writer, _failure_writer) if writer is not None]


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def finite_numbers(values: dict[str, Any]) -> dict[str, float]:
    """The numeric entries of a log dict; NaN/inf and non-numbers cannot travel as JSON numbers."""
    out: dict[str, float] = {}
    for key, value in values.items():
        if isinstance(value, bool):
            continue
        if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
            try:
                value = value.item()
            except (ValueError, RuntimeError):
                continue
        if isinstance(value, (int, float)) and math.isfinite(value):
            out[str(key)] = value
    return out


def emit(event: str, **fields: Any) -> dict[str, Any]:
    """Write one event line and flush it. Returns the object written (tests use it)."""
    message = {"event": event, "time": now(), **fields}
    write_line(message)
    return message


def emit_from_any_rank(event: str, **fields: Any) -> dict[str, Any]:
    """`emit`, from a silent rank too: a rank's own failure, which the studio must hear from it (the
    others only see their peer vanish). The studio keeps the first `error` it reads."""
    message = {"event": event, "time": now(), **fields}
    write_line(message, _failure_writer)
    return message


def write_line(message: dict[str, Any], writer: io.TextIOBase | None = None) -> None:
    """One JSON object on the protocol stream (events; the predict server's answers)."""
    line = json.dumps(message, ensure_ascii=False, allow_nan=False)
    with _lock:
        writing_to = writer or _writer
        if writing_to is None:
            # Not installed (library use, unit tests): write to the real stdout.
            sys.__stdout__.write(line + "\n")
            sys.__stdout__.flush()
        else:
            try:
                writing_to.write(line + "\n")
                writing_to.flush()
            except BrokenPipeError:
                # The reader, the studio's worker, is gone. A rank under `accelerate launch` can write
                # before the launcher passes on the SIGTERM of that death: stop as an orphan does
                # (checkpoint at the step end) instead of dying on the write with nothing saved.
                from .. import cancel

                cancel.orphaned()
                try:
                    writing_to.flush()  # now into /dev/null: the buffered line goes nowhere
                except OSError:
                    pass


def memory() -> dict[str, float]:
    """Resident set size of this process and, on CUDA, the memory torch holds (both in MiB)."""
    out: dict[str, float] = {}
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        out["rss_mb"] = round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError, IndexError):
        try:
            import resource

            out["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        except Exception:  # pragma: no cover - platform without either
            pass
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        out["gpu_mb"] = round(torch.cuda.memory_allocated() / 2**20, 1)
    return out


def progress(step: int, max_steps: int, epoch: float | None) -> dict[str, Any]:
    return emit("progress", step=int(step), max_steps=int(max_steps), epoch=None if epoch is None else float(epoch), **memory())


def metrics(step: int, values: dict[str, Any], split: str) -> dict[str, Any] | None:
    numbers = finite_numbers(values)
    if not numbers:
        return None
    return emit("metrics", step=int(step), values=numbers, split=split)


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
