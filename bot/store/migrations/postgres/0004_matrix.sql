-- 0004: what the Matrix bot must remember across restarts (see migrations/0004_matrix.sql).

CREATE TABLE matrix_state (
    account       TEXT NOT NULL,
    key           TEXT NOT NULL,
    value         TEXT NOT NULL,
    PRIMARY KEY (account, key)
);

CREATE TABLE matrix_replies (
    account       TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    room_id       TEXT NOT NULL,
    txn_id        TEXT NOT NULL,
    reply_event_id TEXT,
    created_at    TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    PRIMARY KEY (account, event_id)
);
