"""What `load_catalog` tells a user about each kind of mistake in a catalog: one line per problem
naming the file, the line and the field, every problem at once, and the specs it builds."""

from pathlib import Path

import pytest

from catalog.loader import CatalogError, CatalogProblem, load_catalog
from catalog.specs import Catalog, ConsentSpec, ProjectSpec, StorageSpec, VoiceSpec
from provider.storage.config_sas import ConfigSas
from tests.audio import write_wav

PROJECT = "projects:\n  - id: proj\n"
CONSENT = """\
consents:
  - id: consent
    projectId: proj
    voiceTalentName: Jessica Smith
    companyName: Contoso
    locale: en-US
    audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav
"""
VOICE = """\
  - id: Jessica
    projectId: proj
    consentId: consent
    audios:
      containerUrl: https://contoso.blob.core.windows.net/voices
      extensions: [".wav"]
"""
VALID = PROJECT + CONSENT + "voices:\n" + VOICE


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dev.yaml"
    path.write_text(text)
    return path


def found(tmp_path: Path, text: str, root: Path | None = None) -> list[str]:
    """Each problem as `line: field: reason` (the file is checked to be dev.yaml's path)."""
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, project_root=root or tmp_path)
    lines = [str(problem) for problem in caught.value.problems]
    assert all(line.startswith(f"{path}:") for line in lines)
    return [line.removeprefix(f"{path}:") for line in lines]


def loads(tmp_path: Path, text: str, root: Path | None = None) -> Catalog:
    return load_catalog(write(tmp_path, text), project_root=root or tmp_path)


# -- the error itself ------------------------------------------------------------------------


def test_the_error_lists_every_problem_on_a_line_of_its_own(tmp_path):
    path = write(tmp_path, "projects: 3\nconsents: 4\nvoices: []\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value) == (
        f"invalid catalog:\n  {path}:1: projects: must be a list\n  {path}:2: consents: must be a list"
    )
    assert caught.value.problems == [
        CatalogProblem(str(path), 1, "projects", "must be a list"),
        CatalogProblem(str(path), 2, "consents", "must be a list"),
    ]


