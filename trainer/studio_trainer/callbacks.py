"""The transformers TrainerCallback that turns a Trainer's life into protocol events and honours SIGTERM."""

from __future__ import annotations

from pathlib import Path

from transformers import TrainerCallback

from . import cancel, distributed, protocol


class ProtocolCallback(TrainerCallback):
    """progress at each step end, metrics at each log, checkpoint at each save; stops (and saves) on SIGTERM.

    `metric_prefix` strips a trainer-specific prefix (SetFit logs `embedding_loss`); `output_dir` makes
    checkpoint paths relative to the job's output folder.
    """

    def __init__(self, output_dir: Path, metric_prefix: str = "") -> None:
        self.output_dir = Path(output_dir)
        self.metric_prefix = metric_prefix
        self.cancelled = False
        self.last_step = 0

    def on_train_begin(self, args, state, control, **kwargs):
        self.last_step = state.global_step
        protocol.progress(state.global_step, state.max_steps, state.epoch)

    def on_step_end(self, args, state, control, **kwargs):
        self.last_step = state.global_step
        protocol.progress(state.global_step, state.max_steps, state.epoch)
        if distributed.any_rank(cancel.requested()) and not self.cancelled:
            self.cancelled = True
            control.should_training_stop = True
            control.should_save = True  # the Trainer saves a full checkpoint (optimizer, scheduler, RNG, step)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs:
            return
        train: dict = {}
        evaluation: dict = {}
        for key, value in logs.items():
            if key.startswith("eval_"):
                evaluation[key[len("eval_") :]] = value
            else:
                name = key[len(self.metric_prefix) :] if self.metric_prefix and key.startswith(self.metric_prefix) else key
                train[name] = value
        train.pop("epoch", None)
        protocol.metrics(state.global_step, train, "train")
        protocol.metrics(state.global_step, evaluation, "eval")

    def on_save(self, args, state, control, **kwargs):
        checkpoint = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        try:
            path = checkpoint.resolve().relative_to(self.output_dir.resolve())
        except ValueError:
            path = Path(checkpoint.name)
        protocol.emit("checkpoint", step=int(state.global_step), path=path.as_posix())
