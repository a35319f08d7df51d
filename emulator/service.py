"""State and rules of the emulated Custom Voice API (projects, consents, personal voices, operations).

No HTTP, keys or test hooks here: `emulator.backend` adds what the fronts and tests need
around the service, and `emulator.routes` turns requests into calls on it and its
`ErrorResponse`s into the spec's error body. Shapes and names follow the published
OpenAPI specs (Azure/azure-rest-api-specs, Speech/TextToSpeech, 2023-12-01-preview,
2024-02-01-preview, 2026-01-01).

Status progression: a consent or personal voice is NotStarted when created, Running from half
of `provisioning_seconds`, and Succeeded (or Failed, see `fail_voice`/`fail_consent` and the
prompt audio below) from the full time on, computed lazily from `clock`. Its operation
shares that progression.

Prompt audio (off by default; on with `audio_inspector=PromptAudioInspector()` or
`python -m emulator --check-audio`): each personal voice create from a container (PUT, and
the seed's POST when accepted) reads the blobs of `audios` through its SAS `containerUrl`, before the backend lock is taken,
and the voice then ends Failed, when its provisioning time is up, with
`properties.failureReason`:
- `InaccessibleCustomerStorage` when the container cannot be listed or a blob cannot be
  downloaded: the host is not loopback (nothing is sent then: the emulator never sends
  traffic off the machine), the URL is malformed, the connection is refused or times out,
  or storage answers an error (403 for a bad or expired SAS signature or a missing
  permission, 404 for a missing container). One try, no retries, no redirects.
- `DataNotEnough` when the listing works but no usable file remains: no blob under `prefix`
  whose name ends with one of `extensions` (case-insensitive), or every such blob is
  unusable. Usable means WAV (PCM) or MP3, 5 to 90 seconds long (inclusive), at 16000,
  24000, 44100 or 48000 Hz. One usable file is enough; unusable ones beside it are ignored.
A pending `fail_voice` reason takes precedence. Creates the request itself rejects (400,
409) fail as before; an Operation-Id retry reads storage again but keeps the first outcome.

Uploaded prompt audio (PersonalVoices_Post, `POST /personalvoices/{id}` multipart/form-data,
always on): the text fields of the JSON create (projectId, consentId, description,
displayName) and one or more files in the field `audiodata` (any letter case: the swagger
says `audioData`, every example sends `audiodata`). `consentId` is required, as the
PersonalVoice schema says, though the form declares no such field (every example sends it).
No file, a file that is neither WAV nor MP3, or one over 30 MB (the 2026-01-01 limit): 400
BadArgument, target the field's name as sent. Otherwise the voice ends `DataNotEnough` unless
one file is usable (the rule above), and it answers, progresses and retries (Operation-Id:
the same fields and the same files) exactly like the JSON create.

The spec's own answers
----------------------
Every create answers 201 with the resource, as every version declares (and Operation-Id and
Operation-Location for consents and personal voices). A personal voice never echoes `audios`,
as no example does (its SAS would travel with every read). Operations are the spec's
{id, status}. BaseModels_List answers `{"value": [...]}`, as every example does (the preview
swaggers say a bare array; the newest 2026-01-01 one and every example say `value`).
`x-ms-error-code` is sent on errors for 2024-02-01-preview and 2026-01-01, the versions whose
spec declares it. Fields a version's schema lacks are left out for it: a project's `locale`
(2026-01-01 only) and a consent's `properties` (not in 2023-12-01-preview). Any status of the
spec's Status enum (Disabling and Disabled too) can be given to a consent or voice later
(`CustomVoiceBackend.set_status`), as drift in the service.

Where the spec is silent
------------------------
Choices made here, consistent with the rest of the API; clients should be tolerant of them.

- Unknown id (GET or DELETE of a project, consent, personal voice or operation): 404
  ``{"error": {"code": "NotFound", "message": "The personal voice 'x' does not exist."}}``.
- An id that breaks the spec's id pattern, in the path or the body: 400 BadArgument, target
  "id". A body `id` that differs from the path id: 400 BadArgument, target "id".
- PUT on an id that already exists: 409 with code "Conflict" (the spec's ErrorCode enum is
  open-ended) and target "id"; nothing changes. Exception: the same request again with the
  same `Operation-Id` header is a retry and answers 201 with the current state, since the spec
  only rejects an Operation-Id reused by a *different* request (400 BadRequest, target
  "Operation-Id"). A malformed Operation-Id is 400 BadArgument.
- A malformed or missing value in the request (required property, URL, extensions, kind,
  skip, maxpagesize, filter, forceDelete, api-version): 400 BadArgument, target names it.
- A well-formed request the state forbids (referenced project or consent missing, project not
  of kind PersonalVoice, consent in another project, consent not Succeeded): 400 BadRequest,
  target names the referring property.
- DELETE of a project deletes its consents and personal voices with it, always: the
  2026-01-01 spec says "All data (like consent, training set) in this project will be deleted
  automatically". `forceDelete` (true/false, else 400 BadArgument) is accepted and changes
  nothing: the spec needs it only for projects with models and endpoints, which are not
  emulated (personal-voice projects have none). DELETE of a consent a personal voice still
  uses: 400 BadRequest. Deleting a resource that is still provisioning is allowed (204).
- A create always answers status NotStarted (lastActionDateTime = createdDateTime), even with
  `provisioning_seconds=0`; the next read shows the status the clock has reached.
- Consents progress over `provisioning_seconds` exactly like personal voices.
- Operations outlive their resource and keep its final status.
- A consent's `audioUrl` is request-only, as the spec says, and required by PUT (the JSON
  create is "with the provided audio URL").
- HTTP-level choices (see `emulator.routes`): a missing or unknown Ocp-Apim-Subscription-Key
  (or a bearer token, unless Entra ID is enabled) is answered by the Speech front end, not the
  service: 401 with code "401" and its message, no x-ms-error-code. A missing or unsupported
  api-version is 400 BadArgument, target "api-version"; an unknown path is 404 NotFound; a
  known path with another method is 405 (code BadRequest). The seed document's
  `POST /personalvoices` with the id in the body is in no published spec, so it is 405 like
  any other unsupported method, unless the emulator is told to take it
  (`accept_seed_create_form`, `--accept-seed-create-form`), and then for 2023-12-01-preview
  only. A JSON create sent as multipart: 415 UnsupportedMediaType; a body that is not a JSON
  object is 400 BadRequest. Injected faults are served before authentication.
- The multipart consent create (`POST /consents/{id}`, Consents_Post) takes the text fields
  of the JSON create and the recording as the file field `audiodata` (any letter case, e.g.
  `audioData`); `audioUrl` is not read. A body that is not multipart/form-data: 415
  UnsupportedMediaType; an unreadable one: 400 BadRequest. A missing recording, or one that
  is neither WAV (stdlib `wave`: PCM) nor MP3: 400 BadArgument, target the field's name as
  sent. A retry with the same Operation-Id must send the same fields and the same file.
  Otherwise it answers and progresses exactly like the JSON create (`fail_consent` applies).
- Microsoft Entra ID is off until `enable_entra`. Then a request that sends no
  Ocp-Apim-Subscription-Key may send `Authorization: Bearer <token>` instead, checked as
  `emulator.identity` describes (401 for a bad token, 403 Forbidden for a role that may not
  write); a key, when sent, decides alone. Bearer tokens are refused on regional hosts
  (`*.api.cognitive.microsoft.com`), as the service accepts them only on a custom subdomain;
  loopback counts as one. Tokens come from `mint_token` or from the managed identity endpoint,
  `/_emulator/identity/token` (App Service protocol, guarded by the identity header secret
  instead of a key). Expiry is checked against the wall clock, not `clock`.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from emulator.audio import inspect_audio, is_usable
from emulator.errors import ErrorResponse, bad_argument, bad_request, conflict, not_found
from emulator.filters import parse_filter
from emulator.models import (
    DATA_NOT_ENOUGH,
    DEFAULT_BASE_MODELS,
    FAILED,
    PERSONAL_VOICE_KIND,
    PROJECT_KINDS,
    RESOURCE_STATUSES,
    SUCCEEDED,
    Consent,
    Lifecycle,
    Operation,
    PersonalVoice,
    Project,
)
from emulator.request_fields import (
    absolute_http_url,
    audio_source,
    check_id,
    optional_strings,
    required_string,
)

_Resource = TypeVar("_Resource")

_PROJECT_FILTER_FIELDS = frozenset({"kind", "locale", "createdDateTime"})
_CONSENT_FILTER_FIELDS = frozenset({"projectId", "locale", "createdDateTime"})
_VOICE_FILTER_FIELDS = frozenset({"projectId", "createdDateTime"})
# PersonalVoices_Post: "Maximum file size is 30MB" (2026-01-01, x-ms-max-length 31457280).
MAX_UPLOAD_BYTES = 31457280


# Given a voice's `audios`, the failureReason its prompt audio gives it, or None
# (`emulator.prompt_audio_inspector.PromptAudioInspector` reads it from storage).
AudioInspector = Callable[[Mapping[str, Any]], str | None]


class Created(NamedTuple):
    """A long-running create's answer: the resource as of creation and its operation id."""

    resource: dict[str, Any]
    operation_id: str


