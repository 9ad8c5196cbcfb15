-- The reviewer console: local accounts (argon2id hashes), sessions (only a hash of each token is
-- kept, so reading the database grants no session), the audit trail of every decision, notice action,
-- login and account change, and a lead's undo of a decision (the decision stays, marked undone).

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL,
    password_hash  TEXT,
    created_at     BIGINT NOT NULL,
    disabled_at    BIGINT,
    failed_logins  BIGINT NOT NULL DEFAULT 0,
    locked_until   BIGINT
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    address     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    via      TEXT NOT NULL,
    address  TEXT,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    before   TEXT,
    after    TEXT
);
CREATE INDEX audit_at ON audit (at);

-- The key sessions are signed with: one per database, so every daemon sharing it signs alike.
CREATE TABLE console_keys (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

ALTER TABLE decisions ADD COLUMN undone_at BIGINT;
ALTER TABLE decisions ADD COLUMN undone_by TEXT;

-- The console's list: open findings, newest first, a page at a time.
CREATE INDEX findings_recent ON findings (status, last_seen, id);
