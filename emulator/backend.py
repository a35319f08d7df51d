"""The emulated service with what its fronts and tests need around it: subscription keys,
Microsoft Entra ID and its managed identity endpoint, the request log, injected faults, and
hooks that put the service in a given state (`seed`, `add_*`, `fail_*`, `reset`).

The service itself, its state and rules and the choices made where the spec is silent, is
`emulator.service`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.faults import CannedResponse, FaultQueue
from emulator.identity import (
    AUDIENCE,
    SPEECH_CONTRIBUTOR,
    TOKEN_LIFETIME_SECONDS,
    EntraTenant,
    ManagedIdentity,
    TokenReply,
    identity_error,
)
from emulator.models import DEFAULT_BASE_MODELS, PERSONAL_VOICE_KIND, RESOURCE_STATUSES, SUCCEEDED
from emulator.quota import S0_QUOTA, Quota, RequestWindow
from emulator.recording import RecordedRequest
from emulator.service import AudioInspector, CustomVoiceService


@dataclass
class _Directory:
    """The Entra ID tenant backends trust: one for the main backend and its accounts' backends, as
    one tenant's tokens open every account the identity has a role on."""

    tenant: EntraTenant | None = None


class CustomVoiceBackend(CustomVoiceService):
    def __init__(
        self,
        keys: Iterable[str] = ("emulator-key",),
        provisioning_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        audio_inspector: AudioInspector | None = None,
        base_models: Iterable[Mapping[str, Any]] = DEFAULT_BASE_MODELS,
        accept_seed_create_form: bool = False,
        quota: Quota = S0_QUOTA,
    ) -> None:
        """`keys`: the subscription keys it always takes (none: only those of `accept_keys_from`).
        `accept_seed_create_form`: also take the seed document's POST /personalvoices (the id
        in the body), which no published spec has; off, it is refused as Azure would.
        `quota`: the resource's request quota, S0's by default (`NO_QUOTA` for none)."""
        self._keys = tuple(keys)
        super().__init__(provisioning_seconds, clock, audio_inspector, base_models)
        self.accepts_seed_create_form = accept_seed_create_form
        self._faults = FaultQueue()
        self.request_window = RequestWindow(quota, clock)
        self._requests: list[RecordedRequest] = []
        self._directory = _Directory()
        self._key_sources: list[Callable[[str], bool]] = []
        self._reset_hooks: list[Callable[[], None]] = []

    def for_account(self, is_current_key: Callable[[str], bool]) -> CustomVoiceBackend:
        """The backend of another Speech resource (an ARM account's): empty, with this one's
        settings (provisioning time, clock, request quota, prompt audio inspector, base models,
        seed create form) and its Entra ID tenant, taking only the keys `is_current_key` accepts."""
        account = CustomVoiceBackend(
            keys=(),
            provisioning_seconds=self.provisioning_seconds,
            clock=self._clock,
            audio_inspector=self._audio_inspector,
            base_models=self._base_models,
            accept_seed_create_form=self.accepts_seed_create_form,
            quota=self.request_window.quota,
        )
        account._directory = self._directory
        account.accept_keys_from(is_current_key)
        return account

    # Authentication, request log and faults (used by the HTTP fronts)

    def is_authorized(self, key: str | None) -> bool:
        if key is None:
            return False
        with self._lock:
            sources = list(self._key_sources)
        return key in self._keys or any(is_current_key(key) for is_current_key in sources)

    def accept_keys_from(self, is_current_key: Callable[[str], bool]) -> None:
        """Also take every key `is_current_key` accepts at the time of the request (the keys
        `emulator.arm` gives its accounts: a regenerated key stops working at once)."""
        with self._lock:
            self._key_sources.append(is_current_key)

    def authorize_management(self, method: str, scope: str, authorization: str | None) -> None:
        """Raise ARM's 401 or 403 unless the Authorization header may do `method` on `scope`
        through Azure Resource Manager (see `emulator.identity`)."""
        self._require_entra().authorize_management(method, scope, authorization)

    @property
    def accepts_bearer_tokens(self) -> bool:
        return self._directory.tenant is not None

    def authorize_bearer(self, method: str, host: str, authorization: str) -> None:
        """Raise 401 or 403 unless the Authorization header may do `method` (see `emulator.identity`)."""
        self._require_entra().authorize(method, host, authorization)

    def managed_identity_token(self, method: str, query: Mapping[str, str], headers: Mapping[str, str]) -> TokenReply:
        """The managed identity endpoint's answer: (status, JSON body)."""
        entra = self._directory.tenant
        if entra is None:
            return identity_error(404, "Managed identity is not enabled in this emulator (start it with --entra).")
        return entra.token_response(method, query, headers)

    def record_request(self, method: str, path: str, query: Mapping[str, str]) -> None:
        with self._lock:
            self._requests.append(RecordedRequest.redacted(method, path, query))

    def take_fault(self, method: str, path: str) -> CannedResponse | None:
        with self._lock:
            return self._faults.take(method, path)

    # Test hooks

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request seen so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def add_project(self, project_id: str, kind: str = PERSONAL_VOICE_KIND, **fields: str) -> dict[str, Any]:
        """Create a project directly; `fields` are spec properties (description, displayName, locale)."""
        return self.create_project(project_id, {**fields, "kind": kind})

    def add_consent(self, consent_id: str, project_id: str, status: str = SUCCEEDED, **fields: str) -> dict[str, Any]:
        """Create a consent that is in `status` and stays there; `fields` are spec properties
        (voiceTalentName, companyName and locale get placeholder values if absent)."""
        if status not in RESOURCE_STATUSES:
            raise ValueError(f"status must be one of {sorted(RESOURCE_STATUSES)}")
        payload = {
            "voiceTalentName": "Voice Talent",
            "companyName": "Contoso",
            "locale": "en-US",
            **fields,
            "projectId": project_id,
        }
        return self._place_consent(consent_id, payload, status)

    def enable_entra(
        self, roles: Iterable[str] = (SPEECH_CONTRIBUTOR,), user_assigned: Mapping[str, Iterable[str]] | None = None
    ) -> str:
        """Accept Microsoft Entra ID bearer tokens beside the keys, and serve the managed identity
        endpoint. Its system-assigned identity has `roles`; `user_assigned` maps the client ids of
        user-assigned identities to theirs. Returns the X-IDENTITY-HEADER secret. Calling it again
        makes a new tenant, whose signing secret rejects every token issued before. The tenant is
        also that of the backends `for_account` made and makes."""
        tenant = EntraTenant(roles, user_assigned or {})
        self._directory.tenant = tenant
        return tenant.identity_header

    def mint_token(
        self,
        roles: Iterable[str] = (SPEECH_CONTRIBUTOR,),
        expires_in: float = TOKEN_LIFETIME_SECONDS,
        audience: str = AUDIENCE,
    ) -> str:
        """An access token of a new identity with `roles`, as Entra ID would issue it; a negative
        `expires_in` gives one that has expired."""
        return self._require_entra().issue(ManagedIdentity.new(roles), expires_in, audience).token

    def fail_voice(self, voice_id: str, reason: str) -> None:
        """The next create of `voice_id` ends Failed with properties.failureReason = `reason`."""
        with self._lock:
            self._pending_voice_failures[voice_id] = reason

    def fail_consent(self, consent_id: str, reason: str) -> None:
        """The next create of `consent_id` ends Failed with properties.failureReason = `reason`."""
        with self._lock:
            self._pending_consent_failures[consent_id] = reason

    def set_status(self, collection: str, resource_id: str, status: str, failure_reason: str | None = None) -> None:
        """What happens to a resource in the service after it was created (drift): from now on
        the consent or personal voice is in `status` (any of the spec's Status values)."""
        self._force_status(collection, resource_id, status, failure_reason)

    def inject_faults(
        self, method: str, path_pattern: str, responses: Iterable[tuple[int, Mapping[str, str], Any]]
    ) -> None:
        """Queue canned (status, headers, json_body) answers for requests whose method matches
        (or method "*") and whose path fully matches the regex `path_pattern`; one per request."""
        with self._lock:
            self._faults.add(method, path_pattern, responses)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def seed(self, projects: Iterable[Mapping[str, Any]] = (), consents: Iterable[Mapping[str, Any]] = ()) -> None:
        """Create catalog entries, consents already Succeeded; unknown keys are ignored."""
        with self._lock:
            for project in projects:
                self.add_project(
                    project.get("id", ""),
                    project.get("kind", PERSONAL_VOICE_KIND),
                    **_pick(project, ("displayName", "description", "locale")),
                )
            for consent in consents:
                self.add_consent(
                    consent.get("id", ""),
                    consent.get("projectId", ""),
                    **_pick(consent, ("displayName", "description", "voiceTalentName", "companyName", "locale")),
                )

    def reset(self) -> None:
        """Forget every resource, operation, pending failure, fault and logged request, then run
        the hooks of `on_reset`."""
        with self._lock:
            self._forget_resources()
            self._faults.clear()
            self._requests.clear()
            hooks = list(self._reset_hooks)
        for hook in hooks:  # outside the lock: a hook may stop servers whose requests take it
            hook()

    def on_reset(self, hook: Callable[[], None]) -> None:
        """Also run `hook` at every `reset` (the ARM front forgets its accounts with it)."""
        with self._lock:
            self._reset_hooks.append(hook)

    # Internals

    def _require_entra(self) -> EntraTenant:
        entra = self._directory.tenant
        if entra is None:
            raise RuntimeError("Microsoft Entra ID is not enabled: call enable_entra() first")
        return entra


def _pick(entry: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: entry[name] for name in names if name in entry}
