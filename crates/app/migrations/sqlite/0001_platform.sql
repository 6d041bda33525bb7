-- Platform foundation: settings, organisation, users, sessions, tokens, audit trail, change feed.
-- Dates are ISO-8601 TEXT (sqlx's Any driver carries no date types); flags are INTEGER 0/1.

CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE unit (
    unit_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES unit(unit_id),
    sort_order INTEGER NOT NULL DEFAULT 0,
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    office_hours TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE app_user (
    user_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'clerk')),
    unit_id INTEGER REFERENCES unit(unit_id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE session (
    session_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(user_id),
    csrf_token TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX session_by_user ON session(user_id);

CREATE TABLE api_token (
    token_id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(user_id),
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE login_attempt (
    login_attempt_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    success INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX login_attempt_user ON login_attempt(username, created_at);
CREATE INDEX login_attempt_ip ON login_attempt(ip, created_at);

CREATE TABLE audit (
    audit_id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    unit_id INTEGER,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_object ON audit(object_type, object_id);
CREATE INDEX audit_created ON audit(created_at);
-- The audit trail is append-only, for every role: the database refuses changes.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

CREATE TABLE change_feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    unit_id INTEGER
);

CREATE TABLE idempotency (
    idem_key TEXT PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    -- The public answer of the first submission (tracking code and query secret), kept for a
    -- day so that a retried or double-clicked submission gets the same answer.
    response_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE holiday (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);
