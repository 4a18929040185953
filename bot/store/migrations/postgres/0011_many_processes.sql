-- 0011: several bot processes on one database (see migrations/0011_many_processes.sql).

CREATE TABLE delivery_channels (
    platform        TEXT NOT NULL,
    target          TEXT NOT NULL,
    claimed_by      TEXT,
    lease_until     DOUBLE PRECISION NOT NULL DEFAULT 0,
    announcement_id BIGINT,
    PRIMARY KEY (platform, target)
);
INSERT INTO delivery_channels (platform, target)
    SELECT DISTINCT platform, target FROM subscriptions;

CREATE TABLE send_budgets (
    name            TEXT PRIMARY KEY,
    tokens          DOUBLE PRECISION NOT NULL,
    updated_at      DOUBLE PRECISION NOT NULL
);

CREATE TABLE leases (
    name            TEXT PRIMARY KEY,
    holder          TEXT NOT NULL,
    lease_until     DOUBLE PRECISION NOT NULL,
    acquired_at     DOUBLE PRECISION NOT NULL
);

-- Every process keeps its own search index: a write that changes titles or people tells
-- them at COMMIT (LISTEN filmbot_changes; one notification per table and transaction,
-- PostgreSQL folds repeats), so they refresh at once instead of at their next poll.
CREATE FUNCTION filmbot_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('filmbot_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER films_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON films
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_notify_changes();
CREATE TRIGGER film_titles_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON film_titles
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_notify_changes();
CREATE TRIGGER people_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_notify_changes();
CREATE TRIGGER person_aliases_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person_aliases
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_notify_changes();
