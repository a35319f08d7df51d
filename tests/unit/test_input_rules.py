"""The Custom Voice input rules (`provider.validation`): what each accepts, and the exact
problem a user reads for what it refuses, naming the field."""

import pytest

from provider.validation import (
    ID_RULE,
    Problem,
    check_base_model,
    check_endpoint,
    check_entra_endpoint,
    check_extensions,
    check_id,
    check_locale,
    check_one_of,
    check_optional_text,
    check_url,
    id_from_name,
    is_loopback,
    normalise_extension,
)


def shown(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


def test_a_problem_reads_field_colon_reason():
    assert str(Problem("voiceId", "is required")) == "voiceId: is required"


@pytest.mark.parametrize("value", [None, ""])
def test_an_absent_id_is_required(value: object):
    assert shown(check_id("voiceId", value)) == ["voiceId: is required"]


def test_an_id_that_is_not_text_names_its_type():
    assert shown(check_id("voiceId", 12)) == ["voiceId: must be a string, got int"]


def test_an_invalid_id_is_shown_with_the_rule():
    assert shown(check_id("projectId", "a b")) == [f"projectId: 'a b' is not a valid id ({ID_RULE})"]
    assert ID_RULE.startswith("3 to 64 characters")


@pytest.mark.parametrize("value", ["DragonLatestNeural", "PhoenixV2Neural", "A", "A" * 64])
def test_base_model_names_are_letters_then_letters_and_digits(value: str):
    assert check_base_model("baseModel", value) == []


def test_no_base_model_is_fine():
    assert check_base_model("baseModel", None) == []


@pytest.mark.parametrize(
    ("value", "text"), [("2Dragon", "'2Dragon'"), ("A" * 65, repr("A" * 65)), ("", "''"), (7, "7")]
)
def test_a_bad_base_model_name_is_shown_with_an_example(value: object, text: str):
    assert shown(check_base_model("baseModel", value)) == [
        f"baseModel: {text} is not a base model name (letters and digits, e.g. DragonLatestNeural)"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("voice.one_two", "voice.one_two"),
        ("  my voice  ", "my-voice"),
        ("..abc..", "abc"),
        ("ab", "pv-ab"),
        ("a", "pv-a"),
        ("abc", "abc"),
        ("!!", "pv-voice"),
        ("", "pv-voice"),
        ("a" * 63 + "-b", "a" * 63),
        ("a" * 62 + "..b", "a" * 62),
        ("é-voice", "voice"),
        ("MyVOICE", "MyVOICE"),
    ],
)
def test_the_id_derived_from_a_resource_name(name: str, expected: str):
    assert id_from_name(name) == expected
    assert check_id("voiceId", expected) == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        (None, False),
        ("", False),
        ("10.0.0.1", False),
        ("contoso.blob.core.windows.net", False),
        ("localhost.example.com", False),
    ],
)
def test_loopback_hosts(host: str | None, loopback: bool):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "url: is required"),
        ("", "url: is required"),
        (3, "url: must be a string, got int"),
        ("ftp://host/c", "url: must be an absolute https:// URL"),
        ("https:///path", "url: must be an absolute https:// URL"),
        ("contoso.blob.core.windows.net/c", "url: must be an absolute https:// URL"),
        ("http://contoso.com/c", "url: must use https (plain http is allowed only for loopback addresses)"),
        ("https://contoso.com/c?sv=1", "url: must not carry a query string"),
    ],
)
def test_a_url_refused_says_why(value: object, problem: str):
    assert shown(check_url("url", value, allow_query=False)) == [problem]


def test_a_url_with_a_query_passes_where_one_is_allowed():
    assert check_url("url", "https://contoso.com/c?sv=1", allow_query=True) == []
    assert check_url("url", "http://127.0.0.1:10000/a/c?sv=1", allow_query=True) == []


def test_an_endpoint_with_a_path_is_refused_once():
    assert shown(check_endpoint("endpoint", "https://x.cognitiveservices.azure.com/customvoice")) == [
        "endpoint: must be the Speech resource's base URL, without a path (the client adds /customvoice)"
    ]
    assert shown(check_endpoint("endpoint", "http://example.com/customvoice")) == [
        "endpoint: must use https (plain http is allowed only for loopback addresses)"
    ]
    assert check_endpoint("endpoint", "https://x.cognitiveservices.azure.com//") == []
    assert [p.field for p in check_endpoint("endpoint", "https://x.cognitiveservices.azure.com/X")] == ["endpoint"]


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://contoso.cognitiveservices.azure.com",
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "https://eastus.api.cognitive.microsoft.com/customvoice",
        None,
    ],
)
def test_entra_takes_a_custom_subdomain_or_loopback_and_leaves_bad_endpoints_to_the_endpoint_check(endpoint: object):
    assert check_entra_endpoint("endpoint", endpoint) == []


