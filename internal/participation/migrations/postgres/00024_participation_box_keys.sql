-- +goose Up
-- Each index of the box keyed by a random value (a hash) costs a scattered
-- page per ballot. A retry finds its row by slot (the same key derives the
-- same slot) and the receipt check reads the slot from the log's leaf, so
-- the box keeps only its key and the content index the count uses.
DROP INDEX participation_ballot_box_receipt;
ALTER TABLE participation_ballot_box DROP CONSTRAINT participation_ballot_box_budget_id_idem_key;

-- +goose Down
ALTER TABLE participation_ballot_box ADD CONSTRAINT participation_ballot_box_budget_id_idem_key UNIQUE (budget_id, idem);
CREATE INDEX participation_ballot_box_receipt ON participation_ballot_box (budget_id, receipt);
