-- Filing records, scans with their check results, findings with a lifecycle, and the job queue.
-- Times are Unix milliseconds (BIGINT), JSON is TEXT: the same queries serve SQLite and PostgreSQL.

CREATE TABLE filings (
    domain        TEXT PRIMARY KEY,
    record        TEXT NOT NULL,
    province      TEXT,
    provider      TEXT,
    status        TEXT NOT NULL DEFAULT 'active',
    imported_at   BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    withdrawn_at  BIGINT,
    first_online  BIGINT
);
CREATE INDEX filings_status ON filings (status, province, provider);

CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle        TEXT NOT NULL,
    domain       TEXT NOT NULL,
    target       TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued',
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_at       BIGINT NOT NULL,
    locked_by    TEXT,
    lease_until  BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    UNIQUE (cycle, target)
);
CREATE INDEX jobs_claim ON jobs (state, run_at);

CREATE TABLE scans (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id           BIGINT UNIQUE,
    domain           TEXT NOT NULL,
    target           TEXT NOT NULL,
    scanned_at       BIGINT NOT NULL,
    verdict          TEXT NOT NULL,
    scanner_version  TEXT NOT NULL,
    rules_version    TEXT NOT NULL,
    result           TEXT NOT NULL
);
CREATE INDEX scans_target ON scans (target, scanned_at);

CREATE TABLE check_results (
    scan_id   BIGINT NOT NULL REFERENCES scans (id),
    check_id  TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    severity  TEXT NOT NULL,
    notice    TEXT NOT NULL,
    evidence  TEXT NOT NULL,
    PRIMARY KEY (scan_id, check_id)
);

CREATE TABLE findings (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain        TEXT NOT NULL,
    target        TEXT NOT NULL,
    check_id      TEXT NOT NULL,
    status        TEXT NOT NULL,
    notice        TEXT NOT NULL,
    first_seen    BIGINT NOT NULL,
    last_seen     BIGINT NOT NULL,
    resolved_at   BIGINT,
    consecutive   INTEGER NOT NULL,
    last_scan_id  BIGINT NOT NULL,
    evidence      TEXT NOT NULL
);
CREATE UNIQUE INDEX findings_open ON findings (target, check_id) WHERE status = 'open';
CREATE INDEX findings_domain ON findings (domain, status);

-- One daemon per SQLite file: the holder refreshes its row; a live row keeps a second daemon out.
CREATE TABLE daemon_lock (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    host        TEXT NOT NULL,
    pid         BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
