"""Every host or suffix rule against hostile hosts (hypothesis): look-alikes, a suffix
appended, user info, a backslash, whitespace, a trailing dot, Unicode look-alikes (fullwidth
dots, Cyrillic letters), punycode look-alikes, bad ports and numeric spellings of loopback.
Each is refused with its field (or config key) named; the legitimate forms still pass.

Decided: host names compare case-insensitively (`X.CognitiveServices.Azure.COM` is the custom
subdomain); a trailing dot (`x.cognitiveservices.azure.com.`) names the same DNS host but not
the same TLS name or Host header, and an endpoint has one spelling, so it is refused with the
reason, never silently accepted or stripped.
"""

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from catalog.environment import speech_config_problems
from catalog.loader import CatalogError, load_catalog
from doctor.service_config import describe_endpoint
from emulator.prompt_audio_inspector import is_loopback_url
from provider.authentication import ENTRA_AUTHENTICATION, KEY_AUTHENTICATION
from provider.config import ENDPOINT_CONFIG
from provider.regions import region_of
from provider.speech.client import DEFAULT_API_VERSION
from provider.storage.inputs import check_account_url
from provider.validation import (
    CUSTOM_SUBDOMAIN_SUFFIX,
    DEFAULT_BASE_MODEL,
    REGIONAL_HOST_SUFFIX,
    check_entra_endpoint,
    check_url,
    is_loopback,
    url_host,
)
from scripts.changed_stacks import local_reason
from scripts.say import SayError, tts_endpoint, tts_url

labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?", fullmatch=True)
evil_domains = st.builds(lambda a, b: f"{a}.{b}", labels, st.sampled_from(["net", "example", "io", "evil"]))
# Letters a reader takes for Latin ones, and dots IDNA maps to '.'.
CYRILLIC = {"a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e", "i": "\u0456", "s": "\u0455"}
UNICODE_DOTS = ["\uff0e", "\u3002", "\uff61", "\u2024"]
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "127.5.6.7", "LOCALHOST"]
NUMERIC_LOOPBACK_SPELLINGS = ["0x7f.1", "127.1", "2130706433", "0177.0.0.1", "127.000.000.001", "0x7f000001"]
LOOPBACK_LOOK_ALIKES = ["localhost.evil.net", "127.0.0.1.nip.io", "localhost.", "127.0.0.1.", "evil-localhost", "::1"]


def hostile_forms(host: str, evil: str) -> st.SearchStrategy[str]:
    """URLs that a careless reader (or a lenient parser) takes for `host`, but that are not
    exactly it: every one must be refused or must not count as `host`."""
    first, _, rest = host.partition(".")
    unicode_forms = [host.replace(".", dot) for dot in UNICODE_DOTS] + [
        host.replace(latin, cyrillic, 1) for latin, cyrillic in CYRILLIC.items() if latin in host
    ]
    return st.sampled_from(
        [
            f"https://{host}.{evil}",  # the suffix appended
            f"https://{host}-{evil}",
            f"https://{host}@{evil}",  # user info: urlsplit and urllib3 take evil
            f"https://{evil}@{host}",  # user info: both take host, but who reads it so?
            f"https://{evil}\\@{host}",  # urlsplit takes host, urllib3 (which connects) takes evil
            f"https://{evil}\\.{host}",
            f"https://{host}\\.{evil}",
            f"https://{host}.",  # trailing dot: refused, see the docstring
            f"https://{host}:",
            f"https://{host}:0",
            f"https://{host}:65536",
            f"https://{host}:443:443",
            f"https://{host}:44x",
            f"https://{host}\t.{evil}",
            f"https://{host}\n",
            f"https://{host} ",
            f"https:// {host}",
            f"https://{first}..{rest}",
            f"https://-{host}",
            f"https://{host}%2e{evil}",
            f"https://{evil}%40{host}",
            f"https://{evil}\u2100{host}",  # NFKC: a/c
            f"https://\u212a{host}",  # KELVIN SIGN: lower-cased, an ASCII k
            *[f"https://{form}" for form in unicode_forms],
        ]
    )


def custom_subdomain(name: str) -> str:
    return f"{name}{CUSTOM_SUBDOMAIN_SUFFIX}"


