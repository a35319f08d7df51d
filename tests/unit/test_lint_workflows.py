"""scripts/lint-workflows: actionlint, with shellcheck on `run:` blocks, finds what is wrong.

The script builds actionlint from the Go module proxy once (about 20 s, cached outside the
repo); these tests are skipped, saying so, on a machine that has neither Go nor that build.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/lint-workflows"
CACHE = Path(
    os.environ.get("PV_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "personal-voice-as-code"
)

pytestmark = pytest.mark.skipif(
    shutil.which("go") is None and not any(CACHE.glob("actionlint-v*/actionlint")),
    reason="scripts/lint-workflows builds actionlint with Go, which this machine lacks (and no build is cached)",
)

CLEAN = """\
name: Clean
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  up:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        stack: [prod, staging]
    concurrency:
      group: pulumi-up-${{ matrix.stack }}
      cancel-in-progress: false
    env:
      STACK: ${{ matrix.stack }}
    steps:
      - run: echo "updating $STACK"
"""


def lint(*files: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """actionlint names a file relative to the working folder when that is shorter, so a test
    runs it from the workflow's own project folder to know the name it prints."""
    return subprocess.run([SCRIPT, *files], check=False, capture_output=True, text=True, timeout=600, cwd=cwd)


def workflow(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".github" / "workflows" / "checked.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_clean_workflow_passes_and_the_script_says_what_it_checked(tmp_path):
    path = workflow(tmp_path, CLEAN)
    done = lint(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"on 1 file(s): {path}" in done.stdout
    assert "actionlint v1.7.12 with shellcheck 0.11.0" in done.stdout
    assert "no problems" in done.stdout


def test_a_broken_workflow_is_reported_at_its_line(tmp_path):
    path = workflow(
        tmp_path,
        CLEAN.replace("group: pulumi-up-${{ matrix.stack }}", "group: pulumi-up-${{ matrix.stacks }}").replace(
            "    runs-on: ubuntu-24.04\n", "    runs-on: ubuntu-24.04\n    needs: [build]\n"
        ),
    )
    done = lint(path, cwd=tmp_path)
    shown = path.relative_to(tmp_path)
    assert done.returncode != 0
    assert f'\n{shown}:8:3: job "up" needs job "build" which does not exist in this workflow [job-needs]' in done.stdout
    assert (
        f'\n{shown}:15:28: property "stacks" is not defined in object type {{stack: string}} [expression]'
        in done.stdout
    )
    assert "problems found" in done.stderr


def test_shellcheck_checks_the_run_blocks(tmp_path):
    path = workflow(tmp_path, CLEAN.replace('run: echo "updating $STACK"', "run: cd $RUNNER_TEMP && ls"))
    done = lint(path)
    assert done.returncode != 0
    assert "shellcheck reported issue in this script: SC2086" in done.stdout


def test_the_repository_workflows_are_the_default(tmp_path):
    done = lint()
    workflows = sorted(path.relative_to(ROOT) for path in (ROOT / ".github/workflows").glob("*.yml"))
    assert workflows, "the repository has no workflow"
    assert f"on {len(workflows)} file(s): {' '.join(map(str, workflows))}" in done.stdout
