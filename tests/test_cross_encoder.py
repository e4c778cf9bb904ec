"""A hub cross-encoder as the second stage, tested offline with a tiny random checkpoint: exported
once to ONNX, the same scores as sentence-transformers' CrossEncoder, and the engine's order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from modasearch import Engine
from modasearch.models.export_cross import PROBE_PAIRS
from modasearch.search.cross_encoder import CrossEncoderRanker
from modasearch.search.paging import QueryError
from tests.conftest import save_tiny_tokenizer

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
PAIRS = [*PROBE_PAIRS, ("dress", "a much longer product text " * 40)]  # past max_length: truncated


@pytest.fixture(scope="module")
def tiny_cross(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = transformers.BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37
    )
    config.num_labels = 1
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("cross") / "tiny-cross-encoder"
    transformers.BertForSequenceClassification(config).eval().save_pretrained(folder)
    # as real BERT cross-encoders do, the tokenizer gives the product its own segment (token types)
    save_tiny_tokenizer(folder, model_input_names=["input_ids", "token_type_ids", "attention_mask"])
    return folder


@pytest.fixture(autouse=True)
def offline_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODASEARCH_CACHE", str(tmp_path_factory.getbasetemp() / "model-cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_scores_match_sentence_transformers(tiny_cross: Path) -> None:
    st = pytest.importorskip("sentence_transformers")
    ranker = CrossEncoderRanker.load(str(tiny_cross))  # exported into the cache on first use
    assert ranker.directory.parent.name == "models" and ranker.spec.max_length == 256
    reference = st.CrossEncoder(str(tiny_cross), activation_fn=torch.nn.Identity(), max_length=256)
    expected = np.asarray(reference.predict(PAIRS))
    got = np.concatenate([ranker.score_pairs(q, [t]) for q, t in PAIRS])
    assert np.allclose(got, expected, atol=1e-4), (got, expected)
    batched = ranker.score_pairs("black leather boots", [t for _, t in PAIRS])  # padded in one batch
    single = [ranker.score_pairs("black leather boots", [t])[0] for _, t in PAIRS]
    assert np.allclose(batched, single, atol=1e-4)
    assert CrossEncoderRanker.load(str(tiny_cross)).version == ranker.version  # the cached export


def test_engine_reranks_with_a_cross_encoder(demo_engine: Engine, tiny_cross: Path) -> None:
    results = demo_engine.search("black leather shoes", k=10, rerank=str(tiny_cross))
    scores = [h.score for h in results]
    assert len(results) == 10 and scores == sorted(scores, reverse=True)
    ranker = demo_engine.ranker(str(tiny_cross))
    texts = [str(demo_engine.backend.retrieve([_pid(h.product.id)])[0].payload["text"]) for h in results]
    assert np.allclose(ranker.score_pairs("black leather shoes", texts), scores, atol=1e-5)
    with pytest.raises(QueryError, match="no ranker 'nope'"):
        demo_engine.search("shoes", rerank="nope")
    with pytest.raises(QueryError, match="as a cross-encoder"):
        demo_engine.search("shoes", rerank="no-such-org/no-such-model")


def test_api_offers_only_the_rankers_it_loaded(demo_engine: Engine, tiny_cross: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from modasearch.api import create_app
    from modasearch.api.settings import ApiSettings

    app = create_app(engine=demo_engine, settings=ApiSettings(rerankers=(str(tiny_cross),)))
    with TestClient(app) as client:
        body = {"query": "black shoes", "ranking": {"ranker": str(tiny_cross)}, "page": {"k": 3}}
        ok = client.post("/search", json=body)
        assert ok.status_code == 200 and len(ok.json()["hits"]) == 3
        body = {"query": "black shoes", "ranking": {"ranker": "someone/else"}}
        refused = client.post("/search", json=body)
        assert refused.status_code == 422 and "not offered by this server" in refused.json()["error"]


def _pid(product_id: str) -> str:
    from modasearch.index.types import point_id

    return point_id(product_id)
