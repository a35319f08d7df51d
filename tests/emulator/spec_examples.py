"""What the published spec examples show, as this project's own test data.

One entry per example file of azure-rest-api-specs,
`specification/cognitiveservices/data-plane/Speech/TextToSpeech/{version}/examples/`, that
concerns projects, consents, personal voices, base models or operations, as far as the
stored copy of the specs holds them (`_NOT_HELD` lists the others). Kept: the request, the
status, the response header names and the body's keys with the JSON type of each value. Ids are the examples' own, except where a
precondition needs another (the consent of a personal voice must be in the voice's project,
so the voice examples' consent "Jessica" is made in project "PersonalVoice").
"""

from dataclasses import dataclass, field
from typing import Any

V2023 = "2023-12-01-preview"
V2024 = "2024-02-01-preview"
V2026 = "2026-01-01"
VERSIONS = (V2023, V2024, V2026)

LRO_HEADERS = ("Operation-Id", "Operation-Location")
OPERATION_ID = "070f7986-ef17-41d0-ba2b-907f0f28e314"
VOICE_OPERATION_ID = "1321a2c0-9be4-471d-83bb-bc3be4f96a6f"

# Body keys and the JSON type of each value: "str", "list", "dict", "int", "bool".
PROJECT = {"id": "str", "description": "str", "kind": "str", "createdDateTime": "str"}
PROJECT_2026 = {**PROJECT, "locale": "str"}
CONSENT = {
    "id": "str",
    "description": "str",
    "projectId": "str",
    "voiceTalentName": "str",
    "companyName": "str",
    "locale": "str",
    "status": "str",
    "createdDateTime": "str",
    "lastActionDateTime": "str",
}
VOICE = {
    "id": "str",
    "speakerProfileId": "str",
    "projectId": "str",
    "consentId": "str",
    "status": "str",
    "createdDateTime": "str",
    "lastActionDateTime": "str",
}
BASE_MODEL = {"name": "str", "description": "str", "releaseDateTime": "str", "capabilities": "list"}
BASE_MODEL_2023 = {"name": "str", "description": "str", "capabilities": "list"}
PAGE = {"value": "list", "nextLink": "str"}
OPERATION = {"id": "str", "status": "str"}


@dataclass(frozen=True)
class Example:
    version: str
    file: str
    method: str
    path: str  # under /customvoice
    status: int
    keys: dict[str, str] = field(default_factory=dict)  # top-level body keys -> JSON type
    item_keys: dict[str, str] = field(default_factory=dict)  # of each item of `value`, for lists
    headers: tuple[str, ...] = ()
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None  # multipart text fields; a recording is added as `audiodata`
    operation_id: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    # What must exist before the request: "project", "consent", "voice", "three" (of each).
    given: tuple[str, ...] = ()
    # Item keys the version's schema requires that its example leaves out: the emulator
    # follows the schema.
    schema_adds: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.version}/{self.file}"


def _project_body(kind: str, locale: bool) -> dict[str, Any]:
    body = {"description": "Project for Jessica Voice", "kind": kind}
    return {**body, "locale": "en-US"} if locale else body


def _consent_body(project_id: str) -> dict[str, str]:
    return {
        "description": "Consent for Jessica voice",
        "projectId": project_id,
        "voiceTalentName": "Jessica Smith",
        "companyName": "Contoso",
        "locale": "en-US",
    }


def _voice_body(extensions: list[str]) -> dict[str, Any]:
    audios = {"containerUrl": "https://contoso.blob.core.windows.net/voicecontainer", "prefix": "jessica/"}
    return {"projectId": "PersonalVoice", "consentId": "Jessica", "audios": {**audios, "extensions": extensions}}


