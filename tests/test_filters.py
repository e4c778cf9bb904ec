from __future__ import annotations

import pytest

from modasearch.index.types import Condition
from modasearch.search.filters import FilterError, parse_filter_args, to_conditions

FIELDS = {"colour": "keyword", "year": "float", "price": "float", "group_id": "keyword"}
VOCAB = {"colour": ["Black", "Navy Blue"]}


def test_conditions() -> None:
    conditions = to_conditions(
        {"colour": "black", "year": {"gte": 2012}, "price": 10, "group_id": ["a", "b"]}, FIELDS, VOCAB
    )
    assert conditions == (
        Condition("attributes.colour", equals="Black"),
        Condition("attributes.year", gte=2012.0),
        Condition("price", gte=10.0, lte=10.0),
        Condition("group_id", any_of=("a", "b")),
    )


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"material": "wool"}, "unknown filter field 'material'; this index can filter on: colour, group_id"),
        ({"colour": {"gte": 1}}, "text field"),
        ({"year": {"from": 1}}, "a range takes"),
        ({"year": "new"}, "not a number"),
        ({"colour": []}, "empty"),
    ],
)
def test_bad_filters(filters: dict, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        to_conditions(filters, FIELDS, VOCAB)


def test_command_line_filters() -> None:
    assert parse_filter_args(["colour=Black", "type=Jeans,Shorts", "price=10..50", "year=2012.."]) == {
        "colour": "Black",
        "type": ["Jeans", "Shorts"],
        "price": {"gte": 10.0, "lte": 50.0},  # range bounds are numbers
        "year": {"gte": 2012.0},
    }
    with pytest.raises(FilterError):
        parse_filter_args(["colour"])
