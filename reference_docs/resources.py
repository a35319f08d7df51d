"""Each resource as its code declares it: the Resource class (docstring, Pulumi type, outputs it
types), its Args dataclass (input names, types, defaults), the provider class its constructor
hands over (the import path that stacks pickle, the `DiffRules`), and the properties the
constructor makes of the Args (read by declaring the resource once with a marker in every field).
"""

import dataclasses
import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType, NoneType, UnionType
from typing import Any

import pulumi
import pulumi.output

import provider
from provider.base import DynamicProvider
from provider.diffing import DiffRules
from provider.resource import Resource
from reference_docs.declarations import Declaration, recorded

# What each change of an input does, as its provider's DiffRules decide.
REPLACES = "replaces"
SAS_URL = "replaces (the URL without its query); the query (SAS) updates in place"
IN_PLACE = "updates in place"
NOT_COMPARED = "not compared by its rules"
# `pulumi.Input` names `Output` as a forward reference, which typing must be able to resolve.
_PULUMI_NAMES = vars(pulumi.output)


@dataclass(frozen=True)
class Input:
    prop: str  # as state, previews and the catalog spell it: `projectId`, `audios.prefix`
    args_field: str  # as a program writes it: `project_id`, `audios.prefix`
    type: str
    required: bool
    default: str | None
    on_change: str
    secret: bool
    # For a field of a nested Args that may be None (`audios`): the field holding it.
    within: str | None = None


@dataclass(frozen=True)
class Output:
    prop: str
    type: str | None  # None: not an attribute of the class (read it from state or `get`)
    stable: bool
    secret: bool


@dataclass(frozen=True)
class ResourceModel:
    name: str
    page: str
    type_token: str
    module: ModuleType
    summary: str
    module_doc: str
    args_class: type
    provider_class: type
    diff_rules: DiffRules
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]

    @property
    def import_path(self) -> str:
        return f"{self.provider_class.__module__}.{self.provider_class.__qualname__}"


def resource_classes() -> list[type[Resource]]:
    """Every resource class of the `provider` package, in the order of their pages' names."""
    found = {}
    for module_info in pkgutil.walk_packages(provider.__path__, f"{provider.__name__}."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Resource)
                and value is not Resource
                and value.__module__ == module.__name__
            ):
                found[value.__name__] = value
    return [found[name] for name in sorted(found, key=page_name)]


