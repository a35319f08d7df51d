"""What `pulumi up -v=9` prints when the keys come from the environment (or Entra ID) and the
stack manages its container: no Speech key, no storage key, no SAS signature, no token. (Keys
kept in stack config travel in the engine's Configure call, which -v=9 logs: README, Secrets.)"""

import re

import pytest

from tests.e2e.conftest import KEY, Project
from tests.e2e.test_full_chain import dev_catalog
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

pytestmark = pytest.mark.e2e

SIGNATURE = re.compile(r"sig=[A-Za-z0-9%+/=]{20,}")
BEARER = re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{20,}")


@pytest.mark.parametrize("project", ["storage", "entra"], indirect=True)
def test_verbose_logs_hold_no_secret_when_keys_come_from_the_environment(project: Project, azurite: Azurite):
    for key in ("sasToken", "speechKey", "storageAccountKey"):
        project.pulumi("config", "rm", key)
    if "IDENTITY_ENDPOINT" not in project.env:
        project.env["AZURE_SPEECH_KEY"] = KEY
    project.env["AZURE_STORAGE_KEY"] = ACCOUNT_KEY
    project.write_catalog(dev_catalog(project, azurite))

    logged = project.pulumi("up", "--yes", "-v=9", "--logtostderr", "--logflow")
    text = f"{logged.stdout}\n{logged.stderr}"
    assert len(text) > 100_000  # it did log verbosely
    assert KEY not in text and ACCOUNT_KEY not in text
    assert SIGNATURE.findall(text) == [] and BEARER.findall(text) == []
    assert set(project.voices_in_service()) == {"JessicaPersonalVoice", "MarkPersonalVoice"}
