"""Prepared rows (the shapes `studio prepare` writes) built from the repository's shipped samples.

The unification here is the simplest one (majority of submitted answers, ties dropped): the point is the
row shape and realistic text, not the studio's unification, which its own TypeScript tests cover.
"""

from __future__ import annotations

import collections
import json
import random
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def records(name: str) -> list[dict[str, Any]]:
    path = SAMPLES / name / "data" / "train.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def submitted(record: dict[str, Any], question: str) -> list[Any]:
    return [answer["value"] for answer in record.get(question) or [] if answer["status"] == "submitted"]


def majority(values: list[Any]) -> Any:
    counts = collections.Counter(json.dumps(v, sort_keys=True) for v in values).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    return json.loads(counts[0][0])


def split(rows: list[dict[str, Any]], test_size: float, seed: int = 42) -> tuple[list, list]:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    n_test = max(1, int(round(len(rows) * test_size)))
    return rows[n_test:], rows[:n_test]


def write_prepared(folder: Path, train: list, test: list, meta: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train", train), ("test", test)):
        if rows:
            (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    if meta is not None:
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def sentiment_classification(labels: tuple[str, ...] = ("negative", "positive")) -> tuple[list, list, dict]:
    """sentiment-reviews → {text, label id}; labels outside `labels` are left out."""
    rows = []
    for record in records("sentiment-reviews"):
        label = majority(submitted(record, "sentiment"))
        if label in labels:
            rows.append({"text": record["text"], "label": labels.index(label)})
    train, test = split(rows, 0.25)
    meta = {"id2label": {str(i): name for i, name in enumerate(labels)}, "label2id": {n: i for i, n in enumerate(labels)}, "multiLabel": False}
    return train, test, meta


def support_topics_multilabel() -> tuple[list, list, dict]:
    """support-topics → {text, label: [ids], binarized_label} (multi-label)."""
    found = []
    for record in records("support-topics"):
        topics = majority(submitted(record, "topics"))
        if topics:
            found.append((f"{record['subject']}\n\n{record['message']}", sorted(topics)))
    names = sorted({t for _, ts in found for t in ts})
    rows = [
        {"text": text, "label": [names.index(t) for t in ts], "binarized_label": [int(n in ts) for n in names]}
        for text, ts in found
    ]
    train, test = split(rows, 0.2)
    return train, test, {"id2label": {str(i): n for i, n in enumerate(names)}, "multiLabel": True}


def faq_qa() -> tuple[list, list]:
    rows = []
    for record in records("faq-qa"):
        answers = submitted(record, "answer")
        if not answers:
            continue
        answer = min(answers, key=len)
        start = record["context"].find(answer)
        if start >= 0:
            rows.append({"question": record["question"], "context": record["context"], "answers": {"text": [answer], "answer_start": [start]}})
    return split(rows, 0.2)


def sentence_pairs_scored() -> tuple[list, list]:
    """sentence-pairs → {"sentence-1", "sentence-2", "label": mean rating scaled to 0..1}."""
    rows = []
    for record in records("sentence-pairs"):
        ratings = submitted(record, "similarity")
        if ratings:
            rows.append({"sentence-1": record["sentence-1"], "sentence-2": record["sentence-2"], "label": (sum(ratings) / len(ratings) - 1) / 4})
    return split(rows, 0.25)


def instructions_sft_text() -> tuple[list, list]:
    rows = []
    for record in records("instructions-curated"):
        corrected = submitted(record, "corrected-response")
        response = corrected[0] if corrected else record["response"]
        rows.append({"id": record.get("external_id", ""), "text": f"### Instruction: {record['instruction']}\n### Response: {response}"})
    return split(rows, 0.2)


def instructions_sft_messages() -> tuple[list, list]:
    train, test = instructions_sft_text()

    def messages(row):
        instruction, response = row["text"].split("\n### Response: ", 1)
        return {"messages": [{"role": "user", "content": instruction.removeprefix("### Instruction: ")}, {"role": "assistant", "content": response}]}

    return [messages(r) for r in train], [messages(r) for r in test]


def preference_rows() -> tuple[list, list]:
    """response-preference → {prompt, chosen, rejected} from the majority ranking (rank 1 is better)."""
    rows = []
    for record in records("response-preference"):
        ranking = majority([json.dumps(v) for v in submitted(record, "preference")])
        if not ranking:
            continue
        ranking = json.loads(ranking)
        rank = dict(zip(ranking["value"], ranking["rank"]))
        if len(set(rank.values())) < 2:
            continue
        best = min(rank, key=rank.get)
        worst = max(rank, key=rank.get)
        rows.append({"prompt": record["prompt"], "chosen": record[best], "rejected": record[worst]})
    return split(rows, 0.2)


def instruction_queries() -> list[dict]:
    return [{"id": r.get("external_id", ""), "query": r["instruction"]} for r in records("instructions-curated")]


def all_texts() -> list[str]:
    """Every string in the shipped samples: the corpus the tests' tiny BPE tokenizer learns from."""
    texts: list[str] = []

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for folder in sorted(SAMPLES.iterdir()):
        if (folder / "data" / "train.jsonl").is_file():
            for record in records(folder.name):
                walk(record)
    return texts


def best_constant_subset_accuracy(test: list[dict]) -> float:
    """The subset accuracy of the best constant multi-label guess (predicting every label scores 0 here,
    though its micro-F1 is ~0.5 on support-topics, so F1 alone cannot show that a multi-label model learned)."""
    combos = collections.Counter(tuple(sorted(r["label"])) for r in test)
    return combos.most_common(1)[0][1] / len(test)
