"""The review of real `pulumi preview --json` output of the pinned CLI (3.260.0), one file per kind
of change: `data/preview/*.json`, saved by the end-to-end walkthrough
(`PV_SAVE_PREVIEWS=tests/unit/data/preview pytest tests/e2e/test_review_cli.py`; see its
docstring). The stack: a project, a consent from a URL, JessicaVoice with prompt audio in the
stack's container, MarkVoice and LisaVoice in a container of their own (SAS from `sasToken`)."""

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from review.cli import main
from tests.review_tables import first_line, rows

DATA = Path(__file__).parent / "data" / "preview"
PROJECT = "contoso-personal-voices"
CHANGES_OF_EVERY_VOICE = ("JessicaVoice", "LisaVoice", "MarkVoice")


def preview(kind: str) -> dict[str, Any]:
    return json.loads((DATA / f"{kind}.json").read_text())


def reviewed(document: dict[str, Any], *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), io.StringIO(json.dumps(document)), out, err)
    return status, out.getvalue(), err.getvalue()


def review(kind: str, *args: str) -> str:
    return reviewed(preview(kind), *args)[1]


def profile(kind: str, voice_id: str) -> str:
    """The voice's speakerProfileId, as the stack's outputs in that preview hold it."""
    stack = next(s for s in preview(kind)["steps"] if s["urn"].endswith("::pulumi:pulumi:Stack::personal-voice-e2e"))
    return stack["oldState"]["outputs"]["voices"][voice_id]["speakerProfileId"]


def ends(kind: str, voice_id: str) -> str:
    return f"ends speakerProfileId `{profile(kind, voice_id)}`; SSML and apps using it stop working"


FIRST_LINES = {
    "no-change": "no change to any voice; nothing else changes",
    "voice-created": "1 voice created: new speakerProfileId; nothing else changes",
    "prefix-changed": "1 voice replaced: new speakerProfileId; 1 prompt audio updated in place",
    "id-case-changed": "1 voice replaced: new speakerProfileId; nothing else changes",
    # Config the provider host joins at create: no resource changes.
    "sas-rotated": "no change to any voice; nothing else changes",
    "host-changed": "3 voices replaced: new speakerProfileIds; 1 consent replaced",
    "api-version-changed": (
        "3 voices updated in place: same speakerProfileIds; 1 consent updated in place, 1 project updated in place; "
        "nothing changes in the service"
    ),
    "voice-removed": "1 voice deleted: its speakerProfileId ends; nothing else changes",
    "project-description-changed": "3 voices replaced: new speakerProfileIds; 1 consent replaced, 1 project replaced",
    "project-description-changed-with-replacement-steps": (
        "3 voices replaced: new speakerProfileIds; 1 consent replaced, 1 project replaced"
    ),
    "consent-replaced": "3 voices replaced: new speakerProfileIds; 1 consent replaced",
    "mixed": (
        "1 voice replaced: new speakerProfileId; 1 voice deleted: its speakerProfileId ends; "
        "1 voice updated in place: same speakerProfileId; 1 prompt audio updated in place"
    ),
    "drift": (
        "1 voice replaced: new speakerProfileId; 1 voice made again (gone from the service): new speakerProfileId; "
        "nothing else changes"
    ),
    "protected-voice-replaced": "blocked: protected voice JessicaVoice would be replaced, so `pulumi up` fails",
    "protected-voice-with-its-project": (
        f"blocked: protected voice JessicaVoice (with project {PROJECT}) would be replaced, so `pulumi up` fails"
    ),
    "protection-lifted": "1 voice replaced: new speakerProfileId; 1 prompt audio updated in place",
    "project-deleted": (
        "3 voices deleted: their speakerProfileIds end; 1 consent deleted, 1 project deleted, 1 prompt audio deleted"
    ),
}

