"""Errors the worker reports as an `error` event with a kind, before or during training."""


class StudioTrainerError(Exception):
    kind = "training"


class InvalidJobError(StudioTrainerError):
    kind = "invalid_job"


class InvalidConfigError(StudioTrainerError):
    kind = "invalid_config"


class InvalidDataError(StudioTrainerError):
    kind = "invalid_data"