@pytest.mark.parametrize(
    "endpoint", ["https://eastus.api.cognitive.microsoft.com", "https://cognitiveservices.azure.com"]
)
def test_entra_refuses_a_regional_or_other_endpoint_and_explains(endpoint: str):
    assert shown(check_entra_endpoint("endpoint", endpoint)) == [
        (
            f"endpoint: {endpoint!r} is not a custom subdomain endpoint: Microsoft Entra ID authentication (config "
            "`authentication: entra`) needs https://{name}.cognitiveservices.azure.com; a regional endpoint "
            "such as https://{region}.api.cognitive.microsoft.com accepts only the Speech key"
        )
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" *.WAV ", ".wav"), ("Mp3", ".mp3"), ("..wav", ".wav"), ("*wav", ".wav"), ("XMF", ".xmf"), ("*.XMF", ".xmf")],
)
def test_an_extension_is_compared_in_its_dot_form(raw: str, expected: str):
    assert normalise_extension(raw) == expected


@pytest.mark.parametrize("value", [None, [], ".wav", ("wav",)])
def test_extensions_must_be_a_non_empty_list(value: object):
    assert shown(check_extensions("audios.extensions", value)) == [
        "audios.extensions: must be a non-empty list such as ['.wav']"
    ]


def test_each_bad_extension_is_named_by_its_position():
    assert shown(check_extensions("ext", [".wav", 3, "a/b", " *.mp3 ", "**.x", ""])) == [
        "ext[1]: 3 is not a file extension such as '.wav'",
        "ext[2]: 'a/b' is not a file extension such as '.wav'",
        "ext[4]: '**.x' is not a file extension such as '.wav'",
        "ext[5]: '' is not a file extension such as '.wav'",
    ]


@pytest.mark.parametrize(
    ("field", "limit"), [("description", 1024), ("displayName", 256), ("voiceTalentName", 256), ("companyName", 256)]
)
def test_texts_are_limited_per_field(field: str, limit: int):
    assert check_optional_text(field, "x" * limit) == []
    assert shown(check_optional_text(field, "x" * (limit + 1))) == [
        f"{field}: is {limit + 1} characters long; at most {limit}"
    ]


def test_a_nested_field_takes_its_last_names_limit():
    assert shown(check_optional_text("voices[0].displayName", "x" * 300)) == [
        "voices[0].displayName: is 300 characters long; at most 256"
    ]


def test_a_text_field_without_a_limit_takes_any_length_and_none_is_fine():
    assert check_optional_text("other", "x" * 5000) == []
    assert check_optional_text("description", None) == []


def test_a_text_that_is_not_text_names_its_type():
    assert shown(check_optional_text("description", ["a"])) == ["description: must be a string, got list"]


@pytest.mark.parametrize("value", ["en-US", "fil-PH", "", None, 3])
def test_locales_that_pass(value: object):
    assert check_locale("locale", value) == []


@pytest.mark.parametrize("value", ["en-us", "english", "e-US", "en-USA", "en_US"])
def test_a_bad_locale_is_shown_with_an_example(value: str):
    assert shown(check_locale("locale", value)) == [f"locale: {value!r} is not a locale such as 'en-US'"]


def test_one_of_takes_none_or_an_allowed_value_and_lists_them_otherwise():
    allowed = ("2024-02-01-preview", "2026-01-01")
    assert check_one_of("apiVersion", None, allowed) == []
    assert check_one_of("apiVersion", "2026-01-01", allowed) == []
    assert shown(check_one_of("apiVersion", "2020", allowed)) == [
        "apiVersion: '2020' is not one of 2024-02-01-preview, 2026-01-01"
    ]


def test_a_trailing_newline_breaks_the_id_locale_and_base_model_rules():
    """`$` also matches before a final newline: the whole value must match, as the service reads it."""
    assert check_id("projectId", "proj\n") == [Problem("projectId", f"'proj\\n' is not a valid id ({ID_RULE})")]
    assert check_locale("locale", "en-US\n") == [Problem("locale", "'en-US\\n' is not a locale such as 'en-US'")]
    assert check_base_model("baseModel", "DragonLatestNeural\n") != []
