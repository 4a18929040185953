-- 0001: the initial schema.
--
-- Every table that holds imported values points at `sources`, the document it came
-- from. Display columns (films.runtime_min, editions.aspect_ratio, ...) hold one chosen
-- value; `facts` keeps every value every source claimed, so disagreements (runtime 95
-- vs 96 vs 97 min) are kept and can be shown instead of silently resolved.

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,          -- catalog | disc_review | release_listing | blog_review | feed_item
    name          TEXT NOT NULL,          -- human label: file name, site name
    uri           TEXT,                   -- URL or path it was read from
    sha256        TEXT NOT NULL UNIQUE,   -- of the document's bytes: the same document imports once
    title         TEXT,
    author        TEXT,
    published_at  TEXT,                   -- ISO date
    imported_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    meta          TEXT                    -- JSON: row counts, parser version, ...
);

CREATE TABLE films (
    id            INTEGER PRIMARY KEY,
    external_key  TEXT NOT NULL UNIQUE,   -- wikidata:Q123, criterion:film:..., doc:...
    title         TEXT NOT NULL,
    year          INTEGER,
    runtime_min   INTEGER,
    released      TEXT,                   -- ISO date of first release
    synopsis      TEXT,                   -- spoiler-free overview
    imdb_id       TEXT,
    mpaa          TEXT,
    popularity    REAL NOT NULL DEFAULT 0, -- ranking signal: review counts, awards, collections
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX films_year ON films(year);
CREATE INDEX films_imdb ON films(imdb_id);

-- Every name a film goes by: the primary title, original-language titles,
-- transliterations, alternative spellings, the titles a label sells it under.
CREATE TABLE film_titles (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    norm          TEXT NOT NULL,          -- bot.text.norm_title(title)
    kind          TEXT NOT NULL DEFAULT 'alternative', -- primary | original | alternative | transliteration | label
    language      TEXT,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    UNIQUE (film_id, title)
);
CREATE INDEX film_titles_norm ON film_titles(norm);

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    norm          TEXT NOT NULL,
    born          TEXT,
    died          TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX people_norm ON people(norm);

-- Spellings of one person: 'Carl Th. Dreyer' / 'Carl Theodor Dreyer',
-- 'Tatyana Samoylova' / 'Tatiana Samoilova'.
CREATE TABLE person_aliases (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    norm          TEXT NOT NULL,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    UNIQUE (person_id, name)
);
CREATE INDEX person_aliases_norm ON person_aliases(norm);

-- Characters, so 'Veronica' and 'Veronika' can be one role.
CREATE TABLE characters (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    UNIQUE (film_id, name)
);

CREATE TABLE character_aliases (
    id            INTEGER PRIMARY KEY,
    character_id  INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    norm          TEXT NOT NULL,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    UNIQUE (character_id, name)
);

CREATE TABLE credits (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN (
                      'director', 'writer', 'cast', 'cinematographer', 'composer',
                      'editor', 'producer')),
    character_id  INTEGER REFERENCES characters(id) ON DELETE SET NULL,
    billing       INTEGER,                -- order within the role, when a source gives one
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    UNIQUE (film_id, person_id, role)
);
CREATE INDEX credits_person ON credits(person_id, role);