CHANGES = {
    "no-change": {},
    "voice-created": {"Voices": {"NewVoice": "create"}},
    "prefix-changed": {"Voices": {"JessicaVoice": "replace"}, "Storage": {"prompt-audio/jessica/": "update"}},
    "id-case-changed": {"Voices": {"MarkVoice": "replace"}},
    "sas-rotated": {},
    "host-changed": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "replace"),
        "Consents": {"jessica-consent": "replace"},
    },
    "api-version-changed": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "update"),
        "Consents": {"jessica-consent": "update"},
        "Projects": {PROJECT: "update"},
    },
    "voice-removed": {"Voices": {"LisaVoice": "delete"}},
    "project-description-changed": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "replace"),
        "Consents": {"jessica-consent": "replace"},
        "Projects": {PROJECT: "replace"},
    },
    "consent-replaced": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "replace"),
        "Consents": {"jessica-consent": "replace"},
    },
    "mixed": {
        "Voices": {"JessicaVoice": "replace", "LisaVoice": "delete", "MarkVoice": "update"},
        "Storage": {"prompt-audio/jessica/": "update"},
    },
    "drift": {"Voices": {"MarkVoice": "replace", "LisaVoice": "create (again)"}},
    # The engine goes on after refusing the protected voice: the rest of the change is shown.
    "protected-voice-replaced": {
        "Voices": {"JessicaVoice": "**blocked** replace"},
        "Storage": {"prompt-audio/jessica/": "update"},
    },
    # Here it stops at once: only the refusal says what was attempted.
    "protected-voice-with-its-project": {"Voices": {"JessicaVoice": "**blocked** replace"}},
    # The catalog lifts the protection in the same change: the engine goes by the catalog.
    "protection-lifted": {"Voices": {"JessicaVoice": "replace"}, "Storage": {"prompt-audio/jessica/": "update"}},
    "project-deleted": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "delete"),
        "Consents": {"jessica-consent": "delete"},
        "Projects": {PROJECT: "delete"},
        "Storage": {"prompt-audio/jessica/": "delete"},
    },
}
CHANGES["project-description-changed-with-replacement-steps"] = CHANGES["project-description-changed"]


@pytest.mark.parametrize("kind", sorted(FIRST_LINES))
def test_each_kind_of_change_has_its_first_line_and_one_row_per_changed_resource(kind):
    text = review(kind)
    assert first_line(text) == FIRST_LINES[kind]
    assert {group: {i: row.change for i, row in found.items()} for group, found in rows(text).items()} == CHANGES[kind]


def test_every_data_file_is_reviewed_here():
    assert {path.stem for path in DATA.glob("*.json")} == set(FIRST_LINES) | {"catalog-mistake"}
    assert set(FIRST_LINES) == set(CHANGES)


def test_a_replaced_voice_names_the_field_and_the_speaker_profile_id_that_ends():
    jessica = rows(review("prefix-changed"))["Voices"]["JessicaVoice"]
    assert jessica.what == "`audios.prefix`: `jessica/` -> `jessica-v2/`"
    assert jessica.consequence == f"{ends('prefix-changed', 'JessicaVoice')}; the new voice gets a new speakerProfileId"
    storage = rows(review("prefix-changed"))["Storage"]["prompt-audio/jessica/"]
    assert storage.what == "`prefix`: `jessica/` -> `jessica-v2/`"
    assert storage.consequence == (
        "uploads `prompt-audio/jessica-v2/jessica-prompt.wav`; deletes `prompt-audio/jessica/jessica-prompt.wav`"
    )


def test_an_id_whose_case_changes_is_a_replacement_named_by_its_old_id():
    mark = rows(review("id-case-changed"))["Voices"]["MarkVoice"]
    assert mark.what == "`voiceId`: `MarkVoice` -> `markVoice`"
    assert mark.consequence.startswith(ends("id-case-changed", "MarkVoice"))


