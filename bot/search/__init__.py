"""Search: titles (fuzzy, autocomplete), people, and keywords (SQLite FTS5).

`SearchService` owns the indexes of a running bot; `TitleSearch` and `PersonSearch`
answer lookups; `bot.store.search_data` holds the SQL, including keyword search.
"""

from bot.search.people import PersonHit, PersonResult, PersonSearch
from bot.search.service import SearchService, cache_dir_for
from bot.search.titles import (
    Completion,
    Hit,
    LookupResult,
    TitleIndex,
    TitleSearch,
    split_year_hint,
)

__all__ = [
    "Completion",
    "Hit",
    "LookupResult",
    "PersonHit",
    "PersonResult",
    "PersonSearch",
    "SearchService",
    "TitleIndex",
    "TitleSearch",
    "cache_dir_for",
    "split_year_hint",
]
