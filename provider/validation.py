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


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(field: str, value: object, *, allow_query: bool) -> list[Problem]:
    """An absolute https URL, or plain http to a loopback address (the local emulators)."""
    if value is None or value == "":
        return [Problem(field, "is required")]
    if not isinstance(value, str):
        return [Problem(field, f"must be a string, got {type(value).__name__}")]
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return [Problem(field, "must be an absolute https:// URL")]
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return [Problem(field, "must use https (plain http is allowed only for loopback addresses)")]
    if parts.query and not allow_query:
        return [Problem(field, "must not carry a query string")]
    return []


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
    host = str(urlsplit(str(value)).hostname)
    if is_loopback(host) or host.endswith(CUSTOM_SUBDOMAIN_SUFFIX):
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
