"""transformers runner settings (sequence classification and extractive QA).

Defaults: Argilla's TrainingArguments tab (batch 8, lr 5e-5, 3 epochs, logging every step), corrected to
transformers 5 (`eval_strategy`, `warmup_steps` as a ratio when < 1). Any other `TrainingArguments`
parameter passes through as is.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .config_base import TrainerConfig, parameters_of, parse_config
from .errors import InvalidConfigError


@dataclasses.dataclass
class ClassificationConfig(TrainerConfig):
    SCHEMA_NAME = "transformers-classification"  # its schema in protocol/configs.schema.json

    max_length: int = 512
    threshold: float = 0.5  # multi-label: a label is predicted when its sigmoid exceeds this

    def validate(self) -> None:
        super().validate()
        if not 0 < self.threshold < 1:
            raise InvalidConfigError("config `threshold` must lie in (0, 1)")
        if self.max_length < 8:
            raise InvalidConfigError("config `max_length` must be ≥ 8")


@dataclasses.dataclass
class QuestionAnsweringConfig(TrainerConfig):
    SCHEMA_NAME = "transformers-question-answering"

    max_length: int = 384
    doc_stride: int = 128
    max_answer_length: int = 30
    n_best: int = 20

    def validate(self) -> None:
        super().validate()
        if self.doc_stride >= self.max_length:
            raise InvalidConfigError("config `doc_stride` must be smaller than `max_length`")


def training_arguments_keys() -> frozenset[str]:
    from transformers import TrainingArguments

    return parameters_of(TrainingArguments)


def parse(data: dict[str, Any], task: str):
    cls = QuestionAnsweringConfig if task == "question_answering" else ClassificationConfig
    return parse_config(cls, data, training_arguments_keys(), "transformers")

