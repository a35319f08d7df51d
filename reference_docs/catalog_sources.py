"""Which catalog field (or stack config, or other resource's output) feeds each input of each
resource the program declares: `catalog.stack.declare` is run on catalogs whose every field
holds a marker naming it, and the markers are looked for in the declared properties. A field
that carries no marker through (a flag the program reads as `is True`) is found by declaring
once with it true and once false.

A catalog field is named as `stacks/<stack>.yaml` spells it: the spec field's name in camelCase,
checked against the loader's own table of keys for its section, so a spec field the loader does
not read stops the generator.
"""

import dataclasses
import re
import tempfile
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import catalog.environment
from catalog import loader
from catalog.environment import Environment
from catalog.specs import Catalog, ConsentSpec, ProjectSpec, SpeechAccountSpec, StorageSpec, VoiceSpec
from catalog.stack import declare
from reference_docs.declarations import Declaration, OutputOf, recorded

# Each spec class: its YAML section, whether that is a list, and the loader's keys for it.
SECTIONS: dict[type, tuple[str, bool, Mapping[str, bool]]] = {
    SpeechAccountSpec: ("speechAccounts", True, loader.ACCOUNT_KEYS),
    StorageSpec: ("storage", False, loader.STORAGE_KEYS),
    ProjectSpec: ("projects", True, loader.PROJECT_KEYS),
    ConsentSpec: ("consents", True, loader.CONSENT_KEYS),
    VoiceSpec: ("voices", True, loader.VOICE_KEYS),
}
# A voice's prompt audio keys sit under `audios:`.
NESTED_KEYS = {VoiceSpec: ("audios", loader.AUDIOS_KEYS)}
RESOURCE_NAME = "(resource name)"
PROTECT = "(protect)"
# Fields that name another entry (which must be there): the key, and the key it names.
REFERENCES = {
    "consents[].projectId": "projects[].id",
    "voices[].projectId": "projects[].id",
    "voices[].consentId": "consents[].id",
    "projects[].account": "speechAccounts[].name",
}
_MARKER = re.compile(r"<<([^>]*)>>")


@dataclass(frozen=True)
class Source:
    kind: str  # "catalog", "config", "output"
    name: str  # `voices[].description`; `apiVersion`; `SpeechAccount.endpoint`


def sources() -> dict[str, dict[str, list[Source]]]:
    """Per resource class name, per property (or RESOURCE_NAME, PROTECT), what feeds it."""
    _check_sections()
    found: dict[str, dict[str, list[Source]]] = {}
    with tempfile.TemporaryDirectory() as root:
        for declarations in (
            _declared(Path(root), with_accounts=True),
            _declared(Path(root), with_accounts=False),
            *_flipped(Path(root)),
        ):
            for declaration in declarations:
                per_prop = found.setdefault(declaration.resource_type, {})
                for prop, source in _fed(declaration):
                    if source not in per_prop.setdefault(prop, []):
                        per_prop[prop].append(source)
    return found


def yaml_key(spec_class: type, field_name: str) -> str:
    """The catalog field a spec field is read from, as the YAML spells it."""
    section, is_list, keys = SECTIONS[spec_class]
    where = f"{section}[]" if is_list else section
    key = _camel(field_name)
    if key in keys:
        return f"{where}.{key}"
    if spec_class in NESTED_KEYS and key in NESTED_KEYS[spec_class][1]:
        return f"{where}.{NESTED_KEYS[spec_class][0]}.{key}"
    raise LookupError(f"{spec_class.__name__}.{field_name}: the catalog loader has no key {key!r} for it")


def config_key(environment_field: str) -> str:
    """The stack config key an Environment field is read from: the one config key constant of
    `catalog.environment` that ends with the field's name (`api_version`: apiVersion,
    `endpoint`: speechEndpoint)."""
    wanted = _camel(environment_field).lower()
    keys = {
        value
        for name, value in vars(catalog.environment).items()
        if name.endswith("_CONFIG") and isinstance(value, str) and value.lower().endswith(wanted)
    }
    return keys.pop() if len(keys) == 1 else f"Environment.{environment_field}"


def _check_sections() -> None:
    """Every kind of entry the catalog holds must have its section here."""
    hints = typing.get_type_hints(Catalog)
    declared = {arg for hint in hints.values() for arg in typing.get_args(hint) if isinstance(arg, type)}
    missing = sorted(c.__name__ for c in declared if dataclasses.is_dataclass(c) and c not in SECTIONS)
    if missing:
        raise LookupError(f"the catalog has entries without a section in reference_docs: {', '.join(missing)}")


def _marker(name: str) -> str:
    return f"<<{name}>>"


