"""Every executable in scripts/ answers `--help` with its usage, naming itself, and exit status 0,
before it does anything else (the shell scripts through scripts/help.sh, the Python ones
through argparse)."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
EXECUTABLES = sorted(path.name for path in SCRIPTS.iterdir() if path.is_file() and os.access(path, os.X_OK))


def test_the_scripts_are_found() -> None:
    assert {"dev-up", "doctor", "recover", "setup", "test"} <= set(EXECUTABLES)


@pytest.mark.parametrize("name", EXECUTABLES)
def test_help_shows_the_usage_naming_the_script(name: str) -> None:
    shown = subprocess.run(
        [str(SCRIPTS / name), "--help"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )

    assert shown.returncode == 0, shown.stderr
    assert f"scripts/{name}" in shown.stdout or f"usage: {name}" in shown.stdout


@pytest.mark.parametrize("name", ["dev-up", "recover", "emulator"])
def test_help_starts_nothing(name: str, tmp_path: Path) -> None:
    """A script that would start services or a pulumi run prints its usage instead, even with
    other arguments beside --help."""
    shown = subprocess.run(
        [str(SCRIPTS / name), "start", "--help"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PATH": f"{tmp_path}{os.pathsep}/usr/bin{os.pathsep}/bin"},
    )

    assert shown.returncode == 0
    assert "==>" not in shown.stderr  # the scripts' progress lines
