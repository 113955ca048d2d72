"""TRL RewardTrainer on {"chosen", "rejected"} rows (implicit prompt; an explicit `prompt` column is kept).

The model is any sequence classifier base (a decoder such as Llama gets a `score` head, an encoder such
as MiniLM a `classifier` head) with one output. A reward model meant for PPO must share the policy's
tokenizer and be a decoder (TRL's PPO calls `model.score`). Metric: reward accuracy on the test split.
"""

from __future__ import annotations

from . import protocol, trainer_loop
from .data import load_splits, require_columns
from .result import Result
from .reward_config import RewardModelingConfig, parse
from .trl_common import load_tokenizer


def parse_config(job) -> RewardModelingConfig:
    return parse(job.config)


def _columns(rows: list[dict]) -> list[dict]:
    keep = ("prompt", "chosen", "rejected")
    return [{k: r[k] for k in keep if k in r} for r in rows]


def train(job, config: RewardModelingConfig, device, peft_config=None) -> Result:
    from datasets import Dataset
    from trl import RewardConfig, RewardTrainer

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    require_columns(train_rows, ("chosen", "rejected"), "train")
    require_columns(test_rows, ("chosen", "rejected"), "test")
    tokenizer = load_tokenizer(job.model)
    args = RewardConfig(**config.trl_arguments(job, device, RewardModelingConfig.OWN), eos_token=tokenizer.eos_token)
    trainer = RewardTrainer(
        model=job.model,
        args=args,
        train_dataset=Dataset.from_list(_columns(train_rows)),
        eval_dataset=Dataset.from_list(_columns(test_rows)) if test_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    return trainer_loop.train_evaluate_save(trainer, job, tokenizer, config.evaluate_before_training)
