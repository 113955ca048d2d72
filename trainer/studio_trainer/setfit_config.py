"""SetFit runner settings. Defaults: Argilla's SetFit tab, corrected to setfit 1.2.

Argilla documented `num_iterations=20, num_epochs=1, learning_rate=2e-5, batch_size=16, use_amp=True,
warmup_proportion=0.1, margin=0.25, samples_per_label=2`. In setfit 1.2 `learning_rate` is
`body_learning_rate` (body) + `head_learning_rate`, `use_amp` defaults to False (and only helps on CUDA),
`report_to` must be "none" (it defaults to "all"), and the string metric "accuracy" would fetch a script
from the Hub, so the runner computes accuracy and F1 itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from .config_base import parse_config, refuse_processes
from .errors import InvalidConfigError

SINGLE_PROCESS = "SetFit trains in one process"
PASSTHROUGH = frozenset({"distance_metric_name", "end_to_end", "l2_weight", "eval_max_steps"})


@dataclasses.dataclass
class SetFitConfig:
    SCHEMA_NAME = "setfit"  # its schema in protocol/configs.schema.json

    num_iterations: int | None = 20
    num_epochs: int = 1
    head_num_epochs: int = 16
    max_steps: int = -1
    batch_size: int = 16
    head_batch_size: int = 2
    body_learning_rate: float = 2e-5
    head_learning_rate: float = 1e-2
    sampling_strategy: Literal["oversampling", "undersampling", "unique"] = "oversampling"
    warmup_proportion: float = 0.1
    margin: float = 0.25
    samples_per_label: int = 2
    max_length: int | None = None
    logging_steps: int = 10
    save_steps: int = 500
    use_amp: bool = False
    use_differentiable_head: bool = False
    multi_target_strategy: Literal["one-vs-rest", "multi-output", "classifier-chain"] = "one-vs-rest"
    num_processes: int = 1
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def validate(self) -> None:
        refuse_processes(self.num_processes, SINGLE_PROCESS)
        if self.body_learning_rate <= 0 or self.head_learning_rate <= 0:
            raise InvalidConfigError("config `body_learning_rate` and `head_learning_rate` must be > 0")
        if self.max_steps <= 0 and self.num_epochs <= 0:
            raise InvalidConfigError("config needs `max_steps` > 0 or `num_epochs` > 0")
        if self.num_iterations is not None and self.num_iterations < 1:
            raise InvalidConfigError("config `num_iterations` must be ≥ 1 (or null to use `sampling_strategy`)")
        if self.batch_size < 1 or self.head_batch_size < 1:
            raise InvalidConfigError("config batch sizes must be ≥ 1")
        if self.use_differentiable_head and self.multi_target_strategy == "classifier-chain":
            raise InvalidConfigError("a differentiable head supports `one-vs-rest` and `multi-output` only")


def parse(data: dict[str, Any]) -> SetFitConfig:
    return parse_config(SetFitConfig, data, PASSTHROUGH, "setfit")
