"""The catalog the end-to-end tests start from, and reading results back from the stack."""

import copy
import json
from typing import Any

from tests.e2e.conftest import Project

VOICE_TYPE = "pulumi-python:dynamic/customvoice:PersonalVoice"
CATALOG: dict[str, Any] = {
    "projects": [{"id": "contoso-personal-voices"}],
    "consents": [
        {
            "id": "jessica-consent",
            "projectId": "contoso-personal-voices",
            "voiceTalentName": "Jessica Smith",
            "companyName": "Contoso",
            "locale": "en-US",
            "audioUrl": "http://127.0.0.1:10000/devstoreaccount1/voices/consents/jessica.wav",
        }
    ],
    "voices": [
        {
            "id": voice_id,
            "name": name,
            "projectId": "contoso-personal-voices",
            "consentId": "jessica-consent",
            "audios": {
                "containerUrl": "http://127.0.0.1:10000/devstoreaccount1/voices",
                "prefix": f"{name}/",
                "extensions": [".wav"],
            },
        }
        for voice_id, name in (("JessicaVoice", "jessica"), ("MarkVoice", "mark"))
    ],
}


def edited(change) -> dict[str, Any]:
    catalog = copy.deepcopy(CATALOG)
    change(catalog)
    return catalog


def profile_ids(project: Project) -> dict[str, str]:
    return {voice_id: voice["speakerProfileId"] for voice_id, voice in project.outputs()["voices"].items()}


def voice_ids_in_state(project: Project) -> set[str]:
    deployment = json.loads(project.pulumi("stack", "export").stdout)["deployment"]
    return {r["id"] for r in deployment.get("resources", []) if r["type"] == VOICE_TYPE}
