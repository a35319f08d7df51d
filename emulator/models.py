"""In-memory resources and how each renders as the spec's JSON.

Times are values of the backend's clock (seconds, float); `Stamp` turns one into the
spec's timestamp text. Long-running resources share a `Lifecycle` with their operation, so
the operation's status always mirrors the resource's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

NOT_STARTED = "NotStarted"
RUNNING = "Running"
SUCCEEDED = "Succeeded"
FAILED = "Failed"
RESOURCE_STATUSES = frozenset({NOT_STARTED, RUNNING, SUCCEEDED, FAILED, "Disabling", "Disabled"})

# The failure reasons of a personal voice the emulator can give (the spec's ModelFailureReason).
INACCESSIBLE_CUSTOMER_STORAGE = "InaccessibleCustomerStorage"
DATA_NOT_ENOUGH = "DataNotEnough"

PERSONAL_VOICE_KIND = "PersonalVoice"
# The personal voice base models the service lists (BaseModels_List), as Microsoft documents
# them for SSML; the release dates are the emulator's.
DEFAULT_BASE_MODELS: tuple[dict[str, Any], ...] = (
    {
        "name": "DragonLatestNeural",
        "description": "Dragon base model, latest version",
        "releaseDateTime": "2025-03-01T00:00:00.000Z",
        "capabilities": [PERSONAL_VOICE_KIND],
    },
    {
        "name": "PhoenixLatestNeural",
        "description": "Phoenix base model, latest version",
        "releaseDateTime": "2024-06-01T00:00:00.000Z",
        "capabilities": [PERSONAL_VOICE_KIND],
    },
    {
        "name": "PhoenixV2Neural",
        "description": "Phoenix V2 base model",
        "releaseDateTime": "2023-12-01T00:00:00.000Z",
        "capabilities": [PERSONAL_VOICE_KIND],
    },
)
PROJECT_KINDS = frozenset({PERSONAL_VOICE_KIND, "ProfessionalVoice"})

Stamp = Callable[[float], str]


class StatusView(NamedTuple):
    status: str
    since: float


@dataclass(frozen=True)
class Lifecycle:
    """NotStarted from `started`, Running from half of `duration`, then `outcome`."""

    started: float
    duration: float
    outcome: str
    failure_reason: str | None = None

    def view_at(self, now: float) -> StatusView:
        finished = self.started + self.duration
        if now >= finished:
            return StatusView(self.outcome, finished)
        halfway = self.started + self.duration / 2
        if now >= halfway:
            return StatusView(RUNNING, halfway)
        return StatusView(NOT_STARTED, self.started)

    def ending_now(self, now: float, status: str, failure_reason: str | None = None) -> Lifecycle:
        """The same lifecycle (created when it was), in `status` from `now` on."""
        return Lifecycle(self.started, max(now - self.started, 0.0), status, failure_reason)

    def initial_view(self) -> StatusView:
        """What a create answers: the service always reports NotStarted at first."""
        return StatusView(NOT_STARTED, self.started)

    def render(self, view: StatusView, stamp: Stamp) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if view.status == FAILED and self.failure_reason is not None:
            fields["properties"] = {"failureReason": self.failure_reason}
        fields["status"] = view.status
        fields["createdDateTime"] = stamp(self.started)
        fields["lastActionDateTime"] = stamp(view.since)
        return fields


@dataclass
class Project:
    id: str
    kind: str
    created: float
    optional: dict[str, str] = field(default_factory=dict)  # displayName, description, locale

    def to_json(self, stamp: Stamp) -> dict[str, Any]:
        return {"id": self.id, **self.optional, "kind": self.kind, "createdDateTime": stamp(self.created)}


@dataclass
class Consent:
    id: str
    project_id: str
    voice_talent_name: str
    company_name: str
    locale: str
    lifecycle: Lifecycle
    optional: dict[str, str] = field(default_factory=dict)  # displayName, description

    def to_json(self, view: StatusView, stamp: Stamp) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.optional,
            "projectId": self.project_id,
            "voiceTalentName": self.voice_talent_name,
            "companyName": self.company_name,
            "locale": self.locale,
            **self.lifecycle.render(view, stamp),
        }


@dataclass
class PersonalVoice:
    id: str
    speaker_profile_id: str
    project_id: str
    consent_id: str
    lifecycle: Lifecycle
    optional: dict[str, str] = field(default_factory=dict)  # displayName, description

    def to_json(self, view: StatusView, stamp: Stamp) -> dict[str, Any]:
        return {
            "id": self.id,
            "speakerProfileId": self.speaker_profile_id,
            **self.optional,
            "projectId": self.project_id,
            "consentId": self.consent_id,
            **self.lifecycle.render(view, stamp),
        }


@dataclass(frozen=True)
class Operation:
    """The status monitor of one create; `fingerprint` identifies the request that made it."""

    id: str
    lifecycle: Lifecycle
    fingerprint: str

    def to_json(self, view: StatusView) -> dict[str, Any]:
        return {"id": self.id, "status": view.status}
