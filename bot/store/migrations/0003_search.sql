-- 0003: search support.
--
-- film_text: keyword search. One FTS5 row per film holding the spoiler-free text the
-- catalog and imported documents have about it: titles, synopsis, verdicts, review
-- sections and plot notes not marked as spoilers. Written by bot.store.search_data.
CREATE VIRTUAL TABLE film_text USING fts5(
    body,
    film_id UNINDEXED,
    tokenize = "unicode61 remove_diacritics 2"
);

-- search_state: facts about the search data, e.g. that film_text was filled for every
-- film ('film_text_complete'), so a database from before this migration gets filled once.
CREATE TABLE search_state (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- This database's identity: a saved index is never taken for another database's, even
-- one recreated at the same path that reached the same change count.
INSERT INTO search_state (name, value) VALUES ('database_id', lower(hex(randomblob(16))));

-- search_changes: an append-only log of films whose searchable facts changed (a title
-- added, removed or renamed; year or popularity changed; a first edition). A running
-- bot re-indexes exactly those films and remembers the last id it saw; the saved index
-- is valid only for the id it was built at.
CREATE TABLE search_changes (
    id       INTEGER PRIMARY KEY,
    film_id  INTEGER NOT NULL
);

CREATE TRIGGER search_title_added AFTER INSERT ON film_titles
BEGIN
    INSERT INTO search_changes (film_id) VALUES (new.film_id);
END;

CREATE TRIGGER search_title_removed AFTER DELETE ON film_titles
BEGIN
    INSERT INTO search_changes (film_id) VALUES (old.film_id);
END;

CREATE TRIGGER search_title_changed AFTER UPDATE OF title, kind, film_id ON film_titles
BEGIN
    INSERT INTO search_changes (film_id) VALUES (old.film_id);
    INSERT INTO search_changes (film_id) VALUES (new.film_id);
END;

CREATE TRIGGER search_film_changed AFTER UPDATE OF title, year, popularity ON films
WHEN old.title IS NOT new.title OR old.year IS NOT new.year
  OR old.popularity IS NOT new.popularity
BEGIN
    INSERT INTO search_changes (film_id) VALUES (new.id);
END;

CREATE TRIGGER search_edition_linked AFTER INSERT ON edition_films
BEGIN
    INSERT INTO search_changes (film_id) VALUES (new.film_id);
END;

CREATE TRIGGER search_edition_unlinked AFTER DELETE ON edition_films
BEGIN
    INSERT INTO search_changes (film_id) VALUES (old.film_id);
END;
