"""scripts/pipeline-sign-in refuses to start without the settings a workflow must give it (the
way through Azure is proven end to end in tests/e2e/test_pipeline_sign_in.py)."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_missing_settings_are_named_before_anything_is_tried(tmp_path):
    # An `az` that would say if it were called.
    (tmp_path / "az").write_text("#!/bin/sh\necho called >&2\nexit 1\n")
    (tmp_path / "az").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE")}
    done = subprocess.run(
        [ROOT / "scripts/pipeline-sign-in", "prod"],
        env={**env, "PATH": f"{tmp_path}{os.pathsep}{env['PATH']}"},
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert done.stdout == (
        "::error::the repository (or its environment) lacks: variable PULUMI_BACKEND_URL, secret "
        "PULUMI_CONFIG_PASSPHRASE; README, Pull requests and pipelines, lists the settings\n"
    )
    assert "called" not in done.stderr
