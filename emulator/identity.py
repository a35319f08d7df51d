"""Microsoft Entra ID, emulated: access tokens for the Speech resource (and for Azure Storage,
which a local Azurite checks, and for Azure Resource Manager, which `emulator.arm` checks), and
the managed identity endpoint that hands them out.

Tokens are JWTs signed with HS256 and a random secret of one `EntraTenant`, so only that tenant
can tell a good one. Claims: `aud` (https://cognitiveservices.azure.com), `iss`
(https://sts.windows.net/{tenant}/), `iat`, `nbf`, `exp`, `tid`, `oid` and `appid` (the
identity's object and client ids) and `roles`.

Validation of `Authorization: Bearer <token>`, in order; each failure is 401 Unauthorized with
the spec's error body, except the last:
- the scheme is Bearer and a token follows;
- the host is not a regional endpoint (`*.api.cognitive.microsoft.com`): Entra ID needs the
  resource's custom subdomain, `https://{name}.cognitiveservices.azure.com`. Any other host
  (loopback included) is taken for a custom subdomain;
- the signature verifies (HS256 only), and `exp`, `iat`, `aud`, `iss` and `oid` are present;
- `exp` has not passed and `nbf` has (no clock-skew leeway);
- `aud` is https://cognitiveservices.azure.com and `iss` is this tenant;
- 403 Forbidden (code "Forbidden"): `roles` holds "Cognitive Services Speech Contributor"
  (reads and writes), or "Cognitive Services Speech User" and the method is not a write (PUT,
  POST, PATCH, DELETE). No Speech role at all is 403 too.

The managed identity endpoint speaks the App Service protocol (2019-08-01) that azure-identity's
ManagedIdentityCredential, through msal, uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are
set: `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource={resource}[&client_id={id}]` with
the header `X-IDENTITY-HEADER: {IDENTITY_HEADER}`, answered with `access_token`, `expires_on`
(epoch seconds, a string), `resource`, `token_type` and `client_id`; errors are App Service's
`{"statusCode", "message"}`. Without `client_id` the token is the system-assigned identity's.
The resource may be the Speech resource's audience, Azure Storage's
(https://storage.azure.com) or Azure Resource Manager's (https://management.azure.com): a
storage token is for Azurite run with `--oauth basic`, which checks its audience, issuer and
times but neither signature nor roles; the Speech resource refuses it (wrong audience), and
so does ARM. ARM's checks (`EntraTenant.authorize_management`) are ARM's own: 401 with ARM's
codes (`AuthenticationFailed` without a bearer token, `InvalidAuthenticationTokenAudience`
for another audience, `ExpiredAuthenticationToken`, `InvalidAuthenticationToken`), then 403
`AuthorizationFailed` unless `roles` holds "Cognitive Services Contributor" (anything), or
"Reader" and the request only reads. The roles stand in for Azure RBAC role assignments on
the account's scope, which a real token does not carry.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import jwt

from emulator.errors import ErrorResponse
from emulator.recording import WRITE_METHODS

SPEECH_CONTRIBUTOR = "Cognitive Services Speech Contributor"
SPEECH_USER = "Cognitive Services Speech User"
AUDIENCE = "https://cognitiveservices.azure.com"
STORAGE_AUDIENCE = "https://storage.azure.com"
MANAGEMENT_AUDIENCE = "https://management.azure.com"
COGNITIVE_SERVICES_CONTRIBUTOR = "Cognitive Services Contributor"
READER = "Reader"
_ISSUED_AUDIENCES = (AUDIENCE, STORAGE_AUDIENCE, MANAGEMENT_AUDIENCE)
TOKEN_PATH = "/_emulator/identity/token"
MANAGED_IDENTITY_API_VERSION = "2019-08-01"
TOKEN_LIFETIME_SECONDS = 3600
_ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ("exp", "iat", "aud", "iss", "oid")
_REGIONAL_HOST_SUFFIX = ".api.cognitive.microsoft.com"
# App Service's other ways of naming a user-assigned identity; only client_id is emulated.
_OTHER_IDENTITY_SELECTORS = ("object_id", "principal_id", "mi_res_id")

TokenReply = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class ManagedIdentity:
    client_id: str
    object_id: str
    roles: tuple[str, ...]

    @classmethod
    def new(cls, roles: Iterable[str], client_id: str | None = None) -> ManagedIdentity:
        return cls(client_id or str(uuid.uuid4()), str(uuid.uuid4()), tuple(roles))


class IssuedToken(NamedTuple):
    token: str
    expires_on: int  # epoch seconds


class EntraTenant:
    """The tenant the emulated Speech resource trusts: its managed identities with their roles,
    and the secrets that sign their tokens and guard the managed identity endpoint."""

    def __init__(self, roles: Iterable[str], user_assigned: Mapping[str, Iterable[str]]) -> None:
        self.tenant_id = str(uuid.uuid4())
        self.identity_header = secrets.token_urlsafe(32)
        self._signing_key = secrets.token_bytes(32)
        self._system_assigned = ManagedIdentity.new(roles)
        self._user_assigned = {
            client_id: ManagedIdentity.new(client_roles, client_id) for client_id, client_roles in user_assigned.items()
        }

    @property
    def issuer(self) -> str:
        return f"https://sts.windows.net/{self.tenant_id}/"

    def issue(
        self, identity: ManagedIdentity, expires_in: float = TOKEN_LIFETIME_SECONDS, audience: str = AUDIENCE
    ) -> IssuedToken:
        now = int(time.time())
        expires_on = now + int(expires_in)
        claims = {
            "aud": audience,
            "iss": self.issuer,
            "iat": now,
            "nbf": now,
            "exp": expires_on,
            "tid": self.tenant_id,
            "oid": identity.object_id,
            "appid": identity.client_id,
            "roles": list(identity.roles),
        }
        return IssuedToken(jwt.encode(claims, self._signing_key, algorithm=_ALGORITHM), expires_on)

    def authorize(self, method: str, host: str, authorization: str) -> None:
        """Raise 401 or 403 (see the module docstring) unless `authorization` may do `method`."""
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("The Authorization header must be 'Bearer <access token>'.")
        if host.lower().endswith(_REGIONAL_HOST_SUFFIX):
            raise _unauthorized(
                "Microsoft Entra ID tokens are accepted only on the resource's custom subdomain endpoint, "
                "https://{name}.cognitiveservices.azure.com; the regional endpoint accepts keys only."
            )
        claims = self._verify(token.strip())
        roles = _roles(claims)
        if SPEECH_CONTRIBUTOR in roles or (SPEECH_USER in roles and method.upper() not in WRITE_METHODS):
            return
        principal = claims["oid"]
        if SPEECH_USER in roles:
            reason = f"its role '{SPEECH_USER}' allows reads only; {method.upper()} needs '{SPEECH_CONTRIBUTOR}'"
        else:
            reason = f"it has no Speech role; assign '{SPEECH_USER}' (read) or '{SPEECH_CONTRIBUTOR}' (read and write)"
        raise ErrorResponse(403, "Forbidden", f"The principal '{principal}' may not do this: {reason}.")

    def token_response(self, method: str, query: Mapping[str, str], headers: Mapping[str, str]) -> TokenReply:
        """The managed identity endpoint (see the module docstring)."""
        if method.upper() != "GET":
            return identity_error(405, "The managed identity endpoint answers GET only.")
        given = {name.lower(): value for name, value in headers.items()}.get("x-identity-header", "")
        if not secrets.compare_digest(given.encode(), self.identity_header.encode()):
            return identity_error(401, "The X-IDENTITY-HEADER header is missing or wrong.")
        if query.get("api-version") != MANAGED_IDENTITY_API_VERSION:
            return identity_error(400, f"The api-version must be {MANAGED_IDENTITY_API_VERSION}.")
        resource = query.get("resource", "")
        audience = resource.rstrip("/")
        if audience not in _ISSUED_AUDIENCES:
            return identity_error(
                400, f"This emulator issues tokens for the resources {', '.join(_ISSUED_AUDIENCES)} only."
            )
        if any(name in query for name in _OTHER_IDENTITY_SELECTORS):
            return identity_error(400, "Only client_id selects a user-assigned identity in this emulator.")
        identity = self._user_assigned.get(query["client_id"]) if "client_id" in query else self._system_assigned
        if identity is None:
            return identity_error(400, f"No user-assigned identity with client_id '{query['client_id']}'.")
        issued = self.issue(identity, audience=audience)
        return 200, {
            "access_token": issued.token,
            "expires_on": str(issued.expires_on),
            "resource": resource,
            "token_type": "Bearer",
            "client_id": identity.client_id,
        }

    def authorize_management(self, method: str, scope: str, authorization: str | None) -> None:
        """Raise ARM's 401 or 403 (see the module docstring) unless `authorization` may do
        `method` on the resource `scope` (an ARM id or path)."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ErrorResponse(
                401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
            )
        try:
            # ARM takes its audience with or without the trailing slash.
            claims = self._decode(token.strip(), [MANAGEMENT_AUDIENCE, f"{MANAGEMENT_AUDIENCE}/"])
        except jwt.InvalidAudienceError:
            raise ErrorResponse(
                401,
                "InvalidAuthenticationTokenAudience",
                f"The access token has been obtained for wrong audience or resource. It should exactly match "
                f"one of the allowed audiences '{MANAGEMENT_AUDIENCE}', '{MANAGEMENT_AUDIENCE}/'.",
            ) from None
        except jwt.ExpiredSignatureError:
            raise ErrorResponse(
                401, "ExpiredAuthenticationToken", "The access token expiry UTC time has passed."
            ) from None
        except jwt.InvalidTokenError:
            raise ErrorResponse(401, "InvalidAuthenticationToken", "The access token is invalid.") from None
        roles = _roles(claims)
        if COGNITIVE_SERVICES_CONTRIBUTOR in roles or (READER in roles and method.upper() not in WRITE_METHODS):
            return
        raise ErrorResponse(
            403,
            "AuthorizationFailed",
            f"The client '{claims['oid']}' with object id '{claims['oid']}' does not have authorization to perform "
            f"{method.upper()} over scope '{scope}' or the scope is invalid; it needs the role "
            f"'{COGNITIVE_SERVICES_CONTRIBUTOR}' ('{READER}' reads only).",
        )

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            return self._decode(token, [AUDIENCE])
        except jwt.InvalidTokenError as error:
            raise _unauthorized(_rejection(error)) from None

    def _decode(self, token: str, audiences: list[str]) -> dict[str, Any]:
        return jwt.decode(
            token,
            self._signing_key,
            algorithms=[_ALGORITHM],
            audience=audiences,
            issuer=self.issuer,
            options={"require": list(_REQUIRED_CLAIMS)},
        )


def identity_error(status: int, message: str) -> TokenReply:
    return status, {"statusCode": status, "message": message}


def _roles(claims: Mapping[str, Any]) -> list[str]:
    roles = claims.get("roles")
    return roles if isinstance(roles, list) else []


def _unauthorized(message: str) -> ErrorResponse:
    return ErrorResponse(401, "Unauthorized", message)


def _rejection(error: jwt.InvalidTokenError) -> str:
    # PyJWT's own messages never quote the token; they are used for the rarer failures.
    if isinstance(error, jwt.ExpiredSignatureError):
        return "The access token has expired."
    if isinstance(error, jwt.InvalidAudienceError):
        return f"The access token is for another resource; its audience must be {AUDIENCE}."
    if isinstance(error, jwt.InvalidIssuerError):
        return "The access token was issued by another tenant."
    if isinstance(error, jwt.DecodeError):
        return "The access token is malformed or its signature does not verify."
    return f"The access token is not valid: {error}."