def page_name(class_name: str) -> str:
    """PersonalVoice -> personal-voice."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", class_name).lower()


def model(resource_class: type[Resource]) -> ResourceModel:
    args_class = typing.get_type_hints(resource_class.__init__, localns=_PULUMI_NAMES)["args"]
    markers = _marked(args_class, "")
    with recorded() as recorder:
        typing.cast(Any, resource_class)("reference", markers)  # each resource's own (name, args)
    declaration = recorder.declarations[-1]
    if not isinstance(declaration.provider, DynamicProvider):
        raise TypeError(f"{resource_class.__name__}: its provider is not one of this project's")
    provider_class = type(declaration.provider)
    rules = provider_class.diff_rules
    secrets = _secret_outputs(declaration)
    placed = dict(_placed(declaration.props))
    inputs = tuple(_inputs(args_class, "", placed, rules, secrets))
    fed = {item.prop.split(".")[0] for item in inputs}
    return ResourceModel(
        name=resource_class.__name__,
        page=f"{page_name(resource_class.__name__)}.md",
        type_token=f"pulumi-python:{resource_class._resource_type_name}",
        module=inspect.getmodule(resource_class) or provider,
        summary=inspect.getdoc(resource_class) or "",
        module_doc=inspect.getdoc(inspect.getmodule(resource_class)) or "",
        args_class=args_class,
        provider_class=provider_class,
        diff_rules=rules,
        inputs=inputs,
        outputs=tuple(_outputs(resource_class, declaration, fed, rules, secrets)),
    )


def _marked(args_class: type, prefix: str) -> Any:
    """An instance of the Args dataclass whose every field holds a marker naming it (a nested
    dataclass, or a sequence of them, marked in its own fields)."""
    hints = typing.get_type_hints(args_class, localns=_PULUMI_NAMES)
    values: dict[str, Any] = {}
    for item in dataclasses.fields(args_class):
        path = f"{prefix}{item.name}"
        nested = _dataclass_in(hints[item.name])
        if nested is not None and _is_sequence(hints[item.name]):
            values[item.name] = [_marked(nested, f"{path}[].")]
        elif nested is not None:
            values[item.name] = _marked(nested, f"{path}.")
        else:
            values[item.name] = _marker(path)
    return args_class(**values)


def _marker(path: str) -> str:
    return f"<<{path}>>"


def _placed(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(marker, the property path where the constructor put it), for every marker in the props."""
    if isinstance(value, str):
        for marker in re.findall(r"<<[^>]*>>", value):
            yield marker, path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _placed(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _placed(item, f"{path}[]")


def _inputs(
    args_class: type,
    prefix: str,
    placed: dict[str, str],
    rules: DiffRules,
    secrets: set[str],
    within: str | None = None,
) -> Iterator[Input]:
    hints = typing.get_type_hints(args_class, localns=_PULUMI_NAMES)
    for item in dataclasses.fields(args_class):
        path = f"{prefix}{item.name}"
        nested = _dataclass_in(hints[item.name])
        if nested is not None and not _is_sequence(hints[item.name]):
            optional = NoneType in typing.get_args(hints[item.name])
            yield from _inputs(nested, f"{path}.", placed, rules, secrets, path if optional else within)
            continue
        marker = _marker(f"{path}[].{dataclasses.fields(nested)[0].name}" if nested is not None else path)
        if marker not in placed:
            raise LookupError(f"{args_class.__name__}.{item.name}: the constructor puts it in no property")
        prop = placed[marker].split("[]")[0]  # a list of records is one input
        required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        yield Input(
            prop=prop,
            args_field=path,
            type=type_text(hints[item.name]),
            required=required,
            default=None if required else _default_text(item),
            on_change=on_change(rules, prop),
            secret=prop.split(".")[0] in secrets,
            within=within,
        )


def on_change(rules: DiffRules, prop: str) -> str:
    if prop in rules.sas_urls:
        return SAS_URL
    if prop in rules.replacing:
        return REPLACES
    if prop in rules.in_place:
        return IN_PLACE
    return NOT_COMPARED


def _outputs(
    resource_class: type, declaration: Declaration, fed: set[str], rules: DiffRules, secrets: set[str]
) -> Iterator[Output]:
    """The properties the provider fills in (none of the Args feeds them), and the attributes
    the class types."""
    hints = typing.get_type_hints(resource_class, localns=_PULUMI_NAMES)
    own = vars(resource_class).get("__annotations__", {})
    names = [key for key in declaration.props if key not in fed]
    names += [key for key in own if key not in names]
    for name in names:
        yield Output(
            prop=name,
            type=type_text(hints[name]) if name in own else None,
            stable=name in rules.stable_outputs,
            secret=name in secrets,
        )


def _secret_outputs(declaration: Declaration) -> set[str]:
    opts = declaration.opts
    return set(opts.additional_secret_outputs or []) if opts is not None else set()


def _dataclass_in(hint: Any) -> type | None:
    for candidate in (hint, *typing.get_args(hint)):
        if inspect.isclass(candidate) and dataclasses.is_dataclass(candidate):
            return candidate
    return None


def _is_sequence(hint: Any) -> bool:
    return typing.get_origin(hint) in (Sequence, list, tuple)


def type_text(hint: Any) -> str:
    """A type as a reader writes it: `pulumi.Input[str]` as `Input[str]`, not its expansion."""
    if hint is NoneType:
        return "None"
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, UnionType):
        wrapped = [typing.get_args(a)[0] for a in args if typing.get_origin(a) is Awaitable]
        members = []
        for arg in args:
            if typing.get_origin(arg) is Awaitable or typing.get_origin(arg) is pulumi.Output:
                continue
            members.append(f"Input[{type_text(arg)}]" if arg in wrapped else type_text(arg))
        return " | ".join(members)
    if origin is pulumi.Output:
        return f"Output[{', '.join(type_text(a) for a in args)}]"
    if origin is not None:
        return f"{origin.__name__}[{', '.join(type_text(a) for a in args)}]"
    return getattr(hint, "__name__", str(hint))


def _default_text(item: dataclasses.Field[Any]) -> str:
    if item.default is not dataclasses.MISSING:
        return repr(item.default)
    factory = item.default_factory
    return repr(factory()) if callable(factory) else ""
