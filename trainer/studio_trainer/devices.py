"""Device and precision policy: CUDA when present (bf16 on compute capability ≥ 8, else fp16), otherwise CPU fp32.

With several processes (distributed.py), each rank trains on its own GPU, cuda:LOCAL_RANK, or on the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Device:
    kind: str  # "cuda" | "cpu"
    precision: str  # "bf16" | "fp16" | "fp32"
    name: str
    processes: int = 1

    @property
    def label(self) -> str:
        one = "cpu" if self.kind == "cpu" else f"cuda:{self.name} ({self.precision})"
        if self.processes == 1:
            return one
        return f"{one} × {self.processes} processes ({'nccl' if self.kind == 'cuda' else 'gloo'})"

    def training_arguments(self) -> dict:
        """Keyword arguments for any transformers.TrainingArguments subclass (TRL configs included)."""
        if self.kind == "cpu":
            # TRL resolves bf16=None to True, which a CPU host refuses: always explicit.
            return {"use_cpu": True, "bf16": False, "fp16": False, "report_to": "none"}
        return {"use_cpu": False, "bf16": self.precision == "bf16", "fp16": self.precision == "fp16", "report_to": "none"}

    @property
    def torch_device(self) -> str:
        if self.kind == "cpu":
            return "cpu"
        from .distributed import local_rank

        return f"cuda:{local_rank()}" if self.processes > 1 else "cuda"


def detect(processes: int = 1) -> Device:
    import torch

    if torch.cuda.is_available():
        major, _minor = torch.cuda.get_device_capability(0)
        return Device("cuda", "bf16" if major >= 8 else "fp16", torch.cuda.get_device_name(0), processes)
    return Device("cpu", "fp32", "cpu", processes)