class CustomVoiceService:
    def __init__(
        self,
        provisioning_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        audio_inspector: AudioInspector | None = None,
        base_models: Iterable[Mapping[str, Any]] = DEFAULT_BASE_MODELS,
    ) -> None:
        self._audio_inspector = audio_inspector
        self._base_models = [dict(model) for model in base_models]
        if provisioning_seconds < 0:
            raise ValueError("provisioning_seconds must not be negative")
        self.provisioning_seconds = provisioning_seconds
        self._clock = clock
        # Timestamps derive from the one injectable clock, anchored to the wall time now.
        self._clock_origin = clock()
        self._wall_origin = datetime.now(UTC)
        self._lock = threading.RLock()
        self._projects: dict[str, Project] = {}
        self._consents: dict[str, Consent] = {}
        self._voices: dict[str, PersonalVoice] = {}
        self._operations: dict[str, Operation] = {}
        # Failure reasons the next create of an id ends with (`CustomVoiceBackend.fail_voice`).
        self._pending_voice_failures: dict[str, str] = {}
        self._pending_consent_failures: dict[str, str] = {}

    # Projects

    def create_project(self, project_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            _check_path_id(project_id, payload)
            kind = required_string(payload, "kind")
            if kind not in PROJECT_KINDS:
                raise bad_argument(f"The project kind must be one of {sorted(PROJECT_KINDS)}.", "kind")
            optional = optional_strings(payload, ("displayName", "description", "locale"))
            _require_absent(self._projects, project_id, "project")
            project = Project(project_id, kind, self._clock(), optional)
            self._projects[project_id] = project
            return project.to_json(self._stamp)

    def get_project(self, project_id: str) -> dict[str, Any]:
        with self._lock:
            return _find(self._projects, project_id, "project").to_json(self._stamp)

    def list_projects(self, filter_expression: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            matches = parse_filter(filter_expression, _PROJECT_FILTER_FIELDS)
            rendered = (project.to_json(self._stamp) for project in self._projects.values())
            return [item for item in rendered if matches(item)]

    def delete_project(self, project_id: str) -> None:
        """Deletes the project with its consents and personal voices (see forceDelete above)."""
        with self._lock:
            _find(self._projects, project_id, "project")
            consent_ids = [c.id for c in self._consents.values() if c.project_id == project_id]
            voice_ids = [v.id for v in self._voices.values() if v.project_id == project_id]
            for voice_id in voice_ids:
                del self._voices[voice_id]
            for consent_id in consent_ids:
                del self._consents[consent_id]
            del self._projects[project_id]

    # Consents

    def create_consent(self, consent_id: str, payload: Mapping[str, Any], operation_id: str | None = None) -> Created:
        """Consents_Create: the recording is at `audioUrl`."""
        return self._create_consent(
            consent_id, payload, payload, operation_id, lambda: absolute_http_url(payload, "audioUrl")
        )

    def upload_consent(
        self,
        consent_id: str,
        fields: Mapping[str, str],
        audio: bytes | None,
        audio_field: str = "audiodata",
        operation_id: str | None = None,
    ) -> Created:
        """Consents_Post: the recording is uploaded; `audio_field` names its form field as sent."""
        audio_digest = hashlib.sha256(audio).hexdigest() if audio is not None else None
        return self._create_consent(
            consent_id,
            fields,
            {**fields, audio_field: audio_digest},
            operation_id,
            lambda: _check_recording(audio, audio_field),
        )

    def _create_consent(
        self,
        consent_id: str,
        payload: Mapping[str, Any],
        request: Mapping[str, Any],
        operation_id: str | None,
        check_recording: Callable[[], object],
    ) -> Created:
        """`request` identifies the request for Operation-Id retries; `check_recording` raises
        if the recording (URL or file) is not acceptable."""
        with self._lock:
            _check_path_id(consent_id, payload)
            fingerprint = _fingerprint("consents", consent_id, request)
            retry = self._retry_of(operation_id, fingerprint, self._consents.get(consent_id))
            if retry is not None:
                return retry
            check_recording()
            fields = _consent_fields(payload)
            _require_absent(self._consents, consent_id, "consent")
            self._require_project(fields["project_id"])
            lifecycle = self._new_lifecycle(self._pending_consent_failures.pop(consent_id, None))
            consent = Consent(consent_id, lifecycle=lifecycle, **fields)
            self._consents[consent_id] = consent
            operation = self._start_operation(operation_id, lifecycle, fingerprint)
            return Created(consent.to_json(lifecycle.initial_view(), self._stamp), operation.id)

    def get_consent(self, consent_id: str) -> dict[str, Any]:
        with self._lock:
            return self._render_consent(_find(self._consents, consent_id, "consent"))

    def list_consents(self, filter_expression: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            matches = parse_filter(filter_expression, _CONSENT_FILTER_FIELDS)
            rendered = (self._render_consent(consent) for consent in self._consents.values())
            return [item for item in rendered if matches(item)]

    def delete_consent(self, consent_id: str) -> None:
        with self._lock:
            _find(self._consents, consent_id, "consent")
            users = [v.id for v in self._voices.values() if v.consent_id == consent_id]
            if users:
                raise bad_request(
                    f"The consent '{consent_id}' is used by personal voice(s) {users}; delete them first.",
                    "id",
                )
            del self._consents[consent_id]

    # Personal voices

    def create_personal_voice(
        self, voice_id: str, payload: Mapping[str, Any], operation_id: str | None = None
    ) -> Created:
        """PersonalVoices_Create: the prompt audio is in the container at `audios`."""
        # Read before the lock is taken: a slow container must not hold up other requests.
        storage_failure = self._inspect_prompt_audio(payload)

        def container_audio() -> str | None:
            audio_source(payload)  # refuses a malformed `audios`
            return storage_failure

        return self._create_personal_voice(voice_id, payload, payload, operation_id, container_audio)

    def upload_personal_voice(
        self,
        voice_id: str,
        fields: Mapping[str, str],
        recordings: Sequence[bytes],
        audio_field: str = "audiodata",
        operation_id: str | None = None,
    ) -> Created:
        """PersonalVoices_Post: the prompt audio is uploaded, one or more files in `audio_field`."""
        digests = [hashlib.sha256(recording).hexdigest() for recording in recordings]
        return self._create_personal_voice(
            voice_id,
            fields,
            {**fields, audio_field: digests},
            operation_id,
            lambda: _uploaded_audio_failure(recordings, audio_field),
        )

    def _create_personal_voice(
        self,
        voice_id: str,
        payload: Mapping[str, Any],
        request: Mapping[str, Any],
        operation_id: str | None,
        prompt_audio: Callable[[], str | None],
    ) -> Created:
        """`request` identifies the request for Operation-Id retries; `prompt_audio` checks the
        audio source (raising if the request is bad) and gives the failure reason the audio
        gives the voice, if any."""
        with self._lock:
            _check_path_id(voice_id, payload)
            fingerprint = _fingerprint("personalvoices", voice_id, request)
            retry = self._retry_of(operation_id, fingerprint, self._voices.get(voice_id))
            if retry is not None:
                return retry
            project_id = check_id(required_string(payload, "projectId"), "projectId")
            consent_id = check_id(required_string(payload, "consentId"), "consentId")
            audio_failure = prompt_audio()
            optional = optional_strings(payload, ("displayName", "description"))
            _require_absent(self._voices, voice_id, "personal voice")
            self._require_voice_prerequisites(project_id, consent_id)
            lifecycle = self._new_lifecycle(self._pending_voice_failures.pop(voice_id, None) or audio_failure)
            voice = PersonalVoice(voice_id, str(uuid.uuid4()), project_id, consent_id, lifecycle, optional)
            self._voices[voice_id] = voice
            operation = self._start_operation(operation_id, lifecycle, fingerprint)
            return Created(voice.to_json(lifecycle.initial_view(), self._stamp), operation.id)

    def get_personal_voice(self, voice_id: str) -> dict[str, Any]:
        with self._lock:
            return self._render_voice(_find(self._voices, voice_id, "personal voice"))

    def list_personal_voices(self, filter_expression: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            matches = parse_filter(filter_expression, _VOICE_FILTER_FIELDS)
            rendered = (self._render_voice(voice) for voice in self._voices.values())
            return [item for item in rendered if matches(item)]

    def delete_personal_voice(self, voice_id: str) -> None:
        with self._lock:
            _find(self._voices, voice_id, "personal voice")
            del self._voices[voice_id]

    # Base models

    def list_base_models(self) -> list[dict[str, Any]]:
        return [dict(model) for model in self._base_models]

    def base_model_names(self) -> list[str]:
        return [str(model["name"]) for model in self._base_models]

    # Operations

    def get_operation(self, operation_id: str) -> dict[str, Any]:
        with self._lock:
            operation = _find(self._operations, operation_id, "operation")
            return operation.to_json(operation.lifecycle.view_at(self._clock()))

    @property
    def inspects_audio(self) -> bool:
        """Whether creates read the prompt audio from storage (the mock lets that through)."""
        return self._audio_inspector is not None

    # Internals

    def _place_consent(self, consent_id: str, payload: Mapping[str, Any], status: str) -> dict[str, Any]:
        """A consent that is in `status` from the start and stays there."""
        with self._lock:
            check_id(consent_id)
            consent_fields = _consent_fields(payload)
            _require_absent(self._consents, consent_id, "consent")
            self._require_project(consent_fields["project_id"])
            lifecycle = Lifecycle(self._clock(), 0.0, status)
            consent = Consent(consent_id, lifecycle=lifecycle, **consent_fields)
            self._consents[consent_id] = consent
            return self._render_consent(consent)

    def _force_status(self, collection: str, resource_id: str, status: str, failure_reason: str | None) -> None:
        if status not in RESOURCE_STATUSES:
            raise ValueError(f"status must be one of {sorted(RESOURCE_STATUSES)}")
        with self._lock:
            resource: Consent | PersonalVoice
            if collection == "consents":
                resource = _find(self._consents, resource_id, "consent")
            else:
                resource = _find(self._voices, resource_id, "personal voice")
            resource.lifecycle = resource.lifecycle.ending_now(self._clock(), status, failure_reason)

    def _forget_resources(self) -> None:
        with self._lock:
            for store in (
                self._projects,
                self._consents,
                self._voices,
                self._operations,
                self._pending_voice_failures,
                self._pending_consent_failures,
            ):
                store.clear()

    def _stamp(self, moment: float) -> str:
        wall = self._wall_origin + timedelta(seconds=moment - self._clock_origin)
        return wall.strftime("%Y-%m-%dT%H:%M:%S.") + f"{wall.microsecond // 1000:03d}Z"

    def _inspect_prompt_audio(self, payload: Mapping[str, Any]) -> str | None:
        """What the prompt audio makes the voice fail with, when audio is inspected."""
        if self._audio_inspector is None:
            return None
        try:
            audios = audio_source(payload)
        except ErrorResponse:
            return None  # the create reports it, in its order of checks
        return self._audio_inspector(audios)

    def _new_lifecycle(self, failure_reason: str | None) -> Lifecycle:
        outcome = FAILED if failure_reason is not None else SUCCEEDED
        return Lifecycle(self._clock(), self.provisioning_seconds, outcome, failure_reason)

    def _start_operation(self, operation_id: str | None, lifecycle: Lifecycle, fingerprint: str) -> Operation:
        operation = Operation(operation_id or str(uuid.uuid4()), lifecycle, fingerprint)
        self._operations[operation.id] = operation
        return operation

    def _retry_of(
        self, operation_id: str | None, fingerprint: str, existing: Consent | PersonalVoice | None
    ) -> Created | None:
        """The answer to a retried create (same Operation-Id, same request), if this is one."""
        if operation_id is None:
            return None
        check_id(operation_id, "Operation-Id")
        known = self._operations.get(operation_id)
        if known is None:
            return None
        if known.fingerprint != fingerprint:
            raise bad_request(
                f"The Operation-Id '{operation_id}' was already used for a different request.", "Operation-Id"
            )
        if existing is None:  # deleted since: create it again under the same operation id
            return None
        view = existing.lifecycle.view_at(self._clock())
        return Created(existing.to_json(view, self._stamp), operation_id)

    def _require_project(self, project_id: str) -> Project:
        project = self._projects.get(project_id)
        if project is None:
            raise bad_request(f"The project '{project_id}' does not exist.", "projectId")
        return project

    def _require_voice_prerequisites(self, project_id: str, consent_id: str) -> None:
        project = self._require_project(project_id)
        if project.kind != PERSONAL_VOICE_KIND:
            raise bad_request(
                f"The project '{project_id}' is of kind {project.kind}; personal voices need kind PersonalVoice.",
                "projectId",
            )
        consent = self._consents.get(consent_id)
        if consent is None:
            raise bad_request(f"The consent '{consent_id}' does not exist.", "consentId")
        if consent.project_id != project_id:
            raise bad_request(
                f"The consent '{consent_id}' belongs to project '{consent.project_id}', not '{project_id}'.",
                "consentId",
            )
        status = consent.lifecycle.view_at(self._clock()).status
        if status != SUCCEEDED:
            raise bad_request(
                f"The consent '{consent_id}' is {status}; a personal voice needs a Succeeded consent.",
                "consentId",
            )

    def _render_consent(self, consent: Consent) -> dict[str, Any]:
        return consent.to_json(consent.lifecycle.view_at(self._clock()), self._stamp)

    def _render_voice(self, voice: PersonalVoice) -> dict[str, Any]:
        return voice.to_json(voice.lifecycle.view_at(self._clock()), self._stamp)


def _check_path_id(resource_id: str, payload: Mapping[str, Any]) -> None:
    check_id(resource_id)
    body_id = payload.get("id")
    if body_id is not None and body_id != resource_id:
        raise bad_argument(f"The body id '{body_id}' differs from the id '{resource_id}' in the path.", "id")


def _consent_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The Consent constructor's arguments from a request body (audioUrl is checked apart)."""
    return {
        "project_id": check_id(required_string(payload, "projectId"), "projectId"),
        "voice_talent_name": required_string(payload, "voiceTalentName"),
        "company_name": required_string(payload, "companyName"),
        "locale": required_string(payload, "locale"),
        "optional": optional_strings(payload, ("displayName", "description")),
    }


def _uploaded_audio_failure(recordings: Sequence[bytes], field: str) -> str | None:
    """DataNotEnough unless one uploaded file is usable prompt audio; a request without any
    file, with a file that is not WAV or MP3, or with one over the size limit is refused."""
    if not recordings:
        raise bad_argument(f"The form field '{field}' is required: one or more prompt audio files.", field)
    infos = []
    for recording in recordings:
        if len(recording) > MAX_UPLOAD_BYTES:
            raise bad_argument(f"A file in '{field}' is larger than {MAX_UPLOAD_BYTES // 2**20} MB.", field)
        info = inspect_audio(recording)
        if info is None:
            raise bad_argument(f"Every file in '{field}' must be a WAV or MP3 file.", field)
        infos.append(info)
    return None if any(is_usable(info) for info in infos) else DATA_NOT_ENOUGH


def _check_recording(audio: bytes | None, field: str) -> None:
    if audio is None:
        raise bad_argument(f"The form field '{field}' is required: the consent recording, WAV or MP3.", field)
    if inspect_audio(audio) is None:
        raise bad_argument(f"The form field '{field}' must be a WAV or MP3 file.", field)


def _find(store: Mapping[str, _Resource], resource_id: str, noun: str) -> _Resource:
    check_id(resource_id)
    found = store.get(resource_id)
    if found is None:
        raise not_found(f"The {noun} '{resource_id}' does not exist.")
    return found


def _require_absent(store: Mapping[str, object], resource_id: str, noun: str) -> None:
    if resource_id in store:
        raise conflict(f"The {noun} '{resource_id}' already exists.")


def _fingerprint(collection: str, resource_id: str, payload: Mapping[str, Any]) -> str:
    return json.dumps([collection, resource_id, payload], sort_keys=True, default=str)
