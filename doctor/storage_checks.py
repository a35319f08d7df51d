"""The storage the catalog names, read as the Speech service will read it: each voice's
container through the SAS the stack sends (config `sasToken`), listed under the voice's prefix
and its recordings' headers read; each consent's recording; and the container the stack
manages, through a short-lived SAS minted as the provider host mints one at a voice's create."""

import io
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from azure.core.exceptions import AzureError, HttpResponseError, ResourceNotFoundError
from azure.storage.blob import BlobClient, ContainerClient

from catalog.audio_files import wav_problem
from catalog.specs import Catalog, ConsentSpec, StorageSpec, VoiceSpec
from doctor.network import network_reason
from doctor.results import CheckResult
from provider.blob_container import container_url
from provider.config import ConfigSource
from provider.errors import ConfigError, ProviderError
from provider.storage.client import CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS, error_code
from provider.storage.config_sas import SAS_CONTAINER_CONFIG, SAS_TOKEN_CONFIG, ConfigSas
from provider.storage.sas import short_lived_container_url
from provider.storage.settings import StorageSettings
from provider.validation import normalise_extension

PROMPT_AUDIO = "prompt audio"
CONSENT_AUDIO = "consent audio"
MANAGED_STORAGE = "storage"
# Enough of a WAV file for its header: its format, rate and length.
HEADER_BYTES = 1 << 20
# Recordings whose header is read, per voice: one usable one is what a voice needs.
MAX_INSPECTED = 20
# One try each: the doctor should say at once that something is wrong, not wait it out.
_CLIENT_OPTIONS: dict[str, Any] = {
    "retry_total": 0,
    "connection_timeout": CONNECT_TIMEOUT_SECONDS,
    "read_timeout": READ_TIMEOUT_SECONDS,
}


def check_storage(catalog: Catalog, source: ConfigSource, environ: Mapping[str, str], stack: str) -> list[CheckResult]:
    sas = ConfigSas.load(source)
    results = [_voice_container(voice, sas, stack) for voice in catalog.voices if voice.container_url]
    results += [_consent_recording(consent, sas, stack) for consent in catalog.consents if consent.audio_url]
    if catalog.storage is not None:
        results.append(_managed_container(catalog.storage, source, environ, stack))
    if not results:
        results.append(CheckResult.ok(PROMPT_AUDIO, "no container: every recording is a local file the catalog checks"))
    return results


def _voice_container(voice: VoiceSpec, sas: ConfigSas, stack: str) -> CheckResult:
    check = f"{PROMPT_AUDIO} of {voice.id}"
    url = str(voice.container_url)
    where = f"{url} under {voice.prefix or '(no prefix)'!r}"
    extensions = tuple(normalise_extension(extension) for extension in voice.extensions)
    try:
        container = ContainerClient.from_container_url(sas.joined("containerUrl", url), **_CLIENT_OPTIONS)
        names = [
            blob.name
            for blob in container.list_blobs(name_starts_with=voice.prefix or None)
            if blob.name.lower().endswith(extensions)
        ]
        problems = {name: _recording_problem(container, name) for name in names[:MAX_INSPECTED]}
    except ProviderError as error:
        return CheckResult.fail(check, error.message, _sas_container_todo(error, stack))
    except AzureError as error:
        return CheckResult.fail(check, f"{url} cannot be listed: {_reason(error)}", _sas_todo(sas.token, stack))
    if not names:
        return CheckResult.fail(
            check,
            f"no recording with {', '.join(extensions)} in {where}",
            "upload the recordings there (WAV or MP3, 5 to 90 s), or fix prefix and extensions in the catalog",
        )
    usable = [name for name, problem in problems.items() if problem is None]
    if not usable:
        name, problem = next(iter(problems.items()))
        return CheckResult.fail(
            check,
            f"no usable recording in {where}: {name}: {problem}",
            "upload WAV (16, 24, 44.1 or 48 kHz) or MP3 recordings of 5 to 90 s",
        )
    return CheckResult.ok(check, f"{len(names)} recording(s) in {where}; {len(usable)} of {len(problems)} read usable")


