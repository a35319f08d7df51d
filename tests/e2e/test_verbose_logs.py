"""What `pulumi up -v=9` prints when the keys come from the environment (or Entra ID) and the
stack manages its container: no Speech key, no storage key, no SAS signature, no token. (Keys
kept in stack config travel in the engine's Configure call, which -v=9 logs: README, Secrets.)

With Entra ID there is no key at all: the container and uploads go through Entra too, and each
voice's SAS is a user delegation SAS, which the emulator, reading the prompt audio as the
service does, uses against an Azurite that verifies it."""

import re

import pytest

from tests.e2e.conftest import KEY, Project
from tests.e2e.test_full_chain import dev_catalog
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

pytestmark = pytest.mark.e2e

SIGNATURE = re.compile(r"sig=[A-Za-z0-9%+/=]{20,}")
BEARER = re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{20,}")


@pytest.mark.parametrize("project", ["storage", "entra-storage"], indirect=True)
def test_verbose_logs_hold_no_secret_when_keys_come_from_the_environment(
    project: Project, azurite: Azurite, azurite_entra: Azurite
):
    for key in ("sasToken", "speechKey", "storageAccountKey"):
        project.pulumi("config", "rm", key)
    entra = "IDENTITY_ENDPOINT" in project.env
    if not entra:
        project.env["AZURE_SPEECH_KEY"] = KEY
        project.env["AZURE_STORAGE_KEY"] = ACCOUNT_KEY
    project.write_catalog(dev_catalog(project, azurite_entra if entra else azurite))

    logged = project.pulumi("up", "--yes", "-v=9", "--logtostderr", "--logflow")
    text = f"{logged.stdout}\n{logged.stderr}"
    assert len(text) > 100_000  # it did log verbosely
    assert KEY not in text and ACCOUNT_KEY not in text
    assert SIGNATURE.findall(text) == [] and BEARER.findall(text) == []
    voices = project.voices_in_service()
    assert {voice_id: voice["status"] for voice_id, voice in voices.items()} == {
        "JessicaPersonalVoice": "Succeeded",  # the service read the audio through the minted SAS
        "MarkPersonalVoice": "Succeeded",
    }
