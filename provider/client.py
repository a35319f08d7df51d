"""A small client for the Custom Voice REST API (the part personal voices need)."""

from collections.abc import Iterator
from typing import Any, Self
from urllib.parse import quote

import requests

from provider.errors import CustomVoiceError
from provider.polling import PollSettings, StatusPoller
from provider.redaction import redact
from provider.transport import build_session, json_or_empty

DEFAULT_API_VERSION = "2026-01-01"
# The seed document's version, whose create is `POST /personalvoices` with the id in the body.
SEED_API_VERSION = "2023-12-01-preview"
KNOWN_API_VERSIONS = (SEED_API_VERSION, "2024-02-01-preview", DEFAULT_API_VERSION)

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds, for every call


class CustomVoiceClient:
    """Talks to `{endpoint}/customvoice` of one Speech resource.

    `auth` adds the credential to each request (a key or a bearer token); nothing else in
    the client sees it.
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
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.api_version = api_version
        self.timeout = timeout
        self.poll_settings = poll or PollSettings()
        self._session = build_session(auth, retries=retries, backoff_factor=backoff_factor)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- personal voices ---------------------------------------------------------------

    def get_personal_voice(self, voice_id: str) -> dict[str, Any] | None:
        """The voice, or None when the service has no voice with that id."""
        return self._get_or_none(f"personalvoices/{_segment(voice_id)}", f"Reading personal voice {voice_id!r}")

    def create_personal_voice(self, voice_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Send the create request; the voice comes back NotStarted (see `begin_create_personal_voice`)."""
        action = f"Creating personal voice {voice_id!r}"
        if self.api_version == SEED_API_VERSION:
            response = self._request("POST", "personalvoices", action, json={**body, "id": voice_id})
        else:
            response = self._request("PUT", f"personalvoices/{_segment(voice_id)}", action, json=body)
        return json_or_empty(response)

    def begin_create_personal_voice(self, voice_id: str, body: dict[str, Any]) -> StatusPoller:
        created = self.create_personal_voice(voice_id, body)
        return self.poller_for_personal_voice(voice_id, created)

    def poller_for_personal_voice(self, voice_id: str, current: dict[str, Any]) -> StatusPoller:
        return StatusPoller(
            f"Personal voice {voice_id!r}",
            lambda: self.get_personal_voice(voice_id),
            current,
            self.poll_settings,
        )

    def delete_personal_voice(self, voice_id: str) -> bool:
        """Delete the voice; False when it was already gone (which counts as success)."""
        return self._delete_or_absent(f"personalvoices/{_segment(voice_id)}", f"Deleting personal voice {voice_id!r}")

    def list_personal_voices(
        self, project_id: str | None = None, *, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every voice (of one project, if given), following nextLink page by page."""
        params = {}
        if project_id:
            params["filter"] = f"projectId eq '{project_id}'"
        if page_size:
            params["maxpagesize"] = str(page_size)
        return self._paged("personalvoices", "Listing personal voices", params)

    # -- projects and consents (read side, for the referential rules) ------------------

    def get_project(self, project_id: str) -> dict[str, Any] | None:
        return self._get_or_none(f"projects/{_segment(project_id)}", f"Reading project {project_id!r}")

    def get_consent(self, consent_id: str) -> dict[str, Any] | None:
        return self._get_or_none(f"consents/{_segment(consent_id)}", f"Reading consent {consent_id!r}")

    # -- plumbing ----------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.endpoint}/customvoice/{path}"

    def _request(
        self,
        method: str,
        path_or_url: str,
        action: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        accept: tuple[int, ...] = (200, 201, 202, 204),
    ) -> requests.Response:
        url = path_or_url if "://" in path_or_url else self._url(path_or_url)
        query = dict(params or {})
        if "api-version=" not in url:
            query["api-version"] = self.api_version
        try:
            response = self._session.request(method, url, params=query, json=json, timeout=self.timeout)
        except requests.RequestException as exc:
            # `from None`: the chained exception's text may hold what `redact` is for.
            raise CustomVoiceError(f"{action} failed: {type(exc).__name__}: {redact(str(exc))}") from None
        if response.status_code not in accept:
            raise CustomVoiceError.from_response(response, action)
        return response

    def _get_or_none(self, path: str, action: str) -> dict[str, Any] | None:
        response = self._request("GET", path, action, accept=(200, 404))
        if response.status_code == 404:
            return None
        return json_or_empty(response)

    def _delete_or_absent(self, path: str, action: str) -> bool:
        response = self._request("DELETE", path, action, accept=(200, 202, 204, 404))
        return response.status_code != 404

    def _paged(self, path: str, action: str, params: dict[str, str] | None) -> Iterator[dict[str, Any]]:
        page = json_or_empty(self._request("GET", path, action, params=params))
        while True:
            yield from page.get("value", [])
            next_link = page.get("nextLink")
            if not next_link:
                return
            page = json_or_empty(self._request("GET", next_link, action))


def _segment(value: str) -> str:
    return quote(value, safe="")
