"""Renderers: a `Reply` to terminal text (Discord and Matrix renderers come with issue 5)."""
