-- A unit's annual report published elsewhere (its own website), registered so the office's
-- oversight of the 1 月 31 日 deadline counts it: when, where, and what the checker found in the
-- file (kept as an attachment of owner type external_report).
CREATE TABLE external_report (
    external_report_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    year INTEGER NOT NULL,
    published_on TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL,
    verdict TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, year)
);