# The custom subdomain zone's look-alikes: outside the zone, however they are spelled.
ZONE_LOOK_ALIKES = [
    "cognitiveservices.azure.com.evil.net",
    "evilcognitiveservices.azure.com",
    "cognitiveservices-azure.com",
    "cognitiveservicesXazure.com",
    "cognitiveservices.azure.co",
    "cognitiveservices.azure.com.",
    "xn--cgnitiveservices-9jb.azure.com",  # a punycode look-alike label
    "cognitiveservices.xn--zure-5cd.com",
]


def entra_refused(value: str, field: str = "endpoint") -> bool:
    """Refused for Entra ID, by either the general endpoint rule or the custom subdomain one."""
    problems = speech_config_problems(value, DEFAULT_API_VERSION, DEFAULT_BASE_MODEL, ENTRA_AUTHENTICATION)
    endpoint_problems = [p for p in problems if p.field == ENDPOINT_CONFIG]
    direct = check_entra_endpoint(field, value)
    return bool(endpoint_problems) and all(p.field == field for p in direct)


@given(name=labels, evil=evil_domains, data=st.data())
def test_a_hostile_form_of_a_custom_subdomain_is_refused_for_entra_with_the_field_named(name, evil, data):
    value = data.draw(hostile_forms(custom_subdomain(name), evil))
    assert entra_refused(value)
    with pytest.raises(SayError):
        tts_url(value)
    assert all(p.field == "speechEndpoint" for p in check_url("speechEndpoint", value, allow_query=False))
    assert check_url("speechEndpoint", value, allow_query=False) or check_entra_endpoint("speechEndpoint", value)


@given(name=labels, look_alike=st.sampled_from(ZONE_LOOK_ALIKES), glue=st.sampled_from([".", "", "-"]))
def test_a_look_alike_of_the_custom_subdomain_zone_is_refused_for_entra(name, look_alike, glue):
    value = f"https://{name}{glue}{look_alike}"
    problems = check_entra_endpoint("endpoint", value) + check_url("endpoint", value, allow_query=False)
    assert problems and {p.field for p in problems} == {"endpoint"}
    assert describe_endpoint(value) != describe_endpoint(f"https://{custom_subdomain(name)}")


@given(name=labels, upper=st.lists(st.booleans(), min_size=40, max_size=40), port=st.sampled_from(["", ":443"]))
def test_a_custom_subdomain_in_any_case_passes_for_entra(name, upper, port):
    host = custom_subdomain(name)
    mixed = "".join(c.upper() if flag else c for c, flag in zip(host, upper * 3, strict=False))
    value = f"https://{mixed}{port}/"
    assert check_entra_endpoint("endpoint", value) == []
    assert speech_config_problems(value, DEFAULT_API_VERSION, DEFAULT_BASE_MODEL, ENTRA_AUTHENTICATION) == []
    assert url_host(value) == host
    assert describe_endpoint(value).startswith("a custom subdomain")
    assert tts_url(value) == f"https://{host}/tts/cognitiveservices/v1"


@given(region=labels, evil=evil_domains, data=st.data())
def test_a_hostile_form_of_a_regional_endpoint_names_no_region_and_gets_no_key(region, evil, data):
    host = f"{region}{REGIONAL_HOST_SUFFIX}"
    value = data.draw(hostile_forms(host, evil))
    if url_host(value) is None:
        problems = speech_config_problems(value, DEFAULT_API_VERSION, DEFAULT_BASE_MODEL, KEY_AUTHENTICATION)
        assert problems and problems[0].field == ENDPOINT_CONFIG
    assert region_of(value) is None
    with pytest.raises(SayError):
        tts_url(value)
    assert region_of(f"https://{host.upper()}") == region
    assert tts_url(f"https://{host}") == f"https://{region}.tts.speech.microsoft.com/cognitiveservices/v1"


@given(region=labels, other=labels)
def test_only_one_label_before_the_regional_suffix_is_a_region(region, other):
    assert region_of(f"https://{other}.{region}{REGIONAL_HOST_SUFFIX}") is None
    assert region_of(f"https://{region}.api.cognitive.microsoft.com.{other}.net") is None
    assert region_of(f"https://{region}api.cognitive.microsoft.com") is None


@given(account=labels, evil=evil_domains, data=st.data())
def test_a_hostile_storage_account_url_is_refused_with_the_field_named(account, evil, data):
    value = data.draw(hostile_forms(f"{account}.blob.core.windows.net", evil))
    refused = check_account_url("accountUrl", value)
    if url_host(value) is not None:
        # Another https host is an account URL the module allows (a sovereign cloud, a custom
        # domain): only the spelling tricks must go.
        assert "\\" not in value and "@" not in value
        return
    assert refused and {p.field for p in refused} == {"accountUrl"}