def test_a_missing_file_is_named_on_line_one(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert caught.value.problems == [CatalogProblem(str(path), 1, "(file)", "no such catalog file")]


def test_a_folder_is_not_a_catalog_file(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert caught.value.problems == [CatalogProblem(str(tmp_path), 1, "(file)", "no such catalog file")]


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    path = write(tmp_path, "voices: []\nprojects: [unclosed\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (str(path), "(yaml)")
    assert problem.line == 3
    assert "expected ',' or ']'" in problem.reason


# -- the top level ---------------------------------------------------------------------------


def test_an_empty_file_declares_nothing(tmp_path):
    assert found(tmp_path, "# nothing yet\n") == [
        "1: (catalog): declares nothing; a stack that is meant to hold no voices says so with `voices: []`"
    ]


def test_a_catalog_that_is_not_a_mapping(tmp_path):
    assert found(tmp_path, "- voices\n") == [
        "1: (catalog): the catalog must be a mapping with keys speechAccounts, storage, projects, consents, voices"
    ]


def test_a_catalog_without_a_voices_section(tmp_path):
    assert found(tmp_path, PROJECT) == [
        "1: (catalog): has no voices section; a stack that is meant to hold no voices says `voices: []`"
    ]


def test_an_unknown_section_and_keys_that_are_not_text(tmp_path):
    assert found(tmp_path, "voices: []\nvoice: []\ntrue: 1\nfalse: 2\n3: 4\n") == [
        "2: voice: unknown section (expected one of speechAccounts, storage, projects, consents, voices)",
        "3: true: unknown section (expected one of speechAccounts, storage, projects, consents, voices)",
        "4: false: unknown section (expected one of speechAccounts, storage, projects, consents, voices)",
        "5: [3]: unknown section (expected one of speechAccounts, storage, projects, consents, voices)",
    ]


def test_a_stack_of_no_voices_and_empty_sections(tmp_path):
    catalog = loads(tmp_path, "projects:\nconsents: []\nvoices: []\n")
    assert (catalog.projects, catalog.consents, catalog.voices, catalog.storage) == ((), (), (), None)


def test_a_key_given_twice_names_its_second_line(tmp_path):
    assert found(tmp_path, "voices: []\nprojects: []\nvoices: []\n") == ["3: voices: given twice in one mapping"]


def test_the_project_root_is_the_folder_above_stacks(tmp_path):
    write_wav(tmp_path / "audio" / "consent.wav", seconds=6)
    (tmp_path / "stacks").mkdir()
    path = tmp_path / "stacks" / "dev.yaml"
    text = VALID.replace(
        "    audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav\n",
        "    audioFile: audio/consent.wav\n",
    )
    path.write_text(text)
    assert load_catalog(path).consents[0].audio_file == "audio/consent.wav"
    path.write_text(text.replace("audio/consent.wav", "stacks/dev.yaml2"))
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:9: consents[0].audioFile: no such file: stacks/dev.yaml2 (paths are relative to {tmp_path})"
    ]


# -- entries ---------------------------------------------------------------------------------


def test_what_a_valid_catalog_builds(tmp_path):
    text = (
        "projects:\n  - id: proj\n    description: Demo\n    displayName: Demo project\n    forceDelete: true\n"
        "  - id: proj2\n"
        + CONSENT.replace("    locale", "    description: Her consent\n    displayName: Jessica's\n    locale")
        + "voices:\n"
        + VOICE.replace(
            "    audios:",
            "    name: jess\n    description: Narrator\n    displayName: Jessica voice\n"
            "    apiVersion: 2023-12-01-preview\n    createRequest: seed-document-post\n"
            "    baseModel: PhoenixV2Neural\n    protect: false\n    audios:",
        ).replace('      extensions: [".wav"]', '      prefix: jessica/\n      extensions: ["*.wav", mp3]')
    )
    catalog = loads(tmp_path, text)
    assert catalog.projects == (
        ProjectSpec(id="proj", description="Demo", display_name="Demo project", force_delete=True),
        ProjectSpec(id="proj2", description=None, display_name=None, force_delete=False),
    )
    assert catalog.consents == (
        ConsentSpec(
            id="consent",
            project_id="proj",
            voice_talent_name="Jessica Smith",
            company_name="Contoso",
            locale="en-US",
            audio_file=None,
            audio_url="https://contoso.blob.core.windows.net/consents/jessica.wav",
            description="Her consent",
            display_name="Jessica's",
        ),
    )
    assert catalog.voices == (
        VoiceSpec(
            id="Jessica",
            name="jess",
            project_id="proj",
            consent_id="consent",
            container_url="https://contoso.blob.core.windows.net/voices",
            files=(),
            extensions=("*.wav", "mp3"),
            prefix="jessica/",
            description="Narrator",
            display_name="Jessica voice",
            api_version="2023-12-01-preview",
            create_request="seed-document-post",
            base_model="PhoenixV2Neural",
            protect=False,
        ),
    )
    assert catalog.storage is None


def test_force_delete_is_only_true_when_it_says_true(tmp_path):
    catalog = loads(tmp_path, "projects:\n  - id: proj\n    forceDelete: false\nvoices: []\n")
    assert catalog.projects[0].force_delete is False
    assert found(tmp_path, "projects:\n  - id: proj\n    forceDelete: 'yes'\nvoices: []\n") == [
        "3: projects[0].forceDelete: must be true or false"
    ]


def test_sections_and_entries_of_the_wrong_shape(tmp_path):
    assert found(tmp_path, "projects: {id: proj}\nconsents: text\nvoices: [3, [x]]\n") == [
        "1: projects: must be a list",
        "2: consents: must be a list",
        "3: voices[0]: must be a mapping",
        "3: voices[1]: must be a mapping",
    ]


def test_unknown_and_missing_fields_of_a_project(tmp_path):
    assert found(tmp_path, "projects:\n  - name: proj\n    id: ''\nvoices: []\n") == [
        "2: projects[0].name: unknown field (expected id, account, description, displayName, forceDelete)",
        "3: projects[0].id: is required",
    ]


def test_every_required_field_of_a_consent_and_a_voice(tmp_path):
    text = PROJECT + "consents:\n  - audioUrl: https://a.blob.core.windows.net/c/x.wav\nvoices:\n  - protect: true\n"
    assert found(tmp_path, text) == [
        "4: consents[0].id: is required",
        "4: consents[0].projectId: is required",
        "4: consents[0].voiceTalentName: is required",
        "4: consents[0].companyName: is required",
        "4: consents[0].locale: is required",
        "6: voices[0].id: is required",
        "6: voices[0].projectId: is required",
        "6: voices[0].consentId: is required",
        "6: voices[0].audios: is required",
        "4: consents[0].projectId: project 'None' is not declared in projects",
        "6: voices[0].projectId: project 'None' is not declared in projects",
    ]


def test_unknown_fields_of_a_consent_a_voice_and_its_audios(tmp_path):
    text = (
        PROJECT
        + CONSENT.replace("    locale", "    language: en\n    locale")
        + "voices:\n"
        + VOICE.replace("    audios:", "    voiceName: x\n    audios:\n      folder: x/")
    )
    assert found(tmp_path, text) == [
        (
            "8: consents[0].language: unknown field (expected id, projectId, voiceTalentName, companyName, locale,"
            " audioFile, audioUrl, description, displayName)"
        ),
        (
            "15: voices[0].voiceName: unknown field (expected id, name, projectId, consentId, apiVersion, createRequest,"
            " audios, description, displayName, baseModel, protect)"
        ),
        "17: voices[0].audios.folder: unknown field (expected containerUrl, files, prefix, extensions)",
    ]


def test_text_fields_must_be_text_and_not_too_long(tmp_path):
    text = PROJECT.replace("  - id: proj\n", "  - id: proj\n    description: 5\n    displayName: null\n") + (
        CONSENT.replace("Jessica Smith", "J" * 257) + "voices: []\n"
    )
    assert found(tmp_path, text) == [
        "3: projects[0].description: must be a string, got int",
        "8: consents[0].voiceTalentName: is 257 characters long; at most 256",
    ]


def test_ids_that_break_the_rule_or_are_not_text(tmp_path):
    text = (
        "projects:\n  - id: p\n"
        + CONSENT.replace("projectId: proj", "projectId: [p]").replace("id: consent", "id: c!")
        + "voices:\n"
        + VOICE.replace("consentId: consent", "consentId: 7").replace("id: Jessica", "id: -J-")
    )
    rule = "3 to 64 characters: letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
    assert found(tmp_path, text) == [
        f"2: projects[0].id: 'p' is not a valid id ({rule})",
        "5: consents[0].projectId: must be a string, got list",
        f"4: consents[0].id: 'c!' is not a valid id ({rule})",
        "5: consents[0].projectId: must be a string, got list",
        "13: voices[0].consentId: must be a string, got int",
        f"11: voices[0].id: '-J-' is not a valid id ({rule})",
        "13: voices[0].consentId: must be a string, got int",
        "5: consents[0].projectId: project \"['p']\" is not declared in projects",
        "12: voices[0].projectId: project 'proj' is not declared in projects",
        "13: voices[0].consentId: consent '7' is not declared in consents",
    ]


def test_duplicate_ids_in_each_section(tmp_path):
    text = (
        PROJECT
        + "  - id: proj\n"
        + CONSENT
        + CONSENT.split("consents:\n")[1]
        + "voices:\n"
        + VOICE
        + VOICE.replace("Jessica", "Other")
        + VOICE
    )
    assert found(tmp_path, text) == [
        "3: projects[1].id: duplicate id 'proj' in projects",
        "11: consents[1].id: duplicate id 'consent' in consents",
        "30: voices[2].id: duplicate id 'Jessica' in voices",
    ]


# -- secrets and URLs ------------------------------------------------------------------------


def test_a_sas_signature_is_refused_in_any_text_field_and_case(tmp_path):
    text = VALID.replace("companyName: Contoso", "companyName: Contoso SIG=abc")
    assert found(tmp_path, text) == [
        (
            "7: consents[0].companyName: carries a SAS signature (sig=): secrets do not belong in the catalog; "
            "set the token with `pulumi config set --secret sasToken <token>`"
        )
    ]


def test_with_config_sas_token_a_url_outside_its_container_is_refused(tmp_path):
    """A pull request that points a URL elsewhere fails the preview; the token's own container,
    its host named in another case, is its container."""
    bound = ConfigSas("sv=1&sig=abc", "https://contoso.blob.core.windows.net/voices")
    text = VALID.replace("contoso.blob.core.windows.net/consents", "Contoso.blob.core.windows.net/voices/consents")
    assert load_catalog(write(tmp_path, text), tmp_path, bound).voices[0].container_url is not None
    moved = text.replace("https://contoso.blob.core.windows.net/voices", "https://evil.example.net/voices")
    moved = moved.replace("https://Contoso.blob", "https://contoso.blob.core.windows.net@Contoso.blob")
    path = write(tmp_path, moved)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, tmp_path, bound)
    assert [str(problem).removeprefix(f"{path}:") for problem in caught.value.problems] == [
        ("9: consents[0].audioUrl: must not carry user info (user@host): the host is what follows the last @"),
        (
            "15: voices[0].audios.containerUrl: https://evil.example.net/voices is outside the container config sasToken "
            "was issued for (sasContainer: https://contoso.blob.core.windows.net/voices): the token goes to no "
            "other scheme, host, account or container"
        ),
    ]
    # With no token, URLs go as they are: another host is nothing to refuse (a user name still is).
    elsewhere = write(
        tmp_path, text.replace("https://contoso.blob.core.windows.net/voices", "https://evil.example.net/voices")
    )
    assert load_catalog(elsewhere, tmp_path, ConfigSas()).voices[0].container_url == "https://evil.example.net/voices"


def test_a_url_with_a_query_but_no_signature(tmp_path):
    text = VALID.replace("/jessica.wav", "/jessica.wav?sv=2024").replace("/voices", "/voices?x=1")
    assert found(tmp_path, text) == [
        "9: consents[0].audioUrl: must not carry a query: a SAS token comes from secret config or the stack",
        "15: voices[0].audios.containerUrl: must not carry a query: a SAS token comes from secret config or the stack",
    ]


def test_a_url_with_a_signature_is_named_once_as_a_secret(tmp_path):
    problems = found(tmp_path, VALID.replace("/jessica.wav", "/jessica.wav?sv=1&Sig=abc"))
    assert [problem.split(": carries")[0] for problem in problems] == ["9: consents[0].audioUrl"]


def test_urls_must_be_https(tmp_path):
    text = VALID.replace("https://contoso.blob.core.windows.net/consents", "ftp://contoso/consents")
    assert found(tmp_path, text) == ["9: consents[0].audioUrl: must be an absolute https:// URL"]


# -- consents --------------------------------------------------------------------------------


def test_a_consent_names_a_locale_and_exactly_one_recording(tmp_path):
    recording = "    audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav\n"
    both = VALID.replace("locale: en-US", "locale: english").replace(recording, recording + "    audioFile: a.wav\n")
    assert found(tmp_path, both) == [
        "8: consents[0].locale: 'english' is not a locale such as 'en-US'",
        "10: consents[0].audioFile: give exactly one of audioFile and audioUrl (the consent recording)",
        f"10: consents[0].audioFile: no such file: a.wav (paths are relative to {tmp_path})",
    ]
    assert found(tmp_path, VALID.replace(recording, "")) == [
        "4: consents[0].audioFile: give exactly one of audioFile and audioUrl (the consent recording)"
    ]


def test_a_consent_recording_url_that_is_not_text(tmp_path):
    assert found(
        tmp_path, VALID.replace("audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav", "audioUrl: 5")
    ) == ["9: consents[0].audioUrl: must be a string, got int"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("''", "must be a file path relative to the project root"),
        ("5", "must be a file path relative to the project root"),
        ("/etc/passwd", "must be relative to the project root, without '..'"),
        ("audio/../../x.wav", "must be relative to the project root, without '..'"),
    ],
)
def test_a_local_recording_path_must_stay_in_the_project(tmp_path, value, reason):
    text = VALID.replace("audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav", f"audioFile: {value}")
    assert f"9: consents[0].audioFile: {reason}" in found(tmp_path, text)


