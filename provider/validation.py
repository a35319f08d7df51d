"""Input rules of the Custom Voice API, checked before any request is sent.

Each check returns a list of `Problem`s instead of raising, so that a caller can report
every problem at once, each naming its field.
"""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

ID_PATTERN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$")
ID_RULE = "3 to 64 characters: letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
LOCALE = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")
# A base model's name as BaseModels_List gives them (DragonLatestNeural, PhoenixV2Neural).
BASE_MODEL_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
DEFAULT_BASE_MODEL = "DragonLatestNeural"
# The spec sets no maximum length on these (only a minimum of 1 on the names); these are this
# project's, so that nothing megabytes long is sent as a description.
TEXT_LIMITS = {"description": 1024, "displayName": 256, "voiceTalentName": 256, "companyName": 256}


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


def check_id(field: str, value: object) -> list[Problem]:
    if value is None or value == "":
        return [Problem(field, "is required")]
    if not isinstance(value, str):
        return [Problem(field, f"must be a string, got {type(value).__name__}")]
    if not ID_PATTERN.fullmatch(value):
        return [Problem(field, f"{value!r} is not a valid id ({ID_RULE})")]
    return []


def check_base_model(field: str, value: object) -> list[Problem]:
    """The form of a base model's name; whether the service has it is asked at create."""
    if value is None:
        return []
    if not isinstance(value, str) or not BASE_MODEL_PATTERN.fullmatch(value):
        return [Problem(field, f"{value!r} is not a base model name (letters and digits, e.g. {DEFAULT_BASE_MODEL})")]
    return []


def id_from_name(name: str) -> str:
    """Derive a valid id from a Pulumi resource name: the id the user gets when none is given."""
    cleaned = re.sub(r"[^a-zA-Z0-9._-]+", "-", name)
    cleaned = re.sub(r"^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$", "", cleaned)[:64]
    cleaned = re.sub(r"[^a-zA-Z0-9]+$", "", cleaned)
    if len(cleaned) < 3:
        cleaned = f"pv-{cleaned}" if cleaned else "pv-voice"
    return cleaned


# One label of a DNS name: ASCII letters, digits and inner hyphens (an international name is
# written in its xn-- form). Anything else in a host is refused: a backslash, user info or a
# character that NFKC or IDNA turns into '.', '/' or '@' makes Python's urlsplit and urllib3
# (which sends the request) disagree on the host.
_DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_AUTHORITY = re.compile(r"(?P<host>\[[0-9a-f:.]+\]|[^:\[\]]*)(?::(?P<port>[0-9]{1,5}))?")
# A last label that resolvers read as a number (`0x7f.1` is 127.0.0.1 to getaddrinfo).
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")


def authority_problem(netloc: str) -> str | None:
    """Why `netloc` is not a plain host[:port] whose host every HTTP client reads the same way:
    a DNS name of ASCII labels without a trailing dot (a trailing dot is the same DNS name, but
    not the same TLS name or Host header, and an endpoint has one spelling), a dotted-quad IPv4
    address or a bracketed IPv6 address."""
    if "@" in netloc:
        return "must not carry user info (user@host): the host is what follows the last @"
    match = _AUTHORITY.fullmatch(netloc.lower())
    if not netloc.isascii() or match is None:
        return f"{netloc!r} is not a host[:port] (ASCII only: an international name in its xn-- form)"
    host, port = match["host"], match["port"]
    if port is not None and not 0 < int(port) < 65536:
        return f"port {port} is out of range"
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return f"{host} is not an IPv6 address"
        return None
    if host.endswith("."):
        return f"host {host} must be written without its trailing dot"
    labels = host.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"{host} is neither a host name nor a dotted-quad IPv4 address"
        return None
    if not all(_DNS_LABEL.fullmatch(label) for label in labels):
        return f"{host!r} is not a host name (ASCII letters, digits and hyphens between dots)"
    return None


def url_host(value: object) -> str | None:
    """The lower-case host of an absolute http(s) URL whose authority passes `authority_problem`
    (IPv6 without brackets); None for anything else. The one way this project reads a URL's host."""
    if not isinstance(value, str) or _CONTROL_CHARACTERS.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not parts.netloc or authority_problem(parts.netloc):
        return None
    return parts.hostname


def in_zone(host: str | None, zone: str) -> bool:
    """`host` is a name inside DNS zone `zone`, given with its leading dot
    (".cognitiveservices.azure.com"): at least one label, then the zone; `host` as `url_host`
    gives it (validated, lower-case, no empty label)."""
    return host is not None and host.endswith(zone)


