"""TRL DPO runner settings (trl 1.16 `DPOConfig`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .config_base import parameters_of, parse_config
from .errors import InvalidConfigError
from .trl_common import TrlConfig


@dataclasses.dataclass
class DpoConfig(TrlConfig):
    SCHEMA_NAME = "trl-dpo"  # its schema in protocol/configs.schema.json

    learning_rate: float = 1e-6  # TRL's DPOConfig default
    beta: float = 0.1
    loss_type: list[str] | None = None  # TRL default ["sigmoid"]

    OWN = frozenset({"beta"})

    def validate(self) -> None:
        super().validate()
        if self.beta <= 0:
            raise InvalidConfigError("config `beta` must be > 0")


def passthrough() -> frozenset[str]:
    from trl import DPOConfig

    return parameters_of(DPOConfig)


def parse(data: dict[str, Any]) -> DpoConfig:
    return parse_config(DpoConfig, data, passthrough(), "trl DPO")
