"""The roles a segment can have, and which of them leave the article's text."""

from __future__ import annotations

# Not part of the article's text (each with a recorded reason).
REMOVED_ROLES = frozenset({"boilerplate", "credit", "byline"})
# What the English text is composed of.
CONTENT_ROLES = frozenset({"title", "heading", "body", "caption"})
