"""PEFT LoRA: sequence classification (through the transformers runner) or a causal LM (through TRL SFT).

Saved in output_dir/model: the adapter (adapter_model.safetensors, adapter_config.json, whose
`base_model_name_or_path` is the job's model), the tokenizer and, for classifiers, the config with the
label names, so the predictor rebuilds the head the adapter was trained with.
"""

from __future__ import annotations

from . import distributed, sft_runner, transformers_runner
from .peft_config import parse
from .result import Result


def parse_config(job):
    return parse(job.config, job.task)


def train(job, config, device) -> Result:
    if job.task == "text_classification":
        from peft import get_peft_model

        lora = config.lora_config("SEQ_CLS")
        holder: dict = {}

        def wrap(model):
            holder["config"] = model.config
            return get_peft_model(model, lora)

        result = transformers_runner.train(job, config, device, wrap_model=wrap)
        if result.status == "succeeded" and distributed.is_main():
            holder["config"].save_pretrained(str(job.model_dir))  # labels and problem type for the predictor
        return result
    return sft_runner.train(job, config, device, peft_config=config.lora_config("CAUSAL_LM"))
