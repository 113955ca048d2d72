"""transformers extractive question answering on SQuAD rows {"id", "question", "context", "answers": {"text", "answer_start"}}.

Long contexts are cut into overlapping windows (`max_length`, `doc_stride`); a window that does not hold
the whole answer is labelled with the CLS position. Metrics on the test split: eval loss, exact match, F1.
"""

from __future__ import annotations

from . import protocol, trainer_loop
from .data import load_splits, require_columns
from .errors import InvalidDataError
from .evaluation import squad_metrics
from .result import Result
from .transformers_config import QuestionAnsweringConfig, parse


def parse_config(job) -> QuestionAnsweringConfig:
    return parse(job.config, job.task)


def _check_rows(rows: list[dict], split: str) -> None:
    require_columns(rows, ("question", "context", "answers"), split)
    for number, row in enumerate(rows, start=1):
        answers = row["answers"]
        if not isinstance(answers, dict) or not answers.get("text") or len(answers.get("text", [])) != len(answers.get("answer_start", [])):
            raise InvalidDataError(f"{split}.jsonl row {number}: `answers` must hold `text` and `answer_start` lists of one length")


def encode(tokenizer, rows: list[dict], config: QuestionAnsweringConfig):
    """Tokenized windows with start/end token labels, plus each window's row index and context offsets."""
    encoded = tokenizer(
        [r["question"].strip() for r in rows],
        [r["context"] for r in rows],
        truncation="only_second",
        max_length=config.max_length,
        stride=config.doc_stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="max_length",
    )
    starts, ends, offsets_in_context = [], [], []
    for i, offsets in enumerate(encoded["offset_mapping"]):
        row = rows[encoded["overflow_to_sample_mapping"][i]]
        sequence_ids = encoded.sequence_ids(i)
        answer_start = row["answers"]["answer_start"][0]
        answer_end = answer_start + len(row["answers"]["text"][0])
        context_tokens = [k for k, s in enumerate(sequence_ids) if s == 1]
        first, last = context_tokens[0], context_tokens[-1]
        if offsets[first][0] > answer_start or offsets[last][1] < answer_end:
            starts.append(0)
            ends.append(0)
        else:
            start = first
            while start <= last and offsets[start][0] <= answer_start:
                start += 1
            end = last
            while end >= first and offsets[end][1] >= answer_end:
                end -= 1
            starts.append(start - 1)
            ends.append(end + 1)
        offsets_in_context.append([o if s == 1 else None for o, s in zip(offsets, sequence_ids)])
    windows = {
        key: encoded[key] for key in encoded.keys() if key not in ("offset_mapping", "overflow_to_sample_mapping")
    }
    windows["start_positions"] = starts
    windows["end_positions"] = ends
    return windows, list(encoded["overflow_to_sample_mapping"]), offsets_in_context


def best_span(start_logits, end_logits, offsets, sequence_ids=None, n_best: int = 20, max_answer_length: int = 30):
    """(start_char, end_char, score) of the best span inside the context, or None."""
    import numpy as np

    if sequence_ids is not None:
        offsets = [o if s == 1 else None for o, s in zip(offsets, sequence_ids)]
    start_order = np.argsort(start_logits)[-1 : -n_best - 1 : -1]
    end_order = np.argsort(end_logits)[-1 : -n_best - 1 : -1]
    best = None
    for s in start_order:
        for e in end_order:
            if offsets[s] is None or offsets[e] is None or e < s or e - s + 1 > max_answer_length:
                continue
            score = float(start_logits[s] + end_logits[e])
            if best is None or score > best[2]:
                best = (int(offsets[s][0]), int(offsets[e][1]), score)
    return best


def train(job, config: QuestionAnsweringConfig, device) -> Result:
    import torch
    from datasets import Dataset
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer, Trainer, TrainingArguments, default_data_collator

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    _check_rows(train_rows, "train")
    _check_rows(test_rows, "test")
    tokenizer = AutoTokenizer.from_pretrained(job.model)
    model = AutoModelForQuestionAnswering.from_pretrained(job.model, dtype=torch.float32)
    train_windows, _, _ = encode(tokenizer, train_rows, config)
    test_set = None
    if test_rows:
        test_windows, test_rows_of_window, test_offsets = encode(tokenizer, test_rows, config)
        test_set = Dataset.from_dict(test_windows)
    args = TrainingArguments(**config.training_arguments(job, device))
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_dict(train_windows),
        eval_dataset=test_set,
        processing_class=tokenizer,
        data_collator=default_data_collator,
    )
    callback = trainer_loop.attach(trainer, job)
    if not trainer_loop.run(trainer, job, callback, config.evaluate_before_training):
        return Result("cancelled", callback.last_step)

    metrics: dict[str, float] = {}
    if test_set is not None:
        metrics = trainer_loop.final_evaluation(trainer, callback)
        start_logits, end_logits = trainer.predict(test_set).predictions[:2]
        best: dict[int, tuple] = {}
        for window, row_index in enumerate(test_rows_of_window):
            span = best_span(start_logits[window], end_logits[window], test_offsets[window], None, config.n_best, config.max_answer_length)
            if span and (row_index not in best or span[2] > best[row_index][2]):
                best[row_index] = span
        predictions = [test_rows[i]["context"][best[i][0] : best[i][1]] if i in best else "" for i in range(len(test_rows))]
        metrics.update(squad_metrics(predictions, [r["answers"]["text"] for r in test_rows]))
        protocol.metrics(callback.last_step, metrics, "eval")
    trainer_loop.save(trainer, job, tokenizer)
    return Result("succeeded", callback.last_step, metrics, job.model_dir)
