import os

import pytest

from tests import samples

OVERLAY = os.environ.get("STUDIO_PPO_OVERLAY", "/tmp/trainer-ppo")


def rl_job(tmp_path, policy, reward, config, job_id):
    prepared = samples.write_prepared(tmp_path / "prepared", samples.instruction_queries()[:16], [])
    return {
        "job_id": job_id,
        "framework": "trl",
        "task": "ppo",
        "model": str(policy),
        "reward_model": str(reward),
        "prepared_dir": str(prepared),
        "output_dir": str(tmp_path / "out"),
        "config": config,
        "seed": 0,
    }


@pytest.mark.skipif(not os.path.isdir(os.path.join(OVERLAY, "trl", "experimental", "ppo")), reason="trl 1.12 PPO overlay not installed (see README)")
def test_ppo_completes_its_updates_and_writes_a_policy(worker, tmp_path, tiny_llama_dir, tiny_reward_dir):
    worker.extra_env["STUDIO_PPO_OVERLAY"] = OVERLAY
    config = {"per_device_train_batch_size": 4, "total_episodes": 16, "response_length": 8, "learning_rate": 1e-4, "num_ppo_epochs": 2}
    run = worker.run(rl_job(tmp_path, tiny_llama_dir, tiny_reward_dir, config, "ppo"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.events[0]["versions"]["trl"] == "1.12.0"  # the overlay, not the venv's trl
    assert run.of("progress")[-1]["step"] == 4 == run.done["step"]  # 16 episodes / batch 4
    assert run.metric_series("objective/kl", "train")
    model_dir = run.output_dir / "model"
    assert (model_dir / "model.safetensors").is_file()

    from studio_trainer.predict import load_predictor

    assert isinstance(load_predictor(str(model_dir), "trl", "ppo").predict({"prompt": "How", "max_new_tokens": 4})["text"], str)


def test_grpo_with_a_reward_model_trains(worker, tmp_path, tiny_llama_dir, tiny_reward_dir):
    config = {"algorithm": "grpo", "max_steps": 2, "per_device_train_batch_size": 4, "num_generations": 2, "response_length": 8, "learning_rate": 1e-4}
    run = worker.run(rl_job(tmp_path, tiny_llama_dir, tiny_reward_dir, config, "grpo"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.events[0]["versions"]["trl"] == "1.16.0"
    assert run.done["step"] == 2 and "mean_reward" in run.done["metrics"]
    assert (run.output_dir / "model" / "model.safetensors").is_file()


def test_ppo_without_a_reward_model_is_refused(worker, tmp_path, tiny_llama_dir):
    job = rl_job(tmp_path, tiny_llama_dir, "x", {}, "no-rm")
    del job["reward_model"]
    run = worker.run(job)
    assert run.returncode == 2
    assert run.events[-1]["message"] == "job.json: PPO, GRPO and RLOO need `reward_model` (the folder of a reward model)"
