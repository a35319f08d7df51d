import pytest

from provider.validation import check_endpoint, check_extensions, check_id, check_url, id_from_name, normalise_extension


@pytest.mark.parametrize("value", ["abc", "JessicaPersonalVoiceId", "a.b_c-d", "a" * 64, "1x2"])
def test_valid_ids(value):
    assert check_id("voiceId", value) == []


@pytest.mark.parametrize("value", ["ab", "a" * 65, "-abc", "abc-", "a b c", "ab/c", "ab?c", "äbc"])
def test_invalid_ids_name_the_field(value):
    [problem] = check_id("voiceId", value)
    assert problem.field == "voiceId"
    assert "not a valid id" in problem.reason


def test_missing_id_is_required():
    assert [str(p) for p in check_id("projectId", None)] == ["projectId: is required"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("jessica", "jessica"),
        ("Jessica Voice!", "Jessica-Voice"),
        ("x", "pv-x"),
        ("--", "pv-voice"),
        ("a" * 80, "a" * 64),
    ],
)
def test_id_from_name_satisfies_the_id_rule(name, expected):
    derived = id_from_name(name)
    assert derived == expected
    assert check_id("voiceId", derived) == []


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://contoso.blob.core.windows.net/c?sv=1&sig=abc", True),
        ("http://127.0.0.1:10000/devstoreaccount1/c", True),
        ("http://localhost:10000/c", True),
        ("http://contoso.blob.core.windows.net/c", False),
        ("ftp://x/c", False),
        ("not a url", False),
    ],
)
def test_container_url_needs_https_except_on_loopback(url, ok):
    assert (check_url("audios.containerUrl", url, allow_query=True) == []) is ok


def test_endpoint_must_be_a_base_url():
    assert check_endpoint("endpoint", "https://eastus.api.cognitive.microsoft.com") == []
    assert check_endpoint("endpoint", "https://x.cognitiveservices.azure.com/") == []
    [problem] = check_endpoint("endpoint", "https://eastus.api.cognitive.microsoft.com/customvoice")
    assert "without a path" in problem.reason
    [problem] = check_endpoint("endpoint", "https://eastus.api.cognitive.microsoft.com?x=1")
    assert "query" in problem.reason


@pytest.mark.parametrize("raw", [".wav", "*.wav", "wav", ".WAV"])
def test_extensions_normalise_to_dot_form(raw):
    assert normalise_extension(raw) == ".wav"


def test_extensions_must_be_a_non_empty_list_of_extensions():
    assert check_extensions("audios.extensions", [".wav", "*.mp3"]) == []
    assert check_extensions("audios.extensions", [])[0].field == "audios.extensions"
    assert [p.field for p in check_extensions("audios.extensions", [".wav", "a/b"])] == ["audios.extensions[1]"]
