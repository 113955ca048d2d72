from tests import samples


def test_setfit_learns_sentiment_and_predicts(worker, tmp_path, minilm_path):
    train, test, meta = samples.sentiment_classification()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test, meta)
    run = worker.run(
        {
            "job_id": "setfit-1",
            "framework": "setfit",
            "task": "text_classification",
            "model": minilm_path,
            "prepared_dir": str(prepared),
            "output_dir": str(tmp_path / "out"),
            "config": {"num_iterations": 2, "batch_size": 16, "logging_steps": 2},
            "seed": 42,
        }
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.events[0]["event"] == "started" and run.events[0]["device"] == "cpu"
    phases = [e["phase"] for e in run.of("phase")]
    assert phases[:3] == ["loading", "embedding", "head"]
    assert run.of("progress")[-1]["step"] > 0 and "rss_mb" in run.of("progress")[-1]
    done = run.done
    assert done["status"] == "succeeded" and done["model_dir"] == "model"
    assert done["metrics"]["accuracy"] >= 0.8
    assert run.metric_series("loss", "train"), "the embedding loss is reported without SetFit's prefix"

    from setfit import SetFitModel

    model = SetFitModel.from_pretrained(str(run.output_dir / "model"), local_files_only=True)
    predicted = model.predict(["Worth every penny, I love it.", "It broke after two days. Avoid."])
    assert list(predicted) == ["positive", "negative"]


def test_setfit_multi_label_one_vs_rest(worker, tmp_path, minilm_path):
    train, test, meta = samples.support_topics_multilabel()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test, meta)
    run = worker.run(
        {
            "job_id": "setfit-ml",
            "framework": "setfit",
            "task": "text_classification",
            "model": minilm_path,
            "prepared_dir": str(prepared),
            "output_dir": str(tmp_path / "out"),
            "config": {"num_iterations": 2, "batch_size": 16, "multi_target_strategy": "one-vs-rest"},
        }
    )
    assert run.returncode == 0, run.stderr[-3000:]
    metrics = run.done["metrics"]
    assert metrics["accuracy"] >= samples.best_constant_subset_accuracy(test) + 0.15, metrics

    from studio_trainer.predict import load_predictor

    labels = load_predictor(str(run.output_dir / "model"), "setfit", "text_classification").predict({"text": train[0]["text"]})["labels"]
    assert {item["label"] for item in labels} == set(meta["id2label"].values())
    assert all(0 <= item["score"] <= 1 for item in labels)
