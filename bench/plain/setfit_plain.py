"""The SetFit job of bench/training-overhead.ts as a plain script: setfit directly, no studio.

    python bench/plain/setfit_plain.py --prepared DIR --model MODEL --out DIR --config '{"num_iterations": 5}' --seed 42

Reads the prepared rows the studio's job trained on (train.jsonl, test.jsonl, meta.json), trains with the
same arguments the studio's runner gives setfit (its defaults, overridden by --config), evaluates accuracy on
the test split and saves the model: the work a person would write by hand for the same job.
"""

import argparse
import json
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--prepared", type=Path, required=True)
parser.add_argument("--model", required=True)
parser.add_argument("--out", type=Path, required=True)
parser.add_argument("--config", default="{}")
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()

from setfit import SetFitModel, Trainer, TrainingArguments  # noqa: E402

config = {"num_iterations": 20, "num_epochs": 1, "batch_size": 16, "body_learning_rate": 2e-5, "head_learning_rate": 1e-2, **json.loads(args.config)}
read = lambda name: [json.loads(line) for line in (args.prepared / name).read_text().splitlines() if line.strip()]
train, test = read("train.jsonl"), read("test.jsonl")
id2label = json.loads((args.prepared / "meta.json").read_text())["id2label"]
labels = [id2label[str(i)] for i in range(len(id2label))]

model = SetFitModel.from_pretrained(args.model, labels=labels)
training_args = TrainingArguments(
    output_dir=str(args.out / "checkpoints"),
    batch_size=(config["batch_size"], 2),
    num_epochs=(config["num_epochs"], 16),
    num_iterations=config["num_iterations"],
    body_learning_rate=(config["body_learning_rate"], config["body_learning_rate"] / 2),
    head_learning_rate=config["head_learning_rate"],
    warmup_proportion=0.1,
    margin=0.25,
    samples_per_label=2,
    show_progress_bar=False,
    seed=args.seed,
    report_to="none",
    logging_steps=10,
    save_strategy="steps",
    save_steps=500,
)
trainer = Trainer(model=model, args=training_args)
x_train, y_train = [r["text"] for r in train], [r["label"] for r in train]
trainer.train_embeddings(x_train, y_train, args=training_args)
trainer.train_classifier(x_train, y_train, args=training_args)
predicted = model.predict([r["text"] for r in test], use_labels=False, as_numpy=True)
accuracy = sum(int(p) == r["label"] for p, r in zip(predicted, test)) / len(test)
model.save_pretrained(str(args.out / "model"))
print(json.dumps({"accuracy": accuracy}))
