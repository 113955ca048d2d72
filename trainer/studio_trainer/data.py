"""Reading the prepared split files (`studio prepare` output: train.jsonl, test.jsonl, meta.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import InvalidDataError
from .job import Job


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise InvalidDataError(f"{path.name} line {number}: not JSON ({error.msg})") from None
            if not isinstance(row, dict):
                raise InvalidDataError(f"{path.name} line {number}: a row must be a JSON object")
            rows.append(row)
    return rows


def load_splits(job: Job) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, test); test is [] when the prepare made no split."""
    train = read_jsonl(job.split_path("train"))
    if not train:
        raise InvalidDataError("train.jsonl has no rows")
    test_path = job.split_path("test")
    test = read_jsonl(test_path) if test_path.is_file() else []
    return train, test


def require_columns(rows: list[dict[str, Any]], columns: tuple[str, ...], split: str) -> None:
    for number, row in enumerate(rows, start=1):
        for column in columns:
            if column not in row:
                raise InvalidDataError(f"{split}.jsonl row {number}: field `{column}` is missing (expected {', '.join(columns)})")


def label_names(job: Job, rows: list[dict[str, Any]], multi_label: bool) -> list[str]:
    """Label names in id order: meta.json's id2label, or the ids found in the rows as strings."""
    id2label = job.meta().get("id2label")
    if isinstance(id2label, dict) and id2label:
        return [str(id2label[key]) for key in sorted(id2label, key=int)]
    ids: set[int] = set()
    for row in rows:
        if multi_label and "binarized_label" in row:
            return [str(i) for i in range(len(row["binarized_label"]))]
        label = row.get("label")
        ids.update(label if isinstance(label, list) else [label])
    if not all(isinstance(i, int) for i in ids):
        raise InvalidDataError("labels must be integer ids (as `studio prepare` writes them)")
    return [str(i) for i in range(max(ids) + 1)]


def is_multi_label(job: Job, rows: list[dict[str, Any]]) -> bool:
    if job.multi_label is not None:
        return job.multi_label
    meta = job.meta()
    if "multiLabel" in meta:
        return bool(meta["multiLabel"])
    return any(isinstance(row.get("label"), list) for row in rows)


def multi_hot(row: dict[str, Any], width: int) -> list[float]:
    if "binarized_label" in row:
        return [float(v) for v in row["binarized_label"]]
    vector = [0.0] * width
    for i in row["label"]:
        vector[i] = 1.0
    return vector
