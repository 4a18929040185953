-- 0010: the questions filmbot is waiting for an answer to (see migrations/0010_open_questions.sql).
CREATE TABLE open_questions (
    platform    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    question    TEXT NOT NULL,
    command     TEXT NOT NULL,
    options     TEXT NOT NULL,
    choices     TEXT NOT NULL,
    expires_at  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, channel, user_id)
);
CREATE INDEX open_questions_expiry ON open_questions(expires_at);
