-- Each scan reads its host's open findings (twice: the escalation policy, then the recording). With the
-- alerts' index on (status, alerted_at) SQLite's planner walked every open finding of every host for
-- it; this index answers "this host's open findings" directly.
CREATE INDEX findings_target ON findings (target, status);
