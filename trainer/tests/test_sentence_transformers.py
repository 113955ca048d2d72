import random

import pytest

from tests import samples


def st_job(tmp_path, model, train, test, config, meta=None, job_id="st"):
    prepared = samples.write_prepared(tmp_path / "prepared", train, test, meta)
    return {
        "job_id": job_id,
        "framework": "sentence-transformers",
        "task": "sentence_similarity",
        "model": model,
        "prepared_dir": str(prepared),
        "output_dir": str(tmp_path / "out"),
        "config": config,
    }


def pair_scores(model_dir, pairs):
    from studio_trainer.predict import load_predictor

    return load_predictor(str(model_dir), "sentence-transformers", "sentence_similarity").predict({"pairs": pairs})["scores"]


def test_bi_encoder_on_scored_pairs_correlates(worker, tmp_path, minilm_path):
    train, test = samples.sentence_pairs_scored()
    # ratings as the studio writes them (1–5); the runner scales them for its loss
    rating = lambda rows: [{**r, "label": r["label"] * 4 + 1} for r in rows]
    run = worker.run(st_job(tmp_path, minilm_path, rating(train), rating(test), {"max_steps": 6, "per_device_train_batch_size": 16}))
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.done["metrics"]["spearman_cosine"] > 0.3, run.done["metrics"]
    row = test[0]
    [score] = pair_scores(run.output_dir / "model", [[row["sentence-1"], row["sentence-2"]]])
    assert -1 <= score <= 1


def test_bi_encoder_on_triplets_uses_mnrl_and_predicts(worker, tmp_path, minilm_path):
    pairs, _ = samples.sentence_pairs_scored()
    similar = [r for r in pairs if r["label"] >= 0.75]
    rng = random.Random(0)
    rows = [{"sentence-1": r["sentence-1"], "sentence-2": r["sentence-2"], "sentence-3": rng.choice(pairs)["sentence-2"]} for r in similar]
    rows = [r for r in rows if r["sentence-3"] != r["sentence-2"]]
    run = worker.run(st_job(tmp_path, minilm_path, rows[:-8], rows[-8:], {"max_steps": 3, "per_device_train_batch_size": 8}, job_id="triplets"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.done["metrics"]["accuracy"] >= 0.75, run.done["metrics"]
    assert '"mnrl"' in (run.output_dir / "model" / "studio_model.json").read_text()


def test_cross_encoder_on_scored_pairs_correlates(worker, tmp_path, minilm_path):
    train, test = samples.sentence_pairs_scored()
    config = {"cross_encoder": True, "num_train_epochs": 3, "per_device_train_batch_size": 16, "learning_rate": 1e-4}
    run = worker.run(st_job(tmp_path, minilm_path, train, test, config, job_id="cross"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.done["metrics"]["spearman"] > 0.2, run.done["metrics"]  # a fresh head: random scores give ~0
    scores = pair_scores(run.output_dir / "model", [[test[0]["sentence-1"], test[0]["sentence-2"]]])
    assert 0 <= scores[0] <= 1


def test_cross_encoder_refuses_triplets(worker, tmp_path, minilm_path):
    rows = [{"sentence-1": "a", "sentence-2": "b", "sentence-3": "c"}] * 4
    run = worker.run(st_job(tmp_path, minilm_path, rows, [], {"cross_encoder": True, "max_steps": 1}, job_id="bad"))
    assert run.returncode == 2
    assert run.events[-1]["message"] == "Cross-encoders don't support training with triplets, the dataset has `3` sentences per sample."
