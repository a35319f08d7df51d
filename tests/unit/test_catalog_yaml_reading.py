"""How a catalog file is read: each value's line kept for error messages, keys given twice found,
and what a reviewer cannot read as written (too large, not UTF-8, anchors, deep nesting) refused."""

from pathlib import Path

import pytest
import yaml

from catalog import yaml_lines
from catalog.yaml_lines import MAX_BYTES, MAX_DEPTH, YamlSyntaxError, line_of, load_with_lines


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "dev.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def refusal(tmp_path: Path, text: str | bytes) -> tuple[int, str]:
    with pytest.raises(YamlSyntaxError) as caught:
        load_with_lines(write(tmp_path, text))
    assert str(caught.value) == f"line {caught.value.line}: {caught.value.reason}"
    return caught.value.line, caught.value.reason


def test_every_value_and_key_has_its_line(tmp_path):
    loaded = load_with_lines(
        write(tmp_path, "# comment\nvoices:\n  - id: a\n\n    audios:\n      - x\n      - y\nn: 1\n")
    )
    assert loaded.data == {"voices": [{"id": "a", "audios": ["x", "y"]}], "n": 1}
    assert loaded.lines == {
        (): 2,
        ("voices",): 2,
        ("voices", 0): 3,
        ("voices", 0, "id"): 3,
        ("voices", 0, "audios"): 5,
        ("voices", 0, "audios", 0): 6,
        ("voices", 0, "audios", 1): 7,
        ("n",): 8,
    }
    assert loaded.duplicate_keys == []


def test_a_key_is_on_its_own_line_when_its_value_is_on_the_next(tmp_path):
    loaded = load_with_lines(write(tmp_path, "voices:\n\n  [a]\nname:\n  x\n"))
    assert (loaded.lines[("voices",)], loaded.lines[("voices", 0)], loaded.lines[("name",)]) == (1, 3, 4)


