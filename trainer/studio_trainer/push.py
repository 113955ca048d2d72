"""Push a trained model (and optionally its prepared dataset) to a Hugging Face Hub.

`python -m studio_trainer.push --job push.json` writes JSON-lines events on stdout (phase, progress in
bytes, done, error), everything else on stderr. The token comes only from the environment (HF_TOKEN),
the Hub from HF_ENDPOINT; neither is ever written to an event, the log or a file. push.json lists the
repos to push, each a folder and the card the studio rendered for it:

    {"retries": 3, "pushes": [{"repo": "owner/name", "repo_type": "model", "private": false,
      "folder": "/…/output/model", "card": "README.md", "layout": "folder" | "spacy",
      "package_name": "en_name", "work_dir": "spacy-package"}]}

Uploads go through `HfApi.create_commit`: the client asks `preupload` which files the Hub already has
(same blob id: skipped), sends large files through the LFS batch API (or Xet where the Hub offers it and
HF_HUB_DISABLE_XET is unset), where an object the Hub already stores gets no upload action, and commits.
So a push re-run after a failure sends only what did not arrive. `http_backoff` retries each request on
429/5xx and network errors (5 tries, 1 s doubling to 8 s); on top of that a commit that still fails with a
transient error is tried again `retries` times, 5 s doubling, keeping what each try uploaded.

spaCy pipelines are laid out as spacy-huggingface-hub does: `spacy package` builds the wheel, the
pipeline's files inside it go to the repo's root, and the wheel goes beside them as
`<package>-any-py3-none-any.whl` (so `pip install <repo url>/resolve/main/<package>-any-py3-none-any.whl`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any, Callable

from . import protocol

TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}


class PushError(Exception):
    """A failure with its own message for the job page; `code` names the kind (bad_token, …)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class _Scrubbed:
    """A text stream that never lets the token through (a library's debug line, a traceback)."""

    def __init__(self, stream: Any, secret: str):
        self._stream = stream
        self._secret = secret

    def write(self, text: str) -> int:
        return self._stream.write(text.replace(self._secret, "hf_***"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def scrub(text: str, token: str | None) -> str:
    return text.replace(token, "hf_***") if token else text


class Progress:
    """Bytes sent over bytes to send, emitted at most 4 times a second (the last always)."""

    def __init__(self, total: int):
        self.total = total
        self._per_file: dict[str, int] = {}
        self._lock = threading.Lock()
        self._last = 0.0

    def set(self, key: str, sent: int, force: bool = False) -> None:
        with self._lock:
            self._per_file[key] = sent
            now = time.monotonic()
            if not force and now - self._last < 0.25:
                return
            self._last = now
            done = min(self.total, sum(self._per_file.values()))
        protocol.emit("progress", done=done, total=self.total, unit="bytes")


def _counted_add_class():
    from huggingface_hub import CommitOperationAdd

    class CountedAdd(CommitOperationAdd):
        """An added file whose upload read (the LFS PUT body) reports the bytes sent."""

        progress: Progress | None = None
        key: str = ""

        @contextlib.contextmanager
        def as_file(self, with_tqdm: bool = False):
            if not with_tqdm or self.progress is None:
                with super().as_file(with_tqdm=False) as file:
                    yield file
                return
            progress, key = self.progress, self.key
            progress.set(key, 0)
            with open(self.path_or_fileobj, "rb") as file:
                read = file.read
                sent = 0

                def counting_read(size: int | None = -1) -> bytes:
                    nonlocal sent
                    data = read(size)
                    sent += len(data)
                    progress.set(key, sent)
                    return data

                file.read = counting_read  # type: ignore[method-assign]
                yield file

    return CountedAdd


def _status(error: BaseException) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def _server_message(error: BaseException) -> str:
    """The Hub's own words (its JSON `error`), else the exception's first line."""
    response = getattr(error, "response", None)
    if response is not None:
        with contextlib.suppress(Exception):
            body = response.json()
            if isinstance(body, dict) and body.get("error"):
                return str(body["error"])
    return str(error).split("\n")[0]


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _is_transient(error: BaseException) -> bool:
    import httpx2

    for cause in _chain(error):
        if isinstance(cause, (httpx2.TransportError, ConnectionError, TimeoutError)):
            return True
        # After a connection error the client resets its shared HTTP session; the other upload
        # threads' requests then fail with this instead of the network error itself.
        if isinstance(cause, RuntimeError) and "client has been closed" in str(cause):
            return True
        if _status(cause) in TRANSIENT_STATUS:
            return True
    return False


def _http_error(error: BaseException, repo: str, user: str | None, creating: bool = False) -> PushError | None:
    """A Hub refusal as the person's problem to fix, or None (not an HTTP refusal). A 400 names the repo only when creating it."""
    for cause in _chain(error):
        status = _status(cause)
        if status is None:
            continue
        said = _server_message(cause)
        if status == 401:
            return PushError("bad_token", "The Hub refused the Hugging Face token (401: invalid, expired or revoked). Set a valid token on the Secrets page.")
        if status == 403:
            if "read" in said.lower() and "token" in said.lower():
                return read_only_error()
            return foreign_owner_error(repo, user, said)
        if status in (400, 422) and creating:
            return PushError("refused_name", f"The Hub refused the repo name {repo}: {said}")
        if status not in TRANSIENT_STATUS:
            return PushError("hub_error", f"The Hub answered {status} for {repo}: {said}")
    return None


def read_only_error() -> PushError:
    return PushError("read_only_token", "The Hugging Face token is read-only: it can download but cannot create repos or push. Set a token with write access on the Secrets page.")


def foreign_owner_error(repo: str, user: str | None, said: str = "") -> PushError:
    owner = repo.split("/")[0]
    who = f"the token's user {user}" if user else "this token"
    detail = f" (the Hub said: {said})" if said else ""
    return PushError("foreign_owner", f"{repo} belongs to {owner}, and {who} may not push there: push under your own user name or an organisation you belong to{detail}.")


def check_token(api: Any, token: str | None, repos: list[str]) -> str:
    """whoami: the token works, can write, and owns (or is a member of) every repo's namespace."""
    if not token:
        raise PushError("no_token", "No Hugging Face token is set: an admin sets one on the Secrets page.")
    try:
        me = api.whoami()
    except Exception as error:  # noqa: BLE001 - mapped below
        mapped = _http_error(error, repos[0], None)
        if mapped is not None:
            raise mapped from None
        raise
    user = me.get("name")
    access = (me.get("auth") or {}).get("accessToken") or {}
    if access.get("role") == "read":
        raise read_only_error()
    namespaces = {user, *(org.get("name") for org in me.get("orgs") or [])}
    for repo in repos:
        if repo.split("/")[0] not in namespaces:
            raise foreign_owner_error(repo, user)
    return user


def spacy_files(push: dict[str, Any], base: Path) -> list[tuple[str, Path]]:
    """spacy-huggingface-hub's layout: the packaged pipeline's files at the root, and the wheel.

    The wheel is built reproducibly (the same bytes on every build), so a later push of the same
    model finds it on the Hub and does not send it again.
    """
    work = base / push["work_dir"]
    name = push["package_name"]
    wheel_name = f"{name}-any-py3-none-any.whl"
    repo_dir = work / "repo"
    if not (repo_dir / wheel_name).is_file():
        shutil.rmtree(work, ignore_errors=True)
        packages = work / "packages"
        packages.mkdir(parents=True)
        meta = json.loads((Path(push["folder"]) / "meta.json").read_text(encoding="utf-8"))
        lang, version = meta.get("lang", "xx"), meta.get("version") or "0.0.0"
        short = name[len(lang) + 1 :] if name.startswith(f"{lang}_") else name
        from spacy.cli.package import package as spacy_package

        spacy_package(Path(push["folder"]), packages, name=short, version=version, create_meta=False, create_sdist=False, create_wheel=False, force=True, silent=True)
        package_dir = packages / f"{name}-{version}"
        # setuptools' own bdist_wheel (spacy package --build wheel wants the `build` or `wheel` package).
        # A fixed SOURCE_DATE_EPOCH makes the wheel's bytes the same on every build, so a later push finds it unchanged.
        subprocess.run([sys.executable, "setup.py", "-q", "bdist_wheel"], cwd=package_dir, check=True, stdout=sys.stderr, stderr=sys.stderr, env={**os.environ, "SOURCE_DATE_EPOCH": "315532800"})
        wheel = next((package_dir / "dist").glob("*.whl"))
        staged = work / "staged"
        prefix = f"{name}/{name}-{version}/"
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.startswith(prefix) and not member.endswith("/") and member != prefix + "README.md":
                    target = staged / member[len(prefix) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(member))
        shutil.copyfile(wheel, staged / wheel_name)
        staged.rename(repo_dir)
    return [(str(path.relative_to(repo_dir)), path) for path in sorted(repo_dir.rglob("*")) if path.is_file()]


def folder_files(folder: Path) -> list[tuple[str, Path]]:
    return [
        (str(path.relative_to(folder)), path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and str(path.relative_to(folder)) != "README.md" and ".git" not in path.relative_to(folder).parts
    ]


def push_one(api: Any, push: dict[str, Any], base: Path, user: str, retries: int, phase: Callable[[str], None]) -> dict[str, Any]:
    repo, repo_type = push["repo"], push.get("repo_type", "model")
    phase(f"creating {repo_type} repo {repo}")
    try:
        url = api.create_repo(repo, repo_type=repo_type, private=bool(push.get("private")), exist_ok=True)
    except Exception as error:  # noqa: BLE001 - mapped below
        from huggingface_hub.errors import HFValidationError

        if isinstance(error, HFValidationError):
            raise PushError("refused_name", f"The Hub does not accept the repo name {repo}: {str(error).splitlines()[0]}") from None
        mapped = _http_error(error, repo, user, creating=True)
        if mapped is not None:
            raise mapped from None
        if _is_transient(error):
            raise network_error(api, error) from None
        raise

    if push.get("layout") == "spacy":
        phase("packaging the spaCy pipeline")
        files = spacy_files(push, base)
    else:
        files = folder_files(Path(push["folder"]))
    files.append(("README.md", base / push["card"]))

    CountedAdd = _counted_add_class()
    total = sum(path.stat().st_size for _, path in files)
    progress = Progress(total)
    operations = []
    for path_in_repo, path in files:
        operation = CountedAdd(path_in_repo=path_in_repo, path_or_fileobj=str(path))
        operation.progress, operation.key = progress, path_in_repo
        operations.append(operation)

    phase(f"uploading to {repo}")
    progress.set("", 0, force=True)
    wait = 5.0
    for attempt in range(retries + 1):
        try:
            info = api.create_commit(repo, operations=operations, commit_message=push.get("message") or "Push from Feedback Studio", repo_type=repo_type)
            break
        except Exception as error:  # noqa: BLE001 - mapped below
            mapped = _http_error(error, repo, user)
            if mapped is not None:
                raise mapped from None
            if not _is_transient(error):
                raise
            if attempt == retries:
                raise network_error(api, error) from None
            print(f"[push] transient error ({_server_message(error)}), trying again in {wait:.0f} s", file=sys.stderr)
            time.sleep(wait)
            wait *= 2
    for operation in operations:
        progress.set(operation.key, operation.upload_info.size)
    progress.set("", 0, force=True)
    unchanged = [op.path_in_repo for op in operations if op._remote_oid is not None and op._remote_oid == op._local_oid]
    return {
        "repo": repo,
        "repo_type": repo_type,
        "url": str(url),
        "commit_url": info.commit_url,
        "commit_oid": info.oid,
        "files": [{"path": op.path_in_repo, "size": op.upload_info.size} for op in operations],
        "bytes": total,
        "unchanged": unchanged,
    }


def network_error(api: Any, error: BaseException) -> PushError:
    return PushError(
        "network",
        f"The connection to the Hub ({api.endpoint}) failed during the upload and did not come back after retries "
        f"({_server_message(error)}). What was uploaded stays there: push again to finish, and files already on the Hub are not sent again.",
    )


def run(spec_path: str) -> int:
    protocol.install()
    token = os.environ.get("HF_TOKEN") or None
    if token:
        sys.stderr = _Scrubbed(sys.stderr, token)  # type: ignore[assignment]
    spec_file = Path(spec_path).resolve()
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    try:
        from huggingface_hub import HfApi, __version__ as hub_version

        api = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None, token=token, library_name="feedback-studio")
        protocol.emit("started", versions={"huggingface_hub": hub_version, "python": sys.version.split()[0]}, endpoint=api.endpoint)
        phase = lambda name: protocol.emit("phase", phase=name)  # noqa: E731
        phase("checking the token")
        user = check_token(api, token, [push["repo"] for push in spec["pushes"]])
        results = [push_one(api, push, spec_file.parent, user, int(spec.get("retries", 3)), phase) for push in spec["pushes"]]
        protocol.emit("done", pushes=results)
        return 0
    except PushError as error:
        protocol.emit("error", code=error.code, message=scrub(error.message, token), traceback=None)
        return 1
    except Exception as error:  # noqa: BLE001 - reported, then the exit status says it failed
        protocol.emit("error", code="unexpected", message=scrub(f"{type(error).__name__}: {error}", token), traceback=scrub(traceback.format_exc(), token))
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studio_trainer.push")
    parser.add_argument("--job", required=True, help="path of push.json")
    args = parser.parse_args(argv)
    return run(args.job)


if __name__ == "__main__":
    sys.exit(main())
