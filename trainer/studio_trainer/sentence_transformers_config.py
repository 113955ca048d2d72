"""sentence-transformers runner settings (bi-encoder and cross-encoder, sentence-transformers 6.3).

Defaults: Argilla's `.fit` defaults (1 epoch, lr 2e-5, weight decay 0.01, batch 32 from its data kwargs),
moved onto `SentenceTransformerTrainingArguments`. Argilla's fit used 10,000 warm-up steps, longer than
most runs; here warm-up is 10 % of the steps (`warmup_steps: 0.1`).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from .config_base import TrainerConfig, parameters_of, parse_config
from .errors import InvalidConfigError

BI_ENCODER_LOSSES = ("auto", "mnrl", "cosent", "cosine_similarity", "angle", "contrastive", "softmax")
CROSS_ENCODER_LOSSES = ("auto", "bce", "cross_entropy")


@dataclasses.dataclass
class SentenceTransformersConfig(TrainerConfig):
    SCHEMA_NAME = "sentence-transformers"  # its schema in protocol/configs.schema.json

    learning_rate: float = 2e-5
    num_train_epochs: float = 1.0
    per_device_train_batch_size: int = 32
    per_device_eval_batch_size: int = 32
    weight_decay: float = 0.01
    warmup_steps: float = 0.1
    cross_encoder: bool = False
    # "auto" picks by the rows' shape: pairs → MNRL, scored pairs → CoSENT, 0/1 pairs → contrastive,
    # class pairs → softmax, triplets → MNRL with the third text as a hard negative. Cross-encoder:
    # scored or 0/1 pairs → BCE (one output), class pairs → cross-entropy (one output per class).
    loss: str = "auto"
    max_seq_length: int | None = None
    # Ratings (e.g. 1–5) are scaled to 0..1 over the train split's range for the losses that need it.
    normalize_scores: bool = True

    def validate(self) -> None:
        super().validate()
        allowed = CROSS_ENCODER_LOSSES if self.cross_encoder else BI_ENCODER_LOSSES
        if self.loss not in allowed:
            kind = "cross-encoder" if self.cross_encoder else "bi-encoder"
            raise InvalidConfigError(f"config `loss` for a {kind} must be one of {', '.join(allowed)}")


def passthrough() -> frozenset[str]:
    from sentence_transformers import SentenceTransformerTrainingArguments

    return parameters_of(SentenceTransformerTrainingArguments)


def parse(data: dict[str, Any]) -> SentenceTransformersConfig:
    return parse_config(SentenceTransformersConfig, data, passthrough(), "sentence-transformers")
