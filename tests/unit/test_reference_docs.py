"""The resource reference (docs/reference/) is what the code makes now: each page is generated
from the Args dataclasses, the providers' DiffRules and the catalog's wiring, so changing any of
them changes a page, and a committed page that is out of date fails here."""

import dataclasses
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pytest

from provider.blob_container import BlobContainerProvider
from provider.project import ProjectProvider
from provider.resource import Resource
from reference_docs.__main__ import REFERENCE, main
from reference_docs.catalog_sources import sources
from reference_docs.pages import INDEX, pages, stale
from reference_docs.resources import model, resource_classes

# The page of each resource (issue 24); the stacks' pickled provider paths are in test_pickled_import_paths.
PAGES = {
    "PersonalVoice": "personal-voice.md",
    "Project": "project.md",
    "Consent": "consent.md",
    "BlobContainer": "blob-container.md",
    "PromptAudio": "prompt-audio.md",
    "ContainerSas": "container-sas.md",
    "SpeechAccount": "speech-account.md",
}


def row(page: str, prop: str) -> str:
    return next(line for line in page.splitlines() if line.startswith(f"| `{prop}` |"))


def test_the_committed_pages_are_what_the_code_makes_now() -> None:
    assert stale(REFERENCE) == [], "run `python -m reference_docs` and commit docs/reference/"


def test_every_resource_has_its_page() -> None:
    assert {cls.__name__: model(cls).page for cls in resource_classes()} == PAGES
    assert set(pages()) == {INDEX, *PAGES.values()}


def test_a_changed_diff_rule_changes_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    committed = (REFERENCE / "project.md").read_text()
    rules = ProjectProvider.diff_rules
    assert "| replaces |" in row(committed, "description")

    monkeypatch.setattr(
        ProjectProvider,
        "diff_rules",
        dataclasses.replace(
            rules,
            replacing=tuple(name for name in rules.replacing if name != "description"),
            in_place=(*rules.in_place, "description"),
        ),
    )
    made = pages()["project.md"]

    assert made != committed
    assert "| updates in place |" in row(made, "description")
    assert stale(REFERENCE) == ["project.md"]


def test_a_field_dropped_from_the_rules_is_shown_as_not_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = BlobContainerProvider.diff_rules
    monkeypatch.setattr(BlobContainerProvider, "diff_rules", dataclasses.replace(rules, replacing=("accountUrl",)))

    assert "| not compared by its rules |" in row(pages()["blob-container.md"], "containerName")


def test_check_names_each_stale_page_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REFERENCE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "project.md").write_text((tmp_path / "project.md").read_text().replace("replaces", "keeps"))
    (tmp_path / "consent.md").unlink()
    (tmp_path / "old-resource.md").write_text("# a resource that is gone\n")

    assert main(["--check", "--directory", str(tmp_path)]) == 1
    named = {Path(line.split(":")[0]).name for line in capsys.readouterr().err.splitlines()}
    assert named == {"project.md", "consent.md", "old-resource.md"}


def test_writing_makes_pages_that_check_accepts(tmp_path: Path) -> None:
    assert main(["--directory", str(tmp_path)]) == 0
    assert main(["--check", "--directory", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(pages())


def test_links_are_relative_and_lead_to_pages_of_the_reference() -> None:
    made = pages()
    for name, text in made.items():
        for target in re.findall(r"\]\(([^)]*)\)", text):
            assert target in made, f"{name} links to {target}"


def test_inputs_outputs_and_import_path_come_from_the_code() -> None:
    made = pages()
    sas = made["container-sas.md"]
    # The token is secret because the constructor lists it in additional_secret_outputs.
    assert "| `token` | `Output[str]` | yes | secret |" in sas
    assert "| `lifetimeDays` | `lifetime_days` | `Input[int]` | `30` |" in sas
    voice = made["personal-voice.md"]
    assert "`provider.personal_voice.PersonalVoiceProvider`" in voice
    assert "| `audios.containerUrl` | `audios.container_url` | `Input[str]` | required in `audios` |" in voice
    # The provider's own defaults (its check), beside the Args one.
    assert "(none given: `'SpeechServices'`)" in row(made["speech-account.md"], "kind")


def test_the_catalog_fields_come_from_the_program() -> None:
    fed = sources()
    names = {prop: [source.name for source in found] for prop, found in fed["PersonalVoice"].items()}
    assert names["description"] == ["voices[].description"]
    assert names["apiVersion"] == ["voices[].apiVersion", "apiVersion"]
    assert names["projectId"] == ["Project.projectId"]
    assert [s.name for s in fed["SpeechAccount"]["purgeOnDelete"]] == ["speechAccounts[].purgeOnDelete"]
    assert "ContainerSas" not in fed  # the catalog never declares one
    assert "does not declare this resource" in pages()["container-sas.md"]


@dataclass
class ForgetfulArgs:
    endpoint: pulumi.Input[str]
    description: pulumi.Input[str] | None = None


class Forgetful(Resource, module="test", name="Forgetful"):
    """A resource whose constructor drops an Args field."""

    def __init__(self, resource_name: str, args: ForgetfulArgs) -> None:
        super().__init__(ProjectProvider(), resource_name, {"endpoint": args.endpoint})


def test_an_args_field_the_constructor_drops_stops_the_generator() -> None:
    with pytest.raises(LookupError, match=r"ForgetfulArgs\.description: the constructor puts it in no property"):
        model(Forgetful)
