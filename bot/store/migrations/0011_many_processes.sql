-- 0011: several bot processes on one database (issue 20).
--
-- delivery_channels: one row per channel (platform, target) that announcements go to; a
-- process delivering to it holds a lease (claimed_by, lease_until, the item in flight).
-- A lease that ran out (its process died) may be taken by another; a released one says
-- when the channel may be sent to again (lease_until, the per-channel spacing).
-- send_budgets: token buckets shared by every process (Discord's global send budget).
-- leases: named leader leases (one Matrix syncing process per account).
-- On PostgreSQL the same tables, and a trigger that notifies 'filmbot_changes' when titles
-- or people change (see migrations/postgres/0011_many_processes.sql).

CREATE TABLE delivery_channels (
    platform        TEXT NOT NULL,
    target          TEXT NOT NULL,
    claimed_by      TEXT,                       -- the process delivering here, while leased
    lease_until     REAL NOT NULL DEFAULT 0,    -- unix time: claimable again from then
    announcement_id INTEGER,                    -- the item in flight (information only)
    PRIMARY KEY (platform, target)
);
INSERT INTO delivery_channels (platform, target)
    SELECT DISTINCT platform, target FROM subscriptions;

CREATE TABLE send_budgets (
    name            TEXT PRIMARY KEY,           -- 'discord'
    tokens          REAL NOT NULL,              -- sends available now (fractional)
    updated_at      REAL NOT NULL               -- unix time the tokens were counted
);

CREATE TABLE leases (
    name            TEXT PRIMARY KEY,           -- 'matrix:@bot:example.org'
    holder          TEXT NOT NULL,              -- the process holding it
    lease_until     REAL NOT NULL,              -- unix time: another may take it from then
    acquired_at     REAL NOT NULL               -- when this holder took it
);
