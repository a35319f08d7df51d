"""Reading a review (`python -m review`, scripts/preview-review) back: its first line, and its
tables as rows by group and id."""

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
