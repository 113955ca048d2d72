"""sentence-transformers: a bi-encoder (loss chosen by the rows' shape) or a cross-encoder.

Rows: {"sentence-1", "sentence-2"[, "sentence-3"][, "label"]} as `studio prepare` writes them. A label is
a class id when meta.json has `id2label` (a label question), otherwise a score (a rating, a number).
Metrics on the test split: Spearman (scored pairs), accuracy (triplets, classes, 0/1 pairs), top-1
retrieval accuracy (unlabelled pairs).
"""

from __future__ import annotations

import json

from . import distributed, protocol, trainer_loop
from .data import load_splits
from .errors import InvalidDataError
from .result import Result
from .sentence_transformers_config import SentenceTransformersConfig, parse

COLUMNS = ("sentence-1", "sentence-2", "sentence-3")
MARKER = "studio_model.json"


def parse_config(job) -> SentenceTransformersConfig:
    return parse(job.config)


def describe(job, rows: list[dict], split: str) -> tuple[int, str | None]:
    """(number of texts, label kind: None | "score" | "binary" | "class") of a split; all rows must agree."""
    width = 3 if "sentence-3" in rows[0] else 2
    labelled = "label" in rows[0]
    for number, row in enumerate(rows, start=1):
        if any(not isinstance(row.get(c), str) for c in COLUMNS[:width]) or ("sentence-3" in row) != (width == 3):
            raise InvalidDataError(f"{split}.jsonl row {number}: expected the texts {', '.join(COLUMNS[:width])}")
        if ("label" in row) != labelled or (labelled and not isinstance(row["label"], (int, float))):
            raise InvalidDataError(f"{split}.jsonl row {number}: every row needs a numeric `label`, or none does")
    if not labelled:
        return width, None
    if job.meta().get("id2label"):
        values = {row["label"] for row in rows}
        return width, "binary" if values <= {0, 1} and len(job.meta()["id2label"]) == 2 else "class"
    return width, "score"


def train(job, config: SentenceTransformersConfig, device) -> Result:
    from datasets import Dataset

    protocol.emit("phase", phase="loading")
    train_rows, test_rows = load_splits(job)
    width, label_kind = describe(job, train_rows, "train")
    if test_rows and describe(job, test_rows, "test") != (width, label_kind):
        raise InvalidDataError("test.jsonl rows have another shape than train.jsonl rows")
    scale = _score_scale(train_rows) if label_kind == "score" and config.normalize_scores else (0.0, 1.0)

    def dataset(rows):
        data = {c: [r[c] for r in rows] for c in COLUMNS[:width]}
        if label_kind is not None:
            data["label"] = [(r["label"] - scale[0]) / scale[1] if label_kind == "score" else r["label"] for r in rows]
        return Dataset.from_dict(data)

    train_set = dataset(train_rows)
    test_set = dataset(test_rows) if test_rows else None
    if config.cross_encoder:
        return _train_cross_encoder(job, config, device, width, label_kind, train_set, test_set)
    return _train_bi_encoder(job, config, device, width, label_kind, train_set, test_set)


def _score_scale(rows: list[dict]) -> tuple[float, float]:
    low = min(r["label"] for r in rows)
    high = max(r["label"] for r in rows)
    if 0 <= low and high <= 1:
        return 0.0, 1.0
    return float(low), float(high - low) or 1.0


def _bi_encoder_loss(name: str, width: int, label_kind: str | None, model, num_classes: int):
    from sentence_transformers.sentence_transformer import losses

    if name == "auto":
        name = {None: "mnrl", "score": "cosent", "binary": "contrastive", "class": "softmax"}[label_kind] if width == 2 else "mnrl"
    needs = {"mnrl": None, "cosent": "score", "cosine_similarity": "score", "angle": "score", "contrastive": "binary", "softmax": "class"}[name]
    if width == 3 and name != "mnrl":
        raise InvalidDataError("triplets train with the `mnrl` loss only")
    if needs is not None and label_kind not in (needs, "binary" if needs == "score" else needs):
        raise InvalidDataError(f"the `{name}` loss needs {needs} labels; the rows have {label_kind or 'no labels'}")
    if name == "mnrl":
        return losses.MultipleNegativesRankingLoss(model), name
    if name == "cosent":
        return losses.CoSENTLoss(model), name
    if name == "cosine_similarity":
        return losses.CosineSimilarityLoss(model), name
    if name == "angle":
        return losses.AnglELoss(model), name
    if name == "contrastive":
        return losses.ContrastiveLoss(model), name
    return losses.SoftmaxLoss(model, sentence_embedding_dimension=model.get_embedding_dimension(), num_labels=num_classes), name


