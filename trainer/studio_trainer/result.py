from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    status: str  # "succeeded" | "cancelled"
    step: int
    metrics: dict[str, float] = field(default_factory=dict)
    model_dir: Path | None = None
