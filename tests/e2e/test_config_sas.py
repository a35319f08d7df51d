"""Config sasToken through the real CLI, on one stack whose audio is in an Azurite container of
its own, read by the emulator (as the service reads it) through the SAS the provider host joins:

- the token is no resource input: state and the review hold plain URLs;
- a pull request that points a voice's containerUrl at another host is refused at preview,
  naming the catalog's file, line and field, and sends nothing about that voice;
- a change of host of the URLs together with the token's container (allowed) is reviewed with
  both hosts in the clear;
- a stack whose state holds the joined URL (as before this change) sees an in-place update that
  drops it, never a replacement;
- a rotated token replaces nothing, and the next create reads the audio with it (the old one is
  revoked first); that `up -v=9`, with the token from PV_SAS_TOKEN, prints no signature, and
  with it in config, only in the Configure call (tests/e2e/test_verbose_logs.py).
"""

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest
from azure.storage.blob import AccessPolicy, ContainerClient, ContainerSasPermissions, generate_container_sas

from tests.audio import wav_bytes
from tests.e2e.catalogs import VOICE_TYPE, profile_ids
from tests.e2e.conftest import KEY, Project
from tests.e2e.test_verbose_logs import SIGNATURE, verbose_up
from tests.review_tables import first_line, rows
from tests.storage_fixtures import ACCOUNT_KEY, ACCOUNT_NAME, Azurite

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("project", ["storage"], indirect=True)]

CONSENT_TYPE = "pulumi-python:dynamic/customvoice:Consent"
ELSEWHERE = "https://contoso.blob.core.windows.net/voices"
# The secret wrapper of a state file (`pulumi stack export`), with the value in plaintext.
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def catalog_in(container_url: str) -> dict[str, Any]:
    return {
        "projects": [{"id": "contoso-personal-voices"}],
        "consents": [
            {
                "id": "jessica-consent",
                "projectId": "contoso-personal-voices",
                "voiceTalentName": "Jessica Smith",
                "companyName": "Contoso",
                "locale": "en-US",
                "audioUrl": f"{container_url}/consents/jessica.wav",
            }
        ],
        "voices": [
            {
                "id": voice_id,
                "projectId": "contoso-personal-voices",
                "consentId": "jessica-consent",
                "audios": {"containerUrl": container_url, "prefix": f"{prefix}/", "extensions": [".wav"]},
            }
            for voice_id, prefix in (("JessicaVoice", "jessica"), ("MarkVoice", "mark"))
        ],
    }


def policy_sas(container: ContainerClient, *policies: str) -> str:
    """Read+list SAS of the stored access policy `policies[-1]`, after the container is given
    exactly `policies` (dropping a policy revokes the tokens made with it)."""
    expiry = datetime.now(UTC) + timedelta(hours=1)
    permission = ContainerSasPermissions(read=True, list=True)
    container.set_container_access_policy(
        {name: AccessPolicy(permission=permission, expiry=expiry) for name in policies}
    )
    return generate_container_sas(
        ACCOUNT_NAME, container.container_name, account_key=ACCOUNT_KEY, policy_id=policies[-1]
    )


def signature_of(token: str) -> str:
    return unquote(parse_qs(token)["sig"][0])


def line_of(project: Project, text: str) -> int:
    lines = (project.directory / "stacks" / f"{project.stack}.yaml").read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def resources_of(project: Project, kind: str) -> dict[str, dict[str, Any]]:
    deployment = json.loads(project.pulumi("stack", "export").stdout)["deployment"]
    return {r["id"]: r for r in deployment["resources"] if r["type"] == kind}


