-- 0003: keyword search. One FTS5 row per film holding the spoiler-free text the catalog
-- and imported documents have about it: titles, synopsis, verdicts, review sections and
-- plot notes not marked as spoilers. Rebuilt per film by bot.store.search_data.
CREATE VIRTUAL TABLE film_text USING fts5(
    body,
    film_id UNINDEXED,
    tokenize = "unicode61 remove_diacritics 2"
);
