"""What a MiniLM-L6 cross-encoder (the size of cross-encoder/ms-marco-MiniLM-L-6-v2) would cost as the
second stage on these 2 cores: a randomly initialised checkpoint of that shape (speed does not depend
on the weights), exported to ONNX like a hub one, scoring the 100 candidates of hm-attr queries.

    python benchmarks/cross_encoder_speed.py --index benchmarks/out/hm-index [--queries 50]

Needs the [hub] extra. Writes the `cross-encoder-speed` section of benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from common import git_commit, machine, percentiles, write_section
from modasearch.search.cross_encoder import CrossEncoderRanker
from modasearch.search.engine import Engine

QUERIES = Path("benchmarks/out/eval/hm-attr/benchmark/queries.jsonl")


def minilm_shaped_checkpoint(folder: Path) -> Path:
    import transformers
    from tokenizers import Tokenizer

    from modasearch.models.builtin import asset_dir

    config = transformers.BertConfig(
        vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536
    )
    config.num_labels = 1
    transformers.BertForSequenceClassification(config).eval().save_pretrained(folder)
    Tokenizer.from_file(str(asset_dir("minilm-l6-v2-int8") / "tokenizer.json")).save(
        str(folder / "tokenizer.json")
    )
    transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(folder / "tokenizer.json"),
        unk_token="[UNK]",
        pad_token="[PAD]",
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    ).save_pretrained(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/hm-index"))
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in QUERIES.read_text().splitlines()[: args.queries]]
    with tempfile.TemporaryDirectory() as tmp:
        source = minilm_shaped_checkpoint(Path(tmp) / "checkpoint")
        ranker = CrossEncoderRanker.load(str(source))
        with Engine.open(args.index) as engine:
            engine._rankers()[str(source)] = ranker
            spent, linear = [], []
            for text in texts:
                for store, rerank in ((linear, "fashion-rank"), (spent, str(source))):
                    start = time.perf_counter()
                    engine.search(text, k=10, understand="category", rerank=rerank)
                    store.append((time.perf_counter() - start) * 1000)
    (p50, p95), (l50, l95) = percentiles(spent), percentiles(linear)
    body = "\n".join(
        [
            "## Cross-encoder cost (MiniLM-L6 shape, random weights, 100 candidates)",
            "",
            "`python benchmarks/cross_encoder_speed.py --index benchmarks/out/hm-index`",
            "",
            f"{machine()}; commit {git_commit()}; {len(texts)} hm-attr queries, one at a time, full pipeline "
            "(understand=category), product texts truncated to 256 tokens with the query.",
            "",
            "| second stage | p50 ms | p95 ms |",
            "|---|---|---|",
            f"| fashion-rank (linear, shipped) | {l50:.1f} | {l95:.1f} |",
            f"| MiniLM-L6 cross-encoder over 100 candidates (ONNX) | {p50:.1f} | {p95:.1f} |",
        ]
    )
    print(body)
    write_section("cross-encoder-speed", body)


if __name__ == "__main__":
    main()
