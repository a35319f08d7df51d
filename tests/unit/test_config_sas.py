"""Config sasToken goes only to the container it was issued for (`provider.storage.config_sas`):
the rule over hostile and good URLs (hypothesis), the config's own mistakes, and the provider
host joining it at create (and refusing, before any request, a URL outside the container)."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.dynamic import Config, ConfigureRequest

from emulator import CustomVoiceBackend, mock_custom_voice
from provider.consent import ConsentProvider
from provider.errors import ConfigError, Refused
from provider.redaction import redact
from provider.storage.config_sas import ConfigSas
from provider.validation import check_url
from tests.conftest import CONTAINER, ENDPOINT, KEY, configured_provider, voice_inputs
from tests.unit.test_personal_voice_minted_sas import SeenAudios
from tests.unit.test_project_consent import consent_inputs

TOKEN = "sv=2024-11-04&sp=rl&sr=c&sig=Y29uZmlnc2lnbmF0dXJlb25l%3D"
ROTATED = "sv=2024-11-04&sp=rl&sr=c&sig=Y29uZmlnc2lnbmF0dXJldHdv%3D"
HOST = "contoso.blob.core.windows.net"
DOT_SEGMENT = "has a '.' or '..' path segment (or one hiding a '/' or '\\'), which a server may read as another path"
BOUND = ConfigSas(TOKEN, CONTAINER)  # CONTAINER: https://contoso.blob.core.windows.net/voices
LOCAL = ConfigSas(TOKEN, "http://127.0.0.1:10000/devstoreaccount1/voices")

# Hosts that are not the container's, though they look like it or contain it.
HOSTILE_HOSTS = st.sampled_from(
    [
        "evil.example.net",
        "contoso.blob.core.windows.net.evil.net",  # suffix appended
        "contosoblob.core.windows.net",
        "c0ntoso.blob.core.windows.net",  # look-alike
        "fabrikam.blob.core.windows.net",  # another account
        "contoso.blob.core.windows.nett",
        "xn--cntoso-7ya.blob.core.windows.net",  # IDN, punycode
        "cоntoso.blob.core.windows.net",  # IDN: a Cyrillic о
        "contoso.blob.core.windows.net:8443",  # another port
        "contoso.blob.core.windows.net\\.evil.net",
    ]
)


def spelled(host: str, data: st.DataObject) -> str:
    """The host in mixed case: the same host to DNS and TLS."""
    name, colon, port = host.partition(":")
    return "".join(c.upper() if data.draw(st.booleans()) else c for c in name) + colon + port


@given(host=HOSTILE_HOSTS, path=st.sampled_from(["/voices", "/voices/jessica.wav", "/other", "/"]), data=st.data())
def test_a_url_on_any_other_host_is_refused_naming_the_container(host: str, path: str, data: st.DataObject):
    url = f"https://{spelled(host, data)}{path}"
    refused = BOUND.refusal(url)
    # A host that is no host[:port] at all (non-ASCII, a backslash) is refused for that first.
    assert refused is not None and ("sasContainer" in refused or check_url("url", url, allow_query=False))
    with pytest.raises(Refused, match=r"^audios\.containerUrl: "):
        BOUND.joined("audios.containerUrl", url)


@given(
    user=st.sampled_from([HOST, "contoso", "user:pass", f"{HOST}:443"]),
    host=st.sampled_from([HOST, "evil.net"]),
    data=st.data(),
)
def test_a_url_naming_a_user_is_refused_whatever_its_host(user: str, host: str, data: st.DataObject):
    url = f"https://{user}@{spelled(host, data)}/voices"
    assert "user@host" in str(BOUND.refusal(url))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (
            "http://contoso.blob.core.windows.net/voices",  # another scheme
            "must use https (plain http is allowed only for loopback addresses)",
        ),
        ("https://contoso.blob.core.windows.net/voices2", "is outside"),  # a string prefix is no container
        ("https://contoso.blob.core.windows.net/voice", "is outside"),
        ("https://contoso.blob.core.windows.net/", "is outside"),
        ("https://contoso.blob.core.windows.net/other/voices", "is outside"),
        ("https://contoso.blob.core.windows.net//voices", "is outside"),
        ("https://contoso.blob.core.windows.net/voices/../other", DOT_SEGMENT),  # /other to a server
        ("https://contoso.blob.core.windows.net/voices/%2e%2e/other", DOT_SEGMENT),
        ("https://contoso.blob.core.windows.net/voices/./x", DOT_SEGMENT),
        ("https://contoso.blob.core.windows.net/voices/a%2F..%2F..%2Fother", DOT_SEGMENT),
        ("https://contoso.blob.core.windows.net/voices/..%5Cother", DOT_SEGMENT),
        ("https://contoso.blob.core.windows.net/voices?sv=1", "must not carry a query string"),
        ("https://contoso.blob.core.windows.net/voices?", "ends in a query or fragment mark ('?', '#')"),
        ("https://contoso.blob.core.windows.net/voices#", "ends in a query or fragment mark ('?', '#')"),
        ("https://contoso.blob.core.windows.net/voices#x", "ends in a query or fragment mark ('?', '#')"),
        ("https://contoso.blob.core.windows.net:99999/voices", "port 99999 is out of range"),
        ("https://contoso.blob.core.windows.net:0/voices", "port 0 is out of range"),
        # The same host to DNS, another to TLS and the Host header: one spelling (provider/validation.py).
        (
            "https://contoso.blob.core.windows.net./voices",
            "host contoso.blob.core.windows.net. must be written without its trailing dot",
        ),
        ("ftp://contoso.blob.core.windows.net/voices", "must be an absolute https:// URL"),
    ],
)
def test_a_url_outside_the_container_or_unclear_about_it_is_refused(url: str, why: str):
    refused = str(BOUND.refusal(url))
    if why == "is outside":
        assert refused.startswith(f"{url} is outside the container config sasToken was issued for")
    else:
        assert refused == f"{url} {why}"
    with pytest.raises(Refused, match=r"^audioUrl: "):
        BOUND.joined("audioUrl", url)


@given(
    path=st.sampled_from(["/voices", "/voices/", "/voices/jessica.wav", "/voices/consents/a%20b.wav"]),
    port=st.sampled_from(["", ":443"]),
    data=st.data(),
)
def test_the_container_and_anything_in_it_get_the_token(path: str, port: str, data: st.DataObject):
    url = f"HTTPS://{spelled(HOST, data)}{port}{path}"
    assert BOUND.refusal(url) is None
    assert BOUND.joined("audioUrl", url) == f"{url}?{TOKEN}"


def test_a_container_stated_with_a_trailing_slash_is_the_same_container():
    for container, inside in (
        (f"{CONTAINER}/", f"{CONTAINER}/a.wav"),
        ("http://127.0.0.1:10000/devstoreaccount1/voices/", "http://127.0.0.1:10000/devstoreaccount1/voices/a.wav"),
    ):
        sas = ConfigSas(TOKEN, container)
        assert sas.config_problems() == [] and sas.refusal(inside) is None


def test_a_local_emulator_container_is_compared_with_its_account_in_the_path():
    assert LOCAL.joined("x", "http://127.0.0.1:10000/devstoreaccount1/voices") == (
        f"http://127.0.0.1:10000/devstoreaccount1/voices?{TOKEN}"
    )
    for other in (
        "https://127.0.0.1:10000/devstoreaccount1/voices",  # another scheme
        "http://127.0.0.1:10000/devstoreaccount2/voices",
        "http://127.0.0.1:10001/devstoreaccount1/voices",
        "http://localhost:10000/devstoreaccount1/voices",
        "http://127.0.0.1:10000/devstoreaccount1/consents/jessica.wav",
    ):
        assert LOCAL.refusal(other) is not None


def test_with_no_token_every_url_goes_as_it_is():
    none = ConfigSas(None, None)
    assert none.config_problems() == [] and none.refusal("https://evil.net/x") is None
    assert none.joined("audioUrl", "https://evil.net/x") == "https://evil.net/x"


@pytest.mark.parametrize(
    ("container", "wrong"),
    [
        (None, "config sasContainer is required when config sasToken (or PV_SAS_TOKEN) is set"),
        ("https://contoso.blob.core.windows.net", "is not a container's URL"),
        ("https://contoso.blob.core.windows.net/voices/jessica", "is not a container's URL"),
        ("http://127.0.0.1:10000/voices", "is not a container's URL"),
        ("http://contoso.blob.core.windows.net/voices", "must use https"),
        ("https://x@contoso.blob.core.windows.net/voices", "user@host"),
        ("https://contoso.blob.core.windows.net/voices?sv=1", "query"),
    ],
)
def test_the_token_needs_its_container_stated_in_config(container: str | None, wrong: str):
    sas = ConfigSas(TOKEN, container)
    [problem] = sas.config_problems()
    assert problem.startswith("config sasContainer") and wrong in problem
    with pytest.raises(ConfigError, match="config sasContainer"):
        sas.joined("audioUrl", f"{CONTAINER}/a.wav")


def test_loaded_from_config_the_token_is_redacted_and_a_leading_question_mark_dropped():
    signature = "bG9hZGVkc2lnbmF0dXJlb25seWhlcmU"  # this test's own: no other registers it
    token = f"sv=2024-11-04&sp=rl&sr=c&sig={signature}%3D"
    sas = ConfigSas.load(provider_request(sasToken=f"?{token}", sasContainer=CONTAINER).config)
    assert sas.joined("x", CONTAINER) == f"{CONTAINER}?{token}"
    assert redact(f"echoed {signature}=") == "echoed ***" and token not in repr(sas)


# -- in the provider host ---------------------------------------------------------------------


@pytest.fixture
def seen() -> Any:
    inspector = SeenAudios()
    backend = CustomVoiceBackend(keys=[KEY], audio_inspector=inspector)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend, inspector


def test_the_host_joins_the_token_at_create_and_a_rotated_one_from_then_on(seen: Any):
    backend, inspector = seen
    first = configured_provider(sasToken=TOKEN, sasContainer=CONTAINER)
    created = first.create(voice_inputs(audios_containerUrl=CONTAINER))
    assert inspector.seen[-1]["containerUrl"] == f"{CONTAINER}?{TOKEN}"
    assert (created.outs or {})["audios"]["containerUrl"] == CONTAINER  # state keeps the plain URL
    backend.delete_personal_voice("Jessica")

    rotated = configured_provider(sasToken=ROTATED, sasContainer=CONTAINER)
    rotated.create(voice_inputs(audios_containerUrl=CONTAINER))
    assert inspector.seen[-1]["containerUrl"] == f"{CONTAINER}?{ROTATED}"


def test_the_host_refuses_a_url_outside_the_container_before_any_request(seen: Any):
    backend, inspector = seen
    backend.clear_requests()
    provider = configured_provider(sasToken=TOKEN, sasContainer=CONTAINER, baseModel="DragonLatestNeural")
    with pytest.raises(Refused, match=r"^audios\.containerUrl: https://evil\.example\.net/voices is outside"):
        provider.create(
            voice_inputs(audios_containerUrl="https://evil.example.net/voices", baseModel="PhoenixV2Neural")
        )
    with pytest.raises(Refused, match=r"^audioUrl: https://contoso\.blob\.core\.windows\.net@evil\.net/a\.wav"):
        consent = ConsentProvider()
        consent.configure(provider_request(sasToken=TOKEN, sasContainer=CONTAINER))
        consent.create(consent_inputs(audioUrl=f"https://{HOST}@evil.net/a.wav", consentId="other"))
    assert backend.requests == [] and inspector.seen == []


def test_the_host_sends_a_consent_recording_in_the_container(seen: Any):
    backend, _ = seen
    consent = ConsentProvider()
    consent.configure(provider_request(sasToken=TOKEN, sasContainer=CONTAINER))
    consent.create(consent_inputs(audioUrl=f"{CONTAINER}/consents/jessica.wav", consentId="jessica"))
    assert any(item["id"] == "jessica" for item in backend.list_consents())


def provider_request(**config: str) -> ConfigureRequest:
    raw = {"speechKey": KEY, "pollIntervalSeconds": "0.001", "retryBackoffSeconds": "0", **config}
    return ConfigureRequest(Config({f"personal-voice:{k}": v for k, v in raw.items()}, "personal-voice"))


def test_the_token_may_come_from_the_environment_instead_and_config_wins():
    bound = provider_request(sasContainer=CONTAINER).config
    from_environment = ConfigSas.load(bound, {"PV_SAS_TOKEN": TOKEN})
    assert from_environment.joined("x", CONTAINER) == f"{CONTAINER}?{TOKEN}"
    both = ConfigSas.load(provider_request(sasToken=ROTATED, sasContainer=CONTAINER).config, {"PV_SAS_TOKEN": TOKEN})
    assert both.token == ROTATED
    [problem] = ConfigSas.load(provider_request().config, {"PV_SAS_TOKEN": TOKEN}).config_problems()
    assert problem.startswith("config sasContainer is required when config sasToken (or PV_SAS_TOKEN) is set")
