"""What `pulumi up -v=9 --logtostderr --logflow` prints, and writes under `$TMPDIR` (pointed at a
folder of the test's own), counted over all of it.

- Keys from the environment (or Entra ID) and a stack that manages its container (the dev
  chain): no Speech key, no storage key, no SAS signature, no token. With Entra ID there is no
  key at all: the container and uploads go through Entra too, and each voice's SAS is a user
  delegation SAS, which the emulator, reading the prompt audio as the service does, uses
  against an Azurite that verifies it.
- Keys kept in stack config: each shows in the engine's Configure call of the provider host
  (the default provider's inputs hold every config value), once per provider the run starts;
  and, once the state records them among those inputs, in the deletion guard's read of the
  state (catalog/deletion_guard.py), which the engine logs with the state's secrets in the
  clear; nowhere else (docs/secrets.md). Config sasToken is the same:
  tests/e2e/test_config_sas.py counts it, and none when it comes from PV_SAS_TOKEN.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import COMMAND_TIMEOUT, KEY, Project
from tests.e2e.test_full_chain import dev_catalog
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

pytestmark = pytest.mark.e2e

SIGNATURE = re.compile(r"sig=[A-Za-z0-9%+/=]{20,}")
BEARER = re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{20,}")
# The engine's log of the default provider's configuration, which holds the stack's config.
CONFIGURE_LINE = re.compile(r"Marshaling property for RPC\[Provider\[0x[0-9a-f]+\]\.Configure\(\)\.inputs\]")
# The engine's log of what the deletion guard's read of the stack's state returns.
STATE_READ_LINE = re.compile(r"RPC\[ResourceMonitor\.Invoke\(pulumi:pulumi:readStackResourceOutputs\)")


@dataclass(frozen=True)
class VerboseRun:
    text: str  # what the CLI printed, and every file it wrote under $TMPDIR
    files: int

    def lines_with(self, secret: str) -> list[str]:
        return [line for line in self.text.splitlines() if secret in line]

    def only_in_configure(self, secret: str) -> int:
        """How often `secret` shows, checking that each line it shows in is the Configure call's."""
        return self.only_in(secret, CONFIGURE_LINE)

    def only_in(self, secret: str, *places: re.Pattern[str]) -> int:
        """How often `secret` shows, checking that each line it shows in is one of `places`."""
        lines = self.lines_with(secret)
        assert all(any(place.search(line) for place in places) for line in lines), "outside " + ", ".join(
            place.pattern for place in places
        )
        return len(lines)

    def count_in(self, secret: str, place: re.Pattern[str]) -> int:
        return sum(1 for line in self.lines_with(secret) if place.search(line))


def verbose_up(project: Project, folder: Path, *, scanned: bool = True) -> VerboseRun:
    """`pulumi up -v=9 --logtostderr --logflow` with TMPDIR in `folder`. `scanned`: into the
    transcript the fixture's secret scan reads; False for a run that shows config secrets in the
    Configure call on purpose (the test then says where they are)."""
    folder.mkdir()
    args = ("up", "--yes", "-v=9", "--logtostderr", "--logflow")
    env = {**project.env, "TMPDIR": str(folder)}
    if scanned:
        project.env, kept = env, project.env
        try:
            logged = project.pulumi(*args)
        finally:
            project.env = kept
    else:
        logged = subprocess.run(
            ["pulumi", *args, "--non-interactive", "--stack", project.stack],
            cwd=project.directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        # Its output holds config secrets: only the tail of it is shown.
        assert logged.returncode == 0, f"pulumi up -v=9 exited {logged.returncode}: {logged.stdout[-2000:]}"
    written = [path.read_text(errors="replace") for path in folder.rglob("*") if path.is_file()]
    return VerboseRun("\n".join([logged.stdout, logged.stderr, *written]), len(written))


@pytest.mark.parametrize("project", ["storage", "entra-storage"], indirect=True)
def test_verbose_logs_hold_no_secret_when_keys_come_from_the_environment(
    project: Project, azurite: Azurite, azurite_entra: Azurite, tmp_path: Path
):
    for key in ("sasToken", "sasContainer", "speechKey", "storageAccountKey"):
        project.pulumi("config", "rm", key)
    entra = "IDENTITY_ENDPOINT" in project.env
    if not entra:
        project.env["AZURE_SPEECH_KEY"] = KEY
        project.env["AZURE_STORAGE_KEY"] = ACCOUNT_KEY
    project.write_catalog(dev_catalog(project, azurite_entra if entra else azurite))

    logged = verbose_up(project, tmp_path / "tmpdir")
    assert len(logged.text) > 100_000  # it did log verbosely
    assert logged.lines_with(KEY) == [] and logged.lines_with(ACCOUNT_KEY) == []
    assert SIGNATURE.findall(logged.text) == [] and BEARER.findall(logged.text) == []
    voices = project.voices_in_service()
    assert {voice_id: voice["status"] for voice_id, voice in voices.items()} == {
        "JessicaPersonalVoice": "Succeeded",  # the service read the audio through the minted SAS
        "MarkPersonalVoice": "Succeeded",
    }
    if entra:
        return
    # The same stack with its keys kept in config: there, and only in the Configure call. (The
    # refresh configures the provider state recorded, keyless: it still reads the environment.)
    project.pulumi("config", "set", "--secret", "speechKey", KEY)
    project.pulumi("config", "set", "--secret", "storageAccountKey", ACCOUNT_KEY)
    kept = verbose_up(project, tmp_path / "tmpdir-config", scanned=False)
    assert 1 <= kept.only_in_configure(KEY) <= 2 and 1 <= kept.only_in_configure(ACCOUNT_KEY) <= 2
    assert SIGNATURE.findall(kept.text) == []
    # The next run: the state now holds the keys among the provider's inputs, so the guard's
    # read of it shows them once more, and nothing else does.
    again = verbose_up(project, tmp_path / "tmpdir-again", scanned=False)
    for key in (KEY, ACCOUNT_KEY):
        assert again.only_in(key, CONFIGURE_LINE, STATE_READ_LINE) == 4  # measured: 2 and 2
        assert again.count_in(key, CONFIGURE_LINE) == 2 and again.count_in(key, STATE_READ_LINE) == 2
    assert SIGNATURE.findall(again.text) == []
