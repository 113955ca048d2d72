"""Command line: `python -m studio_trainer --job job.json` trains; `predict` serves a model; `validate` checks a job."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "predict":
        parser = argparse.ArgumentParser(prog="python -m studio_trainer predict")
        parser.add_argument("--model-dir", required=True)
        parser.add_argument("--framework", required=True)
        parser.add_argument("--task", required=True)
        args = parser.parse_args(argv[1:])
        from .predict import serve

        return serve(args.model_dir, args.framework, args.task)
    if argv and argv[0] == "validate":
        parser = argparse.ArgumentParser(prog="python -m studio_trainer validate")
        parser.add_argument("--job", required=True)
        args = parser.parse_args(argv[1:])
        from .worker import validate_job

        return validate_job(args.job)
    parser = argparse.ArgumentParser(prog="python -m studio_trainer")
    parser.add_argument("--job", required=True, help="path of job.json")
    args = parser.parse_args(argv)
    from .worker import run_job

    return run_job(args.job)


if __name__ == "__main__":
    sys.exit(main())
