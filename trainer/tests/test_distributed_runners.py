"""Every Trainer-based runner with `num_processes: 2` (two CPU ranks on gloo): one `started`, one `done`,
each step reported once, a saved model that reloads and predicts, and the run learned.

Tiny on purpose (a few steps each); test_distributed.py covers TRL SFT, cancel, resume and the studio's
death with several processes. What "learned" means per runner is what its single-process test asserts
where a few steps reach it, else that eval loss fell from before training to the end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

import pytest

from tests import samples
from tests.test_distributed import TWO_PROCESSES
from tests.test_ppo import rl_job
from tests.test_sentence_transformers import pair_scores, st_job
from tests.test_transformers import classification_job
from tests.test_trl import generate, trl_job

#: Past this a run is killed and the test fails (a rank waiting on a collective the other never joins).
DEADLINE_S = 240


def predictor(run, framework: str, task: str):
    from studio_trainer.predict import load_predictor

    return load_predictor(str(run.output_dir / "model"), framework, task)


def eval_loss_fell(run) -> None:
    losses = run.metric_series("loss", "eval")
    assert len(losses) >= 2 and losses[-1] < losses[0], losses


@dataclass
class Case:
    """One runner's tiny two-process job and what its run must show."""

    make_job: Callable  # (tmp_path, fixtures) -> job
    check: Callable  # (run, job) -> None
    max_steps: int


def _sentiment(tmp_path, f, framework, config, job_id):
    train, test, meta = samples.sentiment_classification()
    job = classification_job(tmp_path, f["minilm_path"], train, test, meta, config, job_id)
    return {**job, "framework": framework}


def _check_sentiment(framework):
    def check(run, job):
        assert run.done["metrics"]["accuracy"] >= 0.8, run.done["metrics"]
        answer = predictor(run, framework, "text_classification").predict({"text": "Worth every penny, I love it."})
        assert answer["labels"][0]["label"] == "positive"

    return check


def _multi_label(tmp_path, f):
    train, test, meta = samples.support_topics_multilabel()
    config = {"learning_rate": 3e-4, "max_steps": 8, "per_device_train_batch_size": 8, "max_length": 96, "evaluate_before_training": True}
    return classification_job(tmp_path, f["minilm_path"], train, test, meta, config, "ml-2")


def _check_multi_label(run, job):
    eval_loss_fell(run)
    assert {"accuracy", "f1_micro", "f1_macro"} <= set(run.done["metrics"])
    labels = predictor(run, "transformers", "text_classification").predict({"text": "My invoice is wrong"})["labels"]
    assert len(labels) == len(samples.support_topics_multilabel()[2]["id2label"])  # one independent score per label


def _qa(tmp_path, f):
    train, test = samples.faq_qa()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test)
    config = {"learning_rate": 5e-4, "max_steps": 8, "per_device_train_batch_size": 8, "max_length": 96, "doc_stride": 32, "evaluate_before_training": True}
    return {"job_id": "qa-2", "framework": "transformers", "task": "question_answering", "model": f["minilm_path"], "prepared_dir": str(prepared), "output_dir": str(tmp_path / "out"), "config": config}


def _check_qa(run, job):
    eval_losses = run.metric_series("loss", "eval")
    assert eval_losses[-1] < eval_losses[0] * 0.85, eval_losses
    assert {"exact_match", "f1", "loss"} <= set(run.done["metrics"]) and run.done["metrics"]["f1"] > 0, run.done["metrics"]
    row = samples.faq_qa()[0][0]
    answer = predictor(run, "transformers", "question_answering").predict({"question": row["question"], "context": row["context"]})
    assert answer["answer"] and answer["answer"] == row["context"][answer["start"] : answer["end"]]


def _lora_sft(tmp_path, f):
    train, test = samples.instructions_sft_text()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test)
    config = {"learning_rate": 2e-2, "max_steps": 8, "per_device_train_batch_size": 4, "max_length": 96, "evaluate_before_training": True, "r": 4, "lora_alpha": 8, "lora_dropout": 0.0}
    return {"job_id": "lora-sft-2", "framework": "peft", "task": "sft", "model": str(f["tiny_llama_dir"]), "prepared_dir": str(prepared), "output_dir": str(tmp_path / "out"), "config": config}


