"""The preview benchmark's smoke run: one small round of each command on the voices stack and
both floors (trivial, and shaped as the voices stack), then the profile, all through the real CLI
(benchmarks/bench_preview.py)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_one_round_prints_each_command_against_both_floors_and_profiles_both_processes():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_preview.py"), "--voices", "1", "--rounds", "1", "--profile"],
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for command in ("preview", "no-op up", "preview-review"):
        row = next(line for line in out.splitlines() if line.startswith(f"| {command} |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        # both floors and voices, its ratio to each, and the requests the emulator saw (the voices
        # stack reads them).
        assert all(cell.endswith(" s") for cell in cells[1:4]) and all(cell.endswith("x") for cell in cells[4:6])
        assert int(cells[6]) > 0
    # The shaped floor holds the voices stack's data: its resources' inputs and outputs.
    assert "## shaped floor: one profiled preview" in out
    # The provider host profiled itself under the CLI (PV_PROVIDER_PROFILE through the launcher):
    # its import times and its calls, the voices stack's host reading this project's providers.
    voices_profile = out.partition("## voices: one profiled preview")[2]
    host_imports = voices_profile.partition("### provider host import times")[2].partition("### cProfile")[0]
    assert re.search(r" own  provider\.", host_imports), host_imports
    host_calls = voices_profile.partition("### cProfile of the host")[2].partition("### the engine's CPU profile")[0]
    assert "pulumi/dynamic/__main__.py" in host_calls and "/provider/speech/" in host_calls, host_calls
    assert "### cProfile of the program" in voices_profile and "program.py" in voices_profile
    assert "catalog.deletion_guard" in voices_profile or "catalog.stack" in voices_profile
    # And the engine profiled itself (`pulumi --profiling`).
    assert "### the engine's CPU profile" in voices_profile
