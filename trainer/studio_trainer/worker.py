"""`python -m studio_trainer --job job.json`: load the job, run its runner, report through the protocol.

Exit status: 0 when the run succeeded or was cancelled (SIGTERM), 2 when job.json, the config or the
prepared data is invalid (nothing was trained), 1 when training failed. The last stdout line is `done`
or `error`.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import traceback
from pathlib import Path

from . import __version__, cancel, devices, protocol, registry
from .errors import StudioTrainerError
from .job import Job, load_job

_LIBRARIES = (
    "torch",
    "transformers",
    "trl",
    "setfit",
    "sentence-transformers",
    "peft",
    "spacy",
    "datasets",
    "accelerate",
    "tokenizers",
    "scikit-learn",
)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "studio_trainer": __version__}
    for name in _LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def relative(job: Job, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(job.output_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def scrub(message: str, job: Job | None) -> str:
    """An error message names the job's folders by role, never by their server paths."""
    places: list[tuple[str, str]] = []
    if job is not None:
        places += [(str(job.output_dir), "<output_dir>"), (str(job.prepared_dir), "<prepared_dir>"), (job.model, "<model>")]
        if job.reward_model:
            places.append((job.reward_model, "<reward_model>"))
    places.append((sys.prefix, "<python>"))
    for path, label in sorted(places, key=lambda p: -len(p[0])):
        if path.startswith("/"):
            message = message.replace(path, label)
    return message


def report_error(error: BaseException, job: Job | None = None) -> None:
    kind = error.kind if isinstance(error, StudioTrainerError) else "training"
    trace = None if isinstance(error, StudioTrainerError) else traceback.format_exc()
    if trace:
        print(trace, flush=True)  # the log (stderr) keeps it too
    message = scrub(str(error) or type(error).__name__, job)
    protocol.emit("error", message=message, kind=kind, traceback=trace)


def run_job(job_path: str) -> int:
    protocol.install()
    cancel.install()
    cancel.watch_parent()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        job = load_job(job_path)
        runner = registry.runner_for(job)
        config = runner.parse_config(job)
    except StudioTrainerError as error:
        report_error(error)
        return 2
    except Exception as error:  # an import failure of a framework, say
        report_error(error)
        return 1
    try:
        device = devices.detect()
        from .checkpoints import last_checkpoint, lock_output

        output_lock = lock_output(job)  # noqa: F841 (held until the process ends)
        resumes = getattr(runner, "resumes", lambda _config: True)(config)
        resumed = last_checkpoint(job) if job.resume_from_checkpoint and resumes else None
        protocol.emit(
            "started",
            job_id=job.job_id,
            framework=job.framework,
            task=job.task,
            device=device.label,
            precision=device.precision,
            resumed_from=resumed.name if resumed else None,
            versions=versions(),
        )
        result = runner.train(job, config, device)
    except StudioTrainerError as error:
        report_error(error, job)
        return 2 if error.kind != "training" else 1
    except Exception as error:
        report_error(error, job)
        return 1
    protocol.emit(
        "done",
        status=result.status,
        metrics=protocol.finite_numbers(result.metrics),
        model_dir=relative(job, result.model_dir),
        step=int(result.step),
    )
    return 0


def validate_job(job_path: str) -> int:
    """Check job.json, the (framework, task) pair and the config without training: one line, exit 0 or 2."""
    protocol.install()
    try:
        job = load_job(job_path)
        registry.runner_for(job).parse_config(job)
    except StudioTrainerError as error:
        report_error(error, None)
        return 2
    protocol.emit("done", status="succeeded", metrics={}, model_dir=None)
    return 0
