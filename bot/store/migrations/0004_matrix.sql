-- 0004: what the Matrix bot must remember across restarts.
--
-- matrix_state: the sync token (so a restart never sees old commands again) and the
-- like, per bot account. matrix_replies: every command event answered or being answered,
-- with the transaction id chosen before the first send attempt, so a retried or
-- restarted send reuses it and the homeserver deduplicates it: one reply per command.

CREATE TABLE matrix_state (
    account       TEXT NOT NULL,          -- the bot's user id
    key           TEXT NOT NULL,          -- 'next_batch', ...
    value         TEXT NOT NULL,
    PRIMARY KEY (account, key)
) WITHOUT ROWID;

CREATE TABLE matrix_replies (
    account       TEXT NOT NULL,
    event_id      TEXT NOT NULL,          -- the command being answered
    room_id       TEXT NOT NULL,
    txn_id        TEXT NOT NULL,
    reply_event_id TEXT,                  -- the reply's event id once accepted ('!403': refused for good)
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (account, event_id)
) WITHOUT ROWID;
