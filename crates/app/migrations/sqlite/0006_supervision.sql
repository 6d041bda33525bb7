-- 监督考核 and 解读与互动: 政务新媒体 accounts and their posts, versioned monthly reports, spot
-- checks with findings and rectification, training records, public messages (政民互动), FAQ,
-- 回应关切 and policy interpretations (政策解读). Statuses of accounts and overdue flags are
-- computed by the domain from these records, never stored.

CREATE TABLE new_media_account (
    new_media_account_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    platform TEXT NOT NULL,
    name TEXT NOT NULL,
    manager TEXT NOT NULL DEFAULT '',
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (platform, name)
);

CREATE TABLE new_media_post (
    new_media_post_id INTEGER PRIMARY KEY,
    new_media_account_id INTEGER NOT NULL REFERENCES new_media_account(new_media_account_id),
    posted_on TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (new_media_account_id, posted_on, title)
);
CREATE INDEX new_media_post_account ON new_media_post(new_media_account_id, posted_on);

CREATE TABLE monthly_report (
    monthly_report_id INTEGER PRIMARY KEY,
    month TEXT NOT NULL,
    version INTEGER NOT NULL,
    reason TEXT,
    figures_json TEXT NOT NULL,
    config_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (month, version)
);

CREATE TABLE spot_check (
    spot_check_id INTEGER PRIMARY KEY,
    checked_on TEXT NOT NULL,
    title TEXT NOT NULL,
    scope TEXT NOT NULL,
    inspectors TEXT NOT NULL,
    draw_seed TEXT,
    draw_population_json TEXT,
    draw_result_json TEXT,
    bulletin TEXT NOT NULL DEFAULT '',
    published_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE finding (
    finding_id INTEGER PRIMARY KEY,
    spot_check_id INTEGER NOT NULL REFERENCES spot_check(spot_check_id),
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    rule TEXT NOT NULL,
    description TEXT NOT NULL,
    found_on TEXT NOT NULL,
    working_days INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    submitted_on TEXT,
    return_reason TEXT NOT NULL DEFAULT '',
    closed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX finding_unit ON finding(unit_id, status);

CREATE TABLE training (
    training_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    topic TEXT NOT NULL,
    units TEXT NOT NULL DEFAULT '',
    participants INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE message (
    message_id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    kind TEXT NOT NULL,
    to_leader INTEGER NOT NULL DEFAULT 0,
    unit_id INTEGER REFERENCES unit(unit_id),
    writer_name TEXT NOT NULL DEFAULT '',
    writer_contact TEXT NOT NULL DEFAULT '',
    wants_private INTEGER NOT NULL DEFAULT 0,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    public_subject TEXT NOT NULL,
    public_body TEXT NOT NULL,
    masked INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_on TEXT,
    private_reason TEXT,
    rating INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX message_unit_status ON message(unit_id, status);

CREATE TABLE faq (
    faq_id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    message_id INTEGER REFERENCES message(message_id),
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE concern_response (
    concern_response_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    unit_id INTEGER REFERENCES unit(unit_id),
    summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE interpretation (
    interpretation_id INTEGER PRIMARY KEY,
    policy_ref TEXT NOT NULL,
    policy_title TEXT NOT NULL,
    title TEXT NOT NULL,
    form TEXT NOT NULL,
    unit_id INTEGER REFERENCES unit(unit_id),
    sections_json TEXT NOT NULL DEFAULT '{}',
    link TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    deferral_reason TEXT,
    deferral_by TEXT,
    policy_published_on TEXT,
    published_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX interpretation_policy ON interpretation(policy_ref);
