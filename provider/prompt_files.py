"""Local prompt audio files as resource inputs: each `{name, path, sha256}`, hashed by the
program at preview time, so a new recording at the same path is a change Pulumi sees. Both
ways a voice's recordings reach the service use them: uploaded to a container
(`PromptAudio`), or sent with the voice's create (`PersonalVoice` with `audioFiles`)."""

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from provider.errors import ProviderError, Refused
from provider.hashing import file_sha256
from provider.inputs import is_unknown
from provider.validation import Problem

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class PromptFile:
    name: str  # the blob name under the prefix, or the file name sent
    path: str  # the local file
    sha256: str

    @classmethod
    def of(cls, path: str | Path, name: str | None = None) -> "PromptFile":
        """The file at `path`, hashed now (at preview time), named after it unless `name` is given."""
        return cls(name or Path(path).name, str(path), file_sha256(path))

    @classmethod
    def in_project(cls, path: str, project_root: Path) -> "PromptFile":
        """The file at `path` under `project_root`, hashed now. The path stays relative, so
        state is the same on every machine."""
        return cls(PurePosixPath(path).name, path, file_sha256(project_root / path))

    def as_input(self) -> dict[str, str]:
        return {"name": self.name, "path": self.path, "sha256": self.sha256}


def content_sha256(files: Sequence[dict[str, Any]]) -> str:
    """A digest of the sorted (name, sha256) pairs: what a voice trained on the files depends on."""
    pairs = sorted([str(f["name"]), str(f["sha256"])] for f in files)
    return hashlib.sha256(json.dumps(pairs, separators=(",", ":")).encode()).hexdigest()


def check_prompt_files(field: str, files: Any) -> list[Problem]:
    if not isinstance(files, list) or not files:
        return [Problem(field, "must list at least one file, each {name, path, sha256}")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, file in enumerate(files):
        item = f"{field}[{index}]"
        if not isinstance(file, dict):
            problems.append(Problem(item, "must be {name, path, sha256}"))
            continue
        name, path, sha256 = file.get("name"), file.get("path"), file.get("sha256")
        problems += _check_name(f"{item}.name", name, seen)
        if not isinstance(path, str) or not Path(path).is_file():
            problems.append(Problem(f"{item}.path", f"no such file: {path!r}"))
        if not isinstance(sha256, str) or not SHA256.match(sha256):
            problems.append(Problem(f"{item}.sha256", "must be the file's SHA-256: 64 lower-case hex digits"))
    return problems


def any_unknown(files: Any) -> bool:
    """Whether a name or hash of `files` is still unknown (so their digest is too)."""
    return is_unknown(files) or any(
        is_unknown(file) or is_unknown(file.get("name")) or is_unknown(file.get("sha256")) for file in files
    )


def read_verified(file: dict[str, Any]) -> bytes:
    """The file's content, as long as it is still what the preview hashed."""
    path = Path(file["path"])
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ProviderError(f"Reading prompt audio file {str(path)!r} failed: {error.strerror}") from None
    if hashlib.sha256(data).hexdigest() != file["sha256"]:
        raise Refused(f"{str(path)!r} changed after the preview computed its hash; run `pulumi up` again")
    return data


def _check_name(field: str, name: Any, seen: set[str]) -> list[Problem]:
    if not isinstance(name, str) or not name:
        return [Problem(field, "is required: the file's name (under the prefix, for a container)")]
    segments = name.split("/")
    if "\\" in name or any(segment in ("", ".", "..") for segment in segments):
        return [Problem(field, f"{name!r} is not a blob name: '/'-separated, no empty, '.' or '..' parts, no '\\'")]
    if name in seen:
        return [Problem(field, f"{name!r} is declared twice")]
    seen.add(name)
    return []
