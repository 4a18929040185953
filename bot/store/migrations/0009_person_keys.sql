-- 0009: the ids other databases give people.
--
-- IMDb's datasets name people by id (nm0000041) and have many namesakes; a Wikidata
-- query names them by item (Q8006). An import records the id of each person it credits
-- here ('imdb:nm0000041', 'wikidata:Q8006'), so a re-import, or a newer dump, credits the
-- same person again, and two people of one name stay two people. A person of the catalog
-- may carry several keys (one per database).
CREATE TABLE person_keys (
    external_key  TEXT PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL
) WITHOUT ROWID;
CREATE INDEX person_keys_person ON person_keys(person_id);
