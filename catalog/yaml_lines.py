"""Load YAML and remember the line of every value, so errors can point at the file's line."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


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
    with path.open(encoding="utf-8") as stream:
        loader = yaml.SafeLoader(stream)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            raise YamlSyntaxError(mark.line + 1 if mark else 1, str(error.problem or error)) from None
        finally:
            loader.dispose()
    loaded = LoadedYaml(data)
    if root is not None:
        _record(root, (), loaded)
    return loaded


def _record(node: yaml.Node, path: Path_, loaded: LoadedYaml) -> None:
    loaded.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key_path = (*path, str(key_node.value))
            if key_path in seen:
                loaded.duplicate_keys.append(key_path)
            seen.add(key_path)
            _record(value_node, key_path, loaded)
            loaded.lines[key_path] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), loaded)


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of `path`, or of its nearest recorded parent (a missing key has no line)."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
