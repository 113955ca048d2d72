"""Several processes (`num_processes` > 1): the worker becomes `accelerate launch`; rank 0 alone reports.

No GPU here: the ranks are CPU processes on gloo, which is what a GPU-less machine gets too. The
multi-GPU path differs only in the device each rank takes (cuda:LOCAL_RANK) and nccl.
"""

import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import worker_env
from tests.test_trl import trl_job
from tests import samples

# Two CPU processes on a shared machine: one thread each.
TWO_PROCESSES = {"OMP_NUM_THREADS": "1"}


def sft_job(tmp_path, tiny_llama_dir, **config):
    train, test = samples.instructions_sft_text()
    base = {"learning_rate": 5e-3, "max_steps": 8, "per_device_train_batch_size": 4, "max_length": 96, "evaluate_before_training": True, "num_processes": 2}
    return trl_job(tmp_path, "sft", tiny_llama_dir, train, test, {**base, **config}, "sft-2")


def test_two_processes_train_once_and_report_once(worker, tmp_path, tiny_llama_dir):
    worker.extra_env.update(TWO_PROCESSES)
    run = worker.run(sft_job(tmp_path, tiny_llama_dir))
    assert run.returncode == 0, run.stderr[-4000:]
    assert [e["event"] for e in run.events].count("started") == 1
    assert [e["event"] for e in run.events].count("done") == 1
    started = run.of("started")[0]
    assert started["device"] == "cpu × 2 processes (gloo)"
    # one rank's progress: each step once, in order, up to max_steps (two ranks would repeat them)
    steps = [e["step"] for e in run.of("progress")]
    assert steps == sorted(steps) and len(steps) == len(set(steps)) and steps[-1] == 8, steps
    assert len(run.of("artifact")) == 1
    # both ranks ran (the log says so), and one batch of 4 rows per rank makes a step's 8
    assert "rank 0 of 2" in run.stderr and "rank 1 of 2" in run.stderr
    # each rank ends its process group itself (left to interpreter exit, gloo can abort a rank that finished)
    assert all(f"rank {r} of 2: process group closed" in run.stderr for r in (0, 1)), run.stderr[-4000:]
    eval_losses = run.metric_series("loss", "eval")
    assert eval_losses[0] > eval_losses[-1], eval_losses  # learned: before training vs the final evaluation
    model = run.output_dir / "model"
    assert (model / "model.safetensors").is_file() and (model / "tokenizer.json").is_file()
    from tests.test_trl import generate

    assert isinstance(generate(model, "supervised_fine_tuning", {"prompt": "### Instruction: How", "max_new_tokens": 4})["text"], str)


def test_cancel_stops_every_rank_at_one_step_and_resume_continues(worker, tmp_path, tiny_llama_dir):
    worker.extra_env.update(TWO_PROCESSES)
    job = sft_job(tmp_path, tiny_llama_dir, max_steps=12, evaluate_before_training=False, save_steps=100)
    first = worker.run(job, cancel_at_step=2)
    assert first.returncode == 128 + signal.SIGTERM  # accelerate's launcher re-raises the signal it passed on
    done = first.done
    assert done["status"] == "cancelled", first.stderr[-4000:]
    stopped_at = done["step"]
    assert 2 <= stopped_at < 12
    checkpoint = first.output_dir / "checkpoints" / f"checkpoint-{stopped_at}"
    assert (checkpoint / "trainer_state.json").is_file()
    assert {p.name for p in checkpoint.glob("rng_state_*.pth")} == {"rng_state_0.pth", "rng_state_1.pth"}  # both ranks saved at that step
    second = worker.run({**job, "resume_from_checkpoint": True})
    assert second.returncode == 0, second.stderr[-4000:]
    assert second.events[0]["resumed_from"] == f"checkpoint-{stopped_at}"
    assert second.done["status"] == "succeeded" and second.done["step"] == 12
    assert all(f"rank {r} of 2: process group closed" in run.stderr for run in (first, second) for r in (0, 1))


