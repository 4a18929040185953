"""Release feeds: RSS and Atom feeds of release listings, polled and imported."""
