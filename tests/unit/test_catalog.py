from pathlib import Path

import pytest

from catalog.loader import CatalogError, load_catalog
from tests.audio import write_wav

ROOT = Path(__file__).resolve().parents[2]

VALID = """\
projects:
  - id: proj
consents:
  - id: consent
    projectId: proj
    voiceTalentName: Jessica Smith
    companyName: Contoso
    locale: en-US
    audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav
voices:
  - id: Jessica
    projectId: proj
    consentId: consent
    audios:
      containerUrl: https://contoso.blob.core.windows.net/voices
      prefix: jessica/
      extensions: ["*.wav"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dev.yaml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(write(tmp_path, text))
    return [str(p) for p in caught.value.problems]


def test_the_dev_catalog_loads():
    catalog = load_catalog(ROOT / "stacks" / "dev.yaml")
    assert [v.id for v in catalog.voices] == ["JessicaPersonalVoice", "MarkPersonalVoice"]
    assert catalog.voices[0].resource_name == "jessica"


def test_a_valid_catalog_loads(tmp_path):
    catalog = load_catalog(write(tmp_path, VALID))
    [voice] = catalog.voices
    assert (voice.id, voice.project_id, voice.prefix, voice.extensions) == ("Jessica", "proj", "jessica/", ("*.wav",))
    assert voice.resource_name == "Jessica"


def test_a_sas_signature_in_the_catalog_is_refused_with_file_line_and_field(tmp_path):
    text = VALID.replace("/voices", "/voices?sv=2024&sig=abcdef")
    [problem] = problems(tmp_path, text)
    assert problem.startswith(f"{tmp_path / 'dev.yaml'}:15: voices[0].audios.containerUrl: carries a SAS signature")
    assert "pulumi config set --secret sasToken" in problem
    assert "abcdef" not in problem


def test_every_problem_is_reported_at_once(tmp_path):
    text = (
        VALID.replace("id: Jessica", "id: J")
        .replace('["*.wav"]', "[]")
        .replace("consentId: consent", "consentId: other")
    )
    found = problems(tmp_path, text)
    assert any(":11: voices[0].id:" in p and "not a valid id" in p for p in found)
    assert any("voices[0].audios.extensions:" in p and "non-empty" in p for p in found)
    assert any(":13: voices[0].consentId: consent 'other' is not declared" in p for p in found)


def test_missing_and_unknown_fields(tmp_path):
    text = VALID.replace("    companyName: Contoso\n", "    company: Contoso\n")
    found = problems(tmp_path, text)
    assert any("consents[0].company: unknown field" in p for p in found)
    assert any("consents[0].companyName: is required" in p for p in found)


def test_plain_http_is_only_for_loopback(tmp_path):
    text = VALID.replace("https://contoso.blob.core.windows.net/voices", "http://contoso.blob.core.windows.net/voices")
    [problem] = problems(tmp_path, text)
    assert "voices[0].audios.containerUrl" in problem and "https" in problem


def test_ids_are_case_sensitive_so_two_cases_are_two_voices(tmp_path):
    second = VALID.split("voices:\n")[1].replace("id: Jessica", "id: jessica")
    catalog = load_catalog(write(tmp_path, VALID + second))
    assert [v.id for v in catalog.voices] == ["Jessica", "jessica"]


def test_duplicate_ids_are_refused(tmp_path):
    second = VALID.split("voices:\n")[1]
    found = problems(tmp_path, VALID + second)
    assert any("voices[1].id: duplicate id 'Jessica'" in p for p in found)


def test_consent_of_another_project(tmp_path):
    text = VALID.replace("projects:\n  - id: proj\n", "projects:\n  - id: proj\n  - id: proj2\n").replace(
        "    projectId: proj\n    consentId", "    projectId: proj2\n    consentId"
    )
    [problem] = problems(tmp_path, text)
    assert "belongs to project 'proj', not 'proj2'" in problem


def test_a_voice_names_its_base_model_or_takes_the_stacks(tmp_path):
    text = VALID.replace(
        "    projectId: proj\n    consentId", "    baseModel: PhoenixV2Neural\n    projectId: proj\n    consentId"
    )
    assert [voice.base_model for voice in load_catalog(write(tmp_path, text)).voices] == ["PhoenixV2Neural"]
    assert [voice.base_model for voice in load_catalog(write(tmp_path, VALID)).voices] == [None]
    [problem] = problems(tmp_path, text.replace("PhoenixV2Neural", "'Phoenix V2'"))
    assert problem.endswith(
        "voices[0].baseModel: 'Phoenix V2' is not a base model name (letters and digits, e.g. DragonLatestNeural)"
    )


def test_a_voice_is_protected_or_takes_the_stacks_default(tmp_path):
    text = VALID.replace("    projectId: proj\n    consentId", "    protect: true\n    projectId: proj\n    consentId")
    assert [voice.protect for voice in load_catalog(write(tmp_path, text)).voices] == [True]
    assert [voice.protect for voice in load_catalog(write(tmp_path, VALID)).voices] == [None]
    [problem] = problems(tmp_path, text.replace("protect: true", "protect: 'yes please'"))
    assert problem.endswith("dev.yaml:12: voices[0].protect: must be true or false")


def test_a_key_that_is_not_text_is_named_as_yaml_wrote_it(tmp_path):
    assert problems(tmp_path, VALID.replace("voices:\n", "? \nvoices:\n")) == [
        f"{tmp_path / 'dev.yaml'}:10: null: unknown section (expected one of speechAccounts, storage, projects, consents, voices)"
    ]


def test_a_control_character_is_refused_on_its_line(tmp_path):
    [problem] = problems(tmp_path, VALID.replace("  - id: Jessica", "  - id: Jes\x08sica"))
    assert problem.endswith("dev.yaml:11: (yaml): character U+0008 is not allowed in YAML; remove it")


def test_a_missing_catalog_file(tmp_path):
    with pytest.raises(CatalogError, match="no such catalog file"):
        load_catalog(tmp_path / "absent.yaml")


MANAGED = """\
storage:
  accountUrl: http://127.0.0.1:10000/devstoreaccount1
  container: prompts
