"""Read and validate `stacks/<stack>.yaml`. Every problem names the file, the line and the field."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalog.model import Catalog, ConsentSpec, ProjectSpec, VoiceSpec
from catalog.yaml_lines import Path_, line_of, load_with_lines
from provider.validation import check_extensions, check_id, check_url

SECTIONS = ("projects", "consents", "voices")
PROJECT_KEYS = {"id": True, "description": False, "displayName": False}
CONSENT_KEYS = {
    "id": True,
    "projectId": True,
    "voiceTalentName": True,
    "companyName": True,
    "locale": True,
    "description": False,
}
VOICE_KEYS = {
    "id": True,
    "name": False,
    "projectId": True,
    "consentId": True,
    "audios": True,
    "description": False,
    "displayName": False,
}
AUDIOS_KEYS = {"containerUrl": True, "prefix": False, "extensions": True}


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


def load_catalog(path: Path) -> Catalog:
    if not path.is_file():
        raise CatalogError([CatalogProblem(str(path), 1, "(file)", "no such catalog file")])
    data, lines = load_with_lines(path)
    checker = _Checker(str(path), lines)
    catalog = checker.catalog(data if data is not None else {})
    if checker.problems:
        raise CatalogError(checker.problems)
    return catalog


class _Checker:
    def __init__(self, file: str, lines: dict[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[CatalogProblem] = []

    def problem(self, path: Path_, reason: str) -> None:
        self.problems.append(CatalogProblem(self.file, line_of(self.lines, path), _dotted(path), reason))

    def catalog(self, data: Any) -> Catalog:
        if not isinstance(data, dict):
            self.problem((), "the catalog must be a mapping with keys " + ", ".join(SECTIONS))
            return Catalog()
        for key in data:
            if key not in SECTIONS:
                self.problem((key,), f"unknown section (expected one of {', '.join(SECTIONS)})")
        projects = self.section(data, "projects", PROJECT_KEYS, self.project)
        consents = self.section(data, "consents", CONSENT_KEYS, self.consent)
        voices = self.section(data, "voices", VOICE_KEYS, self.voice)
        catalog = Catalog(tuple(projects), tuple(consents), tuple(voices))
        self.references(catalog)
        return catalog

    def section(self, data: dict[str, Any], name: str, keys: dict[str, bool], build: Callable[..., Any]) -> list[Any]:
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
            built.append(build(path, entry))
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

    def ids(self, path: Path_, entry: dict[str, Any], *fields: str) -> None:
        for field in fields:
            if entry.get(field) not in (None, ""):
                for found in check_id(field, entry.get(field)):
                    self.problem((*path, field), found.reason)

    def project(self, path: Path_, entry: dict[str, Any]) -> ProjectSpec:
        self.ids(path, entry, "id")
        return ProjectSpec(
            id=str(entry.get("id")), description=entry.get("description"), display_name=entry.get("displayName")
        )

    def consent(self, path: Path_, entry: dict[str, Any]) -> ConsentSpec:
        self.ids(path, entry, "id", "projectId")
        return ConsentSpec(
            id=str(entry.get("id")),
            project_id=str(entry.get("projectId")),
            voice_talent_name=str(entry.get("voiceTalentName")),
            company_name=str(entry.get("companyName")),
            locale=str(entry.get("locale")),
            description=entry.get("description"),
        )

    def voice(self, path: Path_, entry: dict[str, Any]) -> VoiceSpec:
        self.ids(path, entry, "id", "projectId", "consentId")
        audios = entry.get("audios")
        audios_path = (*path, "audios")
        container_url, prefix = "", None
        extensions: tuple[str, ...] = ()
        if audios is not None and self.mapping(audios_path, audios, AUDIOS_KEYS):
            container_url = str(audios.get("containerUrl") or "")
            if container_url:
                for found in check_url("containerUrl", container_url, allow_query=True):
                    self.problem((*audios_path, "containerUrl"), found.reason)
                if urlsplit(container_url).query and "sig=" not in container_url.lower():
                    self.problem(
                        (*audios_path, "containerUrl"),
                        "must not carry a query: the SAS token comes from `pulumi config set --secret sasToken`",
                    )
            if audios.get("extensions") is not None:
                for found in check_extensions("extensions", audios.get("extensions")):
                    item = re.search(r"\[(\d+)\]", found.field)
                    self.problem((*audios_path, "extensions", *([int(item[1])] if item else [])), found.reason)
                extensions = tuple(str(e) for e in audios.get("extensions") or ())
            prefix = audios.get("prefix")
        return VoiceSpec(
            id=str(entry.get("id")),
            name=entry.get("name"),
            project_id=str(entry.get("projectId")),
            consent_id=str(entry.get("consentId")),
            container_url=container_url,
            extensions=extensions,
            prefix=prefix,
            description=entry.get("description"),
            display_name=entry.get("displayName"),
        )

    def references(self, catalog: Catalog) -> None:
        projects = {p.id for p in catalog.projects}
        consents: dict[str, ConsentSpec] = {c.id: c for c in catalog.consents}
        for index, consent in enumerate(catalog.consents):
            if consent.project_id not in projects:
                self.problem(
                    ("consents", index, "projectId"), f"project {consent.project_id!r} is not declared in projects"
                )
        for index, voice in enumerate(catalog.voices):
            if voice.project_id not in projects:
                self.problem(
                    ("voices", index, "projectId"), f"project {voice.project_id!r} is not declared in projects"
                )
            declared = consents.get(voice.consent_id)
            if declared is None:
                self.problem(
                    ("voices", index, "consentId"), f"consent {voice.consent_id!r} is not declared in consents"
                )
            elif declared.project_id != voice.project_id:
                self.problem(
                    ("voices", index, "consentId"),
                    f"consent {voice.consent_id!r} belongs to project {declared.project_id!r}, not {voice.project_id!r}",
                )


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(catalog)"
