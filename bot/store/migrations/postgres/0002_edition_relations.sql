-- 0002: how editions relate (see migrations/0002_edition_relations.sql).

CREATE TABLE edition_relations (
    edition_id          BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE DEFERRABLE,
    related_edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE DEFERRABLE,
    relation            TEXT NOT NULL CHECK (relation IN ('replaces')),
    note                TEXT,
    source_id           BIGINT REFERENCES sources(id) ON DELETE CASCADE DEFERRABLE,
    PRIMARY KEY (edition_id, related_edition_id, relation)
);
