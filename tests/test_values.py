"""One rule for numbers everywhere (govsim.values) and the typed-key reader, as properties."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.sweep.factors import Factor
from govsim.values import TomlTable, number, whole

INTS = st.integers(-(2**62), 2**62)


@given(INTS, st.sampled_from([int, np.int8, np.int64, np.uint16, float, np.float64]))
def test_whole_numbers_of_any_numeric_type_are_ints(value, kind):
    try:
        given_value = kind(value)
    except OverflowError:
        return
    if kind in (float, np.float64) and int(given_value) != value:  # not representable exactly
        return
    if int(given_value) != value:  # numpy wrapped it (e.g. int8)
        value = int(given_value)
    result = whole(given_value, "x")
    assert result == value and type(result) is int


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not float(v).is_integer()))
def test_non_whole_floats_are_refused(value):
    with pytest.raises(ValueError, match=r"^x=.* is not a whole number"):
        whole(value, "x")


@pytest.mark.parametrize("bad", [True, False, np.bool_(True), "3", b"3", None, [3], 3j])
def test_booleans_text_and_containers_are_never_numbers(bad):
    with pytest.raises(ValueError, match="is not a"):
        whole(bad, "x")
    with pytest.raises(ValueError, match="is not a"):
        number(bad, "x")


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(-1e6, 1e6), st.floats(0, 1e6))
def test_numbers_are_finite_and_within_bounds_or_refused(value, low, width):
    high = low + width
    if low <= value <= high:
        assert number(value, "x", low, high) == value
    else:
        with pytest.raises(ValueError, match=r"is out of range \(allowed: a number in \["):
            number(value, "x", low, high)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="is not a finite number"):
        number(bad, "x")


@given(st.integers(0, 40), st.integers(1, 9))
def test_a_whole_number_factor_gives_each_value_an_equal_share_of_the_unit_interval(low, extra):
    """Cutting [0, 1) into n = high - low + 1 equal pieces gives the n values in order."""
    high = min(low + extra, 50)
    factor = Factor("meetings", low=low, high=high)
    n = high - low + 1
    for i in range(n):
        assert factor.from_unit((i + 0.5) / n) == low + i
        assert factor.from_unit(i / n + 1e-9) == low + i
    assert factor.from_unit(1.0) == high


def test_table_errors_name_the_key_path():
    table = TomlTable.of({"a": {"b": [1, "x"]}}, "file.toml")
    inner = table.table("a")
    assert inner.where == "file.toml.a"
    with pytest.raises(ValueError, match=r"file.toml.a.b=\[1, 'x'\] holds 'x'"):
        inner.numbers("b", 2)
    with pytest.raises(ValueError, match=r"unknown key in \[file.toml\]: 'a'"):
        table.keys(["z"])
    with pytest.raises(ValueError, match=r"file\.toml\.c is missing"):
        table.text("c")


def test_json_files_are_utf8_with_or_without_a_byte_order_mark(tmp_path):
    from govsim.reading import FileError, read_json

    path = tmp_path / "room.json"
    path.write_bytes(b"\xef\xbb\xbf" + '{"team": "Soci\u00e9t\u00e9 civile"}'.encode())
    assert read_json(path) == {"team": "Soci\u00e9t\u00e9 civile"}
    path.write_bytes('{"team": "Soci\u00e9t\u00e9"}'.encode("latin-1"))
    with pytest.raises(FileError, match=r"room.json: not UTF-8 text \(byte 14, line 1: b'\\xe9'\)"):
        read_json(path)


def test_csv_files_are_utf8_and_checked_row_by_row(tmp_path):
    from govsim.reading import FileError, read_csv

    path = tmp_path / "actors.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + "name,group\nSoci\u00e9t\u00e9,civil_society\n\nITU,government\n".encode()
    )
    assert read_csv(path) == [
        {"name": "Soci\u00e9t\u00e9", "group": "civil_society"},
        {"name": "ITU", "group": "government"},
    ]
    for text, message in [
        ("", "no header row"),
        ("name,name\nx,y\n", "column 'name' appears twice"),
        ("name,group\nx\n", "line 2 has 1 cells, the header 2"),
        ('name,group\n"x,y\n', "not valid CSV"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FileError, match=message):
            read_csv(path)


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        ("Group", " Civil_Society ", "civil_society"),
        ("Move", "CONCEDE", "concede"),
        ("Fallback", "status_quo", "status_quo"),
    ],
)
def test_one_parser_for_every_named_option(kind, given, expected):
    """Groups, moves and fallbacks are parsed by one rule (values.member): any case, spaces
    trimmed, the member itself accepted; anything else one line listing what is allowed."""
    from govsim.groups import Group
    from govsim.roleplay.plan import Fallback
    from govsim.roleplay.session import Move

    cls = {"Group": Group, "Move": Move, "Fallback": Fallback}[kind]
    parsed = cls.parse(given)
    assert parsed.value == expected and cls.parse(parsed) is parsed
    with pytest.raises(ValueError, match=r"\(allowed: .*, .*\)$") as info:
        cls.parse("no such option")
    assert "\n" not in str(info.value)