def test_the_token_goes_only_to_its_container_and_rotates_without_a_replacement(
    project: Project, azurite: Azurite, tmp_path: Path
) -> None:
    container = azurite.new_container()
    for name in ("jessica", "mark", "new"):
        container.upload_blob(f"{name}/{name}-prompt.wav", wav_bytes(8, 24000))
    container.upload_blob("consents/jessica.wav", wav_bytes(4, 24000))
    first = policy_sas(container, "first")
    project.own_secrets["first SAS signature"] = signature_of(first)
    project.pulumi("config", "set", "--secret", "sasToken", first)
    project.pulumi("config", "set", "sasContainer", container.url)
    catalog = catalog_in(container.url)
    project.write_catalog(catalog)

    project.pulumi("up", "--yes")
    created = profile_ids(project)
    assert {v["status"] for v in project.voices_in_service().values()} == {"Succeeded"}  # read through the SAS
    voices, consents = resources_of(project, VOICE_TYPE), resources_of(project, CONSENT_TYPE)
    # Plain, not secret: a review can show it, and no token is in state.
    assert voices["MarkVoice"]["inputs"]["audios"]["containerUrl"] == container.url
    assert voices["MarkVoice"]["outputs"]["audios"]["containerUrl"] == container.url
    assert consents["jessica-consent"]["inputs"]["audioUrl"] == f"{container.url}/consents/jessica.wav"

    # A pull request points Mark's audio at another host: refused at preview, before any request about it.
    hostile = copy.deepcopy(catalog)
    hostile["voices"][1]["audios"]["containerUrl"] = "https://attacker.example.net/audio"
    project.write_catalog(hostile)
    project.backend.clear_requests()
    refused = project.pulumi("preview", check=False)
    assert refused.returncode != 0
    assert (
        f"stacks/e2e.yaml:{line_of(project, 'attacker.example.net')}: voices[1].audios.containerUrl: "
        "https://attacker.example.net/audio is outside the container config sasToken was issued for "
        f"(sasContainer: {container.url})"
    ) in refused.stdout + refused.stderr
    assert project.writes_seen() == []
    assert [r.path for r in project.backend.requests if "MarkVoice" in r.path] == []

    # The URLs and the token's container moved together (allowed): the review shows both hosts.
    project.write_catalog(catalog_in(ELSEWHERE))
    project.pulumi("config", "set", "sasContainer", ELSEWHERE)
    review = project.script("preview-review").stdout
    project.pulumi("config", "set", "sasContainer", container.url)
    assert first_line(review).startswith("2 voices replaced: new speakerProfileIds; 1 consent replaced")
    found = rows(review)
    assert found["Voices"]["MarkVoice"].what == f"`audios.containerUrl`: `{container.url}` -> `{ELSEWHERE}`"
    assert found["Consents"]["jessica-consent"].what == (
        f"`audioUrl`: `{container.url}/consents/jessica.wav` -> `{ELSEWHERE}/consents/jessica.wav`"
    )

    # State written before this change holds Mark's URL joined with the token, as a secret: the
    # first preview after it is an in-place update that drops the token, never a replacement.
    deployment = json.loads(project.pulumi("stack", "export", "--show-secrets").stdout)
    mark = next(r for r in deployment["deployment"]["resources"] if r["type"] == VOICE_TYPE and r["id"] == "MarkVoice")
    for side in ("inputs", "outputs"):
        audios = {**mark[side]["audios"], "containerUrl": f"{container.url}?{first}"}
        mark[side]["audios"] = {**SECRET_SIG, "plaintext": json.dumps(audios)}
    (tmp_path / "joined.json").write_text(json.dumps(deployment))
    project.pulumi("stack", "import", "--file", str(tmp_path / "joined.json"))
    project.write_catalog(catalog)
    preview = project.pulumi("preview", "--diff").stdout
    assert f"~ {VOICE_TYPE}: (update)" in preview and "(replace)" not in preview
    project.backend.clear_requests()
    project.pulumi("up", "--yes")
    assert project.writes_seen() == [] and profile_ids(project) == created
    assert resources_of(project, VOICE_TYPE)["MarkVoice"]["inputs"]["audios"]["containerUrl"] == container.url

    # A rotation changes no resource.
    second = policy_sas(container, "first", "second")
    project.own_secrets["second SAS signature"] = signature_of(second)
    project.pulumi("config", "set", "--secret", "sasToken", second)
    preview = project.pulumi("preview", "--diff").stdout
    assert "(update)" not in preview and "(replace)" not in preview
    # The secrets move to the environment, where -v=9 never shows them. (The first run after the
    # move still configures the provider recorded in state, with the config it had: this one.)
    for key in ("sasToken", "speechKey", "storageAccountKey"):
        project.pulumi("config", "rm", key)
    project.env |= {"PV_SAS_TOKEN": second, "AZURE_SPEECH_KEY": KEY, "AZURE_STORAGE_KEY": ACCOUNT_KEY}
    project.backend.clear_requests()
    project.pulumi("up", "--yes")
    assert project.writes_seen() == [] and profile_ids(project) == created

    # The first token revoked, the next create reads the audio with the second; -v=9 shows no secret.
    policy_sas(container, "second")
    new_voice = copy.deepcopy(catalog["voices"][1])
    new_voice["id"], new_voice["audios"]["prefix"] = "NewVoice", "new/"
    catalog["voices"].append(new_voice)
    project.write_catalog(catalog)
    logged = verbose_up(project, tmp_path / "tmpdir")
    assert len(logged.text) > 100_000  # it did log verbosely
    assert SIGNATURE.findall(logged.text) == [] and logged.lines_with(signature_of(second)) == []
    assert logged.lines_with(KEY) == [] and logged.lines_with(ACCOUNT_KEY) == []
    after = profile_ids(project)
    assert {k: after[k] for k in created} == created
    assert project.voices_in_service()["NewVoice"]["status"] == "Succeeded"

    # Kept in config instead: the token shows in the Configure call, nowhere else.
    project.pulumi("config", "set", "--secret", "sasToken", second)
    del project.env["PV_SAS_TOKEN"]
    kept = verbose_up(project, tmp_path / "tmpdir-config", scanned=False)
    assert 1 <= kept.only_in_configure(second.split("sig=")[1].split("&")[0]) <= 2
    # Where it lives: among the default provider's inputs in state, encrypted (docs/secrets.md).
    deployment = json.loads(project.pulumi("stack", "export").stdout)["deployment"]
    [provider] = [r for r in deployment["resources"] if r["type"] == "pulumi:providers:pulumi-python"]
    assert set(provider["inputs"]["personal-voice:sasToken"]) == {*SECRET_SIG, "ciphertext"}
    assert SIGNATURE.findall(kept.text) == SIGNATURE.findall("\n".join(kept.lines_with("Configure().inputs")))
