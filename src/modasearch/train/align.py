"""Train the text-image aligner (LiT-style): frozen photo features and frozen MiniLM text vectors,
linear projections trained with a multi-positive symmetric InfoNCE loss.

Texts per product: its title, and prompts made of its text attributes ("Tshirts", "Black",
"Black Tshirts", ...). A text's positives in a batch are every product that has that text, so products
with identical titles, or the same colour, are never pushed apart. Splits are seeded: the held-out
part (kagl-t2i's 20%) is never seen; early stopping watches a validation part of the rest.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from modasearch.catalog.product import Catalog, Product
from modasearch.models.colour import PALETTE
from modasearch.models.errors import ModelError, missing_extra
from modasearch.models.visual import Aligner, Hubness, half_precision


@dataclass(frozen=True)
class AlignConfig:
    dim: int = 256  # per subspace
    # the score is the mean cosine over this many subspaces, trained jointly (`Aligner.subspaces`)
    subspaces: int = 2
    epochs: int = 80
    batch_size: int = 1024  # chosen on validation among 256, 512, 1024, 2048 (RESULTS.md)
    lr: float = 2e-3
    weight_decay: float = 1e-4
    temperature: float = 0.05
    title_probability: float = 0.5
    patience: int = 16  # validation R@10 is noisy: 8 stopped runs before their best epoch (RESULTS.md)
    heldout_fraction: float = 0.2
    validation_fraction: float = 0.1
    seed: int = 0
    colour_weight: float = 1.0  # how much louder the palette histogram speaks than one CNN feature
    image_hidden: int = 0  # > 0: a ReLU hidden layer of this width in the image head
    dropout: float = 0.1
    text_dropout: float = 0.1  # on the text features (sentence vector + hashed words) while training
    members: int = 3  # aligners trained apart (training seeds seed, seed + 1, ...) and folded into one
    # > 0: auxiliary classifiers of the first three attributes on the photo vector. Off by default:
    # at 0.3 they raised attribute prompts on seen photos but lowered held-out titles and colours
    attribute_weight: float = 0.0


@dataclass
class TrainingData:
    product_ids: list[str]
    features: np.ndarray  # photo features, one row per product
    texts: list[str]  # unique texts
    text_vectors: np.ndarray  # one row per unique text
    product_texts: list[list[int]]  # per product: its text ids, the title first
    labels: dict[str, np.ndarray] = field(default_factory=dict)  # attribute -> class per product, -1: none


def prompts(product: Product, attributes: tuple[str, ...]) -> list[str]:
    """The title, each attribute value, and pairs of the first three attributes ("Black Tshirts")."""
    values = [
        str(product.attributes[a]).strip() for a in attributes if str(product.attributes.get(a) or "").strip()
    ]
    pairs = [
        f"{values[j]} {values[i]}"
        for i in range(min(3, len(values)))
        for j in range(min(3, len(values)))
        if i != j
    ]
    texts = [" ".join(product.title.split()), *values, *pairs]
    return list(dict.fromkeys(t for t in texts if t))


def split_ids(ids: list[str], config: AlignConfig) -> tuple[list[str], list[str], list[str]]:
    """(train, validation, held-out); the held-out part is kagl-t2i's (same seed and fraction)."""
    order = sorted(ids)
    random.Random(config.seed).shuffle(order)
    cut = round(config.heldout_fraction * len(order))
    heldout, rest = order[:cut], sorted(order[cut:])
    random.Random(config.seed + 1).shuffle(rest)
    val_cut = round(config.validation_fraction * len(rest))
    return rest[val_cut:], rest[:val_cut], heldout


def title_recall(
    aligner: Aligner, data: TrainingData, query_rows: list[int], k: int = 10
) -> tuple[float, float]:
    """Hit rate@k and MRR@k of query products' titles against every photo (identical titles count),
    with the vectors the index stores."""
    images = aligner.index_photos(data.features)
    title_ids = [texts[0] for texts in data.product_texts]
    asked = [title_ids[r] for r in query_rows]
    queries = aligner.index_texts(data.text_vectors[asked], [data.texts[t] for t in asked])
    scores = queries @ images.T
    top = np.argsort(-scores, axis=1)[:, :k]
    titles = np.array(title_ids)
    hits = titles[top] == titles[query_rows][:, None]
    first = np.where(hits.any(1), hits.argmax(1) + 1, 0)
    return float(hits.any(1).mean()), float(np.where(first > 0, 1 / np.maximum(first, 1), 0).mean())


ATTRIBUTE_HEADS = 3  # training-only classifiers on the photo vector (Find-My-Vibe style attribute heads)
HUBNESS_K = (1, 3, 5, 10)
HUBNESS_WEIGHTS = (0.25, 0.5, 0.75, 1.0)


