-- The last read of each target's served page (its facts and classification, deflated JSON), under the
-- key of what it depends on (body digest, URL, content type, rules, scanner build). The next scan of an
-- unchanged page reuses it instead of reading the page again. One row per target, replaced when the
-- page changes; the daemon's prune drops rows older than its keep_days (they are read again).
CREATE TABLE page_reads (
    target    TEXT PRIMARY KEY,
    key       TEXT NOT NULL,
    read      BYTEA NOT NULL,
    stored_at BIGINT NOT NULL
);
CREATE INDEX page_reads_stored_at ON page_reads (stored_at);
