"""`python -m studio_trainer --job job.json`: load the job, run its runner, report through the protocol.

Exit status: 0 when the run succeeded or was cancelled (SIGTERM), 2 when job.json, the config or the
prepared data is invalid (nothing was trained), 1 when training failed. The last stdout line is `done`
or `error`.

A config with `num_processes` > 1 makes this process exec `accelerate launch` on the same job
(distributed.py); in the ranks it starts, rank 0 alone reports, locks the output folder and saves.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import traceback
from pathlib import Path

from . import __version__, cancel, devices, distributed, protocol, registry
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
    if not distributed.is_main():
        # Rank 0 would only see this rank vanish (a broken collective, or the launcher's SIGTERM).
        message = f"rank {distributed.rank()} of {distributed.world_size()}: {message}"
    protocol.emit_from_any_rank("error", message=message, kind=kind, traceback=trace)


def run_job(job_path: str) -> int:
    if not distributed.launched() and distributed.requested_processes(job_path) > 1:
        return launch(job_path, distributed.requested_processes(job_path))
    protocol.install(silent=not distributed.is_main())
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
        device = devices.detect(distributed.world_size())
        seed_everything(job.seed)
        from .checkpoints import last_checkpoint, lock_output

        # Rank 0 holds the lock (another rank asking too would wait on it forever); the others wait
        # here until rank 0 has it, so that no rank reads the checkpoints before an earlier run let go.
        output_lock = lock_output(job) if distributed.is_main() else None  # noqa: F841 (held until the process ends)
        distributed.wait_for_everyone()
        resumes = getattr(runner, "resumes", lambda _config: True)(config)
        resumed = last_checkpoint(job) if job.resume_from_checkpoint and resumes else None
        print(f"[studio_trainer] rank {distributed.rank()} of {distributed.world_size()} on {device.label}", file=sys.stderr, flush=True)
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
    distributed.close_process_group()  # only after a run that ended: a failed rank may leave the others mid-collective
    return 0


def seed_everything(seed: int) -> None:
    """Before any model is built: a fresh head (a classifier's, a cross-encoder's, LoRA's) is drawn from
    the job's seed, not from torch's per-process random seed (the Trainer seeds only once it is made), so
    a job trains the same way twice, and every rank of a multi-process run starts from the same weights."""
    import random

    import numpy
    import torch

    random.seed(seed)
    numpy.random.seed(seed)
    torch.manual_seed(seed)


def launch(job_path: str, processes: int) -> int:
    """`num_processes` > 1: check the job in this process, then become `accelerate launch` on it (exec).

    Refused here, with the usual error event: a job or config the worker refuses anyway (one process
    reports it, not N), and more processes than visible GPUs on a CUDA machine. Without CUDA the ranks
    train on the CPU (gloo), as many as asked."""
    try:
        job = load_job(job_path)
        registry.runner_for(job).parse_config(job)
        import torch

        gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if gpus and processes > gpus:
            from .errors import InvalidConfigError

            raise InvalidConfigError(f"config `num_processes` is {processes} but this machine shows {gpus} GPU(s): one process per GPU")
    except StudioTrainerError as error:
        protocol.install()
        report_error(error)
        return 2
    except Exception as error:  # an import failure of a framework, say
        protocol.install()
        report_error(error)
        return 1
    command = distributed.launch_command(job_path, processes)
    # The command without the job's path (a log holds no server path it can do without).
    print(f"[studio_trainer] {processes} processes on {'CUDA' if gpus else 'the CPU (gloo)'}: {' '.join(command[1:-2])} …", file=sys.stderr, flush=True)
    cancel.die_with_parent()  # kept across exec: the launcher ends (and stops the ranks) when the studio's worker dies
    os.environ[distributed.STUDIO_PID_VARIABLE] = str(os.getppid())
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)
    return 1  # not reached


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
