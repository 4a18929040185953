"""Title search. `TitleLookup` is the foundation's simple engine."""

from bot.search.simple import Hit, LookupResult, TitleLookup, split_year_hint

__all__ = ["Hit", "LookupResult", "TitleLookup", "split_year_hint"]
