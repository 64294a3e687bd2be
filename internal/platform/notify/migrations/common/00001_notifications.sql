-- +goose Up
-- One row per message to one person. The text is not stored: key names
-- the message in the catalog and args (JSON object of strings) fill it,
-- so it reads in whatever language the person uses when they look.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    tenant_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    msg_key    TEXT NOT NULL,
    args       TEXT NOT NULL,
    link       TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    read_ms    BIGINT
);
-- The list of one person's notifications, newest first (ids are UUIDv7).
CREATE INDEX notifications_user ON notifications (user_id, id);
-- The header's unread count reads only this partial index.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_ms IS NULL;

-- +goose Down
DROP TABLE notifications;
