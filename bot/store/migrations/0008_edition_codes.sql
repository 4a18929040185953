-- 0008: what identifies an edition as a product, and the disc facts TheDiscDb brings.
--
-- upc: the barcode as the source printed it (12-digit UPC-A or 13-digit EAN; a UPC's EAN
-- is the same digits after a leading 0), so `!edition 5027035019901` finds its edition.
-- asin: Amazon's product id. hdr: 'Dolby Vision' | 'HDR10' for the main feature's video.
-- disc_formats: a combo pack's discs ('1 × 4K UHD + 2 × Blu-ray'); NULL for one format.
ALTER TABLE editions ADD COLUMN upc TEXT;
ALTER TABLE editions ADD COLUMN asin TEXT;
ALTER TABLE editions ADD COLUMN hdr TEXT;
ALTER TABLE editions ADD COLUMN disc_formats TEXT;
CREATE INDEX editions_upc ON editions(upc);

-- Other natural keys an edition was imported under: a TheDiscDb release
-- ('discdb:<Film (Year)>/<release>') merged into the Criterion list's edition of the same
-- release, or a box set TheDiscDb files under each of its films. A re-import finds its
-- edition again by its key, wherever it was merged.
CREATE TABLE edition_keys (
    external_key  TEXT PRIMARY KEY,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL
) WITHOUT ROWID;
CREATE INDEX edition_keys_edition ON edition_keys(edition_id);
