-- Alerts tell of each finding that feeds a notice once, and of each notice past its deadline once:
-- when they were told (claimed by the daemon that sends the digest, so two daemons never both tell).
ALTER TABLE findings ADD COLUMN alerted_at BIGINT;
ALTER TABLE notices ADD COLUMN overdue_alerted_at BIGINT;
-- What the store held before alerts existed has been seen in reports: it is not told again.
UPDATE findings SET alerted_at = last_seen;
UPDATE notices SET overdue_alerted_at = settled_at WHERE state = 'overdue';
CREATE INDEX findings_unalerted ON findings (status, alerted_at);
