"""Load YAML and remember the line of every value, so errors can point at the file's line."""

from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


def load_with_lines(path: Path) -> tuple[Any, dict[Path_, int]]:
    """The document's data, and a map from each value's path (keys and indexes) to its line."""
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}
        data = loader.construct_document(root)
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    _record_lines(root, (), lines)
    return data, lines


def _record_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _record_lines(value_node, (*path, str(key_node.value)), lines)
            lines[(*path, str(key_node.value))] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines)


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of `path`, or of its nearest recorded parent (a missing key has no line)."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
