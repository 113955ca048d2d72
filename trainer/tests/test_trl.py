from tests import samples


def trl_job(tmp_path, task, model, train, test, config, job_id):
    prepared = samples.write_prepared(tmp_path / "prepared", train, test)
    return {
        "job_id": job_id,
        "framework": "trl",
        "task": task,
        "model": str(model),
        "prepared_dir": str(prepared),
        "output_dir": str(tmp_path / "out"),
        "config": config,
        "seed": 0,
    }


def generate(model_dir, task, request):
    from studio_trainer.predict import load_predictor

    return load_predictor(str(model_dir), "trl", task).predict(request)


def test_sft_on_text_rows_lowers_eval_loss(worker, tmp_path, tiny_llama_dir):
    train, test = samples.instructions_sft_text()
    config = {"learning_rate": 5e-3, "max_steps": 20, "per_device_train_batch_size": 4, "max_length": 128, "evaluate_before_training": True}
    run = worker.run(trl_job(tmp_path, "sft", tiny_llama_dir, train, test, config, "sft-text"))
    assert run.returncode == 0, run.stderr[-3000:]
    eval_losses = run.metric_series("loss", "eval")
    assert eval_losses[0] > eval_losses[-1], eval_losses  # step 0 (before training) vs the final evaluation
    assert run.done["metrics"]["loss"] == eval_losses[-1]
    answer = generate(run.output_dir / "model", "supervised_fine_tuning", {"prompt": "### Instruction: How do I", "max_new_tokens": 8})
    assert isinstance(answer["text"], str) and answer["text"]


def test_sft_on_messages_rows_trains_and_chats(worker, tmp_path, tiny_llama_dir):
    train, test = samples.instructions_sft_messages()
    config = {"learning_rate": 5e-3, "max_steps": 10, "per_device_train_batch_size": 4, "max_length": 128, "evaluate_before_training": True}
    run = worker.run(trl_job(tmp_path, "chat_completion", tiny_llama_dir, train, test, config, "sft-chat"))
    assert run.returncode == 0, run.stderr[-3000:]
    eval_losses = run.metric_series("loss", "eval")
    assert eval_losses[0] > eval_losses[-1], eval_losses
    answer = generate(run.output_dir / "model", "chat_completion", {"messages": [{"role": "user", "content": "Hi"}], "max_new_tokens": 5, "temperature": 0.7})
    assert isinstance(answer["text"], str)


def test_sft_response_template_that_no_row_holds_is_refused(worker, tmp_path, tiny_llama_dir):
    train, test = samples.instructions_sft_text()
    run = worker.run(trl_job(tmp_path, "sft", tiny_llama_dir, train, test, {"response_template": "<|assistant|>", "max_steps": 2}, "sft-bad"))
    assert run.returncode == 2
    error = run.events[-1]
    assert error["event"] == "error" and error["kind"] == "invalid_data"
    assert error["message"] == "the response template appears in no row of train.jsonl"


def test_reward_model_accuracy_rises_above_chance(worker, tmp_path, tiny_llama_dir):
    train, test = samples.preference_rows()
    rows = lambda rs: [{"chosen": f"{r['prompt']}\n{r['chosen']}", "rejected": f"{r['prompt']}\n{r['rejected']}"} for r in rs]
    config = {"learning_rate": 3e-3, "max_steps": 30, "per_device_train_batch_size": 8, "max_length": 256, "evaluate_before_training": True}
    run = worker.run(trl_job(tmp_path, "reward_modeling", tiny_llama_dir, rows(train), rows(test), config, "rm"))
    assert run.returncode == 0, run.stderr[-3000:]
    train_accuracy = run.metric_series("accuracy", "train")
    assert sum(train_accuracy[-5:]) / 5 > sum(train_accuracy[:5]) / 5, train_accuracy
    assert run.done["metrics"]["accuracy"] > 0.5, run.done["metrics"]
    scores = generate(run.output_dir / "model", "reward_modeling", {"texts": [rows(test)[0]["chosen"], rows(test)[0]["rejected"]]})["scores"]
    assert len(scores) == 2


def test_dpo_reward_margins_become_positive(worker, tmp_path, tiny_llama_dir):
    train, test = samples.preference_rows()
    config = {"learning_rate": 5e-3, "max_steps": 12, "per_device_train_batch_size": 4, "max_length": 256, "beta": 0.1}
    run = worker.run(trl_job(tmp_path, "dpo", tiny_llama_dir, train, test, config, "dpo"))
    assert run.returncode == 0, run.stderr[-3000:]
    margins = run.metric_series("rewards/margins", "train")
    assert margins[-1] > 0, margins
    assert run.done["metrics"]["rewards/margins"] > 0, run.done["metrics"]
    assert "loss" in run.done["metrics"]
    answer = generate(run.output_dir / "model", "dpo", {"prompt": "How do I", "max_new_tokens": 4})
    assert isinstance(answer["text"], str)