def _check_lora_sft(run, job):
    eval_loss_fell(run)
    model = run.output_dir / "model"
    assert (model / "adapter_config.json").is_file() and not (model / "model.safetensors").exists()  # the adapter alone
    assert isinstance(predictor(run, "peft", "sft").predict({"prompt": "### Instruction:", "max_new_tokens": 4})["text"], str)


def _ratings(rows):
    return [{**r, "label": r["label"] * 4 + 1} for r in rows]  # 1–5, as the studio writes them


def _bi_encoder(tmp_path, f):
    train, test = samples.sentence_pairs_scored()
    return st_job(tmp_path, f["minilm_path"], _ratings(train), _ratings(test), {"max_steps": 6, "per_device_train_batch_size": 8}, job_id="bi-2")


def _check_bi_encoder(run, job):
    assert run.done["metrics"]["spearman_cosine"] > 0.3 and "loss" in run.done["metrics"], run.done["metrics"]  # an eval loss: the small split still fills a batch per rank
    [score] = pair_scores(run.output_dir / "model", [["A cat sits on the mat.", "A cat is on a mat."]])
    assert -1 <= score <= 1


def _triplets(tmp_path, f):
    pairs, _ = samples.sentence_pairs_scored()
    similar = [r for r in pairs if r["label"] >= 0.75]
    rng = random.Random(0)
    rows = [{"sentence-1": r["sentence-1"], "sentence-2": r["sentence-2"], "sentence-3": rng.choice(pairs)["sentence-2"]} for r in similar]
    rows = [r for r in rows if r["sentence-3"] != r["sentence-2"]]
    return st_job(tmp_path, f["minilm_path"], rows[:-8], rows[-8:], {"max_steps": 3, "per_device_train_batch_size": 4}, job_id="triplets-2")


def _check_triplets(run, job):
    assert run.done["metrics"]["accuracy"] >= 0.75 and "loss" in run.done["metrics"], run.done["metrics"]
    assert '"mnrl"' in (run.output_dir / "model" / "studio_model.json").read_text()


def _cross_encoder(tmp_path, f):
    train, test = samples.sentence_pairs_scored()
    config = {"cross_encoder": True, "max_steps": 8, "per_device_train_batch_size": 8, "learning_rate": 1e-4, "evaluate_before_training": True}
    return st_job(tmp_path, f["minilm_path"], train, test, config, job_id="cross-2")


def _check_cross_encoder(run, job):
    assert run.done["metrics"]["spearman"] > 0.2 and "loss" in run.done["metrics"], run.done["metrics"]
    [score] = pair_scores(run.output_dir / "model", [["A cat sits on the mat.", "A cat is on a mat."]])
    assert 0 <= score <= 1


def _preference_pairs(rows):
    return [{"chosen": f"{r['prompt']}\n{r['chosen']}", "rejected": f"{r['prompt']}\n{r['rejected']}"} for r in rows]


def _reward(tmp_path, f):
    train, test = samples.preference_rows()
    config = {"learning_rate": 3e-3, "max_steps": 8, "per_device_train_batch_size": 8, "max_length": 256, "evaluate_before_training": True}
    return trl_job(tmp_path, "reward_modeling", f["tiny_llama_dir"], _preference_pairs(train), _preference_pairs(test), config, "rm-2")


def _check_reward(run, job):
    eval_loss_fell(run)
    assert run.done["metrics"]["accuracy"] > 0.5, run.done["metrics"]
    pair = _preference_pairs(samples.preference_rows()[1])[0]
    assert len(generate(run.output_dir / "model", "reward_modeling", {"texts": [pair["chosen"], pair["rejected"]]})["scores"]) == 2


