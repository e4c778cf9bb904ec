"""Recommendations: similar items, complete the look and personalised picks from interactions."""

from modasearch.recommend.events import EVENT_WEIGHTS, Event, EventError, load_events, split_by_days
from modasearch.recommend.fit import fit_model
from modasearch.recommend.look import CompleteTheLook
from modasearch.recommend.model import InteractionModel
from modasearch.recommend.recommender import DEFAULT_WEIGHTS, SIGNALS, Recommender, Shopper

__all__ = [
    "DEFAULT_WEIGHTS",
    "EVENT_WEIGHTS",
    "SIGNALS",
    "CompleteTheLook",
    "Event",
    "EventError",
    "InteractionModel",
    "Recommender",
    "Shopper",
    "fit_model",
    "load_events",
    "split_by_days",
]
