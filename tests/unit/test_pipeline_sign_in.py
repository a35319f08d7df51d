"""scripts/pipeline-sign-in refuses to start without the settings and arguments a workflow must
give it (the way through Azure is proven end to end in tests/e2e/test_pipeline_sign_in.py)."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def sign_in(tmp_path: Path, *args: str, dropped: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """The script with `dropped` taken out of the environment, and an `az` that would say if it
    were called."""
    (tmp_path / "az").write_text("#!/bin/sh\necho called >&2\nexit 1\n")
    (tmp_path / "az").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [ROOT / "scripts/pipeline-sign-in", *args],
        env={**env, "PATH": f"{tmp_path}{os.pathsep}{env['PATH']}"},
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("args", [["prod"], ["--preview", "prod"]])
def test_missing_settings_are_named_before_anything_is_tried(tmp_path, args):
    done = sign_in(tmp_path, *args, dropped=("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"))
    assert done.returncode == 1
    assert done.stdout == (
        "::error::the repository (or its environment) lacks: variable PULUMI_BACKEND_URL, secret "
        "PULUMI_CONFIG_PASSPHRASE; docs/pipelines.md lists the settings\n"
    )
    assert "called" not in done.stderr


@pytest.mark.parametrize("args", [[], ["--preview"], ["--create", "prod"], ["prod", "staging"], ["--preview", ""]])
def test_wrong_arguments_get_the_usage_before_anything_is_tried(tmp_path, args):
    done = sign_in(tmp_path, *args)
    assert done.returncode == 2
    assert done.stderr == "usage: scripts/pipeline-sign-in [--preview] STACK\n"
