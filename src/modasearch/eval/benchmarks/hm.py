"""hm-attr: text queries over all H&M articles, made of real attribute combinations.

Three templates, each naming a product type (the noun a shopper types) plus modifiers:
  colour_type             "dark blue trousers"                  colour group + product type
  appearance_type_group   "stripe t-shirt menswear"             appearance + product type + index group
  department_type         "kids boy jersey fancy sweater"       department + product type

Graded relevance = how many of the query's attributes a product matches, counted only for products
of the query's product type:
  * all attributes match: grade 2 (two-attribute queries) or 3 (three-attribute queries);
  * three-attribute queries: the type and one of the two modifiers match: grade 2;
  * two-attribute queries: the modifier is "near": the same perceived master colour (Light Blue for
    Dark Blue), or another department of the same section: grade 1.
The labels come from H&M's metadata, not from people, and the H&M product text holds the same
metadata: keyword matching is favoured by construction. Each query also carries the filters a shop
front's facets would set (product type, and index group when the query names one).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modasearch.catalog.loaders.hm import load_hm
from modasearch.catalog.product import Catalog
from modasearch.eval.benchmarks.kagl import LABELS
from modasearch.eval.benchmarks.store import Benchmark, Filters, assign_splits, catalog_source
from modasearch.eval.data import Qrels, Queries

NEAR = {"colour_group": "perceived_colour_master", "department": "section"}
JUNK = ("unknown", "undefined", "other", "-1")
MIN_EXACT, MAX_EXACT, MAX_JUDGED = 3, 300, 3000


@dataclass(frozen=True)
class Template:
    name: str
    fields: tuple[str, ...]  # product_type first
    phrase: Callable[[dict[str, str]], str]


TEMPLATES = (
    Template(
        "colour_type", ("product_type", "colour_group"), lambda a: f"{a['colour_group']} {a['product_type']}"
    ),
    Template(
        "appearance_type_group",
        ("product_type", "graphical_appearance", "index_group"),
        lambda a: f"{a['graphical_appearance']} {a['product_type']} {a['index_group']}",
    ),
    Template(
        "department_type", ("product_type", "department"), lambda a: f"{a['department']} {a['product_type']}"
    ),
)


def _usable(template: Template, values: dict[str, str]) -> bool:
    if any(not v or v.strip().lower().startswith(JUNK) for v in values.values()):
        return False
    if template.name == "department_type":  # "Trouser" department + "Trousers": says nothing new
        kind = values["product_type"].lower().rstrip("s")
        return kind not in values["department"].lower()
    return True


def grade(template: Template, query: dict[str, str], attributes: dict[str, Any]) -> int:
    """0 = not relevant; see the module docstring for the scale."""
    if attributes.get("product_type") != query["product_type"]:
        return 0
    modifiers = template.fields[1:]
    exact = sum(attributes.get(f) == query[f] for f in modifiers)
    if exact == len(modifiers):
        return 1 + exact
    if len(modifiers) >= 2:
        return 1 + exact if exact == len(modifiers) - 1 else 0
    near = NEAR.get(modifiers[0])
    return 1 if near and attributes.get(near) == query[f"near:{near}"] else 0


def _candidates(catalog: Catalog, template: Template) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    combos: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for product in catalog.products:
        key = tuple(str(product.attributes.get(f, "")) for f in template.fields)
        combos[key].append(product.attributes)
    return {
        k: members
        for k, members in combos.items()
        if MIN_EXACT <= len(members) <= MAX_EXACT
        and _usable(template, dict(zip(template.fields, k, strict=True)))
    }


def _query(template: Template, key: tuple[str, ...], members: list[dict[str, Any]]) -> dict[str, str]:
    query = dict(zip(template.fields, key, strict=True))
    for field in template.fields[1:]:
        if field in NEAR:  # the near value every exact match shares (H&M maps each group to one master)
            query[f"near:{NEAR[field]}"] = str(members[0].get(NEAR[field], ""))
    return query


def build_hm_attr(data_dir: Path, per_template: int = 1500, seed: int = 0) -> Benchmark:
    path = data_dir / "hm" / "articles.parquet"
    catalog, _ = load_hm(path)
    by_type: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for product in catalog.products:
        by_type[str(product.attributes.get("product_type", ""))].append((product.id, product.attributes))
    rng = random.Random(seed)
    queries: Queries = {}
    qrels: Qrels = {}
    filters: dict[str, Filters] = {}
    templates: dict[str, int] = {}
    seen: set[str] = set()
    for template in TEMPLATES:
        candidates = _candidates(catalog, template)
        keys = sorted(candidates)
        rng.shuffle(keys)
        taken = 0
        for key in keys:
            if taken == per_template:
                break
            query = _query(template, key, candidates[key])
            text = " ".join(template.phrase(query).lower().split())
            judged = {
                pid: g
                for pid, attrs in by_type[query["product_type"]]
                if (g := grade(template, query, attrs))
            }
            if text in seen or len(judged) > MAX_JUDGED:
                continue
            qid = f"{template.name}:{'_'.join(text.split())}"
            queries[qid], qrels[qid] = text, judged
            seen.add(text)
            filters[qid] = {f: query[f] for f in ("product_type", "index_group") if f in query}
            taken += 1
        templates[template.name] = taken
    meta = {
        "version": 1,
        "seed": seed,
        "labels": LABELS,
        "grades": __doc__.split("Graded relevance")[1].split("The labels")[0].strip() if __doc__ else "",
        "templates": templates,
        "catalog": catalog_source(path, "hm"),
        "catalog_fingerprint": catalog.fingerprint(),
        "products": len(catalog),
        "metrics": ["ndcg@10", "mrr@10", "precision@10", "recall@100", "map@100"],
        "main_metric": "ndcg@10",
    }
    splits = assign_splits(list(queries), {"tune": 0.3, "test": 0.7}, seed)
    return Benchmark("hm-attr", queries, qrels, meta, splits, filters)
