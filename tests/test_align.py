"""The text-image aligner: the hubness correction the index stores, and `train align` end to end."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from modasearch.models.errors import ModelError
from modasearch.models.visual import Aligner, Hubness, VisualModel, correction_strength, unit_subspaces
from modasearch.train.align import fold_members


def _aligner(hubness: Hubness | None) -> Aligner:
    """Identity heads on 3-d features: the shared space is the features themselves."""
    eye = np.eye(3, dtype=np.float32)
    zeros = np.zeros(3, dtype=np.float32)
    return Aligner(zeros, np.ones(3, np.float32), ((eye, zeros),), eye, zeros, {"name": "tiny"}, hubness)


def test_hubness_is_the_mean_cosine_of_the_nearest_bank_texts() -> None:
    bank = np.array([[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0]], dtype=np.float32)
    hubness = Hubness(bank, k=2, weight=1.0, centre=0.5)
    photos = np.array([[1, 0, 0], [0, 0, 1]], dtype=np.float32)
    # photo 1: cosines 1, 0, 0.6 -> top 2 mean 0.8; photo 2: all 0
    assert np.allclose(hubness.of(photos), [0.8, 0.0])


def test_index_vectors_subtract_the_correction_from_text_scores() -> None:
    bank = np.array([[1, 0, 0], [0.9, 0.436, 0]], dtype=np.float32)
    hubness = Hubness(bank, k=1, weight=1.0, centre=0.6)
    aligner = _aligner(hubness)
    photos = np.array([[1, 0, 0], [0.8, 0.6, 0], [0.7, 0, 0.714]], dtype=np.float32)
    text = np.array([[0.9, 0.3, 0.3]], dtype=np.float32)
    stored, query = aligner.index_photos(photos), aligner.index_texts(text, ["four words long title"])
    assert stored.shape == (3, 4) and query.shape == (1, 4) and aligner.index_dim == 4
    assert np.allclose(np.linalg.norm(stored, axis=1), 1) and np.allclose(np.linalg.norm(query), 1)
    plain = aligner.embed_texts(text) @ aligner.embed_images(photos).T
    corrected = plain - (hubness.of(aligner.embed_images(photos)) - 0.6)
    # the stored scores order the photos as the corrected cosine does, not as the plain one
    assert np.argsort(-(query @ stored.T)[0]).tolist() == np.argsort(-corrected[0]).tolist()
    assert np.argsort(-plain[0]).tolist() != np.argsort(-corrected[0]).tolist()
    assert np.allclose(np.diag(stored @ stored.T), 1)  # a photo query still matches itself exactly
    without = _aligner(None)
    assert without.index_photos(photos).shape == (3, 3) and without.index_dim == 3
    one_word = aligner.index_texts(text, ["Black"])  # a one-word query takes no correction
    offsets = -(hubness.of(aligner.embed_images(photos)) - 0.6)  # weight 1
    assert np.allclose(one_word @ stored.T, plain / np.sqrt(1 + offsets**2), atol=1e-6)


def test_short_queries_take_less_of_the_correction() -> None:
    strength = correction_strength(
        ["Black", "Navy Blue", "Black Nike Tshirts", "Nike Men Black Tshirt", "a b c d e"]
    )
    assert np.allclose(strength, [0, 1 / 3, 2 / 3, 1, 1])


def test_the_correction_survives_a_save_and_load(tmp_path: Path) -> None:
    bank = np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32)
    aligner = _aligner(Hubness(bank, 1, 0.75, 0.4))
    aligner.save(tmp_path)
    loaded = Aligner.load(tmp_path)
    assert loaded.hubness is not None and (loaded.hubness.k, loaded.hubness.weight) == (1, 0.75)
    assert loaded.version == aligner.version and "hubness" not in loaded.meta
    assert Aligner.load(tmp_path).version != _aligner(None).version


def test_subspaces_score_the_mean_of_their_cosines(tmp_path: Path) -> None:
    x = unit_subspaces(np.array([[3, 4, 0, 5]], dtype=np.float32), 2)
    y = unit_subspaces(np.array([[1, 0, 2, 0]], dtype=np.float32), 2)
    # slices (0.6, 0.8), (0, 1) and (1, 0), (1, 0): cosines 0.6 and 0, mean 0.3
    assert np.allclose(x, [[0.6, 0.8, 0, 1]] / np.sqrt(2)) and np.isclose((x @ y.T)[0, 0], 0.3)
    eye, zeros = np.eye(4, dtype=np.float32), np.zeros(4, dtype=np.float32)
    halves = Aligner(zeros, np.ones(4, np.float32), ((eye, zeros),), eye, zeros, {"name": "halves"}, None, 2)
    assert np.isclose(halves.embed_texts(np.array([[1, 0, 2, 0]])) @ halves.embed_images(x).T, 0.3)
    with np.load(halves.save(tmp_path)) as stored:  # weight matrices in half precision, the rest not
        assert stored["text_weight"].dtype == np.float16 and stored["image_mean"].dtype == np.float32
    loaded = Aligner.load(tmp_path)
    assert loaded.subspaces == 2 and loaded.version == halves.version and "subspaces" not in loaded.meta
    assert halves.version != replace(halves, subspaces=1).version
    with pytest.raises(ModelError, match="3 equal subspaces"):
        replace(halves, subspaces=3)


def test_folded_members_score_the_mean_of_their_scores() -> None:
    eye, swap = np.eye(2, dtype=np.float32), np.array([[0, 1], [1, 0]], dtype=np.float32)
    zeros, ones = np.zeros(2, dtype=np.float32), np.ones(2, np.float32)
    first = Aligner(zeros, ones, ((eye, zeros),), eye, zeros, {"name": "a"})
    second = Aligner(zeros, ones, ((swap, zeros),), eye, zeros, {"name": "b"})
    photo, text = np.array([[3, 4]], dtype=np.float32), np.array([[1, 0]], dtype=np.float32)
    # first: cos((3, 4), (1, 0)) = 0.6; second sees the photo as (4, 3): 0.8; folded: their mean 0.7
    folded = fold_members([first, second])
    assert folded.subspaces == 2 and folded.dim == 4 and folded.meta == {"name": "a"}
    assert np.isclose((folded.embed_texts(text) @ folded.embed_images(photo).T)[0, 0], 0.7)
    assert fold_members([first]) is first
    hidden = replace(second, image_layers=((eye, zeros), (eye, zeros)))
    with pytest.raises(ModelError, match="one linear image layer"):
        fold_members([first, hidden])


def test_train_align_on_the_demo_photos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Features, training, the hubness choice, held-out metrics and the model card, on 432 real photos."""
    from modasearch.catalog.loaders.kaggle import load_kaggle
    from modasearch.demo import DEMO_CATALOG
    from modasearch.train.align import AlignConfig
    from modasearch.train.run import train_align

    monkeypatch.setenv("MODASEARCH_CACHE", str(tmp_path / "cache"))
    catalog, _ = load_kaggle(DEMO_CATALOG, only_with_images=True)
    out = tmp_path / "aligner"
    metrics = train_align(
        catalog,
        out,
        AlignConfig(epochs=6, patience=3, batch_size=64, members=2),
        name="demo-align",
        log=lambda _: None,
    )
    assert {"heldout_titles_vs_all_photos_R@10", "articleType_P@10_all_photos_values_with_10+"} <= set(
        metrics
    )
    assert 0.3 < metrics["articleType_P@10_all_photos"] <= 1  # 432 photos, 6 epochs: well above chance
    card = (out / "MODEL_CARD.md").read_text()
    assert "Hubness correction" in card and "demo-align" in card
    assert "4 subspaces of 256 dimensions (2 aligners of 2 trained apart" in card and "best epochs " in card
    model = VisualModel.load(str(out))
    photo = model.aligner
    assert photo.subspaces == 4 and photo.dim == 1024
    assert model.dim == photo.dim + (photo.hubness is not None)
    assert model.embed_texts(["red dress"]).shape == (1, model.dim)
