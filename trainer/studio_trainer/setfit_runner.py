"""SetFit text classification (single- and multi-label) on a Sentence Transformers body.

Rows: {"text", "label"} with label an id (single) or an id list plus `binarized_label` (multi-label).
Two phases: contrastive fine-tuning of the body (a transformers Trainer inside; progress and cancel work
per step) and the head (scikit-learn, one `phase` event). Resume: the body phase has no resumable
checkpoints in SetFit 1.2, so `resume_from_checkpoint` restarts the run (the README says so).
"""

from __future__ import annotations

from . import cancel, protocol
from .callbacks import ProtocolCallback
from .data import is_multi_label, label_names, load_splits, multi_hot, require_columns
from .evaluation import classification_metrics
from .result import Result
from .setfit_config import SetFitConfig, parse


def parse_config(job) -> SetFitConfig:
    return parse(job.config)


def resumes(_config) -> bool:
    """SetFit 1.2 cannot resume its body phase from a checkpoint: a resumed job starts again."""
    return False


def _targets(rows, multi_label: bool, width: int):
    return [[int(v) for v in multi_hot(row, width)] if multi_label else int(row["label"]) for row in rows]


def train(job, config: SetFitConfig, device) -> Result:
    from setfit import SetFitModel, Trainer, TrainingArguments

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    require_columns(train_rows, ("text", "label"), "train")
    require_columns(test_rows, ("text", "label"), "test")
    multi_label = is_multi_label(job, train_rows)
    labels = label_names(job, train_rows, multi_label)
    model = SetFitModel.from_pretrained(
        job.model,
        labels=labels,
        multi_target_strategy=config.multi_target_strategy if multi_label else None,
        use_differentiable_head=config.use_differentiable_head,
        head_params={"out_features": len(labels)} if config.use_differentiable_head else {},
        device=device.torch_device,
    )
    args = TrainingArguments(
        output_dir=str(job.checkpoints_dir),
        batch_size=(config.batch_size, config.head_batch_size),
        num_epochs=(config.num_epochs, config.head_num_epochs),
        max_steps=config.max_steps,
        sampling_strategy=config.sampling_strategy,
        num_iterations=config.num_iterations,
        body_learning_rate=(config.body_learning_rate, config.body_learning_rate / 2),
        head_learning_rate=config.head_learning_rate,
        warmup_proportion=config.warmup_proportion,
        margin=config.margin,
        samples_per_label=config.samples_per_label,
        max_length=config.max_length,
        use_amp=config.use_amp and device.kind == "cuda",
        show_progress_bar=False,
        seed=job.seed,
        report_to="none",
        logging_steps=config.logging_steps,
        save_strategy="steps",
        save_steps=config.save_steps,
        **config.extra,
    )
    callback = ProtocolCallback(job.output_dir, metric_prefix="embedding_")
    trainer = Trainer(model=model, args=args, callbacks=[callback])
    x_train = [row["text"] for row in train_rows]
    y_train = _targets(train_rows, multi_label, len(labels))

    protocol.emit("phase", phase="embedding")
    trainer.train_embeddings(x_train, y_train, args=args)
    if callback.cancelled or cancel.requested():
        return Result("cancelled", callback.last_step)
    protocol.emit("phase", phase="head")
    trainer.train_classifier(x_train, y_train, args=args)

    metrics: dict[str, float] = {}
    if test_rows:
        protocol.emit("phase", phase="evaluating")
        predicted = model.predict([row["text"] for row in test_rows], use_labels=False, as_numpy=True)
        metrics = classification_metrics(_targets(test_rows, multi_label, len(labels)), predicted, multi_label)
        protocol.metrics(callback.last_step, metrics, "eval")
    protocol.emit("phase", phase="saving")
    model.save_pretrained(str(job.model_dir))
    protocol.emit("artifact", kind="model", path="model")
    return Result("succeeded", callback.last_step, metrics, job.model_dir)
