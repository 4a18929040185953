-- 0002: how editions relate ("this Blu-ray replaces Criterion's earlier DVD"), as a
-- source said it, with the sentence that says so.

CREATE TABLE edition_relations (
    edition_id          INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    related_edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    relation            TEXT NOT NULL CHECK (relation IN ('replaces')),
    note                TEXT,
    source_id           INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    PRIMARY KEY (edition_id, related_edition_id, relation)
) WITHOUT ROWID;
