"""spaCy textcat (exclusive labels) or textcat_multilabel, from a DocBin, on a blank or a given pipeline.

Rows: {"text", "cats": {label: 0/1, ...}} as `studio prepare` writes them for spacy. `model` is
`blank:<lang>` (e.g. `blank:en`) or the folder of a spaCy pipeline; a textcat component is added when
the pipeline has none. The DocBins are written to output_dir (train.spacy, dev.spacy) and the trained
pipeline to output_dir/model with a meta.json, so `spacy package output_dir/model DEST` packages it.
Checkpoints hold the pipeline only (spaCy keeps no optimizer state on disk): a resumed run continues the
step count from the checkpoint's weights with a fresh optimizer.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from . import cancel, protocol
from .checkpoints import last_checkpoint
from .data import load_splits, require_columns
from .errors import InvalidDataError
from .evaluation import classification_metrics
from .result import Result
from .spacy_config import SpacyConfig, parse


def parse_config(job) -> SpacyConfig:
    return parse(job.config)


def _docbin(nlp, rows, path: Path):
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=False)
    for row in rows:
        doc = nlp.make_doc(row["text"])
        doc.cats = {k: float(v) for k, v in row["cats"].items()}
        docs.add(doc)
    docs.to_disk(path)
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def _check(rows, split, labels=None):
    require_columns(rows, ("text", "cats"), split)
    for number, row in enumerate(rows, start=1):
        cats = row["cats"]
        if not isinstance(cats, dict) or not all(v in (0, 1) for v in cats.values()):
            raise InvalidDataError(f"{split}.jsonl row {number}: `cats` must map every label to 0 or 1")
        if labels is not None and set(cats) != set(labels):
            raise InvalidDataError(f"{split}.jsonl row {number}: `cats` must name the labels {', '.join(labels)}")


def _load_pipeline(job, resume: Path | None):
    import spacy

    if resume is not None:
        return spacy.load(resume / "pipeline"), True
    match = re.fullmatch(r"blank:([a-z]{2,3}|xx)", job.model)
    if match:
        return spacy.blank(match.group(1)), False
    if not Path(job.model).is_dir():
        raise InvalidDataError("`model` must be `blank:<lang>` or the folder of a spaCy pipeline")
    return spacy.load(job.model), False


def train(job, config: SpacyConfig, device) -> Result:
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    _check(train_rows, "train")
    labels = list(train_rows[0]["cats"])
    _check(train_rows, "train", labels)
    _check(test_rows, "test", labels)
    multi_label = job.multi_label if job.multi_label is not None else any(sum(r["cats"].values()) != 1 for r in train_rows)
    component = "textcat_multilabel" if multi_label else "textcat"
    fix_random_seed(job.seed)

    resume = last_checkpoint(job) if job.resume_from_checkpoint else None
    nlp, resumed = _load_pipeline(job, resume)
    start_step = int(resume.name.split("-")[1]) if resume else 0
    if component not in nlp.pipe_names:
        model = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": not multi_label, "ngram_size": 1, "no_output_layer": False, "length": 262144}
        nlp.add_pipe(component, config={"model": model} if config.architecture == "bow" else {})
    textcat = nlp.get_pipe(component)
    for label in labels:
        textcat.add_label(label)
    job.output_dir.mkdir(parents=True, exist_ok=True)
    train_docs = _docbin(nlp, train_rows, job.output_dir / "train.spacy")
    test_docs = _docbin(nlp, test_rows, job.output_dir / "dev.spacy") if test_rows else []
    train_examples = [Example(nlp.make_doc(d.text), d) for d in train_docs]
    test_examples = [Example(nlp.make_doc(d.text), d) for d in test_docs]
    other_pipes = [p for p in nlp.pipe_names if p != component]
    if resumed:
        optimizer = nlp.resume_training()
    else:
        optimizer = nlp.initialize(get_examples=lambda: train_examples)
    optimizer.learn_rate = config.learning_rate

    protocol.emit("phase", phase="training")
    batches_per_epoch = max(1, -(-len(train_examples) // config.batch_size))
    max_steps = config.max_steps if config.max_steps > 0 else config.max_epochs * batches_per_epoch
    if config.max_epochs > 0:
        max_steps = min(max_steps, config.max_epochs * batches_per_epoch)
    step = start_step
    best_score, best_step = -1.0, step
    rng = random.Random(job.seed)
    protocol.progress(step, max_steps, step / batches_per_epoch)
    status = "succeeded"
    with nlp.select_pipes(disable=other_pipes):
        while step < max_steps:
            examples = list(train_examples)
            rng.shuffle(examples)
            for batch in minibatch(examples, size=config.batch_size):
                losses: dict[str, float] = {}
                nlp.update(batch, sgd=optimizer, drop=config.dropout, losses=losses)
                step += 1
                protocol.progress(step, max_steps, step / batches_per_epoch)
                protocol.metrics(step, {"loss": losses.get(component, 0.0)}, "train")
                if test_examples and step % config.eval_frequency == 0:
                    score = nlp.evaluate(test_examples)["cats_score"]
                    protocol.metrics(step, {"cats_score": score}, "eval")
                    if score > best_score:
                        best_score, best_step = score, step
                if cancel.requested():
                    status = "cancelled"
                    break
                if step % config.save_steps == 0:
                    _save_checkpoint(nlp, job, step)
                if step >= max_steps or (test_examples and step - best_step >= config.patience):
                    break
            if status == "cancelled" or step >= max_steps or (test_examples and step - best_step >= config.patience):
                break
    if status == "cancelled":
        _save_checkpoint(nlp, job, step)
        return Result("cancelled", step)

    metrics: dict[str, float] = {}
    if test_examples:
        protocol.emit("phase", phase="evaluating")
        scores = nlp.evaluate(test_examples)
        predicted, truth = [], []
        for doc, example in zip(nlp.pipe([e.reference.text for e in test_examples]), test_examples):
            if multi_label:
                predicted.append([int(doc.cats[label] > config.threshold) for label in labels])
                truth.append([int(example.reference.cats[label]) for label in labels])
            else:
                predicted.append(max(labels, key=lambda label: doc.cats[label]))
                truth.append(max(labels, key=lambda label: example.reference.cats[label]))
        metrics = classification_metrics(truth, predicted, multi_label)
        metrics["cats_score"] = float(scores["cats_score"])
        protocol.metrics(step, metrics, "eval")
    protocol.emit("phase", phase="saving")
    nlp.meta.update(name=_package_name(job.job_id), version="0.1.0", description=f"Feedback Studio {component} (job {job.job_id})")
    nlp.to_disk(job.model_dir)
    protocol.emit("artifact", kind="model", path="model")
    return Result("succeeded", step, metrics, job.model_dir)


def _package_name(job_id: str) -> str:
    """`spacy package` needs a name of letters, digits and underscores."""
    return "studio_" + (re.sub(r"[^A-Za-z0-9_]", "_", job_id).lower() or "model")


def _save_checkpoint(nlp, job, step: int) -> None:
    folder = job.checkpoints_dir / f"checkpoint-{step}"
    nlp.to_disk(folder / "pipeline")
    (folder / "state.json").write_text(json.dumps({"step": step}), encoding="utf-8")
    protocol.emit("checkpoint", step=step, path=f"checkpoints/checkpoint-{step}")