def _for_version(version: str) -> list[Example]:
    project = PROJECT_2026 if version == V2026 else PROJECT
    consent_url = "https://contoso.blob.core.windows.net/public/jessica-consent.wav"
    return [
        Example(
            version,
            "create_project.json",
            "PUT",
            "projects/Jessica",
            201,
            project,
            json=_project_body("ProfessionalVoice", version == V2026),
        ),
        Example(version, "get_project.json", "GET", "projects/Jessica", 200, project, given=("project",)),
        Example(
            version,
            "get_projects.json",
            "GET",
            "projects",
            200,
            PAGE,
            project,
            query={"maxpagesize": "2"},
            given=("three",),
        ),
        Example(version, "delete_project.json", "DELETE", "projects/Jessica", 204, given=("project",)),
        Example(
            version,
            "create_consent.json",
            "PUT",
            "consents/Jessica",
            201,
            CONSENT,
            headers=LRO_HEADERS,
            json={**_consent_body("Jessica"), "audioUrl": consent_url},
            operation_id=OPERATION_ID,
            given=("project",),
        ),
        Example(
            version,
            "create_consent_with_multipart_form.json",
            "POST",
            "consents/Jessica",
            201,
            CONSENT,
            headers=LRO_HEADERS,
            form=_consent_body("Jessica"),
            operation_id=OPERATION_ID,
            given=("project",),
        ),
        Example(version, "get_consent.json", "GET", "consents/Jessica", 200, CONSENT, given=("consent",)),
        Example(
            version,
            "get_consents.json",
            "GET",
            "consents",
            200,
            PAGE,
            CONSENT,
            query={"maxpagesize": "2"},
            given=("three",),
        ),
        Example(version, "delete_consent.json", "DELETE", "consents/Jessica", 204, given=("consent",)),
        Example(
            version,
            "create_personalvoice.json",
            "PUT",
            "personalvoices/Jessica-PersonalVoice",
            201,
            VOICE,
            headers=LRO_HEADERS,
            json=_voice_body(["*.wav"] if version == V2023 else [".wav"]),
            operation_id=VOICE_OPERATION_ID,
            given=("consent",),
        ),
        Example(
            version,
            "create_personalvoice_with_multipart_form.json",
            "POST",
            "personalvoices/Jessica-PersonalVoice",
            201,
            VOICE,
            headers=LRO_HEADERS,
            form={"projectId": "PersonalVoice", "consentId": "Jessica"},
            operation_id=VOICE_OPERATION_ID,
            given=("consent",),
        ),
        Example(
            version,
            "get_personalvoice.json",
            "GET",
            "personalvoices/Jessica-PersonalVoice",
            200,
            VOICE,
            given=("voice",),
        ),
        Example(
            version,
            "get_personalvoices.json",
            "GET",
            "personalvoices",
            200,
            PAGE,
            VOICE,
            query={"maxpagesize": "2"},
            given=("three",),
        ),
        Example(
            version,
            "delete_personalvoice.json",
            "DELETE",
            "personalvoices/Jessica-PersonalVoice",
            204,
            given=("voice",),
        ),
        Example(
            version,
            "get_base_models.json",
            "GET",
            "basemodels",
            200,
            {"value": "list"},
            BASE_MODEL_2023 if version == V2023 else BASE_MODEL,
            schema_adds=("releaseDateTime",) if version == V2023 else (),
        ),
        Example(version, "get_operation.json", "GET", "operations/{operation}", 200, OPERATION, given=("voice",)),
    ]


# The example files each swagger names that the stored copy of the specs does not hold: their
# content is unknown here, so they are not replayed.
_NOT_HELD = {
    V2023: {"delete_project.json", "delete_consent.json", "get_operation.json"},
    V2024: {
        "create_project.json",
        "get_project.json",
        "get_consent.json",
        "delete_consent.json",
        "create_personalvoice.json",
        "create_personalvoice_with_multipart_form.json",
        "delete_personalvoice.json",
        "get_base_models.json",
    },
    V2026: {"delete_project.json", "delete_consent.json"},
}

EXAMPLES = [
    example for version in VERSIONS for example in _for_version(version) if example.file not in _NOT_HELD[version]
]