def _dpo(tmp_path, f):
    train, test = samples.preference_rows()
    config = {"learning_rate": 5e-3, "max_steps": 8, "per_device_train_batch_size": 4, "max_length": 256, "beta": 0.1}
    return trl_job(tmp_path, "dpo", f["tiny_llama_dir"], train, test, config, "dpo-2")


def _check_dpo(run, job):
    assert run.done["metrics"]["rewards/margins"] > 0, run.done["metrics"]
    assert isinstance(generate(run.output_dir / "model", "dpo", {"prompt": "How do I", "max_new_tokens": 4})["text"], str)


def _online_rl(algorithm):
    def make(tmp_path, f):
        config = {"algorithm": algorithm, "max_steps": 2, "per_device_train_batch_size": 4, "num_generations": 2, "response_length": 8, "learning_rate": 1e-4}
        return rl_job(tmp_path, f["tiny_llama_dir"], f["tiny_reward_dir"], config, f"{algorithm}-2")

    return make


def _check_online_rl(run, job):
    assert "mean_reward" in run.done["metrics"], run.done["metrics"]
    assert isinstance(generate(run.output_dir / "model", "ppo", {"prompt": "How", "max_new_tokens": 4})["text"], str)


CASES = {
    "transformers-classification": Case(
        lambda t, f: _sentiment(t, f, "transformers", {"learning_rate": 4e-4, "max_steps": 8, "per_device_train_batch_size": 8, "max_length": 64}, "tc-2"),
        _check_sentiment("transformers"),
        8,
    ),
    "transformers-multi-label": Case(_multi_label, _check_multi_label, 8),
    "transformers-qa": Case(_qa, _check_qa, 8),
    "peft-classification": Case(
        lambda t, f: _sentiment(t, f, "peft", {"learning_rate": 1e-2, "max_steps": 8, "per_device_train_batch_size": 8, "max_length": 48, "r": 8, "lora_alpha": 16, "lora_dropout": 0.0, "evaluate_before_training": True}, "lora-2"),
        _check_sentiment("peft"),
        8,
    ),
    "peft-lora-sft": Case(_lora_sft, _check_lora_sft, 8),
    "sentence-transformers-bi-encoder": Case(_bi_encoder, _check_bi_encoder, 6),
    "sentence-transformers-triplets": Case(_triplets, _check_triplets, 3),
    "sentence-transformers-cross-encoder": Case(_cross_encoder, _check_cross_encoder, 8),
    "trl-reward": Case(_reward, _check_reward, 8),
    "trl-dpo": Case(_dpo, _check_dpo, 8),
    "trl-grpo": Case(_online_rl("grpo"), _check_online_rl, 2),
    "trl-rloo": Case(_online_rl("rloo"), _check_online_rl, 2),
}


@pytest.mark.parametrize("name", list(CASES))
def test_runner_with_two_processes(name, worker, tmp_path, request):
    case = CASES[name]
    fixtures = {n: request.getfixturevalue(n) for n in ("minilm_path", "tiny_llama_dir", "tiny_reward_dir")}  # session-scoped, built once
    worker.extra_env.update(TWO_PROCESSES)
    job = case.make_job(tmp_path, fixtures)
    job["config"]["num_processes"] = 2
    run = worker.run(job, timeout=DEADLINE_S)
    assert run.returncode == 0, run.stderr[-4000:]
    kinds = [e["event"] for e in run.events]
    assert kinds.count("started") == 1 and kinds.count("done") == 1 and kinds.count("artifact") == 1, kinds
    assert run.events[0]["device"] == "cpu × 2 processes (gloo)"
    assert "rank 0 of 2" in run.stderr and "rank 1 of 2" in run.stderr
    steps = [e["step"] for e in run.of("progress")]
    assert steps == sorted(set(steps)) and steps[-1] == case.max_steps == run.done["step"], steps  # one rank's steps, once each
    assert run.done["status"] == "succeeded" and run.done["model_dir"] == "model"
    case.check(run, job)
    print(f"{name}: {run.wall_s:.0f} s, {run.done['metrics']}")
