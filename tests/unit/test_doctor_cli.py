"""scripts/doctor's own arguments: `--help` answers (it once reached argparse as `--stack --help`
and failed), and anything but one stack name is refused in one line, before any check."""

import subprocess
from pathlib import Path

DOCTOR = Path(__file__).resolve().parents[2] / "scripts" / "doctor"


def doctor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DOCTOR), *args], capture_output=True, text=True, timeout=120, check=False)


def test_help_names_the_script_and_its_one_argument():
    shown = doctor("--help")

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: scripts/doctor [-h] [stack]")
    assert "the stack to check (default: dev)" in shown.stdout


def test_more_than_one_stack_is_refused_before_any_check():
    refused = doctor("mine", "theirs")

    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines()[-1] == "scripts/doctor: error: unrecognized arguments: theirs"
