-- The industries the industry model alone reads on a scan (its `classified.industries_by_model`, sorted, joined
-- by `,`; NULL when there are none), on every scan, repeated ones too: `report --leads` finds the sites whose
-- latest scan has leads without reading their results.
ALTER TABLE scans ADD COLUMN leads TEXT;
CREATE INDEX scans_leads ON scans (target, id) WHERE leads IS NOT NULL;
