-- +goose Up
-- Who voted (the roll) and what was voted (the box) live apart: no shared
-- id, no time finer than the day on the roll, none at all in the box.
CREATE TABLE participation_ballot_roll (
    budget_id TEXT NOT NULL,
    voter_id  TEXT NOT NULL,
    day       TEXT NOT NULL,
    channel   TEXT NOT NULL,
    check_mac TEXT NOT NULL,
    PRIMARY KEY (budget_id, voter_id)
);

CREATE TABLE participation_ballot_box (
    budget_id TEXT NOT NULL,
    slot      TEXT NOT NULL,
    idem      TEXT NOT NULL,
    projects  TEXT NOT NULL,
    receipt   TEXT NOT NULL,
    PRIMARY KEY (budget_id, slot),
    UNIQUE (budget_id, idem)
);

-- +goose Down
DROP TABLE participation_ballot_box;
DROP TABLE participation_ballot_roll;
