"""Query understanding against a small hand-made vocabulary, with hand-checked parses."""

from __future__ import annotations

import pytest

from modasearch.search.spelling import allowed_typos
from modasearch.search.understand import QueryParser, singular

VOCAB = {
    "product_type": ["Trousers", "Dress", "T-shirt", "Underwear Tights", "Sweater", "Jacket"],
    "colour_group": ["Black", "Dark Blue", "Light Pink", "Red"],
    "index_group": ["Ladieswear", "Menswear", "Baby/Children"],
    "section": ["Men Underwear"],
    "graphical_appearance": ["Stripe", "Solid"],
}
FIELDS = ["product_type", "colour_group", "graphical_appearance", "index_group", "section"]


def parse(query: str, known: set[str] = frozenset()):  # type: ignore[no-untyped-def]
    # no English dictionary here: these parses test the catalog's own words
    parser = QueryParser(VOCAB, FIELDS, lexicon=dict.fromkeys(known, 10), english={})
    result = parser.parse(query)
    return [(m.field, m.value, m.typos) for m in result.mentions], list(result.rest), result


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("dresses", "dress"),
        ("trousers", "trouser"),
        ("accessories", "accessory"),
        ("dress", "dress"),
        ("jeans", "jean"),
        ("bus", "bus"),
        ("tights", "tight"),
        ("boxes", "box"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_typo_budget_follows_word_length() -> None:
    assert [allowed_typos("x" * n) for n in (2, 3, 4, 7, 8, 12)] == [0, 1, 1, 1, 2, 2]


def test_longest_phrases_plurals_and_rest() -> None:
    mentions, rest, _ = parse("solid underwear tights for ladieswear")
    assert mentions == [
        ("graphical_appearance", "Solid", 0),
        ("product_type", "Underwear Tights", 0),
        ("index_group", "Ladieswear", 0),
    ]
    assert rest == ["for"]
    assert parse("Dark blue DRESSES")[0] == [("colour_group", "Dark Blue", 0), ("product_type", "Dress", 0)]


def test_synonyms_only_where_the_catalog_names_nothing() -> None:
    assert parse("navy pants men")[0] == [
        ("colour_group", "Dark Blue", 0),
        ("product_type", "Trousers", 0),
        ("index_group", "Menswear", 0),
    ]
    assert parse("men underwear")[0] == [("section", "Men Underwear", 0)]  # the catalog's phrase wins


def test_typos_are_corrected_but_real_words_are_not() -> None:
    mentions, _, result = parse("blakk jackett")  # one edit each
    assert mentions == [("colour_group", "Black", 1), ("product_type", "Jacket", 1)]
    assert result.corrected == "black jacket"
    assert parse("sweatre")[0] == [("product_type", "Sweater", 1)]  # a transposition is one edit
    assert parse("red")[0] == [("colour_group", "Red", 0)]
    assert parse("rad dress")[0] == [("product_type", "Dress", 0)]  # 3 letters: only a lost letter
    assert parse("jacked", known={"jacked"})[0] == []  # the catalog holds "jacked": not a typo


def test_typos_in_context_plurals_and_short_words() -> None:
    vocab = {
        "graphical_appearance": ["All over pattern", "Other pattern", "Stripe"],
        "product_type": ["Socks", "Shorts", "Sweater"],
        "colour_group": ["Other", "Lower"],
    }
    counts = {"other": 900, "over": 50, "lower": 40, "sweter": 8, "sweater": 9000, "linen": 700}
    parser = QueryParser(vocab, list(vocab), lexicon=counts, english={})
    # "oter" is one edit from "over" and "other": "all _ pattern" is a catalog phrase with "over"
    assert parser.parse("all oter pattern").corrected == "all over pattern"
    assert parser.parse("oter").corrected == "other"  # no context: the more common word
    assert parser.parse("all ovr pattern").corrected == "all over pattern"  # a lost letter, 3 left
    assert parser.parse("soks").corrected == "socks"  # matched against the plural as typed
    assert parser.parse("sweter").corrected == "sweater"  # 8 texts hold it, the value 9,000
    assert parser.parse("linen").corrected == "linen"  # a real word, not a rare misspelling


def test_english_plurals_and_ties_between_equally_near_words() -> None:
    vocab = {"product_type": ["Jeans", "Henley", "Belt"], "colour_group": ["Brown"]}
    counts = {"jeans": 900, "henley": 238, "helny": 9, "brown": 700, "belt": 300, "born": 5000, "10000": 150}
    english = {"jena": 773_359, "jane": 20_400_852, "born": 90_000_000, "brown": 80_000_000}  # fmt: skip
    parser = QueryParser(vocab, list(vocab), lexicon=counts, english=english)
    assert parser.parse("jenas").corrected == "jeans"  # "jena" is a rare word: "jenas" is a typo
    assert parser.parse("mary janes").corrected == "mary janes"  # the plural of a common word
    assert parser.parse("bron belt").corrected == "brown belt"  # a colour, not "born"
    assert parser.parse("henly").corrected == "henley"  # common in the catalog beats swapped letters
    assert parser.parse("10001").corrected == "10001"  # numbers stand


def test_rare_english_words_one_edit_from_a_shoppers_word() -> None:
    vocab = {"product_type": ["Wallet", "Silk Scarf", "Fleece", "Jersey"], "colour_group": ["White"]}
    counts = {
        "wallet": 400,
        "scarf": 300,
        "silk": 200,
        "fleece": 150,
        "white": 900,
        "urban": 500,
        "jersey": 80,
    }
    english = {"willet": 93_490, "wallet": 9_000_000, "scurf": 13_478, "scarf": 3_000_000, "turban": 263_349,
               "urban": 30_000_000, "silks": 300_000, "silk": 9_000_000, "fleecy": 40_000,
               "fleece": 2_000_000, "whiter": 400_000, "white": 90_000_000}  # fmt: skip
    parser = QueryParser(vocab, list(vocab), lexicon=counts, english=english)
    assert parser.parse("willet").corrected == "wallet"
    assert parser.parse("scurf").corrected == "scarf"
    for word in ("turban", "silks", "fleecy", "whiter"):  # urban is no product; the others are stems
        assert parser.parse(word).corrected == word


def test_synonyms_inside_phrases_and_never_corrected() -> None:
    vocab = {"product_type": ["T-shirt", "Shirt"], "index_group": ["Baby/Children"]}
    parser = QueryParser(vocab, list(vocab), english={})
    assert [m.value for m in parser.parse("tshirt").mentions] == ["T-shirt"]  # not "shirt" with a typo
    assert [m.value for m in parser.parse("baby kid tee").mentions] == ["Baby/Children", "T-shirt"]


def test_filters_and_explain_output() -> None:
    _, _, result = parse("black or red dress")
    assert result.filters() == {"colour_group": ["Black", "Red"], "product_type": ["Dress"]}
    assert result.filters(["product_type"]) == {"product_type": ["Dress"]}
    shown = result.to_dict()
    assert shown["rest"] == ["or"] and shown["mentions"][0]["value"] == "Black"


def test_engine_understanding_on_the_demo_index(demo_engine) -> None:  # type: ignore[no-untyped-def]
    results = demo_engine.search("blak dreses for women", k=3, understand="filter", explain=True)
    assert results.parse["corrected"] == "black dress for women"
    assert [m["value"] for m in results.parse["mentions"]] == ["Black", "Dresses", "Women"]
    assert results.ids() == ["10360"]  # the one black women's dress of the demo catalog
    category = demo_engine.search("blak dreses", k=5, understand="category", spelling=True, rerank="prior")
    assert {demo_engine.get(i).attributes["articleType"] for i in category.ids()} == {"Dresses"}
    assert demo_engine.get(category.ids()[0]).attributes["baseColour"] == "Black"
    with pytest.raises(ValueError, match=r"unknown understanding\.mode 'magic'"):
        demo_engine.search("dress", understand="magic")
    with pytest.raises(ValueError, match="no ranker"):
        demo_engine.search("dress", rerank="no-such-ranker")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sneakers", "sneakers"),  # English, though the demo catalog never says it: not "sweater"
        ("hoodie", "hoodie"),
        ("crocs", "crocs"),  # a shopper's word from the vocabulary table
        ("shoes for men", "shoes for men"),  # "for" is English, whatever a brand is called
        ("snekers", "sneakers"),  # a typo of an English word the catalog lacks
        ("blak shirt", "black shirt"),
        ("addidas shoes", "adidas shoes"),  # a brand the catalog's titles hold
        ("jeens", "jeans"),
    ],
)
def test_spelling_knows_english_and_the_catalog(demo_engine, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert demo_engine.state.parser.parse(query).corrected == expected
