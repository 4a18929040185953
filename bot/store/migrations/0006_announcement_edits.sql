-- 0006: how many times a posted announcement was edited, so each edit gets its own
-- transaction id (a date that moves A -> B -> A -> B needs three distinct edits).
ALTER TABLE announcements ADD COLUMN edits INTEGER NOT NULL DEFAULT 0;
