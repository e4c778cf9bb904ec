"""Shoppers' words for clothes and the words catalogs use for the same things.

General fashion vocabulary (British, American and Indian English), written from domain knowledge
before any judged shopper query set existed, and not edited to fit one: a shop's own catalog
decides which of these words exist (an expansion into a word the catalog never uses does nothing).

EQUIVALENT: each group names one thing; any member may stand for any other.
NARROWER: a shopper's word -> the catalog words for what it usually means (one way: "sneakers"
are casual or sports shoes, but not every sports shoe is a sneaker to every shopper).
"""

from __future__ import annotations

EQUIVALENT: tuple[tuple[str, ...], ...] = (
    ("t-shirt", "tee", "tshirt", "t shirt"),
    ("sweater", "jumper", "pullover"),
    ("hoodie", "hoody", "hooded sweatshirt", "hooded top"),
    ("trousers", "pants"),
    ("sneakers", "trainers"),
    ("sunglasses", "sunnies", "shades"),
    ("jeans", "denims"),
    ("joggers", "sweatpants", "track pants", "trackpants", "trackies", "jogging bottoms"),
    ("tracksuit", "track suit"),
    ("sliders", "slides"),
    ("dungarees", "overalls"),
    ("romper", "playsuit"),
    ("cardigan", "cardi"),
    ("camisole", "cami"),
    ("vest top", "tank top", "tank", "singlet"),
    ("swimsuit", "swimming costume", "bathing suit"),
    ("rucksack", "backpack"),
    ("briefs", "knickers", "panties"),
    ("boxers", "boxer shorts", "trunks"),
    ("spectacles", "glasses", "specs", "eyeglasses", "spectacle frames"),
    ("wristwatch", "watch"),
    ("scarf", "stole"),
    ("puffer jacket", "padded jacket", "quilted jacket"),
    ("parka", "anorak"),
    ("perfume", "fragrance"),
    ("pyjamas", "pajamas", "nightwear", "sleepwear", "night suit", "nightsuit"),
    ("ballet flats", "ballerinas", "ballerina shoes"),
    ("loafers", "moccasins"),
    ("tights", "pantyhose"),
    ("flip flops", "flip-flops"),
    ("kurta", "kurti"),
    ("bodysuit", "onesie"),
    ("dressing gown", "bathrobe", "robe"),
    ("gilet", "body warmer", "bodywarmer"),
)

NARROWER: dict[str, tuple[str, ...]] = {
    "sneakers": ("casual shoes", "sports shoes", "canvas shoes"),
    "trainers": ("sports shoes", "running shoes"),
    "frock": ("dress",),
    "pumps": ("heels",),
    "stilettos": ("heels",),
    "purse": ("handbag", "wallet", "clutch"),
    "bralette": ("bra",),
    "lingerie": ("bra", "briefs"),
    "undies": ("underwear", "briefs"),
    "booties": ("ankle boots",),
    "blazer": ("jacket",),
    "puffer": ("padded jacket",),
    "beanie": ("hat",),
    "trackies": ("track pants",),
    "chinos": ("trousers",),
    "culottes": ("trousers",),
    "jeggings": ("leggings",),
    "shacket": ("shirt jacket",),
    "tunic": ("top",),
    "tote": ("handbag",),
    "navy": ("navy blue", "dark blue"),
    "burgundy": ("maroon", "dark red"),
    "wine": ("maroon",),
    "charcoal": ("dark grey",),
    "nude": ("beige",),
    "ivory": ("off white", "cream"),
}


def expansions(phrase: str) -> tuple[str, ...]:
    """Other words for `phrase` (lower case), nearest first: its equivalents, then narrower words."""
    found: list[str] = []
    for group in EQUIVALENT:
        if phrase in group:
            found.extend(p for p in group if p != phrase)
    found.extend(NARROWER.get(phrase, ()))
    return tuple(dict.fromkeys(found))
