"""The part every transformers-Trainer runner shares: callbacks, evaluation before training, resume, cancel."""

from __future__ import annotations

from . import distributed, protocol
from .callbacks import ProtocolCallback
from .checkpoints import last_checkpoint
from .result import Result


def attach(trainer, job, metric_prefix: str = "") -> ProtocolCallback:
    """Replace the stdout printer with the protocol callback (the printer would only add noise to the log)."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    callback = ProtocolCallback(job.output_dir, metric_prefix)
    trainer.add_callback(callback)
    return callback


def run(trainer, job, callback: ProtocolCallback, evaluate_before: bool = False) -> bool:
    """Train (resuming from the last checkpoint when the job asks); False when SIGTERM stopped it."""
    resume = last_checkpoint(job) if job.resume_from_checkpoint else None
    if evaluate_before and trainer.eval_dataset is not None and resume is None:
        protocol.emit("phase", phase="evaluating")
        trainer.evaluate()  # reported by on_log as step-0 eval metrics
        _let_training_wrap(trainer)
    protocol.emit("phase", phase="training")
    trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    return not callback.cancelled


def _let_training_wrap(trainer) -> None:
    """Several processes: an evaluation before training prepares the bare model for evaluation and marks
    it prepared, so the Trainer's own prepare at train() leaves it unwrapped (accelerate will not wrap a
    model twice): no DDP, each rank trained alone on its half of the batches and rank 0 saved its own
    weights. Forgetting that preparation lets train() wrap it as when nothing was evaluated first."""
    model = trainer.model
    if distributed.world_size() > 1 and trainer.model_wrapped is model and getattr(model, "_is_accelerate_prepared", False):
        del model._is_accelerate_prepared
        if any(prepared is model for prepared in trainer.accelerator._models):
            trainer.accelerator._models.remove(model)


def check_ranks_agree(trainer) -> None:
    """Several processes: the ranks must end with the same trained weights (DDP keeps them equal); a run
    where they did not sync fails here, before rank 0 saves its own, instead of saving half a training."""
    if distributed.world_size() <= 1:
        return
    import torch

    parameters = [p for p in trainer.model.parameters() if p.requires_grad]
    if not distributed.same_on_every_rank(sum(float(p.detach().sum(dtype=torch.float64)) for p in parameters)):
        raise RuntimeError("the processes ended with different weights: their gradients were not synchronised")


def final_evaluation(trainer, callback: ProtocolCallback) -> dict[str, float]:
    """trainer.evaluate() on the test split; the eval_ prefix is dropped in the result."""
    if trainer.eval_dataset is None:
        return {}
    protocol.emit("phase", phase="evaluating")
    values = trainer.evaluate()
    return {k.removeprefix("eval_"): v for k, v in protocol.finite_numbers(values).items() if k != "epoch" and not k.endswith(("_runtime", "_per_second"))}


def save(trainer, job, tokenizer=None) -> None:
    """Every rank calls it (the Trainer gathers the weights where it must); rank 0 alone writes."""
    check_ranks_agree(trainer)
    protocol.emit("phase", phase="saving")
    trainer.save_model(str(job.model_dir))
    if tokenizer is not None and distributed.is_main():
        tokenizer.save_pretrained(str(job.model_dir))
    protocol.emit("artifact", kind="model", path="model")


def train_evaluate_save(trainer, job, tokenizer, evaluate_before: bool = False) -> Result:
    """The whole run of a runner with nothing of its own after training (TRL's SFT, reward, DPO)."""
    callback = attach(trainer, job)
    if not run(trainer, job, callback, evaluate_before):
        return Result("cancelled", callback.last_step)
    metrics = final_evaluation(trainer, callback)
    if metrics:
        protocol.metrics(callback.last_step, metrics, "eval")
    save(trainer, job, tokenizer)
    return Result("succeeded", callback.last_step, metrics, job.model_dir)
