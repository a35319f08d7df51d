"""The README's main job, as a newcomer runs it: `scripts/dev-up` in a clone, twice. The second
run must change nothing (`--expect-no-changes`) and print the same outputs; `scripts/dev-down`
then destroys the stack and stops what dev-up started. The dev stack makes its Speech account in
the emulator's ARM front and reads its key there: none is in Pulumi.dev.yaml.

The clone is a copy of this checkout (its virtualenv linked, not rebuilt), so its emulator,
Azurite, state and pid files are its own. Its ports are the dev stack's own (Pulumi.dev.yaml
and stacks/dev.yaml name them), so the test is skipped while a dev environment holds them."""

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.e2e.conftest import COMMAND_TIMEOUT, ROOT
from tests.storage_fixtures import ACCOUNT_KEY

pytestmark = pytest.mark.e2e

DEV_PORTS = {"emulator": 8765, "emulator's ARM front": 8766, "Azurite": 10000}
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".run", ".pulumi-state", "mutants", ".hypothesis", "__pycache__", "*.egg-info", ".*_cache"
)


def port_answers(port: int) -> bool:
    result = subprocess.run(["bash", "-c", f"(exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null"], check=False, timeout=10)
    return result.returncode == 0


@pytest.fixture
def clone(tmp_path: Path, pulumi_bin: str) -> Iterator[Path]:
    held = [name for name, port in DEV_PORTS.items() if port_answers(port)]
    if held:
        pytest.skip(f"the dev stack's ports are in use ({', '.join(held)}): run scripts/dev-down first")
    directory = tmp_path / "clone"
    shutil.copytree(ROOT, directory, ignore=NOT_COPIED, symlinks=True)
    (directory / ".venv").symlink_to(ROOT / ".venv")
    yield directory
    # Whatever happened above, nothing of the clone's goes on running (its state goes with it).
    for service in ("emulator", "azurite"):
        subprocess.run([str(directory / "scripts" / service), "stop"], capture_output=True, timeout=60, check=False)


def environment(pulumi_bin: str) -> dict[str, str]:
    """A newcomer's: no pulumi settings of this session's; the pinned CLI first on PATH."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "PV_")) and k != "PYTHONPATH"}
    return {**inherited, "PATH": f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}"}


def run(clone: Path, pulumi_bin: str, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(clone / "scripts" / script), *args],
        env=environment(pulumi_bin),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"scripts/{script} {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}\n"
        f"{result.stdout[-4000:]}"
    )
    return result


def outputs(printed: str) -> dict[str, object]:
    """dev-up's last lines: `pulumi stack output --json`."""
    return json.loads(printed[printed.rindex("\n{") :] if "\n{" in printed else printed)


def test_dev_up_twice_changes_nothing_and_dev_down_stops_everything(clone: Path, pulumi_bin: str) -> None:
    config = (clone / "Pulumi.dev.yaml").read_text()
    assert "speechKey" not in config and "speechEndpoint" not in config
    first = run(clone, pulumi_bin, "dev-up")
    identity_header = (clone / ".run" / "identity-header").read_text()
    second = run(clone, pulumi_bin, "dev-up", "--expect-no-changes")
    assert outputs(first.stdout) == outputs(second.stdout)
    voices = outputs(second.stdout)["voices"]
    assert isinstance(voices, dict) and voices, second.stdout
    assert all(voice["status"] == "Succeeded" for voice in voices.values()), voices
    assert {(voice["account"], voice["region"]) for voice in voices.values()} == {("contoso-speech", "eastus")}

    down = run(clone, pulumi_bin, "dev-down")
    assert not [name for name, port in DEV_PORTS.items() if port_answers(port)], down.stderr
    assert not list((clone / ".run").glob("*.pid"))
    assert not [path.name for path in (clone / ".run").iterdir() if path.name in ("identity-header", "arm-ca.pem")]

    printed = "\n".join(result.stdout + result.stderr for result in (first, second, down))
    for name, secret in {"managed identity header": identity_header, "storage account key": ACCOUNT_KEY}.items():
        for form in (secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode()):
            assert form not in printed, f"the {name} is in the scripts' output"
