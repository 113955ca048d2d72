"""The protocol itself: stdout is JSON lines only, the schema holds, bad jobs and configs fail clearly."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio_trainer import registry
from studio_trainer.errors import StudioTrainerError
from studio_trainer.job import load_job
from studio_trainer.protocol import EXAMPLES_DIR
from tests import samples
from tests.conftest import TRAINER_ROOT, VALIDATOR, worker_env


def test_stray_prints_go_to_stderr_and_stdout_holds_only_events(tmp_path):
    script = (
        "import os, sys\n"
        "from studio_trainer import protocol\n"
        "protocol.install()\n"
        "print('a stray print')\n"
        "os.write(1, b'a C-level write to fd 1\\n')\n"
        "sys.stdout.write('via sys.stdout\\n')\n"
        "protocol.emit('phase', phase='training')\n"
        "protocol.progress(1, 2, 0.5)\n"
        "protocol.metrics(1, {'loss': 1.5, 'nan': float('nan'), 'name': 'x', 'flag': True}, 'train')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=worker_env(tmp_path), cwd=TRAINER_ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    events = [json.loads(line) for line in lines]
    for event in events:
        VALIDATOR.validate(event)
    assert events[2]["values"] == {"loss": 1.5}  # NaN, strings and booleans never reach the protocol
    for stray in ("a stray print", "a C-level write to fd 1", "via sys.stdout"):
        assert stray in result.stderr


def test_a_write_that_finds_the_reader_gone_stops_the_run_like_an_orphan(tmp_path):
    """The studio's worker died and its pipe is broken, but no SIGTERM has arrived yet (a rank whose
    launcher has not passed it on): the next event neither raises nor kills the run; the run is told
    to stop at its step end and save, as on its parent's death."""
    script = (
        "import sys\n"
        "from studio_trainer import cancel, protocol\n"
        "cancel.install()\n"
        "protocol.install()\n"
        "sys.stdin.readline()\n"  # the test closed its end of stdout
        "protocol.emit('phase', phase='training')\n"
        "protocol.progress(1, 2, 0.5)\n"
        "open(sys.argv[1], 'w').write(f'requested={cancel.requested()}')\n"
    )
    outcome = tmp_path / "outcome.txt"
    stderr = tmp_path / "stderr.log"
    with stderr.open("w") as err:
        child = subprocess.Popen([sys.executable, "-c", script, str(outcome)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=worker_env(tmp_path), cwd=TRAINER_ROOT)
        child.stdout.close()
        child.stdin.write(b"go\n")
        child.stdin.close()
        assert child.wait(timeout=60) == 0, stderr.read_text()[-2000:]
    # stderr, too, went to /dev/null with the reader (the studio reads both): nothing after the emit
    assert "BrokenPipeError" not in stderr.read_text()
    assert outcome.read_text() == "requested=True"


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("*.jsonl")), ids=lambda p: p.name)
def test_example_transcripts_match_the_schema(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    for event in events:
        VALIDATOR.validate(event)
    assert events[0]["event"] == "started"
    assert events[-1]["event"] in ("done", "error")
    assert sum(e["event"] in ("done", "error") for e in events) == 1


def test_the_examples_cover_success_cancel_and_error():
    names = {p.stem for p in EXAMPLES_DIR.glob("*.jsonl")}
    assert {"success", "cancelled", "error"} <= names


@pytest.mark.parametrize(
    "event",
    [
        {"event": "progress", "time": "2026-12-07T10:00:00.000Z", "step": -1, "max_steps": 2, "epoch": 0},
        {"event": "metrics", "time": "2026-12-07T10:00:00.000Z", "step": 1, "values": {"loss": "1"}, "split": "train"},
        {"event": "done", "time": "2026-12-07T10:00:00.000Z", "status": "failed", "metrics": {}, "model_dir": None},
        {"event": "started", "time": "2026-12-07T10:00:00.000Z", "job_id": "j"},
        {"event": "phase", "time": "yesterday", "phase": "training"},
        {"event": "unknown", "time": "2026-12-07T10:00:00.000Z"},
    ],
)
def test_the_schema_refuses_malformed_events(event):
    assert not VALIDATOR.is_valid(event)


def write_job(tmp_path, **overrides):
    train, test, meta = samples.sentiment_classification()
    prepared = samples.write_prepared(tmp_path / "prepared", train, test, meta)
    job = {
        "job_id": "j",
        "framework": "transformers",
        "task": "text_classification",
        "model": str(tmp_path),
        "prepared_dir": str(prepared),
        "output_dir": str(tmp_path / "out"),
        "config": {},
    }
    job.update(overrides)
    return {k: v for k, v in job.items() if v is not None}


def validate(worker, job) -> tuple[int, dict]:
    path = worker.write_job(job)
    result = subprocess.run(
        [sys.executable, "-m", "studio_trainer", "validate", "--job", str(path)],
        capture_output=True, text=True, env=worker_env(worker.tmp_path), cwd=worker.tmp_path, timeout=120,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout + result.stderr
    event = json.loads(lines[0])
    VALIDATOR.validate(event)
    return result.returncode, event


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"config": {"learning_rate": 0}}, "config `learning_rate` must be > 0"),
        ({"config": {"learning_rate": -1e-5}}, "config `learning_rate` must be > 0"),
        ({"config": {"max_steps": -1, "num_train_epochs": 0}}, "config needs `max_steps` > 0 or `num_train_epochs` > 0"),
        ({"config": {"learning_rate": "fast"}}, "config `learning_rate` must be float"),
        ({"config": {"per_device_train_batch_size": 0}}, "config `per_device_train_batch_size` must be ≥ 1"),
        ({"config": {"no_such_setting": 1}}, "config `no_such_setting` is not a setting of the transformers runner"),
        ({"config": {"output_dir": "/elsewhere"}}, "config `output_dir` is set by the worker (from job.json and the device), not by the config"),
        ({"config": {"bf16": True}}, "config `bf16` is set by the worker (from job.json and the device), not by the config"),
        ({"config": {"hub_token": "hf_x"}}, "job.json: config key `hub_token` looks like a secret; pass secrets in the environment"),
        ({"config": {"push_to_hub": True}}, "config `push_to_hub` is set by the worker (from job.json and the device), not by the config"),
        ({"config": {"my_api_key": "x"}}, "job.json: config key `my_api_key` looks like a secret; pass secrets in the environment"),
        ({"framework": "sentence-transformers"}, "framework `sentence-transformers` does not train task `text_classification` (it trains: sentence_similarity)"),
        ({"framework": "openai"}, "job.json: `framework` must be one of setfit, transformers, peft, sentence-transformers, spacy, trl"),
        ({"task": "token_classification"}, "job.json: `task` must be one of"),
        ({"job_id": None}, "job.json: `job_id` is required"),
        ({"seed": "1"}, "job.json: `seed` must be an integer"),
        ({"token": "hf_x"}, "job.json: unknown field `token`"),
        ({"prepared_dir": "/nonexistent-folder"}, "job.json: `prepared_dir` is not a folder"),
        ({"config": {"beta": 0.1}}, "config `beta` is not a setting of the transformers runner"),
        ({"model": "/no/such/model-folder"}, "job.json: `model` is neither a Hub id (name or owner/name) nor an existing folder"),
        ({"model": "./missing"}, "job.json: `model` is neither a Hub id (name or owner/name) nor an existing folder"),
    ],
)
def test_invalid_jobs_and_configs_are_refused_before_training(worker, tmp_path, overrides, message):
    with pytest.raises(StudioTrainerError) as caught:
        check(worker, write_job(tmp_path, **overrides))
    assert str(caught.value).startswith(message), str(caught.value)
    assert str(tmp_path) not in str(caught.value)  # errors never quote server paths


