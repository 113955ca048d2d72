"""Tiny models for tests, built from a config (nothing downloaded): a byte-level BPE tokenizer trained on
the shipped samples, with a ChatML chat template, and a LlamaForCausalLM (hidden 32, 2 layers) on it.

Used by pytest (conftest.py's fixtures) and by the studio's end-to-end tests, which build them once:

    PYTHONPATH=trainer python -m tests.tiny_models --out DIR     # DIR/tokenizer, DIR/llama

Deterministic: the same samples give the same tokenizer and the same weights.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_tokenizer(folder: Path) -> Path:
    """A byte-level BPE tokenizer (vocab ~600) trained on every string of the shipped samples."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    from tests.samples import all_texts

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    specials = ["<|endoftext|>", "<|pad|>", "<|im_start|>", "<|im_end|>"]
    trainer = trainers.BpeTrainer(vocab_size=600, min_frequency=2, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(all_texts(), trainer=trainer)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|endoftext|>", pad_token="<|pad|>", bos_token="<|endoftext|>", unk_token="<|endoftext|>")
    wrapped.chat_template = CHAT_TEMPLATE
    wrapped.save_pretrained(folder)
    return folder


def build_llama(folder: Path, tokenizer_dir: Path) -> Path:
    """LlamaForCausalLM, hidden 32, 2 layers, random weights (seed 0), saved with its tokenizer."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM, set_seed

    set_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = LlamaForCausalLM(config).to(torch.float32)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_all(out: Path) -> dict[str, str]:
    """Both models under `out`: {"tokenizer": out/tokenizer, "llama": out/llama}."""
    tokenizer = build_tokenizer(out / "tokenizer")
    llama = build_llama(out / "llama", tokenizer)
    return {"tokenizer": str(tokenizer), "llama": str(llama)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.tiny_models", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="the folder to write tokenizer/ and llama/ into")
    args = parser.parse_args(argv)
    print(json.dumps(build_all(args.out)))


if __name__ == "__main__":
    main()
