from pathlib import Path

import pytest

from catalog.loader import CatalogError, load_catalog

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
    assert [v.id for v in catalog.voices] == ["JessicaPersonalVoice"]
    assert catalog.voices[0].resource_name == "jessica"


def test_a_valid_catalog_loads(tmp_path):
    catalog = load_catalog(write(tmp_path, VALID))
    [voice] = catalog.voices
    assert (voice.id, voice.project_id, voice.prefix, voice.extensions) == ("Jessica", "proj", "jessica/", ("*.wav",))
    assert voice.resource_name == "Jessica"


def test_a_sas_signature_in_the_catalog_is_refused_with_file_line_and_field(tmp_path):
    text = VALID.replace("/voices", "/voices?sv=2024&sig=abcdef")
    [problem] = problems(tmp_path, text)
    assert problem.startswith(f"{tmp_path / 'dev.yaml'}:14: voices[0].audios.containerUrl: carries a SAS signature")
    assert "pulumi config set --secret sasToken" in problem
    assert "abcdef" not in problem


def test_every_problem_is_reported_at_once(tmp_path):
    text = (
        VALID.replace("id: Jessica", "id: J")
        .replace('["*.wav"]', "[]")
        .replace("consentId: consent", "consentId: other")
    )
    found = problems(tmp_path, text)
    assert any(":10: voices[0].id:" in p and "not a valid id" in p for p in found)
    assert any("voices[0].audios.extensions:" in p and "non-empty" in p for p in found)
    assert any(":12: voices[0].consentId: consent 'other' is not declared" in p for p in found)


def test_missing_and_unknown_fields(tmp_path):
    text = VALID.replace("    companyName: Contoso\n", "    company: Contoso\n")
    found = problems(tmp_path, text)
    assert any("consents[0].company: unknown field" in p for p in found)
    assert any("consents[0].companyName: is required" in p for p in found)


def test_plain_http_is_only_for_loopback(tmp_path):
    text = VALID.replace("https://contoso", "http://contoso")
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


def test_a_missing_catalog_file(tmp_path):
    [problem] = problems_missing(tmp_path)
    assert "no such catalog file" in problem


def problems_missing(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "absent.yaml")
    return [str(p) for p in caught.value.problems]