@given(account=labels, evil=evil_domains, data=st.data())
def test_a_hostile_catalog_storage_account_url_stops_the_catalog_at_its_line(account, evil, data, tmp_path_factory):
    value = data.draw(hostile_forms(f"{account}.blob.core.windows.net", evil))
    if url_host(value) is not None:
        return
    root = tmp_path_factory.mktemp("catalog")
    catalog = root / "voices.yaml"
    catalog.write_text(f"storage:\n  accountUrl: {_yaml_string(value)}\n  container: prompts\nvoices: []\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog, project_root=root)
    assert f"{catalog}:2: storage.accountUrl: " in str(caught.value)


def test_a_url_that_urlsplit_cannot_read_is_a_catalog_problem_not_a_traceback(tmp_path: Path):
    catalog = tmp_path / "voices.yaml"
    catalog.write_text(
        'storage:\n  accountUrl: "https://evil.example\u2100contoso.blob.core.windows.net"\n'
        "  container: prompts\nvoices: []\n"
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog, project_root=tmp_path)
    assert f"{catalog}:2: storage.accountUrl: is not a URL: netloc" in str(caught.value)


def _yaml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{escaped}"'


@pytest.mark.parametrize("host", LOOPBACK_HOSTS)
def test_loopback_hosts_may_use_plain_http(host):
    value = f"http://{host}:8765"
    assert check_url("endpoint", value, allow_query=False) == []
    assert is_loopback(url_host(value))
    assert describe_endpoint(value) == "a local emulator"
    assert is_loopback_url(f"http://{host}:10000/devstoreaccount1/voices")
    assert tts_url(value) == f"{value}/cognitiveservices/v1"


@given(
    host=st.sampled_from(NUMERIC_LOOPBACK_SPELLINGS + LOOPBACK_LOOK_ALIKES),
    port=st.sampled_from(["", ":8765"]),
)
@example(host="localhost.evil.net", port="")
def test_what_only_looks_like_loopback_gets_no_plain_http(host, port):
    value = f"http://{host}{port}/devstoreaccount1"
    problems = check_url("audios.containerUrl", value, allow_query=True)
    assert problems and problems[0].field == "audios.containerUrl"
    assert not is_loopback(url_host(value))
    assert not is_loopback_url(value)


@given(loopback=st.sampled_from(LOOPBACK_HOSTS), evil=evil_domains, data=st.data())
def test_a_hostile_form_of_a_loopback_url_is_not_loopback(loopback, evil, data):
    value = data.draw(hostile_forms(loopback, evil)).replace("https://", "http://", 1)
    if url_host(value) == loopback.strip("[]").lower():
        return  # e.g. https://localhost: with a port, the same host
    assert check_url("endpoint", value, allow_query=False)
    assert not is_loopback(url_host(value))
    assert not is_loopback_url(value)


@pytest.mark.parametrize("host", NUMERIC_LOOPBACK_SPELLINGS + ["1.2.3.4.5", "example.0x10", "example.123"])
def test_a_numeric_host_is_a_canonical_ipv4_address_or_refused_also_over_https(host):
    """Resolvers read `0x7f.1` as 127.0.0.1: a host is a name or a dotted quad, never both."""
    problems = check_url("storage.accountUrl", f"https://{host}", allow_query=False)
    assert problems and problems[0].field == "storage.accountUrl"
    assert "IPv4" in problems[0].reason
    assert check_url("storage.accountUrl", "https://10.1.2.3", allow_query=False) == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "LocalHost", "127.255.0.9"])
def test_is_loopback_takes_canonical_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", [None, "", *NUMERIC_LOOPBACK_SPELLINGS, *LOOPBACK_LOOK_ALIKES[:-1], "0.0.0.0"])
def test_is_loopback_refuses_every_other_spelling(host):
    assert not is_loopback(host)


@given(loopback=st.sampled_from(LOOPBACK_HOSTS), evil=evil_domains, data=st.data())
def test_a_stack_on_a_hostile_loopback_look_alike_is_not_local(loopback, evil, data, tmp_path_factory):
    value = data.draw(hostile_forms(loopback, evil)).replace("https://", "http://", 1)
    root = tmp_path_factory.mktemp("stacks")
    (root / "Pulumi.x.yaml").write_text(f"config:\n  personal-voice:speechEndpoint: {_yaml_string(value)}\n")
    if url_host(value) != loopback.strip("[]").lower():
        assert local_reason(root, "x") is None
    (root / "Pulumi.x.yaml").write_text(f"config:\n  personal-voice:speechEndpoint: http://{loopback}:8765\n")
    assert local_reason(root, "x") is not None