CREATE TABLE genres (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE film_genres (
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    genre_id      INTEGER NOT NULL REFERENCES genres(id) ON DELETE CASCADE,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    PRIMARY KEY (film_id, genre_id)
) WITHOUT ROWID;

CREATE TABLE countries (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE film_countries (
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    country_id    INTEGER NOT NULL REFERENCES countries(id) ON DELETE CASCADE,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    PRIMARY KEY (film_id, country_id)
) WITHOUT ROWID;

CREATE TABLE languages (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE film_languages (
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    language_id   INTEGER NOT NULL REFERENCES languages(id) ON DELETE CASCADE,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    PRIMARY KEY (film_id, language_id)
) WITHOUT ROWID;

-- A label or series: 'The Criterion Collection', 'Eureka! Masters of Cinema'.
CREATE TABLE labels (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE
);

-- One home-video release. A box set is an edition too (is_boxset = 1); the films of
-- any edition, one film or many, are listed in edition_films.
CREATE TABLE editions (
    id                INTEGER PRIMARY KEY,
    external_key      TEXT NOT NULL UNIQUE, -- criterion:spine:146, criterion:boxset:..., doc:...
    title             TEXT NOT NULL,
    label_id          INTEGER REFERENCES labels(id) ON DELETE SET NULL,
    spine             TEXT,                 -- spine / edition number as printed ('146')
    is_boxset         INTEGER NOT NULL DEFAULT 0 CHECK (is_boxset IN (0, 1)),
    format            TEXT,                 -- DVD | Blu-ray | 4K UHD | ...
    disc_count        INTEGER,
    disc_type         TEXT,                 -- BD-50, DVD-9, ...
    region            TEXT,                 -- A, B, 1, 2, free
    video_resolution  TEXT,                 -- 1080p, 2160p, 480i
    video_codec       TEXT,                 -- AVC/MPEG-4, HEVC
    aspect_ratio      TEXT,                 -- 1.37:1
    release_date      TEXT,                 -- ISO date
    release_country   TEXT,
    msrp_cents        INTEGER,
    street_price_cents INTEGER,
    currency          TEXT,
    licensor          TEXT,
    studio            TEXT,
    restoration_note  TEXT,
    source_id         INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX editions_label_spine ON editions(label_id, spine);
CREATE INDEX editions_release ON editions(release_date);

CREATE TABLE edition_films (
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    PRIMARY KEY (edition_id, film_id)
) WITHOUT ROWID;
CREATE INDEX edition_films_film ON edition_films(film_id);

CREATE TABLE edition_audio (
    id            INTEGER PRIMARY KEY,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    language      TEXT,
    codec         TEXT,                   -- PCM, DTS-HD MA, Dolby Digital
    channels      TEXT,                   -- 1.0, 2.0, 5.1, Mono
    description   TEXT NOT NULL,          -- as the source wrote it
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    UNIQUE (edition_id, description)
);

CREATE TABLE edition_subtitles (
    id            INTEGER PRIMARY KEY,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    language      TEXT NOT NULL,
    note          TEXT,                   -- 'new translation', 'SDH'
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    UNIQUE (edition_id, language)
);

CREATE TABLE special_features (
    id            INTEGER PRIMARY KEY,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    title         TEXT NOT NULL,
    kind          TEXT,                   -- interview | documentary | essay | commentary | ...
    runtime_min   INTEGER,
    year          INTEGER,
    description   TEXT,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    UNIQUE (edition_id, title)
);

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    edition_id    INTEGER REFERENCES editions(id) ON DELETE SET NULL,
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,          -- disc | film
    publication   TEXT,
    author        TEXT,
    url           TEXT,
    published_at  TEXT,
    verdict       TEXT,
    UNIQUE (source_id, film_id)
);
CREATE INDEX reviews_film ON reviews(film_id);

-- Scores on the review's own scale: value 8 of scale 10, or 4.5 of 5; `raw` as printed.
CREATE TABLE review_scores (
    review_id     INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    category      TEXT NOT NULL,          -- picture | audio | extras | film | overall
    value         REAL NOT NULL,
    scale_max     REAL NOT NULL CHECK (scale_max > 0),
    raw           TEXT NOT NULL,
    PRIMARY KEY (review_id, category)
) WITHOUT ROWID;

CREATE TABLE review_sections (
    id            INTEGER PRIMARY KEY,
    review_id     INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    heading       TEXT,
    body          TEXT NOT NULL,
    is_spoiler    INTEGER NOT NULL DEFAULT 0 CHECK (is_spoiler IN (0, 1)),
    UNIQUE (review_id, position)
);

CREATE TABLE plot_notes (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    source_id     INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    body          TEXT NOT NULL,
    is_spoiler    INTEGER NOT NULL DEFAULT 1 CHECK (is_spoiler IN (0, 1)),
    UNIQUE (film_id, source_id, position)
);

-- Provenance: every value every source claimed, for any entity and field.
-- entity: film | edition | person | special_feature; value stored as text.
CREATE TABLE facts (
    entity        TEXT NOT NULL,
    entity_id     INTEGER NOT NULL,
    field         TEXT NOT NULL,
    value         TEXT NOT NULL,
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    PRIMARY KEY (entity, entity_id, field, value, source_id)
) WITHOUT ROWID;
CREATE INDEX facts_source ON facts(source_id);
