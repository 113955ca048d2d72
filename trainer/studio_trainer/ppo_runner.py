"""Task proximal_policy_optimization on {"id", "query"} rows: PPO (trl 1.12 overlay), GRPO or RLOO.

job.model is the policy (a causal LM folder or Hub id, e.g. the model of an SFT job) and job.reward_model
the folder of a reward model from an earlier reward-modeling job. The reward model must be a decoder
sequence classifier with one output that shares the policy's tokenizer (TRL's PPO scores the policy's
token ids through `model.score`). PPO's value model starts from the reward model, as TRL's examples do.

PPO needs `trl.experimental.ppo`, which exists up to trl 1.12.0: set STUDIO_PPO_OVERLAY to the folder
where requirements-ppo.txt was installed with `pip install --no-deps --target`. The runner puts that
folder first on sys.path before TRL is imported; GRPO and RLOO use the venv's current TRL.
Cancel stops after the current update and saves a checkpoint; PPO runs do not resume (TRL's PPO
trainer has no resume), so `resume_from_checkpoint` restarts them.
"""

from __future__ import annotations

import os
import sys

from . import protocol, trainer_loop
from .data import load_splits, require_columns
from .errors import InvalidJobError
from .ppo_config import OnlineRlConfig, parse
from .result import Result
from .trl_common import load_tokenizer


def parse_config(job) -> OnlineRlConfig:
    config = parse(job.config)
    if not job.reward_model:
        raise InvalidJobError("job.json: PPO, GRPO and RLOO need `reward_model` (the folder of a reward model)")
    if config.algorithm == "ppo":
        _use_overlay()
    return config


def resumes(config: OnlineRlConfig) -> bool:
    """TRL's PPO trainer has no resume; GRPO and RLOO resume like any Trainer."""
    return config.algorithm != "ppo"


def _use_overlay() -> None:
    overlay = os.environ.get("STUDIO_PPO_OVERLAY")
    if "trl" in sys.modules:
        return
    if overlay and overlay not in sys.path:
        sys.path.insert(0, overlay)


class _Stopped(Exception):
    pass


def _ppo_stop_callback():
    from transformers import TrainerCallback

    class StopAfterSave(TrainerCallback):
        """TRL's PPO loop ignores should_training_stop; after the cancel checkpoint is saved, leave the loop."""

        def __init__(self, protocol_callback):
            self.protocol_callback = protocol_callback

        def on_save(self, args, state, control, **kwargs):
            if self.protocol_callback.cancelled:
                raise _Stopped()

    return StopAfterSave


def train(job, config: OnlineRlConfig, device) -> Result:
    from datasets import Dataset

    protocol.emit("phase", phase="loading")
    train_rows, _test_rows = load_splits(job)
    require_columns(train_rows, ("query",), "train")
    tokenizer = load_tokenizer(job.model)
    reward_tokenizer = load_tokenizer(job.reward_model)
    if reward_tokenizer.get_vocab() != tokenizer.get_vocab():
        raise InvalidJobError("the reward model's tokenizer differs from the policy's; train the reward model from the same base")
    if config.algorithm == "ppo":
        return _train_ppo(job, config, device, tokenizer, train_rows)
    return _train_grpo_or_rloo(job, config, device, tokenizer, Dataset.from_list([{"prompt": r["query"]} for r in train_rows]))


def _common_args(job, config, device) -> dict:
    args = config.training_arguments(job, device)
    args["gradient_checkpointing"] = device.kind == "cuda" if config.gradient_checkpointing is None else config.gradient_checkpointing
    return args


def _train_ppo(job, config, device, tokenizer, rows) -> Result:
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

    try:
        from trl.experimental.ppo import PPOConfig, PPOTrainer
    except ImportError:
        raise InvalidJobError("PPO needs trl 1.12.0 (set STUDIO_PPO_OVERLAY to the folder requirements-ppo.txt was installed into)") from None

    tokenizer.padding_side = "left"

    def tokenize(row):
        ids = tokenizer(row["query"], truncation=True, max_length=config.max_prompt_length)["input_ids"]
        return {"input_ids": ids, "lengths": len(ids)}

    dataset = Dataset.from_list([{"query": r["query"]} for r in rows]).map(tokenize, remove_columns=["query"])
    load = dict(dtype=torch.float32)
    policy = AutoModelForCausalLM.from_pretrained(job.model, **load)
    ref_policy = AutoModelForCausalLM.from_pretrained(job.model, **load)
    reward_model = AutoModelForSequenceClassification.from_pretrained(job.reward_model, num_labels=1, **load)
    value_model = AutoModelForSequenceClassification.from_pretrained(job.reward_model, num_labels=1, **load)
    for model in (reward_model, value_model):
        model.config.pad_token_id = tokenizer.pad_token_id
    args = _common_args(job, config, device)
    args.pop("eval_strategy", None)
    args.pop("max_steps", None)  # PPO counts episodes
    args.update(
        response_length=config.response_length,
        temperature=config.temperature,
        num_ppo_epochs=config.num_ppo_epochs,
        num_mini_batches=config.num_mini_batches,
        kl_coef=config.kl_coef,
        num_sample_generations=0,
        stop_token="eos",
    )
    if config.total_episodes:
        args["total_episodes"] = config.total_episodes
    elif config.max_steps > 0:
        args["total_episodes"] = config.max_steps * config.per_device_train_batch_size * config.gradient_accumulation_steps
    trainer = PPOTrainer(
        args=PPOConfig(**args),
        processing_class=tokenizer,
        model=policy,
        ref_model=ref_policy,
        reward_model=reward_model,
        value_model=value_model,
        train_dataset=dataset,
    )
    callback = trainer_loop.attach(trainer, job)
    trainer.add_callback(_ppo_stop_callback()(callback))
    protocol.emit("phase", phase="training")
    try:
        trainer.train()
    except _Stopped:
        return Result("cancelled", callback.last_step)
    trainer_loop.save(trainer, job, tokenizer)
    history = [entry for entry in trainer.state.log_history if "objective/scores" in entry]
    metrics = {"mean_score": float(history[-1]["objective/scores"])} if history else {}
    return Result("succeeded", callback.last_step, metrics, job.model_dir)


def _train_grpo_or_rloo(job, config, device, tokenizer, dataset) -> Result:
    import trl

    grpo = config.algorithm == "grpo"
    config_class, trainer_class = (trl.GRPOConfig, trl.GRPOTrainer) if grpo else (trl.RLOOConfig, trl.RLOOTrainer)
    args = _common_args(job, config, device)
    args.update(
        max_completion_length=config.response_length,
        temperature=config.temperature,
        num_generations=config.num_generations,
        beta=config.kl_coef if not grpo else 0.0,
    )
    trainer = trainer_class(
        model=job.model,
        reward_funcs=job.reward_model,
        args=config_class(**args),
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    callback = trainer_loop.attach(trainer, job)
    if not trainer_loop.run(trainer, job, callback):
        return Result("cancelled", callback.last_step)
    trainer_loop.save(trainer, job, tokenizer)
    rewards = [entry["reward"] for entry in trainer.state.log_history if "reward" in entry]
    return Result("succeeded", callback.last_step, {"mean_reward": float(rewards[-1])} if rewards else {}, job.model_dir)
