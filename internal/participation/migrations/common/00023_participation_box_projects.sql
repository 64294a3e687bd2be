-- +goose Up
-- The count groups the box by ballot content; with this index the engine
-- aggregates in index order and returns one row per distinct ballot.
CREATE INDEX participation_ballot_box_projects ON participation_ballot_box (budget_id, projects);

-- +goose Down
DROP INDEX participation_ballot_box_projects;
