"""Importers: the bundled catalog now; reviews, listings and feeds in later issues."""
