-- 0005: new-release announcements and release feeds.
--
-- subscriptions: a Discord channel or Matrix room that wants announcements, with its
-- filters and its health. announcements: the outbox, one row per (edition, subscription,
-- kind), so nothing is posted twice; its nonce (Discord) / transaction id (Matrix) is
-- chosen when the row is written, before any send, so a retried or restarted send is
-- deduplicated by the platform. edition_seen: the editions (and their release dates)
-- already looked at, so a new or moved edition is noticed whoever added it (an import,
-- a feed, another process). feeds / feed_items: RSS and Atom feeds of release listings.

CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL CHECK (platform IN ('discord', 'matrix', 'console')),
    scope           TEXT NOT NULL DEFAULT '',   -- Discord guild id; Matrix: the room id
    target          TEXT NOT NULL,              -- Discord channel id / Matrix room id
    filters         TEXT NOT NULL DEFAULT '{}', -- JSON: {"label": [...], "format": ..., ...}
    mention         TEXT,                       -- opted-in mention: Discord role id, '@room', a user id
    since           TEXT NOT NULL,              -- ISO date: releases dated before it are backlog
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    status          TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failing')),
    status_note     TEXT,                       -- why it is failing, as the platform said
    status_since    TEXT,
    last_sent_at    TEXT
);
CREATE INDEX subscriptions_target ON subscriptions(platform, target);

CREATE TABLE announcements (
    id              INTEGER PRIMARY KEY,        -- delivery order within a subscription
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    edition_id      INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('announced', 'released')),
    nonce           TEXT NOT NULL UNIQUE,       -- Discord nonce / Matrix transaction id
    release_date    TEXT,                       -- the date the message should show
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'cancelled')),
    message_id      TEXT,                       -- the posted message / event, once sent
    posted_date     TEXT,                       -- the date the posted message shows
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,    -- unix time
    last_error      TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sent_at         TEXT,
    UNIQUE (subscription_id, edition_id, kind)
);
CREATE INDEX announcements_due ON announcements(state, subscription_id, id);

CREATE TABLE edition_seen (
    edition_id      INTEGER PRIMARY KEY REFERENCES editions(id) ON DELETE CASCADE,
    release_date    TEXT
);
-- What exists now is not news.
INSERT INTO edition_seen (edition_id, release_date) SELECT id, release_date FROM editions;

CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    title           TEXT,
    etag            TEXT,
    last_modified   TEXT,
    interval_s      INTEGER NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    next_poll_at    REAL NOT NULL DEFAULT 0,    -- unix time
    last_polled_at  TEXT,
    last_status     TEXT,                       -- '200 (3 new)', '304', '500', 'malformed: ...'
    added_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE feed_items (
    feed_id         INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    item_key        TEXT NOT NULL,              -- the entry's id, else its link, else a hash
    outcome         TEXT NOT NULL,              -- imported | merged | unchanged | rejected: why
    seen_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