def with_hubness(
    aligner: Aligner,
    data: TrainingData,
    train_rows: list[int],
    val_rows: list[int],
    prompts_score: Callable[[Aligner], float] = lambda _: 0.0,
) -> tuple[Aligner, list[dict[str, float]]]:
    """Add the hubness correction (see `Hubness`) whose k and weight do best on validation, or none if
    none helps. The score is the validation titles' R@10 + MRR@10 plus `prompts_score` (attribute
    prompts: the correction helps long, specific queries and can hurt one-word ones). The bank is the
    training titles, each once."""
    titles = sorted({data.product_texts[r][0] for r in train_rows})
    # rounded as the file stores it (float16), kept as float32 for the products at query time
    bank = aligner.embed_texts(data.text_vectors[titles]).astype(np.float16).astype(np.float32)
    centre_of = aligner.embed_images(data.features[train_rows])
    candidates = [aligner]
    for k in HUBNESS_K:
        for weight in HUBNESS_WEIGHTS:
            probe = Hubness(bank, k, weight, 0.0)
            hubness = replace(probe, centre=round(float(probe.of(centre_of).mean()), 6))
            candidates.append(replace(aligner, hubness=hubness))
    tried = []
    for candidate in candidates:
        recall, mrr = title_recall(candidate, data, val_rows)
        prompts = prompts_score(candidate)
        h = candidate.hubness
        tried.append(
            {"k": h.k if h else 0, "weight": h.weight if h else 0.0, "val_recall@10": recall}
            | {"val_mrr@10": mrr, "prompts": prompts, "score": recall + mrr + prompts}
        )
    best = max(range(len(candidates)), key=lambda i: tried[i]["score"])  # first wins ties: no correction
    return candidates[best], tried


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:
        raise missing_extra("training the aligner", "train") from exc
    return torch


@dataclass
class _Member:
    """What one training run returns: its best aligner (by validation R@10), epoch and history."""

    aligner: Aligner
    best_epoch: int
    history: list[dict[str, float]]


def fold_members(members: list[Aligner]) -> Aligner:
    """Aligners trained apart on the same split as one: their heads side by side, every slice a subspace,
    so the score is the mean cosine over all of them (an ensemble of similarities at the cost of a
    wider vector). Needs linear image heads and the same feature scaling."""
    first = members[0]
    if len(members) == 1:
        return first
    if any(len(m.image_layers) != 1 or not np.array_equal(m.image_mean, first.image_mean) for m in members):
        raise ModelError("only aligners with one linear image layer and the same scaling can be folded")
    weight = np.hstack([m.image_layers[0][0] for m in members])
    bias = np.concatenate([m.image_layers[0][1] for m in members])
    return replace(
        first,
        image_layers=((weight, bias),),
        text_weight=np.hstack([m.text_weight for m in members]),
        text_bias=np.concatenate([m.text_bias for m in members]),
        subspaces=sum(m.subspaces for m in members),
    )


def train_aligner(
    data: TrainingData,
    config: AlignConfig,
    meta: dict[str, Any],
    log: Callable[[str], None] = print,
) -> tuple[Aligner, dict[str, Any]]:
    """`config.members` aligners on one seeded split, training seeds seed, seed + 1, ..., folded into one."""
    row = {pid: i for i, pid in enumerate(data.product_ids)}
    train, val, heldout = split_ids(data.product_ids, config)
    train_rows, val_rows = np.array([row[p] for p in train]), [row[p] for p in val]
    members = []
    for member in range(config.members):
        if config.members > 1:
            log(f"member {member + 1} of {config.members}")
        members.append(_train_member(data, config, meta, log, config.seed + member, (train_rows, val_rows)))
    aligner = fold_members([m.aligner for m in members])
    report = {
        "config": asdict(config),
        "best_epoch": [m.best_epoch for m in members],  # one per member
        "history": [m.history for m in members],
        "split": {"train": len(train), "validation": len(val), "heldout": len(heldout)},
        "rows": {  # positions in `data` of each part, for the caller (not written to report.json)
            "train": train_rows.tolist(),
            "validation": val_rows,
            "heldout": [row[p] for p in heldout],
        },
    }
    return aligner, report


