"""TRL reward-modeling runner settings (trl 1.16 `RewardConfig`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .config_base import parameters_of, parse_config
from .trl_common import TrlConfig


@dataclasses.dataclass
class RewardModelingConfig(TrlConfig):
    SCHEMA_NAME = "trl-reward"  # its schema in protocol/configs.schema.json

    learning_rate: float = 1e-4  # TRL's RewardConfig default
    max_length: int | None = 512  # rows longer than this are DROPPED by RewardTrainer, not truncated
    center_rewards_coefficient: float | None = None

    OWN = frozenset({"center_rewards_coefficient"})


def passthrough() -> frozenset[str]:
    from trl import RewardConfig

    return parameters_of(RewardConfig)


def parse(data: dict[str, Any]) -> RewardModelingConfig:
    return parse_config(RewardModelingConfig, data, passthrough(), "trl reward modeling")
