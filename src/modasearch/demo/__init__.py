"""The bundled demo catalog (a small Kaggle Fashion Product Images subset; see ATTRIBUTION.md)."""

from __future__ import annotations

from pathlib import Path

DEMO_CATALOG = Path(__file__).parent / "data"
DEMO_QUERIES = ("black leather shoes", "blue denim jeans for men", "red dress")
