"""Check a judged query set against its catalog: how many products each grade's rule matches, and a
sample of them, so rules can be reviewed against the catalog (never against a ranking's output).

python benchmarks/judged/check.py benchmarks/judged/kaggle/queries.jsonl ../shared/data/kaggle-fashion
python benchmarks/judged/check.py QUERIES CATALOG --qid kagl-001 --show 20
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

from modasearch.catalog import load_catalog
from modasearch.eval.judged import catalog_table, grades, read_judged, split_of


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("queries")
    parser.add_argument("catalog")
    parser.add_argument("--qid", action="append", default=[], help="only these queries (repeatable)")
    parser.add_argument("--show", type=int, default=3, help="sample products shown per grade")
    args = parser.parse_args()
    queries = read_judged(args.queries)
    catalog, _ = load_catalog(args.catalog)
    table = catalog_table(catalog)
    titles = dict(zip(table["id"], table["title"], strict=True))
    families = Counter(q.family for q in queries)
    splits = Counter(split_of(q) for q in queries)
    print(f"{len(queries)} queries; families {dict(families)}; splits {dict(splits)}")
    rng = random.Random(0)
    empty = []
    for q in queries:
        if args.qid and q.qid not in args.qid:
            continue
        graded = grades(q, table)
        by = Counter(graded.values())
        if not by[2]:
            empty.append(q.qid)
        print(f"\n{q.qid} [{q.family}] {q.query!r}: grade 2 {by[2]}, grade 1 {by[1]}")
        for grade in (2, 1):
            ids = sorted(p for p, g in graded.items() if g == grade)
            for pid in rng.sample(ids, min(args.show, len(ids))):
                print(f"   {grade} {pid} {titles[pid]}")
    if empty:
        print(f"\nqueries with no grade-2 product: {empty}")


if __name__ == "__main__":
    main()
