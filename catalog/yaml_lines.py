"""Load YAML and remember the line of every value, so errors can point at the file's line.

A catalog is data a reviewer reads as written, and CI previews catalogs from pull requests:
so a file is refused before it is built when it is too large, not UTF-8, nested too deep, or
uses anchors and aliases (which can make a few hundred bytes expand to gigabytes). What is
left takes time and memory in proportion to its size.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16


class _CatalogLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader (libyaml's parser, where PyYAML has it: ten times faster), without
    timestamps: a catalog holds no dates, and `apiVersion: 2026-01-01` means the text."""


_CatalogLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(Exception):
    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


@dataclass
class LoadedYaml:
    data: Any
    # Each value's path (keys and indexes) to its line.
    lines: dict[Path_, int] = field(default_factory=dict)
    # Keys given twice in one mapping (YAML keeps the last silently).
    duplicate_keys: list[Path_] = field(default_factory=list)


def load_with_lines(path: Path) -> LoadedYaml:
    text = _text_of(path)
    try:
        _refuse_what_a_reviewer_cannot_read(text)
        loader = _CatalogLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlSyntaxError(mark.line + 1 if mark else 1, str(error.problem or error)) from None
    except yaml.reader.ReaderError as error:
        # A character YAML does not allow (a control character, say): the line it is on. Read
        # from text, PyYAML (libyaml or not) gives the character as its code point.
        line = text.count("\n", 0, error.position) + 1
        raise YamlSyntaxError(line, f"character U+{error.character:04X} is not allowed in YAML; remove it") from None
    loaded = LoadedYaml(data)
    if root is not None:
        _record(root, (), loaded)
    return loaded


def _text_of(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlSyntaxError(1, f"{size} bytes: a catalog is at most {MAX_BYTES // 1024} KiB")
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlSyntaxError(line, f"not UTF-8 text (byte {data[error.start]:#04x}); save the file as UTF-8") from None


def _refuse_what_a_reviewer_cannot_read(text: str) -> None:
    """Anchors, aliases and deep nesting, found in the event stream before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_CatalogLoader):
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlSyntaxError(
                line, "anchors and aliases (& and *) are not allowed: a catalog is data a reviewer reads as written"
            )
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(line, f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def _record(node: yaml.Node, path: Path_, loaded: LoadedYaml) -> None:
    loaded.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key_path = (*path, _key_of(key_node))
            if key_path in seen:
                loaded.duplicate_keys.append(key_path)
            seen.add(key_path)
            _record(value_node, key_path, loaded)
            loaded.lines[key_path] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), loaded)


def _key_of(key_node: yaml.Node) -> Any:
    """The key as the loaded data has it (`? ` is None, `true:` True), so paths match."""
    if isinstance(key_node, yaml.ScalarNode):
        return yaml.constructor.SafeConstructor().construct_object(key_node)
    return str(key_node.value)


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of `path`, or of its nearest recorded parent (a missing key has no line)."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
