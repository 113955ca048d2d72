"""job.json: what one training run is. Written by the studio, read once at start-up.

Secrets (a Hub token) never appear here: they reach the worker through its environment.
Paths may be absolute or relative to the folder holding job.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidJobError

FRAMEWORKS = ("setfit", "transformers", "peft", "sentence-transformers", "spacy", "trl")

# The studio's task names (server/training/tasks/schema.ts), plus the short aliases job writers may use.
TASKS = (
    "text_classification",
    "question_answering",
    "sentence_similarity",
    "supervised_fine_tuning",
    "reward_modeling",
    "direct_preference_optimization",
    "proximal_policy_optimization",
    "chat_completion",
)
TASK_ALIASES = {
    "sft": "supervised_fine_tuning",
    "dpo": "direct_preference_optimization",
    "ppo": "proximal_policy_optimization",
}

_FIELDS = {
    "job_id",
    "framework",
    "task",
    "multi_label",
    "model",
    "prepared_dir",
    "output_dir",
    "config",
    "seed",
    "resume_from_checkpoint",
    "reward_model",
}
_SECRET_HINTS = ("token", "password", "secret", "api_key")


@dataclass(frozen=True)
class Job:
    job_id: str
    framework: str
    task: str
    model: str
    prepared_dir: Path
    output_dir: Path
    config: dict[str, Any] = field(default_factory=dict)
    multi_label: bool | None = None
    seed: int = 42
    resume_from_checkpoint: bool = False
    reward_model: str | None = None

    @property
    def checkpoints_dir(self) -> Path:
        return self.output_dir / "checkpoints"

    @property
    def model_dir(self) -> Path:
        return self.output_dir / "model"

    def split_path(self, split: str) -> Path:
        return self.prepared_dir / f"{split}.jsonl"

    def meta(self) -> dict[str, Any]:
        """prepared/meta.json as `studio prepare` writes it (label maps, counts), or {}."""
        path = self.prepared_dir / "meta.json"
        if not path.is_file():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))


def _require(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in data:
        raise InvalidJobError(f"job.json: `{key}` is required")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise InvalidJobError(f"job.json: `{key}` must be {_type_name(kind)}")
    return value


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", bool: "a boolean", dict: "an object"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _optional(data: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise InvalidJobError(f"job.json: `{key}` must be {_type_name(kind)}")
    return value


def _path(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else (base / path)


def parse_job(data: Any, base_dir: Path) -> Job:
    if not isinstance(data, dict):
        raise InvalidJobError("job.json must hold one JSON object")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise InvalidJobError(f"job.json: unknown field `{unknown[0]}` (fields: {', '.join(sorted(_FIELDS))})")
    job_id = _require(data, "job_id", str)
    if not job_id:
        raise InvalidJobError("job.json: `job_id` must not be empty")
    framework = _require(data, "framework", str)
    if framework not in FRAMEWORKS:
        raise InvalidJobError(f"job.json: `framework` must be one of {', '.join(FRAMEWORKS)}")
    task = TASK_ALIASES.get(_require(data, "task", str), data["task"])
    if task not in TASKS:
        raise InvalidJobError(f"job.json: `task` must be one of {', '.join(TASKS + tuple(TASK_ALIASES))}")
    model = _require(data, "model", str)
    if not model:
        raise InvalidJobError("job.json: `model` must not be empty")
    prepared_dir = _path(base_dir, _require(data, "prepared_dir", str))
    output_dir = _path(base_dir, _require(data, "output_dir", str))
    config = _optional(data, "config", dict, {})
    for key in config:
        if any(hint in key.lower() for hint in _SECRET_HINTS) and key not in {"eos_token", "pad_token", "stop_token", "stop_token_id"}:
            raise InvalidJobError(f"job.json: config key `{key}` looks like a secret; pass secrets in the environment")
    reward_model = _optional(data, "reward_model", str, None)
    if model_looks_local(model):
        model = str(_path(base_dir, model))
        if not Path(model).is_dir():
            raise InvalidJobError("job.json: `model` is neither a Hub id (name or owner/name) nor an existing folder")
    if reward_model is not None:
        reward_model = str(_path(base_dir, reward_model))
        if not Path(reward_model).is_dir():
            raise InvalidJobError("job.json: `reward_model` is not a folder")
    if not prepared_dir.is_dir():
        raise InvalidJobError("job.json: `prepared_dir` is not a folder")
    if not (prepared_dir / "train.jsonl").is_file():
        raise InvalidJobError("job.json: `prepared_dir` has no train.jsonl")
    multi_label = data.get("multi_label")
    if multi_label is not None and not isinstance(multi_label, bool):
        raise InvalidJobError("job.json: `multi_label` must be a boolean")
    return Job(
        job_id=job_id,
        framework=framework,
        task=task,
        model=model,
        prepared_dir=prepared_dir,
        output_dir=output_dir,
        config=config,
        multi_label=multi_label,
        seed=_optional(data, "seed", int, 42),
        resume_from_checkpoint=_optional(data, "resume_from_checkpoint", bool, False),
        reward_model=reward_model,
    )


def model_looks_local(model: str) -> bool:
    """A Hub id is `name` or `owner/name`; anything starting with `.`, `/` or `~`, or with two slashes, is a folder."""
    if model.startswith("blank:"):  # spaCy's blank pipelines
        return False
    return model.startswith((".", "/", "~")) or model.count("/") > 1 or Path(model).is_dir()


def load_job(path: str | Path) -> Job:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidJobError(f"job.json could not be read ({error.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidJobError(f"job.json line {error.lineno}: {error.msg}") from None
    return parse_job(data, path.resolve().parent)
