"""Importers: the bundled catalog, and documents (reviews, listings, blog posts)."""
