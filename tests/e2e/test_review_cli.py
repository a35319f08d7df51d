"""The review of a pending change (scripts/preview-review: `pulumi preview --json` read by
`python -m review`) through the real CLI, for each kind of change: one stack goes from one
catalog or config to the next, and each review's first line and rows are checked.

The stack has a project, a consent from a URL, a voice whose prompt audio the stack uploads to
its own container (storage rows) and two voices in a container of their own (the consent's
recording lies there too; the provider host joins config `sasToken` to their URLs at create).
Previews change nothing, so one `up` serves every kind of change but the ones that need a state
of their own (drift, protection, the project deleted).

With PV_SAVE_PREVIEWS=DIR, each preview's JSON is kept in DIR as `<kind>.json`, without the
states' `stackTrace` and `sourcePosition` (the program's Python stack at each registration: most
of the bytes, and paths of this machine): that is how `tests/unit/data/preview/` was made.
"""

import copy
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from review.cli import main
from tests.e2e.conftest import ROOT, SAS_CONTAINER, SAS_SIGNATURES, Project, sas_token
from tests.mermaid_check import mermaid_check
from tests.review_tables import Row, drawn, first_line, rows
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

pytestmark = pytest.mark.e2e

SAVE_PREVIEWS = "PV_SAVE_PREVIEWS"
PROJECT = "contoso-personal-voices"
UNLISTED = ("stackTrace", "sourcePosition")


def catalog_for(azurite: Azurite) -> dict[str, Any]:
    voices_container = SAS_CONTAINER
    return {
        "storage": {"accountUrl": azurite.account_url, "container": "prompt-audio"},
        "projects": [{"id": PROJECT}],
        "consents": [
            {
                "id": "jessica-consent",
                "projectId": PROJECT,
                "voiceTalentName": "Jessica Smith",
                "companyName": "Contoso",
                "locale": "en-US",
                "audioUrl": f"{voices_container}/consents/jessica.wav",
            }
        ],
        "voices": [
            {
                "id": "JessicaVoice",
                "name": "jessica",
                "projectId": PROJECT,
                "consentId": "jessica-consent",
                "audios": {
                    "prefix": "jessica/",
                    "extensions": [".wav"],
                    "files": ["stacks/dev-audio/jessica-prompt.wav"],
                },
            },
            *(
                {
                    "id": voice_id,
                    "name": name,
                    "projectId": PROJECT,
                    "consentId": "jessica-consent",
                    "audios": {"containerUrl": voices_container, "prefix": f"{name}/", "extensions": [".wav"]},
                }
                for voice_id, name in (("MarkVoice", "mark"), ("LisaVoice", "lisa"))
            ),
        ],
    }


class Walkthrough:
    def __init__(self, project: Project, base: dict[str, Any], tmp_path: Path) -> None:
        self.project, self.base, self.tmp_path = project, base, tmp_path
        # Each review that draws a diagram, for Mermaid's parser at the end.
        self.with_diagrams: list[Path] = []

    def catalog(self, *changes) -> None:
        catalog = copy.deepcopy(self.base)
        for change in changes:
            change(catalog)
        self.project.write_catalog(catalog)

    def review(self, kind: str, *args: str, expect_exit: int = 0) -> str:
        """scripts/preview-review's Markdown; the preview's JSON is scanned for secrets too."""
        kept = self.tmp_path / f"{kind}.json"
        self.project.env["PV_PREVIEW_JSON"] = str(kept)
        result = self.project.script("preview-review", *args)
        del self.project.env["PV_PREVIEW_JSON"]
        assert result.returncode == expect_exit, f"{kind}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        self.project.transcript.append(kept.read_text())
        save(kind, kept.read_text())
        if "```mermaid" in result.stdout:
            self.with_diagrams.append(self.tmp_path / f"{kind}.md")
            self.with_diagrams[-1].write_text(result.stdout)
        return result.stdout


