"""scripts/say: one sentence spoken by a stack's voice, read from the stack's outputs."""

import argparse
import io
import json
import os
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import requests

from catalog.ssml import TEXT_PLACEHOLDER
from doctor.stack_config import StackConfigError, read_stack_config
from provider.accounts.keys import account_auth
from provider.accounts.settings import AccountSettings
from provider.authentication import (
    AUTHENTICATION_CONFIG,
    ENTRA_AUTHENTICATION,
    ENTRA_CLIENT_ID_CONFIG,
    entra_credential,
)
from provider.config import StackConfig
from provider.errors import ProviderError
from provider.regions import region_of
from provider.speech.auth import BearerTokenAuth, SubscriptionKeyAuth
from provider.validation import CUSTOM_SUBDOMAIN_SUFFIX, check_url, in_zone, is_loopback, url_host

OUTPUT_FORMAT = "riff-24khz-16bit-mono-pcm"
TTS_PATH = "/cognitiveservices/v1"
TTS_ENDPOINT_CONFIG = "ttsEndpoint"
TIMEOUT = (5.0, 60.0)


class SayError(Exception):
    """What went wrong, in one line."""


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/say", description="Speak a sentence with a stack's voice.")
    parser.add_argument("--stack", default="dev")
    parser.add_argument("voice_id")
    parser.add_argument("text")
    parser.add_argument("out")
    args = parser.parse_args()
    try:
        seconds = say(args.stack, args.voice_id, args.text, args.out)
    except SayError as error:
        print(f"say: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: WAV, 24000 Hz, 16-bit mono, {seconds:.2f} s")
    return 0


def say(stack: str, voice_id: str, text: str, out: str) -> float:
    voices = json.loads(pulumi("stack", "output", "--json", "--stack", stack) or "{}").get("voices") or {}
    voice = voices.get(voice_id)
    if voice is None:
        raise SayError(
            f"stack {stack} has no voice {voice_id!r} in its outputs (it has: {', '.join(voices) or 'none'})"
        )
    if voice.get("status") != "Succeeded":
        raise SayError(f"voice {voice_id!r} is {voice.get('status')}, not Succeeded")
    values = stack_config(stack)
    url = tts_endpoint(StackConfig(values).get(TTS_ENDPOINT_CONFIG)) or tts_url(str(voice["endpoint"]))
    headers = {"X-Microsoft-OutputFormat": OUTPUT_FORMAT, "Content-Type": "application/ssml+xml"}
    ssml = str(voice["ssml"]).replace(TEXT_PLACEHOLDER, escape(text))
    try:
        response = requests.post(
            url, data=ssml.encode(), headers=headers, auth=auth(values, voice), timeout=TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as error:
        raise SayError(f"{url} could not be reached: {type(error).__name__}") from None
    if response.status_code != 200:
        reason = " ".join(response.text.split())[:300] or response.reason
        raise SayError(f"the text-to-speech service refused (HTTP {response.status_code}): {reason}")
    with wave.open(io.BytesIO(response.content)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    with open(out, "wb") as written:
        written.write(response.content)
    return seconds


def tts_endpoint(configured: str | None) -> str | None:
    """Config ttsEndpoint, which gets the Speech key: checked as every endpoint is."""
    if configured is None:
        return None
    problems = check_url(f"config {TTS_ENDPOINT_CONFIG}", configured, allow_query=False)
    if problems:
        raise SayError(str(problems[0]))
    return configured


def tts_url(endpoint: str) -> str:
    """The text-to-speech URL of the Speech resource at `endpoint` (its Custom Voice endpoint)."""
    host = url_host(endpoint)
    if is_loopback(host):
        return f"{endpoint.rstrip('/')}{TTS_PATH}"
    region = region_of(endpoint)
    if region is not None:
        return f"https://{region}.tts.speech.microsoft.com{TTS_PATH}"
    if in_zone(host, CUSTOM_SUBDOMAIN_SUFFIX):
        return f"https://{host}/tts{TTS_PATH}"
    raise SayError(
        f"no text-to-speech host is known for {endpoint}; set it with `pulumi config set {TTS_ENDPOINT_CONFIG} <url>`"
    )


def auth(values: dict[str, str], voice: dict[str, Any]) -> requests.auth.AuthBase:
    """As the provider host reaches the voice's Speech resource: Entra ID, the key of the stack's
    account (from ARM), or config's key. `values`: the stack's config, as `stack_config` reads it."""
    config = StackConfig(values)
    if config.get(AUTHENTICATION_CONFIG) == ENTRA_AUTHENTICATION:
        return BearerTokenAuth(entra_credential(config.get(ENTRA_CLIENT_ID_CONFIG)))
    if voice.get("accountId"):
        try:
            return account_auth(AccountSettings.load(values), str(voice["accountId"]), str(voice["endpoint"]))
        except ProviderError as error:
            raise SayError(str(error)) from None
    key = os.environ.get("AZURE_SPEECH_KEY") or config.get("speechKey")
    if not key:
        raise SayError("no Speech key: set AZURE_SPEECH_KEY, or config speechKey")
    return SubscriptionKeyAuth(key)


def stack_config(stack: str) -> dict[str, str]:
    """The stack's config, read once (secrets decrypted into memory only)."""
    try:
        return read_stack_config(stack, Path.cwd())
    except StackConfigError as error:
        raise SayError(str(error)) from None


def pulumi(*args: str) -> str:
    result = subprocess.run(
        ["pulumi", *args, "--non-interactive"], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise SayError(f"pulumi {' '.join(args[:3])} failed: {' '.join(result.stderr.split())[:300]}")
    return result.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
