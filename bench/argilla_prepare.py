"""Argilla 1.29's prepare_for_training on the same exports, for the side-by-side ratio.

Builds a local FeedbackDataset from the export (not timed), then times prepare_for_training.
Prints one JSON line: {"records": N, "seconds": S}.
    python bench/argilla_prepare.py classification|dolly EXPORT_DIR
"""
import json
import sys
import time

import argilla as rg
from argilla.feedback import TrainingTask
import yaml


def load(export_dir):
    config = yaml.safe_load(open(f"{export_dir}/argilla.yaml"))
    fields = [rg.TextField(name=f["name"], required=f["required"]) for f in config["fields"]]
    questions = []
    for q in config["questions"]:
        if q["type"] == "label_selection":
            questions.append(rg.LabelQuestion(name=q["name"], labels=q["labels"]))
        elif q["type"] == "rating":
            questions.append(rg.RatingQuestion(name=q["name"], values=q["values"]))
        elif q["type"] == "text":
            questions.append(rg.TextQuestion(name=q["name"], required=False))
    dataset = rg.FeedbackDataset(fields=fields, questions=questions)
    names = [q.name for q in questions]
    records = []
    with open(f"{export_dir}/data/train.jsonl") as f:
        for line in f:
            row = json.loads(line)
            by_user = {}
            for name in names:
                for r in row[name]:
                    entry = by_user.setdefault(r["user_id"], {"user_id": r["user_id"], "status": r["status"], "values": {}})
                    entry["values"][name] = {"value": r["value"]}
            records.append(rg.FeedbackRecord(fields={f.name: row[f.name] for f in fields if row.get(f.name) is not None}, responses=list(by_user.values())))
    dataset.add_records(records)
    return dataset


def sft_formatting_func(sample):
    corrected = [r["value"] for r in sample["corrected-response"] if r["status"] == "submitted"]
    response = corrected[0] if corrected else sample["response"]
    if sample.get("context"):
        return f"### Instruction: {sample['instruction']}\n### Context: {sample['context']}\n### Response: {response}"
    return f"### Instruction: {sample['instruction']}\n### Response: {response}"


def main():
    kind, export_dir = sys.argv[1], sys.argv[2]
    dataset = load(export_dir)
    if kind == "classification":
        task = TrainingTask.for_text_classification(
            text=dataset.field_by_name("text"), label=dataset.question_by_name("label"), label_strategy="majority"
        )
        framework = "transformers"
    else:
        task = TrainingTask.for_supervised_fine_tuning(formatting_func=sft_formatting_func)
        framework = "trl"
    started = time.perf_counter()
    dataset.prepare_for_training(framework=framework, task=task)
    print(json.dumps({"records": len(dataset.records), "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