def _fit_eval_batch(args: dict, test_set) -> dict:
    """Several processes: sentence-transformers drops each rank's last incomplete batch, in evaluation
    too (`dataloader_drop_last`, which its trainer sets under DDP: its batch samplers need even batches
    across ranks, and evaluating the tail instead left one rank waiting in a gather). A test split smaller
    than the ranks × the eval batch gave no batch at all, so no eval loss (28 rows, 2 ranks, batch 32):
    the eval batch shrinks to the split's share of one rank, and fewer than ranks × batch rows are left out
    of the eval loss. The runner's own metrics (Spearman, accuracy) cover the whole split on every rank."""
    ranks = distributed.world_size()
    if ranks > 1 and test_set is not None:
        args["per_device_eval_batch_size"] = max(1, min(args["per_device_eval_batch_size"], len(test_set) // ranks))
    return args


def _train_bi_encoder(job, config, device, width, label_kind, train_set, test_set) -> Result:
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers

    model = SentenceTransformer(job.model, device=device.torch_device)
    if config.max_seq_length:
        model.max_seq_length = config.max_seq_length
    num_classes = len(job.meta().get("id2label") or {}) or 2
    loss, loss_name = _bi_encoder_loss(config.loss, width, label_kind, model, num_classes)
    args = _fit_eval_batch(config.training_arguments(job, device), test_set)
    if loss_name == "mnrl":
        args.setdefault("batch_sampler", BatchSamplers.NO_DUPLICATES)  # in-batch negatives must differ
    trainer = SentenceTransformerTrainer(
        model=model,
        args=SentenceTransformerTrainingArguments(**args),
        train_dataset=train_set,
        eval_dataset=test_set,
        loss=loss,
    )
    callback = trainer_loop.attach(trainer, job)
    if not trainer_loop.run(trainer, job, callback, config.evaluate_before_training):
        return Result("cancelled", callback.last_step)
    metrics: dict[str, float] = {}
    if test_set is not None:
        metrics = trainer_loop.final_evaluation(trainer, callback)
        metrics.update(_bi_encoder_metrics(model, width, label_kind, test_set))
        protocol.metrics(callback.last_step, metrics, "eval")
    trainer_loop.check_ranks_agree(trainer)
    protocol.emit("phase", phase="saving")
    if distributed.is_main():
        model.save_pretrained(str(job.model_dir))
        (job.model_dir / MARKER).write_text(json.dumps({"kind": "bi-encoder", "loss": loss_name}), encoding="utf-8")
    protocol.emit("artifact", kind="model", path="model")
    return Result("succeeded", callback.last_step, metrics, job.model_dir)


def _bi_encoder_metrics(model, width, label_kind, test_set) -> dict[str, float]:
    import numpy as np
    from scipy.stats import spearmanr

    first = model.encode(test_set["sentence-1"], normalize_embeddings=True, convert_to_numpy=True)
    second = model.encode(test_set["sentence-2"], normalize_embeddings=True, convert_to_numpy=True)
    if width == 3:
        third = model.encode(test_set["sentence-3"], normalize_embeddings=True, convert_to_numpy=True)
        return {"accuracy": float(np.mean((first * second).sum(1) > (first * third).sum(1)))}
    cosine = (first * second).sum(1)
    if label_kind == "score":
        return {"spearman_cosine": float(spearmanr(cosine, test_set["label"]).statistic)}
    if label_kind == "binary":
        labels = np.asarray(test_set["label"])
        best = max(float(np.mean((cosine > t) == labels)) for t in np.unique(cosine))
        return {"accuracy": best, "spearman_cosine": float(spearmanr(cosine, labels).statistic)}
    if label_kind is None:
        # top-1 retrieval among the split's second texts
        return {"accuracy": float(np.mean((first @ second.T).argmax(1) == np.arange(len(first))))}
    return {}


def _train_cross_encoder(job, config, device, width, label_kind, train_set, test_set) -> Result:
    from sentence_transformers.cross_encoder import CrossEncoder, CrossEncoderTrainer, CrossEncoderTrainingArguments, losses

    if width == 3:
        raise InvalidDataError("Cross-encoders don't support training with triplets, the dataset has `3` sentences per sample.")
    if label_kind is None:
        raise InvalidDataError("a cross-encoder trains on labelled pairs (a score or a class); these pairs have no label")
    classes = label_kind == "class"
    num_labels = len(job.meta()["id2label"]) if classes else 1
    model = CrossEncoder(job.model, num_labels=num_labels, device=device.torch_device, max_length=config.max_seq_length)
    loss = losses.CrossEntropyLoss(model) if classes else losses.BinaryCrossEntropyLoss(model)
    args = _fit_eval_batch(config.training_arguments(job, device), test_set)
    # DDP's search for unused parameters marks the head's ready twice in a cross-encoder's backward
    # (a RuntimeError at the first step); every parameter is used, so the search is not needed.
    args.setdefault("ddp_find_unused_parameters", False)
    trainer = CrossEncoderTrainer(
        model=model,
        args=CrossEncoderTrainingArguments(**args),
        train_dataset=train_set,
        eval_dataset=test_set,
        loss=loss,
    )
    callback = trainer_loop.attach(trainer, job)
    if not trainer_loop.run(trainer, job, callback, config.evaluate_before_training):
        return Result("cancelled", callback.last_step)
    metrics: dict[str, float] = {}
    if test_set is not None:
        import numpy as np
        from scipy.stats import spearmanr

        metrics = trainer_loop.final_evaluation(trainer, callback)
        pairs = list(zip(test_set["sentence-1"], test_set["sentence-2"]))
        scores = np.asarray(model.predict(pairs, convert_to_numpy=True))
        labels = np.asarray(test_set["label"])
        if classes:
            metrics["accuracy"] = float(np.mean(scores.argmax(-1) == labels))
        else:
            metrics["spearman"] = float(spearmanr(scores, labels).statistic)
            if label_kind == "binary":
                metrics["accuracy"] = float(np.mean((scores > 0.5) == labels))
        protocol.metrics(callback.last_step, metrics, "eval")
    trainer_loop.check_ranks_agree(trainer)
    protocol.emit("phase", phase="saving")
    if distributed.is_main():
        model.save_pretrained(str(job.model_dir))
        (job.model_dir / MARKER).write_text(json.dumps({"kind": "cross-encoder", "num_labels": num_labels}), encoding="utf-8")
    protocol.emit("artifact", kind="model", path="model")
    return Result("succeeded", callback.last_step, metrics, job.model_dir)
