"""The configs' contract: each dataclass equals its schema in protocol/configs.schema.json (generated from the
studio's zod schemas, the single source), and incoming configs are validated against it."""

from __future__ import annotations

import dataclasses

import pytest

from studio_trainer import registry
from studio_trainer.config_base import configs_schema, parse_config
from studio_trainer.dpo_config import DpoConfig
from studio_trainer.errors import InvalidConfigError
from studio_trainer.peft_config import PeftCausalLmConfig, PeftClassificationConfig
from studio_trainer.ppo_config import OnlineRlConfig
from studio_trainer.reward_config import RewardModelingConfig
from studio_trainer.sentence_transformers_config import SentenceTransformersConfig
from studio_trainer.setfit_config import PASSTHROUGH as SETFIT_PASSTHROUGH
from studio_trainer.setfit_config import SetFitConfig
from studio_trainer.sft_config import SftConfig
from studio_trainer.spacy_config import SpacyConfig
from studio_trainer.transformers_config import ClassificationConfig, QuestionAnsweringConfig

CONFIGS = [
    SetFitConfig,
    ClassificationConfig,
    QuestionAnsweringConfig,
    PeftClassificationConfig,
    PeftCausalLmConfig,
    SentenceTransformersConfig,
    SpacyConfig,
    SftConfig,
    RewardModelingConfig,
    DpoConfig,
    OnlineRlConfig,
]
# Keys that pass through to the framework by a fixed list: declared in the schema, without a default.
DECLARED_PASSTHROUGH = {SetFitConfig: SETFIT_PASSTHROUGH}


def fields_and_defaults(cls) -> dict:
    defaults = {}
    for field in dataclasses.fields(cls):
        if field.name == "extra":
            continue
        assert field.default is not dataclasses.MISSING, f"{cls.__name__}.{field.name} has no default"
        defaults[field.name] = field.default
    return defaults


def test_every_schema_has_one_dataclass():
    assert sorted(cls.SCHEMA_NAME for cls in CONFIGS) == sorted(configs_schema()["$defs"])


@pytest.mark.parametrize("cls", CONFIGS, ids=lambda cls: cls.__name__)
def test_fields_and_defaults_equal_the_schema(cls):
    schema = configs_schema()["$defs"][cls.SCHEMA_NAME]
    properties = schema["properties"]
    declared = DECLARED_PASSTHROUGH.get(cls, frozenset())
    defaults = fields_and_defaults(cls)
    assert set(properties) == set(defaults) | declared
    assert {name: properties[name]["default"] for name in defaults} == defaults
    assert all("default" not in properties[name] for name in declared)
    for name, property in properties.items():
        assert property["level"] in ("basic", "advanced") and property["description"], name


def test_the_runners_are_the_registry():
    schema_runners = {(framework, task) for framework, tasks in configs_schema()["runners"].items() for task in tasks}
    assert schema_runners == set(registry.RUNNERS)


@pytest.mark.parametrize(
    ("cls", "config", "message"),
    [
        (ClassificationConfig, {"learning_rate": 0}, "config `learning_rate` must be > 0"),
        (ClassificationConfig, {"save_total_limit": 0}, "config `save_total_limit` must be ≥ 1"),
        (ClassificationConfig, {"threshold": 1.5}, "config `threshold` must be < 1"),
        (SpacyConfig, {"dropout": 1}, "config `dropout` must be < 1"),
        (SpacyConfig, {"architecture": "cnn"}, "config `architecture` must be one of 'bow', 'ensemble'"),
        (SetFitConfig, {"head_learning_rate": -1}, "config `head_learning_rate` must be > 0"),
        (DpoConfig, {"loss_type": []}, "config `loss_type` must not be empty"),
        (OnlineRlConfig, {"num_generations": 1}, "config `num_generations` must be ≥ 2"),
        (OnlineRlConfig, {"algorithm": "grpo", "num_generations": 3}, "config `num_generations` must divide per_device_train_batch_size × gradient_accumulation_steps"),
        (PeftClassificationConfig, {"bias": "some"}, "config `bias` must be one of 'none', 'all', 'lora_only'"),
    ],
)
def test_incoming_configs_are_checked_against_the_schema(cls, config, message):
    with pytest.raises(InvalidConfigError) as refused:
        parse_config(cls, config, frozenset(), "test")
    assert str(refused.value) == message


def test_a_valid_config_keeps_its_values_and_pass_through_keys():
    config = parse_config(ClassificationConfig, {"learning_rate": 1e-4, "max_steps": 3, "optim": "adamw_torch"}, frozenset({"optim"}), "transformers")
    assert (config.learning_rate, config.max_steps, config.extra) == (1e-4, 3, {"optim": "adamw_torch"})
