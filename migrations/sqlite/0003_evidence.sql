-- Screenshots of rendered scans (the footer region and the page), kept with their scan: the result
-- names each by its SHA-256; deleting the scan deletes its screenshots.
CREATE TABLE evidence (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    png     BLOB NOT NULL,
    PRIMARY KEY (scan_id, kind)
);