def test_a_change_of_host_shows_both_hosts():
    found = rows(review("host-changed"))
    old, new = "http://127.0.0.1:10000/devstoreaccount1/voices", "https://contoso.blob.core.windows.net/voices"
    assert found["Voices"]["MarkVoice"].what == f"`audios.containerUrl`: `{old}` -> `{new}`"
    assert found["Consents"]["jessica-consent"].what == (
        f"`audioUrl`: `{old}/consents/jessica.wav` -> `{new}/consents/jessica.wav`"
    )


def test_an_api_version_change_changes_nothing_in_the_service():
    for found in rows(review("api-version-changed")).values():
        for row in found.values():
            assert row.what == "`apiVersion`: `2026-01-01` -> `2024-02-01-preview`"
            assert row.consequence.startswith("no change in the service")


def test_a_removed_voice_ends_its_speaker_profile_id():
    lisa = rows(review("voice-removed"))["Voices"]["LisaVoice"]
    assert (lisa.what, lisa.consequence) == ("no longer in the catalog", ends("voice-removed", "LisaVoice"))


def test_a_project_replaced_takes_its_consents_and_voices_along_and_each_says_why():
    found = rows(review("project-description-changed"))
    assert found["Projects"][PROJECT].what == "`description`: `(none)` -> `Personal voices, second edition`"
    assert found["Projects"][PROJECT].consequence == (
        "takes every consent and voice in it along, replaced too: consents `jessica-consent`; "
        "voices `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )
    assert found["Consents"]["jessica-consent"].what == f"no change of its own: replaced with project {PROJECT}"
    for voice_id, row in found["Voices"].items():
        assert row.what == f"no change of its own: replaced with project {PROJECT} and consent jessica-consent"
        assert row.consequence.startswith(ends("project-description-changed", voice_id))


def test_replacement_steps_listed_or_not_give_the_same_review():
    with_steps = preview("project-description-changed-with-replacement-steps")
    ops = [step["op"] for step in with_steps["steps"]]
    assert ops.count("replace") == ops.count("create-replacement") == ops.count("delete-replaced") == 5
    assert review("project-description-changed-with-replacement-steps") == review("project-description-changed")


def test_a_deleted_project_lists_the_consents_and_voices_it_takes_along():
    found = rows(review("project-deleted"))
    assert found["Projects"][PROJECT].what == "no longer in the catalog"
    assert found["Projects"][PROJECT].consequence == (
        "deleted in the service with everything in it: consents `jessica-consent`; "
        "voices `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )
    assert found["Consents"]["jessica-consent"].consequence == "deleted in the service"
    for voice_id, row in found["Voices"].items():
        assert (row.what, row.consequence) == ("no longer in the catalog", ends("project-deleted", voice_id))


def test_a_protection_lifted_in_the_same_change_is_said_beside_the_id():
    jessica = rows(review("protection-lifted"))["Voices"]["JessicaVoice"]
    assert jessica.id_cell == "`JessicaVoice` (protection lifted)"
    assert jessica.what == "`audios.prefix`: `jessica/` -> `jessica-v2/`"
    assert jessica.consequence == (
        f"{ends('protection-lifted', 'JessicaVoice')}; the new voice gets a new speakerProfileId"
    )
    assert "**Blocked.**" not in review("protection-lifted")


def test_a_consent_replaced_replaces_its_voices():
    found = rows(review("consent-replaced"))
    assert found["Consents"]["jessica-consent"].what == "`voiceTalentName`: `Jessica Smith` -> `Jessica Smith-Jones`"
    assert found["Consents"]["jessica-consent"].consequence == (
        "replaces its voices: `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )


def test_what_the_refresh_found_is_said_a_disabled_voice_and_a_voice_gone_from_the_service():
    found = rows(review("drift"))["Voices"]
    assert found["MarkVoice"].what == "status is Disabled in the service (found by the refresh)"
    assert found["MarkVoice"].consequence.startswith(
        f"the service has it Disabled already; {ends('drift', 'MarkVoice')}"
    )
    assert found["LisaVoice"].what == "gone from the service (found by the refresh): made again"
    assert found["LisaVoice"].consequence == (
        f"speakerProfileId `{profile('drift', 'LisaVoice')}` ended outside the stack; "
        "the voice made again gets a new one"
    )


def test_a_blocked_voice_says_what_was_attempted_and_that_its_speaker_profile_id_stays():
    jessica = rows(review("protected-voice-replaced"))["Voices"]["JessicaVoice"]
    assert jessica.id_cell == "`JessicaVoice` (protected)"
    assert jessica.what == "`audios.prefix`: `jessica/` -> `jessica-v2/`"
    assert jessica.consequence == (
        "refused: it is protected, so `pulumi up` fails; "
        f"speakerProfileId `{profile('protected-voice-replaced', 'JessicaVoice')}` stays"
    )
    along = rows(review("protected-voice-with-its-project"))["Voices"]["JessicaVoice"]
    assert along.what == f"replaced as part of replacing project {PROJECT}"
    for kind in ("protected-voice-replaced", "protected-voice-with-its-project"):
        text = review(kind)
        assert "**Blocked.**" in text and "**The preview failed:**" not in text


def test_unchanged_resources_are_counted_by_kind_or_all_together_without_show_sames():
    assert "Unchanged (not listed): 3 voices, 1 consent, 1 project, 1 blob container, 1 prompt audio." in review(
        "no-change"
    )
    assert "Unchanged (not listed): 1 consent, 1 project, 1 blob container." in review("mixed")
    plain = preview("no-change")
    plain["steps"] = [
        s for s in plain["steps"] if s["op"] != "same" or s["urn"].endswith("::pulumi:pulumi:Stack::personal-voice-e2e")
    ]
    assert "Unchanged (not listed): 7 resources." in reviewed(plain)[1]


@pytest.mark.parametrize(
    ("kind", "fail_on", "status"),
    [
        ("no-change", "replace,delete", 0),
        ("voice-created", "replace,delete", 0),
        ("voice-created", "create", 4),
        ("drift", "create", 4),  # made again: a create
        ("sas-rotated", "replace,delete", 0),
        ("sas-rotated", "update,replace,delete", 0),
        ("mixed", "update", 4),
        ("prefix-changed", "replace,delete", 4),
        ("voice-removed", "replace,delete", 4),
        ("voice-removed", "replace", 0),
        ("mixed", "delete", 4),
        ("protected-voice-replaced", "create", 3),  # a blocked change fails the preview: 3 whatever --fail-on says
        ("protected-voice-replaced", "replace", 3),
    ],
)
def test_fail_on_exits_4_when_such_a_change_is_present_and_a_failed_preview_exits_3(kind, fail_on, status):
    assert reviewed(preview(kind), "--fail-on", fail_on)[0] == status


def test_what_fails_is_said_on_stderr_in_one_line():
    _, _, err = reviewed(preview("mixed"), "--fail-on", "replace,delete")
    assert err == "review: 1 delete, 1 replace present, and --fail-on names it\n"
    _, _, err = reviewed(preview("protected-voice-replaced"))
    assert err == f"review: {FIRST_LINES['protected-voice-replaced']}\n"


def test_a_preview_that_failed_for_another_reason_says_why_first():
    status, text, err = reviewed(preview("catalog-mistake"), "--fail-on", "replace")
    assert status == 3
    problem = "voices[1].consentId: consent 'nobody-consent' is not declared in consents"
    assert first_line(text).startswith("preview failed: invalid catalog: /") and first_line(text).endswith(problem)
    assert err == f"review: {first_line(text)}\n"
    assert rows(text) == {}
    assert "**The preview failed:**\n\n```text\ninvalid catalog:\n  /" in text and f"{problem}\n```" in text
    # The engine's wrap-up ("Program exited with non-zero exit code") adds nothing.
    assert "Program exited" not in text


def test_a_changed_field_of_hostile_text_stays_in_its_cell():
    hostile = preview("project-description-changed")
    step = next(s for s in hostile["steps"] if s["op"] == "replace" and s["urn"].endswith(f"Project::{PROJECT}"))
    step["newState"]["inputs"]["description"] = "a | b `c`\n<script>alert(1)</script>"
    project = rows(reviewed(hostile)[1])["Projects"][PROJECT]
    assert project.what == "`description`: `(none)` -> ``a \\| b `c` <script>alert(1)</script>``"


def test_a_sas_or_a_signature_never_shows_even_outside_secret_fields():
    leaky = preview("prefix-changed")
    step = next(s for s in leaky["steps"] if s["op"] == "replace")
    step["newState"]["inputs"]["endpoint"] = "https://speech.example/?sv=2024&sig=TopSecretSignature%3D"
    leaky["diagnostics"] = [
        {"message": "error: GET https://a.example/c?sig=OtherSignature failed\n", "severity": "error"}
    ]
    _, text, err = reviewed(leaky)
    assert "https://speech.example/?[secret]" in text
    assert "TopSecretSignature" not in text + err and "OtherSignature" not in text + err


def test_a_resource_of_another_type_is_listed_with_plain_words():
    other = preview("voice-created")
    step = next(s for s in other["steps"] if s["op"] == "create")
    step["urn"] = step["urn"].replace(
        "pulumi-python:dynamic/customvoice:PersonalVoice", "random:index/randomId:RandomId"
    )
    step["newState"]["type"] = "random:index/randomId:RandomId"
    text = review_of_document(other)
    assert first_line(text) == "no change to any voice; 1 other resource created"
    assert rows(text) == {"Other resources": {"new": rows(text)["Other resources"]["new"]}}
    assert rows(text)["Other resources"]["new"].consequence == "created"


def review_of_document(document: dict[str, Any]) -> str:
    return reviewed(document)[1]


def test_a_container_sas_says_a_token_outlives_its_resource():
    sas_urn = "urn:pulumi:e2e::personal-voice::pulumi-python:dynamic/storage:ContainerSas::prompt-audio-read"
    state = {
        "urn": sas_urn,
        "type": "pulumi-python:dynamic/storage:ContainerSas",
        "inputs": {"accountUrl": "http://127.0.0.1:10000/devstoreaccount1", "containerName": "prompt-audio"},
        "outputs": {"token": "[secret]"},
    }
    document = copy.deepcopy(preview("no-change"))
    document["steps"] += [{"op": "delete", "urn": sas_urn, "oldState": state, "newState": None}]
    row = rows(review_of_document(document))["Storage"]["prompt-audio"]
    assert (row.change, row.consequence) == (
        "delete",
        "revokes nothing: the token stays valid until it expires (rotating the account key revokes it)",
    )


@pytest.mark.parametrize(
    ("stdin", "problem"),
    [
        ("", "not JSON"),
        ("Previewing update (dev):\n", "not JSON"),
        ("[]", "no `steps` list"),
        ('{"steps": [{"op": "create"}]}', "steps[0]: no op or URN"),
        (
            '{"steps": [{"op": "create", "urn": "urn:pulumi:a::b::c::d", "newState": {"inputs": {}}}]}',
            "not a resource state",
        ),
    ],
)
def test_input_that_is_not_preview_json_is_refused_in_one_line(stdin, problem):
    out, err = io.StringIO(), io.StringIO()
    assert main([], io.StringIO(stdin), out, err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("review: the input is not `pulumi preview --json` output: ")
    assert problem in err.getvalue() and err.getvalue().count("\n") == 1


def test_an_unknown_fail_on_kind_is_refused_naming_the_kinds():
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fail-on", "replace,remove"], io.StringIO("{}"), out, err) == 2
    assert "remove: give one or more of create, update, replace, delete, comma-separated" in err.getvalue()
