import json

from tests import samples


def classification_job(tmp_path, model, train, test, meta, config, job_id="tc"):
    prepared = samples.write_prepared(tmp_path / "prepared", train, test, meta)
    return {
        "job_id": job_id,
        "framework": "transformers",
        "task": "text_classification",
        "model": model,
        "prepared_dir": str(prepared),
        "output_dir": str(tmp_path / "out"),
        "config": config,
        "seed": 42,
    }


def test_single_label_classifier_learns_and_predicts(worker, tmp_path, minilm_path):
    train, test, meta = samples.sentiment_classification()
    config = {"learning_rate": 1e-4, "num_train_epochs": 4, "per_device_train_batch_size": 8, "max_length": 64}
    run = worker.run(classification_job(tmp_path, minilm_path, train, test, meta, config))
    assert run.returncode == 0, run.stderr[-3000:]
    done = run.done
    assert done["status"] == "succeeded"
    assert done["metrics"]["accuracy"] >= 0.8, done["metrics"]
    assert "f1_macro" in done["metrics"] and "loss" in done["metrics"]
    losses = run.metric_series("loss", "train")
    assert losses[-1] < losses[0]

    from studio_trainer.predict import load_predictor

    predictor = load_predictor(str(run.output_dir / "model"), "transformers", "text_classification")
    answer = predictor.predict({"text": "Worth every penny, I love it."})
    assert answer["labels"][0]["label"] == "positive"
    assert abs(sum(item["score"] for item in answer["labels"]) - 1) < 1e-4


def test_multi_label_classifier_learns(worker, tmp_path, minilm_path):
    train, test, meta = samples.support_topics_multilabel()
    config = {"learning_rate": 3e-4, "num_train_epochs": 6, "per_device_train_batch_size": 8, "max_length": 96}
    run = worker.run(classification_job(tmp_path, minilm_path, train, test, meta, config, "ml"))
    assert run.returncode == 0, run.stderr[-3000:]
    metrics = run.done["metrics"]
    assert metrics["accuracy"] >= samples.best_constant_subset_accuracy(test) + 0.15, metrics

    from studio_trainer.predict import load_predictor

    predictor = load_predictor(str(run.output_dir / "model"), "transformers", "text_classification")
    answer = predictor.predict({"text": train[0]["text"]})
    assert {item["label"] for item in answer["labels"] if item["score"] > 0.5} == {meta["id2label"][str(i)] for i in train[0]["label"]}


def test_cancel_then_resume_continues_the_step_count(worker, tmp_path, minilm_path):
    train, test, meta = samples.sentiment_classification()
    config = {"learning_rate": 1e-4, "max_steps": 12, "per_device_train_batch_size": 4, "max_length": 32, "save_steps": 100}
    job = classification_job(tmp_path, minilm_path, train, test, meta, config, "cancel-resume")
    first = worker.run(job, cancel_at_step=3)
    assert first.returncode == 0, first.stderr[-3000:]
    done = first.done
    assert done["status"] == "cancelled" and done["model_dir"] is None
    stopped_at = done["step"]
    assert 3 <= stopped_at < 12
    assert first.of("checkpoint")[-1] == {**first.of("checkpoint")[-1], "step": stopped_at, "path": f"checkpoints/checkpoint-{stopped_at}"}
    assert not (first.output_dir / "model").exists()

    second = worker.run({**job, "resume_from_checkpoint": True})
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.events[0]["resumed_from"] == f"checkpoint-{stopped_at}"
    steps = [e["step"] for e in second.of("progress")]
    assert steps[0] == stopped_at and steps[-1] == 12
    assert second.done["status"] == "succeeded" and second.done["step"] == 12
    # the Trainer restored the scheduler: the learning rate continues to decay, it does not restart at the peak
    first_lr = first.metric_series("learning_rate", "train")
    second_lr = second.metric_series("learning_rate", "train")
    assert second_lr[0] < first_lr[0]
