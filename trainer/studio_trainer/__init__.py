"""Feedback Studio's training worker: one runner per framework, JSON-lines protocol on stdout."""

__version__ = "0.1.0"
