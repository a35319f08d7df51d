"""The review's pieces: what changed field by field (secrets kept secret), what kind a Pulumi
type is, and Markdown that holds any text."""

import pytest

from review.fields import MISSING, SECRET, UNKNOWN, FieldChange, field_changes, secret_fields, shown
from review.markup import block, cell, code
from review.resources import (
    BLOB_CONTAINER,
    CONSENT,
    CONTAINER_SAS,
    OTHER,
    PROJECT,
    PROMPT_AUDIO,
    VOICE,
    kind_of,
    name_of_urn,
    resource_id,
    type_of_urn,
)

DIGEST = "44b4dc6c53f947cb573cbb9cf063445e75df7789df18c1b9dc095be8b500ef74"


def test_nested_fields_and_lists_of_objects_are_compared_by_path():
    old = {
        "__provider": SECRET,
        "audios": {"prefix": "a/", "extensions": [".wav"]},
        "files": [{"name": "x", "sha256": "1"}],
    }
    new = {
        "__provider": "another pickle",
        "audios": {"prefix": "b/", "extensions": [".wav", ".mp3"]},
        "files": [{"name": "x", "sha256": "2"}, {"name": "y", "sha256": "3"}],
        "description": "new",
    }
    assert field_changes(old, new) == [
        FieldChange("audios.extensions", [".wav"], [".wav", ".mp3"]),
        FieldChange("audios.prefix", "a/", "b/"),
        FieldChange("description", MISSING, "new"),
        FieldChange("files[0].sha256", "1", "2"),
        FieldChange("files[1]", MISSING, {"name": "y", "sha256": "3"}),
    ]


def test_an_object_secret_as_a_whole_on_one_side_is_compared_as_a_secret():
    old = {"audios": {"containerUrl": SECRET, "prefix": "a/"}}
    changes = field_changes(old, {"audios": SECRET})
    assert changes == [FieldChange("audios", SECRET, SECRET)] and changes[0].opaque
    # A value that held no secret is shown as it was.
    assert field_changes({"audioUrl": "http://127.0.0.1/a.wav"}, {"audioUrl": SECRET}) == [
        FieldChange("audioUrl", "http://127.0.0.1/a.wav", SECRET)
    ]
    assert field_changes({"audioUrl": SECRET}, {"audioUrl": SECRET}) == []


def test_secret_fields_are_found_by_path_but_never_the_provider_pickle():
    values = {"__provider": SECRET, "audios": {"containerUrl": SECRET}, "audioUrl": SECRET, "files": [{"p": SECRET}]}
    assert secret_fields(values) == ["audioUrl", "audios.containerUrl", "files[0].p"]
    assert secret_fields(values, under="audios") == ["audios.containerUrl"]


@pytest.mark.parametrize(
    ("value", "seen"),
    [
        (MISSING, "(none)"),
        (SECRET, "[secret]"),
        (UNKNOWN, "[known at up]"),
        (DIGEST, "44b4dc6c53f9…"),
        ("two\nlines", "two lines"),
        ("https://a.blob.core.windows.net/c?sv=2024&sig=abc%3D", "https://a.blob.core.windows.net/c?[secret]"),
        ("x" * 150, "x" * 99 + "…"),
        ([".wav", ".mp3"], '[".wav", ".mp3"]'),
        ({"containerUrl": SECRET, "sha256": DIGEST}, '{"containerUrl": "[secret]", "sha256": "44b4dc6c53f9…"}'),
        (True, "true"),
    ],
)
def test_values_are_shown_short_on_one_line_and_without_secrets(value, seen):
    assert shown(value) == seen


def test_a_key_header_or_bearer_token_in_a_value_is_redacted():
    assert "s3cr3t" not in shown("Authorization: Bearer s3cr3t.tok.en")
    assert "k3y" not in shown("Ocp-Apim-Subscription-Key: k3y")


@pytest.mark.parametrize(
    ("type_token", "kind"),
    [
        ("pulumi-python:dynamic/customvoice:PersonalVoice", VOICE),
        ("pulumi-python:dynamic/customvoice:Consent", CONSENT),
        ("pulumi-python:dynamic/customvoice:Project", PROJECT),
        ("pulumi-python:dynamic/storage:BlobContainer", BLOB_CONTAINER),
        ("pulumi-python:dynamic/storage:PromptAudio", PROMPT_AUDIO),
        ("pulumi-python:dynamic/storage:ContainerSas", CONTAINER_SAS),
        ("pulumi:pulumi:Stack", None),
        ("pulumi:pulumi:StackReference", None),
        ("pulumi:providers:pulumi-python", None),
        ("pulumi-python:dynamic:Resource", OTHER),
        ("pulumi-python:dynamic/storage:PersonalVoice", OTHER),
        ("azure-native:storage:BlobContainer", OTHER),
    ],
)
def test_a_resource_kind_is_its_pulumi_type(type_token, kind):
    assert kind_of(type_token) is kind


def test_a_urn_gives_type_and_name_even_under_a_parent():
    urn = "urn:pulumi:prod::personal-voice::my:component:Voices$pulumi-python:dynamic/customvoice:PersonalVoice::a::b"
    assert type_of_urn(urn) == "pulumi-python:dynamic/customvoice:PersonalVoice"
    assert name_of_urn(urn) == "a::b"


def test_an_id_comes_from_the_inputs_unless_they_hide_it():
    assert resource_id(PROMPT_AUDIO, {"containerName": "c", "prefix": "jessica/"}, "name") == "c/jessica/"
    assert resource_id(VOICE, {"voiceId": UNKNOWN}, "jessica") == "jessica"
    assert resource_id(OTHER, {"voiceId": "x"}, "fallback") == "fallback"


def test_markdown_holds_any_text():
    assert code("plain") == "`plain`"
    assert code("a `b` c") == "``a `b` c``"
    assert code("`edge") == "`` `edge ``"
    assert block("x ``` y") == "````text\nx ``` y\n````"
    assert cell("a | b\nc") == "a \\| b c"


def test_a_field_gone_or_a_shorter_list_of_objects_shows_what_is_gone():
    assert field_changes({"description": "old"}, {}) == [FieldChange("description", "old", MISSING)]
    assert field_changes({"files": [{"n": 1}, {"n": 2}]}, {"files": [{"n": 1}]}) == [
        FieldChange("files[1]", {"n": 2}, MISSING)
    ]
    # A list of objects on one side only is one value.
    assert field_changes({"files": [{"n": 1}]}, {"files": "f"}) == [FieldChange("files", [{"n": 1}], "f")]
    assert field_changes({"files": "f"}, {"files": [{"n": 1}]}) == [FieldChange("files", "f", [{"n": 1}])]


def test_a_value_of_the_longest_length_is_shown_whole():
    assert shown("a" * 100) == "a" * 100
    assert shown("a" * 101) == "a" * 99 + "…"


def test_a_urn_that_is_not_one_is_its_own_name_and_has_no_type():
    assert type_of_urn("not-a-urn") == ""
    assert name_of_urn("not-a-urn") == "not-a-urn"
    # Under a parent under a parent: the resource's own type is the last one.
    urn = "urn:pulumi:dev::p::a:b:C$d:e:F$pulumi-python:dynamic/storage:PromptAudio::x"
    assert type_of_urn(urn) == "pulumi-python:dynamic/storage:PromptAudio"


def test_a_block_keeps_leading_spaces_and_a_code_span_pads_a_trailing_backtick():
    assert block("  indented\n") == "```text\n  indented\n```"
    assert code("tail`") == "`` tail` ``"
