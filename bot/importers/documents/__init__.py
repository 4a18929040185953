"""Importing the documents film people write: disc reviews, retail listings, blog reviews."""
