-- 依申请公开: applications, their event history, attachments (kept in the database so every
-- node and every backup has them), reconsideration/litigation cases, reminders and the outbox.

CREATE TABLE application (
    application_id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    unit_id INTEGER REFERENCES unit(unit_id),
    channel TEXT NOT NULL,
    received_on TEXT NOT NULL,
    applicant_kind TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_doc_kind TEXT NOT NULL,
    id_number TEXT NOT NULL,
    credit_code TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    doc_no TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    delivery_form TEXT NOT NULL,
    delivery_method TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    finished_on TEXT,
    due_on TEXT,
    state_json TEXT NOT NULL,
    fee_yuan INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX application_unit_status ON application(unit_id, status, due_on);
CREATE INDEX application_received ON application(received_on);
CREATE INDEX application_finished ON application(finished_on);

CREATE TABLE application_event (
    application_event_id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES application(application_id),
    created_at TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    public_note TEXT NOT NULL DEFAULT '',
    internal_note TEXT NOT NULL DEFAULT '',
    data_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX application_event_app ON application_event(application_id);

CREATE TABLE attachment (
    attachment_id INTEGER PRIMARY KEY,
    owner_type TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX attachment_owner ON attachment(owner_type, owner_id);

CREATE TABLE review_case (
    review_case_id INTEGER PRIMARY KEY,
    application_id INTEGER REFERENCES application(application_id),
    unit_id INTEGER REFERENCES unit(unit_id),
    kind TEXT NOT NULL,
    result TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    decided_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE notification (
    notification_id INTEGER PRIMARY KEY,
    unit_id INTEGER,
    for_office INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    dedupe_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE outbox (
    outbox_id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
