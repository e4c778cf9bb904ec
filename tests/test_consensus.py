"""Neighbour consensus (search/consensus.py) against hand-computed votes."""

from __future__ import annotations

import math

import pytest

from modasearch.index.types import Hit
from modasearch.search.consensus import consensus_bonus


def _hit(pid: str, score: float, **attributes: object) -> Hit:
    return Hit(pid, score, {"attributes": attributes})


CANDIDATES = [
    _hit("a", 1.00, articleType="Tshirts", baseColour="Red"),
    _hit("b", 0.95, articleType="Tshirts", baseColour="Blue"),
    _hit("c", 0.90, articleType="Shirts", baseColour="Red "),  # stray space: the same value
    _hit("d", 0.50, articleType="Shirts", baseColour=""),  # an empty value wins nothing
    _hit("e", 0.40, articleType="Jeans", year=2012.0),  # not a string: no vote
]


def test_votes_by_hand() -> None:
    # neighbours a, b, c vote with weights e^0, e^-1, e^-2 (temperature 0.05, scores 0.05 apart)
    total = 1 + math.exp(-1) + math.exp(-2)
    tshirts, shirts = (1 + math.exp(-1)) / total, math.exp(-2) / total
    red, blue = (1 + math.exp(-2)) / total, math.exp(-1) / total
    bonus = consensus_bonus(CANDIDATES, ("articleType", "baseColour", "year"), neighbours=3, temperature=0.05)
    expected = [tshirts + red, tshirts + blue, shirts + red, shirts, 0.0]
    assert bonus == pytest.approx(expected, abs=1e-12)
    assert bonus == pytest.approx([1.665241, 1.154698, 0.845302, 0.090031, 0.0], abs=1e-6)


def test_every_candidate_votes_when_there_are_fewer_than_the_neighbours() -> None:
    bonus = consensus_bonus(CANDIDATES[:2], ("articleType",))
    assert bonus == pytest.approx([1.0, 1.0])  # both Tshirts: the whole vote
    assert consensus_bonus([], ("articleType",)) == []
    assert consensus_bonus(CANDIDATES, ()) == [0.0] * 5


def test_the_query_products_own_values_take_their_share_of_the_vote() -> None:
    # similar items of a blue shirt: its own values take half the vote, neighbours a, b, c the rest
    total = 1 + math.exp(-1) + math.exp(-2)
    tshirts, shirts = (1 + math.exp(-1)) / total, math.exp(-2) / total
    red, blue = (1 + math.exp(-2)) / total, math.exp(-1) / total
    own = {"articleType": "Shirts ", "baseColour": "Blue", "year": 2012.0}  # a number: no own vote
    bonus = consensus_bonus(CANDIDATES, ("articleType", "baseColour", "year"), neighbours=3, own=own)
    expected = [
        (tshirts + red) / 2,
        tshirts / 2 + 0.5 + blue / 2,
        0.5 + shirts / 2 + red / 2,
        0.5 + shirts / 2,
        0.0,
    ]
    assert bonus == pytest.approx(expected, abs=1e-12)
    assert bonus == pytest.approx([0.832620, 1.077349, 0.922651, 0.545015, 0.0], abs=1e-6)
    # without a value of its own in a field, the neighbours keep that field's whole vote
    assert consensus_bonus(CANDIDATES, ("articleType",), neighbours=3, own={"baseColour": "Blue"}) == (
        pytest.approx(consensus_bonus(CANDIDATES, ("articleType",), neighbours=3))
    )
