-- The industries the industry model alone reads on a scan (its result's `classified.industries_by_model`, sorted,
-- joined by `,`; NULL when there are none), kept on every scan recorded from here on, repeated ones too: reports find
-- the sites whose latest scan has leads without reading their results.
ALTER TABLE scans ADD COLUMN leads TEXT;
CREATE INDEX scans_leads ON scans (domain, target, id) WHERE leads IS NOT NULL;
-- Each target's latest scan recorded before, from its result (a repeated scan's is the one it repeats): its leads
-- stay in reports until the next scan. Older scans are history, and no report reads their leads.
UPDATE scans SET leads = (
    SELECT group_concat(value, ',') FROM (
        SELECT j.value AS value
        FROM scans h, json_each(CASE WHEN json_valid(h.result) THEN h.result ELSE '{}' END,
                                '$.classified.industries_by_model') j
        WHERE h.id = COALESCE(scans.same_as, scans.id)
        ORDER BY j.value))
WHERE id IN (SELECT MAX(id) FROM scans GROUP BY target);
