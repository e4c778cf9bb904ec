"""Hub CLIP / SigLIP models as the image retriever, tested offline with tiny random checkpoints:
exported once to ONNX, the same vectors as torch, and a working index built with them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from modasearch import Engine, EngineConfig
from modasearch.catalog import Catalog
from modasearch.models import ModelError
from modasearch.models.clip import ClipVisualModel
from modasearch.models.export_image import probe_images
from modasearch.models.registry import load_image_model
from tests.conftest import save_tiny_tokenizer

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

TEXTS = ["red dress", "a much longer text about blue denim jeans for men"]


def tiny_model(tmp_path: Path, family: str) -> Path:
    text = {"vocab_size": 30522, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2}
    text |= {"intermediate_size": 64, "max_position_embeddings": 16}
    vision = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64}
    vision |= {"image_size": 32, "patch_size": 8}
    torch.manual_seed(0)
    if family == "clip":
        config = transformers.CLIPConfig(text_config=text, vision_config=vision, projection_dim=24)
        model = transformers.CLIPModel(config)
    else:
        config = transformers.SiglipConfig(text_config=text, vision_config=vision)
        model = transformers.SiglipModel(config)
    folder = tmp_path / f"tiny-{family}"
    model.eval().save_pretrained(folder)
    save_tiny_tokenizer(folder, model_max_length=16)
    return folder


def _torch_vectors(folder: Path, family: str) -> tuple[np.ndarray, np.ndarray]:
    model = transformers.AutoModel.from_pretrained(folder).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    batch = tokenizer(TEXTS, padding="max_length", max_length=16, return_tensors="pt")
    mean = (0.48145466, 0.4578275, 0.40821073)
    std = (0.26862954, 0.26130258, 0.27577711)
    pixels = []
    for image in probe_images():  # the reference preprocessing: pad on white, resize, normalise
        side = max(image.size)
        canvas = Image.new("RGB", (side, side), (255, 255, 255))
        canvas.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
        array = np.asarray(canvas.resize((32, 32), Image.Resampling.BICUBIC), dtype=np.float32) / 255
        pixels.append(((array - mean) / std).transpose(2, 0, 1))
    with torch.no_grad():
        mask = None if family == "siglip" else batch["attention_mask"]
        text = model.get_text_features(input_ids=batch["input_ids"], attention_mask=mask)
        image = model.get_image_features(pixel_values=torch.tensor(np.stack(pixels), dtype=torch.float32))
    text = text if hasattr(text, "shape") else text.pooler_output
    image = image if hasattr(image, "shape") else image.pooler_output
    normalise = torch.nn.functional.normalize
    return normalise(text, dim=-1).numpy(), normalise(image, dim=-1).numpy()


@pytest.mark.parametrize("family", ["clip", "siglip"])
def test_hub_checkpoint_matches_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, family: str) -> None:
    monkeypatch.setenv("MODASEARCH_CACHE", str(tmp_path / "cache"))
    folder = tiny_model(tmp_path, family)
    model = load_image_model(str(folder))
    assert isinstance(model, ClipVisualModel)
    assert model.spec.kind == "image" and model.spec.pooling == family
    text_ref, image_ref = _torch_vectors(folder, family)
    np.testing.assert_allclose(model.embed_texts(TEXTS), text_ref, atol=1e-4)
    vectors, colours = model.photo_vectors(probe_images())
    np.testing.assert_allclose(vectors, image_ref, atol=1e-4)
    assert colours.shape == (2, 27)
    again = load_image_model(str(folder))  # exported once, reused from the cache
    assert again.spec.version == model.spec.version
    assert len(list((tmp_path / "cache" / "models").iterdir())) == 1


def test_index_with_a_clip_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_catalog: Catalog
) -> None:
    monkeypatch.setenv("MODASEARCH_CACHE", str(tmp_path / "cache"))
    folder = tiny_model(tmp_path, "clip")
    catalog = dataclasses.replace(demo_catalog, products=demo_catalog.products[:40])
    config = EngineConfig(sparse_model=None, image_model=str(folder))
    with Engine.build(catalog, tmp_path / "index", config) as engine:
        hits = engine.search("red dress", mode="image", k=5)
        assert len(hits) == 5
        assert engine.manifest.encoders["image"]["name"] == str(folder)
    with Engine.open(tmp_path / "index") as engine:  # reopened through the cached export
        assert [h.product.id for h in engine.search("red dress", mode="image", k=5)] == [
            h.product.id for h in hits
        ]


def test_not_a_clip_model_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODASEARCH_CACHE", str(tmp_path / "cache"))
    bert = transformers.BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2)
    transformers.BertModel(bert).save_pretrained(tmp_path / "bert")
    with pytest.raises(ModelError, match="must be CLIP or SigLIP"):
        load_image_model(str(tmp_path / "bert"))
