"""How requests reach the Speech resource authenticated: with its key, or with a Microsoft Entra
ID access token. Neither credential is ever in a repr or an error message."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import requests

from provider.errors import ConfigError
from provider.redaction import register_secret

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
KEY_HEADER = "Ocp-Apim-Subscription-Key"


class SubscriptionKeyAuth(requests.auth.AuthBase):
    """Speech resource key auth. The key lives only in memory, never in a repr."""

    def __init__(self, key: str) -> None:
        self._key = key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[KEY_HEADER] = self._key
        return request

    def __repr__(self) -> str:
        return "SubscriptionKeyAuth(***)"


class BearerTokenAuth(requests.auth.AuthBase):
    """Microsoft Entra ID auth: `Authorization: Bearer` with a token from `credential`.

    The token is asked for on every request: the credential (`entra_credential`) reuses it
    and renews it before it expires, so a long create never sends a stale one.
    """

    def __init__(self, credential: TokenCredential, scope: str = COGNITIVE_SERVICES_SCOPE) -> None:
        self._credential = credential
        self._scope = scope

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        # Imported here: a client authenticating with a key alone never needs azure.core.
        from azure.core.exceptions import ClientAuthenticationError

        try:
            token = self._credential.get_token(self._scope).token
        except ClientAuthenticationError as error:
            raise ConfigError(
                f"Microsoft Entra ID gave no token for {self._scope}: {error.message}. "
                "Check the identity the provider runs as (managed identity, workload identity, "
                "AZURE_* environment variables or `az login`)"
            ) from None
        register_secret(token)
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    def __repr__(self) -> str:
        return f"BearerTokenAuth(scope={self._scope!r})"


class RenewedOn401(requests.auth.AuthBase):
    """Sends what `auth` sends; on a 401, asks `renew` (with the auth that got it) for what to
    send instead, and repeats the request once with it. `renew` answers None when it has
    nothing newer, and the 401 stands: a request is repeated once, never more (the repeat's
    answer is not looked at again). For a key read from Azure Resource Manager that was
    regenerated since: the answer to a key that no longer opens the endpoint is another key.
    """

    def __init__(
        self,
        auth: requests.auth.AuthBase,
        renew: Callable[[requests.auth.AuthBase], requests.auth.AuthBase | None],
    ) -> None:
        self._auth = auth
        self._renew = renew

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        used = self._auth
        used(request)
        request.register_hook("response", partial(self._repeated_on_401, used))
        return request

    def _repeated_on_401(
        self, used: requests.auth.AuthBase, response: requests.Response, **send_options: Any
    ) -> requests.Response:
        if response.status_code != 401:
            return response
        renewed = self._renew(used)
        if renewed is None:
            return response
        self._auth = renewed  # this client's later requests too
        # As requests' own HTTPDigestAuth repeats a request: release the connection first.
        response.content  # noqa: B018 (read, to release the connection)
        response.close()
        repeat = response.request.copy()
        repeat.headers.pop(KEY_HEADER, None)
        repeat.headers.pop("Authorization", None)
        renewed(repeat)
        # Sent by the adapter, past the session: its response hooks (this one) are not run again.
        answer: requests.Response = response.connection.send(repeat, **send_options)
        answer.history.append(response)
        answer.request = repeat
        return answer

    def __repr__(self) -> str:
        return f"RenewedOn401({self._auth!r})"
