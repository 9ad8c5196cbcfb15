-- The industries the industry model alone reads on a scan (its result's `classified.industries_by_model`, sorted,
-- joined by `,`; NULL when there are none), kept on every scan recorded from here on, repeated ones too: reports find
-- the sites whose latest scan has leads without reading their results.
ALTER TABLE scans ADD COLUMN leads TEXT;
CREATE INDEX scans_leads ON scans (domain, target, id) WHERE leads IS NOT NULL;
-- Each target's latest scan recorded before, from its result (a repeated scan's is the one it repeats): its leads
-- stay in reports until the next scan. Older scans are history, and no report reads their leads.
UPDATE scans s SET leads = filled.leads
FROM (
    SELECT l.id, (
        SELECT string_agg(v, ',' ORDER BY v)
        FROM jsonb_array_elements_text(
            CASE WHEN h.result LIKE '{%' THEN h.result::jsonb -> 'classified' -> 'industries_by_model' END) AS v
    ) AS leads
    FROM scans l JOIN scans h ON h.id = COALESCE(l.same_as, l.id)
    WHERE l.id IN (SELECT MAX(id) FROM scans GROUP BY target)
) AS filled
WHERE s.id = filled.id AND filled.leads IS NOT NULL;
