-- 0009: the ids other databases give people (see migrations/0009_person_keys.sql).
CREATE TABLE person_keys (
    external_key  TEXT COLLATE "C" PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE DEFERRABLE,
    source_id     BIGINT REFERENCES sources(id) ON DELETE SET NULL DEFERRABLE
);
CREATE INDEX person_keys_person ON person_keys(person_id);