def _recording_problem(container: ContainerClient, name: str) -> str | None:
    """Why the service would not train on this blob; MP3 files are left to the service, as the
    catalog leaves local ones."""
    if not name.lower().endswith(".wav"):
        return None
    header = container.download_blob(name, offset=0, length=HEADER_BYTES).readall()
    return wav_problem(io.BytesIO(header))


def _consent_recording(consent: ConsentSpec, sas: ConfigSas, stack: str) -> CheckResult:
    check = f"{CONSENT_AUDIO} of {consent.id}"
    url = str(consent.audio_url)
    try:
        size = BlobClient.from_blob_url(sas.joined("audioUrl", url), **_CLIENT_OPTIONS).get_blob_properties().size
    except ProviderError as error:
        return CheckResult.fail(check, error.message, _sas_container_todo(error, stack))
    except AzureError as error:
        return CheckResult.fail(check, f"{url} cannot be read: {_reason(error)}", _sas_todo(sas.token, stack))
    return CheckResult.ok(check, f"{url} can be read ({size} bytes)")


def _managed_container(spec: StorageSpec, source: ConfigSource, environ: Mapping[str, str], stack: str) -> CheckResult:
    url = container_url(spec.account_url, spec.container)
    try:
        settings = StorageSettings.load(source, environ)
        # Minted as at a voice's create (`provider.storage.sas`), valid a few minutes.
        sas_url = short_lived_container_url(url, settings, timedelta(minutes=5))
    except ConfigError as error:
        return CheckResult.fail(MANAGED_STORAGE, error.message, "see docs/configuration.md")
    except AzureError as error:  # getting a user delegation key
        return CheckResult.fail(
            MANAGED_STORAGE,
            f"{spec.account_url} gave no user delegation key: {_reason(error)}",
            "give the identity Storage Blob Data Contributor on the storage account",
        )
    signer = "a user delegation key (Entra ID)" if settings.entra else "the storage account key"
    try:
        next(iter(ContainerClient.from_container_url(sas_url, **_CLIENT_OPTIONS).list_blobs()), None)
    except ResourceNotFoundError:
        return CheckResult.ok(
            MANAGED_STORAGE,
            f"{url} does not exist yet (the first `up` creates it); the account takes a SAS signed with {signer}",
        )
    except AzureError as error:
        todo = f"check accountUrl in {stack}'s catalog, and that this machine may reach it"
        if isinstance(error, HttpResponseError) and error.status_code == 403 and not settings.entra:
            todo = (
                f"set this account's key: `pulumi config set --secret storageAccountKey --stack {stack}` "
                "reads it from standard input"
            )
        return CheckResult.fail(MANAGED_STORAGE, f"{url} cannot be listed: {_reason(error)}", todo)
    return CheckResult.ok(MANAGED_STORAGE, f"{url} lists through a SAS signed with {signer}")


def _reason(error: AzureError) -> str:
    if isinstance(error, HttpResponseError):
        code = error_code(error)
        return f"HTTP {error.status_code}{f' {code}' if code else ''}"
    return network_reason(str(error))


def _sas_container_todo(error: ProviderError, stack: str) -> str:
    if isinstance(error, ConfigError):
        return f"`pulumi config set {SAS_CONTAINER_CONFIG} <container URL> --stack {stack}`"
    return (
        f"config {SAS_TOKEN_CONFIG} goes only to the container config {SAS_CONTAINER_CONFIG} names: "
        "fix the URL in the catalog, or that key"
    )


def _sas_todo(sas_token: str | None, stack: str) -> str:
    if not sas_token:
        return (
            "the stack sends this URL with no SAS: set a read+list SAS token with "
            f"`pulumi config set --secret sasToken --stack {stack}` (reads standard input)"
        )
    expiry = parse_qs(sas_token.lstrip("?")).get("se", ["?"])[0]
    return f"check the URL, and that config sasToken allows read and list there and is valid (it expires {expiry})"
