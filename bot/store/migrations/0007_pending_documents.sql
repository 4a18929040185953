-- 0007: documents that wait for a person to settle them.
--
-- When the importer cannot tell which film a document is about, or what kind of
-- document it is, it writes nothing from it: the document waits here, with its bytes,
-- why it waits and the catalog films it could be about, until `filmbot pending accept`
-- imports it (onto a film a person chose) or `filmbot pending reject` sets it aside.
-- A document waits once: the same bytes imported again find the row already waiting.

CREATE TABLE pending_documents (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,          -- file name, URL or '<stdin>', as imported
    uri           TEXT,                   -- URL or path it was read from
    sha256        TEXT NOT NULL,          -- of `raw`: becomes sources.sha256 once accepted
    raw           BLOB NOT NULL,          -- the document's bytes, as read
    kind          TEXT,                   -- disc_review | ...; NULL when the kind is what is unsure
    title         TEXT,                   -- what the page seemed to be about
    reason        TEXT NOT NULL,          -- why it waits, in words
    candidates    TEXT NOT NULL DEFAULT '[]', -- JSON: [{"film_id": 1, "label": "Title (Year)", "why": "..."}]
    status        TEXT NOT NULL DEFAULT 'waiting'
                  CHECK (status IN ('waiting', 'accepted', 'rejected')),
    film_id       INTEGER REFERENCES films(id) ON DELETE SET NULL, -- the film it was imported onto
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    settled_at    TEXT,
    CHECK ((status = 'waiting') = (settled_at IS NULL))
);
CREATE UNIQUE INDEX pending_documents_waiting ON pending_documents(sha256)
    WHERE status = 'waiting';