def is_loopback(host: str | None) -> bool:
    """`localhost` or a loopback IP address, written canonically (`127.0.0.1`, `::1`); never a
    name that only starts so (`localhost.evil.net`, `127.0.0.1.nip.io`) or a numeric spelling
    resolvers also read as loopback (`0x7f.1`, `127.1`)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Control characters: urlsplit silently drops tabs and newlines inside a URL. (A space is
# refused in the host by `authority_problem`; in a path it is a blob name's.)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def check_url(field: str, value: object, *, allow_query: bool) -> list[Problem]:
    """An absolute https URL, or plain http to a loopback address (the local emulators), whose
    host reads the same to every parser (`authority_problem`)."""
    if value is None or value == "":
        return [Problem(field, "is required")]
    if not isinstance(value, str):
        return [Problem(field, f"must be a string, got {type(value).__name__}")]
    if _CONTROL_CHARACTERS.search(value):
        return [Problem(field, "must not contain control characters (a tab or newline, which parsers drop)")]
    try:
        parts = urlsplit(value)
    except ValueError as error:  # e.g. a host with characters NFKC turns into '/', '?', '#', '@' or ':'
        return [Problem(field, f"is not a URL: {error}")]
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return [Problem(field, "must be an absolute https:// URL")]
    reason = authority_problem(parts.netloc)
    if reason:
        return [Problem(field, reason)]
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return [Problem(field, "must use https (plain http is allowed only for loopback addresses)")]
    if parts.query and not allow_query:
        return [Problem(field, "must not carry a query string")]
    return []


_DEFAULT_PORTS = {"https": 443, "http": 80}


def server_of(value: object) -> tuple[str, str, int] | None:
    """Where a URL leads, in the terms two URLs are compared by: its scheme, its host (as
    `url_host` reads it) and its port (the scheme's when none is written); None for a value
    `check_url` refuses, which leads nowhere a secret may be sent."""
    if check_url("url", value, allow_query=True):
        return None
    parts = urlsplit(str(value))
    return parts.scheme, str(parts.hostname), parts.port or _DEFAULT_PORTS[parts.scheme]


def check_endpoint(field: str, value: object) -> list[Problem]:
    problems = check_url(field, value, allow_query=False)
    if not problems and urlsplit(str(value)).path.strip("/"):
        problems.append(
            Problem(field, "must be the Speech resource's base URL, without a path (the client adds /customvoice)")
        )
    return problems


CUSTOM_SUBDOMAIN_SUFFIX = ".cognitiveservices.azure.com"
# A regional endpoint's host: {region}.api.cognitive.microsoft.com.
REGIONAL_HOST_SUFFIX = ".api.cognitive.microsoft.com"


def check_entra_endpoint(field: str, value: object) -> list[Problem]:
    """Microsoft Entra ID tokens are accepted only on a custom subdomain (or the local emulator).

    A value `check_endpoint` refuses gets no second problem here: the resource reports it.
    """
    if check_endpoint(field, value):
        return []
    host = url_host(value)
    if is_loopback(host) or in_zone(host, CUSTOM_SUBDOMAIN_SUFFIX):
        return []
    return [
        Problem(
            field,
            f"{value!r} is not a custom subdomain endpoint: Microsoft Entra ID authentication (config "
            "`authentication: entra`) needs https://{name}.cognitiveservices.azure.com; a regional endpoint "
            "such as https://{region}.api.cognitive.microsoft.com accepts only the Speech key",
        )
    ]


def normalise_extension(value: str) -> str:
    """'*.wav', 'wav' and '.WAV' all mean the same thing: '.wav' is what the API documents."""
    return "." + value.strip().lstrip("*").lstrip(".").lower()


def check_extensions(field: str, value: object) -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [Problem(field, "must be a non-empty list such as ['.wav']")]
    problems = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not re.fullmatch(r"\*?\.?[A-Za-z0-9]+", item.strip()):
            problems.append(Problem(f"{field}[{index}]", f"{item!r} is not a file extension such as '.wav'"))
    return problems


def check_optional_text(field: str, value: object) -> list[Problem]:
    """A string if given, no longer than its field's limit in TEXT_LIMITS."""
    if value is None:
        return []
    if not isinstance(value, str):
        return [Problem(field, f"must be a string, got {type(value).__name__}")]
    limit = TEXT_LIMITS.get(field.split(".")[-1])
    if limit is not None and len(value) > limit:
        return [Problem(field, f"is {len(value)} characters long; at most {limit}")]
    return []


def check_locale(field: str, value: object) -> list[Problem]:
    if isinstance(value, str) and value and not LOCALE.fullmatch(value):
        return [Problem(field, f"{value!r} is not a locale such as 'en-US'")]
    return []


def check_one_of(field: str, value: object, allowed: tuple[str, ...]) -> list[Problem]:
    """None (not given) passes: the caller's default applies."""
    if value is None or value in allowed:
        return []
    return [Problem(field, f"{value!r} is not one of {', '.join(allowed)}")]
