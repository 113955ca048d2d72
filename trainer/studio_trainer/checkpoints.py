"""Checkpoints live in output_dir/checkpoints/checkpoint-<step> (the transformers Trainer's layout).

A checkpoint counts once its state file is written, which both savers write last (the Trainer's
`trainer_state.json`, spaCy's `state.json`): a run killed mid-save leaves a folder without it, and
resuming skips that folder for the one before.
"""

from __future__ import annotations

import fcntl
import re
from pathlib import Path

from .job import Job

_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")
_STATE_FILES = ("trainer_state.json", "state.json")
LOCK_FILE = ".trainer.lock"


def is_complete(folder: Path) -> bool:
    return any((folder / name).is_file() for name in _STATE_FILES)


def last_checkpoint(job: Job) -> Path | None:
    folder = job.checkpoints_dir
    if not folder.is_dir():
        return None
    found = [(int(m.group(1)), p) for p in folder.iterdir() if p.is_dir() and (m := _CHECKPOINT.match(p.name)) and is_complete(p)]
    return max(found)[1] if found else None


def lock_output(job: Job):
    """One trainer per output folder: blocks while another run (a previous attempt still saving after
    its studio worker died) holds it. The lock is the open file returned (keep it); the OS drops it
    when the process ends, however it ends."""
    job.output_dir.mkdir(parents=True, exist_ok=True)
    handle = open(job.output_dir / LOCK_FILE, "w")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle
