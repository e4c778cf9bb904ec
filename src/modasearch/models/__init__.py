"""Encoders behind one registry: onnxruntime at query time, torch only to export."""

from modasearch.models.bm25 import Bm25Encoder
from modasearch.models.builtin import DEFAULT_DENSE, DEFAULT_SPARSE
from modasearch.models.errors import ModelError
from modasearch.models.onnx_text import SparseVec
from modasearch.models.registry import DenseEncoder, SparseEncoder, list_models, load_encoder
from modasearch.models.spec import EncoderSpec

__all__ = [
    "DEFAULT_DENSE",
    "DEFAULT_SPARSE",
    "Bm25Encoder",
    "DenseEncoder",
    "EncoderSpec",
    "ModelError",
    "SparseEncoder",
    "SparseVec",
    "list_models",
    "load_encoder",
]
