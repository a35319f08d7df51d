"""scripts/common.sh, which every script sources: the dev passphrase is only a default."""

import os
import subprocess
from pathlib import Path

import pytest

COMMON = Path(__file__).resolve().parents[2] / "scripts" / "common.sh"


def passphrase_after_sourcing(**given: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_CONFIG_PASSPHRASE")} | given
    shown = subprocess.run(
        ["bash", "-c", f'source "{COMMON}"; echo "${{PULUMI_CONFIG_PASSPHRASE-unset}}"'],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return shown.stdout.strip()


@pytest.mark.parametrize(
    ("given", "passphrase"),
    [
        ({}, "dev-passphrase"),
        ({"PULUMI_CONFIG_PASSPHRASE": "theirs"}, "theirs"),
        # The CLI reads the variable before the file: a default would win over the caller's file.
        ({"PULUMI_CONFIG_PASSPHRASE_FILE": "/run/secrets/passphrase"}, "unset"),
    ],
)
def test_the_dev_passphrase_is_set_only_when_the_caller_gave_none(given, passphrase):
    assert passphrase_after_sourcing(**given) == passphrase
