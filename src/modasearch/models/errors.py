"""Errors raised by the model layer, with the fix in the message."""

from __future__ import annotations


class ModelError(RuntimeError):
    pass


def missing_extra(what: str, extra: str) -> ModelError:
    return ModelError(f"{what} needs the optional [{extra}] dependencies: pip install 'modasearch[{extra}]'")
