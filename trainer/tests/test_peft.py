from tests import samples


def test_lora_classifier_learns_and_reloads_from_its_adapter(worker, tmp_path, minilm_path):
    train, test, meta = samples.sentiment_classification()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test, meta)
    config = {"learning_rate": 1e-2, "num_train_epochs": 3, "per_device_train_batch_size": 8, "max_length": 48, "r": 8, "lora_alpha": 16, "lora_dropout": 0.0}
    run = worker.run(
        {"job_id": "lora-cls", "framework": "peft", "task": "text_classification", "model": minilm_path,
         "prepared_dir": str(prepared), "output_dir": str(tmp_path / "out"), "config": config}
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.done["metrics"]["accuracy"] >= 0.75, run.done["metrics"]
    model_dir = run.output_dir / "model"
    assert (model_dir / "adapter_model.safetensors").is_file() and not (model_dir / "model.safetensors").exists()

    from studio_trainer.predict import load_predictor

    answer = load_predictor(str(model_dir), "peft", "text_classification").predict({"text": "Worth every penny, I love it."})
    assert answer["labels"][0]["label"] == "positive"


def test_lora_causal_lm_lowers_eval_loss_and_generates(worker, tmp_path, tiny_llama_dir):
    train, test = samples.instructions_sft_text()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test)
    config = {"learning_rate": 2e-2, "max_steps": 15, "per_device_train_batch_size": 4, "max_length": 128, "evaluate_before_training": True, "r": 4, "lora_alpha": 8, "lora_dropout": 0.0}
    run = worker.run(
        {"job_id": "lora-lm", "framework": "peft", "task": "sft", "model": str(tiny_llama_dir),
         "prepared_dir": str(prepared), "output_dir": str(tmp_path / "out"), "config": config}
    )
    assert run.returncode == 0, run.stderr[-3000:]
    losses = run.metric_series("loss", "eval")
    assert losses[-1] < losses[0], losses
    model_dir = run.output_dir / "model"
    assert (model_dir / "adapter_config.json").is_file()

    from studio_trainer.predict import load_predictor

    assert isinstance(load_predictor(str(model_dir), "peft", "sft").predict({"prompt": "### Instruction:", "max_new_tokens": 4})["text"], str)


def test_lora_settings_are_validated(worker, tmp_path):
    import pytest

    from studio_trainer.errors import InvalidConfigError
    from studio_trainer.peft_config import parse

    with pytest.raises(InvalidConfigError, match="config `bias` must be one of 'none', 'all', 'lora_only'"):
        parse({"bias": "some"}, "text_classification")
    with pytest.raises(InvalidConfigError, match="config `r` must be ≥ 1"):
        parse({"r": 0}, "supervised_fine_tuning")
    assert parse({"r": 16, "max_steps": 3}, "text_classification").lora_config("SEQ_CLS").r == 16
