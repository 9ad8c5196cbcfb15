-- What the change checks compare (`ScanFacts`), kept beside each full result so that a site's history
-- is read without parsing whole results. NULL for scans recorded before: their result is read instead.
ALTER TABLE scans ADD COLUMN facts TEXT;
