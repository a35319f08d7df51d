"""A stack's config as the provider host gets it, secrets decrypted: read with `pulumi config
--json --show-secrets` into memory, never printed and never on a command line. Every secret
value is registered with `redact` before anything is shown. And its state, as `pulumi stack
export` gives it."""

import json
import subprocess
from pathlib import Path
from typing import Any

from provider.redaction import register_sas, register_secret

PULUMI_TIMEOUT_SECONDS = 120


class StackConfigError(Exception):
    """The config could not be read; the message is pulumi's reason, in one line."""


def read_stack_config(stack: str, project_dir: Path) -> dict[str, str]:
    """`{"personal-voice:speechEndpoint": "https://...", ...}`: the shape `StackConfig` reads."""
    entries = _pulumi_json(("config", "--json", "--show-secrets"), stack, project_dir)
    config = {}
    for key, entry in entries.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        if value is None:
            continue
        if entry.get("secret"):
            register_secret(value)
            register_sas(f"?{value.lstrip('?')}")  # a SAS token: its signature, raw and decoded
        config[key] = value
    return config


def read_stack_state(stack: str, project_dir: Path) -> dict[str, object]:
    """`pulumi stack export`: the stack's resources and their outputs."""
    return _pulumi_json(("stack", "export"), stack, project_dir)


def _pulumi_json(command: tuple[str, ...], stack: str, project_dir: Path) -> dict[str, Any]:
    """What `pulumi COMMAND --stack STACK` prints, read as a JSON object; StackConfigError with
    pulumi's reason (or what was wrong with its answer) in one line."""
    words = " ".join(part for part in command if not part.startswith("-"))
    shown = " ".join(part for part in command if part != "--show-secrets")
    try:
        result = subprocess.run(
            ["pulumi", *command, "--stack", stack, "--non-interactive"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=PULUMI_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StackConfigError(f"pulumi could not be run: {error}") from None
    if result.returncode != 0:
        raise StackConfigError(pulumi_error_reason(result.stderr) or f"pulumi {words} exited {result.returncode}")
    try:
        answer = json.loads(result.stdout or "{}")
    except ValueError:
        raise StackConfigError(f"pulumi {shown} printed something that is not JSON") from None
    return answer if isinstance(answer, dict) else {}


def pulumi_error_reason(stderr: str) -> str:
    """The line of pulumi's standard error that says why it failed (its first `error:` line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error:")]
    return (errors or lines or [""])[0].removeprefix("error:").strip()
