"""A stack created before provider/ was regrouped by family still refreshes and destroys.

`data/dev-stack-at-38ebc5a.json` is `pulumi stack export` of the dev stack as `scripts/dev-up`
left it at commit 38ebc5a, the last one with the flat provider/ (every provider class pickled
by reference in its module; the stack's passphrase was `dev-passphrase`). Only its two
loopback addresses are moved to this test's emulator and Azurite. The service and the storage
are given the resources that state describes, as they would still hold them; then refresh
must read every one through the pickled provider references, and destroy delete them all.
"""

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ResourceExistsError

from emulator import CustomVoiceBackend, EmulatorServer
from tests.e2e.conftest import KEY, ROOT, Project
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

pytestmark = pytest.mark.e2e

EXPORT = Path(__file__).parent / "data" / "dev-stack-at-38ebc5a.json"
EXPORTED_EMULATOR = "http://127.0.0.1:8765"
EXPORTED_ACCOUNT = "http://127.0.0.1:10000/devstoreaccount1"
PASSPHRASE = "dev-passphrase"
# The dev stack's Speech key (scripts/common.sh): refresh and destroy configure the provider
# from the config recorded in state, so the service must still accept it.
EXPORTED_KEY = "dev-emulator-key"
PROVIDER_MODULES = {
    "customvoice:PersonalVoice": "provider.personal_voice",
    "customvoice:Project": "provider.project",
    "customvoice:Consent": "provider.consent",
    "storage:BlobContainer": "provider.blob_container",
    "storage:PromptAudio": "provider.prompt_audio",
    "storage:ContainerSas": "provider.container_sas",
}


def dynamic_resources(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    prefix = "pulumi-python:dynamic/"
    return [r for r in deployment.get("resources", []) if r["type"].startswith(prefix)]


def kind_of(resource: dict[str, Any]) -> str:
    return resource["type"].removeprefix("pulumi-python:dynamic/")


def plain(value: Any) -> Any:
    """A value of `stack export --show-secrets`, unwrapped if it was stored as a secret."""
    return json.loads(value["plaintext"]) if isinstance(value, dict) and "plaintext" in value else value


def put_back_in_the_service(project: Project, resources: list[dict[str, Any]]) -> None:
    """What the exported stack had created, as the service would still hold it."""
    backend = project.backend
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for resource in resources:
        by_kind.setdefault(kind_of(resource), []).append(resource["outputs"])
    for outputs in by_kind["customvoice:Project"]:
        backend.add_project(outputs["projectId"], description=outputs["description"])
    for outputs in by_kind["customvoice:Consent"]:
        fields = {key: outputs[key] for key in ("voiceTalentName", "companyName", "locale")}
        backend.add_consent(outputs["consentId"], outputs["projectId"], **fields)
    for outputs in by_kind["customvoice:PersonalVoice"]:
        audios = {"containerUrl": outputs["containerUrlWithoutSas"], "extensions": [".wav"]}
        body = {"projectId": outputs["projectId"], "consentId": outputs["consentId"], "audios": audios}
        backend.create_personal_voice(outputs["voiceId"], body)


def put_back_in_storage(azurite: Azurite, resources: list[dict[str, Any]]) -> None:
    for resource in resources:
        outputs = resource["outputs"]
        if kind_of(resource) == "storage:BlobContainer":
            try:
                azurite.service().create_container(outputs["containerName"])
            except ResourceExistsError:
                pass
    for resource in resources:
        outputs = resource["outputs"]
        if kind_of(resource) == "storage:PromptAudio":
            container = azurite.service().get_container_client(outputs["containerName"])
            for file in outputs["files"]:
                data = (ROOT / file["path"]).read_bytes()
                container.upload_blob(
                    f"{outputs['prefix']}{file['name']}", data, overwrite=True, metadata={"sha256": file["sha256"]}
                )


def test_a_stack_from_before_the_move_refreshes_and_destroys(project: Project, azurite: Azurite, tmp_path: Path):
    backend = CustomVoiceBackend(keys=[KEY, EXPORTED_KEY], provisioning_seconds=0.3)
    with EmulatorServer(backend) as server:
        project.server = server
        refresh_and_destroy(project, azurite, tmp_path)


def refresh_and_destroy(project: Project, azurite: Azurite, tmp_path: Path) -> None:
    text = EXPORT.read_text().replace(EXPORTED_EMULATOR, project.server.url)
    text = text.replace(EXPORTED_ACCOUNT, azurite.account_url)
    exported = dynamic_resources(json.loads(text)["deployment"])
    assert {kind_of(r) for r in exported} == set(PROVIDER_MODULES)

    project.stack = "dev"
    project.env["PULUMI_CONFIG_PASSPHRASE"] = PASSPHRASE
    project.pulumi("stack", "init")
    for key, value in (("speechEndpoint", project.server.url), ("pollIntervalSeconds", "0.1")):
        project.pulumi("config", "set", key, value)
    project.pulumi("config", "set", "--secret", "speechKey", KEY)
    project.pulumi("config", "set", "--secret", "storageAccountKey", ACCOUNT_KEY)
    (tmp_path / "export.json").write_text(text)
    project.pulumi("stack", "import", "--file", str(tmp_path / "export.json"))

    put_back_in_the_service(project, exported)
    put_back_in_storage(azurite, exported)
    profiles = {v["id"]: v["speakerProfileId"] for v in project.backend.list_personal_voices()}

    project.pulumi("refresh", "--yes")
    # --show-secrets: refresh may store a provider reference as a secret; it holds none.
    shown = json.loads(project.pulumi("stack", "export", "--show-secrets").stdout)
    refreshed = dynamic_resources(shown["deployment"])
    assert sorted(r["urn"] for r in refreshed) == sorted(r["urn"] for r in exported)
    for resource in refreshed:
        # Still the provider references the stack was created with.
        pickled = base64.b64decode(plain(resource["inputs"]["__provider"])).decode("latin-1")
        assert PROVIDER_MODULES[kind_of(resource)] in pickled
    voices = [r["outputs"] for r in refreshed if kind_of(r) == "customvoice:PersonalVoice"]
    assert {v["voiceId"]: v["speakerProfileId"] for v in voices} == profiles

    project.pulumi("destroy", "--yes")
    assert project.backend.list_projects() == []
    assert project.backend.list_consents() == [] and project.backend.list_personal_voices() == []
    assert "prompt-audio" not in {c.name for c in azurite.service().list_containers()}