def check(worker, job):
    """What `validate` does, in-process (the subprocess path is tested once below)."""
    loaded = load_job(worker.write_job(job))
    return registry.runner_for(loaded).parse_config(loaded)


def test_validate_command_answers_one_line(worker, tmp_path):
    code, event = validate(worker, write_job(tmp_path, config={"learning_rate": 0}))
    assert code == 2 and event["event"] == "error" and event["kind"] == "invalid_config"
    assert event["message"] == "config `learning_rate` must be > 0" and event["traceback"] is None
    code, event = validate(worker, write_job(tmp_path, config={"max_steps": 3}))
    assert code == 0 and event["event"] == "done"


def test_trl_configs_validate_their_own_settings(worker, tmp_path):
    base = write_job(tmp_path, framework="trl", task="dpo")
    config = check(worker, {**base, "config": {"beta": 0.5, "loss_type": ["sigmoid"], "max_steps": 3}})
    assert (config.beta, config.loss_type, config.max_steps, config.learning_rate) == (0.5, ["sigmoid"], 3, 1e-6)
    with pytest.raises(StudioTrainerError, match="config `beta` must be > 0"):
        check(worker, {**base, "config": {"beta": 0}})
    # a DPOConfig parameter that the runner does not list passes through unchanged
    assert check(worker, {**base, "config": {"label_smoothing": 0.1}}).extra == {"label_smoothing": 0.1}
    assert check(worker, write_job(tmp_path, framework="trl", task="sft")).gradient_checkpointing is None


def test_a_malformed_job_file_names_the_line(worker, tmp_path):
    path = tmp_path / "job.json"
    path.write_text('{\n  "job_id": "x",\n  oops\n}', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "studio_trainer", "--job", str(path)], capture_output=True, text=True, env=worker_env(tmp_path), cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    event = json.loads(result.stdout.splitlines()[-1])
    VALIDATOR.validate(event)
    assert event["message"].startswith("job.json line 3:")


def test_a_training_failure_reports_error_with_traceback(worker, tmp_path):
    job = write_job(tmp_path, model=str(tmp_path / "prepared"))  # a folder that holds no model
    run = worker.run(job)
    assert run.returncode == 1
    assert [e["event"] for e in run.events][0] == "started"
    error = run.events[-1]
    assert error["event"] == "error" and error["kind"] == "training"
    assert "Traceback" in error["traceback"]
