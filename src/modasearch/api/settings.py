"""Service settings from the environment, so a deployment never puts secrets on a command line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_MAX_UPLOAD_MB = 10.0


@dataclass(frozen=True)
class ApiSettings:
    api_key: str | None = None  # MODASEARCH_API_KEY: writes are refused while unset
    max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * 2**20)  # MODASEARCH_MAX_UPLOAD_MB
    cors_origins: tuple[str, ...] = field(default_factory=tuple)  # MODASEARCH_CORS_ORIGINS, comma-separated
    # MODASEARCH_RERANKERS, comma-separated: rankers requests may name besides the shipped ones (a
    # cross-encoder folder or hub id), loaded at start-up; a request can never make the server
    # fetch or export a model.
    rerankers: tuple[str, ...] = field(default_factory=tuple)

    def allowed_rankers(self) -> tuple[str, ...]:
        return ("fashion-rank", "prior", *self.rerankers)

    @classmethod
    def from_env(cls) -> ApiSettings:
        megabytes = float(os.environ.get("MODASEARCH_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
        origins = os.environ.get("MODASEARCH_CORS_ORIGINS", "")
        return cls(
            api_key=os.environ.get("MODASEARCH_API_KEY") or None,
            max_upload_bytes=int(megabytes * 2**20),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            rerankers=tuple(
                r.strip() for r in os.environ.get("MODASEARCH_RERANKERS", "").split(",") if r.strip()
            ),
        )