def save(kind: str, preview_json: str) -> None:
    """Into PV_SAVE_PREVIEWS, when it is set (see the module docstring)."""
    if os.environ.get(SAVE_PREVIEWS):
        folder = Path(os.environ[SAVE_PREVIEWS])
        folder.mkdir(parents=True, exist_ok=True)
        trimmed = _without(json.loads(preview_json), UNLISTED)
        (folder / f"{kind}.json").write_text(json.dumps(trimmed, indent=2) + "\n")


def _without(value: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(item, keys) for item in value]
    return value


def ends(profile: str) -> str:
    return f"ends speakerProfileId `{profile}`; SSML and apps using it stop working"


def test_each_kind_of_change_has_its_rows_and_first_line(project: Project, azurite: Azurite, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "stacks" / "dev-audio", project.directory / "stacks" / "dev-audio")
    project.pulumi("config", "set", "--secret", "storageAccountKey", ACCOUNT_KEY)
    walk = Walkthrough(project, catalog_for(azurite), tmp_path)
    walk.catalog()
    project.pulumi("up", "--yes")
    profiles = {voice_id: voice["speakerProfileId"] for voice_id, voice in project.outputs()["voices"].items()}

    review = walk.review("no-change", "--fail-on", "replace,delete")
    assert first_line(review) == "no change to any voice; nothing else changes"
    assert rows(review) == {}
    assert "Unchanged (not listed): 3 voices, 1 consent, 1 project, 1 blob container, 1 prompt audio." in review

    def new_voice(catalog):
        catalog["voices"].append({**copy.deepcopy(catalog["voices"][1]), "id": "NewVoice", "name": "new"})

    walk.catalog(new_voice)
    review = walk.review("voice-created")
    assert first_line(review) == "1 voice created: new speakerProfileId; nothing else changes"
    assert rows(review) == {
        "Voices": {
            "NewVoice": Row(
                "create", "`NewVoice`", "new in the catalog", "a new voice: its speakerProfileId comes with `pulumi up`"
            )
        }
    }

    def jessica_prefix(catalog):
        catalog["voices"][0]["audios"]["prefix"] = "jessica-v2/"

    walk.catalog(jessica_prefix)
    review = walk.review("prefix-changed", "--fail-on", "replace,delete", expect_exit=4)
    assert first_line(review) == "1 voice replaced: new speakerProfileId; 1 prompt audio updated in place"
    jessica = rows(review)["Voices"]["JessicaVoice"]
    assert jessica.change == "replace"
    assert jessica.what.startswith("`audios.prefix`: `jessica/` -> `jessica-v2/`")
    assert jessica.consequence.startswith(ends(profiles["JessicaVoice"]))
    assert rows(review)["Storage"]["prompt-audio/jessica/"] == Row(
        "update",
        "`prompt-audio/jessica/`",
        "`prefix`: `jessica/` -> `jessica-v2/`",
        "uploads `prompt-audio/jessica-v2/jessica-prompt.wav`; deletes `prompt-audio/jessica/jessica-prompt.wav`",
    )

    walk.catalog(lambda catalog: catalog["voices"][1].update(id="markVoice"))
    review = walk.review("id-case-changed")
    assert first_line(review) == "1 voice replaced: new speakerProfileId; nothing else changes"
    assert rows(review) == {
        "Voices": {
            "MarkVoice": Row(
                "replace",
                "`MarkVoice`",
                "`voiceId`: `MarkVoice` -> `markVoice`",
                f"{ends(profiles['MarkVoice'])}; the new voice gets a new speakerProfileId",
            )
        }
    }

    # A rotated SAS token is config the provider host joins at create: no resource changes.
    walk.catalog()
    project.pulumi("config", "set", "--secret", "sasToken", sas_token(SAS_SIGNATURES[1]))
    review = walk.review("sas-rotated", "--fail-on", "update,replace,delete")
    project.pulumi("config", "set", "--secret", "sasToken", sas_token(SAS_SIGNATURES[0]))
    assert first_line(review) == "no change to any voice; nothing else changes"
    assert rows(review) == {}

    # The voices' container moves to another host with the token's container (allowed): the
    # review shows both hosts.
    elsewhere = "https://contoso.blob.core.windows.net/voices"

    def moved(catalog):
        for voice in catalog["voices"][1:]:
            voice["audios"]["containerUrl"] = elsewhere
        catalog["consents"][0]["audioUrl"] = f"{elsewhere}/consents/jessica.wav"

    walk.catalog(moved)
    project.pulumi("config", "set", "sasContainer", elsewhere)
    review = walk.review("host-changed")
    project.pulumi("config", "set", "sasContainer", SAS_CONTAINER)
    assert "voices replaced: new speakerProfileIds; 1 consent replaced" in first_line(review)
    for voice_id in ("MarkVoice", "LisaVoice"):
        assert rows(review)["Voices"][voice_id].what == f"`audios.containerUrl`: `{SAS_CONTAINER}` -> `{elsewhere}`"
    assert rows(review)["Consents"]["jessica-consent"].what == (
        f"`audioUrl`: `{SAS_CONTAINER}/consents/jessica.wav` -> `{elsewhere}/consents/jessica.wav`"
    )

    walk.catalog(lambda catalog: catalog["voices"].pop())
    review = walk.review("voice-removed", "--fail-on", "replace,delete", expect_exit=4)
    assert first_line(review) == "1 voice deleted: its speakerProfileId ends; nothing else changes"
    assert rows(review) == {
        "Voices": {"LisaVoice": Row("delete", "`LisaVoice`", "no longer in the catalog", ends(profiles["LisaVoice"]))}
    }

    walk.catalog(lambda catalog: catalog["projects"][0].update(description="Personal voices, second edition"))
    review = walk.review("project-description-changed")
    assert first_line(review) == "3 voices replaced: new speakerProfileIds; 1 consent replaced, 1 project replaced"
    found = rows(review)
    assert found["Projects"][PROJECT].what == "`description`: `(none)` -> `Personal voices, second edition`"
    assert found["Projects"][PROJECT].consequence == (
        "takes every consent and voice in it along, replaced too: consents `jessica-consent`; "
        "voices `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )
    assert found["Consents"]["jessica-consent"].what == f"no change of its own: replaced with project {PROJECT}"
    assert found["Consents"]["jessica-consent"].consequence == (
        "replaces its voices: `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )
    for voice_id, row in found["Voices"].items():
        assert row.what == f"no change of its own: replaced with project {PROJECT} and consent jessica-consent"
        assert row.consequence.startswith(ends(profiles[voice_id]))
    # The diagram: the project takes its consent along, the consent its voices, each naming the
    # speakerProfileId that ends; all of them replaced.
    nodes, edges = drawn(review)
    consent = "consent jessica-consent / replace"
    assert edges == {(f"project {PROJECT} / replace", "==>", consent)} | {
        (consent, "==>", f"voice {voice_id} / replace / ends speakerProfileId {profile}")
        for voice_id, profile in profiles.items()
    }
    assert {style for _, style in nodes.values()} == {"replace"}
    # With the replacement steps listed too (several steps for one resource), the same review.
    with_steps = project.pulumi("preview", "--json", "--show-sames", "--show-replacement-steps").stdout
    save("project-description-changed-with-replacement-steps", with_steps)
    assert [step["op"] for step in json.loads(with_steps)["steps"]].count("create-replacement") == 5
    assert _review_of(with_steps) == review

    walk.catalog(lambda catalog: catalog["consents"][0].update(voiceTalentName="Jessica Smith-Jones"))
    review = walk.review("consent-replaced")
    assert first_line(review) == "3 voices replaced: new speakerProfileIds; 1 consent replaced"
    assert rows(review)["Consents"]["jessica-consent"] == Row(
        "replace",
        "`jessica-consent`",
        "`voiceTalentName`: `Jessica Smith` -> `Jessica Smith-Jones`",
        "replaces its voices: `JessicaVoice`, `LisaVoice`, `MarkVoice`",
    )
    assert {row.what for row in rows(review)["Voices"].values()} == {
        "no change of its own: replaced with consent jessica-consent"
    }

    walk.catalog()
    project.pulumi("config", "set", "apiVersion", "2024-02-01-preview")
    review = walk.review("api-version-changed")
    project.pulumi("config", "rm", "apiVersion")
    assert first_line(review) == (
        "3 voices updated in place: same speakerProfileIds; 1 consent updated in place, 1 project updated in place; "
        "nothing changes in the service"
    )
    assert {
        (group, row.what, row.consequence.split(";")[0])
        for group, found in rows(review).items()
        for row in found.values()
    } == {
        (group, "`apiVersion`: `2026-01-01` -> `2024-02-01-preview`", "no change in the service")
        for group in ("Voices", "Consents", "Projects")
    }

    # A replace, a delete and an in-place update in one change.
    def mark_api_version(catalog):
        catalog["voices"][1]["apiVersion"] = "2024-02-01-preview"

    walk.catalog(jessica_prefix, mark_api_version, lambda catalog: catalog["voices"].pop())
    review = walk.review("mixed", "--fail-on", "delete", expect_exit=4)
    assert first_line(review) == (
        "1 voice replaced: new speakerProfileId; 1 voice deleted: its speakerProfileId ends; "
        "1 voice updated in place: same speakerProfileId; 1 prompt audio updated in place"
    )
    assert {voice_id: row.change for voice_id, row in rows(review)["Voices"].items()} == {
        "JessicaVoice": "replace",
        "LisaVoice": "delete",
        "MarkVoice": "update",
    }

    # Changed outside the stack: the refresh before the preview finds it.
    walk.catalog()
    project.backend.set_status("personalvoices", "MarkVoice", "Disabled")
    project.backend.delete_personal_voice("LisaVoice")
    review = walk.review("drift")
    assert first_line(review) == (
        "1 voice replaced: new speakerProfileId; 1 voice made again (gone from the service): new speakerProfileId; "
        "nothing else changes"
    )
    assert rows(review)["Voices"] == {
        "MarkVoice": Row(
            "replace",
            "`MarkVoice`",
            "status is Disabled in the service (found by the refresh)",
            f"the service has it Disabled already; {ends(profiles['MarkVoice'])}; "
            "the new voice gets a new speakerProfileId",
        ),
        "LisaVoice": Row(
            "create (again)",
            "`LisaVoice`",
            "gone from the service (found by the refresh): made again",
            f"speakerProfileId `{profiles['LisaVoice']}` ended outside the stack; the voice made again gets a new one",
        ),
    }

    def protect_jessica(catalog):
        catalog["voices"][0]["protect"] = True

    walk.catalog(protect_jessica)
    project.pulumi("up", "--yes")  # makes Mark and Lisa again, and protects Jessica
    jessica_profile = project.outputs()["voices"]["JessicaVoice"]["speakerProfileId"]
    assert jessica_profile == profiles["JessicaVoice"]

    walk.catalog(protect_jessica, jessica_prefix)
    review = walk.review("protected-voice-replaced", "--fail-on", "replace,delete", expect_exit=3)
    assert first_line(review) == "blocked: protected voice JessicaVoice would be replaced, so `pulumi up` fails"
    jessica_node = (
        f"voice JessicaVoice (protected) / replace blocked: protected / speakerProfileId {jessica_profile} stays"
    )
    assert (jessica_node, "blocked") in drawn(review)[0].values()
    assert rows(review)["Voices"] == {
        "JessicaVoice": Row(
            "**blocked** replace",
            "`JessicaVoice` (protected)",
            "`audios.prefix`: `jessica/` -> `jessica-v2/`",
            f"refused: it is protected, so `pulumi up` fails; speakerProfileId `{jessica_profile}` stays",
        )
    }

    # A project replaced would take the protected voice along: the engine stops at once, no step listed.
    walk.catalog(protect_jessica, lambda catalog: catalog["projects"][0].update(description="Second edition"))
    review = walk.review("protected-voice-with-its-project", expect_exit=3)
    assert first_line(review) == (
        f"blocked: protected voice JessicaVoice (with project {PROJECT}) would be replaced, so `pulumi up` fails"
    )
    assert rows(review)["Voices"]["JessicaVoice"].what == f"replaced as part of replacing project {PROJECT}"

    # The catalog lifts the protection in the same change as a new prefix.
    walk.catalog(jessica_prefix)
    review = walk.review("protection-lifted")
    assert first_line(review) == "1 voice replaced: new speakerProfileId; 1 prompt audio updated in place"
    assert rows(review)["Voices"] == {
        "JessicaVoice": Row(
            "replace",
            "`JessicaVoice` (protection lifted)",
            "`audios.prefix`: `jessica/` -> `jessica-v2/`",
            f"{ends(jessica_profile)}; the new voice gets a new speakerProfileId",
        )
    }

    # The preview itself fails: the review says why (a catalog mistake), or the CLI does (no such
    # stack); wrong arguments fail before any preview.
    walk.catalog(lambda catalog: catalog["voices"][1].update(consentId="nobody-consent"))
    review = walk.review("catalog-mistake", "--fail-on", "replace", expect_exit=3)
    assert first_line(review).startswith("preview failed: invalid catalog: ")
    assert "voices[1].consentId: consent 'nobody-consent' is not declared in consents" in first_line(review)
    assert rows(review) == {}
    missing = project.script("preview-review", "no-such-stack")
    assert missing.returncode == 3 and missing.stdout == ""
    assert "no stack named 'no-such-stack' found" in missing.stderr
    wrong = project.script("preview-review", "--fail-on", "everything")
    assert wrong.returncode == 2 and "previewing" not in wrong.stderr
    assert "everything: give one or more of create, update, replace, delete" in wrong.stderr

    # The project goes, and its consent and voices with it (past the deletion guard: all voices).
    project.pulumi("state", "unprotect", "--all", "--yes")  # also so that the fixture's destroy ends the stack
    profiles = {voice_id: voice["speakerProfileId"] for voice_id, voice in project.outputs()["voices"].items()}

    def project_deleted(catalog):
        for section in ("projects", "consents", "voices"):
            catalog[section].clear()

    walk.catalog(project_deleted)
    project.env["PV_ALLOW_VOICE_DELETES"] = "1"
    review = walk.review("project-deleted", "--fail-on", "delete", expect_exit=4)
    del project.env["PV_ALLOW_VOICE_DELETES"]
    assert first_line(review) == (
        "3 voices deleted: their speakerProfileIds end; 1 consent deleted, 1 project deleted, 1 prompt audio deleted"
    )
    assert rows(review)["Projects"] == {
        PROJECT: Row(
            "delete",
            f"`{PROJECT}`",
            "no longer in the catalog",
            "deleted in the service with everything in it: consents `jessica-consent`; "
            "voices `JessicaVoice`, `LisaVoice`, `MarkVoice`",
        )
    }
    assert rows(review)["Consents"] == {
        "jessica-consent": Row("delete", "`jessica-consent`", "no longer in the catalog", "deleted in the service")
    }
    assert {voice_id: row.consequence for voice_id, row in rows(review)["Voices"].items()} == {
        voice_id: ends(profile) for voice_id, profile in profiles.items()
    }
    assert {style for _, style in drawn(review)[0].values()} == {"delete"}

    # Mermaid's own parser reads every diagram of the walkthrough (one node process).
    checked = mermaid_check(walk.with_diagrams)
    assert checked.status == 0, checked.failures
    assert len(walk.with_diagrams) == 14, [path.name for path in walk.with_diagrams]


def _review_of(preview_json: str) -> str:
    written = io.StringIO()
    assert main([], io.StringIO(preview_json), written, io.StringIO()) == 0
    return written.getvalue()
