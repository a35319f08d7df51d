"""scripts/cli_version.py: which pulumi CLIs can run this project's program."""

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.cli_version import why_not

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("cli", ["v3.260.0", "v3.260.1", "v3.261.0", "v3.274.1", "3.274.1", "v3.300.0-alpha.17+dirty"])
def test_a_cli_at_or_above_the_sdks_version_of_its_major_version_runs_it(cli: str):
    assert why_not(cli, "3.260.0") is None


@pytest.mark.parametrize("cli", ["v3.259.9", "v3.250.0", "v3.26.0", "v3.260.0-alpha.1"])
def test_an_older_cli_is_refused_naming_what_the_sdk_needs(cli: str):
    assert why_not(cli, "3.260.0") == f"it reports {cli!r}, and this project's SDK needs v3.260.0 or later"


@pytest.mark.parametrize("cli", ["v4.0.0", "v2.999.0"])
def test_a_cli_of_another_major_version_is_refused_as_untested(cli: str):
    assert why_not(cli, "3.260.0") == (
        f"it reports {cli!r}, of another major version than this project's SDK (v3.260.0), which it may not run"
    )


@pytest.mark.parametrize("reported", ["", "pulumi", "v3.274", "v3.274.1 extra", "warning: v3.274.1"])
def test_what_is_not_a_version_is_refused(reported: str):
    assert "not a version" in str(why_not(reported, "3.260.0"))


def test_the_script_exits_by_the_rule_and_says_why_on_stderr():
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, ROOT / "scripts/cli_version.py", *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=30,
        )

    accepted = run("v3.274.1", "3.260.0")
    assert (accepted.returncode, accepted.stdout, accepted.stderr) == (0, "", "")
    refused = run("v3.250.0", "3.260.0")
    assert refused.returncode == 1
    assert refused.stderr == "it reports 'v3.250.0', and this project's SDK needs v3.260.0 or later\n"
    assert run("v3.274.1").returncode == 2