def _train_member(
    data: TrainingData,
    config: AlignConfig,
    meta: dict[str, Any],
    log: Callable[[str], None],
    seed: int,
    split: tuple[np.ndarray, list[int]],
) -> _Member:
    torch = _torch()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    train_rows, val_rows = split
    mean, scale = data.features[train_rows].mean(0), data.features[train_rows].std(0) + 1e-6
    scale[-len(PALETTE) :] /= config.colour_weight
    x_all = torch.from_numpy((data.features - mean) / scale).float()
    t_all = torch.from_numpy(data.text_vectors).float()
    width = config.dim * config.subspaces
    if config.image_hidden:
        image_head = torch.nn.Sequential(
            torch.nn.Dropout(config.dropout),
            torch.nn.Linear(x_all.shape[1], config.image_hidden),
            torch.nn.ReLU(),
            torch.nn.Linear(config.image_hidden, width),
        )
    else:
        image_head = torch.nn.Linear(x_all.shape[1], width)
    text_head = torch.nn.Linear(t_all.shape[1], width)
    labels = {a: torch.from_numpy(v).long() for a, v in data.labels.items() if config.attribute_weight > 0}
    heads = torch.nn.ModuleDict({a: torch.nn.Linear(width, int(v.max()) + 1) for a, v in labels.items()})
    params = [*image_head.parameters(), *text_head.parameters(), *heads.parameters()]
    optimiser = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    text_sets = [set(t) for t in data.product_texts]

    def current() -> Aligner:
        linears = [m for m in image_head.modules() if isinstance(m, torch.nn.Linear)]
        return Aligner(  # weights rounded as the file stores them: what is evaluated is what ships
            mean.astype(np.float32),
            scale.astype(np.float32),
            tuple(
                (half_precision(m.weight.detach().numpy().T), m.bias.detach().numpy().copy()) for m in linears
            ),
            half_precision(text_head.weight.detach().numpy().T),
            text_head.bias.detach().numpy().copy(),
            meta,
            subspaces=config.subspaces,
        )

    def unit(x: Any) -> Any:  # `unit_subspaces` in torch
        slices = torch.nn.functional.normalize(x.reshape(len(x), config.subspaces, -1), dim=-1)
        return slices.reshape(len(x), -1) / config.subspaces**0.5

    best: tuple[float, Aligner | None, int] = (-1.0, None, 0)
    history = []
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(train_rows)
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            rows = order[start : start + config.batch_size]
            chosen = [
                data.product_texts[r][0]
                if rng.random() < config.title_probability
                else int(rng.choice(data.product_texts[r]))
                for r in rows
            ]
            # positives[i, j]: product j has text i
            positives = torch.tensor([[t in text_sets[r] for r in rows] for t in chosen], dtype=torch.float32)
            projected = image_head(x_all[rows])
            words = torch.nn.functional.dropout(t_all[chosen], config.text_dropout)
            images, texts = unit(projected), unit(text_head(words))
            logits = texts @ images.T / config.temperature
            text_to_image = (
                -(positives / positives.sum(1, keepdim=True) * logits.log_softmax(1)).sum(1).mean()
            )
            image_to_text = (
                -(positives.T / positives.T.sum(1, keepdim=True) * logits.T.log_softmax(1)).sum(1).mean()
            )
            loss = (text_to_image + image_to_text) / 2
            for attribute, head in heads.items():
                loss = loss + config.attribute_weight * torch.nn.functional.cross_entropy(
                    head(projected), labels[attribute][rows], ignore_index=-1
                )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(rows)
        aligner = current()
        recall, mrr = title_recall(aligner, data, val_rows)
        history.append(
            {"epoch": epoch, "loss": total / len(order), "val_recall@10": recall, "val_mrr@10": mrr}
        )
        log(f"epoch {epoch:3d}  loss {total / len(order):.4f}  validation R@10 {recall:.4f}  MRR {mrr:.4f}")
        if recall > best[0]:
            best = (recall, aligner, epoch)
        elif epoch - best[2] >= config.patience:
            break
    assert best[1] is not None
    return _Member(best[1], best[2], history)


def build_training_data(
    catalog: Catalog, product_ids: list[str], features: np.ndarray, encode: Callable[[list[str]], np.ndarray]
) -> TrainingData:
    """Texts of every product with a photo, each unique text encoded once."""
    by_id = {p.id: p for p in catalog.products}
    index: dict[str, int] = {}
    product_texts = []
    for pid in product_ids:
        ids = [index.setdefault(text, len(index)) for text in prompts(by_id[pid], catalog.text_attributes)]
        product_texts.append(ids)
    texts = list(index)
    labels = {}
    for attribute in catalog.text_attributes[:ATTRIBUTE_HEADS]:
        values = [str(by_id[pid].attributes.get(attribute) or "").strip() for pid in product_ids]
        classes = {v: i for i, v in enumerate(sorted(set(values) - {""}))}
        if len(classes) > 1:
            labels[attribute] = np.array([classes.get(v, -1) for v in values])
    return TrainingData(product_ids, features, texts, encode(texts), product_texts, labels)
