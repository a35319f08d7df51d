"""What `provider.redaction` scrubs out of a text before anyone sees it, and what it leaves:
SAS signatures, Speech key headers, bearer tokens and secrets registered by the host."""

import pytest

from provider import redaction
from provider.errors import ConfigError, ProviderError, Refused, ServiceError
from provider.redaction import query_of, redact, register_sas, register_secret, strip_query


@pytest.fixture(autouse=True)
def no_secrets_known_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redaction, "_known_secrets", set())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://a/c?sig=abc&sv=1", "https://a/c?sig=***&sv=1"),
        ("https://a/c?sv=1&SIG=abc#frag", "https://a/c?sv=1&SIG=***#frag"),
        ("url 'https://a/c?sig=abc' quoted", "url 'https://a/c?sig=***' quoted"),
        ('{"url": "https://a/c?sig=abc"}', '{"url": "https://a/c?sig=***"}'),
        ("https://a/c?sig=abc then more", "https://a/c?sig=*** then more"),
        ("a?sig=x&b=1&sig=y", "a?sig=***&b=1&sig=***"),
        ("designation=abc", "designation=abc"),
    ],
)
def test_a_sas_signature_is_redacted_up_to_the_end_of_its_value(text: str, expected: str):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ocp-Apim-Subscription-Key: abc123", "Ocp-Apim-Subscription-Key: ***"),
        ("ocp-apim-subscription-key=abc123 rest", "ocp-apim-subscription-key=*** rest"),
        ("{'Ocp-Apim-Subscription-Key': 'abc123', 'x': 1}", "{'Ocp-Apim-Subscription-Key': '***', 'x': 1}"),
        ('{"Ocp-Apim-Subscription-Key":"abc123"}', '{"Ocp-Apim-Subscription-Key":"***"}'),
        ("Ocp-Apim-Subscription-Key:abc123,next", "Ocp-Apim-Subscription-Key:***,next"),
        ("{Ocp-Apim-Subscription-Key = abc123}", "{Ocp-Apim-Subscription-Key = ***}"),
    ],
)
def test_a_speech_key_header_is_redacted_in_any_printed_form(text: str, expected: str):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer eyJ.a-b_c~d+e/f= next", "Authorization: Bearer *** next"),
        ("authorization: bearer   abc.def", "authorization: bearer   ***"),
    ],
)
def test_a_bearer_token_is_redacted_whatever_the_case(text: str, expected: str):
    assert redact(text) == expected


def test_a_text_without_secrets_is_left_as_it_is():
    text = "Voice 'Jessica' failed: DataNotEnough (HTTP 400)"
    assert redact(text) == text


def test_registered_secrets_are_redacted_wherever_they_appear_longest_first():
    register_secret("abcd")
    register_secret("abcdefgh")
    assert redact("key abcdefgh and abcd and xabcdx") == "key *** and *** and x***x"


@pytest.mark.parametrize("short", ["", None, "a", "abc"])
def test_values_shorter_than_four_characters_are_not_secrets(short: str | None):
    register_secret(short)
    assert redaction._known_secrets == set()
    assert redact("a abc b") == "a abc b"


def test_a_secret_inside_a_longer_one_does_not_leave_part_of_the_longer_one():
    register_secret("bcde")
    register_secret("abcdefgh")
    assert redact("abcdefgh bcde") == "*** ***"


def test_an_unencoded_padded_signature_is_registered_whole():
    register_sas("https://a/c?sv=1&sig=QUJDREVGR0g=&se=2030")
    assert redact("QUJDREVGR0g=") == "***"


def test_a_four_character_value_is_a_secret():
    register_secret("wxyz")
    assert redact("wxyz!") == "***!"


def test_a_registered_sas_signature_is_redacted_as_sent_and_decoded():
    register_sas("https://a.blob.core.windows.net/c?sv=1&sig=AbCd%2BEf%3D&se=2030#frag")
    assert redact("seen AbCd%2BEf%3D in one log and AbCd+Ef= in another") == "seen *** in one log and *** in another"


def test_the_signature_field_is_found_in_any_case():
    register_sas("https://a/c?SIG=QWERTYUIOP")
    assert redact("QWERTYUIOP") == "***"


@pytest.mark.parametrize("url", [None, "", "https://a/c", "https://a/c?sv=1&sig=", "https://a/c?signature=QWERTYUIOP"])
def test_a_url_without_a_signature_registers_nothing(url: str | None):
    register_sas(url)
    assert redaction._known_secrets == set()


def test_only_the_signature_of_a_sas_is_registered():
    register_sas("https://a/c?sv=2024-11-04&sp=rl&sig=QWERTYUIOP")
    assert redact("sv=2024-11-04 sp=rl") == "sv=2024-11-04 sp=rl"


@pytest.mark.parametrize(
    ("url", "base", "query"),
    [
        ("https://a/c?sv=1&sig=x#frag", "https://a/c", "sv=1&sig=x"),
        ("https://a/c?sv=1?x=2", "https://a/c", "sv=1?x=2"),
        ("https://a/c", "https://a/c", ""),
        ("https://a/c#frag", "https://a/c", ""),
        ("https://a/c?sv=1#x#y", "https://a/c", "sv=1"),
        ("https://a/c#x#y", "https://a/c", ""),
        ("https://a/c?", "https://a/c", ""),
    ],
)
def test_the_query_of_a_url_and_the_url_without_it(url: str, base: str, query: str):
    assert strip_query(url) == base
    assert query_of(url) == query


@pytest.mark.parametrize("kind", [ProviderError, ServiceError, Refused, ConfigError])
def test_every_error_raised_on_purpose_shows_its_message_redacted(kind: type[ProviderError]):
    error = kind("cannot read https://a/c?sv=1&sig=secret1 with Bearer tok.en")
    assert str(error) == "cannot read https://a/c?sv=1&sig=*** with Bearer ***"
    assert error.message == str(error) == error.describe()
    assert isinstance(error, ProviderError)