def _descendants(pid: int) -> set[int]:
    import psutil

    try:
        return {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def test_every_rank_ends_when_the_studio_worker_dies(tmp_path, tiny_llama_dir):
    """The studio's worker (here a stand-in process) is killed: the launcher and both ranks end, and the
    output folder's lock is free for the next attempt."""
    import psutil

    job = sft_job(tmp_path, tiny_llama_dir, max_steps=400, evaluate_before_training=False, save_steps=1000)
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job))
    # The stand-in spawns the trainer, prints its pid, and reads its stdout until it is killed.
    stand_in = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys\n"
         f"p = subprocess.Popen([sys.executable, '-m', 'studio_trainer', '--job', {str(path)!r}], stdout=subprocess.PIPE)\n"
         "print(p.pid, flush=True)\n"
         "for line in p.stdout:\n    print(line.decode().strip(), flush=True)\n"],
        stdout=subprocess.PIPE, text=True, env=worker_env(tmp_path / "hf-home", dict(TWO_PROCESSES)), cwd=tmp_path,
    )
    launcher = int(stand_in.stdout.readline())
    for line in stand_in.stdout:
        if '"event": "progress"' in line and '"step": 2' in line:
            break
    ranks = _descendants(launcher)
    assert len([p for p in ranks if "studio_trainer" in " ".join(psutil.Process(p).cmdline())]) == 2
    stand_in.kill()
    stand_in.wait()
    deadline = time.monotonic() + 90
    alive = {launcher, *ranks}
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE}
        time.sleep(0.5)
    assert not alive, f"still running: {alive}"
    # they stopped the way an orphaned single-process run does: a checkpoint at the next step end
    assert list((tmp_path / "out" / "checkpoints").glob("checkpoint-*/trainer_state.json"))
    import fcntl

    with open(job["output_dir"] + "/.trainer.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a rank still held it


# Loaded by every Python process of the run through PYTHONPATH; only rank 1 fails, at its third step,
# as one GPU running out of memory would.
_RANK_ONE_FAILS = """
import os
if os.environ.get("RANK") == "1":
    import transformers

    _step = transformers.Trainer.training_step

    def training_step(self, *args, **kwargs):
        if self.state.global_step >= 2:
            raise RuntimeError("out of memory on this rank's device (injected by the test)")
        return _step(self, *args, **kwargs)

    transformers.Trainer.training_step = training_step
"""


def _load_in_every_process(worker, tmp_path, source: str) -> None:
    """`source` runs at the start of every Python process of the worker's runs (a sitecustomize module)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(source)
    worker.extra_env.update({**TWO_PROCESSES, "PYTHONPATH": str(hook)})


def test_a_failing_rank_reports_its_own_error_first(worker, tmp_path, tiny_llama_dir):
    """Rank 1 fails alone: the studio hears rank 1's message and traceback first (rank 0 only sees its
    peer vanish), the launcher exits non-zero, and no rank is left behind."""
    _load_in_every_process(worker, tmp_path, _RANK_ONE_FAILS)
    run = worker.run(sft_job(tmp_path, tiny_llama_dir, max_steps=40, evaluate_before_training=False, save_steps=1000), timeout=180)
    assert run.returncode != 0
    errors = run.of("error")
    assert errors, run.stderr[-4000:]
    first = errors[0]
    assert first["message"] == "rank 1 of 2: out of memory on this rank's device (injected by the test)"
    assert first["kind"] == "training" and "training_step" in first["traceback"]
    assert not run.of("done")
    assert max(e["step"] for e in run.of("progress")) < 40


# Rank 1's weights drift from rank 0's after training, as they would if gradients were not synchronised.
_RANK_ONE_DRIFTS = """
import os
if os.environ.get("RANK") == "1":
    import torch
    import transformers

    _train = transformers.Trainer.train

    def train(self, *args, **kwargs):
        result = _train(self, *args, **kwargs)
        with torch.no_grad():
            next(p for p in self.model.parameters() if p.requires_grad).add_(1.0)
        return result

    transformers.Trainer.train = train
"""


def test_ranks_that_end_with_different_weights_fail_instead_of_saving(worker, tmp_path, tiny_llama_dir):
    _load_in_every_process(worker, tmp_path, _RANK_ONE_DRIFTS)
    run = worker.run(sft_job(tmp_path, tiny_llama_dir, evaluate_before_training=False), timeout=180)
    assert run.returncode != 0
    assert run.of("error"), run.stderr[-4000:]
    assert run.of("error")[0]["message"].endswith("the processes ended with different weights: their gradients were not synchronised")
    assert not run.of("done") and not run.of("artifact")
    assert not (run.output_dir / "model" / "model.safetensors").exists()


def test_a_single_process_runner_refuses_two_before_launching(worker, tmp_path):
    train, test, meta = samples.sentiment_classification()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test, meta)
    job = {"job_id": "setfit-2", "framework": "setfit", "task": "text_classification", "model": "unused", "prepared_dir": str(prepared), "output_dir": str(tmp_path / "out"), "config": {"num_processes": 2}, "seed": 0}
    run = worker.run(job)
    assert run.returncode == 2
    assert [e["event"] for e in run.events] == ["error"]  # refused before any launch: one process, one line
    assert run.events[0]["message"] == "config `num_processes` must be 1: SetFit trains in one process"
