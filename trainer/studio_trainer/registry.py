"""Which runner module trains which (framework, task). Modules are imported only when chosen."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import InvalidJobError
from .job import Job

RUNNERS: dict[tuple[str, str], str] = {
    ("setfit", "text_classification"): "setfit_runner",
    ("transformers", "text_classification"): "transformers_runner",
    ("transformers", "question_answering"): "transformers_qa_runner",
    ("peft", "text_classification"): "peft_runner",
    ("peft", "supervised_fine_tuning"): "peft_runner",
    ("peft", "chat_completion"): "peft_runner",
    ("sentence-transformers", "sentence_similarity"): "sentence_transformers_runner",
    ("spacy", "text_classification"): "spacy_runner",
    ("trl", "supervised_fine_tuning"): "sft_runner",
    ("trl", "chat_completion"): "sft_runner",
    ("trl", "reward_modeling"): "reward_runner",
    ("trl", "direct_preference_optimization"): "dpo_runner",
    ("trl", "proximal_policy_optimization"): "ppo_runner",
}


def runner_name(framework: str, task: str) -> str:
    name = RUNNERS.get((framework, task))
    if name is None:
        supported = sorted(t for f, t in RUNNERS if f == framework)
        raise InvalidJobError(f"framework `{framework}` does not train task `{task}` (it trains: {', '.join(supported) or 'nothing'})")
    return name


def runner_for(job: Job) -> ModuleType:
    """A runner module has `parse_config(job) -> config` and `train(job, config, device) -> Result`."""
    return importlib.import_module(f"studio_trainer.{runner_name(job.framework, job.task)}")
