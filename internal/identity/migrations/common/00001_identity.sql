-- +goose Up
CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    search             TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    home_id            TEXT NOT NULL,
    home_path          TEXT NOT NULL,
    tenant_id          TEXT NOT NULL,
    status             TEXT NOT NULL,
    email_confirmed_ms BIGINT,
    oidc_issuer        TEXT,
    oidc_subject       TEXT,
    sessions_after_ms  BIGINT NOT NULL,
    created_ms         BIGINT NOT NULL,
    updated_ms         BIGINT NOT NULL,
    UNIQUE (oidc_issuer, oidc_subject)
);
CREATE INDEX users_home ON users (home_path);
CREATE TABLE consents (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    version      TEXT NOT NULL,
    lang         TEXT NOT NULL,
    text_hash    TEXT NOT NULL,
    accepted_ms  BIGINT NOT NULL,
    accepted_ip  TEXT NOT NULL,
    withdrawn_ms BIGINT,
    withdrawn_ip TEXT NOT NULL
);
CREATE INDEX consents_user ON consents (user_id, accepted_ms);
CREATE TABLE grants (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    role          TEXT NOT NULL,
    scope_id      TEXT NOT NULL,
    scope_path    TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    department_id TEXT NOT NULL,
    granted_by    TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    UNIQUE (user_id, role, scope_id, department_id)
);
CREATE INDEX grants_scope ON grants (scope_path);
CREATE TABLE user_tokens (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    purpose    TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms    BIGINT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);
CREATE TABLE login_events (
    id          TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    ip          TEXT NOT NULL,
    method      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    at_ms       BIGINT NOT NULL
);
CREATE INDEX login_events_account ON login_events (account_key, at_ms);
CREATE INDEX login_events_ip ON login_events (ip, at_ms);
CREATE INDEX login_events_user ON login_events (user_id, at_ms);
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    prefix       TEXT NOT NULL UNIQUE,
    secret_hash  TEXT NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    scope_id     TEXT NOT NULL,
    scope_path   TEXT NOT NULL,
    tenant_id    TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    last_used_ms BIGINT,
    revoked_ms   BIGINT
);
CREATE INDEX api_keys_scope ON api_keys (scope_path);
-- +goose Down
DROP TABLE api_keys;
DROP TABLE login_events;
DROP TABLE user_tokens;
DROP TABLE grants;
DROP TABLE consents;
DROP TABLE users;
