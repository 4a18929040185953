-- 0008: what identifies an edition as a product (see migrations/0008_edition_codes.sql).
ALTER TABLE editions ADD COLUMN upc TEXT;
ALTER TABLE editions ADD COLUMN asin TEXT;
ALTER TABLE editions ADD COLUMN hdr TEXT;
ALTER TABLE editions ADD COLUMN disc_formats TEXT;
CREATE INDEX editions_upc ON editions(upc);

CREATE TABLE edition_keys (
    external_key  TEXT COLLATE "C" PRIMARY KEY,
    edition_id    BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE DEFERRABLE,
    source_id     BIGINT REFERENCES sources(id) ON DELETE SET NULL DEFERRABLE
);
CREATE INDEX edition_keys_edition ON edition_keys(edition_id);
