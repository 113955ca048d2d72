"""Shared config machinery: a dataclass of the fields the studio documents, plus pass-through keys.

A framework config is a dataclass whose fields carry the defaults (Argilla's `update_config` defaults,
corrected to the installed versions). Keys that are not fields but are parameters of the framework's own
arguments class (e.g. `trl.DPOConfig`) pass through unchanged in `extra`, the way Argilla's `update_config`
merged them; any other key is refused, naming the key. Keys the worker sets itself are refused too.

The single source of every config is its zod schema in the studio (server/training-runs/configs/), from
which `protocol/configs.schema.json` is generated: each dataclass names its schema (`SCHEMA_NAME`), its
fields and defaults are tested to equal the schema's properties and defaults, and every incoming config
is validated against it here.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from pathlib import Path
from typing import Any

from .errors import InvalidConfigError

CONFIGS_SCHEMA_FILE = Path(__file__).parent / "protocol" / "configs.schema.json"


@functools.cache
def configs_schema() -> dict[str, Any]:
    """protocol/configs.schema.json: `$defs` (one JSON Schema per config) and `runners` (framework → task → config)."""
    return json.loads(CONFIGS_SCHEMA_FILE.read_text(encoding="utf-8"))


@functools.cache
def _validator(name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(configs_schema()["$defs"][name])


def _phrase(error) -> str:
    """A schema error in the studio's words ("must be > 0"), as the zod schema says it."""
    value = error.validator_value
    phrases = {
        "exclusiveMinimum": f"must be > {value}",
        "minimum": f"must be ≥ {value}",
        "exclusiveMaximum": f"must be < {value}",
        "maximum": f"must be ≤ {value}",
        "enum": "must be one of " + ", ".join(repr(v) for v in value) if isinstance(value, list) else "",
        "minItems": "must not be empty",
        "minLength": "must not be empty",
    }
    return phrases.get(error.validator) or error.message


def check_against_schema(name: str, data: dict[str, Any]) -> None:
    """Refuses a config that the named schema refuses (ranges, enums), naming the setting."""
    from jsonschema.exceptions import best_match

    errors = [e for e in _validator(name).iter_errors(data) if e.validator != "additionalProperties"]
    if not errors:
        return
    error = best_match(errors)
    key = next(iter(error.absolute_path), None)
    raise InvalidConfigError(f"config `{key}` {_phrase(error)}" if key is not None else f"config {error.message}")

# Set by the worker from job.json and the device policy; a config may not override them.
WORKER_KEYS = frozenset(
    {
        "output_dir",
        "overwrite_output_dir",
        "use_cpu",
        "no_cuda",
        "bf16",
        "fp16",
        "report_to",
        "seed",
        "resume_from_checkpoint",
        "push_to_hub",
        "hub_token",
        "hub_model_id",
        "logging_dir",
        "disable_tqdm",
    }
)


def _accepts(annotation: Any, value: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(arg, value) for arg in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is Any:
        return True
    if origin is typing.Literal:
        return value in typing.get_args(annotation)
    if origin in (list, tuple):
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(annotation, type):
        return isinstance(value, annotation)
    return True


def _describe(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(annotation))
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def parse_config(cls: type, data: dict[str, Any], passthrough: frozenset[str] = frozenset(), framework: str = "") -> Any:
    """Build `cls` from a job's config dict; unknown keys must be in `passthrough` (they land in `extra`)."""
    if not isinstance(data, dict):
        raise InvalidConfigError("config must be an object")
    hints = typing.get_type_hints(cls)
    field_names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key in WORKER_KEYS:
            raise InvalidConfigError(f"config `{key}` is set by the worker (from job.json and the device), not by the config")
        if key in field_names:
            if not _accepts(hints[key], value):
                raise InvalidConfigError(f"config `{key}` must be {_describe(hints[key])}")
            values[key] = value
        elif key in passthrough:
            extra[key] = value
        else:
            raise InvalidConfigError(f"config `{key}` is not a setting of the {framework or cls.__name__} runner")
    check_against_schema(cls.SCHEMA_NAME, data)
    config = cls(**values, extra=extra)
    validate = getattr(config, "validate", None)
    if validate:
        validate()
    return config


def refuse_processes(processes: int, why: str) -> None:
    """`num_processes` above 1 where a runner trains in one process only (the message is the zod schema's)."""
    if processes < 1:
        raise InvalidConfigError("config `num_processes` must be ≥ 1")
    if processes > 1:
        raise InvalidConfigError(f"config `num_processes` must be 1: {why}")


def parameters_of(*classes: type) -> frozenset[str]:
    """The init parameters of the framework's argument classes (the pass-through keys)."""
    names: set[str] = set()
    for klass in classes:
        if dataclasses.is_dataclass(klass):
            names.update(f.name for f in dataclasses.fields(klass) if f.init)
        else:
            import inspect

            names.update(p for p in inspect.signature(klass.__init__).parameters if p not in ("self", "args", "kwargs"))
    return frozenset(names - WORKER_KEYS)


@dataclasses.dataclass
class TrainerConfig:
    """Fields shared by every runner built on a transformers `Trainer` (transformers, PEFT, TRL, sentence-transformers).

    Defaults: Argilla's TrainingArguments tab (batch 8, lr 5e-5, weight decay 0, 3 epochs, logging every step),
    corrected for transformers 5 (`eval_strategy`, `warmup_steps` may be a ratio < 1, no `warmup_ratio`).
    """

    learning_rate: float = 5e-5
    num_train_epochs: float = 3.0
    max_steps: int = -1
    per_device_train_batch_size: int = 8
    per_device_eval_batch_size: int = 8
    gradient_accumulation_steps: int = 1
    weight_decay: float = 0.0
    warmup_steps: float = 0.0
    max_grad_norm: float = 1.0
    lr_scheduler_type: str = "linear"
    logging_steps: int = 1
    save_steps: int = 500
    save_total_limit: int | None = 2
    eval_steps: int | None = None
    evaluate_before_training: bool = False
    num_processes: int = 1  # > 1: `accelerate launch` (distributed.py), read from job.json before parsing
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def validate(self) -> None:
        if self.learning_rate <= 0:
            raise InvalidConfigError("config `learning_rate` must be > 0")
        if self.max_steps <= 0 and self.num_train_epochs <= 0:
            raise InvalidConfigError("config needs `max_steps` > 0 or `num_train_epochs` > 0")
        for name in ("per_device_train_batch_size", "per_device_eval_batch_size", "gradient_accumulation_steps", "logging_steps", "save_steps", "num_processes"):
            if getattr(self, name) < 1:
                raise InvalidConfigError(f"config `{name}` must be ≥ 1")
        if self.warmup_steps < 0:
            raise InvalidConfigError("config `warmup_steps` must be ≥ 0")

    def training_arguments(self, job, device, own_keys: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Keyword arguments for the framework's TrainingArguments subclass."""
        shared = {f.name for f in dataclasses.fields(TrainerConfig)} - {"extra", "evaluate_before_training", "eval_steps", "num_processes"}
        args = {name: getattr(self, name) for name in shared}
        args.update({name: getattr(self, name) for name in own_keys})
        args.update(
            output_dir=str(job.checkpoints_dir),
            seed=job.seed,
            logging_first_step=True,
            save_strategy="steps",
            eval_strategy="steps" if self.eval_steps else "no",
            disable_tqdm=True,
            dataloader_num_workers=0,
            dataloader_pin_memory=device.kind == "cuda",
            **device.training_arguments(),
        )
        if self.eval_steps:
            args["eval_steps"] = self.eval_steps
        args.update(self.extra)
        return args
