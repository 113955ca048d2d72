"""TRL DPO on {"prompt", "chosen", "rejected"} rows. The reference model is the starting model, reloaded
by TRL from the same path (or, with a PEFT adapter, the model with the adapter disabled).

Metrics on the test split: eval loss and the reward margins/accuracies TRL computes.
"""

from __future__ import annotations

from . import protocol, trainer_loop
from .data import load_splits, require_columns
from .dpo_config import DpoConfig, parse
from .result import Result
from .trl_common import load_tokenizer


def parse_config(job) -> DpoConfig:
    return parse(job.config)


def _columns(rows: list[dict]) -> list[dict]:
    return [{k: r[k] for k in ("prompt", "chosen", "rejected")} for r in rows]


def train(job, config: DpoConfig, device, peft_config=None) -> Result:
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    require_columns(train_rows, ("prompt", "chosen", "rejected"), "train")
    require_columns(test_rows, ("prompt", "chosen", "rejected"), "test")
    tokenizer = load_tokenizer(job.model)
    extra = {"loss_type": config.loss_type} if config.loss_type else {}
    args = DPOConfig(**config.trl_arguments(job, device, DpoConfig.OWN), **extra)
    trainer = DPOTrainer(
        model=job.model,
        args=args,
        train_dataset=Dataset.from_list(_columns(train_rows)),
        eval_dataset=Dataset.from_list(_columns(test_rows)) if test_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    return trainer_loop.train_evaluate_save(trainer, job, tokenizer, config.evaluate_before_training)
