"""Reading a review (`python -m review`, scripts/preview-review) back: its first line, its
diagram as nodes and edges, and its tables as rows by group and id."""

import re
from dataclasses import dataclass

_CELL_SEPARATOR = re.compile(r"(?<!\\) \| ")
_CODE = re.compile(r"^(`+) ?(.*?) ?\1")


@dataclass(frozen=True)
class Row:
    change: str
    id_cell: str
    what: str
    consequence: str


def first_line(review: str) -> str:
    return review.splitlines()[0]


def rows(review: str) -> dict[str, dict[str, Row]]:
    """{"Voices": {"JessicaVoice": Row(...)}, ...}: each table under its `###` heading, keyed by
    the id in the row's code span."""
    tables: dict[str, dict[str, Row]] = {}
    group = ""
    for line in review.splitlines():
        if line.startswith("### "):
            group = line.removeprefix("### ")
        elif line.startswith("| ") and not line.startswith(("| change |", "|---")):
            change, id_cell, what, consequence = _CELL_SEPARATOR.split(line.strip()[2:-2])
            found = _CODE.match(id_cell)
            assert found, f"no id in {id_cell!r}"
            tables.setdefault(group, {})[found.group(2)] = Row(change, id_cell, what, consequence)
    return tables


NODE = re.compile(r'^  (?P<id>n\d+|more)\["(?P<label>[^"]*)"\]:::(?P<style>\w+)$')
EDGE = re.compile(r"^  (?P<parent>n\d+) (?P<arrow>==>\|takes along\||-->|-\.->) (?P<child>n\d+)$")
# What a label may hold: the characters written as they are, line breaks and entity codes.
SAFE_LABEL = re.compile(r"^(?:[\w .,:/_\-+=@!?'()]|<br>|#\d+;)*$")


def diagram_of(review: str) -> str:
    found = re.search(r"^```mermaid\n(.*?)^```$", review, re.MULTILINE | re.DOTALL)
    assert found, f"no diagram in:\n{review}"
    return found.group(1)


def drawn(review: str) -> tuple[dict[str, tuple[str, str]], set[tuple[str, str, str]]]:
    """The diagram's nodes ({id: (label as plain lines joined by " / ", style)}) and edges
    ({(parent label, arrow, child label)}); every line of it is a node, an edge or a classDef."""
    nodes, edges = {}, []
    lines = diagram_of(review).splitlines()
    assert lines[0] == "flowchart LR"
    for line in lines[1:]:
        if node := NODE.match(line):
            assert SAFE_LABEL.match(node["label"]), node["label"]
            nodes[node["id"]] = (_plain(node["label"]), node["style"])
        elif edge := EDGE.match(line):
            edges.append((edge["parent"], edge["arrow"], edge["child"]))
        else:
            assert line.startswith("  classDef "), line
    return nodes, {(nodes[p][0], arrow.split("|")[0], nodes[c][0]) for p, arrow, c in edges}


def _plain(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), label).replace("<br>", " / ")
