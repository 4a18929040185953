"""Renderers: a `Reply` as terminal text, a Discord message payload or Matrix content."""
