-- +goose Up
-- Suspension of an application's term (приостановление срока) while the
-- applicant supplies a missing document, where the service's regulation
-- provides for it.
--
-- term_suspends marks a catalogue entry whose term stops while the
-- applicant is asked for a document. It starts off for existing entries:
-- a migration does not change a municipality's legal clocks; the
-- catalogue's administrator turns it on where the regulation says so.
ALTER TABLE services_catalog ADD COLUMN term_suspends INTEGER NOT NULL DEFAULT 0;

-- An application keeps the term it was submitted under (the deadline is
-- counted again from it after each suspension, so a later edit of the
-- catalogue does not move it), and paused_ms, when its term is suspended
-- now, since when. Applications submitted before this migration take
-- their service's present term.
ALTER TABLE services_applications ADD COLUMN term_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services_applications ADD COLUMN term_working INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services_applications ADD COLUMN term_suspends INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services_applications ADD COLUMN paused_ms BIGINT;
UPDATE services_applications SET
    term_days = (SELECT c.term_days FROM services_catalog c WHERE c.id = services_applications.service_id),
    term_working = (SELECT c.term_working FROM services_catalog c WHERE c.id = services_applications.service_id)
    WHERE submitted_ms IS NOT NULL;

-- Every suspension of an application's term: from the request to the
-- applicant's answer (or the decision that ended the wait; to_ms is NULL
-- while it lasts), the request's text as its reason, the days it took
-- off the term (in the term's unit) and the deadline it left.
CREATE TABLE services_pauses (
    application_id TEXT NOT NULL REFERENCES services_applications (id),
    seq            INTEGER NOT NULL,
    from_ms        BIGINT NOT NULL,
    to_ms          BIGINT,
    reason         TEXT NOT NULL,
    days           INTEGER NOT NULL DEFAULT 0,
    due_ms         BIGINT,
    PRIMARY KEY (application_id, seq)
);
-- At most one suspension of an application lasts at a time.
CREATE UNIQUE INDEX services_pauses_open ON services_pauses (application_id) WHERE to_ms IS NULL;

-- +goose Down
DROP TABLE services_pauses;
ALTER TABLE services_applications DROP COLUMN paused_ms;
ALTER TABLE services_applications DROP COLUMN term_suspends;
ALTER TABLE services_applications DROP COLUMN term_working;
ALTER TABLE services_applications DROP COLUMN term_days;
ALTER TABLE services_catalog DROP COLUMN term_suspends;
