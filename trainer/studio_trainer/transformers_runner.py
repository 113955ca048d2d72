"""transformers sequence classification, single- and multi-label (PEFT LoRA reuses it with a wrapped model).

Rows: {"id", "text", "label"}; multi-label rows also hold `binarized_label` (0/1 over all labels), which
becomes the float `labels` the BCE loss needs.
"""

from __future__ import annotations

from typing import Callable

from . import protocol, trainer_loop
from .data import is_multi_label, label_names, load_splits, multi_hot, require_columns
from .evaluation import classification_metrics
from .result import Result
from .transformers_config import ClassificationConfig, parse


def parse_config(job) -> ClassificationConfig:
    return parse(job.config, job.task)


def load_tokenizer(path: str):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def train(job, config: ClassificationConfig, device, wrap_model: Callable | None = None) -> Result:
    import numpy as np
    import torch
    from datasets import Dataset
    from transformers import AutoModelForSequenceClassification, DataCollatorWithPadding, Trainer, TrainingArguments

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    require_columns(train_rows, ("text", "label"), "train")
    require_columns(test_rows, ("text", "label"), "test")
    multi_label = is_multi_label(job, train_rows)
    names = label_names(job, train_rows, multi_label)
    tokenizer = load_tokenizer(job.model)
    model = AutoModelForSequenceClassification.from_pretrained(
        job.model,
        num_labels=len(names),
        id2label=dict(enumerate(names)),
        label2id={name: i for i, name in enumerate(names)},
        problem_type="multi_label_classification" if multi_label else "single_label_classification",
        dtype=torch.float32,
    )
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if wrap_model is not None:
        model = wrap_model(model)

    def encode(rows):
        labels = [multi_hot(r, len(names)) if multi_label else int(r["label"]) for r in rows]
        encoded = tokenizer([r["text"] for r in rows], truncation=True, max_length=config.max_length)
        return Dataset.from_dict({**encoded, "labels": labels})

    train_set = encode(train_rows)
    test_set = encode(test_rows) if test_rows else None
    args = TrainingArguments(**config.training_arguments(job, device, own_keys=frozenset()))
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        eval_dataset=test_set,
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    callback = trainer_loop.attach(trainer, job)
    if not trainer_loop.run(trainer, job, callback, config.evaluate_before_training):
        return Result("cancelled", callback.last_step)

    metrics: dict[str, float] = {}
    if test_set is not None:
        metrics = trainer_loop.final_evaluation(trainer, callback)
        logits = trainer.predict(test_set).predictions
        if multi_label:
            predicted = (1 / (1 + np.exp(-logits)) > config.threshold).astype(int)
            truth = [[int(v) for v in multi_hot(r, len(names))] for r in test_rows]
        else:
            predicted = logits.argmax(-1)
            truth = [int(r["label"]) for r in test_rows]
        metrics.update(classification_metrics(truth, predicted, multi_label))
        protocol.metrics(callback.last_step, metrics, "eval")
    trainer_loop.save(trainer, job, tokenizer)
    return Result("succeeded", callback.last_step, metrics, job.model_dir)
