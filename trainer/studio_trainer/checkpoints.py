"""Checkpoints live in output_dir/checkpoints/checkpoint-<step> (the transformers Trainer's layout)."""

from __future__ import annotations

import re
from pathlib import Path

from .job import Job

_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def last_checkpoint(job: Job) -> Path | None:
    folder = job.checkpoints_dir
    if not folder.is_dir():
        return None
    found = [(int(m.group(1)), p) for p in folder.iterdir() if p.is_dir() and (m := _CHECKPOINT.match(p.name))]
    return max(found)[1] if found else None
