from tests import samples


def test_extractive_qa_lowers_eval_loss_and_answers(worker, tmp_path, minilm_path):
    train, test = samples.faq_qa()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test)
    config = {"learning_rate": 2e-4, "num_train_epochs": 3, "per_device_train_batch_size": 8, "max_length": 96, "doc_stride": 32, "evaluate_before_training": True}
    run = worker.run(
        {
            "job_id": "qa",
            "framework": "transformers",
            "task": "question_answering",
            "model": minilm_path,
            "prepared_dir": str(prepared),
            "output_dir": str(tmp_path / "out"),
            "config": config,
        }
    )
    assert run.returncode == 0, run.stderr[-3000:]
    eval_losses = run.metric_series("loss", "eval")
    assert eval_losses[-1] < eval_losses[0] * 0.85, eval_losses
    metrics = run.done["metrics"]
    assert {"exact_match", "f1", "loss"} <= set(metrics)
    assert metrics["f1"] > 0, metrics

    from studio_trainer.predict import load_predictor

    predictor = load_predictor(str(run.output_dir / "model"), "transformers", "question_answering")
    row = train[0]
    answer = predictor.predict({"question": row["question"], "context": row["context"]})
    assert answer["answer"] == row["context"][answer["start"] : answer["end"]]
    assert answer["answer"]  # a non-empty span of the context