def test_keys_given_twice_at_any_depth(tmp_path):
    loaded = load_with_lines(write(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\n  c: 3\na: 2\n"))
    assert loaded.duplicate_keys == [("b", "c"), ("b", "c"), ("a",)]
    assert loaded.data == {"a": 2, "b": {"c": 3}}
    assert loaded.lines[("b", "c")] == 5


def test_keys_are_recorded_as_the_data_has_them(tmp_path):
    loaded = load_with_lines(write(tmp_path, "? \n: 1\ntrue: 2\n3: 3\n'3': 4\n"))
    assert loaded.data == {None: 1, True: 2, 3: 3, "3": 4}
    assert loaded.lines == {(): 1, (None,): 1, (True,): 3, (3,): 4, ("3",): 5}
    assert loaded.duplicate_keys == []


def test_dates_are_text_but_numbers_flags_and_nulls_are_not(tmp_path):
    loaded = load_with_lines(
        write(tmp_path, "apiVersion: 2026-01-01\nn: 3\nf: true\nz: null\nt: 2026-01-01T10:00:00Z\n")
    )
    assert loaded.data == {"apiVersion": "2026-01-01", "n": 3, "f": True, "z": None, "t": "2026-01-01T10:00:00Z"}


def test_an_empty_file_is_no_data(tmp_path):
    loaded = load_with_lines(write(tmp_path, "# nothing\n"))
    assert (loaded.data, loaded.lines, loaded.duplicate_keys) == (None, {}, [])


def test_a_file_of_the_largest_size_is_read(tmp_path):
    text = "a: 1\n" + "#" * (MAX_BYTES - 6) + "\n"
    assert len(text.encode()) == MAX_BYTES
    assert load_with_lines(write(tmp_path, text)).data == {"a": 1}


def test_a_larger_file_is_refused_before_it_is_read(tmp_path):
    text = "a: 1\n" + "#" * (MAX_BYTES - 5) + "\n"
    assert refusal(tmp_path, text) == (1, f"{MAX_BYTES + 1} bytes: a catalog is at most 1024 KiB")


def test_a_file_that_is_not_utf8_names_the_line_and_byte(tmp_path):
    assert refusal(tmp_path, b"a: 1\nb: 2\nc: caf\xe9\n") == (
        3,
        "not UTF-8 text (byte 0xe9); save the file as UTF-8",
    )
    assert refusal(tmp_path, b"\x0a\x00\xff") == (2, "not UTF-8 text (byte 0xff); save the file as UTF-8")


@pytest.mark.parametrize(
    "text, line",
    [
        ("a: 1\nb: &x 2\nc: 3\n", 2),
        ("a: 1\nb: &x [1]\n", 2),
        ("a:\n  - &x {k: 1}\n", 2),
        ("a: 1\n\nc: *x\n", 3),
    ],
)
def test_anchors_and_aliases_are_refused_on_their_line(tmp_path, text, line):
    assert refusal(tmp_path, text) == (
        line,
        "anchors and aliases (& and *) are not allowed: a catalog is data a reviewer reads as written",
    )


def test_nesting_to_the_limit_is_read(tmp_path):
    text = (
        "a:\n" + "".join("  " * level + "- \n" for level in range(1, MAX_DEPTH - 1)) + "  " * (MAX_DEPTH - 1) + "- x\n"
    )
    loaded = load_with_lines(write(tmp_path, text))
    value = loaded.data["a"]
    for _ in range(MAX_DEPTH - 2):
        value = value[0]
    assert value == ["x"]


def test_nesting_deeper_than_the_limit_is_refused_where_it_goes_too_deep(tmp_path):
    text = "a:\n" + "".join("  " * level + "- \n" for level in range(1, MAX_DEPTH)) + "  " * MAX_DEPTH + "- x\n"
    assert refusal(tmp_path, text) == (MAX_DEPTH + 1, "nested deeper than 16 levels")


def test_closed_collections_do_not_count_towards_the_depth(tmp_path):
    text = "".join(f"k{index}: [[1], {{a: [2]}}]\n" for index in range(MAX_DEPTH * 2))
    assert len(load_with_lines(write(tmp_path, text)).data) == MAX_DEPTH * 2


def test_a_syntax_error_names_the_line_of_the_problem(tmp_path):
    line, reason = refusal(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    assert (line, reason) == (3, "did not find expected ',' or ']'")
    assert refusal(tmp_path, "a: 1\n  b: 2\n") == (2, "mapping values are not allowed in this context")


def test_two_documents_are_refused(tmp_path):
    assert refusal(tmp_path, "a: 1\n---\nb: 2\n") == (2, "but found another document")


def test_a_control_character_is_named_with_its_code(tmp_path):
    assert refusal(tmp_path, "a: 1\nb: 2\nc: x\x07y\n") == (3, "character U+0007 is not allowed in YAML; remove it")


def test_line_of_a_missing_path_is_its_nearest_parents():
    lines = {(): 1, ("voices",): 4, ("voices", 0): 5}
    assert line_of(lines, ("voices", 0, "audios", "prefix")) == 5
    assert line_of(lines, ("voices",)) == 4
    assert line_of(lines, ("storage", "container")) == 1
    assert line_of({}, ("storage", "container")) == 1
    assert line_of({("voices",): 4}, ()) == 1


class _PurePythonLoader(yaml.SafeLoader):
    """What PyYAML uses where it was built without libyaml."""


_PurePythonLoader.yaml_implicit_resolvers = yaml_lines._CatalogLoader.yaml_implicit_resolvers


def test_without_libyaml_a_control_character_is_named_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_lines, "_CatalogLoader", _PurePythonLoader)
    assert refusal(tmp_path, "a: 1\nb: 2\nc: x\x07y\n") == (3, "character U+0007 is not allowed in YAML; remove it")
    assert load_with_lines(write(tmp_path, "a: 2026-01-01\nb:\n  - x\n")).lines == {
        (): 1,
        ("a",): 1,
        ("b",): 2,
        ("b", 0): 3,
    }


def test_a_control_character_after_a_leading_blank_line(tmp_path):
    assert refusal(tmp_path, "\na: 1\nb: x\x07y\n") == (3, "character U+0007 is not allowed in YAML; remove it")


def test_nesting_is_counted_from_where_a_closed_collection_left_off(tmp_path):
    """Depth 3 opened and closed ([1]), then 15 more levels from depth 2: 17 in all."""
    deeper = "".join("  " * level + "- \n" for level in range(2, MAX_DEPTH)) + "  " * MAX_DEPTH + "- x\n"
    text = "a:\n  s: [1]\n  d:\n" + deeper
    assert refusal(tmp_path, text) == (MAX_DEPTH + 2, "nested deeper than 16 levels")
    shallower = "".join("  " * level + "- \n" for level in range(2, MAX_DEPTH - 1)) + "  " * (MAX_DEPTH - 1) + "- x\n"
    assert load_with_lines(write(tmp_path, "a:\n  s: [1]\n  d:\n" + shallower)).data["a"]["s"] == [1]
