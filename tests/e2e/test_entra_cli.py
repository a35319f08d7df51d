"""pulumi up with Microsoft Entra ID instead of the Speech key: the provider host's
DefaultAzureCredential gets its token from the emulator's managed identity endpoint."""

import pytest

from tests.e2e import catalogs
from tests.e2e.conftest import Project

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("project", ["entra"], indirect=True)]

# One voice is enough to prove the bearer path.
CATALOG = {**catalogs.CATALOG, "voices": catalogs.CATALOG["voices"][:1]}


def test_up_with_a_managed_identity_and_no_key(project: Project):
    assert "speechKey" not in project.pulumi("config", "--show-secrets", "--json").stdout
    project.write_catalog(CATALOG)

    project.pulumi("up", "--yes")

    voice = project.voices_in_service()["JessicaVoice"]
    assert voice["status"] == "Succeeded"
    assert project.outputs()["voices"]["JessicaVoice"]["speakerProfileId"] == voice["speakerProfileId"]
    assert project.pulumi("preview", "--expect-no-changes").returncode == 0
    # No token and no identity header anywhere: the project's secret scan, at its end.
