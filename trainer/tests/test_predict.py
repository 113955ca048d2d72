"""The warm predict process: JSON lines in, JSON lines out, the model loaded once."""

import json
import subprocess
import sys
import time

from tests import samples
from tests.conftest import worker_env


def test_predict_process_answers_each_line_and_survives_bad_requests(worker, tmp_path, tiny_llama_dir):
    train, test = samples.instructions_sft_text()
    run = worker.run(
        {"job_id": "sft-predict", "framework": "trl", "task": "sft", "model": str(tiny_llama_dir),
         "prepared_dir": str(samples.write_prepared(tmp_path / "prepared", train[:16], test[:4])),
         "output_dir": str(tmp_path / "out"), "config": {"max_steps": 2, "per_device_train_batch_size": 4, "max_length": 64}}
    )
    assert run.returncode == 0, run.stderr[-3000:]
    process = subprocess.Popen(
        [sys.executable, "-m", "studio_trainer", "predict", "--model-dir", str(run.output_dir / "model"), "--framework", "trl", "--task", "sft"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env(tmp_path / "hf"), cwd=tmp_path,
    )
    ready = json.loads(process.stdout.readline())
    assert ready == {"ready": True, "framework": "trl", "task": "supervised_fine_tuning"}
    requests = [
        {"id": 1, "prompt": "### Instruction: Hello", "max_new_tokens": 5},
        "not json",
        {"id": 3, "prompt": 5},
        {"id": 4, "prompt": "Hi", "max_new_tokens": 0},
        {"id": 5, "prompt": "Hi", "max_new_tokens": 3, "temperature": 0.9},
    ]
    answers = []
    latencies = []
    for request in requests:
        start = time.perf_counter()
        process.stdin.write((request if isinstance(request, str) else json.dumps(request)) + "\n")
        process.stdin.flush()
        answers.append(json.loads(process.stdout.readline()))
        latencies.append(time.perf_counter() - start)
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    assert answers[0]["id"] == 1 and isinstance(answers[0]["text"], str)
    assert answers[1]["id"] is None and "error" in answers[1]
    assert answers[2] == {"id": 3, "error": "`prompt` must be a string"}
    assert answers[3] == {"id": 4, "error": "`max_new_tokens` must be an integer in [1, 4096]"}
    assert answers[4]["id"] == 5 and "text" in answers[4]
    assert process.stdout.read() == ""  # nothing but answers on stdout


def test_predict_process_reports_a_model_it_cannot_load(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "studio_trainer", "predict", "--model-dir", str(tmp_path), "--framework", "transformers", "--task", "text_classification"],
        capture_output=True, text=True, env=worker_env(tmp_path / "hf"), cwd=tmp_path, timeout=120, input="",
    )
    assert result.returncode == 2
    answer = json.loads(result.stdout.splitlines()[0])
    assert answer["ready"] is False and answer["error"]
