"""A small client for the Custom Voice REST API (the part personal voices need)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote, unquote, urlsplit

from provider.redaction import redact
from provider.speech.deadline import WaitPastDeadline, current_deadline, operation_deadline
from provider.speech.errors import CustomVoiceApiError
from provider.speech.json_body import json_or_empty
from provider.speech.listing import shared_listing
from provider.speech.polling import PollSettings, StatusPoller
from provider.speech.request_budget import REQUEST_BUDGET_CONFIG, RequestBudget

if TYPE_CHECKING:
    import requests

# The Custom Voice API versions this client speaks, as published.
API_VERSIONS = ("2023-12-01-preview", "2024-02-01-preview", "2026-01-01")
DEFAULT_API_VERSION = "2026-01-01"

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds, for every call
# Items per page of a listing. The spec's default is 100 and it states no maximum; a service that
# answers fewer sends a nextLink, and one that refuses the number (400 naming maxpagesize) is
# asked again with its own default.
LIST_PAGE_SIZE = 1000


class CustomVoiceClient:
    """Talks to `{endpoint}/customvoice` of one Speech resource.

    `auth` adds the credential to each request (a key or a bearer token); nothing else in
    the client sees it. The provider host makes a client per call; its Session is shared with
    the other clients of the same retries and request budget (`_session_for`).
    """

    def __init__(
        self,
        endpoint: str,
        auth: requests.auth.AuthBase,
        *,
        api_version: str = DEFAULT_API_VERSION,
        retries: int = 4,
        backoff_factor: float = 0.5,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        poll: PollSettings | None = None,
        budget: RequestBudget | None = None,
    ) -> None:
        """`budget`: the Speech resource's request budget every request draws from."""
        self.endpoint = endpoint.rstrip("/")
        self.api_version = api_version
        self.timeout = timeout
        self.poll_settings = poll or PollSettings()
        self._auth = auth
        # No retry or budget wait runs past the time the whole operation has (the create's deadline).
        self._deadline = time.monotonic() + self.poll_settings.timeout_seconds
        self._session = _session_for(retries, backoff_factor, budget)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Nothing of its own to release: its Session and connections serve the process's other clients."""

    # -- any resource kind -------------------------------------------------------------

    def get(self, kind: ResourceKind, resource_id: str) -> dict[str, Any] | None:
        """The resource, or None when the service has none with that id."""
        return self._get_or_none(kind.path(resource_id), f"Reading {kind.label} {resource_id!r}")

    def create(self, kind: ResourceKind, resource_id: str, body: dict[str, Any]) -> CreateAnswer:
        """The create of every published spec: `PUT /{collection}/{id}` with a JSON body."""
        action = f"Creating {kind.label} {resource_id!r}"
        return CreateAnswer.of(self._request("PUT", kind.path(resource_id), action, json=body))

    def create_from_files(
        self, kind: ResourceKind, resource_id: str, fields: dict[str, str], files: list[tuple[str, bytes]]
    ) -> CreateAnswer:
        """Consents_Post and PersonalVoices_Post: `POST /{collection}/{id}` as multipart/form-data,
        the recordings as `audiodata` parts (the name every spec example sends)."""
        parts = [("audiodata", (name, data, _audio_content_type(name))) for name, data in files]
        action = f"Creating {kind.label} {resource_id!r}"
        return CreateAnswer.of(self._request("POST", kind.path(resource_id), action, data=fields, files=parts))

    def create_with_seed_form(self, voice_id: str, body: dict[str, Any]) -> CreateAnswer:
        """The seed document's create, `POST /personalvoices` with the id in the body. No
        published spec has it; it is sent only when a voice's catalog entry asks for it."""
        action = f"Creating {PERSONAL_VOICE.label} {voice_id!r}"
        return CreateAnswer.of(self._request("POST", PERSONAL_VOICE.collection, action, json={**body, "id": voice_id}))

    def delete(self, kind: ResourceKind, resource_id: str, params: dict[str, str] | None = None) -> bool:
        """Delete the resource; False when it was already gone (which counts as success)."""
        response = self._request(
            "DELETE",
            kind.path(resource_id),
            f"Deleting {kind.label} {resource_id!r}",
            params=params,
            accept=(200, 202, 204, 404),
        )
        return response.status_code != 404

    def get_listed(self, kind: ResourceKind, resource_id: str, max_age: float) -> dict[str, Any] | None:
        """The resource as a listing of its collection shows it, one listing serving every caller
        in the host that asks at about the same time (`provider.speech.listing`); one a
        listing lacks is read by itself (a listing may lag a create), and None if it is gone."""
        listing = shared_listing(self.endpoint, self.api_version, kind.collection)
        found = listing.lookup(resource_id, max_age, lambda: self._all_by_id(kind))
        return found if found is not None else self.get(kind, resource_id)

    def poller(self, kind: ResourceKind, resource_id: str, current: dict[str, Any]) -> StatusPoller:
        """Waits for a long-running create (consents, personal voices) to finish. Its polls are
        shared with the other creates waiting in the host: a listing that started up to one
        poll interval before a poll answers it (never one from before this host's create, as
        a write ends the use of earlier listings for the resource written)."""
        shared_within = self.poll_settings.initial_interval
        return StatusPoller(
            f"{kind.label.capitalize()} {resource_id!r}",
            lambda: self.get_listed(kind, resource_id, max_age=shared_within),
            current,
            self.poll_settings,
        )

    def list(
        self, kind: ResourceKind, project_id: str | None = None, *, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every resource (of one project, if given), following nextLink page by page."""
        params = {}
        if project_id:
            params["filter"] = f"projectId eq '{project_id}'"
        if page_size:
            params["maxpagesize"] = str(page_size)
        return self._paged(kind.collection, f"Listing {kind.label}s", params)

    def list_base_models(self) -> tuple[str, ...]:
        """BaseModels_List's names. The 2026-01-01 spec answers {"value": [...]}, the preview
        specs a bare array: both are taken."""
        response = self._request("GET", "basemodels", "Listing base models")
        try:
            body = response.json()
        except ValueError:
            body = None
        items = body.get("value") if isinstance(body, dict) else body
        return tuple(str(item["name"]) for item in items or [] if isinstance(item, dict) and item.get("name"))

    # -- plumbing ----------------------------------------------------------------------

    def _all_by_id(self, kind: ResourceKind) -> dict[str, dict[str, Any]]:
        try:
            items = list(self.list(kind, page_size=LIST_PAGE_SIZE))
        except CustomVoiceApiError as error:
            if error.status != 400 or (error.target or "").lower() != "maxpagesize":
                raise
            items = list(self.list(kind))
        return {str(item.get("id")): item for item in items}

    def _url(self, path: str) -> str:
        return f"{self.endpoint}/customvoice/{path}"

    def _request(
        self,
        method: str,
        path_or_url: str,
        action: str,
        *,
        json: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        files: Sequence[tuple[str, tuple[str, bytes, str]]] | None = None,
        params: dict[str, str] | None = None,
        accept: tuple[int, ...] = (200, 201, 202, 204),
    ) -> requests.Response:
        import requests  # loaded with the transport, when the client was made

        url = path_or_url if "://" in path_or_url else self._url(path_or_url)
        query = dict(params or {})
        if "api-version=" not in url:
            query["api-version"] = self.api_version
        try:
            # No redirects: requests would carry the key header to wherever they point.
            with operation_deadline(self._deadline):
                response = self._session.request(
                    method,
                    url,
                    params=query,
                    json=json,
                    data=data,
                    files=files,
                    auth=self._auth,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
        except WaitPastDeadline as late:
            if late.own_budget:
                waiting = f"the Speech resource's request budget ({REQUEST_BUDGET_CONFIG}) needed a wait of"
            else:
                waiting = f"{'throttled: the service' if late.throttled else 'the service'} asked to wait"
            raise CustomVoiceApiError(
                f"{action} failed: {waiting} {late.wait:.3g} s more, past the "
                f"{self.poll_settings.timeout_seconds:g} s this operation may take (createTimeoutSeconds). "
                "Nothing is lost: run `pulumi up` again later",
                status=429 if late.throttled and not late.own_budget else None,
            ) from None
        except requests.RequestException as exc:
            # `from None`: the chained exception's text may hold what `redact` is for.
            raise CustomVoiceApiError(f"{action} failed: {type(exc).__name__}: {redact(str(exc))}") from None
        finally:
            if method != "GET":  # a write (relative path): no listing from before it is of use now
                self._wrote(path_or_url)
        if response.status_code not in accept:
            raise CustomVoiceApiError.from_response(response, action)
        return response

    def _wrote(self, path: str) -> None:
        """`collection/id` ends the use of earlier listings for that resource, `collection` for all."""
        collection, _, resource_id = path.partition("/")
        listing = shared_listing(self.endpoint, self.api_version, collection)
        if resource_id:
            listing.wrote(unquote(resource_id))
        else:
            listing.forget()

    def _get_or_none(self, path: str, action: str) -> dict[str, Any] | None:
        response = self._request("GET", path, action, accept=(200, 404))
        if response.status_code == 404:
            return None
        return json_or_empty(response)

    def _paged(self, path: str, action: str, params: dict[str, str] | None) -> Iterator[dict[str, Any]]:
        page = json_or_empty(self._request("GET", path, action, params=params))
        while True:
            yield from page.get("value", [])
            next_link = page.get("nextLink")
            if not next_link:
                return
            if _origin(next_link) != _origin(self.endpoint):
                raise CustomVoiceApiError(f"{action}: the service sent a nextLink to another host; not following it")
            page = json_or_empty(self._request("GET", next_link, action))


# A Session per client held about 4 KiB of the provider host for as long as its call waited
# (4 MiB with 1000 creates in flight). Sessions are thread-safe for this use: nothing is set on
# one after it is made, and the pools are urllib3's.
_sessions: dict[tuple[int, float, RequestBudget | None], requests.Session] = {}
_sessions_lock = threading.Lock()


def _session_for(retries: int, backoff_factor: float, budget: RequestBudget | None) -> requests.Session:
    """The process's one Session for these retries and this budget (each request of it first
    takes a slot of the budget, waiting no longer than its operation's deadline)."""
    key = (retries, backoff_factor, budget)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            # Imported where a client is made: the program imports this module and never makes one.
            from provider.speech.transport import build_session

            paced = budget
            before_send = (lambda method: paced.acquire(current_deadline(), write=method != "GET")) if paced else None
            session = _sessions[key] = build_session(
                retries=retries,
                backoff_factor=backoff_factor,
                before_send=before_send,
                after_answer=paced.answered if paced else None,
            )
        return session


@dataclass(frozen=True)
class CreateAnswer:
    resource: dict[str, Any]
    # The spec's creates answer 201; a 200 says the id was taken already, and the resource
    # answered is the one that had it, which is not necessarily the one asked for.
    existed: bool

    @classmethod
    def of(cls, response: requests.Response) -> CreateAnswer:
        return cls(json_or_empty(response), existed=response.status_code == 200)


@dataclass(frozen=True)
class ResourceKind:
    collection: str  # the URL segment, e.g. "personalvoices"
    label: str  # for messages, e.g. "personal voice"

    def path(self, resource_id: str) -> str:
        return f"{self.collection}/{quote(resource_id, safe='')}"


PROJECT = ResourceKind("projects", "project")
CONSENT = ResourceKind("consents", "consent")
PERSONAL_VOICE = ResourceKind("personalvoices", "personal voice")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _audio_content_type(filename: str) -> str:
    return "audio/mpeg" if filename.lower().endswith(".mp3") else "audio/wav"
