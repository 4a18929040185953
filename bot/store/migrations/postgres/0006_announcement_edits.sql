-- 0006: how many times a posted announcement was edited (see migrations/0006_announcement_edits.sql).
ALTER TABLE announcements ADD COLUMN edits INTEGER NOT NULL DEFAULT 0;
