-- +goose Up
-- Each index of the box is keyed by a random value (a hash), so every
-- ballot writes one more scattered page per index. A retry finds its row
-- by slot (the same key derives the same slot) and the receipt check
-- reads the slot from the log's leaf, so the box keeps only its key and
-- the content index the count uses. SQLite cannot drop a table's UNIQUE
-- constraint, so the table is rebuilt (still WITHOUT ROWID: key order,
-- no insertion order).
DROP INDEX participation_ballot_box_receipt;
CREATE TABLE participation_ballot_box_new (
    budget_id TEXT NOT NULL,
    slot      TEXT NOT NULL,
    idem      TEXT NOT NULL,
    projects  TEXT NOT NULL,
    receipt   TEXT NOT NULL,
    PRIMARY KEY (budget_id, slot)
) WITHOUT ROWID;
INSERT INTO participation_ballot_box_new (budget_id, slot, idem, projects, receipt)
    SELECT budget_id, slot, idem, projects, receipt FROM participation_ballot_box;
DROP TABLE participation_ballot_box;
ALTER TABLE participation_ballot_box_new RENAME TO participation_ballot_box;
CREATE INDEX participation_ballot_box_projects ON participation_ballot_box (budget_id, projects);

-- +goose Down
CREATE TABLE participation_ballot_box_old (
    budget_id TEXT NOT NULL,
    slot      TEXT NOT NULL,
    idem      TEXT NOT NULL,
    projects  TEXT NOT NULL,
    receipt   TEXT NOT NULL,
    PRIMARY KEY (budget_id, slot),
    UNIQUE (budget_id, idem)
) WITHOUT ROWID;
INSERT INTO participation_ballot_box_old (budget_id, slot, idem, projects, receipt)
    SELECT budget_id, slot, idem, projects, receipt FROM participation_ballot_box;
DROP TABLE participation_ballot_box;
ALTER TABLE participation_ballot_box_old RENAME TO participation_ballot_box;
CREATE INDEX participation_ballot_box_projects ON participation_ballot_box (budget_id, projects);
CREATE INDEX participation_ballot_box_receipt ON participation_ballot_box (budget_id, receipt);