def _marked_spec(spec_class: type, root: Path, overrides: Mapping[str, Any], *, optional: bool = True) -> Any:
    """The spec with a marker in each field (`optional` False: the fields that may be None are)."""
    values: dict[str, Any] = {}
    hints = typing.get_type_hints(spec_class)
    for item in dataclasses.fields(spec_class):
        if typing.get_origin(hints[item.name]) is Mapping or hints[item.name] is Mapping:
            section, _, keys = SECTIONS[spec_class]
            own = {_camel(f.name) for f in dataclasses.fields(spec_class)}
            values[item.name] = {
                key: overrides.get(f"{section}[].{key}", _marker(f"{section}[].{key}"))
                for key in keys
                if key not in own
            }
            continue
        key = yaml_key(spec_class, item.name)
        if key in overrides:
            values[item.name] = overrides[key]
        elif not optional and item.default is None:
            values[item.name] = None
        elif typing.get_origin(hints[item.name]) is tuple:
            values[item.name] = (_file(root, key),) if key.endswith(".files") else (_marker(key),)
        else:
            values[item.name] = _marker(key)
    return spec_class(**values)


def _file(root: Path, key: str) -> str:
    """A prompt audio file the program can hash, named by its marker."""
    (root / _marker(key)).write_bytes(b"")
    return _marker(key)


def _catalog(root: Path, overrides: Mapping[str, Any], *, with_accounts: bool) -> Catalog:
    references: dict[str, str | None] = {key: _marker(named) for key, named in REFERENCES.items()}
    if not with_accounts:
        references["projects[].account"] = None
    given = {**references, **overrides}

    def spec(spec_class: type, **extra: Any) -> Any:
        return _marked_spec(spec_class, root, {**given, **extra}, optional=with_accounts)

    if with_accounts:
        # One voice with its audio in a container, two with files uploaded to the stack's storage
        # (one with a name, one without).
        uploaded = {"voices[].audios.containerUrl": None}
        voices = (
            spec(VoiceSpec, **{"voices[].audios.files": ()}),
            spec(VoiceSpec, **uploaded),
            spec(VoiceSpec, **uploaded, **{"voices[].name": None}),
        )
        return Catalog(
            (spec(ProjectSpec),), (spec(ConsentSpec),), voices, spec(StorageSpec), (spec(SpeechAccountSpec),)
        )
    # No account (config's endpoint), no storage (files sent with the create), no overrides.
    return Catalog((spec(ProjectSpec),), (spec(ConsentSpec),), (spec(VoiceSpec),))


def _environment() -> Environment:
    return Environment(
        **{item.name: _marker(f"config:{item.name}") for item in dataclasses.fields(Environment)}  # type: ignore[arg-type]
    )


def _declared(root: Path, *, with_accounts: bool, overrides: Mapping[str, Any] | None = None) -> list[Declaration]:
    with recorded() as recorder:
        declare(_catalog(root, overrides or {}, with_accounts=with_accounts), _environment(), root)
    return recorder.declarations


def _flipped(root: Path) -> Iterator[list[Declaration]]:
    """For each catalog key no marker came through: what changes when it is true, not false."""
    carried = {name for declaration in _declared(root, with_accounts=True) for _, name in _markers_in(declaration)}
    for section, is_list, keys in SECTIONS.values():
        for key in keys:
            name = f"{section}[].{key}" if is_list else f"{section}.{key}"
            if name in carried or name in REFERENCES:
                continue
            on = _declared(root, with_accounts=True, overrides={name: True})
            off = _declared(root, with_accounts=True, overrides={name: False})
            yield [
                Declaration(a.resource_type, a.provider, a.resource_name, changed, a.opts)
                for a, b in zip(on, off, strict=True)
                if (changed := {k: _marker(name) for k in a.props if a.props[k] != b.props.get(k)})
            ]


def _fed(declaration: Declaration) -> Iterator[tuple[str, Source]]:
    for prop, value in declaration.props.items():
        yield from _values(value, prop)
    for marker in _MARKER.findall(str(declaration.resource_name)):
        yield RESOURCE_NAME, _source(marker)
    protect = declaration.opts.protect if declaration.opts is not None else None
    if isinstance(protect, str):
        for marker in _MARKER.findall(protect):
            yield PROTECT, _source(marker)


def _markers_in(declaration: Declaration) -> Iterator[tuple[str, str]]:
    for prop, source in _fed(declaration):
        if source.kind == "catalog":
            yield prop, source.name


def _values(value: Any, path: str) -> Iterator[tuple[str, Source]]:
    if isinstance(value, OutputOf):
        yield path, Source("output", f"{value.resource_type}.{value.name}")
    elif isinstance(value, str):
        for marker in _MARKER.findall(value):
            yield path, _source(marker)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _values(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item, f"{path}[]")


def _source(marker: str) -> Source:
    if marker.startswith("config:"):
        return Source("config", config_key(marker.removeprefix("config:")))
    return Source("catalog", marker)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
