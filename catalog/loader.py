"""Read and validate `stacks/<stack>.yaml`. Every problem names the file, the line and the field.

Local files (consent recordings, prompt audio) are named relative to the project root, the
folder above `stacks/`, which is where Pulumi runs the program and the provider host.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from catalog.audio_files import wav_problem
from catalog.specs import Catalog, ConsentSpec, ProjectSpec, SpeechAccountSpec, StorageSpec, VoiceSpec
from catalog.yaml_lines import Path_, YamlSyntaxError, line_of, load_with_lines
from provider.accounts.inputs import ACCOUNT_FIELDS, FLAGS, NAMING_FIELDS, folded, normalise
from provider.speech.client import API_VERSIONS
from provider.speech.voice_inputs import CREATE_REQUESTS, SEED_API_VERSION, SEED_DOCUMENT_POST
from provider.storage.config_sas import ConfigSas
from provider.storage.inputs import check_container_name
from provider.validation import (
    check_base_model,
    check_extensions,
    check_id,
    check_locale,
    check_one_of,
    check_optional_text,
    check_url,
    normalise_extension,
)

SECTIONS = ("speechAccounts", "storage", "projects", "consents", "voices")
# An account's fields are the SpeechAccount's inputs, checked by its own rules.
ACCOUNT_KEYS = {"name": True, **{key: False for key in (*NAMING_FIELDS, *ACCOUNT_FIELDS, *FLAGS)}, "protect": False}
STORAGE_KEYS = {"accountUrl": True, "container": True}
PROJECT_KEYS = {"id": True, "account": False, "description": False, "displayName": False, "forceDelete": False}
CONSENT_KEYS = {
    "id": True,
    "projectId": True,
    "voiceTalentName": True,
    "companyName": True,
    "locale": True,
    "audioFile": False,
    "audioUrl": False,
    "description": False,
    "displayName": False,
}
VOICE_KEYS = {
    "id": True,
    "name": False,
    "projectId": True,
    "consentId": True,
    "apiVersion": False,
    "createRequest": False,
    "audios": True,
    "description": False,
    "displayName": False,
    "baseModel": False,
    "protect": False,
}
AUDIOS_KEYS = {"containerUrl": False, "files": False, "prefix": False, "extensions": True}
# Fields whose value is text, wherever they appear; each is checked for its type and length.
TEXT_KEYS = frozenset(
    {
        "id",
        "name",
        "account",
        "projectId",
        "consentId",
        "description",
        "displayName",
        "voiceTalentName",
        "companyName",
        "locale",
        "apiVersion",
        "createRequest",
        "baseModel",
        "prefix",
        "accountUrl",
        "container",
        "containerUrl",
        "audioUrl",
        "audioFile",
    }
)


@dataclass(frozen=True)
class CatalogProblem:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


class CatalogError(Exception):
    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems
        super().__init__("invalid catalog:\n" + "\n".join(f"  {p}" for p in problems))


def load_catalog(path: Path, project_root: Path | None = None, sas: ConfigSas | None = None) -> Catalog:
    """`sas`: config sasToken and its container; a URL it would be joined to that lies outside
    that container is a problem of the catalog."""
    if not path.is_file():
        raise CatalogError([CatalogProblem(str(path), 1, "(file)", "no such catalog file")])
    try:
        loaded = load_with_lines(path)
    except YamlSyntaxError as error:
        raise CatalogError([CatalogProblem(str(path), error.line, "(yaml)", error.reason)]) from None
    checker = _Checker(str(path), loaded.lines, project_root or path.resolve().parent.parent, sas or ConfigSas())
    for key_path in loaded.duplicate_keys:
        checker.problem(key_path, "given twice in one mapping")
    catalog = checker.catalog(loaded.data)
    if checker.problems:
        raise CatalogError(checker.problems)
    return catalog


class _Checker:
    def __init__(self, file: str, lines: dict[Path_, int], project_root: Path, sas: ConfigSas) -> None:
        self.file = file
        self.lines = lines
        self.project_root = project_root
        self.sas = sas
        self.problems: list[CatalogProblem] = []
        self.prefixes: list[tuple[Path_, str]] = []

    def problem(self, path: Path_, reason: str) -> None:
        self.problems.append(CatalogProblem(self.file, line_of(self.lines, path), _dotted(path), reason))

    def catalog(self, data: Any) -> Catalog:
        if data is None:
            # An emptied file must not read as "delete every voice".
            self.problem((), "declares nothing; a stack that is meant to hold no voices says so with `voices: []`")
            return Catalog()
        if not isinstance(data, dict):
            self.problem((), "the catalog must be a mapping with keys " + ", ".join(SECTIONS))
            return Catalog()
        if "voices" not in data:
            self.problem((), "has no voices section; a stack that is meant to hold no voices says `voices: []`")
        for key in data:
            if key not in SECTIONS:
                self.problem((key,), f"unknown section (expected one of {', '.join(SECTIONS)})")
        accounts = self.accounts(data.get("speechAccounts"))
        storage = self.storage(data.get("storage"))
        projects = self.section(data, "projects", PROJECT_KEYS, self.project)
        consents = self.section(data, "consents", CONSENT_KEYS, self.consent)
        voices = self.section(data, "voices", VOICE_KEYS, lambda path, entry: self.voice(path, entry, storage))
        projects = self.accounts_of(projects, [spec for _, spec in accounts])
        self.references(projects, consents, voices)
        self.unique_resource_names(voices)
        return Catalog(
            tuple(spec for _, spec in projects),
            tuple(spec for _, spec in consents),
            tuple(spec for _, spec in voices),
            storage,
            tuple(spec for _, spec in accounts),
        )

    def section(
        self, data: dict[str, Any], name: str, keys: dict[str, bool], build: Callable[..., Any]
    ) -> list[tuple[Path_, Any]]:
        """Each valid-enough entry's spec, with the path it was read from."""
        entries = data.get(name) or []
        if not isinstance(entries, list):
            self.problem((name,), "must be a list")
            return []
        built, seen = [], set()
        for index, entry in enumerate(entries):
            path: Path_ = (name, index)
            if not self.mapping(path, entry, keys):
                continue
            entry_id = entry.get("id")
            if entry_id in seen:
                self.problem((*path, "id"), f"duplicate id {entry_id!r} in {name}")
            seen.add(entry_id)
            built.append((path, build(path, entry)))
        return built

    def mapping(self, path: Path_, entry: Any, keys: dict[str, bool]) -> bool:
        if not isinstance(entry, dict):
            self.problem(path, "must be a mapping")
            return False
        for key in entry:
            if key not in keys:
                self.problem((*path, key), f"unknown field (expected {', '.join(keys)})")
        for key, required in keys.items():
            if required and entry.get(key) in (None, ""):
                self.problem((*path, key), "is required")
        for key, value in entry.items():
            if key in TEXT_KEYS and value is not None:
                for found in check_optional_text(key, value):
                    self.problem((*path, key), found.reason)
            if isinstance(value, str):
                self.refuse_secret((*path, key), value)
        return True

    def refuse_secret(self, path: Path_, value: str) -> None:
        if "sig=" in value.lower():
            self.problem(
                path,
                "carries a SAS signature (sig=): secrets do not belong in the catalog; "
                "set the token with `pulumi config set --secret sasToken <token>`",
            )

    def url_without_query(self, path: Path_, value: str) -> None:
        problems = check_url(str(path[-1]), value, allow_query=True)
        for found in problems:
            self.problem(path, found.reason)
        if not problems and urlsplit(value).query and "sig=" not in value.lower():
            self.problem(path, "must not carry a query: a SAS token comes from secret config or the stack")

    def read_with_config_sas(self, path: Path_, value: str) -> None:
        """A URL the provider host joins config sasToken to: only inside the token's container."""
        self.url_without_query(path, value)
        if not any(problem.field == _dotted(path) for problem in self.problems):
            refused = self.sas.refusal(value)
            if refused is not None:
                self.problem(path, refused)

    def local_file(self, path: Path_, value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            self.problem(path, "must be a file path relative to the project root")
            return None
        if PurePosixPath(value).is_absolute() or ".." in PurePosixPath(value).parts:
            self.problem(path, "must be relative to the project root, without '..'")
        elif not (self.project_root / value).resolve().is_relative_to(self.project_root.resolve()):
            self.problem(path, f"{value} leads outside the project (a symbolic link); copy the file in instead")
        elif not (self.project_root / value).is_file():
            self.problem(path, f"no such file: {value} (paths are relative to {self.project_root})")
        return value

    def ids(self, path: Path_, entry: dict[str, Any], *fields: str) -> None:
        for field in fields:
            if entry.get(field) not in (None, ""):
                for found in check_id(field, entry.get(field)):
                    self.problem((*path, field), found.reason)

    def accounts(self, entries: Any) -> list[tuple[Path_, SpeechAccountSpec]]:
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.problem(("speechAccounts",), "must be a list")
            return []
        built: list[tuple[Path_, SpeechAccountSpec]] = []
        names: set[str] = set()
        azure_names: dict[tuple[Any, ...], str] = {}
        for index, entry in enumerate(entries):
            path: Path_ = ("speechAccounts", index)
            if not self.mapping(path, entry, ACCOUNT_KEYS):
                continue
            name = entry.get("name")
            self.ids(path, entry, "name")
            if name in names:
                self.problem((*path, "name"), f"duplicate name {name!r} in speechAccounts")
            names.add(name)
            self.flag((*path, "protect"), entry.get("protect"))
            inputs = {key: value for key, value in entry.items() if key not in ("name", "protect")}
            _, problems = normalise(inputs)
            for found in problems:
                self.problem((*path, found.field), found.reason)
            azure_name = tuple(folded(entry.get(key)) for key in NAMING_FIELDS)
            if not problems and azure_name in azure_names:
                self.problem(
                    (*path, "accountName"),
                    f"names the same Azure account as speechAccounts entry {azure_names[azure_name]!r}",
                )
            azure_names.setdefault(azure_name, str(name))
            built.append((path, SpeechAccountSpec(str(name), inputs, entry.get("protect") is not False)))
        return built

    def accounts_of(
        self, projects: list[tuple[Path_, ProjectSpec]], accounts: list[SpeechAccountSpec]
    ) -> list[tuple[Path_, ProjectSpec]]:
        """Each project with the account that holds it: the one it names, or the only one."""
        names = [account.name for account in accounts]
        resolved = []
        for path, project in projects:
            account = project.account
            if account is None and len(names) == 1:
                account = names[0]
            elif account is None and names:
                self.problem(path, f"name its Speech account with `account:` (one of {', '.join(names)})")
            elif account is not None and not names:
                self.problem((*path, "account"), "names a Speech account, but the catalog has no speechAccounts")
            elif account is not None and account not in names:
                self.problem((*path, "account"), f"Speech account {account!r} is not declared in speechAccounts")
            resolved.append((path, replace(project, account=account)))
        return resolved

    def storage(self, entry: Any) -> StorageSpec | None:
        path: Path_ = ("storage",)
        if entry is None or not self.mapping(path, entry, STORAGE_KEYS):
            return None
        account_url, container = str(entry.get("accountUrl") or ""), str(entry.get("container") or "")
        if account_url:
            self.url_without_query((*path, "accountUrl"), account_url)
        if container:
            for found in check_container_name("container", container):
                self.problem((*path, "container"), found.reason)
        return StorageSpec(account_url, container)

    def flag(self, path: Path_, value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            self.problem(path, "must be true or false")

    def project(self, path: Path_, entry: dict[str, Any]) -> ProjectSpec:
        self.ids(path, entry, "id")
        force_delete = entry.get("forceDelete", False)
        self.flag((*path, "forceDelete"), force_delete)
        return ProjectSpec(
            id=str(entry.get("id")),
            account=_text(entry, "account"),
            description=entry.get("description"),
            display_name=entry.get("displayName"),
            force_delete=force_delete is True,
        )

    def consent(self, path: Path_, entry: dict[str, Any]) -> ConsentSpec:
        self.ids(path, entry, "id", "projectId")
        for found in check_locale("locale", entry.get("locale")):
            self.problem((*path, "locale"), found.reason)
        audio_file, audio_url = entry.get("audioFile"), entry.get("audioUrl")
        if (audio_file is None) == (audio_url is None):
            self.problem((*path, "audioFile"), "give exactly one of audioFile and audioUrl (the consent recording)")
        if audio_file is not None:
            audio_file = self.local_file((*path, "audioFile"), audio_file)
        if isinstance(audio_url, str):
            self.read_with_config_sas((*path, "audioUrl"), audio_url)
        return ConsentSpec(
            id=str(entry.get("id")),
            project_id=str(entry.get("projectId")),
            voice_talent_name=str(entry.get("voiceTalentName")),
            company_name=str(entry.get("companyName")),
            locale=str(entry.get("locale")),
            audio_file=audio_file,
            audio_url=audio_url,
            description=entry.get("description"),
            display_name=entry.get("displayName"),
        )

    def voice(self, path: Path_, entry: dict[str, Any], storage: StorageSpec | None) -> VoiceSpec:
        self.ids(path, entry, "id", "projectId", "consentId")
        for found in check_one_of("apiVersion", entry.get("apiVersion"), API_VERSIONS):
            self.problem((*path, "apiVersion"), found.reason)
        for found in check_base_model("baseModel", entry.get("baseModel")):
            self.problem((*path, "baseModel"), found.reason)
        self.flag((*path, "protect"), entry.get("protect"))
        audios = entry.get("audios")
        audios_path = (*path, "audios")
        container_url, prefix = None, None
        files: tuple[str, ...] = ()
        extensions: tuple[str, ...] = ()
        if audios is not None and self.mapping(audios_path, audios, AUDIOS_KEYS):
            extensions = self.extensions((*audios_path, "extensions"), audios.get("extensions"))
            container_url = audios.get("containerUrl")
            if isinstance(container_url, str):
                self.read_with_config_sas((*audios_path, "containerUrl"), container_url)
            files = self.prompt_files((*audios_path, "files"), audios.get("files"), extensions)
            if files and storage is not None:
                self.own_prefix((*audios_path, "prefix"), audios.get("prefix"))
            elif files and audios.get("prefix") is not None:
                self.problem(
                    (*audios_path, "prefix"),
                    "is a folder of the stack's storage container; without a storage section the files "
                    "are sent with the voice's create",
                )
            if (container_url is None) == (not files):
                self.problem(audios_path, "give exactly one of containerUrl (audio already in a container) and files")
            prefix = audios.get("prefix")
        create_request = entry.get("createRequest")
        if create_request is not None:
            self.create_request(
                (*path, "createRequest"), create_request, entry, sends_files=bool(files) and storage is None
            )
        return VoiceSpec(
            id=str(entry.get("id")),
            name=_text(entry, "name"),
            project_id=str(entry.get("projectId")),
            consent_id=str(entry.get("consentId")),
            container_url=container_url,
            files=files,
            extensions=extensions,
            prefix=prefix,
            description=entry.get("description"),
            display_name=entry.get("displayName"),
            api_version=entry.get("apiVersion"),
            create_request=create_request,
            base_model=entry.get("baseModel"),
            protect=entry.get("protect") if isinstance(entry.get("protect"), bool) else None,
        )

    def create_request(self, path: Path_, value: Any, entry: dict[str, Any], *, sends_files: bool) -> None:
        """The seed document's create form, which no published spec has, only where asked for
        and only as the seed shows it: api-version 2023-12-01-preview, audio in a container."""
        if value not in CREATE_REQUESTS:
            self.problem(path, f"must be one of {', '.join(CREATE_REQUESTS)}")
        elif value == SEED_DOCUMENT_POST and entry.get("apiVersion") != SEED_API_VERSION:
            self.problem(
                path, f"{SEED_DOCUMENT_POST} is the seed document's form: it needs apiVersion {SEED_API_VERSION}"
            )
        elif value == SEED_DOCUMENT_POST and sends_files:
            self.problem(path, f"{SEED_DOCUMENT_POST} takes audio in a container, not files sent with the create")

    def extensions(self, path: Path_, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        found = check_extensions("extensions", value)
        for problem in found:
            item = re.search(r"\[(\d+)\]", problem.field)
            self.problem((*path, *([int(item[1])] if item else [])), problem.reason)
        return () if found else tuple(str(e) for e in value)

    def prompt_files(self, path: Path_, value: Any, extensions: tuple[str, ...]) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.problem(path, "must be a non-empty list of file paths")
            return ()
        allowed = {normalise_extension(e) for e in extensions}
        files = []
        for index, item in enumerate(value):
            checked = self.local_file((*path, index), item)
            if checked is None:
                continue
            if allowed and PurePosixPath(checked).suffix.lower() not in allowed:
                self.problem((*path, index), f"{checked} does not have one of the extensions {sorted(allowed)}")
            # Caught here, a recording the service would reject fails the preview, before a
            # replacement deletes the working voice.
            unusable = wav_problem(self.project_root / checked) if checked.lower().endswith(".wav") else None
            if unusable:
                self.problem((*path, index), f"{checked}: {unusable}")
            files.append(checked)
        return tuple(files)

    def own_prefix(self, path: Path_, prefix: Any) -> None:
        """Uploaded audio needs a folder of its own: the service trains a voice on everything
        under its prefix, which must not take in another voice's files."""
        if not isinstance(prefix, str) or not prefix.endswith("/") or prefix.startswith("/"):
            self.problem(path, "with files, must be a folder of the container such as 'jessica/'")
            return
        for other_path, other in self.prefixes:
            if prefix.startswith(other) or other.startswith(prefix):
                self.problem(path, f"{prefix!r} overlaps {other!r} of {_dotted(other_path[:2])}")
        self.prefixes.append((path, prefix))

    def references(
        self,
        projects: list[tuple[Path_, ProjectSpec]],
        consents: list[tuple[Path_, ConsentSpec]],
        voices: list[tuple[Path_, VoiceSpec]],
    ) -> None:
        project_ids = {spec.id for _, spec in projects}
        consents_by_id = {spec.id: spec for _, spec in consents}
        for path, consent in consents:
            if consent.project_id not in project_ids:
                self.problem((*path, "projectId"), f"project {consent.project_id!r} is not declared in projects")
        for path, voice in voices:
            if voice.project_id not in project_ids:
                self.problem((*path, "projectId"), f"project {voice.project_id!r} is not declared in projects")
            declared = consents_by_id.get(voice.consent_id)
            if declared is None:
                self.problem((*path, "consentId"), f"consent {voice.consent_id!r} is not declared in consents")
            elif declared.project_id != voice.project_id:
                self.problem(
                    (*path, "consentId"),
                    f"consent {voice.consent_id!r} belongs to project {declared.project_id!r}, not {voice.project_id!r}",
                )

    def unique_resource_names(self, voices: list[tuple[Path_, VoiceSpec]]) -> None:
        """Two voices with one Pulumi resource name would be one resource to Pulumi."""
        names: set[str] = set()
        ids: set[str] = set()
        for path, voice in voices:
            # Two voices with one id are already reported as a duplicate id.
            if voice.resource_name in names and not (voice.name is None and voice.id in ids):
                field = "name" if voice.name is not None else "id"
                self.problem((*path, field), f"another voice already has the resource name {voice.resource_name!r}")
            names.add(voice.resource_name)
            ids.add(voice.id)


def _text(entry: dict[str, Any], key: str) -> str | None:
    """The field's value if it is text (any other is already reported), else None."""
    value = entry.get(key)
    return value if isinstance(value, str) else None


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{_key_text(part)}" if text else _key_text(part)
    return text or "(catalog)"


def _key_text(key: object) -> str:
    """A mapping key as the YAML said it: keys need not be text (`? ` is a null key)."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return str(key).lower()
    return str(key)