projects:
  - id: proj
consents:
  - id: consent
    projectId: proj
    voiceTalentName: Jessica Smith
    companyName: Contoso
    locale: en-US
    audioFile: audio/consent.wav
voices:
  - id: Jessica
    projectId: proj
    consentId: consent
    apiVersion: 2023-12-01-preview
    audios:
      prefix: jessica/
      extensions: [".wav"]
      files: [audio/prompt.wav]
"""


def managed_root(tmp_path: Path) -> Path:
    (tmp_path / "audio").mkdir()
    for name in ("consent.wav", "prompt.wav"):
        write_wav(tmp_path / "audio" / name, seconds=6)
    (tmp_path / "audio" / "notes.txt").write_text("not audio")
    return tmp_path


def test_local_recordings_and_managed_storage(tmp_path):
    root = managed_root(tmp_path)
    catalog = load_catalog(write(tmp_path, MANAGED), project_root=root)
    assert catalog.storage is not None and catalog.storage.container == "prompts"
    assert catalog.consents[0].audio_file == "audio/consent.wav"
    assert catalog.voices[0].files == ("audio/prompt.wav",)
    assert catalog.voices[0].api_version == "2023-12-01-preview"


def test_local_files_must_exist_match_the_extensions_and_stay_inside_the_project(tmp_path):
    root = managed_root(tmp_path)
    text = MANAGED.replace("audio/consent.wav", "audio/absent.wav").replace(
        "[audio/prompt.wav]", "[audio/notes.txt, ../outside.wav]"
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(write(tmp_path, text), project_root=root)
    found = [str(p) for p in caught.value.problems]
    assert any("consents[0].audioFile: no such file: audio/absent.wav" in p for p in found)
    assert any("voices[0].audios.files[0]: audio/notes.txt does not have one of the extensions" in p for p in found)
    assert any("voices[0].audios.files[1]: must be relative to the project root" in p for p in found)


def test_files_without_a_storage_section_are_sent_with_the_create_and_need_no_prefix(tmp_path):
    root = managed_root(tmp_path)
    no_storage = "projects:" + MANAGED.split("projects:")[1]
    with pytest.raises(CatalogError, match="prefix: is a folder of the stack's storage container"):
        load_catalog(write(tmp_path, no_storage), project_root=root)
    catalog = load_catalog(write(tmp_path, no_storage.replace("      prefix: jessica/\n", "")), project_root=root)
    assert catalog.storage is None and catalog.voices[0].files and catalog.voices[0].prefix is None


def test_files_exclude_a_container_url(tmp_path):
    root = managed_root(tmp_path)
    both = MANAGED.replace(
        "      prefix: jessica/", "      prefix: jessica/\n      containerUrl: https://a.blob.core.windows.net/c"
    )
    with pytest.raises(CatalogError, match="exactly one of containerUrl"):
        load_catalog(write(tmp_path, both), project_root=root)


def test_a_consent_needs_exactly_one_recording(tmp_path):
    text = VALID.replace("    audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav\n", "")
    [problem] = problems(tmp_path, text)
    assert "consents[0].audioFile: give exactly one of audioFile and audioUrl" in problem


def test_reference_problems_point_at_the_right_entry_after_a_skipped_one(tmp_path):
    entry = (
        VALID.split("voices:\n")[1].replace("id: Jessica", "id: Other").replace("consentId: consent", "consentId: nope")
    )
    found = problems(tmp_path, VALID.replace("voices:\n", "voices:\n  - just a string\n") + entry)
    assert any(":11: voices[0]: must be a mapping" in p for p in found)
    assert any(":21: voices[2].consentId: consent 'nope' is not declared" in p for p in found)


def test_two_voices_with_one_resource_name(tmp_path):
    entry = VALID.split("voices:\n")[1].replace("id: Jessica", "id: Other\n    name: Jessica")
    [problem] = problems(tmp_path, VALID + entry)
    assert "voices[1].name: another voice already has the resource name 'Jessica'" in problem


def test_yaml_syntax_errors_name_the_file_and_line(tmp_path):
    [problem] = problems(tmp_path, VALID + "  - id: [unclosed\n")
    assert problem.startswith(f"{tmp_path / 'dev.yaml'}:")
    assert "(yaml)" in problem


def test_a_key_given_twice_is_an_error(tmp_path):
    found = problems(
        tmp_path, VALID.replace("      prefix: jessica/\n", "      prefix: jessica/\n      prefix: other/\n")
    )
    assert any("voices[0].audios.prefix: given twice" in p for p in found)


@pytest.mark.parametrize(
    "seconds, rate, reason",
    [(2, 16000, "2.0 s long; the service takes 5 to 90 s"), (6, 8000, "sampled at 8000 Hz")],
)
def test_a_recording_the_service_would_reject_fails_at_preview(tmp_path, seconds, rate, reason):
    root = managed_root(tmp_path)
    write_wav(root / "audio" / "prompt.wav", seconds=seconds, rate=rate)
    with pytest.raises(CatalogError, match=reason):
        load_catalog(write(tmp_path, MANAGED), project_root=root)


def test_uploaded_audio_needs_a_folder_of_its_own(tmp_path):
    root = managed_root(tmp_path)
    second = (
        MANAGED.split("voices:\n")[1]
        .replace("id: Jessica", "id: Other")
        .replace("prefix: jessica/", "prefix: jessica/more/")
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(
            write(tmp_path, MANAGED.replace("prefix: jessica/", "prefix: jessica/") + second), project_root=root
        )
    assert any(
        "voices[1].audios.prefix: 'jessica/more/' overlaps 'jessica/' of voices[0]" in str(p)
        for p in caught.value.problems
    )
    with pytest.raises(CatalogError, match="must be a folder of the container"):
        load_catalog(write(tmp_path, MANAGED.replace("prefix: jessica/", "prefix: jessica")), project_root=root)


@pytest.mark.parametrize(
    ("create_request", "api_version", "message"),
    [
        ("seed-document-post", "2023-12-01-preview", None),
        ("spec", "2026-01-01", None),
        ("post", "2023-12-01-preview", "createRequest: must be one of spec, seed-document-post"),
        ("seed-document-post", "2026-01-01", "createRequest: seed-document-post is the seed document's form"),
    ],
)
def test_the_seed_documents_create_is_asked_for_by_name(tmp_path, create_request, api_version, message):
    root = managed_root(tmp_path)
    text = MANAGED.replace(
        "    apiVersion: 2023-12-01-preview\n", f"    apiVersion: {api_version}\n    createRequest: {create_request}\n"
    )
    if message is None:
        assert load_catalog(write(tmp_path, text), project_root=root).voices[0].create_request == create_request
        return
    with pytest.raises(CatalogError) as caught:
        load_catalog(write(tmp_path, text), project_root=root)
    line = text.splitlines().index(f"    createRequest: {create_request}") + 1
    assert f"dev.yaml:{line}: voices[0].createRequest: " in str(caught.value)
    assert message in str(caught.value)


def test_the_seed_documents_create_cannot_send_files(tmp_path):
    root = managed_root(tmp_path)
    no_storage = "projects:" + MANAGED.split("projects:")[1].replace("      prefix: jessica/\n", "")
    text = no_storage.replace(
        "    apiVersion: 2023-12-01-preview\n",
        "    apiVersion: 2023-12-01-preview\n    createRequest: seed-document-post\n",
    )
    with pytest.raises(CatalogError, match="takes audio in a container, not files sent with the create"):
        load_catalog(write(tmp_path, text), project_root=root)
