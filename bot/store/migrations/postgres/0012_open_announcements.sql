-- 0012: the announcements still to deliver (see migrations/0012_open_announcements.sql).
-- The condition is the one the reads name, as bot/store/pg_sql.py translates it.
CREATE INDEX announcements_open ON announcements(subscription_id, id)
    WHERE state = 'pending' OR posted_date IS DISTINCT FROM release_date;
