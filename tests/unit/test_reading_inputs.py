"""Reading resource inputs (`provider.inputs`): unknown values at preview, field paths as
problems name them, and the one spelling of an endpoint or a SAS URL that is compared."""

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from provider.inputs import base_url, blank_as_none, is_unknown, judged, lookup, normalise_endpoint, top_level
from provider.validation import Problem


@pytest.mark.parametrize(("value", "unknown"), [(Unknown(), True), (rpc.UNKNOWN, True), ("", False), (None, False)])
def test_unknown_values_in_either_form(value: Any, unknown: bool):
    assert is_unknown(value) is unknown


VALUES = {"audios": {"prefix": "p/", "extensions": [".wav", ".mp3"]}, "files": [{"name": "a.wav"}], "top": 1}


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("top", 1),
        ("audios.prefix", "p/"),
        ("audios.extensions[1]", ".mp3"),
        ("audios.extensions[0]", ".wav"),
        ("audios.extensions[2]", None),
        ("files[0].name", "a.wav"),
        ("files[1].name", None),
        ("missing.deeper", None),
        ("top.deeper", None),
        ("audios[0]", None),
        ("top[0]", None),
    ],
)
def test_lookup_follows_a_field_path(path: str, found: Any):
    assert lookup(VALUES, path) == found


def test_lookup_stops_at_an_unknown_level():
    assert lookup({"audios": rpc.UNKNOWN}, "audios.prefix") == rpc.UNKNOWN
    unknown = Unknown()
    assert lookup({"files": unknown}, "files[0].name") is unknown
    assert lookup({"files": [rpc.UNKNOWN]}, "files[0].name") == rpc.UNKNOWN


def test_problems_of_unknown_values_are_not_judged_yet():
    inputs = {"voiceId": rpc.UNKNOWN, "audios": {"prefix": rpc.UNKNOWN, "extensions": ["x/y"]}, "endpoint": "x"}
    problems = [
        Problem("voiceId", "is required"),
        Problem("audios.prefix", "bad"),
        Problem("audios.extensions[0]", "bad"),
        Problem("endpoint", "bad"),
        Problem("consentId", "is required"),
    ]
    assert judged(problems, inputs) == [problems[2], problems[3], problems[4]]


def test_blank_is_none():
    assert blank_as_none("") is None
    assert blank_as_none(None) is None
    assert blank_as_none("p/") == "p/"
    assert blank_as_none(0) == 0


def test_base_url_drops_the_query_only_of_a_known_url():
    assert base_url("https://a/c?sv=1&sig=x") == "https://a/c"
    assert base_url(None) is None
    assert base_url(rpc.UNKNOWN) == rpc.UNKNOWN
    unknown = Unknown()
    assert base_url(unknown) is unknown


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("HTTPS://EastUS.API.Cognitive.Microsoft.com/", "https://eastus.api.cognitive.microsoft.com"),
        ("  https://x.cognitiveservices.azure.com//  ", "https://x.cognitiveservices.azure.com"),
        ("https://HOST/Path/?q=A#F", "https://host/Path?q=A#F"),
        ("https://host/X/", "https://host/X"),
        ("not a url/", "not a url/"),
        ("https:", "https:"),
        (None, None),
        (3, 3),
        (rpc.UNKNOWN, rpc.UNKNOWN),
    ],
)
def test_an_endpoint_has_one_spelling(value: Any, expected: Any):
    assert normalise_endpoint(value) == expected


def test_the_engine_gets_top_level_names_once_each_sorted():
    assert top_level(["audios.prefix", "voiceId", "audios.extensions", "baseModel"]) == [
        "audios",
        "baseModel",
        "voiceId",
    ]
    assert top_level([]) == []
