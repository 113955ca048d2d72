"""spaCy textcat runner settings (spaCy 3.8).

Defaults: Argilla's spaCy tab (`max_steps=20000`, `max_epochs=0` = no epoch limit, `patience=1600`,
`eval_frequency=200`, `seed=42`) and `init_config(optimize="efficiency")`, whose textcat model is the
bag-of-words `spacy.TextCatBOW.v3`. `architecture: "ensemble"` picks spaCy's default `TextCatEnsemble.v2`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from .config_base import parse_config, refuse_processes
from .errors import InvalidConfigError

SINGLE_PROCESS = "spaCy trains in one process"


@dataclasses.dataclass
class SpacyConfig:
    SCHEMA_NAME = "spacy"  # its schema in protocol/configs.schema.json

    max_steps: int = 20000
    max_epochs: int = 0
    patience: int = 1600
    eval_frequency: int = 200
    dropout: float = 0.1
    batch_size: int = 32
    learning_rate: float = 0.001
    architecture: Literal["bow", "ensemble"] = "bow"
    threshold: float = 0.5  # textcat_multilabel: a label is predicted when its score exceeds this
    save_steps: int = 1000
    num_processes: int = 1
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def validate(self) -> None:
        refuse_processes(self.num_processes, SINGLE_PROCESS)
        if self.learning_rate <= 0:
            raise InvalidConfigError("config `learning_rate` must be > 0")
        if self.max_steps <= 0 and self.max_epochs <= 0:
            raise InvalidConfigError("config needs `max_steps` > 0 or `max_epochs` > 0")
        if not 0 <= self.dropout < 1:
            raise InvalidConfigError("config `dropout` must lie in [0, 1)")
        for name in ("batch_size", "eval_frequency", "save_steps"):
            if getattr(self, name) < 1:
                raise InvalidConfigError(f"config `{name}` must be ≥ 1")


def parse(data: dict[str, Any]) -> SpacyConfig:
    return parse_config(SpacyConfig, data, frozenset(), "spacy")