def test_a_symbolic_link_out_of_the_project_is_refused(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    write_wav(outside / "consent.wav", seconds=6)
    root.mkdir()
    (root / "audio").symlink_to(outside)
    text = VALID.replace(
        "audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav", "audioFile: audio/consent.wav"
    )
    assert found(tmp_path, text, root=root) == [
        "9: consents[0].audioFile: audio/consent.wav leads outside the project (a symbolic link); copy the file in instead"
    ]


def test_a_consent_recording_inside_the_project(tmp_path):
    write_wav(tmp_path / "audio" / "consent.wav", seconds=6)
    text = VALID.replace(
        "audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav", "audioFile: audio/consent.wav"
    )
    [consent] = loads(tmp_path, text).consents
    assert (consent.audio_file, consent.audio_url) == ("audio/consent.wav", None)


# -- references and names --------------------------------------------------------------------


def test_references_to_undeclared_projects_and_consents(tmp_path):
    text = (
        PROJECT
        + CONSENT.replace("projectId: proj", "projectId: gone")
        + "voices:\n"
        + VOICE.replace("projectId: proj", "projectId: other")
        + VOICE.replace("Jessica", "Mark").replace("consentId: consent", "consentId: absent")
    )
    assert found(tmp_path, text) == [
        "5: consents[0].projectId: project 'gone' is not declared in projects",
        "12: voices[0].projectId: project 'other' is not declared in projects",
        "13: voices[0].consentId: consent 'consent' belongs to project 'gone', not 'other'",
        "19: voices[1].consentId: consent 'absent' is not declared in consents",
    ]


def test_a_resource_name_taken_by_an_id_or_a_name(tmp_path):
    text = (
        VALID
        + VOICE.replace("id: Jessica", "id: Other\n    name: Jessica")
        + VOICE.replace("id: Jessica", "id: Third\n    name: Other")
        + VOICE.replace("id: Jessica", "id: Other")
    )
    assert found(tmp_path, text) == [
        "31: voices[3].id: duplicate id 'Other' in voices",
        "18: voices[1].name: another voice already has the resource name 'Jessica'",
    ]


def test_an_id_that_another_voice_took_as_its_name(tmp_path):
    text = VALID + VOICE.replace("id: Jessica", "id: Other\n    name: Mark") + VOICE.replace("id: Jessica", "id: Mark")
    assert found(tmp_path, text) == ["24: voices[2].id: another voice already has the resource name 'Mark'"]


def test_a_name_that_is_not_text_leaves_the_id_as_the_resource_name(tmp_path):
    text = VALID.replace("    audios:", "    name: 5\n    audios:")
    assert found(tmp_path, text) == ["14: voices[0].name: must be a string, got int"]


# -- voices ----------------------------------------------------------------------------------


def test_a_voice_api_version_base_model_and_protect(tmp_path):
    text = VALID.replace(
        "    audios:", "    apiVersion: '2020-01-01'\n    baseModel: 'a b'\n    protect: 1\n    audios:"
    )
    problems = found(tmp_path, text)
    assert problems[0].startswith("14: voices[0].apiVersion: '2020-01-01' is not one of ")
    assert problems[1:] == [
        "15: voices[0].baseModel: 'a b' is not a base model name (letters and digits, e.g. DragonLatestNeural)",
        "16: voices[0].protect: must be true or false",
    ]


def test_protect_true_is_kept(tmp_path):
    assert loads(tmp_path, VALID.replace("    audios:", "    protect: true\n    audios:")).voices[0].protect is True


def test_audios_of_the_wrong_shape(tmp_path):
    assert found(tmp_path, VALID.replace("    audios:\n", "    audios: [x]\n    audio:\n")) == [
        (
            "15: voices[0].audio: unknown field (expected id, name, projectId, consentId, apiVersion, createRequest,"
            " audios, description, displayName, baseModel, protect)"
        ),
        "14: voices[0].audios: must be a mapping",
    ]


def test_audios_need_a_container_url_or_files(tmp_path):
    text = VALID.replace("      containerUrl: https://contoso.blob.core.windows.net/voices\n", "")
    assert found(tmp_path, text) == [
        "14: voices[0].audios: give exactly one of containerUrl (audio already in a container) and files"
    ]


def test_extensions_that_are_not_extensions_are_named_by_index(tmp_path):
    text = VALID.replace('[".wav"]', '[".wav", "a b", 3]')
    assert found(tmp_path, text) == [
        "16: voices[0].audios.extensions[1]: 'a b' is not a file extension such as '.wav'",
        "16: voices[0].audios.extensions[2]: 3 is not a file extension such as '.wav'",
    ]
    assert found(tmp_path, VALID.replace('[".wav"]', "wav")) == [
        "16: voices[0].audios.extensions: must be a non-empty list such as ['.wav']"
    ]


def test_a_container_url_that_is_not_text(tmp_path):
    text = VALID.replace("containerUrl: https://contoso.blob.core.windows.net/voices", "containerUrl: 5")
    assert found(tmp_path, text) == ["15: voices[0].audios.containerUrl: must be a string, got int"]


@pytest.mark.parametrize(
    ("create_request", "reason"),
    [
        ("post", "must be one of spec, seed-document-post"),
        (
            "seed-document-post",
            "seed-document-post is the seed document's form: it needs apiVersion 2023-12-01-preview",
        ),
    ],
)
def test_a_create_request_the_voice_cannot_use(tmp_path, create_request, reason):
    text = VALID.replace("    audios:", f"    createRequest: {create_request}\n    audios:")
    assert found(tmp_path, text) == [f"14: voices[0].createRequest: {reason}"]


# -- local prompt files and managed storage --------------------------------------------------

STORAGE = """\
storage:
  accountUrl: https://contoso.blob.core.windows.net
  container: prompts
"""
FILES_VOICE = """\
  - id: Jessica
    projectId: proj
    consentId: consent
    audios:
      prefix: jessica/
      extensions: [".wav"]
      files: [audio/prompt.wav]
"""


def with_audio(tmp_path: Path) -> Path:
    write_wav(tmp_path / "audio" / "prompt.wav", seconds=6)
    write_wav(tmp_path / "audio" / "LOUD.WAV", seconds=6)
    (tmp_path / "audio" / "prompt.mp3").write_bytes(b"not checked")
    (tmp_path / "audio" / "broken.wav").write_bytes(b"RIFF")
    return tmp_path


def managed(*voices: str) -> str:
    return STORAGE + PROJECT + CONSENT + "voices:\n" + "".join(voices)


def test_the_managed_storage_section_builds_its_spec(tmp_path):
    catalog = loads(with_audio(tmp_path), managed(FILES_VOICE))
    assert catalog.storage == StorageSpec("https://contoso.blob.core.windows.net", "prompts")
    [voice] = catalog.voices
    assert (voice.files, voice.prefix, voice.container_url, voice.extensions) == (
        ("audio/prompt.wav",),
        "jessica/",
        None,
        (".wav",),
    )


def test_the_storage_section_is_checked(tmp_path):
    text = managed(FILES_VOICE).replace("blob.core.windows.net\n", "blob.core.windows.net?x=1\n")
    assert found(with_audio(tmp_path), text.replace("container: prompts", "container: Prompts_")) == [
        "2: storage.accountUrl: must not carry a query: a SAS token comes from secret config or the stack",
        (
            "3: storage.container: 'Prompts_' is not a container name (3 to 63 lower-case letters, digits and single"
            " hyphens, starting and ending with a letter or digit)"
        ),
    ]


def test_a_storage_section_without_its_fields(tmp_path):
    assert found(tmp_path, "storage:\n  region: west\nvoices: []\n") == [
        "2: storage.region: unknown field (expected accountUrl, container)",
        "1: storage.accountUrl: is required",
        "1: storage.container: is required",
    ]
    assert found(tmp_path, "storage: [x]\nvoices: []\n") == ["1: storage: must be a mapping"]


def test_a_storage_section_that_is_empty_means_no_storage(tmp_path):
    assert loads(tmp_path, "storage:\nvoices: []\n").storage is None


def test_files_of_the_wrong_shape(tmp_path):
    root = with_audio(tmp_path)
    for files in ("[]", "audio/prompt.wav"):
        assert found(root, managed(FILES_VOICE.replace("[audio/prompt.wav]", files))) == [
            "20: voices[0].audios.files: must be a non-empty list of file paths",
            "17: voices[0].audios: give exactly one of containerUrl (audio already in a container) and files",
        ]


def test_each_file_is_checked_and_named_by_index(tmp_path):
    root = with_audio(tmp_path)
    files = "[audio/prompt.mp3, 5, audio/broken.wav, audio/prompt.wav, audio/LOUD.WAV]"
    problems = found(root, managed(FILES_VOICE.replace("[audio/prompt.wav]", files)))
    assert problems[:2] == [
        "20: voices[0].audios.files[0]: audio/prompt.mp3 does not have one of the extensions ['.wav']",
        "20: voices[0].audios.files[1]: must be a file path relative to the project root",
    ]
    assert problems[2].startswith("20: voices[0].audios.files[2]: audio/broken.wav: not a readable WAV file (")
    assert len(problems) == 3


def test_extensions_in_any_spelling_allow_files_in_any_case(tmp_path):
    root = with_audio(tmp_path)
    voice = FILES_VOICE.replace('[".wav"]', '["*.WAV", mp3]').replace(
        "[audio/prompt.wav]", "[audio/LOUD.WAV, audio/prompt.mp3]"
    )
    assert loads(root, managed(voice)).voices[0].files == ("audio/LOUD.WAV", "audio/prompt.mp3")


def test_an_upper_case_wav_file_is_checked_too(tmp_path):
    root = with_audio(tmp_path)
    write_wav(root / "audio" / "SHORT.WAV", seconds=2)
    voice = FILES_VOICE.replace("[audio/prompt.wav]", "[audio/SHORT.WAV]")
    assert found(root, managed(voice)) == [
        "20: voices[0].audios.files[0]: audio/SHORT.WAV: 2.0 s long; the service takes 5 to 90 s"
    ]


def test_files_with_no_extensions_given(tmp_path):
    root = with_audio(tmp_path)
    voice = FILES_VOICE.replace('      extensions: [".wav"]\n', "")
    assert found(root, managed(voice)) == ["17: voices[0].audios.extensions: is required"]


@pytest.mark.parametrize("prefix", ["jessica", "/jessica/", "5", "null"])
def test_uploaded_files_need_a_folder(tmp_path, prefix):
    root = with_audio(tmp_path)
    voice = FILES_VOICE.replace("prefix: jessica/", f"prefix: {prefix}")
    assert found(root, managed(voice))[-1] == (
        "18: voices[0].audios.prefix: with files, must be a folder of the container such as 'jessica/'"
    )


def test_folders_of_two_voices_must_not_overlap_either_way(tmp_path):
    root = with_audio(tmp_path)
    second = FILES_VOICE.replace("Jessica", "Mark").replace("prefix: jessica/", "prefix: jessica/mark/")
    third = FILES_VOICE.replace("Jessica", "Anna").replace("prefix: jessica/", "prefix: anna/long/")
    fourth = FILES_VOICE.replace("Jessica", "Bert").replace("prefix: jessica/", "prefix: anna/")
    fifth = FILES_VOICE.replace("Jessica", "Carl").replace("prefix: jessica/", "prefix: jessica/mark/x/")
    assert found(root, managed(FILES_VOICE, second, third, fourth, fifth)) == [
        "25: voices[1].audios.prefix: 'jessica/mark/' overlaps 'jessica/' of voices[0]",
        "39: voices[3].audios.prefix: 'anna/' overlaps 'anna/long/' of voices[2]",
        "46: voices[4].audios.prefix: 'jessica/mark/x/' overlaps 'jessica/' of voices[0]",
        "46: voices[4].audios.prefix: 'jessica/mark/x/' overlaps 'jessica/mark/' of voices[1]",
    ]


def test_a_voice_with_a_container_url_takes_no_part_in_folders(tmp_path):
    root = with_audio(tmp_path)
    other = VOICE.replace("Jessica", "Mark").replace(
        '      extensions: [".wav"]', '      prefix: jessica/\n      extensions: [".wav"]'
    )
    catalog = loads(root, managed(FILES_VOICE, other))
    assert [voice.prefix for voice in catalog.voices] == ["jessica/", "jessica/"]


def test_files_without_storage_take_no_prefix(tmp_path):
    root = with_audio(tmp_path)
    text = PROJECT + CONSENT + "voices:\n" + FILES_VOICE
    assert found(root, text) == [
        (
            "15: voices[0].audios.prefix: is a folder of the stack's storage container; without a storage section"
            " the files are sent with the voice's create"
        )
    ]
    catalog = loads(root, text.replace("      prefix: jessica/\n", ""))
    assert (catalog.voices[0].files, catalog.voices[0].prefix) == (("audio/prompt.wav",), None)


def test_the_seed_documents_create_takes_files_only_through_storage(tmp_path):
    root = with_audio(tmp_path)
    voice = FILES_VOICE.replace(
        "    audios:", "    apiVersion: 2023-12-01-preview\n    createRequest: seed-document-post\n    audios:"
    )
    assert loads(root, managed(voice)).voices[0].create_request == "seed-document-post"
    no_storage = PROJECT + CONSENT + "voices:\n" + voice.replace("      prefix: jessica/\n", "")
    assert found(root, no_storage) == [
        "15: voices[0].createRequest: seed-document-post takes audio in a container, not files sent with the create"
    ]


def test_files_are_not_judged_by_extensions_that_are_wrong_themselves(tmp_path):
    root = with_audio(tmp_path)
    voice = FILES_VOICE.replace('[".wav"]', '[".mp3", "a b"]')
    assert found(root, managed(voice)) == [
        "19: voices[0].audios.extensions[1]: 'a b' is not a file extension such as '.wav'"
    ]


EVERY_TEXT_FIELD_A_NUMBER = """\
storage:
  accountUrl: 1
  container: 2
projects:
  - id: 3
    description: 4
    displayName: 5
consents:
  - id: 6
    projectId: 7
    voiceTalentName: 8
    companyName: 9
    locale: 10
    audioUrl: 11
  - id: local
    projectId: proj
    voiceTalentName: Mark
    companyName: Contoso
    locale: en-US
    audioFile: 25
voices:
  - id: 12
    name: 13
    projectId: 14
    consentId: 15
    apiVersion: 16
    createRequest: 17
    baseModel: 18
    description: 19
    displayName: 20
    audios:
      containerUrl: 21
      prefix: 22
      extensions: [".wav"]
  - id: Other
    projectId: proj
    consentId: consent
    audios:
      files: [23]
      prefix: 24
      extensions: [".wav"]
"""


def test_every_text_field_must_be_text(tmp_path):
    """Ids are checked as ids too, so their type is named twice."""
    assert found(tmp_path, EVERY_TEXT_FIELD_A_NUMBER) == [
        "2: storage.accountUrl: must be a string, got int",
        "3: storage.container: must be a string, got int",
        "2: storage.accountUrl: must be an absolute https:// URL",
        "3: storage.container: '2' is not a container name (3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit)",
        "5: projects[0].id: must be a string, got int",
        "6: projects[0].description: must be a string, got int",
        "7: projects[0].displayName: must be a string, got int",
        "5: projects[0].id: must be a string, got int",
        "9: consents[0].id: must be a string, got int",
        "10: consents[0].projectId: must be a string, got int",
        "11: consents[0].voiceTalentName: must be a string, got int",
        "12: consents[0].companyName: must be a string, got int",
        "13: consents[0].locale: must be a string, got int",
        "14: consents[0].audioUrl: must be a string, got int",
        "9: consents[0].id: must be a string, got int",
        "10: consents[0].projectId: must be a string, got int",
        "20: consents[1].audioFile: must be a string, got int",
        "20: consents[1].audioFile: must be a file path relative to the project root",
        "22: voices[0].id: must be a string, got int",
        "23: voices[0].name: must be a string, got int",
        "24: voices[0].projectId: must be a string, got int",
        "25: voices[0].consentId: must be a string, got int",
        "26: voices[0].apiVersion: must be a string, got int",
        "27: voices[0].createRequest: must be a string, got int",
        "28: voices[0].baseModel: must be a string, got int",
        "29: voices[0].description: must be a string, got int",
        "30: voices[0].displayName: must be a string, got int",
        "22: voices[0].id: must be a string, got int",
        "24: voices[0].projectId: must be a string, got int",
        "25: voices[0].consentId: must be a string, got int",
        "26: voices[0].apiVersion: 16 is not one of 2023-12-01-preview, 2024-02-01-preview, 2026-01-01",
        "28: voices[0].baseModel: 18 is not a base model name (letters and digits, e.g. DragonLatestNeural)",
        "32: voices[0].audios.containerUrl: must be a string, got int",
        "33: voices[0].audios.prefix: must be a string, got int",
        "27: voices[0].createRequest: must be one of spec, seed-document-post",
        "40: voices[1].audios.prefix: must be a string, got int",
        "39: voices[1].audios.files[0]: must be a file path relative to the project root",
        "38: voices[1].audios: give exactly one of containerUrl (audio already in a container) and files",
        "10: consents[0].projectId: project '7' is not declared in projects",
        "16: consents[1].projectId: project 'proj' is not declared in projects",
        "24: voices[0].projectId: project '14' is not declared in projects",
        "25: voices[0].consentId: consent '15' is not declared in consents",
        "36: voices[1].projectId: project 'proj' is not declared in projects",
        "37: voices[1].consentId: consent 'consent' is not declared in consents",
    ]


def test_two_voices_whose_names_are_not_text_keep_their_ids_as_resource_names(tmp_path):
    text = VALID.replace("    audios:", "    name: 5\n    audios:") + VOICE.replace(
        "id: Jessica", "id: Other\n    name: 5"
    )
    assert found(tmp_path, text) == [
        "14: voices[0].name: must be a string, got int",
        "19: voices[1].name: must be a string, got int",
    ]


def test_a_voice_with_a_taken_name_and_a_taken_id_is_named_for_both(tmp_path):
    text = VALID + VOICE.replace("id: Jessica", "id: Jessica\n    name: Jessica")
    assert found(tmp_path, text) == [
        "17: voices[1].id: duplicate id 'Jessica' in voices",
        "18: voices[1].name: another voice already has the resource name 'Jessica'",
    ]
