"""The TRL SFT job of bench/training-overhead.ts as a plain script: trl directly, no studio.

    python bench/plain/trl_sft_plain.py --prepared DIR --model MODEL --out DIR --config '{"max_steps": 100}' --seed 42

Reads the prepared {"text"} rows the studio's job trained on, trains with the same SFTConfig the studio's
runner builds (its defaults, overridden by --config), evaluates the eval loss on the test split and saves
the model and tokenizer.
"""

import argparse
import json
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--prepared", type=Path, required=True)
parser.add_argument("--model", required=True)
parser.add_argument("--out", type=Path, required=True)
parser.add_argument("--config", default="{}")
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()

from datasets import Dataset  # noqa: E402
from transformers import AutoTokenizer  # noqa: E402
from trl import SFTConfig, SFTTrainer  # noqa: E402

config = {"learning_rate": 2e-5, "num_train_epochs": 1.0, "max_steps": -1, "per_device_train_batch_size": 8, "max_length": 1024, **json.loads(args.config)}
read = lambda name: [{"text": json.loads(line)["text"]} for line in (args.prepared / name).read_text().splitlines() if line.strip()]
tokenizer = AutoTokenizer.from_pretrained(args.model)
sft_args = SFTConfig(
    output_dir=str(args.out / "checkpoints"),
    seed=args.seed,
    logging_steps=1,
    logging_first_step=True,
    save_strategy="steps",
    save_steps=500,
    save_total_limit=2,
    disable_tqdm=True,
    dataloader_num_workers=0,
    use_cpu=True,
    bf16=False,
    fp16=False,
    report_to="none",
    gradient_checkpointing=False,
    packing=False,
    **config,
)
trainer = SFTTrainer(model=args.model, args=sft_args, train_dataset=Dataset.from_list(read("train.jsonl")), eval_dataset=Dataset.from_list(read("test.jsonl")), processing_class=tokenizer)
trainer.train()
metrics = trainer.evaluate()
trainer.save_model(str(args.out / "model"))
tokenizer.save_pretrained(str(args.out / "model"))
print(json.dumps({"loss": metrics["eval_loss"]}))
