"""Markdown pieces that hold any text safely: code spans and fenced blocks whose fence no
backtick inside can close, and table cells on one line."""

import re

_BACKTICKS = re.compile(r"`+")


def code(text: str) -> str:
    """`text` as a code span, whatever backticks it holds."""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def block(text: str) -> str:
    """`text` as a fenced code block."""
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def cell(markdown: str) -> str:
    """A table cell: one line, and a pipe does not end it (GFM reads `\\|` as `|`, in code spans too)."""
    return " ".join(markdown.split()).replace("|", "\\|")
