"""`modasearch` command line: noun-verb commands over the Python API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from modasearch.cli import eval_recommend
from modasearch.cli.display import console, print_photo_issues, print_report, progress_bar, results_table
from modasearch.cli.errors import friendly
from modasearch.cli.evaluate import eval_app
from modasearch.cli.models import models_app
from modasearch.cli.products import products_app
from modasearch.cli.recommend import recommend_app
from modasearch.cli.train import train_app
from modasearch.models.visual import DEFAULT_ALIGNER
from modasearch.search.engine import MODES, Engine, EngineConfig
from modasearch.search.filters import FilterError, parse_filter_args
from modasearch.search.request import DEFAULT_PRESET, PRESETS, from_flat
from modasearch.search.results import results_json

if TYPE_CHECKING:
    from modasearch.catalog.mapping import FieldMapping

app = typer.Typer(
    help="Offline fashion search: build an index from a catalog, then search it.", no_args_is_help=True
)
app.add_typer(models_app, name="models")
eval_recommend.register(eval_app)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")
app.add_typer(products_app, name="products")
app.add_typer(recommend_app, name="recommend")


def _mapping(mapping_file: Path | None, fields: list[str]) -> FieldMapping | None:
    if mapping_file is None and not fields:
        return None
    from modasearch.catalog.mapping import FieldMapping

    base = FieldMapping.from_toml(mapping_file) if mapping_file else FieldMapping()
    return base.with_pairs(fields)


def _weights(spec: str | None) -> dict[str, float] | None:
    if not spec:
        return None
    weights = {}
    for part in spec.split(","):
        name, _, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise FilterError(
                f"--weights takes retriever=number pairs like bm25=1,dense=2; got {part!r}"
            ) from None
    return weights


@app.command("index")
@friendly
def index_command(
    catalog: Annotated[
        Path,
        typer.Argument(
            help="Catalog file or folder (H&M articles, Kaggle styles.csv folder, CSV/JSONL/Parquet)."
        ),
    ],
    index_dir: Annotated[Path, typer.Argument(help="Index directory to create or replace.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, hm, kaggle or generic.")] = "auto",
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="TOML file with a [fields] table: id, title, description, image, group_id, price, "
            "attributes."
        ),
    ] = None,
    field: Annotated[
        list[str],
        typer.Option("--field", "-f", help="Field mapping override, e.g. -f title=prod_name. Repeatable."),
    ] = [],  # noqa: B006
    dense_model: Annotated[
        str, typer.Option(help="Dense model: built-in name, ONNX folder, checkpoint path or hub id.")
    ] = "minilm-l6-v2-int8",
    sparse_model: Annotated[
        str, typer.Option(help="Learned-sparse (SPLADE) model, same forms as --dense-model.")
    ] = "splade-tiny",
    image_model: Annotated[
        str,
        typer.Option(
            help="Image model, used when products have photos: built-in aligner (fashion-align), a "
            "`train align` folder, or a CLIP/SigLIP hub id or checkpoint (e.g. patrickjohncyh/fashion-clip)."
        ),
    ] = DEFAULT_ALIGNER,
    no_image: Annotated[bool, typer.Option("--no-image", help="Leave photo search out.")] = False,
    no_dense: Annotated[bool, typer.Option("--no-dense", help="Leave the dense retriever out.")] = False,
    no_splade: Annotated[bool, typer.Option("--no-splade", help="Leave the SPLADE retriever out.")] = False,
    server: Annotated[
        str | None, typer.Option(help="Qdrant server URL (or :memory:) instead of the embedded engine.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Products encoded per batch.")] = 256,
    show_issues: Annotated[int, typer.Option(help="How many load problems to list.")] = 20,
) -> None:
    """Load a catalog and build a searchable index (atomically replacing any index at INDEX_DIR)."""
    from modasearch.catalog import load_catalog

    loaded, report = load_catalog(catalog, fmt, _mapping(mapping, field))  # type: ignore[arg-type]
    print_report(report, show_issues)
    config = EngineConfig(
        dense_model=None if no_dense else dense_model,
        sparse_model=None if no_splade else sparse_model,
        image_model=None if no_image else image_model,
        batch_size=batch_size,
    )
    with progress_bar(f"indexing {len(loaded)} products") as update:
        engine = Engine.build(loaded, index_dir, config, server=server, progress=update)
    stats = engine.build_stats
    assert stats is not None
    print_photo_issues(stats.photo_issues, show_issues)
    rate = stats.products / stats.seconds if stats.seconds else 0.0
    console.print(
        f"[green]indexed {stats.products} products into {index_dir} "
        f"in {stats.seconds:.1f} s ({rate:.0f}/s)[/]"
    )
    engine.close()


@app.command("search")
@friendly
def search_command(
    index_dir: Annotated[Path, typer.Argument(help="Index directory.")],
    query: Annotated[
        str | None, typer.Argument(help="What to search for (with --image: how to steer the photo).")
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help=f"A named pipeline: {', '.join(PRESETS)} (default {DEFAULT_PRESET}).")
    ] = None,
    mode: Annotated[str | None, typer.Option(help=f"One of {', '.join(MODES)}, or image.")] = None,
    k: Annotated[int, typer.Option("-k", "--limit", help="Results per page.")] = 10,
    offset: Annotated[int, typer.Option(help="Results to skip (pagination).")] = 0,
    filter_: Annotated[
        list[str], typer.Option("--filter", help="field=value, field=a,b or field=min..max. Repeatable.")
    ] = [],  # noqa: B006
    fusion: Annotated[
        str | None, typer.Option(help="Hybrid fusion: rrf or score (normalised weighted scores).")
    ] = None,
    weights: Annotated[
        str | None, typer.Option(help="Per-retriever weights, e.g. bm25=1,splade=0.5,dense=2.")
    ] = None,
    rrf_k: Annotated[int | None, typer.Option(help="RRF k.")] = None,
    candidates: Annotated[
        int | None, typer.Option(help="Results per retriever in the fused first tier.")
    ] = None,
    understand: Annotated[
        str | None, typer.Option(help="Query understanding: off, boost, category or filter.")
    ] = None,
    spelling: Annotated[
        bool | None, typer.Option("--spelling/--no-spelling", help="Correct misspelled words.")
    ] = None,
    synonyms: Annotated[
        float | None, typer.Option(help="Weight of shoppers' synonyms in keyword retrieval (0-1).")
    ] = None,
    rerank: Annotated[
        str | None,
        typer.Option(
            help="Second stage: none, fashion-rank, prior, a ranker folder, a cross-encoder folder or hub id."
        ),
    ] = None,
    collapse: Annotated[
        bool | None, typer.Option("--collapse/--no-collapse", help="Variants and duplicates once.")
    ] = None,
    sort_by: Annotated[
        str | None, typer.Option(help="price or a numeric attribute, among the relevant.")
    ] = None,
    descending: Annotated[bool, typer.Option(help="With --sort-by: largest first.")] = False,
    diversify: Annotated[float | None, typer.Option(help="MMR novelty weight (0-1).")] = None,
    explain: Annotated[bool, typer.Option(help="Show each retriever's score.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    image: Annotated[
        Path | None, typer.Option(help="Search by photo (JPEG, PNG or WebP); QUERY, if given, steers it.")
    ] = None,
    text_weight: Annotated[
        float | None, typer.Option(help="With --image and QUERY: how far the text steers.")
    ] = None,
    similar: Annotated[str | None, typer.Option(help="Products that look like this product id.")] = None,
    similar_by: Annotated[str | None, typer.Option(help="auto, image, text or fused.")] = None,
    colour: Annotated[
        str | None, typer.Option(help="Products of this colour, a swatch like '#1f2a44' (CIEDE2000).")
    ] = None,
) -> None:
    """Search an index by text, by photo (--image), for look-alikes of a product (--similar) or by a
    colour swatch (--colour). Options left out come from the preset, as in the REST API."""
    if query is None and image is None and similar is None and colour is None:
        raise typer.BadParameter("give a QUERY, --image, --similar or --colour")
    request = from_flat(
        {
            "query": query or "",
            "preset": preset,
            "mode": mode,
            "k": k,
            "offset": offset,
            "filters": parse_filter_args(filter_) or None,
            "fusion": fusion,
            "weights": _weights(weights),
            "rrf_k": rrf_k,
            "candidates": candidates,
            "understand": understand,
            "spelling": spelling,
            "synonyms": synonyms,
            "rerank": rerank,
            "collapse": collapse,
            "sort_by": sort_by,
            "descending": descending,
            "diversify": diversify,
            "explain": explain,
            "photo": image,
            "text_weight": text_weight,
            "similar_to": similar,
            "similar_by": similar_by,
            "colour": colour,
        }
    )
    with Engine.open(index_dir) as engine:
        results = engine.run(request)
    if as_json:
        typer.echo(json.dumps(results_json(results), ensure_ascii=False, indent=2))
        return
    if results.corrected:
        console.print(
            f"Showing results for [bold]{results.corrected}[/] · searched instead of {results.query!r}"
        )
    if not results.hits:
        console.print(f"no results for {results.query!r}")
    else:
        console.print(results_table(results, explain))


@app.command("info")
@friendly
def info_command(index_dir: Annotated[Path, typer.Argument(help="Index directory.")]) -> None:
    """Show what an index was built from: catalog, models, fields, counts."""
    from modasearch.index.manifest import Manifest

    manifest = Manifest.load(index_dir)
    console.print_json(json.dumps({k: v for k, v in manifest.__dict__.items() if k != "vocab"}))


@app.command("demo")
@friendly
def demo_command(
    index_dir: Annotated[Path, typer.Option("--index", help="Where to build the demo index.")] = Path(
        "demo-index"
    ),
    query: Annotated[
        list[str], typer.Option("--query", "-q", help="Queries to run (default: three examples).")
    ] = [],  # noqa: B006
    k: Annotated[int, typer.Option("-k", help="Results per query.")] = 5,
    serve_after: Annotated[
        bool, typer.Option("--serve", help="Then serve the web page and API on --port.")
    ] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port for --serve.")] = 8000,
) -> None:
    """Build an index of the bundled demo catalog (432 real products) and run example searches."""
    from modasearch.catalog import load_catalog
    from modasearch.demo import DEMO_CATALOG, DEMO_QUERIES

    catalog, report = load_catalog(DEMO_CATALOG, "kaggle")
    print_report(report, 5)
    with progress_bar(f"indexing {len(catalog)} demo products") as update:
        engine = Engine.build(catalog, index_dir, progress=update)
    with engine:
        for text in query or DEMO_QUERIES:
            console.print(results_table(engine.search(text, k=k), explain=False))
    console.print(f'\nTry: [bold]modasearch search {index_dir} "white sneakers" --explain[/]')
    if serve_after:
        from modasearch.cli.serve import serve

        serve(index_dir, "127.0.0.1", port, 1)


@app.command("serve")
@friendly
def serve_command(
    index_dir: Annotated[Path, typer.Argument(help="Index directory to serve.")],
    host: Annotated[str, typer.Option(help="Interface to listen on (0.0.0.0 for every one).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Processes (a Qdrant-server index only).")] = 1,
) -> None:
    """Serve the REST API (docs at /docs) and the web shop page (at /) over an index.

    Writes (POST /products, DELETE /products/ID) need MODASEARCH_API_KEY set; uploads are capped at
    MODASEARCH_MAX_UPLOAD_MB (10); MODASEARCH_CORS_ORIGINS (comma-separated) turns CORS on.
    """
    from modasearch.cli.serve import serve

    serve(index_dir, host, port, workers)


def main() -> None:  # pragma: no cover
    app()
