"""PEFT LoRA runner settings: the LoRA fields of Argilla's PEFT tab (peft 0.21 `LoraConfig` names) over
the transformers classification config or the TRL SFT config.

Argilla's `lora_kwargs`: r 8, lora_alpha 16, lora_dropout 0.1, target_modules None (PEFT's per-architecture
default: BERT query/value, Llama q_proj/v_proj), bias "none", fan_in_fan_out False, modules_to_save None
(PEFT adds the classification head itself), init_lora_weights True.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from .config_base import parse_config
from .errors import InvalidConfigError
from .sft_config import SftConfig
from .sft_config import passthrough as sft_passthrough
from .transformers_config import ClassificationConfig, training_arguments_keys


@dataclasses.dataclass
class LoraFields:
    r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    target_modules: list[str] | str | None = None
    bias: Literal["none", "all", "lora_only"] = "none"
    fan_in_fan_out: bool = False
    modules_to_save: list[str] | None = None
    init_lora_weights: bool = True
    use_rslora: bool = False

    LORA_KEYS = ("r", "lora_alpha", "lora_dropout", "target_modules", "bias", "fan_in_fan_out", "modules_to_save", "init_lora_weights", "use_rslora")

    def lora_config(self, task_type: str):
        from peft import LoraConfig

        if self.r < 1 or not 0 <= self.lora_dropout < 1:
            raise InvalidConfigError("config `r` must be ≥ 1 and `lora_dropout` in [0, 1)")
        return LoraConfig(task_type=task_type, **{key: getattr(self, key) for key in self.LORA_KEYS})


@dataclasses.dataclass
class PeftClassificationConfig(ClassificationConfig, LoraFields):
    SCHEMA_NAME = "peft-classification"


@dataclasses.dataclass
class PeftCausalLmConfig(SftConfig, LoraFields):
    SCHEMA_NAME = "peft-causal-lm"


def parse(data: dict[str, Any], task: str):
    if task == "text_classification":
        config = parse_config(PeftClassificationConfig, data, training_arguments_keys(), "peft")
        config.lora_config("SEQ_CLS")  # validates the LoRA fields now, not after loading the model
        return config
    config = parse_config(PeftCausalLmConfig, data, sft_passthrough(), "peft")
    config.lora_config("CAUSAL_LM")
    return config
