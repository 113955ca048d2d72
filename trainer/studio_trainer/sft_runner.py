"""TRL supervised fine-tuning on {"text"} rows or conversational {"messages"} rows (chat_completion too).

The tokenizer of a {"messages"} job needs a chat template. Eval loss on the test split is the metric.
"""

from __future__ import annotations

from . import protocol, trainer_loop
from .data import load_splits
from .errors import InvalidDataError
from .result import Result
from .sft_config import SftConfig, parse
from .trl_common import load_tokenizer


def parse_config(job) -> SftConfig:
    return parse(job.config)


def shape_rows(rows: list[dict], config: SftConfig, split: str) -> list[dict]:
    """Keep the columns SFT reads; split texts at the response template when one is set."""
    if not rows:
        return rows
    if all("messages" in r for r in rows):
        for number, row in enumerate(rows, start=1):
            messages = row["messages"]
            if not isinstance(messages, list) or not all(isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str) for m in messages):
                raise InvalidDataError(f"{split}.jsonl row {number}: `messages` must be a list of {{role, content}}")
        return [{"messages": r["messages"]} for r in rows]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row.get("text"), str):
            raise InvalidDataError(f"{split}.jsonl row {number}: field `text` (a string) or `messages` is required")
    if config.response_template is None:
        return [{"text": r["text"]} for r in rows]
    template = config.response_template
    shaped = []
    for row in rows:
        at = row["text"].find(template)
        if at >= 0:
            cut = at + len(template)
            shaped.append({"prompt": row["text"][:cut], "completion": row["text"][cut:]})
    if not shaped:
        raise InvalidDataError(f"the response template appears in no row of {split}.jsonl")
    return shaped


def train(job, config: SftConfig, device, peft_config=None) -> Result:
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    train_rows = shape_rows(train_rows, config, "train")
    test_rows = shape_rows(test_rows, config, "test")
    tokenizer = load_tokenizer(job.model)
    if "messages" in train_rows[0] and tokenizer.chat_template is None:
        raise InvalidDataError("the rows are conversations (`messages`) but the model's tokenizer has no chat template")
    args = SFTConfig(**config.trl_arguments(job, device, SftConfig.OWN))
    trainer = SFTTrainer(
        model=job.model,
        args=args,
        train_dataset=Dataset.from_list(train_rows),
        eval_dataset=Dataset.from_list(test_rows) if test_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    return trainer_loop.train_evaluate_save(trainer, job, tokenizer, config.evaluate_before_training)
