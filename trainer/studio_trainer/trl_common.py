"""Shared by the TRL runners: the base config (TRL's CPU traps handled) and the tokenizer loader."""

from __future__ import annotations

import dataclasses

from .config_base import TrainerConfig
from .errors import InvalidConfigError


@dataclasses.dataclass
class TrlConfig(TrainerConfig):
    """Argilla's TRL defaults (1 epoch, logging every step) over TRL 1.x's config classes.

    TRL's own traps are neutralised: `bf16` is set from the device (TRL would resolve it to True), and
    `gradient_checkpointing` (TRL default True) is on only on CUDA unless set here.
    """

    num_train_epochs: float = 1.0
    max_length: int | None = 1024
    gradient_checkpointing: bool | None = None

    def validate(self) -> None:
        super().validate()
        if self.max_length is not None and self.max_length < 8:
            raise InvalidConfigError("config `max_length` must be ≥ 8")

    def trl_arguments(self, job, device, own_keys: frozenset[str]) -> dict:
        args = self.training_arguments(job, device, own_keys | {"max_length"})
        if self.gradient_checkpointing is None:
            args["gradient_checkpointing"] = device.kind == "cuda"
        else:
            args["gradient_checkpointing"] = self.gradient_checkpointing
        return args


def load_tokenizer(path: str):
    """The model's tokenizer with a pad token (eos when it has none) and an eos token (sep for BERT-like)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.eos_token is None and tokenizer.sep_token is not None:
        tokenizer.eos_token = tokenizer.sep_token
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer
