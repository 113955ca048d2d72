"""Online RL runner settings (task proximal_policy_optimization): PPO, GRPO or RLOO.

`algorithm: "ppo"` runs `trl.experimental.ppo.PPOTrainer` from the trl 1.12.0 overlay (PPO left TRL in
1.13); "grpo" and "rloo" run current TRL's `GRPOTrainer` / `RLOOTrainer` with the reward model as their
reward function. Defaults are TRL's (PPO lr 3e-6, 4 PPO epochs, 53 response tokens, KL coefficient
0.05, temperature 0.7; GRPO/RLOO lr 1e-6), with Argilla's one epoch.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from .config_base import TrainerConfig, parse_config, refuse_processes
from .errors import InvalidConfigError

PPO_SINGLE_PROCESS = "PPO (trl 1.12) trains in one process here; grpo and rloo take several"


@dataclasses.dataclass
class OnlineRlConfig(TrainerConfig):
    SCHEMA_NAME = "online-rl"  # its schema in protocol/configs.schema.json

    algorithm: Literal["ppo", "grpo", "rloo"] = "ppo"
    learning_rate: float = 3e-6
    num_train_epochs: float = 1.0
    per_device_train_batch_size: int = 8
    max_prompt_length: int = 128
    response_length: int = 53  # PPO: tokens generated per query; GRPO/RLOO: max_completion_length
    temperature: float = 0.7
    total_episodes: int | None = None  # PPO: episodes (queries) in all; default epochs × rows
    num_ppo_epochs: int = 4
    num_mini_batches: int = 1
    kl_coef: float = 0.05
    num_generations: int = 2  # GRPO/RLOO: completions per prompt (the batch must divide by it)
    gradient_checkpointing: bool | None = None

    def validate(self) -> None:
        super().validate()
        if self.temperature <= 0:
            raise InvalidConfigError("config `temperature` must be > 0")
        if self.algorithm == "ppo":
            refuse_processes(self.num_processes, PPO_SINGLE_PROCESS)
        if self.algorithm == "ppo" and self.per_device_train_batch_size % self.num_mini_batches:
            raise InvalidConfigError("config `per_device_train_batch_size` must be a multiple of `num_mini_batches`")
        if self.algorithm != "ppo" and self.num_generations < 2:
            raise InvalidConfigError("config `num_generations` must be ≥ 2 for GRPO and RLOO")
        if self.algorithm != "ppo":
            # TRL checks these only once the model is loaded; whole prompt groups must fit each batch.
            if (self.per_device_train_batch_size * self.gradient_accumulation_steps) % self.num_generations:
                raise InvalidConfigError("config `num_generations` must divide per_device_train_batch_size × gradient_accumulation_steps")
            if self.per_device_eval_batch_size % self.num_generations:
                raise InvalidConfigError("config `num_generations` must divide per_device_eval_batch_size")


def parse(data: dict[str, Any]) -> OnlineRlConfig:
    return parse_config(OnlineRlConfig, data, frozenset(), "trl online RL")
