"""TRL SFT runner settings (trl 1.16 `SFTConfig`). Also used for `chat_completion` rows ({"messages"})."""

from __future__ import annotations

import dataclasses
from typing import Any

from .config_base import parameters_of, parse_config
from .trl_common import TrlConfig


@dataclasses.dataclass
class SftConfig(TrlConfig):
    SCHEMA_NAME = "trl-sft"  # its schema in protocol/configs.schema.json

    learning_rate: float = 2e-5  # TRL's SFT default (Argilla's 5e-5 was TrainingArguments')
    packing: bool = False  # "bfd" packing needs FlashAttention to be exact; off by default
    # Completion-only loss on {"text"} rows: each text is split at the first occurrence of this string;
    # the loss covers only what follows it. Rows without it are dropped; if no row holds it, the job fails.
    response_template: str | None = None
    # On {"messages"} rows: train only on assistant turns (the chat template needs {% generation %} markers).
    assistant_only_loss: bool = False

    OWN = frozenset({"packing", "assistant_only_loss"})


def passthrough() -> frozenset[str]:
    from trl import SFTConfig

    return parameters_of(SFTConfig)


def parse(data: dict[str, Any]) -> SftConfig:
    return parse_config(SftConfig, data, passthrough(), "trl SFT")
