-- An unchanged scan keeps no second copy of its result: `same_as` names the scan whose result it
-- repeats (the first of the run), `moment` holds what differs in every scan (time, day, timing, the
-- body's digest), and `digest` identifies the result without them. Old scans keep their own result.
ALTER TABLE scans ADD COLUMN same_as BIGINT;
ALTER TABLE scans ADD COLUMN digest TEXT;
ALTER TABLE scans ADD COLUMN moment TEXT;
CREATE INDEX scans_target_id ON scans (target, id);
