"""Scrub secrets (Speech keys, SAS signatures) out of any text before it is shown."""

import re
import threading
from urllib.parse import unquote

REDACTED = "***"

# A SAS token is identified by its signature; the other SAS fields are harmless.
_SAS_SIGNATURE = re.compile(r"(?i)([?&]sig=)[^&#\s'\"]+")
_KEY_HEADER = re.compile(r"(?i)(Ocp-Apim-Subscription-Key['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+")
_BEARER = re.compile(r"(?i)(Bearer\s+)[A-Za-z0-9._~+/=-]+")

_known_secrets: set[str] = set()
_known_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `redact` removes it wherever it appears."""
    if value and len(value) >= 4:
        with _known_secrets_lock:
            _known_secrets.add(value)


def register_sas(url: str | None) -> None:
    """Remember the signature of a SAS URL, so it is redacted in any encoding it reappears in."""
    if not url:
        return
    for field in query_of(url).split("&"):
        name, _, value = field.partition("=")
        if name.lower() == "sig" and value:
            register_secret(value)
            register_secret(unquote(value))


def redact(text: str) -> str:
    text = _SAS_SIGNATURE.sub(rf"\g<1>{REDACTED}", text)
    text = _KEY_HEADER.sub(rf"\g<1>{REDACTED}", text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    with _known_secrets_lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def strip_query(url: str) -> str:
    """The URL without its query string: what may be shown of a SAS URL."""
    return url.split("?", 1)[0].split("#", 1)[0]


def query_of(url: str) -> str:
    return url.split("?", 1)[1].split("#", 1)[0] if "?" in url else ""
