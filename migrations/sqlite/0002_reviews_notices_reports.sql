-- Reviewers' decisions on findings (bound to the evidence they judged), notices sent to customers
-- with their deadlines, and report runs (for "what changed since the last report").

CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    domain       TEXT NOT NULL,
    target       TEXT NOT NULL,
    check_id     TEXT NOT NULL,
    decision     TEXT NOT NULL,
    until_day    TEXT,
    note         TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   BIGINT NOT NULL,
    fingerprint  TEXT NOT NULL
);
CREATE INDEX decisions_lookup ON decisions (target, check_id, decided_at);

CREATE TABLE notices (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    domain       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    sent_at      BIGINT NOT NULL,
    sent_by      TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    extended_to  TEXT,
    state        TEXT NOT NULL DEFAULT 'sent',
    settled_at   BIGINT,
    settled_scan BIGINT
);
CREATE INDEX notices_domain ON notices (domain, state);

CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  BIGINT NOT NULL,
    format      TEXT NOT NULL,
    filters     TEXT NOT NULL
);