@given(name=labels, evil=evil_domains, data=st.data())
def test_a_hostile_tts_endpoint_in_config_is_refused_naming_the_key(name, evil, data):
    value = data.draw(hostile_forms(custom_subdomain(name), evil))
    if url_host(value) is not None:
        return  # another https host the user chose for text to speech
    with pytest.raises(SayError, match=r"^config ttsEndpoint: "):
        tts_endpoint(value)
    assert tts_endpoint(f"https://{custom_subdomain(name)}/tts") == f"https://{custom_subdomain(name)}/tts"


def test_the_example_hosts_of_the_issue_are_refused_or_elsewhere():
    good = "x.cognitiveservices.azure.com"
    assert check_entra_endpoint("endpoint", f"https://{good}.evil.net")
    assert url_host(f"https://{good}@evil.net") is None and url_host(f"https://evil.net@{good}") is None
    assert check_url("endpoint", f"https://evil.net@{good}", allow_query=False)[0].reason.startswith(
        "must not carry user info"
    )
    assert "trailing dot" in check_url("endpoint", f"https://{good}.", allow_query=False)[0].reason
    assert url_host(f"https://{good.upper()}") == good
    # KELVIN SIGN lower-cases to an ASCII k: refused before any lower-casing can hide it.
    assert "ASCII only" in check_url("endpoint", f"https://\u212a{good}", allow_query=False)[0].reason
    assert check_entra_endpoint("endpoint", "https://cognitiveservices.azure.com")  # the zone names no resource


@pytest.mark.parametrize(
    ("authority", "accepted"),
    [
        ("contoso.blob.core.windows.net:1", True),
        ("contoso.blob.core.windows.net:65535", True),
        ("contoso.blob.core.windows.net:0", False),
        ("contoso.blob.core.windows.net:65536", False),
        ("[1:2:3:4:5:6:7:8]", True),
        ("[::ffff:10.1.2.3]:443", True),
        ("[1:2:3:4:5:6:7:8:9]", False),
        ("[::1", False),
        ("[evil.example]", False),
    ],
)
def test_ports_and_ipv6_addresses_at_their_bounds(authority, accepted):
    assert (check_url("accountUrl", f"https://{authority}", allow_query=False) == []) is accepted
    assert (url_host(f"https://{authority}") is not None) is accepted


@pytest.mark.parametrize("scheme", ["ftp", "file", "javascript", ""])
def test_only_http_and_https_urls_have_a_host_here(scheme):
    value = f"{scheme}://contoso.cognitiveservices.azure.com"
    assert url_host(value) is None
    assert check_entra_endpoint("endpoint", value) == []  # check_endpoint's problem, reported by the resource
    assert check_url("endpoint", value, allow_query=False)[0].reason == "must be an absolute https:// URL"


def test_a_space_in_a_path_is_a_blob_names_but_never_in_a_host():
    assert (
        check_url("audioUrl", "https://contoso.blob.core.windows.net/consents/jessica smith.wav", allow_query=False)
        == []
    )
    assert check_url("audioUrl", "https://contoso .blob.core.windows.net/consents/a.wav", allow_query=False)
    assert check_url("audioUrl", "https://contoso.blob.core.windows.net/consents/a\t.wav", allow_query=False)[
        0
    ].reason.startswith("must not contain control characters")


def test_the_emulator_reads_only_a_loopback_authority(tmp_path: Path):
    assert is_loopback_url("http://127.0.0.1:10000/devstoreaccount1/voices?sv=1&sig=x")
    for hostile in (
        "http://evil.net\\@127.0.0.1:10000/devstoreaccount1/voices",
        "http://127.0.0.1:10000@evil.net/devstoreaccount1",
        "http://127.0.0.1.nip.io:10000/devstoreaccount1",
        "http://127.0.0.1\t.evil.net/devstoreaccount1",
        "http://127.0.0.1 .evil.net/devstoreaccount1",
        "http://[::1/devstoreaccount1",
    ):
        assert not is_loopback_url(hostile), hostile
