-- The records behind table 二 (issue 17 §1), imported from the systems that hold them: the
-- 权力清单 with effective and repeal dates, the decisions taken, the fees collected and the
-- 政府集中采购 projects (amounts in fen). Re-importing a file updates the same records; every
-- import is kept, so a unit that imported a kind has real zeros for it.
CREATE TABLE power_item (
    power_item_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    repealed_on TEXT,
    UNIQUE (unit_id, kind, name)
);

CREATE TABLE decision_record (
    decision_record_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    UNIQUE (unit_id, reference)
);

CREATE TABLE payment_record (
    payment_record_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    UNIQUE (unit_id, kind, reference)
);

CREATE TABLE record_import (
    record_import_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX record_import_unit ON record_import (unit_id, kind);
