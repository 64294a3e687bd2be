-- +goose Up
-- The receipt check asks whether a receipt is the ballot its slot holds now.
CREATE INDEX participation_ballot_box_receipt ON participation_ballot_box (budget_id, receipt);

-- +goose Down
DROP INDEX participation_ballot_box_receipt;
