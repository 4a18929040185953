-- 0010: the questions filmbot is waiting for an answer to (`!pick N`, a menu choice).
--
-- A numbered list ("Which film did you mean?") stays open for its asker for a few
-- minutes. It is kept here rather than in the process, so the answer may come from
-- another process: `filmbot ask "!film solaris"`, then `filmbot ask "!pick 2"`, or a bot
-- restarted in between. One question is open per platform, channel or room, and user; a
-- newer one replaces it. Expired rows are deleted when the next question is asked.
CREATE TABLE open_questions (
    platform    TEXT NOT NULL,   -- 'discord', 'matrix', 'console', 'cli-text', ...
    channel     TEXT NOT NULL,   -- the channel or room ('console' in a terminal)
    user_id     TEXT NOT NULL,   -- who was asked: only they may answer
    question    TEXT NOT NULL,   -- the list's id, which a menu passes back with the choice
    command     TEXT NOT NULL,   -- what the answer runs: 'film', 'edition', ...
    options     TEXT NOT NULL,   -- that command's options as given with the question (JSON)
    choices     TEXT NOT NULL,   -- the choices' ids in the list's order (JSON: ["film:12"])
    expires_at  REAL NOT NULL,   -- seconds since the epoch
    PRIMARY KEY (platform, channel, user_id)
) WITHOUT ROWID;
CREATE INDEX open_questions_expiry ON open_questions(expires_at);
