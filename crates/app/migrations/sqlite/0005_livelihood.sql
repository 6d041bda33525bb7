-- 民生监督: villages, fund programs (民生政策/民生资金) with yearly budgets, disbursement batches and
-- their rows (recipients' personal data, for the office only), reconciliation findings, the log of
-- self-queries (the queried ID only as a SHA-256), complaints (投诉举报), projects (民生项目) and
-- village disclosures (三资公开/三务公开). Files live in `attachment` (owner_type names the owner).

CREATE TABLE village (
    village_id INTEGER PRIMARY KEY,
    township_unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '村',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (township_unit_id, name)
);

CREATE TABLE fund_program (
    program_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('person', 'household', 'mu')),
    standard_fen INTEGER NOT NULL,
    min_age INTEGER,
    unit_id INTEGER REFERENCES unit(unit_id),
    source TEXT NOT NULL DEFAULT '',
    policy_basis TEXT NOT NULL DEFAULT '',
    eligibility TEXT NOT NULL DEFAULT '',
    valid_from TEXT NOT NULL DEFAULT '',
    valid_to TEXT NOT NULL DEFAULT '',
    poverty INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE fund_budget (
    fund_budget_id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES fund_program(program_id),
    year INTEGER NOT NULL,
    budget_fen INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (program_id, year)
);

CREATE TABLE disbursement_batch (
    batch_id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES fund_program(program_id),
    township_unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    period_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('rejected', 'pending', 'imported', 'discarded')),
    filename TEXT NOT NULL,
    row_count INTEGER NOT NULL DEFAULT 0,
    total_fen INTEGER NOT NULL DEFAULT 0,
    errors_json TEXT NOT NULL DEFAULT '[]',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX disbursement_batch_program ON disbursement_batch(program_id, period_key);

CREATE TABLE disbursement (
    disbursement_id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES disbursement_batch(batch_id),
    program_id INTEGER NOT NULL REFERENCES fund_program(program_id),
    village_id INTEGER NOT NULL REFERENCES village(village_id),
    period_key TEXT NOT NULL,
    line INTEGER NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    id_hash TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX disbursement_query ON disbursement(program_id, period_key, village_id);
CREATE INDEX disbursement_village ON disbursement(village_id);
CREATE INDEX disbursement_id_hash ON disbursement(id_hash);

CREATE TABLE fund_finding (
    fund_finding_id INTEGER PRIMARY KEY,
    batch_id INTEGER REFERENCES disbursement_batch(batch_id),
    program_id INTEGER NOT NULL REFERENCES fund_program(program_id),
    period_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX fund_finding_batch ON fund_finding(batch_id);

CREATE TABLE death_record (
    id_number TEXT PRIMARY KEY,
    died_on TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE self_query_log (
    self_query_log_id INTEGER PRIMARY KEY,
    id_hash TEXT NOT NULL,
    ip TEXT NOT NULL,
    rows_found INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE complaint (
    complaint_id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    anonymous INTEGER NOT NULL,
    complainant_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    subject_kind TEXT NOT NULL,
    subject_label TEXT NOT NULL DEFAULT '',
    village_id INTEGER REFERENCES village(village_id),
    program_id INTEGER REFERENCES fund_program(program_id),
    project_id INTEGER,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    unit_id INTEGER REFERENCES unit(unit_id),
    status TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    reply TEXT NOT NULL DEFAULT '',
    replied_on TEXT,
    rating TEXT,
    redirect_kind TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX complaint_status ON complaint(status, due_on);

CREATE TABLE complaint_event (
    complaint_event_id INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaint(complaint_id),
    happened_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX complaint_event_complaint ON complaint_event(complaint_id);

CREATE TABLE livelihood_project (
    project_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    village_id INTEGER NOT NULL REFERENCES village(village_id),
    unit_id INTEGER REFERENCES unit(unit_id),
    budget_fen INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    contractor TEXT NOT NULL DEFAULT '',
    planned_start TEXT NOT NULL,
    planned_end TEXT NOT NULL,
    actual_start TEXT,
    actual_end TEXT,
    accepted_on TEXT,
    progress INTEGER NOT NULL DEFAULT 0,
    poverty INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE project_update (
    project_update_id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES livelihood_project(project_id),
    happened_on TEXT NOT NULL,
    progress INTEGER NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE village_disclosure (
    village_disclosure_id INTEGER PRIMARY KEY,
    village_id INTEGER NOT NULL REFERENCES village(village_id),
    board TEXT NOT NULL CHECK (board IN ('sanzi', 'sanwu')),
    category TEXT NOT NULL,
    period_key TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    published_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX village_disclosure_village ON village_disclosure(village_id, board, period_key);
