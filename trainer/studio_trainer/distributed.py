"""Several training processes in one machine: `accelerate launch`, one process per GPU (gloo on CPU).

The studio spawns `python -m studio_trainer --job job.json` whatever the config says. When the config's
`num_processes` is above 1, `launch_if_asked` (before anything else runs) replaces that process with
`python -m accelerate.commands.launch --num_processes N … -m studio_trainer --job job.json`, with exec:
the pid the studio signals stays the launcher's, and the launcher inherits the SIGTERM-on-parent-death
this process sets before exec (cancel.py). The launcher (torch's elastic agent) starts the ranks,
passes SIGTERM on to them, and ends when they end.

In the ranks, only rank 0 speaks the protocol and holds the output folder's lock; the others write to
stderr only (the job's log) and save nothing of their own.
"""

from __future__ import annotations

import json
import os
import socket
import sys

#: Set in the launcher's environment: the pid of the studio's worker, the launcher's parent.
STUDIO_PID_VARIABLE = "STUDIO_LAUNCHER_PARENT"


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def local_rank() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def is_main() -> bool:
    return rank() == 0


def launched() -> bool:
    """Whether this process is a rank that a launcher started (torchrun's variables are set)."""
    return "LOCAL_RANK" in os.environ and "WORLD_SIZE" in os.environ


def wait_for_everyone() -> None:
    """A barrier across the ranks (nothing with one process); the process group is accelerate's, made on first use."""
    if world_size() <= 1:
        return
    from accelerate import PartialState

    PartialState().wait_for_everyone()


def any_rank(flag: bool) -> bool:
    """True on every rank when it is true on any: the ranks must stop at the same step (a rank alone
    would leave the others waiting in the next all-reduce)."""
    if world_size() <= 1:
        return flag
    import torch
    import torch.distributed as dist
    from accelerate import PartialState

    value = torch.tensor([1 if flag else 0], device=PartialState().device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def same_on_every_rank(value: float) -> bool:
    """Whether every rank holds this exact value (True with one process)."""
    if world_size() <= 1:
        return True
    import torch
    import torch.distributed as dist
    from accelerate import PartialState

    low = torch.tensor([value], dtype=torch.float64, device=PartialState().device)
    high = low.clone()
    dist.all_reduce(low, op=dist.ReduceOp.MIN)
    dist.all_reduce(high, op=dist.ReduceOp.MAX)
    return bool(low.item() == high.item())


def close_process_group() -> None:
    """End this rank's process group once its run is over. Left to interpreter exit, gloo's threads
    can abort a rank that finished ("terminate called without an active exception", SIGABRT: torch
    asks for destroy_process_group), and the launcher then fails a run that trained and saved."""
    if world_size() <= 1:
        return
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()
        print(f"[studio_trainer] rank {rank()} of {world_size()}: process group closed", file=sys.stderr, flush=True)


def requested_processes(job_path: str) -> int:
    """The config's `num_processes` from job.json as written (1 when absent or not a number above 1)."""
    try:
        with open(job_path, encoding="utf-8") as handle:
            value = json.load(handle).get("config", {}).get("num_processes", 1)
    except (OSError, ValueError, AttributeError):
        return 1
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 1 else 1


def _free_port() -> int:
    """A port for the ranks' rendezvous: two jobs on one machine must not share torchrun's 29500."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch_command(job_path: str, processes: int) -> list[str]:
    """accelerate's launcher on this Python. `--multi_gpu` is what makes it start N local processes
    (torchrun) on CPU too: `--cpu` alone starts one (several CPU processes need mpirun there); the
    ranks pick gloo without CUDA and train on the CPU because the worker sets `use_cpu`."""
    return [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",
        "--num_processes",
        str(processes),
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",  # the worker sets bf16/fp16 in the training arguments from the device policy
        "--dynamo_backend",
        "no",
        "--main_process_port",
        str(_free_port()),
        "-m",
        "studio_trainer",
        "--job",
        job_path,
    ]
