"""A stack's config as the provider host gets it, secrets decrypted: read with `pulumi config
--json --show-secrets` into memory, never printed and never on a command line. Every secret
value is registered with `redact` before anything is shown."""

import json
import subprocess
from pathlib import Path

from provider.redaction import register_sas, register_secret

PULUMI_TIMEOUT_SECONDS = 120


class StackConfigError(Exception):
    """The config could not be read; the message is pulumi's reason, in one line."""


def read_stack_config(stack: str, project_dir: Path) -> dict[str, str]:
    """`{"personal-voice:speechEndpoint": "https://...", ...}`: the shape `StackConfig` reads."""
    try:
        result = subprocess.run(
            ["pulumi", "config", "--json", "--show-secrets", "--stack", stack, "--non-interactive"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=PULUMI_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StackConfigError(f"pulumi could not be run: {error}") from None
    if result.returncode != 0:
        raise StackConfigError(pulumi_error_reason(result.stderr) or f"pulumi config exited {result.returncode}")
    try:
        entries = json.loads(result.stdout or "{}")
    except ValueError:
        raise StackConfigError("pulumi config --json printed something that is not JSON") from None
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


def pulumi_error_reason(stderr: str) -> str:
    """The line of pulumi's standard error that says why it failed (its first `error:` line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error:")]
    return (errors or lines or [""])[0].removeprefix("error:").strip()
